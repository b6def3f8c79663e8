#pragma once
// Helpers shared by the offerer and answerer (internal): RTP profile classification, fresh keys, the
// user-facing texts about insecure signalling, and key-free descriptions of a=crypto lines.
//
//   auto p = detail::classify_proto("RTP/SAVPF");          // {secure = true, feedback = true}
//   detail::proto_name({false, true});                      // "RTP/AVPF"
//   detail::where(0, "audio");                              // "m-line 0 (audio)"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "core/negotiation/media_security_policy.hpp"
#include "core/negotiation/secure_media.hpp"
#include "core/negotiation/signalling_context.hpp"
#include "core/sdes/crypto_attribute.hpp"
#include "core/sdp/media_description.hpp"

namespace sotto::negotiation::detail {

// The four SDES-capable RTP profiles: RTP/AVP (RFC 3551), RTP/SAVP (RFC 3711), RTP/AVPF (RFC 4585),
// RTP/SAVPF (RFC 5124). Anything else (UDP/TLS/RTP/SAVP for DTLS-SRTP, TCP/MSRP, ...) is nullopt.
struct RtpProfile {
  bool secure = false;
  bool feedback = false;
};
std::optional<RtpProfile> classify_proto(std::string_view proto) noexcept;
std::string proto_name(RtpProfile p);

std::string where(std::size_t index, std::string_view media);  // "m-line 0 (audio)"

// A peer-supplied suite name fit for a message: as written when 1..32 suite characters, else its length.
std::string suite_label(std::string_view name);

// Whether keys may travel on this signalling hop.
bool keys_allowed(const MediaSecurityPolicy& policy, const SignallingContext& signalling) noexcept;

// "SDES keys would be sent in cleartext over UDP; use TLS (sips:/;transport=tls) or
// --allow-sdes-over-insecure-transport"
std::string keys_would_be_cleartext(const SignallingContext& signalling);
// "SDES keys arrived in cleartext over UDP, so SRTP keyed by them would not be secret; use TLS ..."
std::string keys_arrived_cleartext(const SignallingContext& signalling);

// The session parameter that would weaken SRTP (UNENCRYPTED_SRTP, UNENCRYPTED_SRTCP,
// UNAUTHENTICATED_SRTP), or nullopt. Never negotiated here: they turn SRTP into plain RTP.
std::optional<std::string_view> weakening_param(const sdes::SessionParams& p) noexcept;

// A fresh key for `suite` under `tag`, with the policy's lifetime and MKI.
Result<sdes::CryptoAttribute> fresh_key(std::uint32_t tag, srtp::SuiteId suite, const MediaSecurityPolicy& policy);

// Appends a=crypto:<serialize(attr)>.
void add_crypto(sdp::MediaDescription& m, const sdes::CryptoAttribute& attr);

// SecureMedia for an SRTP stream from the two a=crypto lines; Errc as to_policy says.
Result<SecureMedia> srtp_media(std::size_t index, const sdes::CryptoAttribute& local, const sdes::CryptoAttribute& remote);

// "tag 1 AES_CM_128_HMAC_SHA1_80, key 30 bytes" - never the key.
std::string describe_line(const sdes::CryptoAttribute& a);

}  // namespace sotto::negotiation::detail
