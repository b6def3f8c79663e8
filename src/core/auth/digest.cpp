#include "core/auth/digest.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "crypto/constant_time.hpp"
#include "crypto/hash.hpp"

namespace sotto::auth {
namespace {

struct Param {
  std::string name;   // lower case
  std::string value;  // unquoted
  bool quoted;
};

bool ieq(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}

void skip_ws(std::string_view s, std::size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n')) ++i;
}

// "Digest" followed by a comma-separated list of auth-params (quoted-string aware).
Result<std::vector<Param>> parse_params(std::string_view s, std::string_view what) {
  std::size_t i = 0;
  skip_ws(s, i);
  std::size_t scheme_end = i;
  while (scheme_end < s.size() && s[scheme_end] != ' ' && s[scheme_end] != '\t') ++scheme_end;
  std::string_view scheme = s.substr(i, scheme_end - i);
  if (!ieq(scheme, "Digest")) {
    return fail(Errc::unsupported, std::string(what) + ": scheme '" + std::string(scheme) + "' is not Digest");
  }
  i = scheme_end;
  std::vector<Param> out;
  while (true) {
    skip_ws(s, i);
    if (i >= s.size()) break;
    std::size_t n0 = i;
    while (i < s.size() && s[i] != '=' && s[i] != ',' && s[i] != ' ' && s[i] != '\t') ++i;
    std::string name(s.substr(n0, i - n0));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    skip_ws(s, i);
    if (name.empty() || i >= s.size() || s[i] != '=') {
      return fail(Errc::malformed_input, std::string(what) + ": expected name=value near offset " + std::to_string(n0));
    }
    ++i;
    skip_ws(s, i);
    Param p{name, {}, false};
    if (i < s.size() && s[i] == '"') {
      p.quoted = true;
      ++i;
      bool closed = false;
      while (i < s.size()) {
        char c = s[i++];
        if (c == '\\' && i < s.size()) {
          p.value.push_back(s[i++]);
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          p.value.push_back(c);
        }
      }
      if (!closed) return fail(Errc::malformed_input, std::string(what) + ": unterminated quoted value of " + name);
    } else {
      std::size_t v0 = i;
      while (i < s.size() && s[i] != ',' && s[i] != ' ' && s[i] != '\t') ++i;
      p.value = std::string(s.substr(v0, i - v0));
    }
    out.push_back(std::move(p));
    skip_ws(s, i);
    if (i < s.size()) {
      if (s[i] != ',') return fail(Errc::malformed_input, std::string(what) + ": expected ',' after " + name);
      ++i;
    }
  }
  return out;
}

Result<DigestAlgorithm> parse_algorithm(std::string_view v) {
  static constexpr std::pair<std::string_view, DigestAlgorithm> kNames[] = {
      {"MD5", DigestAlgorithm::md5},           {"MD5-sess", DigestAlgorithm::md5_sess},
      {"SHA-256", DigestAlgorithm::sha256},    {"SHA-256-sess", DigestAlgorithm::sha256_sess},
      {"SHA-512-256", DigestAlgorithm::sha512_256}, {"SHA-512-256-sess", DigestAlgorithm::sha512_256_sess}};
  for (auto& [n, a] : kNames) {
    if (ieq(n, v)) return a;
  }
  return fail(Errc::unsupported, "digest algorithm '" + std::string(v) + "' is not supported");
}

crypto::Hash hash_of(DigestAlgorithm a) {
  switch (a) {
    case DigestAlgorithm::md5:
    case DigestAlgorithm::md5_sess: return crypto::Hash::md5;
    case DigestAlgorithm::sha256:
    case DigestAlgorithm::sha256_sess: return crypto::Hash::sha256;
    default: return crypto::Hash::sha512_256;
  }
}

bool is_sess(DigestAlgorithm a) {
  return a == DigestAlgorithm::md5_sess || a == DigestAlgorithm::sha256_sess || a == DigestAlgorithm::sha512_256_sess;
}

std::string nc_hex(std::uint32_t nc) {
  char b[9];
  std::snprintf(b, sizeof b, "%08x", nc);
  return b;
}

// RFC 2617 section 3.2.2 (and RFC 8760 for the hash).
std::string compute_response(const DigestAuthorization& a, std::string_view password, std::string_view method,
                             std::string_view body) {
  const crypto::Hash h = hash_of(a.algorithm);
  std::string ha1 = crypto::hex_digest(h, a.username + ":" + a.realm + ":" + std::string(password));
  if (is_sess(a.algorithm)) ha1 = crypto::hex_digest(h, ha1 + ":" + a.nonce + ":" + a.cnonce.value_or(""));
  std::string a2 = std::string(method) + ":" + a.uri;
  if (a.qop && *a.qop == "auth-int") a2 += ":" + crypto::hex_digest(h, body);
  const std::string ha2 = crypto::hex_digest(h, a2);
  if (!a.qop) return crypto::hex_digest(h, ha1 + ":" + a.nonce + ":" + ha2);
  return crypto::hex_digest(h, ha1 + ":" + a.nonce + ":" + nc_hex(a.nc.value_or(1)) + ":" + a.cnonce.value_or("") +
                                   ":" + *a.qop + ":" + ha2);
}

std::string quote(std::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::string_view to_string(DigestAlgorithm a) noexcept {
  switch (a) {
    case DigestAlgorithm::md5: return "MD5";
    case DigestAlgorithm::md5_sess: return "MD5-sess";
    case DigestAlgorithm::sha256: return "SHA-256";
    case DigestAlgorithm::sha256_sess: return "SHA-256-sess";
    case DigestAlgorithm::sha512_256: return "SHA-512-256";
    case DigestAlgorithm::sha512_256_sess: return "SHA-512-256-sess";
  }
  return "MD5";
}

Result<DigestChallenge> parse_challenge(std::string_view v) {
  auto params = parse_params(v, "WWW-Authenticate");
  if (!params) return Unexpected(params.error());
  DigestChallenge c;
  bool have_realm = false, have_nonce = false;
  for (const Param& p : *params) {
    if (p.name == "realm") c.realm = p.value, have_realm = true;
    else if (p.name == "nonce") c.nonce = p.value, have_nonce = true;
    else if (p.name == "opaque") c.opaque = p.value;
    else if (p.name == "domain") c.domain = p.value;
    else if (p.name == "stale") c.stale = ieq(p.value, "true");
    else if (p.name == "algorithm") {
      auto a = parse_algorithm(p.value);
      if (!a) return Unexpected(a.error());
      c.algorithm = *a;
    } else if (p.name == "qop") {
      std::string_view q = p.value;
      while (!q.empty()) {
        auto comma = q.find(',');
        std::string_view one = q.substr(0, comma);
        while (!one.empty() && one.front() == ' ') one.remove_prefix(1);
        while (!one.empty() && one.back() == ' ') one.remove_suffix(1);
        if (!one.empty()) c.qop.emplace_back(one);
        if (comma == std::string_view::npos) break;
        q.remove_prefix(comma + 1);
      }
    }
  }
  if (!have_realm) return fail(Errc::malformed_input, "WWW-Authenticate: Digest challenge without realm");
  if (!have_nonce) return fail(Errc::malformed_input, "WWW-Authenticate: Digest challenge without nonce");
  return c;
}

const DigestChallenge* choose_challenge(const std::vector<DigestChallenge>& offered) noexcept {
  auto rank = [](DigestAlgorithm a) {
    switch (a) {
      case DigestAlgorithm::sha512_256:
      case DigestAlgorithm::sha512_256_sess: return 3;
      case DigestAlgorithm::sha256:
      case DigestAlgorithm::sha256_sess: return 2;
      default: return 1;
    }
  };
  const DigestChallenge* best = nullptr;
  for (const auto& c : offered) {
    if (!best || rank(c.algorithm) > rank(best->algorithm)) best = &c;
  }
  return best;
}

Result<DigestAuthorization> answer_challenge(const DigestChallenge& ch, const DigestCredentials& cred,
                                             std::string_view method, std::string_view uri, std::uint32_t nc,
                                             std::string_view cnonce, std::string_view body) {
  if (cred.username.empty()) return fail(Errc::invalid_argument, "digest: no username configured");
  DigestAuthorization a;
  a.username = cred.username;
  a.realm = ch.realm;
  a.nonce = ch.nonce;
  a.uri = std::string(uri);
  a.algorithm = ch.algorithm;
  a.opaque = ch.opaque;
  const bool auth = std::find(ch.qop.begin(), ch.qop.end(), "auth") != ch.qop.end();
  const bool auth_int = std::find(ch.qop.begin(), ch.qop.end(), "auth-int") != ch.qop.end();
  if (auth || auth_int) {
    a.qop = auth ? "auth" : "auth-int";
    a.nc = nc;
    a.cnonce = std::string(cnonce);
  } else if (!ch.qop.empty()) {
    return fail(Errc::unsupported, "digest: server offers only qop=" + ch.qop.front());
  } else if (is_sess(ch.algorithm)) {
    a.cnonce = std::string(cnonce);
  }
  a.response = compute_response(a, cred.password, method, body);
  return a;
}

std::string serialize(const DigestAuthorization& a) {
  std::string out = "Digest username=" + quote(a.username) + ", realm=" + quote(a.realm) +
                    ", nonce=" + quote(a.nonce) + ", uri=" + quote(a.uri) + ", response=" + quote(a.response) +
                    ", algorithm=" + std::string(to_string(a.algorithm));
  if (a.cnonce) out += ", cnonce=" + quote(*a.cnonce);
  if (a.opaque) out += ", opaque=" + quote(*a.opaque);
  if (a.qop) out += ", qop=" + *a.qop + ", nc=" + nc_hex(a.nc.value_or(1));
  return out;
}

Result<DigestAuthorization> parse_authorization(std::string_view v) {
  auto params = parse_params(v, "Authorization");
  if (!params) return Unexpected(params.error());
  DigestAuthorization a;
  for (const Param& p : *params) {
    if (p.name == "username") a.username = p.value;
    else if (p.name == "realm") a.realm = p.value;
    else if (p.name == "nonce") a.nonce = p.value;
    else if (p.name == "uri") a.uri = p.value;
    else if (p.name == "response") a.response = p.value;
    else if (p.name == "opaque") a.opaque = p.value;
    else if (p.name == "qop") a.qop = p.value;
    else if (p.name == "cnonce") a.cnonce = p.value;
    else if (p.name == "nc") {
      if (p.value.size() != 8 || !std::all_of(p.value.begin(), p.value.end(), [](unsigned char c) { return std::isxdigit(c); })) {
        return fail(Errc::malformed_input, "Authorization: nc must be 8 hex digits, got '" + p.value + "'");
      }
      a.nc = static_cast<std::uint32_t>(std::stoul(p.value, nullptr, 16));
    } else if (p.name == "algorithm") {
      auto alg = parse_algorithm(p.value);
      if (!alg) return Unexpected(alg.error());
      a.algorithm = *alg;
    }
  }
  for (auto [field, name] : {std::pair{&a.username, "username"}, {&a.realm, "realm"}, {&a.nonce, "nonce"},
                             {&a.uri, "uri"}, {&a.response, "response"}}) {
    if (field->empty()) return fail(Errc::malformed_input, std::string("Authorization: missing ") + name);
  }
  if (a.qop && (!a.cnonce || !a.nc)) return fail(Errc::malformed_input, "Authorization: qop without cnonce/nc");
  return a;
}

bool verify(const DigestAuthorization& a, std::string_view password, std::string_view method, std::string_view body) {
  const std::string expected = compute_response(a, password, method, body);
  const auto* e = reinterpret_cast<const std::uint8_t*>(expected.data());
  const auto* g = reinterpret_cast<const std::uint8_t*>(a.response.data());
  return crypto::constant_time_equal(std::span(e, expected.size()), std::span(g, a.response.size()));
}

}  // namespace sotto::auth
