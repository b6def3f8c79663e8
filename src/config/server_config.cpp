// parse_config: the top-level keys and [records]; merge and resolve (docs/CONFIG.md). [[trunk]] sections
// are parsed in server_config_trunk.cpp, values checked and printed in server_config_text.cpp.
#include "config/server_config.hpp"

#include "config/server_config_parser.hpp"

namespace sotto::config {
namespace {

constexpr std::string_view kTopKeys[] = {"listen",     "domain",   "data_dir",  "realm",   "cert",
                                         "key",        "ca_file",  "cert_names", "media_ip", "rtp_ports",
                                         "http",       "log_format", "dead_media_timeout", "records", "trunk"};
constexpr std::string_view kRecordsKeys[] = {"keep"};

Status check_listen_default(std::string_view s) {
  if (s.find("://") == std::string_view::npos) {
    return fail(Errc::malformed_input, "listen spec '" + std::string(s) +
                                           "': expected <udp|tcp|tls>://<ip>[:<port>], e.g. tls://127.0.0.1:5061");
  }
  return {};
}

}  // namespace

namespace detail {

std::string join(std::span<const std::string_view> names) {
  std::string out;
  for (auto n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::string_view type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    default: return "nothing";
  }
}

// [records]: retention of call records (docs/RECORDS.md "Retention").
void Parser::records(const toml::node& n, ServerConfig& out) {
  const auto* t = n.as_table();
  if (t == nullptr) {
    error(n.source(), "records: expected a [records] section (a table), got " + std::string(type_name(n)));
    return;
  }
  for (auto&& [k, v] : *t) {
    const std::string key(k.str());
    if (key != "keep") {
      error(k.source(), "unknown key 'records." + key + "' (a [records] section takes: " + join(kRecordsKeys) + ")");
      continue;
    }
    const std::string expected = "a duration string such as \"90d\", \"12h\", or \"forever\" (or 0) to keep every record";
    if (const auto* i = v.as_integer()) {
      if (i->get() == 0) out.records_keep = 0;
      else error(v.source(), "records.keep: expected " + expected + ", got the number " + std::to_string(i->get()));
    } else if (const auto* s = v.as_string()) {
      auto r = parse_retention(s->get());
      if (!r) error(v.source(), "records.keep: " + r.error().context);
      else out.records_keep = *r;
    } else {
      error(v.source(), "records.keep: expected " + expected + ", got " + std::string(type_name(v)));
    }
  }
}

void Parser::top(const toml::table& root, ServerConfig& out) {
  const auto listen_check = options_.check_listen ? options_.check_listen : check_listen_default;
  for (auto&& [k, v] : root) {
    const std::string key(k.str());
    if (key == "listen") {
      out.listen = list(v, key, "listen specs such as \"tls://127.0.0.1:5061\" (a string or an array)", listen_check);
    } else if (key == "domain") {
      out.domains = list(v, key, "domain names (a string or an array)", check_domain);
    } else if (key == "data_dir") {
      out.data_dir = checked(v, key, "a directory path string", [](std::string_view s) -> Status {
        if (s.empty()) return fail(Errc::invalid_argument, "expected a non-empty path");
        return {};
      });
    } else if (key == "realm") {
      out.realm = checked(v, key, "a string", [](std::string_view s) -> Status {
        bool ok = !s.empty() && s.size() <= 128;
        for (char c : s) ok = ok && c >= 0x20 && c <= 0x7e && c != '"' && c != '\\';
        if (!ok) {
          return fail(Errc::invalid_argument,
                      "'" + std::string(s) + "': expected 1-128 printable ASCII characters without '\"' and '\\'");
        }
        return {};
      });
    } else if (key == "cert" || key == "key" || key == "ca_file") {
      auto path = checked(v, key, "a file path string", [](std::string_view p) -> Status {
        if (p.empty()) return fail(Errc::invalid_argument, "expected a non-empty path");
        return {};
      });
      (key == "cert" ? out.cert : key == "key" ? out.key : out.ca_file) = path;
    } else if (key == "cert_names") {
      out.cert_names = list(v, key, "host names or IP addresses (a string or an array)", check_cert_name);
    } else if (key == "media_ip") {
      out.media_ip = checked(v, key, "an IP address string", check_ip_literal);
    } else if (key == "rtp_ports") {
      if (auto s = string(v, key, "a string \"LO-HI\", e.g. \"30000-39999\"")) {
        auto r = parse_port_range(*s);
        if (!r) error(v.source(), key + ": " + r.error().context);
        else out.rtp_ports = *r;
      }
    } else if (key == "http") {
      out.http = checked(v, key, "a string \"IP:PORT\"", check_host_port);
    } else if (key == "log_format") {
      if (auto s = string(v, key, "\"text\" or \"json\"")) {
        auto f = parse_log_format(*s);
        if (!f) error(v.source(), key + ": " + f.error().context);
        else out.log_format = *f;
      }
    } else if (key == "dead_media_timeout") {
      const std::optional<double> secs = v.is_number() ? v.value<double>() : std::nullopt;
      if (!secs || !(*secs >= 1 && *secs <= 86400)) {
        error(v.source(), key + ": expected seconds from 1 to 86400 (a number), got " +
                              (secs ? std::to_string(*secs) : std::string(type_name(v))));
      } else {
        out.dead_media_timeout = *secs;
      }
    } else if (key == "records") {
      records(v, out);
    } else if (key == "trunk") {
      const auto* arr = v.as_array();
      if (arr == nullptr || !arr->is_array_of_tables()) {
        error(v.source(), "trunk: expected [[trunk]] sections (an array of tables), got " + std::string(type_name(v)));
        continue;
      }
      for (const auto& t : *arr) trunk(*t.as_table(), out);
    } else {
      error(k.source(), "unknown key '" + key + "' (known keys: " + join(kTopKeys) + ")");
    }
  }
}

}  // namespace detail

Result<ServerConfig> parse_config(std::string_view text, std::string_view file_name, const ParseOptions& options) {
  toml::table root;
  try {
    root = toml::parse(text, file_name);
  } catch (const toml::parse_error& e) {
    return fail(Errc::malformed_input, std::string(file_name) + ":" + std::to_string(e.source().begin.line) + ":" +
                                           std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
  }
  ServerConfig out;
  detail::Parser p(file_name, options);
  p.top(root, out);
  if (const auto problems = p.errors(); !problems.empty()) {
    std::string all;
    for (const auto& e : problems) {
      if (!all.empty()) all += '\n';
      all += e;
    }
    return fail(Errc::malformed_input, all);
  }
  return out;
}

ServerConfig merge(const ServerConfig& file, const ServerConfig& flags) {
  ServerConfig out = file;
  auto take = [](auto& dst, const auto& src) {
    if (src) dst = src;
  };
  take(out.listen, flags.listen);
  take(out.domains, flags.domains);
  take(out.data_dir, flags.data_dir);
  take(out.realm, flags.realm);
  take(out.cert, flags.cert);
  take(out.key, flags.key);
  take(out.ca_file, flags.ca_file);
  take(out.cert_names, flags.cert_names);
  take(out.media_ip, flags.media_ip);
  take(out.rtp_ports, flags.rtp_ports);
  take(out.http, flags.http);
  take(out.log_format, flags.log_format);
  take(out.dead_media_timeout, flags.dead_media_timeout);
  take(out.records_keep, flags.records_keep);
  return out;
}

Result<EffectiveConfig> resolve(const ServerConfig& c) {
  if (c.cert.has_value() != c.key.has_value()) {
    return fail(Errc::invalid_argument, c.cert ? "cert is set without key (give both, or neither to use the data "
                                                 "directory's CA)"
                                               : "key is set without cert (give both, or neither to use the data "
                                                 "directory's CA)");
  }
  EffectiveConfig e;
  e.listen = c.listen.value_or(std::vector<std::string>{"tls://127.0.0.1:5061"});
  e.domains = c.domains.value_or(std::vector<std::string>{"localhost"});
  e.data_dir = c.data_dir.value_or("./sotto-data");
  e.realm = c.realm;
  e.cert = c.cert;
  e.key = c.key;
  e.ca_file = c.ca_file;
  e.cert_names = c.cert_names.value_or(std::vector<std::string>{"localhost", "127.0.0.1"});
  e.media_ip = c.media_ip.value_or("127.0.0.1");
  e.rtp_ports = c.rtp_ports.value_or(PortRange{30000, 39999});
  e.http = c.http;
  e.log_format = c.log_format.value_or(LogFormat::text);
  e.dead_media_timeout = c.dead_media_timeout.value_or(60.0);
  e.records_keep = c.records_keep.value_or(kDefaultRecordsKeep);
  e.trunks = c.trunks;
  return e;
}

}  // namespace sotto::config
