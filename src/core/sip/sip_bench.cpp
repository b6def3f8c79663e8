// Micro-benchmarks: parse rate of a typical INVITE with SDP (messages/s), with and without the
// check_message() pass, and serialization.
#include <benchmark/benchmark.h>

#include <string>

#include "core/sip/message_parser.hpp"
#include "core/sip/message_writer.hpp"
#include "core/sip/stream_framer.hpp"

namespace {

std::string typical_invite() {
  const std::string sdp =
      "v=0\r\no=alice 2890844526 2890844526 IN IP4 192.0.2.101\r\ns=-\r\nc=IN IP4 192.0.2.101\r\nt=0 0\r\n"
      "m=audio 49172 RTP/SAVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
      "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n"
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32\r\n"
      "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|1:32\r\n";
  return "INVITE sips:bob@biloxi.example.com SIP/2.0\r\n"
         "Via: SIP/2.0/TLS pc33.atlanta.example.com:5061;branch=z9hG4bK776asdhds;rport\r\n"
         "Max-Forwards: 70\r\n"
         "Route: <sips:proxy.atlanta.example.com;lr>\r\n"
         "To: Bob <sips:bob@biloxi.example.com>\r\n"
         "From: Alice <sips:alice@atlanta.example.com>;tag=1928301774\r\n"
         "Call-ID: a84b4c76e66710@pc33.atlanta.example.com\r\n"
         "CSeq: 314159 INVITE\r\n"
         "Contact: <sips:alice@pc33.atlanta.example.com;transport=tls>\r\n"
         "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, PRACK, REFER, NOTIFY, MESSAGE\r\n"
         "Supported: replaces, timer, 100rel\r\n"
         "User-Agent: sotto/0.1\r\n"
         "Content-Type: application/sdp\r\n"
         "Content-Length: " + std::to_string(sdp.size()) + "\r\n\r\n" + sdp;
}

void BM_ParseInvite(benchmark::State& state) {
  const std::string wire = typical_invite();
  for (auto _ : state) {
    auto m = sotto::sip::parse_message(wire);
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
}
BENCHMARK(BM_ParseInvite);

void BM_ParseInviteUnchecked(benchmark::State& state) {
  const std::string wire = typical_invite();
  for (auto _ : state) {
    auto m = sotto::sip::parse_message_unchecked(wire);
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseInviteUnchecked);

void BM_SerializeInvite(benchmark::State& state) {
  const auto m = sotto::sip::parse_message(typical_invite());
  for (auto _ : state) {
    auto s = sotto::sip::serialize(*m);
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SerializeInvite);

void BM_FrameAndParseStream(benchmark::State& state) {
  const std::string wire = typical_invite();
  sotto::sip::StreamFramer framer;
  sotto::sip::ParseOptions stream;
  stream.framing = sotto::sip::Framing::stream;
  for (auto _ : state) {
    framer.feed(wire);
    auto item = framer.next();
    auto m = sotto::sip::parse_message((*item)->bytes, stream);
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FrameAndParseStream);

}  // namespace
