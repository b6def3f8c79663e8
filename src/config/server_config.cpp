#include "config/server_config.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <sstream>
#include <tuple>
#include <toml++/toml.h>

#include "core/srtp/suite.hpp"

namespace sotto::config {
namespace {

constexpr std::string_view kTopKeys[] = {"listen",     "domain",   "data_dir",  "realm",   "cert",
                                         "key",        "ca_file",  "cert_names", "media_ip", "rtp_ports",
                                         "http",       "log_format", "dead_media_timeout", "records", "trunk"};
constexpr std::string_view kRecordsKeys[] = {"keep"};
constexpr std::string_view kTrunkKeys[] = {"name",    "uri",    "username", "password", "srtp",
                                           "numbers", "prefix", "sources",  "register", "suites"};

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

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// One parse: the file name, and every problem found so far.
class Parser {
 public:
  Parser(std::string_view file, const ParseOptions& o) : file_(file), options_(o) {}

  void error(const toml::source_region& where, const std::string& what) {
    errors_.push_back({where.begin.line, where.begin.column,
                       std::string(file_) + ":" + std::to_string(where.begin.line) + ":" +
                           std::to_string(where.begin.column) + ": " + what});
  }
  // In file order (toml++ iterates a table's keys sorted by name).
  std::vector<std::string> errors() const {
    auto sorted = errors_;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Problem& a, const Problem& b) {
      return std::tie(a.line, a.column) < std::tie(b.line, b.column);
    });
    std::vector<std::string> out;
    for (auto& p : sorted) out.push_back(std::move(p.text));
    return out;
  }

  std::optional<std::string> string(const toml::node& n, std::string_view key, std::string_view expected) {
    if (const auto* s = n.as_string()) return s->get();
    error(n.source(), std::string(key) + ": expected " + std::string(expected) + ", got " + std::string(type_name(n)));
    return std::nullopt;
  }

  // A string with a check; the error names the key, what the check expects and the value.
  std::optional<std::string> checked(const toml::node& n, std::string_view key, std::string_view expected,
                                     const std::function<Status(std::string_view)>& check) {
    auto s = string(n, key, expected);
    if (!s) return std::nullopt;
    if (auto st = check(*s); !st) {
      error(n.source(), std::string(key) + ": " + st.error().context);
      return std::nullopt;
    }
    return s;
  }

  // A string or an array of strings (a comma list in a string is split as the flags are).
  std::optional<std::vector<std::string>> list(const toml::node& n, std::string_view key, std::string_view expected,
                                               const std::function<Status(std::string_view)>& check) {
    std::vector<std::pair<std::string, const toml::node*>> items;
    auto split_into = [&](const std::string& s, const toml::node* where) {
      std::size_t start = 0;
      while (true) {
        const auto comma = s.find(',', start);
        std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        part.erase(0, part.find_first_not_of(" \t"));
        part.erase(part.find_last_not_of(" \t") + 1);
        items.emplace_back(part, where);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    };
    if (const auto* s = n.as_string()) {
      split_into(s->get(), &n);
    } else if (const auto* a = n.as_array()) {
      for (const auto& el : *a) {
        if (const auto* es = el.as_string()) {
          split_into(es->get(), &el);
        } else {
          error(el.source(), std::string(key) + ": expected " + std::string(expected) + ", got " +
                                 std::string(type_name(el)) + " in the array");
          return std::nullopt;
        }
      }
      if (a->empty()) {
        error(n.source(), std::string(key) + ": expected " + std::string(expected) + ", got an empty array");
        return std::nullopt;
      }
    } else {
      error(n.source(), std::string(key) + ": expected " + std::string(expected) + ", got " + std::string(type_name(n)));
      return std::nullopt;
    }
    std::vector<std::string> out;
    bool ok = true;
    for (auto& [item, where] : items) {
      if (item.empty()) {
        error(where->source(), std::string(key) + ": empty entry (expected " + std::string(expected) + ")");
        ok = false;
        continue;
      }
      if (auto st = check(item); !st) {
        error(where->source(), std::string(key) + ": " + st.error().context);
        ok = false;
        continue;
      }
      out.push_back(std::move(item));
    }
    if (!ok) return std::nullopt;
    return out;
  }

  void trunk(const toml::table& t, ServerConfig& out);
  void records(const toml::node& n, ServerConfig& out);
  void top(const toml::table& root, ServerConfig& out);

 private:
  struct Problem {
    toml::source_index line, column;
    std::string text;
  };
  std::string_view file_;
  const ParseOptions& options_;
  std::vector<Problem> errors_;
};

Status check_listen_default(std::string_view s) {
  if (s.find("://") == std::string_view::npos) {
    return fail(Errc::malformed_input, "listen spec '" + std::string(s) +
                                           "': expected <udp|tcp|tls>://<ip>[:<port>], e.g. tls://127.0.0.1:5061");
  }
  return {};
}

Status check_user(std::string_view s) {
  bool ok = !s.empty() && s.size() <= 64;
  for (char c : s) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' || c == '_' || c == '-' ||
                c == '+' || c == '~');
  }
  if (!ok) return fail(Errc::invalid_argument, "user '" + std::string(s) + "': expected 1-64 of A-Z a-z 0-9 . _ - + ~");
  return {};
}

Status check_number(std::string_view s) {
  bool ok = !s.empty() && s.size() <= 32;
  for (std::size_t i = 0; i < s.size(); ++i) ok = ok && (is_digit(s[i]) || (i == 0 && s[i] == '+'));
  if (!ok || s == "+") {
    return fail(Errc::invalid_argument, "number '" + std::string(s) + "': expected digits with an optional leading '+'");
  }
  return {};
}

void Parser::trunk(const toml::table& t, ServerConfig& out) {
  TrunkConfig tr;
  tr.line = static_cast<int>(t.source().begin.line);
  bool has_name = false, has_uri = false;
  const std::string where = "trunk";
  for (auto&& [k, v] : t) {
    const std::string key(k.str());
    const std::string qk = "trunk." + key;
    if (key == "name") {
      if (auto s = checked(v, qk, "a string", [](std::string_view n) -> Status {
            bool ok = !n.empty() && n.size() <= 64;
            for (char c : n) {
              ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '-' || c == '.');
            }
            if (!ok) return fail(Errc::invalid_argument, "'" + std::string(n) + "': expected 1-64 of A-Z a-z 0-9 _ - .");
            return {};
          })) {
        tr.name = *s;
        has_name = true;
      }
    } else if (key == "uri") {
      if (auto s = checked(v, qk, "a SIP URI string", [](std::string_view u) -> Status {
            const bool sips = u.rfind("sips:", 0) == 0, sip = u.rfind("sip:", 0) == 0;
            const std::size_t host = sips ? 5 : 4;
            if ((!sip && !sips) || u.size() <= host || u.find_first_of(" \t\r\n<>\"") != std::string_view::npos) {
              return fail(Errc::invalid_argument, "'" + std::string(u) + "': expected sips:HOST[:PORT] or sip:HOST[:PORT]");
            }
            return {};
          })) {
        tr.uri = *s;
        has_uri = true;
      }
    } else if (key == "username") {
      if (auto s = string(v, qk, "a string")) tr.username = *s;
    } else if (key == "password") {
      if (auto s = string(v, qk, "a string")) tr.password = *s;
    } else if (key == "srtp") {
      if (auto s = string(v, qk, "\"off\", \"offer\" or \"require\"")) {
        if (*s == "off") tr.srtp = negotiation::SrtpMode::off;
        else if (*s == "offer") tr.srtp = negotiation::SrtpMode::offer;
        else if (*s == "require") tr.srtp = negotiation::SrtpMode::require;
        else error(v.source(), qk + ": expected \"off\", \"offer\" or \"require\", got \"" + *s + "\"");
      }
    } else if (key == "numbers") {
      const auto* nt = v.as_table();
      if (nt == nullptr) {
        error(v.source(), qk + ": expected a table of \"number\" = \"user\", got " + std::string(type_name(v)));
        continue;
      }
      for (auto&& [num, user] : *nt) {
        if (auto st = check_number(num.str()); !st) {
          error(num.source(), qk + ": " + st.error().context);
          continue;
        }
        if (auto u = checked(user, qk + ".\"" + std::string(num.str()) + "\"", "a user name string", check_user)) {
          tr.numbers.emplace_back(std::string(num.str()), *u);
        }
      }
    } else if (key == "prefix") {
      if (auto s = checked(v, qk, "a string of digits, '+', '*' or '#'", [](std::string_view p) -> Status {
            bool ok = !p.empty() && p.size() <= 16;
            for (char c : p) ok = ok && (is_digit(c) || c == '+' || c == '*' || c == '#');
            if (!ok) return fail(Errc::invalid_argument, "'" + std::string(p) + "': expected 1-16 of 0-9 + * #");
            return {};
          })) {
        tr.prefix = *s;
      }
    } else if (key == "sources") {
      if (auto l = list(v, qk, "IP address literals", check_ip_literal)) tr.sources = *l;
    } else if (key == "suites") {
      if (auto l = list(v, qk, "SRTP suite names", [](std::string_view n) -> Status {
            const srtp::Suite* su = srtp::find_suite(n);
            if (su == nullptr || su->cipher == srtp::Cipher::null || su->auth == srtp::Auth::null) {
              return fail(Errc::invalid_argument, "'" + std::string(n) + "': expected an SRTP suite that encrypts and "
                                                  "authenticates, such as AES_CM_128_HMAC_SHA1_80 or AEAD_AES_128_GCM");
            }
            return {};
          })) {
        tr.suites = *l;
      }
    } else if (key == "register") {
      if (const auto* b = v.as_boolean()) {
        if (b->get()) {
          error(v.source(), qk + ": registering to the trunk is not supported (expected false); the carrier must send "
                                 "calls to a listener of this server");
        }
      } else {
        error(v.source(), qk + ": expected a boolean, got " + std::string(type_name(v)));
      }
    } else {
      error(k.source(), "unknown key '" + qk + "' (a trunk takes: " + join(kTrunkKeys) + ")");
    }
  }
  if (!has_name) error(t.source(), where + ": missing key 'name'");
  if (!has_uri) error(t.source(), where + ": missing key 'uri'");
  if (!tr.password.empty() && tr.username.empty()) error(t.source(), where + ": 'password' given without 'username'");
  for (const auto& other : out.trunks) {
    if (has_name && other.name == tr.name) {
      error(t.source(), where + ": name '" + tr.name + "' is already used by the trunk at line " +
                            std::to_string(other.line));
    }
  }
  out.trunks.push_back(std::move(tr));
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

}  // namespace

std::string_view to_string(LogFormat f) noexcept { return f == LogFormat::json ? "json" : "text"; }

Result<PortRange> parse_port_range(std::string_view text) {
  const std::string expected = "expected \"LO-HI\" with 1024 <= LO < HI <= 65535, e.g. \"30000-39999\", got \"" +
                               std::string(text) + "\"";
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) return fail(Errc::invalid_argument, expected);
  auto num = [](std::string_view s) -> std::optional<std::uint32_t> {
    if (s.empty() || s.size() > 5) return std::nullopt;
    std::uint32_t v = 0;
    for (char c : s) {
      if (!is_digit(c)) return std::nullopt;
      v = v * 10 + static_cast<std::uint32_t>(c - '0');
    }
    return v;
  };
  const auto lo = num(text.substr(0, dash)), hi = num(text.substr(dash + 1));
  if (!lo || !hi || *lo < 1024 || *hi > 65535 || *lo >= *hi) return fail(Errc::invalid_argument, expected);
  return PortRange{static_cast<std::uint16_t>(*lo), static_cast<std::uint16_t>(*hi)};
}

Result<std::int64_t> parse_retention(std::string_view text) {
  if (text == "forever" || text == "0") return std::int64_t{0};
  const std::string expected = "expected a whole number and a unit, d h m or s (\"90d\", \"12h\"), or \"forever\", got \"" +
                               std::string(text) + "\"";
  if (text.size() < 2 || text.size() > 12) return fail(Errc::invalid_argument, expected);
  std::int64_t unit = 0;
  switch (text.back()) {
    case 'd': unit = 86400; break;
    case 'h': unit = 3600; break;
    case 'm': unit = 60; break;
    case 's': unit = 1; break;
    default: return fail(Errc::invalid_argument, expected);
  }
  std::int64_t n = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (!is_digit(c)) return fail(Errc::invalid_argument, expected);
    n = n * 10 + (c - '0');
  }
  constexpr std::int64_t kMax = 100LL * 366 * 86400;
  if (n == 0 || n > kMax / unit) {
    return fail(Errc::invalid_argument, expected + " (from 1 second to 100 years; \"forever\" for no limit)");
  }
  return n * unit;
}

std::string format_retention(std::int64_t seconds) {
  if (seconds <= 0) return "forever";
  if (seconds % 86400 == 0) return std::to_string(seconds / 86400) + "d";
  if (seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

Result<LogFormat> parse_log_format(std::string_view text) {
  if (text == "text") return LogFormat::text;
  if (text == "json") return LogFormat::json;
  return fail(Errc::invalid_argument, "expected \"text\" or \"json\", got \"" + std::string(text) + "\"");
}

Status check_ip_literal(std::string_view text) {
  const std::string s(text);
  unsigned char buf[16];
  if (::inet_pton(AF_INET, s.c_str(), buf) == 1 || ::inet_pton(AF_INET6, s.c_str(), buf) == 1) return {};
  return fail(Errc::invalid_argument, "expected an IPv4 or IPv6 address, got \"" + s + "\"");
}

Status check_host_port(std::string_view text) {
  const std::string expected = "expected IP:PORT, e.g. \"127.0.0.1:8061\" or \"[::1]:8061\", got \"" + std::string(text) + "\"";
  std::string_view host, port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find("]:");
    if (close == std::string_view::npos) return fail(Errc::invalid_argument, expected);
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    unsigned char buf[16];
    if (::inet_pton(AF_INET6, std::string(host).c_str(), buf) != 1) return fail(Errc::invalid_argument, expected);
  } else {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || text.find(':', colon + 1) != std::string_view::npos) {
      return fail(Errc::invalid_argument, expected);
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    unsigned char buf[4];
    if (::inet_pton(AF_INET, std::string(host).c_str(), buf) != 1) return fail(Errc::invalid_argument, expected);
  }
  std::uint32_t v = 0;
  if (port.empty() || port.size() > 5) return fail(Errc::invalid_argument, expected);
  for (char c : port) {
    if (!is_digit(c)) return fail(Errc::invalid_argument, expected);
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (v == 0 || v > 65535) return fail(Errc::invalid_argument, expected);
  return {};
}

Status check_cert_name(std::string_view text) {
  if (check_ip_literal(text)) return {};
  bool ok = !text.empty() && text.size() <= 253 && text.front() != '.' && text.back() != '.' && text.front() != '-' &&
            text.find("..") == std::string_view::npos;
  for (char c : text) ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' || c == '.');
  if (!ok) {
    return fail(Errc::invalid_argument, "\"" + std::string(text) +
                                            "\" is neither a host name (letters, digits, '-', '.') nor an IP address");
  }
  return {};
}

Status check_domain(std::string_view text) { return check_cert_name(text); }

Result<ServerConfig> parse_config(std::string_view text, std::string_view file_name, const ParseOptions& options) {
  toml::table root;
  try {
    root = toml::parse(text, file_name);
  } catch (const toml::parse_error& e) {
    return fail(Errc::malformed_input, std::string(file_name) + ":" + std::to_string(e.source().begin.line) + ":" +
                                           std::to_string(e.source().begin.column) + ": " + std::string(e.description()));
  }
  ServerConfig out;
  Parser p(file_name, options);
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

namespace {

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string array(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + quoted(v[i]);
  return out + "]";
}

}  // namespace

std::string to_toml(const EffectiveConfig& c) {
  std::string out;
  out += "listen = " + array(c.listen) + "\n";
  out += "domain = " + array(c.domains) + "\n";
  out += "data_dir = " + quoted(c.data_dir) + "\n";
  out += c.realm ? "realm = " + quoted(*c.realm) + "\n" : "# realm: the data directory's (\"sotto\" when it is created)\n";
  if (c.cert) out += "cert = " + quoted(*c.cert) + "\nkey = " + quoted(*c.key) + "\n";
  else out += "# cert, key: the data directory's server certificate (made on first start)\n";
  if (c.ca_file) out += "ca_file = " + quoted(*c.ca_file) + "\n";
  out += "cert_names = " + array(c.cert_names) + "\n";
  out += "media_ip = " + quoted(c.media_ip) + "\n";
  out += "rtp_ports = \"" + std::to_string(c.rtp_ports.lo) + "-" + std::to_string(c.rtp_ports.hi) + "\"\n";
  out += c.http ? "http = " + quoted(*c.http) + "\n" : "# http: off\n";
  out += "log_format = \"" + std::string(to_string(c.log_format)) + "\"\n";
  {
    std::ostringstream secs;  // 60 -> "60", 2.5 -> "2.5"
    secs << c.dead_media_timeout;
    out += "dead_media_timeout = " + secs.str() + "\n";
  }
  out += "\n[records]\nkeep = \"" + format_retention(c.records_keep) + "\"\n";
  for (const auto& t : c.trunks) {
    out += "\n[[trunk]]\nname = " + quoted(t.name) + "\nuri = " + quoted(t.uri) + "\n";
    if (!t.username.empty()) out += "username = " + quoted(t.username) + "\n";
    if (!t.password.empty()) out += "password = \"(set)\"\n";
    out += "srtp = \"" + std::string(negotiation::to_string(t.srtp)) + "\"\n";
    if (!t.prefix.empty()) out += "prefix = " + quoted(t.prefix) + "\n";
    if (!t.sources.empty()) out += "sources = " + array(t.sources) + "\n";
    if (!t.suites.empty()) out += "suites = " + array(t.suites) + "\n";
    if (!t.numbers.empty()) {
      out += "numbers = { ";
      for (std::size_t i = 0; i < t.numbers.size(); ++i) {
        out += (i ? ", " : "") + quoted(t.numbers[i].first) + " = " + quoted(t.numbers[i].second);
      }
      out += " }\n";
    }
  }
  return out;
}

}  // namespace sotto::config
