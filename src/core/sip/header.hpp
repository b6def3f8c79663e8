#pragma once
// Header: one header field value as it sits in a SipMessage: the name as received, its HeaderId, and
// the unfolded value text. List headers ("Via: a, b") are stored one value per Header.
//
//   Header h{"v", HeaderId::via, "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1"};
//   auto parts = split_list_value(R"("Doe, J" <sip:j@x>, <sip:k@y>)", "Contact");   // 2 elements
//   std::string_view n = h.canonical();                                             // "Via"

#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "core/sip/header_id.hpp"

namespace sotto::sip {

struct Header {
  std::string name;   // as received ("v", "ViA", "X-Foo"); written back as is
  HeaderId id = HeaderId::other;
  std::string value;  // line folds removed, leading/trailing whitespace trimmed, otherwise byte-exact

  // Canonical name for known headers, the received name otherwise.
  std::string_view canonical() const noexcept { return id == HeaderId::other ? std::string_view(name) : canonical_name(id); }
  friend bool operator==(const Header&, const Header&) = default;
};

// Splits `value` at commas outside quoted strings (with \-escapes) and <...>; trims each element.
// An empty value gives no elements (e.g. "Supported:"); an empty element between commas is an error.
Result<std::vector<std::string_view>> split_list_value(std::string_view value, std::string_view what);

}  // namespace sotto::sip
