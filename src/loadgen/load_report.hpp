#pragma once
// LoadReport: what a `sotto bench register` / `sotto bench calls` run measured, and its text and JSON forms
// (docs/BENCH.md describes every field).
//
//   LoadReport r = runner.run().value();
//   std::cout << (json ? format_json(r) : format_text(r));

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "loadgen/latency_stats.hpp"

namespace sotto::loadgen {

// One phase of REGISTERs (or of REGISTERs with Expires: 0).
struct RegisterFigures {
  std::size_t attempted = 0;
  std::size_t succeeded = 0;                  // 2xx
  std::map<std::string, std::size_t> failures;  // "403 Forbidden", "timeout", "TLS: ..." -> count
  LatencyStats latency_ms;                    // first REGISTER sent -> 2xx, digest challenge included
  double window_s = 0;                        // first start -> last 2xx
  double per_second() const { return window_s > 0 ? static_cast<double>(succeeded) / window_s : 0; }
};

struct HandshakeFigures {
  std::size_t attempted = 0;
  std::size_t succeeded = 0;
  LatencyStats latency_ms;  // TCP connect + TLS handshake + certificate check
  double window_s = 0;      // first connect -> last handshake done
  std::map<std::string, std::size_t> negotiated;  // "TLSv1.3 TLS_AES_128_GCM_SHA256" -> connections
  double per_second() const { return window_s > 0 ? static_cast<double>(succeeded) / window_s : 0; }
};

// One call's media, both directions (a = caller, b = callee).
struct CallMedia {
  std::uint64_t a_sent = 0, a_received = 0, a_lost = 0, a_auth_failures = 0;
  std::uint64_t b_sent = 0, b_received = 0, b_lost = 0, b_auth_failures = 0;
  std::string suite;
  double loss_percent() const;
};

struct CallRecord {
  std::size_t number = 0;        // 1..M
  std::string caller, callee;    // AORs
  std::string result;            // "completed", "failed", "timeout"
  int status = 0;                // final status of the INVITE (200 when answered)
  std::string reason;
  std::optional<double> setup_ms;  // INVITE sent -> 200 received (proxy challenge included)
  CallMedia media;
};

struct CallFigures {
  std::size_t attempted = 0;
  std::size_t answered = 0;   // 200 to the INVITE
  std::size_t completed = 0;  // answered, media both ways, BYE answered
  std::map<std::string, std::size_t> failures;
  LatencyStats setup_ms;
  double window_s = 0;        // first INVITE -> last 200
  double setups_per_second() const { return window_s > 0 ? static_cast<double>(answered) / window_s : 0; }
  std::vector<CallRecord> calls;
};

struct LoadReport {
  std::string command;  // "register" / "calls"
  std::string server;
  std::size_t accounts = 0;
  double rate = 0;
  std::size_t concurrency = 0;
  HandshakeFigures tls;
  RegisterFigures registrations;
  std::optional<RegisterFigures> unregistrations;
  std::optional<CallFigures> calls;
  double hold_time_s = 0;
  std::size_t concurrent_calls = 0;  // calls: --concurrent
  double elapsed_s = 0;
  bool interrupted = false;  // SIGINT/SIGTERM: the figures cover the run up to then
  bool ok() const;  // nothing failed
};

std::string format_text(const LoadReport& r);
std::string format_json(const LoadReport& r);

}  // namespace sotto::loadgen
