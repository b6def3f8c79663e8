#pragma once
// KeyLog: the secrets of an SSLKEYLOGFILE (NSS key log format), by client random.
//
//   auto keys = tls::KeyLog::parse(file_text);   // error: "key log line 7: secret is not hex"
//   if (const tls::KeyLogSecrets* s = keys->find(client_random)) use(s->master_secret);
//   std::size_t sessions = keys->size();

#include <array>
#include <cstdint>
#include <map>
#include <span>
#include <string_view>

#include "base/result.hpp"
#include "base/secure_bytes.hpp"

namespace sotto::tls {

// The secrets logged for one client random; empty when that label was not in the file.
struct KeyLogSecrets {
  SecureBytes master_secret;               // CLIENT_RANDOM (TLS <= 1.2), 48 bytes
  SecureBytes client_handshake_secret;     // CLIENT_HANDSHAKE_TRAFFIC_SECRET (TLS 1.3)
  SecureBytes server_handshake_secret;     // SERVER_HANDSHAKE_TRAFFIC_SECRET
  SecureBytes client_traffic_secret_0;     // CLIENT_TRAFFIC_SECRET_0
  SecureBytes server_traffic_secret_0;     // SERVER_TRAFFIC_SECRET_0
};

class KeyLog {
 public:
  static constexpr std::size_t kRandomSize = 32;

  // Lines: "<LABEL> <64 hex client random> <hex secret>". Blank lines, '#' comments and unknown labels
  // (EXPORTER_SECRET, CLIENT_EARLY_TRAFFIC_SECRET, ...) are ignored; a known label with the wrong
  // field count, non-hex or a wrong length is an error naming the line number.
  static Result<KeyLog> parse(std::string_view text);

  std::size_t size() const noexcept { return entries_.size(); }  // distinct client randoms
  const KeyLogSecrets* find(std::span<const std::uint8_t> client_random) const;

 private:
  std::map<std::array<std::uint8_t, kRandomSize>, KeyLogSecrets> entries_;
};

}  // namespace sotto::tls
