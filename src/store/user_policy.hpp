#pragma once
// What an account may do, and the digests that stand for its password (RFC 7616 section 3.4.2).
//
//   auto suites = store::parse_suite_list("AES_CM_128_HMAC_SHA1_80,AEAD_AES_128_GCM");   // or an error
//   auto creds = store::digest_credentials("alice", "sotto", "secret");   // HA1 MD5 + SHA-256, no password
//   if (!store::validate_user_name("alice")) ...

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "core/negotiation/media_security_policy.hpp"
#include "core/srtp/suite.hpp"

namespace sotto::store {

// Signalling transports an account may register and call over.
enum class Transport : std::uint8_t { tls = 1, tcp = 2, udp = 4 };

class TransportSet {
 public:
  static TransportSet tls_only() { return TransportSet(static_cast<std::uint8_t>(Transport::tls)); }
  static TransportSet from_bits(std::uint8_t bits) { return TransportSet(bits & 7u); }
  TransportSet() = default;
  bool has(Transport t) const noexcept { return (bits_ & static_cast<std::uint8_t>(t)) != 0; }
  void add(Transport t) noexcept { bits_ = static_cast<std::uint8_t>(bits_ | static_cast<std::uint8_t>(t)); }
  bool empty() const noexcept { return bits_ == 0; }
  std::uint8_t bits() const noexcept { return bits_; }
  friend bool operator==(const TransportSet&, const TransportSet&) = default;

 private:
  explicit TransportSet(std::uint8_t b) : bits_(b) {}
  std::uint8_t bits_ = 0;
};

struct UserPolicy {
  negotiation::SrtpMode srtp = negotiation::SrtpMode::require;
  std::vector<srtp::SuiteId> suites = negotiation::default_suites();  // preference order
  TransportSet transports = TransportSet::tls_only();
  friend bool operator==(const UserPolicy&, const UserPolicy&) = default;
};

// HA1 = H(username ":" realm ":" password), lower-case hex (RFC 7616 section 3.4.2, RFC 2617 section 3.2.2.2).
struct Credentials {
  std::string ha1_md5;
  std::string ha1_sha256;
  friend bool operator==(const Credentials&, const Credentials&) = default;
};

Credentials digest_credentials(std::string_view user, std::string_view realm, std::string_view password);

// Errc::invalid_argument naming the value and what is expected. Each takes the text a user typed.
Result<negotiation::SrtpMode> parse_srtp_mode(std::string_view text);           // off | offer | require
Result<std::vector<srtp::SuiteId>> parse_suite_list(std::string_view csv);     // RFC 4568/6188/7714 names
Result<TransportSet> parse_transport_list(std::string_view csv);               // subset of tls,tcp,udp

std::string format_suite_list(const std::vector<srtp::SuiteId>& suites);   // "AES_CM_128_HMAC_SHA1_80,..."
std::string format_transport_list(TransportSet t);                          // "tls,udp" (fixed order)
std::vector<std::string> transport_names(TransportSet t);
// One transport as records and `sotto calls` show it: "TLS", "TCP", "UDP" (the audit's spelling).
std::string_view transport_label(Transport t) noexcept;
Result<Transport> parse_transport_label(std::string_view text);  // "TLS" | "TCP" | "UDP"

// A user name is the user part of sips:NAME@domain and the digest username: 1-64 of A-Z a-z 0-9 . _ - + ~
// (no escaping needed anywhere, no ':' to confuse HA1).
Status validate_user_name(std::string_view name);
// The digest realm: 1-128 printable ASCII characters without '"' and '\' (it is a quoted-string).
Status validate_realm(std::string_view realm);

}  // namespace sotto::store
