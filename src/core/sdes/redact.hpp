#pragma once
// redact_keys: SIP or SDP text made safe to log, every SDES key replaced by its length.
//
//   log(sdes::redact_keys(sip::serialize(msg)));
//   // "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:<key redacted, 40 base64 chars>|2^20"
//
// The "inline" method name is matched in any case (RFC 4568 key-method tokens are case-insensitive,
// and the a=crypto parser accepts "INLINE:" too).

#include <string>
#include <string_view>

namespace sotto::sdes {

std::string redact_keys(std::string_view text);

}  // namespace sotto::sdes
