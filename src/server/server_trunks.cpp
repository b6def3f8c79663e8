#include "server/server_trunks.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <arpa/inet.h>

#include "core/sip/uri.hpp"
#include "core/srtp/suite.hpp"
#include "core/ua/request_parts.hpp"

namespace sotto::server {
namespace {

// The addresses `host` names: itself for an IP literal ([::1] without brackets), else getaddrinfo.
Result<std::vector<std::string>> addresses_of(std::string host) {
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  in6_addr a6{};
  in_addr a4{};
  if (::inet_pton(AF_INET, host.c_str(), &a4) == 1 || ::inet_pton(AF_INET6, host.c_str(), &a6) == 1) {
    return std::vector<std::string>{host};
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res); rc != 0) {
    return fail(Errc::not_found, "cannot resolve '" + host + "': " + ::gai_strerror(rc) + " (set 'sources')");
  }
  std::vector<std::string> out;
  for (addrinfo* p = res; p; p = p->ai_next) {
    char buf[INET6_ADDRSTRLEN] = {};
    const void* src = p->ai_family == AF_INET ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(p->ai_addr)->sin_addr)
                                              : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(p->ai_addr)->sin6_addr);
    if (::inet_ntop(p->ai_family, src, buf, sizeof buf) && std::find(out.begin(), out.end(), buf) == out.end()) {
      out.emplace_back(buf);
    }
  }
  ::freeaddrinfo(res);
  return out;
}

}  // namespace

Result<sip::Uri> trunk_registrar(const config::TrunkConfig& tc) {
  const std::string& text = tc.registrar.empty() ? tc.uri : tc.registrar;
  auto u = sip::parse_uri(text);
  if (!u || u->scheme != sip::UriScheme::sips || u->host.empty()) {
    return fail(Errc::invalid_argument, "trunk '" + tc.name + "': registrar '" + text + "' is not a sips: URI" +
                                            (u ? std::string() : ": " + u.error().context));
  }
  u->user.clear();
  u->password.reset();
  u->headers.clear();
  return *u;
}

Result<std::vector<b2bua::Trunk>> make_trunks(const std::vector<config::TrunkConfig>& trunks) {
  std::vector<b2bua::Trunk> out;
  for (const config::TrunkConfig& tc : trunks) {
    const std::string where = "trunk '" + tc.name + "'";
    auto u = sip::parse_uri(tc.uri);
    if (!u || !u->is_sip() || u->host.empty()) {
      return fail(Errc::invalid_argument, where + ": uri '" + tc.uri + "' is not a SIP URI" +
                                              (u ? std::string() : ": " + u.error().context));
    }
    b2bua::Trunk t;
    t.name = tc.name;
    t.uri = *u;
    t.uri.user.clear();
    if (!tc.username.empty()) t.credentials = auth::DigestCredentials{tc.username, tc.password};
    t.policy.media.mode = tc.srtp;
    if (!tc.suites.empty()) {
      t.policy.media.suites.clear();
      for (const auto& name : tc.suites) {
        const srtp::Suite* su = srtp::find_suite(name);
        if (!su) return fail(Errc::invalid_argument, where + ": unknown SRTP suite '" + name + "'");
        t.policy.media.suites.push_back(su->id);
      }
    }
    t.policy.allowed_transports = {ua::transport_of(t.uri)};
    for (const auto& [number, user] : tc.numbers) t.numbers[number] = user;
    t.prefix = tc.prefix;
    t.registers = tc.register_;
    if (tc.register_) t.contact_user = tc.contact_user.empty() ? tc.username : tc.contact_user;
    if (!tc.pai.empty()) {
      auto p = sip::parse_uri(tc.pai);
      if (!p || !p->is_sip() || p->user.empty()) {
        return fail(Errc::invalid_argument, where + ": pai '" + tc.pai + "' is not a SIP URI with a user" +
                                                (p ? std::string() : ": " + p.error().context));
      }
      t.pai = *p;
    }
    if (!tc.sources.empty()) {
      t.source_ips = tc.sources;
    } else {
      auto addrs = addresses_of(t.uri.host);
      // A registered trunk is known by its connection: a host that does not resolve here is no error.
      if (!addrs && !tc.register_) return fail(Errc::invalid_argument, where + ": " + addrs.error().context);
      if (addrs) t.source_ips = std::move(*addrs);
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace sotto::server
