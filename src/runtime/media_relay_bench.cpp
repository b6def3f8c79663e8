// MediaRelay over loopback sockets, one thread: a test phone sends SRTP (AES_CM_128_HMAC_SHA1_80,
// 160-byte payloads) in batches of 32 with sendmmsg to the relay's side a; the relay receives them with
// recvmmsg, re-encrypts them for side b (AEAD_AES_128_GCM) and sends them with sendmmsg; a second test
// socket takes them. The time per packet therefore includes the test phones' own system calls: it is
// an upper bound of the relay's cost, not the relay alone.
#include <benchmark/benchmark.h>

#include <vector>

#include "core/relay/testing_relay.hpp"
#include "io/system_clock.hpp"
#include "runtime/media_relay.hpp"

namespace sotto::runtime {
namespace {

void BM_MediaRelayLoopback(benchmark::State& state) {
  constexpr std::size_t kBatch = 32;
  constexpr std::size_t kPackets = 1 << 16;
  asio::io_context io;
  io::SystemClock clock;
  srtp::KeyRegistry registry;
  MediaRelayOptions o;
  o.port_min = 33200;  // outside 20000-30000, where other VoIP traffic on this machine may be
  o.port_max = 33300;
  o.relay.outbound_keys = &registry;
  auto anchor = MediaRelay::create(io, clock, o).value();
  const relay::RelayId id = anchor->open(clock.now()).value();
  const auto loopback = *io::Endpoint::parse("127.0.0.1:0");
  auto sender = io::UdpSocket::bind(io, loopback).value();
  auto sink = io::UdpSocket::bind(io, loopback).value();
  relay::testing::Phone alice(srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, relay::testing::ep(1, sender.local().port), 0xA11CE,
                              0, &registry);
  relay::testing::Phone bob(srtp::SuiteId::AEAD_AES_128_GCM, relay::testing::ep(1, sink.local().port), 0xB0B, 0, &registry);
  (void)anchor->set_leg(clock.now(), id, relay::Side::a, alice.leg_media());
  (void)anchor->set_leg(clock.now(), id, relay::Side::b, bob.leg_media());
  const asio::ip::udp::endpoint to_relay(asio::ip::make_address("127.0.0.1"), anchor->local(id, relay::Side::a).rtp_port);

  std::vector<std::vector<std::uint8_t>> wire;
  auto generate = [&] {
    wire.clear();
    for (std::size_t i = 0; i < kPackets; ++i) wire.push_back(alice.rtp(160).bytes());
  };
  generate();
  std::array<io::Datagram, kBatch> out{};
  std::vector<std::uint8_t> in_buf(kBatch * 2048);
  std::array<io::Datagram, kBatch> in{};
  std::size_t next = 0;
  std::uint64_t relayed = 0;
  for (auto _ : state) {
    if (next + kBatch > kPackets) {
      state.PauseTiming();
      generate();  // the same key, the sequence goes on (and wraps: ROC 1, 2, ...)
      next = 0;
      state.ResumeTiming();
    }
    for (std::size_t i = 0; i < kBatch; ++i) {
      auto& w = wire[next + i];
      out[i] = {std::span<std::uint8_t>(w.data(), w.size()), w.size(), to_relay};
    }
    next += kBatch;
    sender.send_batch(out);
    std::size_t got = 0;
    for (int spins = 0; got < kBatch && spins < 100000; ++spins) {
      io.poll();
      for (std::size_t i = 0; i < kBatch; ++i) in[i].buffer = {in_buf.data() + i * 2048, 2048};
      got += sink.receive_batch(std::span<io::Datagram>(in.data(), kBatch - got));
    }
    relayed += got;
    if (got < kBatch) {
      state.SkipWithError("packets were lost on loopback");
      break;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(relayed));
  if (anchor->stats(id, relay::Side::a).auth_failures != 0) state.SkipWithError("authentication failures");
}

BENCHMARK(BM_MediaRelayLoopback)->UseRealTime();

}  // namespace
}  // namespace sotto::runtime
