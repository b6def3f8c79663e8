#pragma once
// pick_offered_crypto: the answerer's choice among the offered a=crypto lines of one m-line: the first,
// in offer order, that parses, names a suite our policy allows, asks for nothing that weakens SRTP and
// converts to an SRTP Policy (RFC 4568 section 7.1.2). Skipped lines are recorded with the reason.
//
//   CryptoPick p = pick_offered_crypto(m.crypto_values(), policy);
//   if (p.chosen) answer_with(p.chosen->tag, p.chosen->suite->id);
//   else reject(p.failure);   // "no common SRTP crypto suite: offered ...; allowed ..."

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/negotiation/media_security_policy.hpp"
#include "core/sdes/crypto_attribute.hpp"

namespace sotto::negotiation {

struct CryptoPick {
  std::optional<sdes::CryptoAttribute> chosen{};  // the peer's line we accept (their key)
  // Why nothing was chosen, for the Warning; empty when chosen. Either
  //   "no common SRTP crypto suite: offered A, B; allowed C, D"   (every line failed on its suite)
  //   "no usable SRTP crypto line: <why line 1>; <why line 2>; allowed C, D"
  std::string failure{};
  std::vector<std::string> skipped{};  // one reason per skipped line, in offer order
};

CryptoPick pick_offered_crypto(const std::vector<std::string_view>& values, const MediaSecurityPolicy& policy);

}  // namespace sotto::negotiation
