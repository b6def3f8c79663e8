#pragma once
// Analyzer: the audit of one capture, sans-IO. Frames (number, time, link type, bytes) in, a Report
// out: calls grouped by Call-ID, SDP offer/answer, RTP streams matched to calls by the SDP addresses,
// media without signalling found by heuristics, SRTP decrypted with keys from cleartext SDP or given
// ones, TLS metadata (and SIP decrypted with a key log), verdicts and findings.
//
//   Analyzer a(AuditOptions{.keep_audio = true});
//   while (auto f = reader.next()) a.frame(f->number, f->time_ns, f->link_type, f->bytes);
//   Report r = a.finish(CaptureInfo{.file = path, .frames = reader.frames()});

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "audit/report.hpp"
#include "base/result.hpp"
#include "base/secure_bytes.hpp"
#include "core/srtp/suite.hpp"

namespace sotto::tls {
class KeyLog;
}

namespace sotto::audit {

// --srtp-key [SSRC=]SUITE:BASE64 (SSRC in hex, with or without 0x; the key is master key + salt).
struct SrtpKeyOption {
  std::optional<std::uint32_t> ssrc;
  const srtp::Suite* suite = nullptr;
  SecureBytes key_salt;
};
// Errors name the part at fault ("--srtp-key: unknown suite 'AES_FOO'"); never the key itself.
Result<SrtpKeyOption> parse_srtp_key_option(std::string_view text);

struct AuditOptions {
  std::vector<SrtpKeyOption> srtp_keys{};
  bool keep_audio = false;               // decode audio (for --extract and waveforms); costs memory
  const tls::KeyLog* tls_keys = nullptr;  // decrypt TLS with these secrets (SSLKEYLOGFILE)
};

// Decoded audio of one stream, kept when AuditOptions::keep_audio (index into Report::calls/streams).
struct StreamAudio {
  std::size_t call = 0, stream = 0;
  int sample_rate = 8000;
  std::vector<std::int16_t> samples;  // lost packets are silence, so the timing is right
};

class Analyzer {
 public:
  explicit Analyzer(AuditOptions options = {});
  Analyzer(Analyzer&&) noexcept;
  Analyzer& operator=(Analyzer&&) noexcept;
  ~Analyzer();

  void frame(std::uint64_t number, std::int64_t time_ns, std::uint32_t link_type, std::span<const std::uint8_t> bytes);
  // Ends the analysis. The audio of each decodable stream (keep_audio) is left for take_audio().
  Report finish(CaptureInfo capture);
  std::vector<StreamAudio> take_audio();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// Chi-square statistic of a byte histogram against the uniform distribution (255 degrees of freedom):
// ciphertext gives about 255, G.711 speech tens of thousands and more.
double chi_square_uniform(std::span<const std::uint64_t, 256> counts) noexcept;

}  // namespace sotto::audit
