#include "core/ua/registration.hpp"

#include <algorithm>
#include <charconv>

#include "core/sip/header_fields.hpp"

namespace sotto::ua {

std::chrono::seconds refresh_delay(std::uint32_t expires) {
  std::uint32_t delay = expires / 2;
  if (expires > 30) delay = std::min(delay, expires - 30);
  return std::chrono::seconds(std::max<std::uint32_t>(delay, 1));
}

std::uint32_t granted_expires(const sip::SipMessage& ok, const sip::Uri& our_contact, std::uint32_t requested) {
  if (auto contacts = ok.all(sip::hdr::contact)) {
    for (const auto& c : *contacts) {
      if (c.wildcard || !sip::uri_equivalent(c.address.uri, our_contact)) continue;
      if (auto e = c.address.params.get("expires")) {
        std::uint32_t v = 0;
        auto [p, ec] = std::from_chars(e->data(), e->data() + e->size(), v);
        if (ec == std::errc() && p == e->data() + e->size()) return v;
      }
    }
  }
  if (auto e = ok.header(sip::hdr::expires)) return *e;
  return requested;
}

}  // namespace sotto::ua
