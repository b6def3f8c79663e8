// The audit on synthetic captures: each finding code raised by one capture and not by another,
// stream statistics, SRTP decryption (keys from SDP or given), ROC wrap, reordering and loss, audio
// extraction compared with its source by correlation, and media without signalling.
#include <gtest/gtest.h>

#include <algorithm>

#include "audit/json_report.hpp"
#include "audit/testing_calls.hpp"
#include "audit/text_report.hpp"
#include "core/rtp/rtcp_serialize.hpp"
#include "media/audio_compare.hpp"

namespace sotto::audit {
namespace {

using namespace testing;

bool has(const std::vector<Finding>& v, const std::string& code) {
  return std::any_of(v.begin(), v.end(), [&](const Finding& f) { return f.code == code; });
}
const Finding* get(const std::vector<Finding>& v, const std::string& code) {
  for (const auto& f : v) if (f.code == code) return &f;
  return nullptr;
}

const SrtpKey kAlice = make_key(srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, 1);
const SrtpKey kBob = make_key(srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, 101);

CallSpec plain_call() {
  CallSpec c;
  c.alice_stream = StreamSpec{.ssrc = 0xA1A1A1A1};
  c.bob_stream = StreamSpec{.ssrc = 0xB0B0B0B0};
  return c;
}

CallSpec sdes_call(SrtpKey a = kAlice, SrtpKey b = kBob) {
  CallSpec c;
  c.offer_proto = c.answer_proto = "RTP/SAVP";
  c.offer_crypto = {crypto_line(1, a)};
  c.answer_crypto = {crypto_line(1, b)};
  c.alice_stream = StreamSpec{.ssrc = 0xA1A1A1A1, .key = a};
  c.bob_stream = StreamSpec{.ssrc = 0xB0B0B0B0, .key = b};
  return c;
}

TEST(Audit, PlainUdpCallIsInsecureAndSaysWhatLeaked) {
  Capture cap;
  add_call(cap, plain_call());
  Report r = cap.analyse();
  ASSERT_EQ(r.calls.size(), 1u);
  const CallReport& c = r.calls[0];
  EXPECT_EQ(c.call_id, "call-1@test");
  EXPECT_EQ(c.result, "answered");
  EXPECT_EQ(c.status, 200);
  EXPECT_EQ(c.transport, "UDP");
  EXPECT_EQ(c.verdict, Verdict::insecure);
  const Finding* sc = get(c.findings, "sip-cleartext");
  ASSERT_NE(sc, nullptr);
  EXPECT_NE(sc->message.find("+15551230001"), std::string::npos) << sc->message;
  EXPECT_NE(sc->message.find("Alice Liddell"), std::string::npos);
  EXPECT_NE(sc->message.find("TestPhone/1.2"), std::string::npos);
  EXPECT_EQ(sc->frames.front(), 1u);
  EXPECT_TRUE(has(c.findings, "rtp-unencrypted"));
  EXPECT_FALSE(has(c.findings, "sdes-keys-exposed"));
  EXPECT_FALSE(has(c.findings, "srtp-downgrade"));
  EXPECT_FALSE(has(c.findings, "metadata-leak"));
  ASSERT_EQ(c.streams.size(), 2u);
  for (const auto& s : c.streams) {
    EXPECT_EQ(s.packets, 100u);
    EXPECT_EQ(s.lost, 0);
    EXPECT_FALSE(s.encrypted);
    EXPECT_EQ(s.codec, "PCMU/8000");
    EXPECT_NEAR(s.duration_s, 1.98, 0.01);
    EXPECT_LT(s.jitter_ms, 1.0);
  }
  EXPECT_EQ(c.messages.size(), 5u);
  EXPECT_EQ(c.messages[0].summary, "INVITE sip:bob@10.0.0.2");
  EXPECT_TRUE(c.messages[0].sdp);
  EXPECT_EQ(c.messages[1].summary, "200 OK");
  EXPECT_FALSE(r.all_secure());
}

TEST(Audit, SdesOverUdpExposesKeysAndTheMediaIsDecrypted) {
  Capture cap;
  std::vector<std::int16_t> source;
  add_call(cap, sdes_call(), &source);
  std::vector<StreamAudio> audio;
  Report r = cap.analyse(AuditOptions{.keep_audio = true}, &audio);
  ASSERT_EQ(r.calls.size(), 1u);
  const CallReport& c = r.calls[0];
  EXPECT_EQ(c.verdict, Verdict::insecure);
  ASSERT_TRUE(has(c.findings, "sdes-keys-exposed"));
  EXPECT_EQ(get(c.findings, "sdes-keys-exposed")->frames, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_FALSE(has(c.findings, "rtp-unencrypted"));
  EXPECT_FALSE(has(c.findings, "srtp-not-ciphertext"));
  EXPECT_FALSE(has(c.findings, "srtp-null-cipher"));
  EXPECT_FALSE(has(c.findings, "srtp-short-tag"));
  EXPECT_FALSE(has(c.findings, "key-reuse"));
  ASSERT_EQ(c.streams.size(), 2u);
  for (const auto& s : c.streams) {
    EXPECT_TRUE(s.encrypted);
    EXPECT_TRUE(s.decrypted);
    EXPECT_EQ(s.auth_failures, 0u);
    EXPECT_EQ(s.suite, "AES_CM_128_HMAC_SHA1_80");
    ASSERT_TRUE(s.waveform);
    EXPECT_LE(s.waveform->size(), 200u);
  }
  // Alice's stream decrypted and decoded matches what she sent.
  auto it = std::find_if(audio.begin(), audio.end(), [&](const StreamAudio& a) { return c.streams[a.stream].ssrc == 0xA1A1A1A1; });
  ASSERT_NE(it, audio.end());
  auto corr = media::best_correlation(source, it->samples, 400);
  EXPECT_GT(corr.peak, 0.95);
  EXPECT_EQ(corr.lag, 0);
}

TEST(Audit, NoAudioIsKeptUnlessAsked) {
  Capture cap;
  add_call(cap, sdes_call());
  std::vector<StreamAudio> audio;
  Report r = cap.analyse({}, &audio);
  EXPECT_TRUE(audio.empty());
  EXPECT_FALSE(r.calls[0].streams[0].waveform);
}

TEST(Audit, NullCipherNullAuthAndShortTag) {
  auto run = [](SrtpKey k, std::string params = "") {
    CallSpec c = sdes_call(k, k);
    c.offer_crypto = {crypto_line(1, k, params)};
    c.answer_crypto = {crypto_line(1, k, params)};
    c.bob_stream.reset();
    Capture cap;
    add_call(cap, c);
    return cap.analyse();
  };
  Report null_cipher = run(make_key(srtp::SuiteId::NULL_HMAC_SHA1_80, 3));
  EXPECT_TRUE(has(null_cipher.calls[0].findings, "srtp-null-cipher"));
  EXPECT_TRUE(has(null_cipher.calls[0].findings, "srtp-not-ciphertext"));
  EXPECT_FALSE(has(null_cipher.calls[0].findings, "srtp-null-auth"));
  EXPECT_FALSE(null_cipher.calls[0].streams[0].encrypted);

  SrtpKey unenc = kAlice;
  unenc.unencrypted = true;
  Report unencrypted = run(unenc, "UNENCRYPTED_SRTP");
  EXPECT_TRUE(has(unencrypted.calls[0].findings, "srtp-null-cipher"));

  Report null_auth = run(make_key(srtp::SuiteId::AES_CM_128_NULL_AUTH, 3));
  EXPECT_TRUE(has(null_auth.calls[0].findings, "srtp-null-auth"));
  EXPECT_FALSE(has(null_auth.calls[0].findings, "srtp-null-cipher"));
  EXPECT_FALSE(has(null_auth.calls[0].findings, "srtp-not-ciphertext"));

  Report short_tag = run(make_key(srtp::SuiteId::AES_CM_128_HMAC_SHA1_32, 3));
  EXPECT_TRUE(has(short_tag.calls[0].findings, "srtp-short-tag"));
  EXPECT_TRUE(short_tag.calls[0].streams[0].decrypted);

  Report strong = run(kAlice);
  for (const char* code : {"srtp-null-cipher", "srtp-null-auth", "srtp-short-tag", "srtp-not-ciphertext"}) {
    EXPECT_FALSE(has(strong.calls[0].findings, code)) << code;
  }
}

TEST(Audit, DowngradeIsSrtpOfferedPlainAnswered) {
  CallSpec c = sdes_call();
  c.answer_proto = "RTP/AVP";
  c.answer_crypto.clear();
  c.alice_stream->key.reset();
  c.bob_stream->key.reset();
  Capture cap;
  add_call(cap, c);
  Report r = cap.analyse();
  const Finding* f = get(r.calls[0].findings, "srtp-downgrade");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->frames, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_TRUE(has(r.calls[0].findings, "rtp-unencrypted"));
  Capture ok;
  add_call(ok, sdes_call());
  EXPECT_FALSE(has(ok.analyse().calls[0].findings, "srtp-downgrade"));
}

TEST(Audit, PlainPayloadLabelledSrtpIsNotCiphertext) {
  CallSpec c = sdes_call();
  c.alice_stream->plain_payload_under_srtp_label = true;  // a peer that fails open
  Capture cap;
  add_call(cap, c);
  Report r = cap.analyse();
  const Finding* f = get(r.calls[0].findings, "srtp-not-ciphertext");
  ASSERT_NE(f, nullptr);
  EXPECT_NE(f->message.find("0xa1a1a1a1"), std::string::npos);
  auto it = std::find_if(r.calls[0].streams.begin(), r.calls[0].streams.end(), [](const StreamReport& s) { return s.ssrc == 0xA1A1A1A1; });
  EXPECT_FALSE(it->encrypted);
  EXPECT_GT(it->auth_failures, 0u);
  EXPECT_FALSE(it->decrypted);
}

TEST(Audit, KeyReuseBothDirectionsAndAcrossCalls) {
  Capture same;
  add_call(same, sdes_call(kAlice, kAlice));
  EXPECT_TRUE(has(same.analyse().calls[0].findings, "key-reuse"));

  Capture two;
  CallSpec c1 = sdes_call();
  CallSpec c2 = sdes_call(kAlice, make_key(srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, 200));
  c2.call_id = "call-2@test";
  c2.t0 = kT0 + 10'000'000'000;
  c2.alice_rtp.port = 40100;
  c2.bob_rtp.port = 42100;
  add_call(two, c1);
  add_call(two, c2);
  Report r = two.analyse();
  ASSERT_EQ(r.calls.size(), 2u);
  for (const auto& c : r.calls) {
    const Finding* f = get(c.findings, "key-reuse");
    ASSERT_NE(f, nullptr) << *c.call_id;
    EXPECT_NE(f->message.find("2 calls"), std::string::npos);
  }
  Capture distinct;
  add_call(distinct, sdes_call());
  EXPECT_FALSE(has(distinct.analyse().calls[0].findings, "key-reuse"));
}

TEST(Audit, DigestExposedInRegistrations) {
  auto reg = [](bool qop) {
    CallSpec c;
    c.call_id = "reg-1@test";
    std::string challenge = std::string("WWW-Authenticate: Digest realm=\"test\", nonce=\"abc\", algorithm=MD5") + (qop ? ", qop=\"auth\"" : "") + "\r\n";
    std::string creds = std::string("Authorization: Digest username=\"alice\", realm=\"test\", nonce=\"abc\", uri=\"sip:10.0.0.2\", response=\"0123456789abcdef0123456789abcdef\", algorithm=MD5") +
                        (qop ? ", qop=auth, nc=00000001, cnonce=\"x\"" : "") + "\r\n";
    Capture cap;
    std::string r1 = "REGISTER sip:10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKr1\r\nFrom: <sip:alice@10.0.0.2>;tag=r1\r\nTo: <sip:alice@10.0.0.2>\r\nCall-ID: reg-1@test\r\nCSeq: 1 REGISTER\r\nContact: <sip:alice@10.0.0.1:5060>\r\nContent-Length: 0\r\n\r\n";
    std::string c401 = "SIP/2.0 401 Unauthorized\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKr1\r\nFrom: <sip:alice@10.0.0.2>;tag=r1\r\nTo: <sip:alice@10.0.0.2>;tag=s1\r\nCall-ID: reg-1@test\r\nCSeq: 1 REGISTER\r\n" + challenge + "Content-Length: 0\r\n\r\n";
    std::string r2 = "REGISTER sip:10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKr2\r\nFrom: <sip:alice@10.0.0.2>;tag=r1\r\nTo: <sip:alice@10.0.0.2>\r\nCall-ID: reg-1@test\r\nCSeq: 2 REGISTER\r\nContact: <sip:alice@10.0.0.1:5060>\r\n" + creds + "Content-Length: 0\r\n\r\n";
    std::string ok = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKr2\r\nFrom: <sip:alice@10.0.0.2>;tag=r1\r\nTo: <sip:alice@10.0.0.2>;tag=s1\r\nCall-ID: reg-1@test\r\nCSeq: 2 REGISTER\r\nContent-Length: 0\r\n\r\n";
    cap.udp(kT0, c.alice_sip, c.bob_sip, bytes_of(r1));
    cap.udp(kT0 + 1, c.bob_sip, c.alice_sip, bytes_of(c401));
    cap.udp(kT0 + 2, c.alice_sip, c.bob_sip, bytes_of(r2));
    cap.udp(kT0 + 3, c.bob_sip, c.alice_sip, bytes_of(ok));
    return cap.analyse();
  };
  Report weak = reg(false);
  ASSERT_EQ(weak.calls.size(), 0u);
  ASSERT_EQ(weak.registrations.size(), 1u);
  const auto& g = weak.registrations[0];
  EXPECT_EQ(g.method, "REGISTER");
  EXPECT_EQ(g.user, "alice@10.0.0.2");
  EXPECT_EQ(g.status, 200);
  EXPECT_EQ(g.verdict, Verdict::insecure);
  const Finding* f = get(g.findings, "digest-exposed");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->severity, Severity::high);
  EXPECT_EQ(f->frames, (std::vector<std::uint64_t>{2, 3}));
  Report better = reg(true);
  const Finding* q = get(better.registrations[0].findings, "digest-exposed");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->severity, Severity::medium);
  EXPECT_NE(q->message.find("qop auth"), std::string::npos);
  Capture plain;
  add_call(plain, plain_call());
  EXPECT_FALSE(has(plain.analyse().calls[0].findings, "digest-exposed"));
}

TEST(Audit, MetadataLeaks) {
  // Clear DTMF in plain RTP.
  {
    CallSpec c = plain_call();
    Capture cap;
    add_call(cap, c);
    // RFC 4733 events for digits 4 and 2 from Alice.
    for (int i = 0; i < 6; ++i) {
      Bytes ev = {0x80, 101};
      put16(ev, static_cast<std::uint16_t>(5000 + i));
      put32(ev, i < 3 ? 90000u : 91000u);
      put32(ev, 0xA1A1A1A1);
      ev.insert(ev.end(), {static_cast<std::uint8_t>(i < 3 ? 4 : 2), 0x0a, 0, 160});
      cap.udp(kT0 + 50'000'000 + i * 20'000'000, c.alice_rtp, c.bob_rtp, ev);
    }
    Report r = cap.analyse();
    const Finding* f = get(r.calls[0].findings, "metadata-leak");
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->message.find("digits 42"), std::string::npos) << f->message;
  }
  // VBR packet lengths under SRTP.
  {
    CallSpec c = sdes_call();
    c.alice_stream->vbr = true;
    Capture cap;
    add_call(cap, c);
    Report rep = cap.analyse();
    const Finding* f = get(rep.calls[0].findings, "metadata-leak");
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->message.find("VBR"), std::string::npos);
  }
  // RFC 6464 audio level in a clear header extension.
  {
    CallSpec c = sdes_call();
    c.offer_extra = "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n";
    c.alice_stream->audio_level_ext = 1;
    Capture cap;
    add_call(cap, c);
    Report rep = cap.analyse();
    const Finding* f = get(rep.calls[0].findings, "metadata-leak");
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->message.find("RFC 6464"), std::string::npos);
  }
  // RTCP in clear beside SRTP (the CNAME is readable); the same report protected as SRTCP is not.
  for (bool protect : {false, true}) {
    CallSpec c = sdes_call();
    Capture cap;
    add_call(cap, c);
    rtp::CompoundRtcp rr{.packets = {rtp::ReceiverReport{.ssrc = 0xA1A1A1A1, .reports = {}, .extension = {}},
                                     rtp::sdes_cname(0xA1A1A1A1, "alice@host.example")}};
    Bytes bytes = rtp::serialize_rtcp(rr).value();
    if (protect) {
      srtp::Policy p;
      const auto& su = srtp::suite(kAlice.suite);
      srtp::MasterKey mk;
      mk.key = SecureBytes(std::span<const std::uint8_t>(kAlice.key_salt).first(su.master_key_len));
      mk.salt = SecureBytes(std::span<const std::uint8_t>(kAlice.key_salt).subspan(su.master_key_len));
      p.keys.push_back(std::move(mk));
      auto tx = srtp::Context::create(srtp::Direction::outbound, p, srtp::kNoKeyRegistry).value();
      std::size_t len = bytes.size();
      bytes.resize(len + tx.max_trailer());
      bytes.resize(tx.protect_rtcp(bytes, len).value());
    }
    IpEndpoint from = c.alice_rtp, to = c.bob_rtp;
    from.port = static_cast<std::uint16_t>(from.port + 1);
    to.port = static_cast<std::uint16_t>(to.port + 1);
    cap.udp(kT0 + 500'000'000, from, to, bytes);
    Report rep = cap.analyse();
    const Finding* f = get(rep.calls[0].findings, "metadata-leak");
    if (protect) {
      EXPECT_EQ(f, nullptr) << f->message;
    } else {
      ASSERT_NE(f, nullptr);
      EXPECT_NE(f->message.find("RTCP packet(s) in clear"), std::string::npos) << f->message << " / " << f->code;
      EXPECT_NE(f->message.find("alice@host.example"), std::string::npos) << f->message;
    }
  }
  Capture clean;
  add_call(clean, sdes_call());
  EXPECT_FALSE(has(clean.analyse().calls[0].findings, "metadata-leak"));
}

TEST(Audit, RocWrapDecryptsAcrossSequenceZero) {
  CallSpec c = sdes_call();
  c.alice_stream->first_seq = 65500;
  c.alice_stream->packets = 200;
  Capture cap;
  std::vector<std::int16_t> source;
  add_call(cap, c, &source);
  std::vector<StreamAudio> audio;
  Report r = cap.analyse(AuditOptions{.keep_audio = true}, &audio);
  auto& streams = r.calls[0].streams;
  auto it = std::find_if(streams.begin(), streams.end(), [](const StreamReport& s) { return s.ssrc == 0xA1A1A1A1; });
  ASSERT_NE(it, streams.end());
  EXPECT_EQ(it->packets, 200u);
  EXPECT_EQ(it->lost, 0);
  EXPECT_EQ(it->auth_failures, 0u);
  EXPECT_TRUE(it->decrypted);
  auto a = std::find_if(audio.begin(), audio.end(), [&](const StreamAudio& x) { return streams[x.stream].ssrc == 0xA1A1A1A1; });
  ASSERT_NE(a, audio.end());
  EXPECT_EQ(a->samples.size(), source.size());
  EXPECT_GT(media::best_correlation(source, a->samples, 100).peak, 0.95);
}

TEST(Audit, ReorderedAndLostPacketsKeepTheTiming) {
  CallSpec c = plain_call();
  c.alice_stream->swap = {{10, 11}, {40, 42}};
  c.alice_stream->drop = {20, 21, 22, 60};
  Capture cap;
  std::vector<std::int16_t> source;
  add_call(cap, c, &source);
  std::vector<StreamAudio> audio;
  Report r = cap.analyse(AuditOptions{.keep_audio = true}, &audio);
  auto& streams = r.calls[0].streams;
  auto it = std::find_if(streams.begin(), streams.end(), [](const StreamReport& s) { return s.ssrc == 0xA1A1A1A1; });
  EXPECT_EQ(it->packets, 96u);
  EXPECT_EQ(it->lost, 4);
  auto a = std::find_if(audio.begin(), audio.end(), [&](const StreamAudio& x) { return streams[x.stream].ssrc == 0xA1A1A1A1; });
  ASSERT_NE(a, audio.end());
  ASSERT_EQ(a->samples.size(), source.size());  // lost packets are silence, not skipped
  for (std::size_t i = 20 * 160; i < 23 * 160; ++i) ASSERT_EQ(a->samples[i], 0) << i;
  auto corr = media::best_correlation(source, a->samples, 100);
  EXPECT_GT(corr.peak, 0.9);
  EXPECT_EQ(corr.lag, 0);
}

TEST(Audit, SrtpPacketsReorderedWithinTheReplayWindowAllDecrypt) {
  // Packet 10 arrives 500 packets (10 s) late: inside the audit's 1024-packet replay window.
  CallSpec c = sdes_call();
  c.alice_stream->packets = 600;
  c.alice_stream->swap = {{10, 510}};
  Capture cap;
  std::vector<std::int16_t> source;
  add_call(cap, c, &source);
  std::vector<StreamAudio> audio;
  Report r = cap.analyse(AuditOptions{.keep_audio = true}, &audio);
  auto& streams = r.calls[0].streams;
  auto it = std::find_if(streams.begin(), streams.end(), [](const StreamReport& s) { return s.ssrc == 0xA1A1A1A1; });
  ASSERT_NE(it, streams.end());
  EXPECT_EQ(it->packets, 600u);
  EXPECT_EQ(it->auth_failures, 0u);
  auto a = std::find_if(audio.begin(), audio.end(), [&](const StreamAudio& x) { return streams[x.stream].ssrc == 0xA1A1A1A1; });
  ASSERT_NE(a, audio.end());
  ASSERT_EQ(a->samples.size(), source.size());
  // The late packet was decrypted and decoded in its place (a packet refused as a replay leaves silence).
  EXPECT_TRUE(std::any_of(a->samples.begin() + 10 * 160, a->samples.begin() + 11 * 160, [](std::int16_t v) { return v != 0; }));
  EXPECT_GT(media::best_correlation(source, a->samples, 100).peak, 0.95);
}

TEST(Audit, G722AndPcmaExtractionCorrelate) {
  for (std::uint8_t pt : {std::uint8_t{8}, std::uint8_t{9}}) {
    CallSpec c = plain_call();
    c.alice_stream->pt = pt;
    c.bob_stream.reset();
    Capture cap;
    std::vector<std::int16_t> source;
    add_call(cap, c, &source);
    std::vector<StreamAudio> audio;
    Report r = cap.analyse(AuditOptions{.keep_audio = true}, &audio);
    ASSERT_EQ(audio.size(), 1u);
    EXPECT_EQ(audio[0].sample_rate, pt == 9 ? 16000 : 8000);
    EXPECT_EQ(r.calls[0].streams[0].codec, pt == 9 ? "G722/8000" : "PCMA/8000");
    auto corr = media::best_correlation(source, audio[0].samples, 100);
    EXPECT_GT(corr.peak, 0.9) << int(pt);
  }
}

TEST(Audit, GivenKeyDecryptsAndAWrongKeyIsReportedNotWritten) {
  // SRTP between two endpoints with no signalling in the capture.
  auto build = [] {
    Capture cap;
    auto pk = rtp_packets(StreamSpec{.ssrc = 0x0C0FFEE0, .key = kAlice});
    for (std::size_t i = 0; i < pk.size(); ++i) cap.udp(kT0 + static_cast<std::int64_t>(i) * 20'000'000, ep("10.1.0.1", 30000), ep("10.1.0.2", 31000), pk[i]);
    return cap;
  };
  auto good = parse_srtp_key_option("0c0ffee0=AES_CM_128_HMAC_SHA1_80:" + kAlice.b64());
  ASSERT_TRUE(good) << good.error().message();
  std::vector<StreamAudio> audio;
  Report r = build().analyse(AuditOptions{.srtp_keys = {*good}, .keep_audio = true}, &audio);
  ASSERT_EQ(r.calls.size(), 1u);
  EXPECT_FALSE(r.calls[0].call_id);
  EXPECT_TRUE(r.calls[0].streams[0].decrypted);
  EXPECT_EQ(audio.size(), 1u);

  auto wrong = parse_srtp_key_option("AES_CM_128_HMAC_SHA1_80:" + kBob.b64());
  ASSERT_TRUE(wrong);
  std::vector<StreamAudio> none;
  Report w = build().analyse(AuditOptions{.srtp_keys = {*wrong}, .keep_audio = true}, &none);
  EXPECT_FALSE(w.calls[0].streams[0].decrypted);
  EXPECT_EQ(w.calls[0].streams[0].auth_failures, 100u);
  EXPECT_TRUE(none.empty());
}

TEST(Audit, SrtpKeyOptionErrors) {
  EXPECT_FALSE(parse_srtp_key_option("AES_FOO:abcd"));
  EXPECT_NE(parse_srtp_key_option("AES_FOO:abcd").error().message().find("unknown suite 'AES_FOO'"), std::string::npos);
  EXPECT_NE(parse_srtp_key_option("zz=AES_CM_128_HMAC_SHA1_80:" + kAlice.b64()).error().message().find("not hex"), std::string::npos);
  EXPECT_NE(parse_srtp_key_option("AES_CM_128_HMAC_SHA1_80:AAAA").error().message().find("needs 30 bytes"), std::string::npos);
  EXPECT_NE(parse_srtp_key_option("AES_CM_128_HMAC_SHA1_80").error().message().find("expected [SSRC=]SUITE:BASE64"), std::string::npos);
}

TEST(Audit, MediaWithoutSignallingJudgedByWhatItShows) {
  auto orphan = [](bool encrypted, bool with_tls) {
    Capture cap;
    if (with_tls) {
      // A TLS connection (client handshake record first) stands for signalling we cannot read.
      Bytes hello = {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x03};
      cap.ip(kT0 - 1000, ip_tcp(ep("10.1.0.1", 50000), ep("10.1.0.2", 5061), 1, {}, {.syn = true, .ack = false}));
      cap.ip(kT0 - 900, ip_tcp(ep("10.1.0.1", 50000), ep("10.1.0.2", 5061), 2, hello));
    }
    StreamSpec s{.ssrc = 0x55667788};
    if (encrypted) s.key = kAlice;
    auto pk = rtp_packets(s);
    for (std::size_t i = 0; i < pk.size(); ++i) cap.udp(kT0 + static_cast<std::int64_t>(i) * 20'000'000, ep("10.1.0.1", 30000), ep("10.1.0.2", 31000), pk[i]);
    return cap.analyse();
  };
  Report secure = orphan(true, true);
  ASSERT_EQ(secure.calls.size(), 1u);
  EXPECT_FALSE(secure.calls[0].call_id);
  EXPECT_EQ(secure.calls[0].transport, "TLS");
  EXPECT_TRUE(secure.calls[0].streams[0].encrypted);
  EXPECT_EQ(secure.calls[0].verdict, Verdict::secure);
  EXPECT_TRUE(secure.all_secure());

  Report unseen = orphan(true, false);
  EXPECT_EQ(unseen.calls[0].verdict, Verdict::partial);
  EXPECT_TRUE(has(unseen.calls[0].findings, "signalling-unseen"));

  Report plain = orphan(false, false);
  EXPECT_EQ(plain.calls[0].verdict, Verdict::insecure);
  EXPECT_TRUE(has(plain.calls[0].findings, "rtp-unencrypted"));
  EXPECT_FALSE(has(secure.calls[0].findings, "rtp-unencrypted"));
}

TEST(Audit, BusyCallAndEmptyCapture) {
  CallSpec c = plain_call();
  c.final_status = 486;
  Capture cap;
  add_call(cap, c);
  Report r = cap.analyse();
  EXPECT_EQ(r.calls[0].result, "busy");
  EXPECT_EQ(r.calls[0].status, 486);
  Report empty = Capture{}.analyse();
  EXPECT_TRUE(empty.all_secure());
  EXPECT_NE(to_text(empty).find("no calls or registrations found"), std::string::npos);
}

TEST(Audit, Ipv6VlanAndEveryLinkTypeCarryTheCall) {
  for (std::uint32_t link : {netpkt::LinkType::ethernet, netpkt::LinkType::linux_sll, netpkt::LinkType::linux_sll2,
                             netpkt::LinkType::raw, netpkt::LinkType::null, netpkt::LinkType::loop}) {
    CallSpec c = sdes_call();
    c.alice_sip = ep("2001:db8::1", 5060);
    c.bob_sip = ep("2001:db8::2", 5060);
    c.alice_rtp = ep("2001:db8::1", 40000);
    c.bob_rtp = ep("2001:db8::2", 42000);
    Capture ip;
    add_call(ip, c);
    Capture cap;
    cap.link = link;
    for (auto& f : ip.frames) {
      Bytes b = link == netpkt::LinkType::ethernet ? ethernet(f.bytes, {42}) : link == netpkt::LinkType::linux_sll ? linux_sll(f.bytes)
              : link == netpkt::LinkType::linux_sll2 ? linux_sll2(f.bytes) : link == netpkt::LinkType::null ? bsd_null(f.bytes)
              : link == netpkt::LinkType::loop ? bsd_loop(f.bytes) : f.bytes;
      cap.frames.push_back({f.time_ns, b});
    }
    Report r = cap.analyse();
    ASSERT_EQ(r.calls.size(), 1u) << link;
    EXPECT_EQ(r.calls[0].streams.size(), 2u) << link;
    EXPECT_TRUE(r.calls[0].streams[0].decrypted) << link;
    EXPECT_EQ(r.calls[0].streams[0].src.front(), '[') << link;
  }
}

TEST(Audit, FragmentedInviteIsReassembled) {
  CallSpec c = sdes_call();
  // Many crypto lines push the INVITE past one MTU.
  for (int tag = 2; tag < 40; ++tag) c.offer_crypto.push_back(crypto_line(tag, make_key(srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, static_cast<std::uint8_t>(tag))));
  Capture ip;
  add_call(ip, c);
  ASSERT_GT(ip.frames[0].bytes.size(), 1500u);
  Capture cap;
  auto payload = std::vector<std::uint8_t>(ip.frames[0].bytes.begin() + 28, ip.frames[0].bytes.end());
  auto frags = ipv4_udp_fragments(c.alice_sip, c.bob_sip, payload, 1480, 7);
  ASSERT_GE(frags.size(), 2u);
  std::reverse(frags.begin(), frags.end());
  for (auto& f : frags) cap.frames.push_back({ip.frames[0].time_ns, f});
  cap.frames.insert(cap.frames.end(), ip.frames.begin() + 1, ip.frames.end());
  Report r = cap.analyse();
  ASSERT_EQ(r.calls.size(), 1u);
  EXPECT_TRUE(r.calls[0].messages[0].sdp);
  EXPECT_TRUE(r.calls[0].streams[0].decrypted);
  EXPECT_EQ(r.calls[0].messages[0].frame, frags.size());  // the frame that completed it
}

TEST(Audit, SipOverTcpReassembledOutOfOrder) {
  CallSpec c = sdes_call();
  Capture udp;
  add_call(udp, c);
  // Same call, but the SIP goes over one TCP connection, segments cut small and sent out of order.
  Capture cap;
  IpEndpoint cl = ep("10.0.0.1", 51000), sv = ep("10.0.0.2", 5060);
  std::uint32_t seq[2] = {1000, 9000};
  cap.ip(kT0 - 2, ip_tcp(cl, sv, seq[0] - 1, {}, {.syn = true, .ack = false}));
  cap.ip(kT0 - 1, ip_tcp(sv, cl, seq[1] - 1, {}, {.syn = true, .ack = true}));
  for (const auto& f : udp.frames) {
    auto p = netpkt::Decoder().decode(netpkt::LinkType::raw, f.bytes, 0);
    if (p->src.port != 5060 || p->dst.port != 5060) {
      cap.frames.push_back(f);
      continue;
    }
    bool from_alice = p->src.address == c.alice_sip.address;
    std::string text(p->payload.begin(), p->payload.end());
    std::size_t cut = text.size() / 2;
    Bytes a = bytes_of(text.substr(0, cut)), b = bytes_of(text.substr(cut));
    auto& s = seq[from_alice ? 0 : 1];
    const IpEndpoint& src = from_alice ? cl : sv;
    const IpEndpoint& dst = from_alice ? sv : cl;
    cap.ip(f.time_ns, ip_tcp(src, dst, s + static_cast<std::uint32_t>(cut), b));  // second half first
    cap.ip(f.time_ns + 1, ip_tcp(src, dst, s, a));
    cap.ip(f.time_ns + 2, ip_tcp(src, dst, s, a));  // and a retransmit
    s += static_cast<std::uint32_t>(text.size());
  }
  Report r = cap.analyse();
  ASSERT_EQ(r.calls.size(), 1u);
  EXPECT_EQ(r.calls[0].transport, "TCP");
  EXPECT_EQ(r.calls[0].messages.size(), 5u);
  EXPECT_EQ(r.calls[0].result, "answered");
  EXPECT_TRUE(r.calls[0].streams[0].decrypted);
  EXPECT_TRUE(has(r.calls[0].findings, "sdes-keys-exposed"));
}

TEST(Audit, JsonFollowsTheSchema) {
  Capture cap;
  add_call(cap, sdes_call());
  auto j = to_json(cap.analyse());
  EXPECT_EQ(j["summary"]["calls"], 1);
  EXPECT_EQ(j["summary"]["insecure"], 1);
  const auto& c = j["calls"][0];
  EXPECT_EQ(c["call_id"], "call-1@test");
  EXPECT_EQ(c["verdict"], "insecure");
  EXPECT_EQ(c["signalling"]["transport"], "UDP");
  EXPECT_TRUE(c["signalling"]["tls"].is_null());
  EXPECT_EQ(c["streams"][0]["ssrc"].get<std::string>().size(), 10u);
  EXPECT_TRUE(c["streams"][0]["encrypted"].get<bool>());
  EXPECT_TRUE(c["streams"][0]["decrypted"].get<bool>());
  EXPECT_TRUE(c["streams"][0]["wav"].is_null());
  EXPECT_TRUE(c["findings"][0]["frames"].is_array());
  EXPECT_EQ(c["start"].get<std::string>().substr(0, 11), "2025-06-15T");
  for (const char* k : {"from", "to", "end", "result", "status", "messages"}) EXPECT_TRUE(c.contains(k)) << k;
  EXPECT_TRUE(j["capture"]["stopped_at"].is_null());
}

TEST(Audit, InvalidUtf8FromTheCaptureStillPrintsAsJson) {
  CallSpec c = plain_call();
  c.invite_headers = "Server: evil\xff\xfe\r\n";  // header text is bytes on the wire, not checked UTF-8
  Capture cap;
  add_call(cap, c);
  Report r = cap.analyse();
  ASSERT_EQ(r.calls.size(), 1u);
  const Finding* f = get(r.calls[0].findings, "sip-cleartext");
  ASSERT_NE(f, nullptr);
  ASSERT_NE(f->message.find("evil\xff\xfe"), std::string::npos);
  EXPECT_THROW((void)to_json(r).dump(2), nlohmann::json::type_error);  // what a plain dump would do
  auto j = nlohmann::json::parse(dump_json(r));
  std::string msg;
  for (const auto& x : j["calls"][0]["findings"]) {
    if (x["code"] == "sip-cleartext") msg = x["message"];
  }
  EXPECT_NE(msg.find("evil\xEF\xBF\xBD\xEF\xBF\xBD"), std::string::npos) << msg;  // U+FFFD twice
}

TEST(Audit, TextOutputCarriesNoTerminalControls) {
  CallSpec c = plain_call();
  c.invite_headers = "Server: x\x1b[2Jy\r\n";
  Capture cap;
  add_call(cap, c);
  std::string text = to_text(cap.analyse());
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_NE(text.find("x?[2Jy"), std::string::npos) << text;
}

TEST(Audit, ChiSquareSeparatesCiphertextFromG711) {
  std::uint64_t uniform[256] = {}, speech[256] = {};
  auto enc = rtp_packets(StreamSpec{.key = kAlice});
  auto plain = rtp_packets(StreamSpec{});
  for (auto& p : enc) for (std::size_t i = 12; i < p.size(); ++i) ++uniform[p[i]];
  for (auto& p : plain) for (std::size_t i = 12; i < p.size(); ++i) ++speech[p[i]];
  EXPECT_LT(chi_square_uniform(uniform), 400);
  EXPECT_GT(chi_square_uniform(speech), 2000);  // two tones; recorded speech gives ~3e5 (docs/AUDIT.md)
}

}  // namespace
}  // namespace sotto::audit
