#pragma once
// Via: one via-parm (RFC 3261 20.42, 25.1) with the RFC 3581 rport parameter.
//
//   auto v = parse_via("SIP/2.0/TLS [2001:db8::9]:5061;branch=z9hG4bK74b;rport");
//   // v->transport == "TLS", v->host == "[2001:db8::9]", v->branch() == "z9hG4bK74b", v->has_rport()
//   v->params.set("received", "192.0.2.7");  v->params.set("rport", "40312");  serialize(*v);
//
// via-parm = sent-protocol LWS sent-by *( SEMI via-params ); sent-protocol = protocol-name SLASH
// protocol-version SLASH transport; sent-by = host [ COLON port ]

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "core/sip/params.hpp"

namespace sotto::sip {

inline constexpr std::string_view kBranchMagicCookie = "z9hG4bK";  // RFC 3261 8.1.1.7

struct Via {
  std::string protocol_name = "SIP";
  std::string protocol_version = "2.0";
  std::string transport = "UDP";  // "UDP" / "TCP" / "TLS" / "SCTP" / other-transport (token), as written
  std::string host;               // sent-by host; IPv6 keeps its brackets
  std::optional<std::uint16_t> port;
  Params params;                  // branch, received, rport, maddr, ttl, via-extension (order preserved)

  std::optional<std::string_view> branch() const noexcept { return params.get("branch"); }
  std::optional<std::string_view> received() const noexcept { return params.get("received"); }
  std::optional<std::string_view> maddr() const noexcept { return params.get("maddr"); }
  // RFC 3581: ";rport" (a request asking for it) or ";rport=5060" (filled in by the server).
  bool has_rport() const noexcept { return params.has("rport"); }
  std::optional<std::uint16_t> rport() const noexcept;
  std::optional<std::uint8_t> ttl() const noexcept;
  // RFC 3261 branch: starts with the magic cookie (the transaction id is the whole branch).
  bool has_rfc3261_branch() const noexcept;

  friend bool operator==(const Via&, const Via&) = default;
};

// Checks the value grammar of branch, received, rport, maddr and ttl; unknown params are kept.
Result<Via> parse_via(std::string_view value);
std::string serialize(const Via& via);

}  // namespace sotto::sip
