#pragma once
// DNS name helpers: names compare case-insensitively (RFC 4343) and "example.com." equals "example.com".
//
//   bool same = locate::same_dns_name("Example.COM.", "example.com");   // true
//   std::string n = locate::normalize_dns_name("SIP.Example.com.");      // "sip.example.com"
//   std::string q = locate::join_dns_name("_sip._udp", "example.com");   // "_sip._udp.example.com"

#include <string>
#include <string_view>

#include "base/ascii.hpp"

namespace sotto::locate {

using sotto::iequals;  // ASCII case-insensitive (base/ascii.hpp)
std::string normalize_dns_name(std::string_view name);            // lower case, no trailing dot
bool same_dns_name(std::string_view a, std::string_view b) noexcept;
std::string join_dns_name(std::string_view label, std::string_view domain);

}  // namespace sotto::locate
