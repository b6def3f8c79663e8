#pragma once
// Server: `sotto serve` on one io_context — the transports and SIP endpoint of the shared runtime, the
// requests that are ours (every --domain and listener address), signals (SIGTERM/SIGINT drain, SIGHUP
// reloads the certificate) and the store.
//
//   server::Server s(io, options, std::move(store), [](std::string_view line) { std::cerr << line << "\n"; });
//   if (auto st = s.start(); !st) die(st.error().context);   // names the listener or file at fault
//   return s.run();                                            // 0 after a drain

#include <asio.hpp>
#include <atomic>
#include <functional>
#include <map>
#include <unordered_map>
#include <memory>
#include <optional>
#include <string>

#include "core/b2bua/b2bua.hpp"
#include "core/registrar/registrar.hpp"
#include "io/dns/dns_resolver.hpp"
#include "io/log_summary.hpp"
#include "io/system_clock.hpp"
#include "io/timer.hpp"
#include "io/transport_manager.hpp"
#include "runtime/media_relay.hpp"
#include "runtime/sip_endpoint.hpp"
#include "runtime/sip_router.hpp"
#include "base/metrics/metrics.hpp"
#include "server/server_metrics.hpp"
#include "server/server_options.hpp"
#include "server/store_adapters.hpp"
#include "store/commit_queue.hpp"
#include "store/store.hpp"

namespace sotto::server {

using runtime::FlowInfo;
using runtime::SipEndpoint;
using sip::txn::Flow;

class Server {
 public:
  using Log = std::function<void(std::string_view)>;

  Server(asio::io_context& io, ServerOptions options, std::unique_ptr<store::Store> store, Log log);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Checks the certificate and key, then opens every listener. Errors name the listener or file.
  Status start();
  // Runs until a drain has finished; the exit status (0).
  int run();

  // SIGHUP: the certificate and key read again for new handshakes; live connections keep theirs.
  void reload_certificate();
  io::TlsConfig tls_server_config();
  // SIGTERM/SIGINT: no new connections or dialogs; calls end after drain_timeout (at once on a second).
  void drain();

  // The bound listeners ("tls://127.0.0.1:5061"), for the startup line and tests.
  std::vector<std::string> listeners() const;

  // For the admin HTTP listener: the Prometheus registry (thread-safe), whether a drain has begun
  // (thread-safe), and the store (only on the io_context thread: io::http::on_io_context).
  metrics::Registry& metrics() noexcept { return metrics_registry_; }
  bool draining() const noexcept { return draining_flag_.load(std::memory_order_relaxed); }
  store::Store& store() noexcept { return *store_; }
  const ServerOptions& options() const noexcept { return opts_; }

 private:
  void on_transport_event(io::TransportEvent&& ev);
  void on_message(Flow flow, const FlowInfo& info, sip::SipMessage msg);
  void on_request(Flow flow, const FlowInfo& info, const sip::SipMessage& req);
  void respond(Flow flow, const sip::SipMessage& req, int status, std::string_view reason,
               const std::function<void(sip::SipMessage&)>& extra = {});
  registrar::RequestContext context_of(Flow flow, const FlowInfo& info) const;
  void on_flow_closed(io::ConnectionId id);

  // server_register.cpp: REGISTER, bindings on disk, pinned connections.
  Status restore_bindings();
  void on_register(Flow flow, const FlowInfo& info, const sip::SipMessage& req);
  // Writes the changes through the commit queue (group commit: writes queued while a commit syncs go
  // out together); `done(ok)` runs on the io_context once all of them are durable (or one failed, logged).
  void persist(const std::vector<registrar::BindingChange>& changes, std::function<void(bool)> done);
  // Pins the connections that carry bindings (no idle deadline, never evicted), unpins the others.
  void track_flows(const std::vector<registrar::BindingChange>& changes);
  void registrar_timeout(io::Timestamp now);
  // A dialog (true) or a binding uses the connection: pinned while either does.
  void update_pin(std::uint64_t flow_id);

  // server_calls.cpp: the B2BUA, the relay, the records.
  Status start_calls(const std::vector<std::pair<io::ListenSpec, io::Endpoint>>& bound);
  void pump();
  void on_call_event(const b2bua::B2buaEvent& ev);
  // The io flow a leg's flow names (a placeholder the router located, or itself).
  Flow real_flow(Flow f) const;
  void remember_flows(b2bua::CallHandle h, const b2bua::CallRecord& r);
  store::CallRecord to_store_record(const b2bua::CallRecord& r, b2bua::CallHandle h) const;
  void end_calls(const std::string& why);

  // server_retention.cpp: call records older than records_keep deleted in bounded batches.
  void start_retention();
  void prune_step();
  void wait_for_signal();
  void follow_deadlines();
  void on_timer(io::Timestamp now);
  void finish_drain();

  asio::io_context& io_;
  ServerOptions opts_;
  std::unique_ptr<store::Store> store_;
  Log log_;
  io::SystemClock clock_;
  std::unique_ptr<io::TransportManager> transports_;
  std::unique_ptr<SipEndpoint> endpoint_;
  io::Timer timer_;
  asio::signal_set signals_;
  std::vector<std::string> bound_;
  std::vector<std::string> our_hosts_;  // lower-case domains and listener addresses
  std::vector<std::string> listener_hosts_;  // "127.0.0.1", "::1"

  // The registrar and what it needs.
  std::unique_ptr<StoreAccounts> accounts_;
  std::unique_ptr<store::CommitQueue> commits_;  // its own connection to the database; bindings go through it
  std::unique_ptr<registrar::Registrar> registrar_;
  std::map<std::string, std::uint64_t> binding_flow_;          // store::binding_key -> connection flow id
  std::unordered_map<std::uint64_t, Flow> located_;              // B2BUA pending flow id -> the flow it was located to
  std::map<std::uint64_t, std::size_t> flow_bindings_;         // connection flow id -> bindings on it
  // Floods are summarised, one line per interval: failed digests, blocked sources, refreshes.
  std::unique_ptr<io::LogSummary> auth_failures_log_;
  std::unique_ptr<io::LogSummary> blocked_log_;
  std::unique_ptr<io::LogSummary> refused_log_;
  std::unique_ptr<io::LogSummary> refresh_log_;
  std::map<std::uint64_t, std::size_t> flow_dialogs_;          // connection flow id -> calls using it

  // Calls.
  std::unique_ptr<StorePolicies> policies_;
  std::unique_ptr<runtime::MediaRelay> relay_;
  std::unique_ptr<io::dns::DnsResolver> dns_;
  std::unique_ptr<runtime::SipRouter> router_;
  std::unique_ptr<b2bua::B2bua> b2bua_;
  struct ActiveCall {
    std::map<std::uint64_t, FlowInfo> flows;  // the legs' flows as seen while the call ran (TLS facts)
    std::vector<std::uint64_t> pinned;        // connection flow ids pinned for this call
    std::optional<relay::RelayId> relay;
  };
  std::map<b2bua::CallHandle, ActiveCall> calls_;
  std::uint64_t calls_recorded_ = 0;

  // Retention: the next round, and the one under way (its cutoff, what it removed, its longest batch).
  std::optional<io::Timestamp> prune_at_;
  struct PruneRound {
    std::int64_t before_unix_ms = 0;
    std::size_t removed = 0;
    std::size_t batches = 0;
    Duration longest{};
  };
  std::optional<PruneRound> prune_round_;

  metrics::Registry metrics_registry_;
  ServerMetrics metrics_{metrics_registry_};
  std::atomic<bool> draining_flag_{false};

  bool draining_ = false;
  std::optional<io::Timestamp> drain_deadline_;
  std::optional<io::Timestamp> stop_at_;
  int exit_status_ = 0;
};

}  // namespace sotto::server
