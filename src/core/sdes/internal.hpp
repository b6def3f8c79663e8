#pragma once
// Helpers shared by the a=crypto parser, serializer, validator and policy conversion (internal).
//
//   detail::iequals("inline", "INLINE");                 // true: ABNF literals ignore case
//   detail::parse_decimal("1048576");                    // 1048576; nullopt on "", "1x", > 2^64-1
//   detail::where(7) + ": ..."                           // "a=crypto tag 7: ..."

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ascii.hpp"
#include "base/result.hpp"
#include "core/sdes/crypto_attribute.hpp"

namespace sotto::sdes::detail {

inline constexpr std::uint32_t kMaxTag = 999'999'999;   // tag = 1*9DIGIT
inline constexpr std::uint8_t kMaxKdr = 24;             // RFC 4568 section 6.3.1
inline constexpr std::uint32_t kMinWsh = 64;            // RFC 4568 section 6.3.6
inline constexpr std::uint8_t kMaxMkiLength = 128;      // RFC 4568 section 9.2 mki-length
inline constexpr std::uint8_t kEngineMaxMkiLength = 4;  // what core/srtp implements

inline bool is_wsp(char c) noexcept { return c == ' ' || c == '\t'; }
inline bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
inline bool is_vchar(char c) noexcept { return c >= 0x21 && c <= 0x7e; }
inline bool is_alpha(char c) noexcept { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool all_digits(std::string_view s) noexcept;         // non-empty and 1*DIGIT
bool is_suite_name(std::string_view s) noexcept;      // 1*(ALPHA / DIGIT / "_")
using sotto::iequals;
bool istarts_with(std::string_view s, std::string_view prefix) noexcept;
// 1*DIGIT without overflow; leading zeros are fine.
std::optional<std::uint64_t> parse_decimal(std::string_view s) noexcept;
std::vector<std::string_view> split(std::string_view s, char sep);
// The suite whose RFC name matches `name` ignoring case (peers differ), else nullptr.
const srtp::Suite* find_suite_nocase(std::string_view name) noexcept;

// A non-key value for an error message: at most 32 bytes, bytes outside VCHAR shown as '?'.
std::string quote(std::string_view s);
// A field that may hold key material when fields are out of place: quoted when at most `max` bytes
// (no inline key is under 38 base64 characters), else described by its length only.
std::string describe(std::string_view s, std::size_t max = 32);
std::string num(std::uint64_t n);
std::string where(std::uint32_t tag);                  // "a=crypto tag 7"
// "inline key", "inline key 2" (of several), "FEC_KEY inline key 1".
std::string key_label(bool fec, std::size_t index, std::size_t count);
std::string lifetime_text(const KeyLifetime& l);       // "2^20" or "1048576"

// True for a session-param that serialize() writes from a SessionParams field, so an extension must
// not look like one ("KDR=...", "UNENCRYPTED_SRTP", ...).
bool is_known_session_param(std::string_view token) noexcept;

// The whole of validate(), reporting failures with `code` (malformed_input when parsing peer input,
// invalid_argument for a model the caller built).
Status check_attribute(const CryptoAttribute& attr, Errc code);

}  // namespace sotto::sdes::detail
