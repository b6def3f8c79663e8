#pragma once
// The server's settings as flags, shared by `sotto serve` and `sotto config check`: each flag is checked
// as the same key in a TOML file is (docs/CONFIG.md), and names itself in its error.
//
//   ServerFlags f;  add_server_flags(sub, f);          // --listen, --domain, --data-dir, ...
//   auto cfg = flags_config(f);                          // config::ServerConfig with only the flags given
//   if (!cfg) fail("sotto serve: " + cfg.error().context);   // "--rtp-ports: expected ..., got ..."

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "config/server_config.hpp"

namespace sotto::app {

struct ServerFlags {
  std::vector<std::string> listen, domain;
  std::string data_dir, realm, cert, key, ca_file, cert_names, media_ip, rtp_ports, http, log_format;
};

void add_server_flags(CLI::App* sub, ServerFlags& f);
Result<config::ServerConfig> flags_config(const ServerFlags& f);
// io's listen-spec parser as the config parser's check.
Status check_listen(std::string_view s);
// "a,b" "c" -> a, b, c (spaces around entries removed).
std::vector<std::string> split_csv(const std::vector<std::string>& values);

}  // namespace sotto::app
