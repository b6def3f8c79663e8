#include "server_flags.hpp"

#include "io/listen_spec.hpp"

namespace sotto::app {

void add_server_flags(CLI::App* sub, ServerFlags& f) {
  sub->add_option("--listen", f.listen, "Listener, repeatable or comma-separated: tls://127.0.0.1:5061");
  sub->add_option("--domain", f.domain, "A domain of ours, repeatable or comma-separated (default localhost)");
  sub->add_option("--data-dir", f.data_dir, "Data directory: database and CA (default ./sotto-data)");
  sub->add_option("--realm", f.realm, "Digest realm, fixed when the data directory is created (default sotto)");
  sub->add_option("--cert", f.cert, "Server certificate (PEM, may hold the chain); default: the data directory's");
  sub->add_option("--key", f.key, "Its private key (PEM)");
  sub->add_option("--ca-file", f.ca_file, "CA bundle for peers' certificates (trunks, client certificates)");
  sub->add_option("--cert-names", f.cert_names, "Names of the server certificate made when there is none (default localhost,127.0.0.1)");
  sub->add_option("--media-ip", f.media_ip, "Address of the media relay, written into SDP (default 127.0.0.1)");
  sub->add_option("--rtp-ports", f.rtp_ports, "UDP ports of the media relay, LO-HI (default 30000-39999)");
  sub->add_option("--http", f.http, "IP:PORT of the metrics/admin listener (default off)");
  sub->add_option("--log-format", f.log_format, "text|json (default text)");
}

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
Result<config::ServerConfig> flags_config(const ServerFlags& cli) {
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


}  // namespace sotto::app
