#include "media/rtcp_scheduler.hpp"

#include "crypto/random.hpp"

namespace sotto::media {

RtcpScheduler::RtcpScheduler(Timestamp start, Duration interval, std::function<std::uint32_t()> random)
    : interval_(interval), random_(random ? std::move(random) : std::function<std::uint32_t()>(crypto::random_u32)) {
  // Section 6.3.6 / 6.2: the first report after half the interval, so a new participant is seen soon.
  next_ = start + randomised(0.5);
}

Duration RtcpScheduler::randomised(double scale) {
  const double u = static_cast<double>(random_()) / 4294967296.0;  // [0, 1)
  const double factor = 0.5 + u;                                    // [0.5, 1.5), section 6.3.5
  return std::chrono::duration_cast<Duration>(interval_ * (factor * scale));
}

void RtcpScheduler::on_sent(Timestamp now) { next_ = now + randomised(1.0); }

}  // namespace sotto::media
