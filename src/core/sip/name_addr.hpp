#pragma once
// NameAddr: the value of From, To, Contact, Route, Record-Route, Reply-To (RFC 3261 20.10, 25.1):
// ( name-addr / addr-spec ) *( SEMI generic-param ).
//
//   auto to = parse_name_addr(R"("Bob \"B\"" <sips:bob@example.com;transport=tls>;tag=a73k)", "To");
//   // to->display_name == R"(Bob "B")", to->uri.params.has("transport"), to->tag() == "a73k"
//   to->params.set("tag", "z9x");  std::string v = serialize(*to);
//
// An addr-spec written without <> ends at the first ';' or space: its parameters are header params
// (cparam01), and a URI containing ',', '?' or ';' must be in <> (20.10; RFC 4475 regbadct is rejected).

#include <string>
#include <string_view>

#include "base/result.hpp"
#include "core/sip/params.hpp"
#include "core/sip/uri.hpp"

namespace sotto::sip {

struct NameAddr {
  // display-name = *(token LWS) / quoted-string; stored unquoted and unescaped, tokens joined by one SP.
  std::string display_name;
  Uri uri;
  Params params;  // header params: tag, expires, q, ... (values as written)

  std::optional<std::string_view> tag() const noexcept { return params.get("tag"); }

  friend bool operator==(const NameAddr&, const NameAddr&) = default;
};

// `what` names the header for error contexts ("From: unterminated quoted string").
Result<NameAddr> parse_name_addr(std::string_view value, std::string_view what);
// Always writes the name-addr form: ["display" SP] "<" uri ">" *(";" param).
std::string serialize(const NameAddr& na);
void append_name_addr(std::string& out, const NameAddr& na);

}  // namespace sotto::sip
