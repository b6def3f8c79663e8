#pragma once
// LoadOptions: what `sotto bench register` and `sotto bench calls` are told, and check_load_options(), which
// turns it into a CheckedLoadOptions or an error naming the flag at fault (the CLI exits 2 with it).
//
//   LoadOptions o;  o.server = "sips:127.0.0.1:5061";  o.ca_file = "ca.pem";  o.users = "alice%d:pw";  o.count = 50;
//   auto checked = check_load_options(o, LoadKind::register_);   // or LoadKind::calls
//   if (!checked) die(checked.error().context);                    // "--users: 'alice' has no %d ..."

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/sip/uri.hpp"
#include "loadgen/user_pattern.hpp"

namespace sotto::loadgen {

enum class LoadKind : std::uint8_t { register_, calls };

struct LoadOptions {
  // Both commands.
  std::string server;          // --server sips:HOST:PORT: the registrar/proxy every account connects to
  std::string ca_file;         // --ca-file: CA that signed the server certificate
  std::string users;           // --users alice%d:PASSWORD
  std::string password_file;   // --password-file: one password for every account (first line)
  std::optional<std::string> password_env;  // SOTTO_PASSWORD, as the CLI found it
  std::string domain;          // --domain: the accounts' domain; default the server's host
  std::vector<std::string> dns_servers;  // --dns-server (repeatable); none: the system's resolv.conf
  std::size_t count = 0;       // --count: accounts (register) or caller/callee pairs (calls)
  std::string rate;            // --rate R or R/s: starts per second; empty = unpaced
  std::size_t concurrency = 0; // --concurrency: registrations in flight at most; 0 = 100
  double timeout_s = 10;       // --timeout: per TLS connect + REGISTER, per call setup
  std::uint32_t expires = 600; // --expires: seconds asked for in REGISTER
  bool json = false;
  // bench register
  double duration_s = 0;       // --duration: stop starting registrations after S seconds; 0 = all N
  bool unregister = false;     // --unregister: remove every binding at the end and count it
  // bench calls
  std::size_t calls = 0;       // --calls M
  std::size_t concurrent = 0;  // --concurrent K: calls up at once; 0 = --count
  double hold_time_s = 5;      // --hold-time: seconds of media per call
  std::string media_ip = "127.0.0.1";
  std::string rtp_ports = "40000-49999";
};

struct CheckedLoadOptions {
  LoadOptions raw;
  sip::Uri server;
  UserPattern users;
  std::string password;
  std::string domain;
  double rate = 0;  // per second; 0 = unpaced
  std::size_t concurrency = 100;
  std::size_t concurrent = 0;
  std::uint16_t rtp_min = 40000;
  std::uint16_t rtp_max = 49999;
  std::size_t accounts = 0;  // register: count; calls: 2 * count

  sip::Uri aor(std::size_t n) const;  // sips:<user n>@<domain>
};

Result<CheckedLoadOptions> check_load_options(const LoadOptions& o, LoadKind kind);

}  // namespace sotto::loadgen
