#pragma once
// SIP digest authentication (RFC 3261 22.4, RFC 2617, RFC 8760 SHA-256 / SHA-512-256): parse a
// challenge, answer it as a client, and check an answer as a server.
//
//   auto ch = parse_challenge(resp.find("WWW-Authenticate")->value).value();
//   auto auth = answer_challenge(ch, {"alice", "secret"}, "REGISTER", "sips:example.com", 1, cnonce).value();
//   req.add_raw("Authorization", serialize(auth));

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace sotto::auth {

enum class DigestAlgorithm : std::uint8_t { md5, md5_sess, sha256, sha256_sess, sha512_256, sha512_256_sess };
std::string_view to_string(DigestAlgorithm a) noexcept;

// challenge = "Digest" LWS digest-cln *(COMMA digest-cln)   (RFC 3261 25.1)
struct DigestChallenge {
  std::string realm;
  std::string nonce;
  std::optional<std::string> opaque;
  std::optional<std::string> domain;
  DigestAlgorithm algorithm = DigestAlgorithm::md5;   // absent = MD5
  std::vector<std::string> qop;                       // qop-options, e.g. {"auth", "auth-int"}
  bool stale = false;
  friend bool operator==(const DigestChallenge&, const DigestChallenge&) = default;
};

// Errc::unsupported for a non-Digest scheme or unknown algorithm; malformed_input names the field.
Result<DigestChallenge> parse_challenge(std::string_view header_value);

// RFC 8760 section 2.4: among several challenges for one realm, the strongest algorithm we support.
const DigestChallenge* choose_challenge(const std::vector<DigestChallenge>& offered) noexcept;

struct DigestCredentials {
  std::string username;
  std::string password;
};

// credentials = "Digest" LWS digest-response *(COMMA digest-response)
struct DigestAuthorization {
  std::string username;
  std::string realm;
  std::string nonce;
  std::string uri;
  std::string response;
  DigestAlgorithm algorithm = DigestAlgorithm::md5;
  std::optional<std::string> opaque;
  std::optional<std::string> qop;      // "auth" or "auth-int"
  std::optional<std::string> cnonce;
  std::optional<std::uint32_t> nc;     // nonce-count, written as 8 hex digits
  friend bool operator==(const DigestAuthorization&, const DigestAuthorization&) = default;
};

// qop: "auth" if offered, else "auth-int" if offered (hashing `body`), else the RFC 2069 form.
Result<DigestAuthorization> answer_challenge(const DigestChallenge& ch, const DigestCredentials& cred,
                                             std::string_view method, std::string_view uri, std::uint32_t nc,
                                             std::string_view cnonce, std::string_view body = {});
std::string serialize(const DigestAuthorization& a);
Result<DigestAuthorization> parse_authorization(std::string_view header_value);

// Server side: recomputes the response from the user's password (constant-time compare).
bool verify(const DigestAuthorization& a, std::string_view password, std::string_view method,
            std::string_view body = {});

}  // namespace sotto::auth
