// MediaSecurityPolicy: defaults and validation.
#include "core/negotiation/media_security_policy.hpp"

#include <algorithm>
#include <string>

#include "core/sdes/offer.hpp"

namespace sotto::negotiation {

std::string_view to_string(SrtpMode m) noexcept {
  switch (m) {
    case SrtpMode::off: return "off";
    case SrtpMode::offer: return "offer";
    case SrtpMode::require: return "require";
  }
  return "?";
}

std::string_view to_string(OfferProfile p) noexcept {
  switch (p) {
    case OfferProfile::savp: return "savp";
    case OfferProfile::avp_with_crypto: return "avp_with_crypto";
  }
  return "?";
}

std::vector<srtp::SuiteId> default_suites() {
  using srtp::SuiteId;
  return {SuiteId::AES_CM_128_HMAC_SHA1_80, SuiteId::AES_CM_128_HMAC_SHA1_32, SuiteId::AEAD_AES_128_GCM,
          SuiteId::AEAD_AES_256_GCM,        SuiteId::AES_256_CM_HMAC_SHA1_80, SuiteId::AES_256_CM_HMAC_SHA1_32};
}

bool allows(const MediaSecurityPolicy& policy, srtp::SuiteId suite) noexcept {
  return std::find(policy.suites.begin(), policy.suites.end(), suite) != policy.suites.end();
}

std::string allowed_suites_text(const MediaSecurityPolicy& policy) {
  std::string out;
  for (srtp::SuiteId id : policy.suites) {
    if (!out.empty()) out += ", ";
    out += srtp::suite(id).name;
  }
  return out.empty() ? std::string("none") : out;
}

std::optional<std::string> kdr_refusal(const MediaSecurityPolicy& policy, const sdes::SessionParams& params) {
  if (!params.kdr || *params.kdr >= policy.min_kdr) return std::nullopt;
  return "KDR=" + std::to_string(*params.kdr) + " refused: new session keys every 2^" + std::to_string(*params.kdr) +
         " packets, more often than the 2^" + std::to_string(policy.min_kdr) + " allowed (--srtp-min-kdr)";
}

Status validate(const MediaSecurityPolicy& policy) {
  if (policy.min_kdr > 24) {
    return fail(Errc::invalid_argument, "media security policy: minimum KDR " + std::to_string(policy.min_kdr) +
                                            " out of range 0..24 (RFC 4568 section 6.3.1)");
  }
  if (policy.mode != SrtpMode::off && policy.suites.empty()) {
    return fail(Errc::invalid_argument, "media security policy: SRTP mode " + std::string(to_string(policy.mode)) +
                                            " with no crypto suites allowed");
  }
  for (std::size_t i = 0; i < policy.suites.size(); ++i) {
    const srtp::Suite& s = srtp::suite(policy.suites[i]);
    if (std::find(policy.suites.begin(), policy.suites.begin() + static_cast<std::ptrdiff_t>(i), s.id) !=
        policy.suites.begin() + static_cast<std::ptrdiff_t>(i)) {
      return fail(Errc::invalid_argument, "media security policy: suite " + std::string(s.name) + " listed twice");
    }
    if (s.cipher == srtp::Cipher::null || s.auth == srtp::Auth::null) {
      return fail(Errc::invalid_argument, "media security policy: suite " + std::string(s.name) + " does not " +
                                              (s.cipher == srtp::Cipher::null ? "encrypt" : "authenticate") +
                                              " SRTP and is never negotiated");
    }
    // What make_offer refuses (MKI length or value, lifetime above the suite maximum), found now
    // rather than in the middle of a call.
    sdes::OfferOptions opts;
    opts.lifetime = policy.key_lifetime;
    opts.mki = policy.mki;
    if (auto probe = sdes::make_offer(1, s.id, opts); !probe) {
      return fail(Errc::invalid_argument, "media security policy: " + probe.error().context);
    }
  }
  return {};
}

}  // namespace sotto::negotiation
