#pragma once
// ContactValue: one Contact header value, either "*" (RFC 3261 10.2.2, REGISTER with Expires: 0) or an
// address with its contact-params (q, expires, +sip.instance, reg-id, ...).
//
//   auto c = parse_contact("<sip:alice@192.0.2.4:5061;transport=tls>;expires=3600;q=0.7");
//   if (c && !c->wildcard) use(c->address.uri, c->address.params.get("expires"));
//   std::string v = serialize(ContactValue{.wildcard = true});   // "*"

#include <string>
#include <string_view>

#include "base/result.hpp"
#include "core/sip/name_addr.hpp"

namespace sotto::sip {

struct ContactValue {
  bool wildcard = false;  // Contact: *
  NameAddr address;       // unused when wildcard

  friend bool operator==(const ContactValue&, const ContactValue&) = default;
};

Result<ContactValue> parse_contact(std::string_view value);
std::string serialize(const ContactValue& c);

}  // namespace sotto::sip
