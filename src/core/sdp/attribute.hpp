#pragma once
// Attribute: one "a=" line, kept as written so unknown attributes survive a parse/serialize round trip.
//
//   Attribute a{"rtpmap", "97 iLBC/8000"};    // a=rtpmap:97 iLBC/8000
//   Attribute f{"rtcp-mux", std::nullopt};    // a=rtcp-mux   (property attribute)
//   Attribute e{"x-empty", ""};               // a=x-empty:   (value attribute with an empty value)

#include <optional>
#include <string>

namespace sotto::sdp {

// attribute = (att-field ":" att-value) / att-field          (RFC 4566 section 9)
struct Attribute {
  std::string name{};                  // att-field = token
  std::optional<std::string> value{};  // att-value = byte-string, everything after the first ':'

  friend bool operator==(const Attribute&, const Attribute&) = default;
};

}  // namespace sotto::sdp
