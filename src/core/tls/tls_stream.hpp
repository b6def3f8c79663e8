#pragma once
// TlsStream: one TCP connection carrying TLS, both directions' bytes in order (TCP-reassembled), read
// passively: version, cipher suite, SNI, certificates, and with a key log the application data.
//
//   tls::TlsStream s(&keys);                       // nullptr: metadata only
//   s.feed(/*from_client=*/true, bytes, frame_no);  // records may be split across calls
//   for (auto& p : s.take_plaintext()) sip_bytes(p.from_client, p.frame, p.bytes);
//   if (!s.summary().error.empty()) report(s.summary().error);

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/tls/cipher_suite.hpp"
#include "core/tls/key_log.hpp"
#include "core/tls/record_cipher.hpp"

namespace sotto::tls {

struct CertificateInfo {
  std::string subject, issuer, not_before, not_after;  // RFC 2253 names; ISO 8601 UTC times
  bool self_signed = false;
  std::string key_type;  // "RSA", "EC P-256", "Ed25519", ...
  int key_bits = 0;
  std::uint64_t frame = 0;  // frame of the record that completed the Certificate message
};

struct TlsSummary {
  std::string version;            // "TLSv1.2", "TLSv1.3", "TLSv1.0", ... ("" until known)
  std::string cipher_suite;       // IANA name, e.g. "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
  std::string sni;
  bool forward_secrecy = false;   // (EC)DHE or TLS 1.3
  std::vector<CertificateInfo> certificates;  // empty in TLS 1.3 unless decrypted
  bool handshake_complete = false;
  bool decrypted = false;         // application data was decrypted with the key log
  std::string error;              // first problem, e.g. "no key for client random 3f2a..", "bad record MAC at frame 42"
  std::uint64_t first_frame = 0;
  // Beyond the audit contract:
  std::vector<std::string> offered_versions;  // from the ClientHello, e.g. {"TLSv1.3", "TLSv1.2"}
  bool weak_cipher = false;       // NULL, EXPORT, anon, RC4, DES, 3DES (cipher_suite.hpp)
  std::string alert;              // first alert seen, e.g. "fatal alert 40 from server"
  std::uint64_t records_decrypted = 0;
  bool hello_retry_request = false;  // the server asked for another key share (RFC 8446 4.1.4)
};

struct Plaintext {
  bool from_client;
  std::uint64_t frame;
  std::vector<std::uint8_t> bytes;
};

class TlsStream {
 public:
  explicit TlsStream(const KeyLog* keys);
  TlsStream(TlsStream&&) noexcept;
  TlsStream& operator=(TlsStream&&) noexcept;
  ~TlsStream();

  void feed(bool from_client, std::span<const std::uint8_t> bytes, std::uint64_t frame);
  const TlsSummary& summary() const noexcept { return summary_; }
  std::vector<Plaintext> take_plaintext();  // decrypted application data since the last call

  // Limits: a record body above 2^14 + 2048 bytes (RFC 5246 6.2.3) is an error; a handshake message
  // above kMaxHandshake; client records held while the ServerHello is awaited above kMaxPending.
  static constexpr std::size_t kMaxRecord = 16384 + 2048;
  static constexpr std::size_t kMaxHandshake = 1u << 18;
  static constexpr std::size_t kMaxPending = 1u << 20;
  // Server records held while the ClientHello is awaited (the caller fed the server's bytes first).
  static constexpr std::size_t kMaxServerWait = 1u << 16;

 private:
  struct Record {
    std::uint8_t type;
    std::uint16_t version;
    std::vector<std::uint8_t> body;
    std::uint64_t frame;
  };
  struct Direction {
    std::vector<std::uint8_t> buf;      // bytes of the record not yet complete
    std::vector<std::uint8_t> hs;       // handshake bytes not yet a complete message
    std::optional<RecordCipher> cipher;
    std::optional<RecordCipher> next;   // TLS 1.2: installed by ChangeCipherSpec
    bool protected_ = false;            // records from here on are encrypted
    bool finished = false;              // Finished seen (decrypted) or, without keys, a record after CCS
    bool broken = false;                // stop reading this direction after an error
    std::deque<Record> pending;         // client: waiting for the ServerHello; server: for the ClientHello
    std::size_t pending_bytes = 0;
  };

  Direction& dir(bool from_client) { return from_client ? client_ : server_; }
  void record(bool from_client, Record r);
  void handle(bool from_client, Record& r);
  void replay(bool from_client);
  void handshake_bytes(bool from_client, std::span<const std::uint8_t> bytes, std::uint64_t frame);
  void handshake_message(bool from_client, std::uint8_t type, std::span<const std::uint8_t> body, std::uint64_t frame);
  void on_server_hello(std::span<const std::uint8_t> body, std::uint64_t frame);
  void on_certificate(std::span<const std::uint8_t> body, std::uint64_t frame);
  void on_finished(bool from_client);
  void install_tls13(bool from_client, const SecureBytes& secret, const char* label);
  void alert(bool from_client, std::span<const std::uint8_t> bytes);
  void set_error(std::string what);
  void update_complete();

  const KeyLog* keys_;
  TlsSummary summary_;
  Direction client_, server_;
  std::vector<Plaintext> plaintext_;
  bool seen_any_ = false;
  bool client_hello_ = false;
  bool gave_up_on_client_hello_ = false;
  bool server_hello_ = false;
  bool tls13_ = false;
  std::uint16_t version_ = 0;
  const CipherSuite* suite_ = nullptr;
  std::array<std::uint8_t, 32> client_random_{};
  const KeyLogSecrets* secrets_ = nullptr;
};

}  // namespace sotto::tls
