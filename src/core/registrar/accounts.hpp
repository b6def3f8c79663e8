#pragma once
// Accounts: what the registrar needs to know about an account, looked up by name. The server backs it with
// its store (digests only, never passwords); tests use a map.
//
//   std::optional<registrar::AccountCredentials> a = accounts.find("alice");
//   if (a && registrar::allows(a->transports, sip::Transport::udp)) ...

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/sip/transport.hpp"

namespace sotto::registrar {

// Transport bits, the same values as store::Transport (src/store/user_policy.hpp), which core may not include.
inline constexpr std::uint8_t kTransportTls = 1;
inline constexpr std::uint8_t kTransportTcp = 2;
inline constexpr std::uint8_t kTransportUdp = 4;

constexpr std::uint8_t transport_bit(sip::Transport t) noexcept {
  switch (t) {
    case sip::Transport::tls: return kTransportTls;
    case sip::Transport::tcp: return kTransportTcp;
    case sip::Transport::udp: return kTransportUdp;
  }
  return 0;
}
constexpr bool allows(std::uint8_t transports, sip::Transport t) noexcept { return (transports & transport_bit(t)) != 0; }

struct AccountCredentials {
  std::string ha1_md5;     // lower-case hex MD5(user:realm:password); empty = MD5 answers always fail
  std::string ha1_sha256;  // lower-case hex SHA-256(user:realm:password); empty = SHA-256 answers always fail
  std::uint8_t transports = kTransportTls;  // bitmask of kTransport*
};

class Accounts {
 public:
  virtual ~Accounts() = default;
  // nullopt when there is no such account. Called once per authenticated request, on the caller's thread.
  virtual std::optional<AccountCredentials> find(std::string_view user) const = 0;
};

}  // namespace sotto::registrar
