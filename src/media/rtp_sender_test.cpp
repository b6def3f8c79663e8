#include "media/rtp_sender.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "core/rtp/rtp_header.hpp"
#include "media/telephone_event.hpp"

namespace sotto::media {
namespace {

struct Sent {
  rtp::RtpHeaderView h;
  std::vector<std::uint8_t> payload;
};

RtpSenderConfig fixed_config() {
  RtpSenderConfig c;
  c.ssrc = 0x11223344;
  c.initial_sequence = 65534;  // wraps during the test
  c.initial_timestamp = 0xFFFFFF00;
  return c;
}

std::optional<Sent> tick(RtpSender& tx, std::span<const std::uint8_t> audio) {
  std::array<std::uint8_t, 400> buf{};
  auto n = tx.on_tick(audio, buf, 10);
  EXPECT_TRUE(n);
  if (!n || *n == 0) return std::nullopt;
  auto h = rtp::parse_rtp_header(std::span(buf).first(*n));
  EXPECT_TRUE(h);
  return Sent{*h, std::vector<std::uint8_t>(buf.begin() + 12, buf.begin() + static_cast<long>(*n))};
}

TEST(RtpSender, AudioPacketsNumberedAndStamped) {
  auto tx = RtpSender::create(fixed_config()).value();
  std::vector<std::uint8_t> frame(160, 0xFF);
  auto p1 = tick(tx, frame).value();
  EXPECT_TRUE(p1.h.marker);  // first packet of the talkspurt
  EXPECT_EQ(p1.h.payload_type, 0);
  EXPECT_EQ(p1.h.sequence, 65534);
  EXPECT_EQ(p1.h.timestamp, 0xFFFFFF00u);
  EXPECT_EQ(p1.h.ssrc, 0x11223344u);
  EXPECT_EQ(p1.payload.size(), 160u);
  auto p2 = tick(tx, frame).value();
  EXPECT_FALSE(p2.h.marker);
  EXPECT_EQ(p2.h.sequence, 65535);
  EXPECT_EQ(p2.h.timestamp, 0xFFFFFF00u + 160);
  auto p3 = tick(tx, frame).value();
  EXPECT_EQ(p3.h.sequence, 0);  // wrapped
  EXPECT_EQ(p3.h.timestamp, 0xFFFFFF00u + 320);  // wrapped too
  EXPECT_EQ(tx.packets_sent(), 3u);
  EXPECT_EQ(tx.octets_sent(), 480u);
}

TEST(RtpSender, SilenceAdvancesTheClockAndMarksTheNextTalkspurt) {
  auto tx = RtpSender::create(fixed_config()).value();
  std::vector<std::uint8_t> frame(160, 0xFF);
  tick(tx, frame);
  EXPECT_FALSE(tick(tx, {}));  // nothing sent (hold / silence)
  auto p = tick(tx, frame).value();
  EXPECT_TRUE(p.h.marker);
  EXPECT_EQ(p.h.sequence, 65535);          // no gap in sequence numbers
  EXPECT_EQ(p.h.timestamp, 0xFFFFFF00u + 320);  // but the clock ran on
}

TEST(RtpSender, RandomIdentifiersWhenNotFixed) {
  auto a = RtpSender::create({}).value();
  auto b = RtpSender::create({}).value();
  EXPECT_NE(a.ssrc(), b.ssrc());  // 2^-32 chance of a false failure
}

TEST(RtpSender, Rfc4733DigitSequence) {
  RtpSenderConfig c = fixed_config();
  c.digit_duration = std::chrono::milliseconds(160);  // 8 ticks
  c.digit_gap = std::chrono::milliseconds(100);       // 5 ticks
  auto tx = RtpSender::create(c).value();
  ASSERT_TRUE(tx.queue_digits("1#"));
  std::vector<std::uint8_t> frame(160, 0xFF);

  std::vector<Sent> packets;
  for (int i = 0; i < 40; ++i) {
    if (auto p = tick(tx, frame)) packets.push_back(*p);
  }
  ASSERT_EQ(packets.size(), 40u);
  // Digit '1': ticks 0..7 growing duration, the end packet three times (ticks 7, 8, 9).
  const std::uint32_t ts1 = packets[0].h.timestamp;
  for (int i = 0; i < 10; ++i) {
    const Sent& p = packets[static_cast<std::size_t>(i)];
    ASSERT_EQ(p.h.payload_type, 101) << i;
    EXPECT_EQ(p.h.timestamp, ts1) << i;
    EXPECT_EQ(p.h.marker, i == 0) << i;
    auto ev = parse_telephone_event(p.payload).value();
    EXPECT_EQ(ev.event, 1);
    EXPECT_EQ(ev.volume, 10);
    EXPECT_EQ(ev.duration, std::min(i + 1, 8) * 160) << i;
    EXPECT_EQ(ev.end, i >= 7) << i;
  }
  // Gap: 5 ticks in all, two of them used by the end retransmissions -> 3 audio packets.
  for (int i = 10; i < 13; ++i) {
    EXPECT_EQ(packets[static_cast<std::size_t>(i)].h.payload_type, 0) << i;
    EXPECT_EQ(packets[static_cast<std::size_t>(i)].h.marker, i == 10) << i;
  }
  // Digit '#': event 11, its own timestamp, M on its first packet.
  const Sent& hash = packets[13];
  EXPECT_EQ(hash.h.payload_type, 101);
  EXPECT_TRUE(hash.h.marker);
  EXPECT_EQ(hash.h.timestamp, ts1 + 13 * 160);
  EXPECT_EQ(parse_telephone_event(hash.payload)->event, 11);
  // Sequence numbers never skip.
  for (std::size_t i = 1; i < packets.size(); ++i) {
    EXPECT_EQ(static_cast<std::uint16_t>(packets[i].h.sequence - packets[i - 1].h.sequence), 1) << i;
  }
  EXPECT_EQ(tx.events_sent(), 2u);
  EXPECT_FALSE(tx.sending_event());
}

TEST(RtpSender, RejectsBadDigitsAndConfigs) {
  auto tx = RtpSender::create(fixed_config()).value();
  auto s = tx.queue_digits("12x4");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().context.find("'x'"), std::string::npos) << s.error().context;
  EXPECT_EQ(tx.pending_digits(), 0u);
  EXPECT_TRUE(tx.queue_digits("0123456789*#ABCDabcd"));
  EXPECT_EQ(tx.pending_digits(), 20u);

  RtpSenderConfig c;
  c.payload_type = 101;
  EXPECT_FALSE(RtpSender::create(c));
  c = {};
  c.digit_duration = std::chrono::milliseconds(9000);
  EXPECT_FALSE(RtpSender::create(c));
  c = {};
  c.event_volume = 64;
  EXPECT_FALSE(RtpSender::create(c));
}

TEST(RtpSender, NeedsRoomForTheTrailer) {
  auto tx = RtpSender::create(fixed_config()).value();
  std::array<std::uint8_t, 172> buf{};
  std::vector<std::uint8_t> frame(160, 0xFF);
  EXPECT_TRUE(tx.on_tick(frame, buf, 0));
  auto r = tx.on_tick(frame, buf, 10);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::limit_exceeded);
}

}  // namespace
}  // namespace sotto::media
