#pragma once
// DigestClient: answers 401/407 challenges for the requests a UserAgent sends (RFC 3261 22.2, 22.3):
// once per challenge, again only when the server says the nonce was stale, with nc counted per nonce.
//
//   AuthAttempt attempt;                                    // one per request chain (CSeq n, n+1, ...)
//   auto h = digest.authorize(request, response_401, attempt);   // Authorization / Proxy-Authorization
//   if (!h) fail(h.error().context);   // "authentication rejected (check --password)"

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "base/random_source.hpp"
#include "base/result.hpp"
#include "core/auth/digest.hpp"
#include "core/sip/header.hpp"
#include "core/sip/sip_message.hpp"

namespace sotto::ua {

// How often one request chain has been authenticated so far.
struct AuthAttempt {
  int answered = 0;  // challenges answered that were not stale
  int stale = 0;     // stale=true retries (bounded)
};

class DigestClient {
 public:
  // `rng` makes the cnonces (RFC 2617 3.2.2); it must outlive the client.
  DigestClient(std::optional<auth::DigestCredentials> credentials, RandomSource& rng);

  // The header to add to the retried `request` for the 401/407 `response`. Errors:
  //  - no Digest challenge we can answer (Errc::unsupported), no credentials configured;
  //  - a challenge again after we answered one that was not stale: the password is wrong (RFC 3261
  //    22.2 says not to retry the same credentials): "authentication rejected (check --password)".
  Result<sip::Header> authorize(const sip::SipMessage& request, const sip::SipMessage& response,
                                AuthAttempt& attempt);

  // nonce-count sent last for `nonce` (0 = never used), for tests.
  std::uint32_t nonce_countForTest(const std::string& nonce) const;

 private:
  std::optional<auth::DigestCredentials> credentials_;
  RandomSource* rng_;
  std::map<std::string, std::uint32_t> nonce_counts_;  // RFC 2617 3.2.2: nc grows per nonce
};

}  // namespace sotto::ua
