#include "core/registrar/digest_server.hpp"

#include <cstdio>

#include "base/hex.hpp"
#include "core/auth/digest.hpp"
#include "crypto/constant_time.hpp"
#include "crypto/hash.hpp"
#include "crypto/tls_kdf.hpp"

namespace sotto::registrar {
namespace {

constexpr std::size_t kNonceTimeBytes = 8;
constexpr std::size_t kNonceRandomBytes = 8;
constexpr std::size_t kNonceMacBytes = 16;
constexpr std::size_t kNonceBytes = kNonceTimeBytes + kNonceRandomBytes + kNonceMacBytes;

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

bool equal_ct(std::string_view a, std::string_view b) { return crypto::constant_time_equal(bytes_of(a), bytes_of(b)); }

std::string nc_hex(std::uint32_t nc) {
  char b[9];
  std::snprintf(b, sizeof b, "%08x", nc);
  return b;
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

std::int64_t to_seconds(Timestamp t) noexcept {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

DigestServer::DigestServer(DigestServerConfig config, SecureBytes secret)
    : config_(std::move(config)), secret_(std::move(secret)), counts_(config_.max_tracked_nonces) {
  opaque_ = keyed_hex("opaque", config_.realm, 8);
  // Unknown users are checked against these, so they cost the same hashing as a wrong password.
  dummy_ha1_md5_ = crypto::hex_digest(crypto::Hash::md5, keyed_hex("dummy", config_.realm, 16));
  dummy_ha1_sha256_ = crypto::hex_digest(crypto::Hash::sha256, keyed_hex("dummy", config_.realm, 16));
}

std::string DigestServer::keyed_hex(std::string_view label, std::string_view data, std::size_t bytes) const {
  std::string msg(label);
  msg.push_back('\0');
  msg.append(data);
  SecureBytes mac = crypto::hmac(crypto::Digest::sha256, secret_.span(), bytes_of(msg));
  if (bytes > mac.size()) bytes = mac.size();
  return to_hex(std::span<const std::uint8_t>(mac.data(), bytes));
}

std::string DigestServer::make_nonce(Timestamp now, std::string_view source_ip, RandomSource& rng) const {
  std::uint8_t raw[kNonceBytes] = {};
  const auto t = static_cast<std::uint64_t>(to_seconds(now));
  for (std::size_t i = 0; i < kNonceTimeBytes; ++i) raw[i] = static_cast<std::uint8_t>(t >> (8 * (7 - i)));
  rng.fill(std::span<std::uint8_t>(raw + kNonceTimeBytes, kNonceRandomBytes));
  std::string msg = config_.realm;
  msg.push_back('\0');
  msg.append(reinterpret_cast<const char*>(raw), kNonceTimeBytes + kNonceRandomBytes);
  msg.append(source_ip);
  SecureBytes mac = crypto::hmac(crypto::Digest::sha256, secret_.span(), bytes_of(msg));
  std::copy(mac.data(), mac.data() + kNonceMacBytes, raw + kNonceTimeBytes + kNonceRandomBytes);
  return to_hex(raw);
}

std::optional<std::int64_t> DigestServer::nonce_issued(std::string_view nonce, std::string_view source_ip) const {
  if (nonce.size() != 2 * kNonceBytes) return std::nullopt;
  auto raw = from_hex(nonce);
  if (!raw || raw->size() != kNonceBytes) return std::nullopt;
  std::string msg = config_.realm;
  msg.push_back('\0');
  msg.append(reinterpret_cast<const char*>(raw->data()), kNonceTimeBytes + kNonceRandomBytes);
  msg.append(source_ip);
  SecureBytes mac = crypto::hmac(crypto::Digest::sha256, secret_.span(), bytes_of(msg));
  if (!crypto::constant_time_equal(std::span<const std::uint8_t>(mac.data(), kNonceMacBytes),
                                   std::span<const std::uint8_t>(raw->data() + kNonceTimeBytes + kNonceRandomBytes,
                                                                 kNonceMacBytes))) {
    return std::nullopt;
  }
  std::uint64_t t = 0;
  for (std::size_t i = 0; i < kNonceTimeBytes; ++i) t = t << 8 | (*raw)[i];
  return static_cast<std::int64_t>(t);
}

void DigestServer::add_challenges(Timestamp now, std::string_view source_ip, DigestRole role, bool stale,
                                  RandomSource& rng, sip::SipMessage& response, bool md5_only) const {
  const std::string nonce = make_nonce(now, source_ip, rng);
  const std::string_view name = role == DigestRole::registrar ? "WWW-Authenticate" : "Proxy-Authenticate";
  for (std::string_view alg : {"SHA-256", "MD5"}) {
    if (md5_only && alg != "MD5") continue;
    std::string v = "Digest realm=" + quote(config_.realm) + ", nonce=" + quote(nonce) + ", opaque=" + quote(opaque_) +
                    ", algorithm=" + std::string(alg) + ", qop=\"auth\"";
    if (stale) v += ", stale=true";
    (void)response.add_raw(name, v);  // names and values are fixed text without CR/LF
  }
}

DigestCheck DigestServer::check(Timestamp now, std::string_view source_ip, const sip::SipMessage& request,
                                DigestRole role, const Accounts& accounts) {
  DigestCheck out;
  const sip::HeaderId id = role == DigestRole::registrar ? sip::HeaderId::authorization : sip::HeaderId::proxy_authorization;
  // The first answer for our realm in a form we offered: MD5 or SHA-256 with qop=auth (no RFC 2069 answers:
  // they carry no nonce-count). Some clients answer every challenge (one header per algorithm).
  std::optional<auth::DigestAuthorization> answer;
  for (const sip::Header& h : request.headers()) {
    if (h.id != id) continue;
    auto a = auth::parse_authorization(h.value);
    if (!a || a->realm != config_.realm) continue;
    if (a->algorithm != auth::DigestAlgorithm::sha256 && a->algorithm != auth::DigestAlgorithm::md5) continue;
    if (a->qop != std::optional<std::string>("auth") || !a->nc || !a->cnonce) continue;
    answer = std::move(*a);
    break;
  }
  if (!answer) return out;
  const bool sha256 = answer->algorithm == auth::DigestAlgorithm::sha256;

  out.user = answer->username;
  std::optional<AccountCredentials> account = accounts.find(answer->username);
  const std::string* ha1 = sha256 ? &dummy_ha1_sha256_ : &dummy_ha1_md5_;
  bool usable = false;
  if (account) {
    const std::string& stored = sha256 ? account->ha1_sha256 : account->ha1_md5;
    if (!stored.empty()) {
      ha1 = &stored;
      usable = true;
    }
  }
  // RFC 2617 3.2.2.1 with qop=auth; RFC 7616 3.4.1 for SHA-256.
  const crypto::Hash hash = sha256 ? crypto::Hash::sha256 : crypto::Hash::md5;
  const std::string ha2 = crypto::hex_digest(hash, request.method().name() + ":" + answer->uri);
  const std::string expected = crypto::hex_digest(
      hash, *ha1 + ":" + answer->nonce + ":" + nc_hex(*answer->nc) + ":" + *answer->cnonce + ":auth:" + ha2);
  const bool match = equal_ct(expected, answer->response);
  if (!(match && usable)) {
    out.verdict = DigestVerdict::bad_credentials;
    return out;
  }
  out.account = std::move(account);
  std::optional<std::int64_t> issued = nonce_issued(answer->nonce, source_ip);
  const std::int64_t now_s = to_seconds(now);
  const auto lifetime = std::chrono::duration_cast<std::chrono::seconds>(config_.nonce_lifetime).count();
  if (!issued || *issued < 0 || *issued > now_s || now_s - *issued > lifetime) {
    out.verdict = DigestVerdict::stale;
    return out;
  }
  if (!counts_.accept(answer->nonce, *issued, *answer->nc)) {
    out.verdict = DigestVerdict::stale;
    out.replay = true;
    return out;
  }
  out.verdict = DigestVerdict::ok;
  return out;
}

void DigestServer::expire(Timestamp now) {
  const auto lifetime = std::chrono::duration_cast<std::chrono::seconds>(config_.nonce_lifetime).count();
  counts_.expire(to_seconds(now) - lifetime);
}

}  // namespace sotto::registrar
