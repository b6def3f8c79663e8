#include "core/sip/contact_value.hpp"

#include "core/sip/grammar.hpp"

namespace sotto::sip {

Result<ContactValue> parse_contact(std::string_view value) {
  ContactValue out;
  if (trim_lws(value) == "*") {
    out.wildcard = true;
    return out;
  }
  auto na = parse_name_addr(value, "Contact");
  if (!na) return Unexpected(na.error());
  out.address = std::move(*na);
  return out;
}

std::string serialize(const ContactValue& c) { return c.wildcard ? std::string("*") : serialize(c.address); }

}  // namespace sotto::sip
