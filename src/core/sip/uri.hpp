#pragma once
// Uri: SIP, SIPS and tel URIs (RFC 3261 19.1, RFC 3966) plus other absoluteURIs kept opaque.
//
//   auto u = parse_uri("sips:alice@[2001:db8::1]:5061;transport=tcp?subject=hi%20there");
//   // u->user == "alice", u->host == "[2001:db8::1]", *u->port == 5061, u->headers[0].value == "hi there"
//   std::string s = serialize(*u);  bool same = uri_equivalent(*u, *parse_uri(s));
//
// Components are stored percent-decoded (user "I have spaces", not "I%20have%20spaces") and re-escaped by
// serialize(). To forward a URI byte-exact, keep the header value string it came from.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "core/sip/params.hpp"

namespace sotto::sip {

enum class UriScheme : std::uint8_t { sip, sips, tel, other };

struct UriHeader {
  std::string name;   // hname, decoded
  std::string value;  // hvalue, decoded (may be empty)
  friend bool operator==(const UriHeader&, const UriHeader&) = default;
};

struct Uri {
  UriScheme scheme = UriScheme::sip;
  std::string other_scheme;            // scheme as written when scheme == other ("isbn", "http")
  // SIP-URI = "sip:" [ userinfo ] hostport uri-parameters [ headers ]; userinfo = ( user / telephone-subscriber )
  //           [ ":" password ] "@"
  std::string user;                    // decoded; for tel: the telephone-subscriber number
  std::optional<std::string> password; // decoded
  std::string host;                    // hostname, IPv4address or IPv6reference with brackets
  std::optional<std::uint16_t> port;   // absent != 5060 (RFC 3261 19.1.4)
  Params params;                       // uri-parameters: transport, maddr, lr, user, method, ttl, ...
  std::vector<UriHeader> headers;      // headers = "?" header *( "&" header )
  std::string opaque;                  // everything after "scheme:" when scheme == other

  bool is_sip() const noexcept { return scheme == UriScheme::sip || scheme == UriScheme::sips; }
  bool lr() const noexcept { return params.has("lr"); }
  std::optional<std::string_view> transport() const noexcept { return params.get("transport"); }
  std::optional<std::string_view> maddr() const noexcept { return params.get("maddr"); }
  std::optional<std::string_view> user_param() const noexcept { return params.get("user"); }
  std::optional<std::string_view> method_param() const noexcept { return params.get("method"); }
  std::optional<std::string_view> ttl() const noexcept { return params.get("ttl"); }

  friend bool operator==(const Uri&, const Uri&) = default;  // structural; see uri_equivalent()
};

// Parses a complete URI (no surrounding spaces or angle brackets).
Result<Uri> parse_uri(std::string_view text);
std::string serialize(const Uri& uri);
void append_uri(std::string& out, const Uri& uri);

// RFC 3261 19.1.4: scheme must match (sip never equals sips), userinfo case-sensitive, host
// case-insensitive, port/transport/user/ttl/method/maddr must be present in both or neither, other
// parameters only compared when present in both, headers always compared. Deviation: escaped reserved
// characters compare equal to their literal form (components are stored decoded).
bool uri_equivalent(const Uri& a, const Uri& b);

std::string_view scheme_name(const Uri& uri) noexcept;

}  // namespace sotto::sip
