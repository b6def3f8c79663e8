// `sotto config check FILE [flags]`: validates a server configuration and prints the effective settings
// (file, then flags over it, then defaults) as TOML (docs/CONFIG.md).
#include <fmt/core.h>

#include <fstream>
#include <sstream>

#include "commands.hpp"
#include "config/server_config.hpp"
#include "io/listen_spec.hpp"

namespace sotto::app {
namespace {

struct ConfigCli {
  std::string file;
  std::vector<std::string> listen, domain;
  std::string data_dir, realm, cert, key, ca_file, cert_names, media_ip, rtp_ports, http, log_format;
};

Status check_listen(std::string_view s) {
  auto r = io::parse_listen_spec(s);
  if (!r) return Unexpected(r.error());
  return {};
}

std::vector<std::string> split_csv(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    std::size_t start = 0;
    while (true) {
      const auto comma = v.find(',', start);
      std::string part = v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      part.erase(0, part.find_first_not_of(" \t"));
      part.erase(part.find_last_not_of(" \t") + 1);
      out.push_back(part);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

// The flags as a ServerConfig; each value is checked as the same key in a file is.
Result<config::ServerConfig> flags_config(const ConfigCli& cli) {
  config::ServerConfig f;
  auto each = [](const std::string& flag, const std::vector<std::string>& items,
                 Status (*check)(std::string_view)) -> Result<std::vector<std::string>> {
    for (const auto& i : items) {
      if (i.empty()) return fail(Errc::invalid_argument, flag + ": empty entry");
      if (auto st = check(i); !st) return fail(Errc::invalid_argument, flag + ": " + st.error().context);
    }
    return items;
  };
  if (!cli.listen.empty()) {
    auto v = each("--listen", split_csv(cli.listen), check_listen);
    if (!v) return Unexpected(v.error());
    f.listen = *v;
  }
  if (!cli.domain.empty()) {
    auto v = each("--domain", split_csv(cli.domain), config::check_domain);
    if (!v) return Unexpected(v.error());
    f.domains = *v;
  }
  if (!cli.cert_names.empty()) {
    auto v = each("--cert-names", split_csv({cli.cert_names}), config::check_cert_name);
    if (!v) return Unexpected(v.error());
    f.cert_names = *v;
  }
  if (!cli.data_dir.empty()) f.data_dir = cli.data_dir;
  if (!cli.realm.empty()) f.realm = cli.realm;
  if (!cli.cert.empty()) f.cert = cli.cert;
  if (!cli.key.empty()) f.key = cli.key;
  if (!cli.ca_file.empty()) f.ca_file = cli.ca_file;
  if (!cli.media_ip.empty()) {
    if (auto st = config::check_ip_literal(cli.media_ip); !st) {
      return fail(Errc::invalid_argument, "--media-ip: " + st.error().context);
    }
    f.media_ip = cli.media_ip;
  }
  if (!cli.rtp_ports.empty()) {
    auto r = config::parse_port_range(cli.rtp_ports);
    if (!r) return fail(Errc::invalid_argument, "--rtp-ports: " + r.error().context);
    f.rtp_ports = *r;
  }
  if (!cli.http.empty()) {
    if (auto st = config::check_host_port(cli.http); !st) {
      return fail(Errc::invalid_argument, "--http: " + st.error().context);
    }
    f.http = cli.http;
  }
  if (!cli.log_format.empty()) {
    auto r = config::parse_log_format(cli.log_format);
    if (!r) return fail(Errc::invalid_argument, "--log-format: " + r.error().context);
    f.log_format = *r;
  }
  return f;
}

int run_check(const ConfigCli& cli) {
  std::ifstream in(cli.file, std::ios::binary);
  if (!in) {
    fmt::print(stderr, "sotto config check: cannot read {}\n", cli.file);
    return 2;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  config::ParseOptions o;
  o.check_listen = check_listen;
  auto file = config::parse_config(ss.str(), cli.file, o);
  if (!file) {
    fmt::print(stderr, "{}\n", file.error().context);
    return 2;
  }
  auto flags = flags_config(cli);
  if (!flags) {
    fmt::print(stderr, "sotto config check: {}\n", flags.error().context);
    return 2;
  }
  auto eff = config::resolve(config::merge(*file, *flags));
  if (!eff) {
    fmt::print(stderr, "sotto config check: {}: {}\n", cli.file, eff.error().context);
    return 2;
  }
  fmt::print("# {}: valid. Effective settings (file, flags over it, defaults for the rest):\n{}", cli.file,
             config::to_toml(*eff));
  return 0;
}

}  // namespace

void add_config_command(CLI::App& app, Commands& cmds) {
  static ConfigCli cli;
  auto* cfg = app.add_subcommand("config", "The server's TOML configuration (docs/CONFIG.md)");
  cfg->require_subcommand(1);
  auto* check = cfg->add_subcommand("check", "Validate FILE; print the effective settings (flags override keys)");
  check->add_option("file", cli.file, "TOML configuration file")->required();
  check->add_option("--listen", cli.listen, "Listener, repeatable or comma-separated: tls://127.0.0.1:5061");
  check->add_option("--domain", cli.domain, "A domain of ours, repeatable or comma-separated");
  check->add_option("--data-dir", cli.data_dir, "Data directory");
  check->add_option("--realm", cli.realm, "Digest realm");
  check->add_option("--cert", cli.cert, "Server certificate (PEM)");
  check->add_option("--key", cli.key, "Its private key (PEM)");
  check->add_option("--ca-file", cli.ca_file, "CA bundle for peers' certificates");
  check->add_option("--cert-names", cli.cert_names, "Names of a generated server certificate");
  check->add_option("--media-ip", cli.media_ip, "Address of the media relay");
  check->add_option("--rtp-ports", cli.rtp_ports, "LO-HI");
  check->add_option("--http", cli.http, "IP:PORT of the metrics/admin listener");
  check->add_option("--log-format", cli.log_format, "text|json");
  cmds.entries.emplace_back(cfg, [] { return run_check(cli); });
}

}  // namespace sotto::app
