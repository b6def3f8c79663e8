#include "phone/call_report.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace sotto::phone {

std::string CallReport::text() const {
  std::string out;
  auto line = [&](std::string_view k, const std::string& v) {
    if (!v.empty()) out += fmt::format("  {:<14} {}\n", k, v);
  };
  const std::string status = sip_status ? fmt::format("{} {}", sip_status, sip_reason) : std::string();
  if (result == "registered") out += "registered\n";
  else if (sip_status == 0 && registration.rfind("failed", 0) == 0) out += "registration failed\n";
  else out += fmt::format("call {}{}\n", result, status.empty() ? "" : ": " + status);
  line("registration", registration);
  line("keep-alive", keepalive_pings ? fmt::format("pings {} pongs {}", keepalive_pings, keepalive_pongs) : "");
  line("peer", peer);
  line("error", error);
  line("warning", warning);
  line("setup", setup_ms > 0 ? fmt::format("{:.1f} ms", setup_ms) : "");
  line("duration", duration_s > 0 ? fmt::format("{:.1f} s", duration_s) : "");
  line("transport", transport);
  line("tls", tls_version.empty() ? "" : tls_version + " " + tls_cipher);
  line("peer cert", peer_certificate);
  if (duration_s <= 0 && packets_sent == 0 && packets_received == 0) return out;  // no media ever flowed
  line("media", codec.empty() ? srtp_suite : codec + ", " + srtp_suite);
  line("packets", fmt::format("sent {} received {} lost {}", packets_sent, packets_received, packets_lost));
  line("jitter", fmt::format("{:.1f} ms", jitter_ms));
  line("rtt", rtt_ms ? fmt::format("{:.1f} ms", *rtt_ms) : "");
  line("srtp errors", fmt::format("auth failures {} replays {}", srtp_auth_failures, srtp_replays));
  line("dtmf", dtmf_received);
  return out;
}

std::string CallReport::json() const {
  // The same keys as `sotto calls --json` where the fact is the same (docs/RECORDS.md): status, packets_in/out,
  // auth_failures; srtp_suite and the TLS fields null when there is none.
  auto or_null = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
  const bool plain = srtp_suite.empty() || srtp_suite == "RTP, unencrypted";
  nlohmann::json j = {
      {"result", result},         {"status", sip_status},
      {"reason_phrase", sip_reason}, {"warning", warning},
      {"error", error},           {"peer", peer},
      {"setup_ms", setup_ms},     {"duration_s", duration_s},
      {"transport", transport},   {"tls_version", or_null(tls_version)},
      {"tls_cipher", or_null(tls_cipher)}, {"peer_certificate", or_null(peer_certificate)},
      {"srtp_suite", plain ? nlohmann::json(nullptr) : nlohmann::json(srtp_suite)}, {"codec", codec},
      {"packets_out", packets_sent}, {"packets_in", packets_received}, {"packets_lost", packets_lost},
      {"jitter_ms", jitter_ms},   {"auth_failures", srtp_auth_failures},
      {"srtp_replays", srtp_replays}, {"dtmf_received", dtmf_received},
      {"registration", registration}, {"keepalive_pings", keepalive_pings}, {"keepalive_pongs", keepalive_pongs},
  };
  j["rtt_ms"] = rtt_ms ? nlohmann::json(*rtt_ms) : nlohmann::json(nullptr);
  return j.dump();
}

}  // namespace sotto::phone
