#include "core/sip/via.hpp"

#include "core/sip/grammar.hpp"
#include "core/sip/host.hpp"

namespace sotto::sip {

std::optional<std::uint16_t> Via::rport() const noexcept {
  auto v = params.get("rport");
  if (!v) return std::nullopt;
  auto n = parse_decimal(*v, 65535);
  if (!n) return std::nullopt;
  return static_cast<std::uint16_t>(*n);
}

std::optional<std::uint8_t> Via::ttl() const noexcept {
  auto v = params.get("ttl");
  if (!v) return std::nullopt;
  auto n = parse_decimal(*v, 255);
  if (!n) return std::nullopt;
  return static_cast<std::uint8_t>(*n);
}

bool Via::has_rfc3261_branch() const noexcept {
  auto b = branch();
  return b && b->size() > kBranchMagicCookie.size() && b->substr(0, kBranchMagicCookie.size()) == kBranchMagicCookie;
}

namespace {

Status check_via_params(const Params& params) {
  for (const auto& p : params) {
    const std::string_view v = p.value ? std::string_view(*p.value) : std::string_view();
    if (iequals(p.name, "branch")) {
      if (!p.value || !is_token(v)) return fail(Errc::malformed_input, "Via: branch must be a token");
    } else if (iequals(p.name, "received")) {
      // via-received = "received" EQUAL (IPv4address / IPv6address); RFC 5118 4.5: accept [IPv6] too.
      const bool ok = p.value && (is_ipv4_address(v) || is_ipv6_address(v) || classify_host(v) == HostKind::ipv6);
      if (!ok) return fail(Errc::malformed_input, "Via: received '" + excerpt(v) + "' is not an IP address");
    } else if (iequals(p.name, "rport")) {
      if (p.value && !parse_decimal(v, 65535)) {
        return fail(Errc::malformed_input, "Via: rport '" + excerpt(v) + "' is not a port");
      }
    } else if (iequals(p.name, "maddr")) {
      if (!p.value || classify_host(v) == HostKind::invalid) {
        return fail(Errc::malformed_input, "Via: maddr '" + excerpt(v) + "' is not a host");
      }
    } else if (iequals(p.name, "ttl")) {
      if (!p.value || !parse_decimal(v, 255)) return fail(Errc::malformed_input, "Via: ttl must be 0-255");
    }
  }
  return {};
}

}  // namespace

Result<Via> parse_via(std::string_view value) {
  const std::string_view s = trim_lws(value);
  Via via;
  std::size_t i = 0;
  auto skip_ws = [&] {
    std::size_t n = 0;
    while (i < s.size() && is_wsp(s[i])) ++i, ++n;
    return n;
  };
  auto read_token = [&](std::string& out, std::string_view what) -> Status {
    const std::size_t n = token_length(s.substr(i));
    if (n == 0) return fail(Errc::malformed_input, "Via: missing " + std::string(what));
    out.assign(s.substr(i, n));
    i += n;
    return {};
  };
  auto slash = [&]() -> Status {
    skip_ws();
    if (i >= s.size() || s[i] != '/') return fail(Errc::malformed_input, "Via: expected '/' in sent-protocol");
    ++i;
    skip_ws();
    return {};
  };
  if (auto st = read_token(via.protocol_name, "protocol name"); !st) return Unexpected(st.error());
  if (auto st = slash(); !st) return Unexpected(st.error());
  if (auto st = read_token(via.protocol_version, "protocol version"); !st) return Unexpected(st.error());
  if (auto st = slash(); !st) return Unexpected(st.error());
  if (auto st = read_token(via.transport, "transport"); !st) return Unexpected(st.error());
  if (skip_ws() == 0) return fail(Errc::malformed_input, "Via: expected whitespace before sent-by");

  // sent-by = host [ COLON port ], COLON = SWS ":" SWS
  std::size_t host_len = 0;
  if (i < s.size() && s[i] == '[') {
    const std::size_t close = s.find(']', i);
    if (close == std::string_view::npos) return fail(Errc::malformed_input, "Via: unterminated IPv6 reference");
    host_len = close + 1 - i;
  } else {
    while (i + host_len < s.size() && (is_alphanum(s[i + host_len]) || s[i + host_len] == '-' || s[i + host_len] == '.')) {
      ++host_len;
    }
  }
  const std::string_view host = s.substr(i, host_len);
  if (host.empty()) return fail(Errc::malformed_input, "Via: missing sent-by host");
  if (classify_host(host) == HostKind::invalid) {
    return fail(Errc::malformed_input, "Via: invalid sent-by host '" + excerpt(host) + "'");
  }
  via.host = std::string(host);
  i += host_len;
  skip_ws();
  if (i < s.size() && s[i] == ':') {
    ++i;
    skip_ws();
    std::size_t n = 0;
    while (i + n < s.size() && is_digit(s[i + n])) ++n;
    auto port = parse_decimal(s.substr(i, n), 65535);
    if (!port) return fail(Errc::malformed_input, "Via: invalid sent-by port");
    via.port = static_cast<std::uint16_t>(*port);
    i += n;
  }
  auto params = parse_generic_params(s.substr(i), "Via");
  if (!params) return Unexpected(params.error());
  if (auto st = check_via_params(*params); !st) return Unexpected(st.error());
  via.params = std::move(*params);
  return via;
}

std::string serialize(const Via& via) {
  std::string out;
  out.reserve(64);
  out += via.protocol_name;
  out.push_back('/');
  out += via.protocol_version;
  out.push_back('/');
  out += via.transport;
  out.push_back(' ');
  out += via.host;
  if (via.port) {
    out.push_back(':');
    out += std::to_string(*via.port);
  }
  append_generic_params(out, via.params);
  return out;
}

}  // namespace sotto::sip
