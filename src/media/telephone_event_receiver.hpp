#pragma once
// TelephoneEventReceiver: turns received RFC 4733 packets into digits, each reported exactly once
// whatever the retransmissions (section 2.5.2: an event is identified by its RTP timestamp).
//
//   TelephoneEventReceiver rx(8000);
//   rx.on_packet(now, rtp_timestamp, event);            // every telephone-event packet
//   while (auto d = rx.poll_digit(now)) log(d->digit, d->duration);

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>

#include "media/telephone_event.hpp"
#include "media/timestamp.hpp"

namespace sotto::media {

struct ReceivedDigit {
  char digit = 0;                      // '0'-'9', '*', '#', 'A'-'D'; '?' for other event codes
  std::uint8_t event = 0;              // RFC 4733 event code
  std::chrono::milliseconds duration{0};
  std::uint32_t rtp_timestamp = 0;     // identifies the event
  bool ended = true;                   // false: reported on timeout or when a newer event began
  friend bool operator==(const ReceivedDigit&, const ReceivedDigit&) = default;
};

class TelephoneEventReceiver {
 public:
  // An event with no packet for this long and no end bit seen is reported as it stands.
  static constexpr Duration kEndTimeout = std::chrono::milliseconds(500);

  explicit TelephoneEventReceiver(std::uint32_t clock_rate = 8000) noexcept;

  void on_packet(Timestamp now, std::uint32_t rtp_timestamp, const TelephoneEvent& ev);
  // The next completed digit; also completes an event whose end packets were all lost.
  std::optional<ReceivedDigit> poll_digit(Timestamp now);
  std::optional<Timestamp> next_timeout() const noexcept;

  std::uint64_t digits_reported() const noexcept { return reported_; }
  std::uint64_t packets_ignored() const noexcept { return ignored_; }  // retransmits and stale events

 private:
  struct Current {
    std::uint32_t rtp_timestamp = 0;
    std::uint8_t event = 0;
    std::uint16_t duration = 0;
    Timestamp last_seen{};
  };
  void report(const Current& c, bool ended);

  std::uint32_t clock_rate_;
  std::optional<Current> current_;
  std::optional<std::uint32_t> last_reported_ts_;
  std::deque<ReceivedDigit> ready_;
  std::uint64_t reported_ = 0;
  std::uint64_t ignored_ = 0;
};

}  // namespace sotto::media
