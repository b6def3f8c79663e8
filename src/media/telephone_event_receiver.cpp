#include "media/telephone_event_receiver.hpp"

#include <algorithm>

namespace sotto::media {

TelephoneEventReceiver::TelephoneEventReceiver(std::uint32_t clock_rate) noexcept
    : clock_rate_(clock_rate == 0 ? 8000 : clock_rate) {}

void TelephoneEventReceiver::report(const Current& c, bool ended) {
  ReceivedDigit d;
  d.digit = event_digit(c.event).value_or('?');
  d.event = c.event;
  d.duration = std::chrono::milliseconds(std::uint64_t{c.duration} * 1000 / clock_rate_);
  d.rtp_timestamp = c.rtp_timestamp;
  d.ended = ended;
  ready_.push_back(d);
  last_reported_ts_ = c.rtp_timestamp;
  ++reported_;
}

void TelephoneEventReceiver::on_packet(Timestamp now, std::uint32_t rtp_timestamp, const TelephoneEvent& ev) {
  // Section 2.5.2.1: packets of an event already reported (the end retransmissions) or older.
  if (last_reported_ts_ && static_cast<std::int32_t>(rtp_timestamp - *last_reported_ts_) <= 0) {
    ++ignored_;
    return;
  }
  if (current_ && current_->rtp_timestamp != rtp_timestamp) {
    if (static_cast<std::int32_t>(rtp_timestamp - current_->rtp_timestamp) < 0) {
      ++ignored_;  // a late packet of an older event
      return;
    }
    report(*current_, /*ended=*/false);  // its end packets were lost
    current_.reset();
  }
  if (!current_) current_ = Current{.rtp_timestamp = rtp_timestamp, .event = ev.event};
  current_->duration = std::max(current_->duration, ev.duration);
  current_->last_seen = now;
  if (ev.end) {
    report(*current_, /*ended=*/true);
    current_.reset();
  }
}

std::optional<ReceivedDigit> TelephoneEventReceiver::poll_digit(Timestamp now) {
  if (current_ && now - current_->last_seen >= kEndTimeout) {
    report(*current_, /*ended=*/false);
    current_.reset();
  }
  if (ready_.empty()) return std::nullopt;
  ReceivedDigit d = ready_.front();
  ready_.pop_front();
  return d;
}

std::optional<Timestamp> TelephoneEventReceiver::next_timeout() const noexcept {
  if (!current_) return std::nullopt;
  return current_->last_seen + kEndTimeout;
}

}  // namespace sotto::media
