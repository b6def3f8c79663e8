#pragma once
// The audit's result as plain data: calls (grouped by Call-ID, or media without signalling),
// registrations and other out-of-call SIP, each with a verdict and findings. Rendered by
// json_report.hpp and text_report.hpp; the JSON schema is documented in docs/AUDIT.md.
//
//   Report r = analyzer.finish();
//   for (const CallReport& c : r.calls) if (c.verdict != Verdict::secure) ...;
//   int exit_status = r.all_secure() ? 0 : 1;

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sotto::audit {

enum class Verdict : std::uint8_t { insecure, partial, secure };  // worst first
enum class Severity : std::uint8_t { high, medium, low, info };
std::string_view to_string(Verdict v) noexcept;
std::string_view to_string(Severity s) noexcept;

struct Finding {
  std::string code;       // stable: sip-cleartext, digest-exposed, ... (docs/AUDIT.md)
  Severity severity = Severity::info;
  std::string message;    // one line
  std::vector<std::uint64_t> frames;
};

struct MessageRecord {
  std::uint64_t frame = 0;
  std::int64_t time_ns = 0;
  std::string src, dst, transport;
  std::string summary;  // "INVITE sip:bob@x" or "200 OK"
  bool sdp = false;
};

struct CertificateRecord {
  std::string subject, issuer, not_before, not_after, key_type;
  bool self_signed = false;
  int key_bits = 0;
  std::uint64_t frame = 0;
};

struct TlsRecord {
  std::string version, cipher_suite, sni, error;
  bool forward_secrecy = false, decrypted = false, handshake_complete = false;
  std::vector<CertificateRecord> certificates;
  std::uint64_t first_frame = 0;
  std::string client, server;  // ip:port
};

struct StreamReport {
  std::uint32_t ssrc = 0;
  std::string src, dst;
  std::uint8_t payload_type = 0;
  std::optional<std::string> codec;
  std::uint64_t packets = 0;
  std::int64_t lost = 0;
  double jitter_ms = 0;
  double duration_s = 0;
  bool encrypted = false;
  std::optional<std::string> suite;
  bool decrypted = false;
  std::uint64_t auth_failures = 0;
  std::optional<std::string> wav;
  std::optional<std::vector<std::pair<float, float>>> waveform;
  std::uint64_t first_frame = 0;
};

struct CallReport {
  std::optional<std::string> call_id;  // nullopt: media seen without its signalling
  std::optional<std::string> from, to;
  std::int64_t start_ns = 0, end_ns = 0;
  std::string result = "unknown";
  std::optional<int> status;
  Verdict verdict = Verdict::insecure;
  std::optional<std::string> transport;  // "UDP", "TCP", "TLS"; nullopt when no signalling was seen
  std::optional<TlsRecord> tls;
  std::vector<Finding> findings;
  std::vector<MessageRecord> messages;
  std::vector<StreamReport> streams;
};

struct RegistrationReport {
  std::string call_id;
  std::string method;  // REGISTER, OPTIONS, MESSAGE, SUBSCRIBE, ...
  std::string user;
  std::optional<std::string> contact;
  std::string transport;
  std::optional<int> status;
  Verdict verdict = Verdict::insecure;
  std::optional<TlsRecord> tls;
  std::vector<Finding> findings;
  std::vector<MessageRecord> messages;
};

struct CaptureInfo {
  std::string file;
  std::uint64_t frames = 0;
  bool truncated = false;
  std::optional<std::string> stopped_at{};
  std::uint64_t undecodable_frames = 0;
  std::optional<std::string> first_decode_error{};  // with its frame number
};

struct Report {
  CaptureInfo capture;
  std::vector<CallReport> calls;                  // worst verdict first, then by start time
  std::vector<RegistrationReport> registrations;
  std::vector<TlsRecord> tls_connections;

  bool all_secure() const noexcept;
};

}  // namespace sotto::audit
