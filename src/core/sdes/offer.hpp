#pragma once
// make_offer: a fresh a=crypto attribute for our sending direction, with a new random master key and
// salt (RFC 4568 section 7.1.1).
//
//   OfferOptions opts; opts.mki = Mki{1, 4};
//   auto offer = make_offer(1, srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, opts);
//   sdp_line = "a=crypto:" + serialize(*offer);   // keep *offer: to_policy(*offer) is our outbound key

#include <cstdint>
#include <optional>

#include "base/result.hpp"
#include "core/sdes/crypto_attribute.hpp"
#include "core/srtp/suite.hpp"

namespace sotto::sdes {

struct OfferOptions {
  std::optional<KeyLifetime> lifetime;  // "|2^31"; nullopt = none written (the suite maximum applies)
  std::optional<Mki> mki;               // "|1:4"; length 1..4 (what the engine supports)
  SessionParams params;                 // KDR, UNENCRYPTED_*, WSH, '-' extensions; no FEC_KEY
};

// Errc::invalid_argument for a tag above 999999999, a lifetime of 0 or above the suite maximum, an
// MKI value that does not fit its length, KDR above 24, WSH below 64; Errc::unsupported for anything
// to_policy would refuse (MKI over 4 bytes, FEC_KEY, mandatory extensions, UNENCRYPTED_SRTP with AEAD),
// so we never offer what we cannot honour.
Result<CryptoAttribute> make_offer(std::uint32_t tag, srtp::SuiteId suite, const OfferOptions& options = {});

}  // namespace sotto::sdes
