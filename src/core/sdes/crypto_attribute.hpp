#pragma once
// CryptoAttribute: one RFC 4568 SDES "a=crypto" line for SRTP, fully modelled, with its parser and
// canonical serializer.
//
//   auto a = parse_crypto_attribute("1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4");
//   if (a && a->suite) use(*a);      // a->suite == nullptr: unknown suite, skip this line, try the next
//   std::string value = serialize(*a);   // "1 AES_CM_128_HMAC_SHA1_80 inline:...|2^20|1:4" (no "a=crypto:")

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "base/secure_bytes.hpp"
#include "core/srtp/suite.hpp"

namespace sotto::sdes {

// lifetime = ["2^"] 1*(DIGIT)      (RFC 4568 section 6.1). The form is kept so "2^20" and "1048576"
// each serialize the way they were written.
enum class LifetimeForm : std::uint8_t { power_of_two, decimal };

struct KeyLifetime {
  std::uint64_t packets = 0;   // > 0; a power of two when form == power_of_two
  LifetimeForm form = LifetimeForm::power_of_two;

  friend bool operator==(const KeyLifetime&, const KeyLifetime&) = default;
};

// mki = mki-value ":" mki-length  (RFC 4568 section 6.1). On the wire the MKI is `value` as a
// big-endian integer in `length` bytes. The model takes the RFC's 1..128; the engine (and so
// to_policy and make_offer) only 1..4.
struct Mki {
  std::uint64_t value = 0;     // mki-value = 1*DIGIT; must fit in `length` bytes
  std::uint8_t length = 0;     // mki-length = 1*3DIGIT, 1..128 bytes

  friend bool operator==(const Mki&, const Mki&) = default;
};

// key-param = "inline:" key-info; key-info = key-salt ["|" lifetime] ["|" mki]   (section 6.1, 9.2)
struct KeyParam {
  SecureBytes key_salt;                 // key-salt = 1*(base64): master key then master salt, decoded
  std::optional<KeyLifetime> lifetime;  // nullopt = the suite maximum (2^48 for SRTP)
  std::optional<Mki> mki;               // required on every key when there are several

  friend bool operator==(const KeyParam&, const KeyParam&) = default;
};

// fec-order = "FEC_ORDER=" fec-type; fec-type = "FEC_SRTP" / "SRTP_FEC"   (section 6.3.4)
enum class FecOrder : std::uint8_t { fec_srtp, srtp_fec };

// srtp-session-param (RFC 4568 section 6.3, grammar in 9.2). Serialized in this member order.
struct SessionParams {
  std::optional<std::uint8_t> kdr;      // "KDR=" 1*2(DIGIT), 0..24: rate 2^n (6.3.1)
  bool unencrypted_srtp = false;        // "UNENCRYPTED_SRTP" (6.3.2)
  bool unencrypted_srtcp = false;       // "UNENCRYPTED_SRTCP" (6.3.2)
  bool unauthenticated_srtp = false;    // "UNAUTHENTICATED_SRTP" (6.3.3)
  std::optional<FecOrder> fec_order;    // (6.3.4)
  std::vector<KeyParam> fec_keys;       // "FEC_KEY=" key-params (6.3.5); empty = absent
  std::optional<std::uint32_t> wsh;     // "WSH=" 2*DIGIT, >= 64: window size hint (6.3.6)
  // srtp-session-extension = ["-"] 1*(VCHAR), verbatim and in order. Section 6.3.7: one without a
  // leading '-' is mandatory, so an attribute carrying an unknown one is invalid to use (to_policy
  // refuses it); with '-' it is optional and ignored. Both are kept so serialize() loses nothing.
  std::vector<std::string> extensions;

  friend bool operator==(const SessionParams&, const SessionParams&) = default;
};

// a=crypto:tag 1*WSP crypto-suite 1*WSP key-params *(1*WSP session-param)   (RFC 4568 section 9.1)
struct CryptoAttribute {
  std::uint32_t tag = 1;                // tag = 1*9DIGIT: 0..999999999 (section 9.1)
  std::string suite_name;               // crypto-suite = 1*(ALPHA / DIGIT / "_") (section 6.2)
  const srtp::Suite* suite = nullptr;   // nullptr: a suite we do not know; suite_name says which
  std::vector<KeyParam> keys;           // key-params = key-param *(";" key-param); at least one
  SessionParams params;

  friend bool operator==(const CryptoAttribute&, const CryptoAttribute&) = default;
};

// Parses the value of an a=crypto line. Accepts it with or without the leading "a=crypto:", ignores
// leading/trailing spaces and tabs and trailing CR/LF. ABNF literals ("inline", "KDR=", suite names)
// match case-insensitively (RFC 4234 section 2.3). Base64 keys may omit '=' padding.
// Errors are Errc::malformed_input (grammar, lengths, lifetime, MKI rules) or Errc::unsupported (a key
// method other than inline; an MKI value above 2^64-1 in an MKI longer than 8 bytes). An unknown crypto
// suite is NOT an error (suite == nullptr), nor is an unknown session parameter (see extensions).
// Error messages give lengths and offsets but never key material.
Result<CryptoAttribute> parse_crypto_attribute(std::string_view text);

// The canonical value without "a=crypto:": single spaces, padded base64, known session parameters in
// SessionParams member order, then extensions as given. `attr` must pass validate().
std::string serialize(const CryptoAttribute& attr);
std::string serialize(const KeyParam& key);   // one key-param, "inline:<base64>[|lifetime][|mki]"

// Checks the model rules parse_crypto_attribute enforces (tag range, key lengths against the suite,
// lifetime <= suite maximum, MKI on every key when several, one MKI length, distinct MKIs, KDR/WSH
// ranges, extension syntax). Errc::invalid_argument for models built by hand.
Status validate(const CryptoAttribute& attr);

}  // namespace sotto::sdes
