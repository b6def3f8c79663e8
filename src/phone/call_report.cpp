#include "phone/call_report.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace sotto::phone {

namespace {

bool registration_failed(const CallReport& r) { return r.sip_status == 0 && r.registration.rfind("failed", 0) == 0; }

}  // namespace

std::string CallReport::failure() const {
  const std::string status = sip_status ? fmt::format("{} {}", sip_status, sip_reason) : std::string();
  if (status.empty() || error.rfind(status, 0) == 0) return error.empty() ? status : error;
  return error.empty() ? status : status + ": " + error;
}

std::string CallReport::failure_line() const {
  if (registration_failed(*this) || (sip_status == 0 && error.rfind("registration", 0) == 0)) {
    return error.empty() ? "registration failed" : error;
  }
  const std::string why = failure();
  return fmt::format("call {}{}", result, why.empty() ? "" : " (" + why + ")");
}

std::string CallReport::text() const {
  std::string out;
  auto line = [&](std::string_view k, const std::string& v) {
    if (!v.empty()) out += fmt::format("  {:<14} {}\n", k, v);
  };
  // A failed run: the status, the error and a Warning it quotes are in failure_line(), printed once by the
  // CLI; the summary keeps the outcome and the facts around it.
  const bool failed = !ok();
  const std::string said = failed ? failure_line() : std::string();
  const std::string status = sip_status && !failed ? fmt::format("{} {}", sip_status, sip_reason) : std::string();
  if (result == "registered") out += "registered\n";
  else if (registration_failed(*this)) out += "registration failed\n";
  else out += fmt::format("call {}{}\n", result, status.empty() ? "" : ": " + status);
  line("registration", failed && registration_failed(*this) ? "" : registration);
  line("keep-alive", keepalive_pings ? fmt::format("pings {} pongs {}", keepalive_pings, keepalive_pongs) : "");
  line("peer", peer);
  line("error", failed ? "" : error);
  line("warning", failed && said.find(warning) != std::string::npos ? "" : warning);
  if (!transfer_result.empty()) {
    line("transfer", fmt::format("{} to {}{}", transfer_result, transfer_target,
                                 transfer_status ? fmt::format(" ({} {})", transfer_status, transfer_reason)
                                                 : transfer_reason.empty() ? "" : " (" + transfer_reason + ")"));
  }
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
  // null unless --transfer-to asked for one (docs/PHONE.md).
  j["transfer"] = transfer_result.empty() ? nlohmann::json(nullptr)
                                          : nlohmann::json{{"target", transfer_target},
                                                           {"result", transfer_result},
                                                           {"status", transfer_status},
                                                           {"reason_phrase", transfer_reason},
                                                           {"progress", transfer_progress}};
  return j.dump();
}

}  // namespace sotto::phone
