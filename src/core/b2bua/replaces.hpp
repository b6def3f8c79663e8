#pragma once
// The Replaces header (RFC 3891 section 6.1), as it comes in an INVITE or, escaped, in a Refer-To URI's
// headers (`<sips:bob@example.com?Replaces=abc%40host%3Bto-tag%3D1%3Bfrom-tag%3D2>`, decoded by the
// URI parser):
//
//   Replaces = callid *(SEMI replaces-param);  replaces-param = to-tag / from-tag / early-flag / generic-param
//
//   auto r = parse_replaces("abc@host;to-tag=1;from-tag=2");   // r->call_id == "abc@host"
//   if (!r) respond(400, r.error().context);                    // "Replaces: no from-tag"

#include <string>
#include <string_view>

#include "base/result.hpp"

namespace sotto::b2bua {

struct ReplacesTarget {
  std::string call_id;
  std::string to_tag;
  std::string from_tag;
  bool early_only = false;  // RFC 3891 section 3: only an early dialog may be replaced
};

// Errors (Errc::invalid_argument) name what is wrong: an empty Call-ID, a missing or empty tag, a
// parameter given twice.
Result<ReplacesTarget> parse_replaces(std::string_view value);

}  // namespace sotto::b2bua
