#include "server/server_metrics.hpp"

#include <chrono>

namespace sotto::server {

ServerMetrics::ServerMetrics(metrics::Registry& r)
    : registrations_active(r.gauge("sotto_registrations_active", "Contacts registered now (bindings)")),
      calls_active(r.gauge("sotto_calls_active", "Calls in progress")),
      sources_blocked(r.gauge("sotto_sources_blocked", "Source addresses blocked now after repeated failures")),
      connections_tls(r.gauge("sotto_connections_open", "Open SIP connections", {{"transport", "tls"}})),
      connections_tcp(r.gauge("sotto_connections_open", "Open SIP connections", {{"transport", "tcp"}})),
      auth_failures(r.counter("sotto_auth_failures_total",
                              "Digest authentications that failed (wrong password or unknown user, counted alike)")),
      reg_ok(r.counter("sotto_registrations_total", "REGISTER requests answered, by outcome", {{"result", "ok"}})),
      reg_challenged(r.counter("sotto_registrations_total", "REGISTER requests answered, by outcome", {{"result", "challenged"}})),
      reg_refused(r.counter("sotto_registrations_total", "REGISTER requests answered, by outcome", {{"result", "refused"}})),
      reg_blocked(r.counter("sotto_registrations_total", "REGISTER requests answered, by outcome", {{"result", "blocked"}})),
      srtp_auth_failures(r.counter("sotto_srtp_auth_failures_total",
                                   "SRTP/SRTCP packets dropped because authentication failed (counted when the call ends)")),
      relay_in(r.counter("sotto_relay_packets_total", "Media packets through the relay (counted when the call ends)",
                         {{"direction", "in"}})),
      relay_out(r.counter("sotto_relay_packets_total", "Media packets through the relay (counted when the call ends)",
                          {{"direction", "out"}})),
      refused_per_source(r.counter("sotto_connections_refused_total", "Connections refused or closed by the listener limits",
                                   {{"reason", "per-source"}})),
      refused_limit(r.counter("sotto_connections_refused_total", "Connections refused or closed by the listener limits",
                              {{"reason", "limit"}})),
      refused_handshake(r.counter("sotto_connections_refused_total", "Connections refused or closed by the listener limits",
                                  {{"reason", "handshake"}})),
      refused_timeout(r.counter("sotto_connections_refused_total", "Connections refused or closed by the listener limits",
                                {{"reason", "timeout"}})) {
  for (auto res : {store::CallResult::answered, store::CallResult::busy, store::CallResult::no_answer,
                   store::CallResult::rejected, store::CallResult::cancelled, store::CallResult::failed}) {
    calls[res] = &r.counter("sotto_calls_total", "Finished calls, by result", {{"result", std::string(store::to_string(res))}});
  }
  for (auto v : {store::Verdict::secure, store::Verdict::partial, store::Verdict::insecure}) {
    verdicts[v] = &r.counter("sotto_calls_by_verdict_total", "Finished calls, by security verdict",
                             {{"verdict", std::string(store::to_string(v))}});
  }
  r.gauge("sotto_start_time_seconds", "Unix time the server started")
      .set(std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

void ServerMetrics::registration(int status) {
  if (status == 0) reg_blocked.inc();
  else if (status == 401 || status == 407) reg_challenged.inc();
  else if (status >= 200 && status < 300) reg_ok.inc();
  else reg_refused.inc();
}

void ServerMetrics::connection_counters(const io::StreamCounters& now) {
  const io::StreamCounters& was = last_counters;
  refused_per_source.inc(now.refused_per_source - was.refused_per_source);
  refused_limit.inc((now.refused_full + now.evicted) - (was.refused_full + was.evicted));
  refused_handshake.inc(now.handshake_timeouts - was.handshake_timeouts);
  refused_timeout.inc((now.message_timeouts + now.idle_timeouts) - (was.message_timeouts + was.idle_timeouts));
  last_counters = now;
}

void ServerMetrics::call_ended(const store::CallRecord& call) {
  calls.at(call.result)->inc();
  verdicts.at(call.verdict)->inc();
  for (const store::LegRecord& l : call.legs) {
    srtp_auth_failures.inc(l.auth_failures);
    relay_in.inc(l.packets_in);
    relay_out.inc(l.packets_out);
  }
}

}  // namespace sotto::server
