// LoadReport text and JSON (see load_report.hpp).
#include "loadgen/load_report.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace sotto::loadgen {
namespace {

nlohmann::json latency_json(const LatencyStats& s) {
  nlohmann::json j;
  j["count"] = s.count();
  for (auto [name, p] : {std::pair{"p50", 50.0}, {"p95", 95.0}, {"p99", 99.0}, {"max", 100.0}}) {
    if (auto v = s.percentile(p)) j[name] = *v;
    else j[name] = nullptr;
  }
  if (auto m = s.mean()) j["mean"] = *m;
  else j["mean"] = nullptr;
  return j;
}

nlohmann::json register_json(const RegisterFigures& f) {
  return {{"attempted", f.attempted}, {"succeeded", f.succeeded},
          {"failed", f.attempted - f.succeeded}, {"failures", f.failures},
          {"per_second", f.per_second()}, {"window_s", f.window_s}, {"latency_ms", latency_json(f.latency_ms)}};
}

std::string latency_text(const LatencyStats& s) {
  if (s.count() == 0) return "no samples";
  return fmt::format("p50 {:.1f} ms, p95 {:.1f} ms, p99 {:.1f} ms, max {:.1f} ms", *s.percentile(50), *s.percentile(95),
                     *s.percentile(99), *s.max());
}

std::string failures_text(const std::map<std::string, std::size_t>& f) {
  std::string out;
  for (const auto& [why, n] : f) out += fmt::format("    {:>6}  {}\n", n, why);
  return out;
}

}  // namespace

double CallMedia::loss_percent() const {
  const double expected = static_cast<double>(a_received + a_lost + b_received + b_lost);
  return expected > 0 ? 100.0 * static_cast<double>(a_lost + b_lost) / expected : 0;
}

bool LoadReport::ok() const {
  if (interrupted) return false;
  if (registrations.succeeded != registrations.attempted || tls.succeeded != tls.attempted) return false;
  if (unregistrations && unregistrations->succeeded != unregistrations->attempted) return false;
  if (calls && (calls->completed != calls->attempted)) return false;
  return true;
}

std::string format_text(const LoadReport& r) {
  std::string out;
  out += fmt::format("sotto bench {} against {}: {} accounts, rate {}, concurrency {}\n", r.command, r.server, r.accounts,
                     r.rate > 0 ? fmt::format("{}/s", r.rate) : std::string("unpaced"), r.concurrency);
  out += fmt::format("  TLS handshakes   {}/{} ok, {:.1f}/s over {:.2f} s; {}\n", r.tls.succeeded, r.tls.attempted,
                     r.tls.per_second(), r.tls.window_s, latency_text(r.tls.latency_ms));
  for (const auto& [what, n] : r.tls.negotiated) out += fmt::format("    {:>6}  {}\n", n, what);
  const RegisterFigures& g = r.registrations;
  out += fmt::format("  registrations    {}/{} ok, {:.1f}/s over {:.2f} s; {}\n", g.succeeded, g.attempted, g.per_second(),
                     g.window_s, latency_text(g.latency_ms));
  out += failures_text(g.failures);
  if (r.calls) {
    const CallFigures& c = *r.calls;
    out += fmt::format("  calls            {} attempted, {} answered, {} completed (at most {} at once, hold {} s)\n",
                       c.attempted, c.answered, c.completed, r.concurrent_calls, r.hold_time_s);
    out += fmt::format("  call setups      {:.1f}/s over {:.2f} s; INVITE -> 200 {}\n", c.setups_per_second(), c.window_s,
                       latency_text(c.setup_ms));
    out += failures_text(c.failures);
    std::uint64_t sent = 0, received = 0, lost = 0, auth = 0;
    CallMedia total;
    for (const CallRecord& call : c.calls) {
      const CallMedia& m = call.media;
      sent += m.a_sent + m.b_sent;
      received += m.a_received + m.b_received;
      lost += m.a_lost + m.b_lost;
      auth += m.a_auth_failures + m.b_auth_failures;
      total.a_received += m.a_received + m.b_received;
      total.a_lost += m.a_lost + m.b_lost;
    }
    out += fmt::format("  SRTP             {} packets sent, {} received, {} lost ({:.3f} %), {} authentication failures\n",
                       sent, received, lost, total.loss_percent(), auth);
  }
  if (r.unregistrations) {
    const RegisterFigures& u = *r.unregistrations;
    out += fmt::format("  unregistrations  {}/{} ok, {:.1f}/s; {}\n", u.succeeded, u.attempted, u.per_second(),
                       latency_text(u.latency_ms));
    out += failures_text(u.failures);
  }
  out += fmt::format("  elapsed          {:.2f} s{}\n", r.elapsed_s, r.interrupted ? " (interrupted)" : "");
  return out;
}

std::string format_json(const LoadReport& r) {
  nlohmann::json j;
  j["command"] = r.command;
  j["server"] = r.server;
  j["accounts"] = r.accounts;
  j["rate"] = r.rate > 0 ? nlohmann::json(r.rate) : nlohmann::json(nullptr);
  j["concurrency"] = r.concurrency;
  j["tls_handshakes"] = {{"attempted", r.tls.attempted}, {"succeeded", r.tls.succeeded},
                         {"per_second", r.tls.per_second()}, {"window_s", r.tls.window_s},
                         {"negotiated", r.tls.negotiated},
                         {"latency_ms", latency_json(r.tls.latency_ms)}};
  j["registrations"] = register_json(r.registrations);
  j["unregistrations"] = r.unregistrations ? register_json(*r.unregistrations) : nlohmann::json(nullptr);
  if (r.calls) {
    const CallFigures& c = *r.calls;
    nlohmann::json calls = nlohmann::json::array();
    std::uint64_t sent = 0, received = 0, auth = 0;
    CallMedia total;
    for (const CallRecord& call : c.calls) {
      const CallMedia& m = call.media;
      sent += m.a_sent + m.b_sent;
      received += m.a_received + m.b_received;
      auth += m.a_auth_failures + m.b_auth_failures;
      total.a_received += m.a_received + m.b_received;
      total.a_lost += m.a_lost + m.b_lost;
      calls.push_back({{"number", call.number}, {"caller", call.caller}, {"callee", call.callee},
                       {"result", call.result}, {"status", call.status}, {"reason", call.reason},
                       {"setup_ms", call.setup_ms ? nlohmann::json(*call.setup_ms) : nlohmann::json(nullptr)},
                       {"srtp_suite", m.suite.empty() ? nlohmann::json(nullptr) : nlohmann::json(m.suite)},
                       {"caller_sent", m.a_sent}, {"caller_received", m.a_received}, {"caller_lost", m.a_lost},
                       {"caller_auth_failures", m.a_auth_failures},
                       {"callee_sent", m.b_sent}, {"callee_received", m.b_received}, {"callee_lost", m.b_lost},
                       {"callee_auth_failures", m.b_auth_failures}, {"loss_percent", m.loss_percent()}});
    }
    j["calls"] = {{"attempted", c.attempted}, {"answered", c.answered}, {"completed", c.completed},
                  {"failed", c.attempted - c.completed}, {"failures", c.failures},
                  {"setups_per_second", c.setups_per_second()}, {"window_s", c.window_s},
                  {"setup_ms", latency_json(c.setup_ms)}, {"hold_time_s", r.hold_time_s},
                  {"concurrent", r.concurrent_calls},
                  {"srtp", {{"packets_sent", sent}, {"packets_received", received},
                            {"packets_lost", total.a_lost}, {"loss_percent", total.loss_percent()},
                            {"auth_failures", auth}}},
                  {"list", calls}};
  } else {
    j["calls"] = nullptr;
  }
  j["elapsed_s"] = r.elapsed_s;
  j["interrupted"] = r.interrupted;
  j["ok"] = r.ok();
  return j.dump() + "\n";
}

}  // namespace sotto::loadgen
