#pragma once
// ASCII case rules of the protocols (SIP tokens, SDP names, DNS labels): locale-free, bytes >= 0x80 unchanged.
//
//   if (iequals(param.name, "transport")) ...     // RFC 3261 7.3.1: names compare case-insensitively
//   char c = ascii_lower('T');                     // 't'

#include <string_view>

namespace sotto {

constexpr char ascii_lower(char c) noexcept { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

}  // namespace sotto
