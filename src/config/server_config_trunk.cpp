// [[trunk]] sections of the server's configuration (docs/CONFIG.md "[[trunk]]"): parsing and their TOML.
#include "config/server_config_parser.hpp"
#include "core/srtp/suite.hpp"

namespace sotto::config {
namespace {

using detail::is_digit;

constexpr std::string_view kTrunkKeys[] = {"name",    "uri",    "username", "password", "srtp",
                                           "numbers", "prefix", "sources",  "register", "suites"};

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

}  // namespace

namespace detail {

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

std::string trunk_toml(const TrunkConfig& t) {
  std::string out;
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
  return out;
}

}  // namespace detail
}  // namespace sotto::config
