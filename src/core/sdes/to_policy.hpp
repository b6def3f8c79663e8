#pragma once
// to_policy: an a=crypto attribute as the SRTP engine's Policy (keys split into master key and salt,
// lifetimes, MKIs, KDR, UNENCRYPTED_*/UNAUTHENTICATED_SRTP, WSH).
//
//   auto attr = parse_crypto_attribute(line);           // the peer's key: our inbound direction
//   if (auto policy = attr ? to_policy(*attr) : Result<srtp::Policy>(Unexpected(attr.error())))
//     rx = srtp::Context::create(srtp::Direction::inbound, *policy);

#include "base/result.hpp"
#include "core/sdes/crypto_attribute.hpp"
#include "core/srtp/policy.hpp"

namespace sotto::sdes {

// Errc::unsupported when the attribute is valid but asks for something the engine cannot honour:
//   - an unknown crypto suite (suite == nullptr), named in the message;
//   - an MKI longer than 4 bytes (RFC 4568 allows up to 128);
//   - FEC_KEY (the engine does no FEC, so separate FEC keys cannot be used); FEC_ORDER alone is
//     accepted and ignored, since with no FEC the order of FEC and SRTP processing does not matter;
//   - an unknown mandatory session parameter (no leading '-'; RFC 4568 section 6.3.7 makes the
//     attribute invalid); optional '-' ones are ignored;
//   - UNENCRYPTED_SRTP or UNAUTHENTICATED_SRTP with an AEAD suite, which always does both.
// WSH (a hint, at least 64) becomes replay_window capped at the engine's maximum of 32768; without
// it the Policy default of 128 stays.
// Errc::invalid_argument when `attr` fails validate() (only possible for a model built by hand).
Result<srtp::Policy> to_policy(const CryptoAttribute& attr);

}  // namespace sotto::sdes
