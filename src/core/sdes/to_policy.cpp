// to_policy: CryptoAttribute -> srtp::Policy (RFC 4568 section 6 parameters onto RFC 3711 ones).
#include "core/sdes/to_policy.hpp"

#include <algorithm>

#include "core/sdes/internal.hpp"

namespace sotto::sdes {
namespace {

using detail::num;
using detail::where;

constexpr std::uint32_t kEngineMaxReplayWindow = 32768;

// mki-value as a big-endian integer in mki-length bytes (RFC 4568 section 6.1).
std::vector<std::uint8_t> mki_bytes(const Mki& m) {
  std::vector<std::uint8_t> out(m.length);
  std::uint64_t v = m.value;
  for (std::size_t i = out.size(); i-- > 0 && v != 0;) {
    out[i] = static_cast<std::uint8_t>(v);
    v >>= 8;
  }
  return out;
}

Status check_supported(const CryptoAttribute& attr) {
  if (attr.suite == nullptr) {
    return fail(Errc::unsupported, where(attr.tag) + ": crypto suite " + detail::describe(attr.suite_name) + " is not supported");
  }
  const std::string suite_name(attr.suite->name);
  for (std::size_t i = 0; i < attr.keys.size(); ++i) {
    const auto& mki = attr.keys[i].mki;
    if (mki && mki->length > detail::kEngineMaxMkiLength) {
      return fail(Errc::unsupported, where(attr.tag) + ": " + detail::key_label(false, i, attr.keys.size()) +
                                         " has MKI length " + num(mki->length) +
                                         " bytes; the SRTP engine supports MKIs of 1 to 4 bytes (RFC 4568 allows up to 128)");
    }
  }
  const SessionParams& p = attr.params;
  if (!p.fec_keys.empty()) {
    return fail(Errc::unsupported, where(attr.tag) + ": FEC_KEY is not supported; this SRTP engine does no FEC (RFC 4568 section 6.3.5)");
  }
  for (const std::string& e : p.extensions) {
    if (e.front() != '-') {
      return fail(Errc::unsupported, where(attr.tag) + ": session parameter " + detail::describe(e) +
                                         " is unknown; without a leading '-' it is mandatory, so the attribute cannot be used (RFC 4568 section 6.3.7)");
    }
  }
  if (attr.suite->auth == srtp::Auth::aead && (p.unencrypted_srtp || p.unauthenticated_srtp)) {
    return fail(Errc::unsupported, where(attr.tag) + ": " +
                                       (p.unencrypted_srtp ? "UNENCRYPTED_SRTP" : "UNAUTHENTICATED_SRTP") +
                                       " cannot be honoured with " + suite_name + ", which always encrypts and authenticates SRTP (RFC 7714)");
  }
  return {};
}

}  // namespace

Result<srtp::Policy> to_policy(const CryptoAttribute& attr) {
  if (auto st = detail::check_attribute(attr, Errc::invalid_argument); !st) return Unexpected(st.error());
  if (auto st = check_supported(attr); !st) return Unexpected(st.error());

  const srtp::Suite& s = *attr.suite;
  srtp::Policy policy;
  policy.suite = s.id;
  for (const KeyParam& k : attr.keys) {
    srtp::MasterKey mk;
    const auto bytes = k.key_salt.span();
    mk.key = SecureBytes(bytes.first(s.master_key_len));
    mk.salt = SecureBytes(bytes.subspan(s.master_key_len, s.master_salt_len));
    if (k.mki) mk.mki = mki_bytes(*k.mki);
    if (k.lifetime) mk.lifetime = k.lifetime->packets;
    policy.keys.push_back(std::move(mk));
  }
  const SessionParams& p = attr.params;
  policy.kdr_exponent = p.kdr;  // KDR=n means a rate of 2^n packets (RFC 4568 section 6.3.1)
  policy.encrypt_rtp = !p.unencrypted_srtp;
  policy.encrypt_rtcp = !p.unencrypted_srtcp;
  policy.authenticate_rtp = !p.unauthenticated_srtp;
  if (p.wsh) policy.replay_window = std::min(*p.wsh, kEngineMaxReplayWindow);
  return policy;
}

}  // namespace sotto::sdes
