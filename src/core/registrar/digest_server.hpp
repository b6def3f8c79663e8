#pragma once
// DigestServer: the server side of SIP digest authentication (RFC 3261 22, RFC 7616, RFC 8760): challenges
// with SHA-256 and MD5 (in that order, qop=auth, opaque), stateless nonces, nonce expiry (stale=true),
// nonce-count replay protection, and verification against stored HA1s.
//
//   DigestServer ds({.realm = "sotto"}, secret);
//   DigestCheck c = ds.check(now, "127.0.0.1", request, DigestRole::registrar, accounts);
//   if (c.verdict != DigestVerdict::ok) ds.add_challenges(now, "127.0.0.1", DigestRole::registrar, c.verdict == DigestVerdict::stale, rng, response);
//
// A nonce is hex(issued seconds, 8 bytes | random, 8 bytes | HMAC-SHA-256(secret, realm, issued, random,
// source IP) truncated to 16 bytes): any server holding the secret can check it without state, and it is
// only valid from the address it was issued to. The nc memory is the only state (NonceCounts, bounded).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/random_source.hpp"
#include "base/secure_bytes.hpp"
#include "base/time.hpp"
#include "core/registrar/accounts.hpp"
#include "core/registrar/nonce_counts.hpp"
#include "core/sip/sip_message.hpp"

namespace sotto::registrar {

// Registrar: 401 + WWW-Authenticate / Authorization. Proxy (every other request): 407 + Proxy-Authenticate
// / Proxy-Authorization (RFC 3261 22.2, 22.3).
enum class DigestRole : std::uint8_t { registrar, proxy };

enum class DigestVerdict : std::uint8_t {
  missing,          // no usable credentials for our realm (none, malformed, unsupported algorithm or qop)
  ok,               // correct response, fresh nonce, nc above every earlier one
  bad_credentials,  // wrong response, unknown user, or no HA1 for the algorithm: a failed attempt
  stale,            // correct response, but the nonce expired, was not ours, or the nc was replayed
};

struct DigestCheck {
  DigestVerdict verdict = DigestVerdict::missing;
  std::string user;                          // username of the answer (also when wrong)
  std::optional<AccountCredentials> account; // set with ok (and stale)
  bool replay = false;                       // stale because of the nonce-count
};

struct DigestServerConfig {
  std::string realm = "sotto";
  Duration nonce_lifetime = std::chrono::seconds(300);
  std::size_t max_tracked_nonces = 65536;
};

class DigestServer {
 public:
  // `secret`: at least 16 bytes; keyed into every nonce, opaque value and To tag.
  DigestServer(DigestServerConfig config, SecureBytes secret);

  // Appends two challenges (SHA-256, then MD5) sharing one fresh nonce to `response`; only the MD5 one with
  // `md5_only` (for clients that give up on any algorithm they do not know, RegistrarConfig::md5_only_user_agents).
  void add_challenges(Timestamp now, std::string_view source_ip, DigestRole role, bool stale, RandomSource& rng,
                      sip::SipMessage& response, bool md5_only = false) const;

  // Checks the request's Authorization (registrar) or Proxy-Authorization (proxy) for our realm. Does the
  // same hashing for an unknown user as for a known one (a dummy HA1).
  DigestCheck check(Timestamp now, std::string_view source_ip, const sip::SipMessage& request, DigestRole role,
                    const Accounts& accounts);

  // Drops nonce-count records of expired nonces.
  void expire(Timestamp now);

  const std::string& realm() const noexcept { return config_.realm; }
  const std::string& opaque() const noexcept { return opaque_; }
  // A keyed hash of `data`, hex, `bytes` long (To tags, temporary GRUU tokens).
  std::string keyed_hex(std::string_view label, std::string_view data, std::size_t bytes) const;
  std::size_t tracked_nonces() const noexcept { return counts_.size(); }

 private:
  std::string make_nonce(Timestamp now, std::string_view source_ip, RandomSource& rng) const;
  // Issue time (seconds) of a nonce we made for `source_ip`, or nullopt.
  std::optional<std::int64_t> nonce_issued(std::string_view nonce, std::string_view source_ip) const;

  DigestServerConfig config_;
  SecureBytes secret_;
  std::string opaque_;
  std::string dummy_ha1_md5_;
  std::string dummy_ha1_sha256_;
  NonceCounts counts_;
};

// Seconds of a Timestamp since the steady clock's epoch (what nonces carry).
std::int64_t to_seconds(Timestamp t) noexcept;

}  // namespace sotto::registrar
