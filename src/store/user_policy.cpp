#include "store/user_policy.hpp"

#include <algorithm>

#include "crypto/hash.hpp"

namespace sotto::store {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split_csv(std::string_view csv) {
  std::vector<std::string_view> out;
  while (true) {
    const auto comma = csv.find(',');
    out.push_back(trim(csv.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    csv.remove_prefix(comma + 1);
  }
  return out;
}

std::string usable_suite_names() {
  std::string out;
  for (const srtp::Suite& s : srtp::all_suites()) {
    if (s.cipher == srtp::Cipher::null || s.auth == srtp::Auth::null) continue;
    if (!out.empty()) out += ", ";
    out += s.name;
  }
  return out;
}

}  // namespace

Credentials digest_credentials(std::string_view user, std::string_view realm, std::string_view password) {
  std::string a1;
  a1.reserve(user.size() + realm.size() + password.size() + 2);
  a1.append(user).append(":").append(realm).append(":").append(password);
  Credentials c{crypto::hex_digest(crypto::Hash::md5, a1), crypto::hex_digest(crypto::Hash::sha256, a1)};
  std::fill(a1.begin(), a1.end(), '\0');
  return c;
}

Result<negotiation::SrtpMode> parse_srtp_mode(std::string_view text) {
  using negotiation::SrtpMode;
  if (text == "off") return SrtpMode::off;
  if (text == "offer") return SrtpMode::offer;
  if (text == "require") return SrtpMode::require;
  return fail(Errc::invalid_argument, "SRTP mode '" + std::string(text) + "': expected off, offer or require");
}

Result<std::vector<srtp::SuiteId>> parse_suite_list(std::string_view csv) {
  std::vector<srtp::SuiteId> out;
  for (std::string_view name : split_csv(csv)) {
    if (name.empty()) {
      return fail(Errc::invalid_argument, "suite list '" + std::string(csv) +
                                              "': empty entry (expected comma-separated names such as "
                                              "AES_CM_128_HMAC_SHA1_80,AEAD_AES_128_GCM)");
    }
    const srtp::Suite* s = srtp::find_suite(name);
    if (s == nullptr) {
      return fail(Errc::invalid_argument, "suite '" + std::string(name) + "' is not an SRTP suite this engine knows (" +
                                              usable_suite_names() + "; names as RFC 4568/6188/7714 spell them)");
    }
    if (s->cipher == srtp::Cipher::null || s->auth == srtp::Auth::null) {
      return fail(Errc::invalid_argument, "suite '" + std::string(name) + "' does not both encrypt and authenticate " +
                                              "and is never negotiated (choose from " + usable_suite_names() + ")");
    }
    if (std::find(out.begin(), out.end(), s->id) != out.end()) {
      return fail(Errc::invalid_argument, "suite '" + std::string(name) + "' is listed twice");
    }
    out.push_back(s->id);
  }
  return out;
}

Result<TransportSet> parse_transport_list(std::string_view csv) {
  TransportSet set;
  for (std::string_view name : split_csv(csv)) {
    Transport t;
    if (name == "tls") t = Transport::tls;
    else if (name == "tcp") t = Transport::tcp;
    else if (name == "udp") t = Transport::udp;
    else {
      return fail(Errc::invalid_argument, "transport '" + std::string(name) + "' in '" + std::string(csv) +
                                              "': expected a comma-separated subset of tls,tcp,udp");
    }
    if (set.has(t)) return fail(Errc::invalid_argument, "transport '" + std::string(name) + "' is listed twice");
    set.add(t);
  }
  return set;
}

std::string format_suite_list(const std::vector<srtp::SuiteId>& suites) {
  std::string out;
  for (srtp::SuiteId id : suites) {
    if (!out.empty()) out += ',';
    out += srtp::suite(id).name;
  }
  return out;
}

std::vector<std::string> transport_names(TransportSet t) {
  std::vector<std::string> out;
  if (t.has(Transport::tls)) out.emplace_back("tls");
  if (t.has(Transport::tcp)) out.emplace_back("tcp");
  if (t.has(Transport::udp)) out.emplace_back("udp");
  return out;
}

std::string_view transport_label(Transport t) noexcept {
  switch (t) {
    case Transport::tls: return "TLS";
    case Transport::tcp: return "TCP";
    case Transport::udp: return "UDP";
  }
  return "TLS";
}

Result<Transport> parse_transport_label(std::string_view text) {
  for (Transport t : {Transport::tls, Transport::tcp, Transport::udp}) {
    if (text == transport_label(t)) return t;
  }
  return fail(Errc::malformed_input, "transport '" + std::string(text) + "': expected TLS, TCP or UDP");
}

std::string format_transport_list(TransportSet t) {
  std::string out;
  for (const auto& n : transport_names(t)) {
    if (!out.empty()) out += ',';
    out += n;
  }
  return out;
}

Status validate_user_name(std::string_view name) {
  constexpr std::string_view kExpected = "expected 1-64 characters of A-Z a-z 0-9 . _ - + ~";
  if (name.empty() || name.size() > 64) {
    return fail(Errc::invalid_argument, "user name '" + std::string(name) + "': " + std::string(kExpected));
  }
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-' || c == '+' || c == '~';
    if (!ok) return fail(Errc::invalid_argument, "user name '" + std::string(name) + "': " + std::string(kExpected));
  }
  return {};
}

Status validate_realm(std::string_view realm) {
  constexpr std::string_view kExpected = "expected 1-128 printable ASCII characters without '\"' and '\\'";
  if (realm.empty() || realm.size() > 128) {
    return fail(Errc::invalid_argument, "realm '" + std::string(realm) + "': " + std::string(kExpected));
  }
  for (char c : realm) {
    if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
      return fail(Errc::invalid_argument, "realm '" + std::string(realm) + "': " + std::string(kExpected));
    }
  }
  return {};
}

}  // namespace sotto::store
