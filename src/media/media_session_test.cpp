// Two MediaSessions back to back through real SRTP contexts and a simulated network (30 ms + 0..20 ms
// jitter each way, every 50th RTP packet A->B lost), under a virtual clock.
#include "media/media_session.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "media/audio_compare.hpp"
#include "media/tone_generator.hpp"

namespace sotto::media {
namespace {

using namespace std::chrono_literals;

srtp::Policy test_policy(std::uint8_t seed) {
  srtp::Policy p;
  p.suite = srtp::SuiteId::AES_CM_128_HMAC_SHA1_80;
  srtp::MasterKey k;
  k.key = SecureBytes(16);
  k.salt = SecureBytes(14);
  for (std::size_t i = 0; i < 16; ++i) k.key[i] = static_cast<std::uint8_t>(seed + 3 * i);
  for (std::size_t i = 0; i < 14; ++i) k.salt[i] = static_cast<std::uint8_t>(seed * 7 + i);
  p.keys.push_back(std::move(k));
  return p;
}

struct Recorder : FrameSink {
  std::vector<std::int16_t> pcm;
  void write_frame(std::span<const std::int16_t> f) override { pcm.insert(pcm.end(), f.begin(), f.end()); }
};

struct RecordingTone : FrameSource {
  explicit RecordingTone(double hz) : tone(hz, 0.5) {}
  void read_frame(std::span<std::int16_t> out) override {
    tone.read_frame(out);
    played.insert(played.end(), out.begin(), out.end());
  }
  ToneGenerator tone;
  std::vector<std::int16_t> played;
};

class Call {
 public:
  explicit Call(bool use_srtp = true) {
    if (use_srtp) {
      a_tx_.emplace(srtp::Context::create(srtp::Direction::outbound, test_policy(1), srtp::kNoKeyRegistry).value());
      b_rx_.emplace(srtp::Context::create(srtp::Direction::inbound, test_policy(1)).value());
      b_tx_.emplace(srtp::Context::create(srtp::Direction::outbound, test_policy(2), srtp::kNoKeyRegistry).value());
      a_rx_.emplace(srtp::Context::create(srtp::Direction::inbound, test_policy(2)).value());
    }
    MediaSessionConfig ca;
    ca.cname = "alice@sotto.test";
    ca.rtcp_random = [] { return 0x80000000u; };  // reports at 2.5 s, then every 5 s
    MediaSessionConfig cb;
    cb.cname = "bob@sotto.test";
    cb.rtcp_random = [] { return 0x60000000u; };  // 0.875 factor: 2.19 s, then every 4.375 s
    a_.emplace(MediaSession::create(ca, now, ptr(a_tx_), ptr(a_rx_)).value());
    b_.emplace(MediaSession::create(cb, now, ptr(b_tx_), ptr(b_rx_)).value());
    a_->set_source(&a_tone);
    a_->set_sink(&a_heard);
    b_->set_source(&b_tone);
    b_->set_sink(&b_heard);
  }

  MediaSession& a() { return *a_; }
  MediaSession& b() { return *b_; }

  void run_until(Timestamp end) {
    for (;;) {
      collect(*a_, true);
      collect(*b_, false);
      deliver();
      events(*a_, a_events);
      events(*b_, b_events);
      Timestamp next = std::min(a_->next_timeout(), b_->next_timeout());
      for (const auto& p : flight_) next = std::min(next, p.at);
      if (next > end) break;
      now = std::max(next, now + 1us);
    }
    now = end;
  }

  Timestamp now{};
  RecordingTone a_tone{440.0};
  ToneGenerator b_tone{1000.0, 0.5};
  Recorder a_heard, b_heard;
  std::vector<MediaEvent> a_events, b_events;
  std::vector<std::vector<std::uint8_t>> a_rtp_sent;  // copies, for the tamper/replay test
  int drop_every = 50;
  int dropped_to_b = 0;

 private:
  struct InFlight {
    Timestamp at;
    bool to_b;
    Transmit::Kind kind;
    std::vector<std::uint8_t> bytes;
  };

  static srtp::Context* ptr(std::optional<srtp::Context>& c) { return c ? &*c : nullptr; }

  void collect(MediaSession& s, bool from_a) {
    while (auto t = s.poll_transmit(now)) {
      std::vector<std::uint8_t> bytes(t->bytes.begin(), t->bytes.end());
      if (from_a && t->kind == Transmit::Kind::rtp) {
        a_rtp_sent.push_back(bytes);
        if (drop_every > 0 && ++rtp_a_count_ % drop_every == 0) {
          ++dropped_to_b;
          continue;
        }
      }
      const Duration delay = 30ms + std::chrono::microseconds(jitter_(rng_));
      flight_.push_back({now + delay, from_a, t->kind, std::move(bytes)});
    }
  }

  void deliver() {
    std::stable_sort(flight_.begin(), flight_.end(), [](const InFlight& x, const InFlight& y) { return x.at < y.at; });
    auto it = flight_.begin();
    for (; it != flight_.end() && it->at <= now; ++it) {
      MediaSession& to = it->to_b ? *b_ : *a_;
      auto s = it->kind == Transmit::Kind::rtp ? to.on_rtp(now, it->bytes) : to.on_rtcp(now, it->bytes);
      EXPECT_TRUE(s) << s.error().message();
    }
    flight_.erase(flight_.begin(), it);
  }

  static void events(MediaSession& s, std::vector<MediaEvent>& out) {
    while (auto e = s.poll_event()) out.push_back(std::move(*e));
  }

  std::optional<srtp::Context> a_tx_, a_rx_, b_tx_, b_rx_;
  std::optional<MediaSession> a_, b_;
  std::vector<InFlight> flight_;
  std::mt19937 rng_{42};
  std::uniform_int_distribution<int> jitter_{0, 20'000};
  int rtp_a_count_ = 0;
};

std::vector<ReceivedDigit> digits(const std::vector<MediaEvent>& events) {
  std::vector<ReceivedDigit> out;
  for (const auto& e : events) {
    if (const auto* d = std::get_if<DigitReceived>(&e)) out.push_back(d->digit);
  }
  return out;
}

TEST(MediaSession, TenSecondsOfToneWithDtmfThroughSrtp) {
  Call call;
  const Timestamp t0 = call.now;
  call.run_until(t0 + 3s);
  ASSERT_TRUE(call.a().send_digits("123#"));
  call.run_until(t0 + 10s);

  // Audio: what B played correlates with what A sent, ~100 ms later.
  const auto& played = call.a_tone.played;
  const auto& heard = call.b_heard.pcm;
  // Ticks at 0, 20 ms, ..., 10 s inclusive: 501 frames each way (the source is read during DTMF too).
  ASSERT_EQ(played.size(), 80160u);
  ASSERT_EQ(heard.size(), 80160u);
  const auto c = best_correlation(played, heard, 2400);
  EXPECT_GT(c.peak, 0.9) << "lag " << c.lag;
  EXPECT_GT(c.lag, 0);
  EXPECT_LT(c.lag, 1600);  // under 200 ms of one-way delay + jitter buffer
  EXPECT_GT(goertzel_relative_power(std::span(heard).subspan(72000, 4000), 440.0, 8000.0), 0.8);
  // And A heard B's 1 kHz tone.
  EXPECT_GT(goertzel_relative_power(std::span(call.a_heard.pcm).subspan(72000, 4000), 1000.0, 8000.0), 0.8);

  // DTMF: each digit exactly once, with its duration.
  const auto got = digits(call.b_events);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(std::string({got[0].digit, got[1].digit, got[2].digit, got[3].digit}), "123#");
  for (const auto& d : got) EXPECT_EQ(d.duration, 160ms) << d.digit;
  EXPECT_EQ(call.a().sender().events_sent(), 4u);
  EXPECT_EQ(call.b().counters().digits_received, 4u);

  // Reception statistics at B about A.
  const SourceStats* s = call.b().receiver().source(call.a().ssrc());
  ASSERT_NE(s, nullptr);
  // Every dropped packet is counted lost, except one dropped among the last still in flight at 10 s.
  EXPECT_GE(call.dropped_to_b, 9);
  EXPECT_LE(s->lost(), call.dropped_to_b);
  EXPECT_GE(s->lost(), call.dropped_to_b - 1);
  EXPECT_GT(s->received(), 480u);
  EXPECT_EQ(s->duplicates(), 0u);
  EXPECT_GT(s->jitter_ms(), 2.0);   // uniform 0..20 ms: about 6.7 ms
  EXPECT_LT(s->jitter_ms(), 12.0);
  EXPECT_EQ(call.b().receiver().counters().srtp_auth_failures, 0u);
  EXPECT_EQ(call.b().receiver().counters().srtp_replays, 0u);
  EXPECT_GT(call.b().receiver().jitter_counters().frames_played, 400u);

  // RTCP: SR/RR + SDES both ways, RTT measured on both sides (2 x 30..50 ms).
  EXPECT_GE(call.a().counters().rtcp_sent, 2u);
  EXPECT_GE(call.b().counters().rtcp_accepted, 2u);
  EXPECT_EQ(call.a().counters().rtcp_malformed + call.b().counters().rtcp_malformed, 0u);
  EXPECT_EQ(call.a().remote_cname(), "bob@sotto.test");
  EXPECT_EQ(call.b().remote_cname(), "alice@sotto.test");
  ASSERT_TRUE(call.a().rtt());
  ASSERT_TRUE(call.b().rtt());
  EXPECT_GE(*call.a().rtt(), 59ms);
  EXPECT_LE(*call.a().rtt(), 101ms);
  EXPECT_GE(*call.b().rtt(), 59ms);
  EXPECT_LE(*call.b().rtt(), 101ms);
  // B's report about A's stream, as A sees it.
  ASSERT_TRUE(call.a().remote_report());
  EXPECT_GT(call.a().remote_report()->cumulative_lost, 0);
  EXPECT_GT(call.a().remote_report()->jitter, 0u);
}

TEST(MediaSession, TamperedAndReplayedPacketsAreCountedAndDropped) {
  Call call;
  call.drop_every = 0;
  call.run_until(call.now + 1s);
  ASSERT_GE(call.a_rtp_sent.size(), 10u);
  auto replay = call.a_rtp_sent[5];
  EXPECT_FALSE(call.b().on_rtp(call.now, replay));
  auto tampered = call.a_rtp_sent.back();
  tampered[20] ^= 0x01;
  // Make it a fresh index so only the tag can reject it.
  tampered[3] = static_cast<std::uint8_t>(tampered[3] + 7);
  EXPECT_FALSE(call.b().on_rtp(call.now, tampered));
  const auto& rc = call.b().receiver().counters();
  EXPECT_EQ(rc.srtp_replays, 1u);
  EXPECT_EQ(rc.srtp_auth_failures, 1u);
  std::vector<std::uint8_t> garbage_rtcp(40, 0x80);
  EXPECT_FALSE(call.b().on_rtcp(call.now, garbage_rtcp));
  EXPECT_EQ(call.b().counters().srtcp_failures, 1u);
}

TEST(MediaSession, HoldStopsAudioButNotRtcp) {
  Call call;
  call.drop_every = 0;
  const Timestamp t0 = call.now;
  call.run_until(t0 + 1s);
  const auto sent_before = call.a().counters().rtp_sent;
  call.a().set_hold(true);
  EXPECT_FALSE(call.a().sending_audio());
  EXPECT_FALSE(call.a().send_digits("1"));
  const auto rtcp_before = call.a().counters().rtcp_sent;
  call.run_until(t0 + 4s);
  EXPECT_EQ(call.a().counters().rtp_sent, sent_before);  // no audio while held
  EXPECT_GT(call.a().counters().rtcp_sent, rtcp_before);  // RTCP continues
  call.a().set_hold(false);
  call.run_until(t0 + 6s);
  EXPECT_GT(call.a().counters().rtp_sent, sent_before + 90);
  // The pause shows as silence at B, not as loss.
  const SourceStats* s = call.b().receiver().source(call.a().ssrc());
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->lost(), 0);
  EXPECT_GT(call.b().receiver().jitter_counters().frames_concealed, 140u);
  EXPECT_GT(goertzel_relative_power(std::span(call.b_heard.pcm).subspan(5 * 8000, 4000), 440.0, 8000.0), 0.8);

  // recvonly/inactive stop sending too; sendonly stops playout.
  call.a().set_direction(sdp::Direction::recvonly);
  EXPECT_FALSE(call.a().sending_audio());
  call.b().set_direction(sdp::Direction::sendonly);
  const auto heard = call.b_heard.pcm.size();
  call.run_until(t0 + 7s);
  EXPECT_EQ(call.b_heard.pcm.size(), heard + 8000);
  EXPECT_TRUE(std::all_of(call.b_heard.pcm.begin() + static_cast<long>(heard), call.b_heard.pcm.end(),
                          [](std::int16_t x) { return x == 0; }));
}

TEST(MediaSession, ByeEndsTheStream) {
  Call call(/*use_srtp=*/false);
  call.drop_every = 0;
  call.run_until(call.now + 1s);
  call.a().close(call.now);
  const auto sent = call.a().counters().rtp_sent;
  call.run_until(call.now + 1s);
  EXPECT_EQ(call.a().counters().rtp_sent, sent);
  bool bye = false;
  for (const auto& e : call.b_events) {
    if (const auto* b = std::get_if<ByeReceived>(&e)) bye = b->ssrc == call.a().ssrc();
  }
  EXPECT_TRUE(bye);
  EXPECT_EQ(call.b().counters().byes_received, 1u);
  EXPECT_FALSE(call.a().send_digits("1"));
}

TEST(MediaSession, RejectsBadConfig) {
  MediaSessionConfig c;
  c.ptime = std::chrono::microseconds(20'050);  // not a whole number of 8 kHz samples
  auto r = MediaSession::create(c, Timestamp{});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().context.find("ptime"), std::string::npos);
  c = {};
  c.jitter_delay = 2s;
  EXPECT_FALSE(MediaSession::create(c, Timestamp{}));
  c = {};
  auto ok = MediaSession::create(c, Timestamp{}).value();
  EXPECT_EQ(ok.cname().rfind("sotto-", 0), 0u);  // random CNAME (RFC 7022)
  EXPECT_FALSE(ok.send_digits("12E"));
}

}  // namespace
}  // namespace sotto::media
