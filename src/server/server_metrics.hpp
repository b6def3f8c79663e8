#pragma once
// ServerMetrics: the Prometheus series of `sotto serve` (docs/OPERATIONS.md), registered once at start; the
// server increments them on the io_context thread, /metrics reads them from the HTTP thread (atomics).
//
//   ServerMetrics m(registry);
//   m.registrations(200);  m.call_ended(record);  m.calls_active.set(n);

#include <map>

#include "base/metrics/metrics.hpp"
#include "io/stream_transport.hpp"
#include "store/call_record.hpp"

namespace sotto::server {

struct ServerMetrics {
  explicit ServerMetrics(metrics::Registry& r);

  // One REGISTER answered with `status` (0: dropped, the source is blocked).
  void registration(int status);
  // A finished call: by result, by verdict, its legs' SRTP authentication failures and relayed packets.
  void call_ended(const store::CallRecord& call);
  // The transports' limit counters (io::StreamCounters, read on the io_context thread): what grew since
  // the last call is added to sotto_connections_refused_total.
  void connection_counters(const io::StreamCounters& now);

  metrics::Gauge& registrations_active;
  metrics::Gauge& calls_active;
  metrics::Gauge& sources_blocked;
  metrics::Gauge& connections_tls;
  metrics::Gauge& connections_tcp;
  metrics::Counter& auth_failures;
  metrics::Counter& reg_ok;
  metrics::Counter& reg_challenged;
  metrics::Counter& reg_refused;
  metrics::Counter& reg_blocked;
  metrics::Counter& srtp_auth_failures;
  metrics::Counter& relay_in;
  metrics::Counter& relay_out;
  metrics::Counter& refused_per_source;
  metrics::Counter& refused_limit;
  metrics::Counter& refused_handshake;
  metrics::Counter& refused_timeout;
  io::StreamCounters last_counters;
  std::map<store::CallResult, metrics::Counter*> calls;
  std::map<store::Verdict, metrics::Counter*> verdicts;
};

}  // namespace sotto::server
