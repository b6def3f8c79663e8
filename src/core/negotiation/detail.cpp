// Internal helpers of the negotiator.
#include "core/negotiation/detail.hpp"

#include "base/ascii.hpp"

#include "core/sdes/offer.hpp"
#include "core/sdes/to_policy.hpp"

namespace sotto::negotiation::detail {
namespace {

constexpr std::string_view kUseTls = "use TLS (sips:/;transport=tls) or --allow-sdes-over-insecure-transport";

}  // namespace

std::optional<RtpProfile> classify_proto(std::string_view proto) noexcept {
  if (iequals(proto, "RTP/AVP")) return RtpProfile{false, false};
  if (iequals(proto, "RTP/SAVP")) return RtpProfile{true, false};
  if (iequals(proto, "RTP/AVPF")) return RtpProfile{false, true};
  if (iequals(proto, "RTP/SAVPF")) return RtpProfile{true, true};
  return std::nullopt;
}

std::string proto_name(RtpProfile p) {
  std::string s = p.secure ? "RTP/SAVP" : "RTP/AVP";
  if (p.feedback) s += 'F';
  return s;
}

std::string where(std::size_t index, std::string_view media) {
  return "m-line " + std::to_string(index) + " (" + std::string(media) + ")";
}

std::string suite_label(std::string_view name) {
  bool plain = !name.empty() && name.size() <= 32;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    plain = plain && ok;
  }
  if (plain) return std::string(name);
  return "<suite name of " + std::to_string(name.size()) + " characters>";
}

bool keys_allowed(const MediaSecurityPolicy& policy, const SignallingContext& signalling) noexcept {
  return signalling.secure || policy.allow_sdes_over_insecure_transport;
}

std::string keys_would_be_cleartext(const SignallingContext& signalling) {
  return "SDES keys would be sent in cleartext over " + signalling.transport + "; " + std::string(kUseTls);
}

std::string keys_arrived_cleartext(const SignallingContext& signalling) {
  return "SDES keys arrived in cleartext over " + signalling.transport +
         ", so SRTP keyed with them would not be private; " + std::string(kUseTls);
}

std::optional<std::string_view> weakening_param(const sdes::SessionParams& p) noexcept {
  if (p.unencrypted_srtp) return "UNENCRYPTED_SRTP";
  if (p.unauthenticated_srtp) return "UNAUTHENTICATED_SRTP";
  if (p.unencrypted_srtcp) return "UNENCRYPTED_SRTCP";
  return std::nullopt;
}

Result<sdes::CryptoAttribute> fresh_key(std::uint32_t tag, srtp::SuiteId suite, const MediaSecurityPolicy& policy) {
  sdes::OfferOptions opts;
  opts.lifetime = policy.key_lifetime;
  opts.mki = policy.mki;
  return sdes::make_offer(tag, suite, opts);
}

void add_crypto(sdp::MediaDescription& m, const sdes::CryptoAttribute& attr) {
  m.attributes.push_back(sdp::Attribute{"crypto", sdes::serialize(attr)});
}

Result<SecureMedia> srtp_media(std::size_t index, const sdes::CryptoAttribute& local,
                               const sdes::CryptoAttribute& remote) {
  auto tx = sdes::to_policy(local);
  if (!tx) return Unexpected(tx.error());
  auto rx = sdes::to_policy(remote);
  if (!rx) return Unexpected(rx.error());
  SecureMedia m;
  m.index = index;
  m.srtp = true;
  m.suite = std::string(remote.suite->name);
  m.tag = remote.tag;
  m.tx = std::move(*tx);
  m.rx = std::move(*rx);
  return m;
}

std::string describe_line(const sdes::CryptoAttribute& a) {
  std::string s = "tag " + std::to_string(a.tag) + " " + suite_label(a.suite_name);
  if (!a.keys.empty()) s += ", key " + std::to_string(a.keys.front().key_salt.size()) + " bytes";
  return s;
}

}  // namespace sotto::negotiation::detail
