#pragma once
// MediaSecurityPolicy: how a call leg keys its media (SrtpMode), what an offer looks like (OfferProfile),
// which SRTP suites we accept, in preference order, and whether SDES may ride on insecure signalling.
//
//   MediaSecurityPolicy policy;                          // require SRTP, default suites, TLS only
//   policy.mode = SrtpMode::offer;                       // SRTP preferred, plain RTP accepted
//   if (auto st = validate(policy); !st) die(st.error().message());

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "core/sdes/crypto_attribute.hpp"
#include "core/srtp/suite.hpp"

namespace sotto::negotiation {

// Polycom's "Enable/Offer/Require" (SRTPEnable, SRTPOffer, SRTPRequire), named for what they do.
enum class SrtpMode : std::uint8_t {
  off,      // plain RTP/AVP only; an RTP/SAVP offer is refused (488)
  offer,    // SRTP preferred, plain RTP accepted when the peer does not do SRTP
  require,  // SRTP or no call
};

// What an offer in SrtpMode::offer carries. SrtpMode::require always offers RTP/SAVP.
enum class OfferProfile : std::uint8_t {
  savp,             // RTP/SAVP with a=crypto (RFC 4568 section 5): a peer without SRTP must refuse
  avp_with_crypto,  // RTP/AVP with a=crypto, best effort (baresip "mediaenc=srtp"): a peer without
                    // SRTP answers plain RTP/AVP and the call goes on unencrypted
};

std::string_view to_string(SrtpMode m) noexcept;
std::string_view to_string(OfferProfile p) noexcept;

// AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32, AEAD_AES_128_GCM, AEAD_AES_256_GCM,
// AES_256_CM_HMAC_SHA1_80, AES_256_CM_HMAC_SHA1_32: the RFC 4568 mandatory suite first, then what
// baresip and linphone offer (see /work/shared/PEERS.md).
std::vector<srtp::SuiteId> default_suites();

struct MediaSecurityPolicy {
  SrtpMode mode = SrtpMode::require;
  OfferProfile offer_profile = OfferProfile::savp;  // used in SrtpMode::offer only
  // Preference order: our offers list them in this order (tags 1..n); as answerer any of them is
  // accepted, the offerer's order decides (RFC 4568 section 7.1.2).
  std::vector<srtp::SuiteId> suites = default_suites();
  // SDES puts the master keys in the SDP (RFC 4568 section 8.3): over UDP or TCP anyone on the path
  // reads them and SRTP protects nothing. Only TLS signalling carries keys unless this is set.
  bool allow_sdes_over_insecure_transport = false;
  // Written on every key we generate, offers and answers alike ("|2^31", "|1:4"); nullopt = absent.
  std::optional<sdes::KeyLifetime> key_lifetime{};
  std::optional<sdes::Mki> mki{};
  // The smallest key derivation rate accepted from a peer, as the RFC 4568 "KDR=" exponent: new session
  // keys no more often than every 2^min_kdr packets (RFC 3711 section 4.3.1). A small KDR makes every
  // packet of a new epoch, forged ones included, cost a key derivation. Peers built on libsrtp never
  // send KDR at all (no re-derivation), which is always accepted. 0..24; 24 refuses every KDR but 24.
  std::uint8_t min_kdr = 16;
};

// The KDR check of one a=crypto line: nullopt when acceptable, else why not (for a Warning).
std::optional<std::string> kdr_refusal(const MediaSecurityPolicy& policy, const sdes::SessionParams& params);

// Errc::invalid_argument naming the fault: no suites with SRTP enabled, a suite listed twice, a suite
// that does not both encrypt and authenticate (NULL cipher or NULL auth: never negotiated here), an MKI
// or lifetime make_offer would refuse.
Status validate(const MediaSecurityPolicy& policy);

bool allows(const MediaSecurityPolicy& policy, srtp::SuiteId suite) noexcept;

// "AES_CM_128_HMAC_SHA1_80, AEAD_AES_128_GCM": the allowed suites in preference order.
std::string allowed_suites_text(const MediaSecurityPolicy& policy);

}  // namespace sotto::negotiation
