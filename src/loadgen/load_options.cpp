// check_load_options (see load_options.hpp).
#include "loadgen/load_options.hpp"

#include <fmt/format.h>

#include <charconv>
#include <fstream>

#include "io/dns/dns_resolver_options.hpp"
#include "loadgen/rate_pacer.hpp"

namespace sotto::loadgen {
namespace {

Result<std::string> read_password_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::invalid_argument, "--password-file " + path + ": cannot be read");
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  if (line.empty()) return fail(Errc::invalid_argument, "--password-file " + path + ": the first line is empty");
  return line;
}

Result<std::pair<std::uint16_t, std::uint16_t>> parse_ports(const std::string& text) {
  const auto bad = [&] {
    return fail(Errc::invalid_argument, "--rtp-ports: '" + text + "' is not LO-HI with 1024 <= LO < HI <= 65535");
  };
  const std::size_t dash = text.find('-');
  if (dash == std::string::npos) return bad();
  unsigned lo = 0, hi = 0;
  const char* b = text.data();
  auto r1 = std::from_chars(b, b + dash, lo);
  auto r2 = std::from_chars(b + dash + 1, b + text.size(), hi);
  if (r1.ec != std::errc() || r1.ptr != b + dash || r2.ec != std::errc() || r2.ptr != b + text.size()) return bad();
  if (lo < 1024 || hi > 65535 || lo + 4 > hi) return bad();
  return std::pair{static_cast<std::uint16_t>(lo), static_cast<std::uint16_t>(hi)};
}

}  // namespace

sip::Uri CheckedLoadOptions::aor(std::size_t n) const {
  sip::Uri u;
  u.scheme = sip::UriScheme::sips;
  u.user = users.user(n);
  u.host = domain;
  return u;
}

Result<CheckedLoadOptions> check_load_options(const LoadOptions& o, LoadKind kind) {
  CheckedLoadOptions c;
  c.raw = o;
  if (o.server.empty()) return fail(Errc::invalid_argument, "--server is required, e.g. --server sips:127.0.0.1:5061");
  auto server = sip::parse_uri(o.server);
  if (!server || server->scheme != sip::UriScheme::sips) {
    return fail(Errc::invalid_argument, "--server: '" + o.server + "' is not a sips: URI (the load runs over TLS), e.g. sips:127.0.0.1:5061");
  }
  if (!server->user.empty()) return fail(Errc::invalid_argument, "--server: '" + o.server + "' names a user; give the server only, e.g. sips:127.0.0.1:5061");
  c.server = *server;
  if (o.ca_file.empty()) return fail(Errc::invalid_argument, "--ca-file is required: the CA that signed the server's certificate");
  if (!std::ifstream(o.ca_file)) return fail(Errc::invalid_argument, "--ca-file " + o.ca_file + ": cannot be read");
  if (o.users.empty()) return fail(Errc::invalid_argument, "--users is required, e.g. --users alice%d:PASSWORD");
  auto users = parse_user_pattern(o.users);
  if (!users) return fail(Errc::invalid_argument, "--users: " + users.error().context);
  c.users = *users;
  if (!o.password_file.empty()) {
    if (c.users.password && !c.users.password->empty()) {
      return fail(Errc::invalid_argument, "--password-file and a password in --users contradict each other; give one");
    }
    auto pw = read_password_file(o.password_file);
    if (!pw) return Unexpected(pw.error());
    c.password = *pw;
  } else if (c.users.password && !c.users.password->empty()) {
    c.password = *c.users.password;
  } else if (o.password_env && !o.password_env->empty()) {
    c.password = *o.password_env;
  } else {
    return fail(Errc::invalid_argument, "--users: '" + o.users + "' has no password; give alice%d:PASSWORD, --password-file or SOTTO_PASSWORD");
  }
  if (o.domain.empty()) {
    c.domain = c.server.host;
  } else {
    auto d = sip::parse_uri("sips:" + o.domain);
    if (!d || d->port || !d->params.empty() || !d->user.empty()) {
      return fail(Errc::invalid_argument, "--domain: '" + o.domain + "' is not a host name or IP address");
    }
    c.domain = d->host;
  }
  for (const std::string& d : o.dns_servers) {
    if (auto s = io::dns::parse_dns_server(d); !s) return fail(Errc::invalid_argument, "--dns-server: " + s.error().context);
  }
  if (o.count == 0) return fail(Errc::invalid_argument, "--count must be at least 1");
  if (o.count > 100000) return fail(Errc::invalid_argument, "--count: at most 100000 accounts in one process");
  if (!o.rate.empty()) {
    auto r = parse_rate(o.rate);
    if (!r) return fail(Errc::invalid_argument, "--rate: " + r.error().context);
    c.rate = *r;
  }
  if (o.concurrency > 0) c.concurrency = o.concurrency;
  if (!(o.timeout_s > 0 && o.timeout_s <= 300)) return fail(Errc::invalid_argument, "--timeout must be more than 0 and at most 300 seconds");
  if (o.expires < 10) return fail(Errc::invalid_argument, "--expires must be at least 10 seconds");
  if (o.duration_s < 0) return fail(Errc::invalid_argument, "--duration cannot be negative");
  c.accounts = o.count;
  if (kind == LoadKind::calls) {
    c.accounts = 2 * o.count;
    if (o.calls == 0) return fail(Errc::invalid_argument, "--calls must be at least 1");
    c.concurrent = o.concurrent == 0 ? o.count : o.concurrent;
    if (c.concurrent > o.count) {
      return fail(Errc::invalid_argument, fmt::format("--concurrent {} is more than --count {} (each pair carries one call at a time)", c.concurrent, o.count));
    }
    if (!(o.hold_time_s >= 0 && o.hold_time_s <= 3600)) return fail(Errc::invalid_argument, "--hold-time must be 0 to 3600 seconds");
    auto ports = parse_ports(o.rtp_ports);
    if (!ports) return Unexpected(ports.error());
    c.rtp_min = ports->first;
    c.rtp_max = ports->second;
    if (static_cast<std::size_t>(c.rtp_max - c.rtp_min) / 2 < 2 * c.concurrent) {
      return fail(Errc::invalid_argument, fmt::format("--rtp-ports {} has room for fewer than {} RTP/RTCP pairs (2 per call)", o.rtp_ports, 2 * c.concurrent));
    }
    if (o.media_ip.empty()) return fail(Errc::invalid_argument, "--media-ip cannot be empty");
  }
  return c;
}

}  // namespace sotto::loadgen
