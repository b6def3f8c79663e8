#include "media/telephone_event.hpp"
#include "media/telephone_event_receiver.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace sotto::media {
namespace {

using namespace std::chrono_literals;

const Timestamp t0{};

TEST(TelephoneEvent, PayloadRoundTrip) {
  std::array<std::uint8_t, 4> b{};
  write_telephone_event({.event = 11, .end = true, .volume = 10, .duration = 1280}, b);
  EXPECT_EQ(b, (std::array<std::uint8_t, 4>{11, 0x8A, 0x05, 0x00}));
  auto ev = parse_telephone_event(b).value();
  EXPECT_EQ(ev, (TelephoneEvent{.event = 11, .end = true, .volume = 10, .duration = 1280}));
  EXPECT_FALSE(parse_telephone_event(std::span(b).first(3)));
}

TEST(TelephoneEvent, DigitMap) {
  EXPECT_EQ(digit_event('0'), 0);
  EXPECT_EQ(digit_event('*'), 10);
  EXPECT_EQ(digit_event('#'), 11);
  EXPECT_EQ(digit_event('d'), 15);
  EXPECT_FALSE(digit_event('E'));
  EXPECT_EQ(event_digit(12), 'A');
  EXPECT_FALSE(event_digit(16));
}

TEST(TelephoneEventReceiver, ReportsEachDigitOnceDespiteRetransmits) {
  TelephoneEventReceiver rx;
  for (int i = 1; i <= 8; ++i) {
    rx.on_packet(t0 + i * 20ms, 5000, {.event = 5, .end = i == 8, .volume = 10, .duration = static_cast<std::uint16_t>(i * 160)});
  }
  rx.on_packet(t0 + 180ms, 5000, {.event = 5, .end = true, .volume = 10, .duration = 1280});
  rx.on_packet(t0 + 200ms, 5000, {.event = 5, .end = true, .volume = 10, .duration = 1280});
  auto d = rx.poll_digit(t0 + 200ms);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->digit, '5');
  EXPECT_EQ(d->duration, 160ms);
  EXPECT_TRUE(d->ended);
  EXPECT_FALSE(rx.poll_digit(t0 + 2s));
  EXPECT_EQ(rx.packets_ignored(), 2u);
}

TEST(TelephoneEventReceiver, LostEndPacketsStillReportOnce) {
  TelephoneEventReceiver rx;
  rx.on_packet(t0, 1000, {.event = 1, .end = false, .volume = 10, .duration = 160});
  rx.on_packet(t0 + 20ms, 1000, {.event = 1, .end = false, .volume = 10, .duration = 320});
  // Next event begins: the first is reported with what we saw.
  rx.on_packet(t0 + 300ms, 4000, {.event = 2, .end = false, .volume = 10, .duration = 160});
  auto d1 = rx.poll_digit(t0 + 300ms).value();
  EXPECT_EQ(d1.digit, '1');
  EXPECT_EQ(d1.duration, 40ms);
  EXPECT_FALSE(d1.ended);
  EXPECT_FALSE(rx.poll_digit(t0 + 400ms));
  ASSERT_TRUE(rx.next_timeout());
  EXPECT_EQ(*rx.next_timeout(), t0 + 800ms);
  auto d2 = rx.poll_digit(t0 + 800ms).value();  // no end bit ever: timeout
  EXPECT_EQ(d2.digit, '2');
  // A straggler of the reported event is ignored.
  rx.on_packet(t0 + 900ms, 4000, {.event = 2, .end = true, .volume = 10, .duration = 1280});
  EXPECT_FALSE(rx.poll_digit(t0 + 900ms));
}

}  // namespace
}  // namespace sotto::media
