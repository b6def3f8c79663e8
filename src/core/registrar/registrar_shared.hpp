#pragma once
// What registrar.cpp (authentication, lookups, restore) and registrar_register.cpp (REGISTER) share. Not for
// use outside src/core/registrar.

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "core/registrar/registrar.hpp"

namespace sotto::registrar::detail {

inline bool ieq(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Peer text in a reason phrase or Warning: printable ASCII without quotes or backslashes, at most 120 bytes.
inline std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 120)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u > 0x7e || c == '"' || c == '\\' ? '?' : c);
  }
  return out;
}

// RFC 5626 6 / RFC 5627: two contacts with instance ids are the same binding when instance (and reg-id)
// match; otherwise (one without an instance: a phone that started or stopped sending one) the contact URIs
// are compared (RFC 3261 10.3 step 7, 19.1.4).
inline bool same_key(const Binding& a, const Binding& b) {
  if (!a.instance.empty() && !b.instance.empty()) return a.instance == b.instance && a.reg_id == b.reg_id;
  return sip::uri_equivalent(a.contact, b.contact);
}


}  // namespace sotto::registrar::detail
