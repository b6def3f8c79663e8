#pragma once
// LoadClient: one simulated account of a load run — its own TransportManager (so its own TLS connection
// and full handshake), SipEndpoint, SipRouter and UserAgent, as `sotto phone` wires them, sharing the
// io_context, the clock and the DNS resolver with every other account of the run.
//
//   LoadClient c(io, clock, dns, cfg, [&](LoadClient& c, const ua::UaEvent& ev) { ... });
//   c.connect([&](Status st) { if (st) c.ua().register_account(clock.now()), c.pump(); });
//   ... c.ua().call(now, target, {ip, port}); c.pump();

#include <asio/io_context.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "core/ua/user_agent.hpp"
#include "io/clock.hpp"
#include "io/dns/dns_resolver.hpp"
#include "io/timer.hpp"
#include "io/tls_config.hpp"
#include "io/transport_manager.hpp"
#include "runtime/sip_endpoint.hpp"
#include "runtime/sip_router.hpp"

namespace sotto::loadgen {

struct LoadClientConfig {
  ua::UaConfig ua;          // aor, credentials, registrar, outbound_proxy (= the server), media policy
  sip::Uri server;          // the first hop, connected to by connect()
  io::TlsConfig tls;        // client side: the CA file
};

class LoadClient {
 public:
  using EventHandler = std::function<void(LoadClient&, const ua::UaEvent&)>;
  using ConnectHandler = std::function<void(Status)>;
  using LostHandler = std::function<void(LoadClient&, const std::string& why)>;

  LoadClient(asio::io_context& io, const io::Clock& clock, io::dns::DnsResolver& dns, LoadClientConfig config,
             EventHandler on_event);
  ~LoadClient();
  LoadClient(const LoadClient&) = delete;
  LoadClient& operator=(const LoadClient&) = delete;

  // Opens the TLS connection to the server (handshake and certificate check); `done` runs once, later.
  void connect(ConnectHandler done);
  // The server's connection closed after it was open (the account's transactions fail through the UA).
  void on_lost(LostHandler h) { on_lost_ = std::move(h); }

  ua::UserAgent& ua() { return *ua_; }
  // Sends what the UserAgent has queued, delivers its events and re-arms its timer. Call after every
  // command given to ua().
  void pump();
  bool connected() const noexcept { return flow_.has_value(); }
  // "TLSv1.3 TLS_AES_128_GCM_SHA256" once connected; empty before.
  const std::string& tls_summary() const noexcept { return tls_summary_; }
  // Closes the connection without events (end of the run, or a registration that timed out).
  void close();

  std::size_t index = 0;  // the account number (1-based), for the runner

 private:
  void on_message(sip::txn::Flow flow, const runtime::FlowInfo& info, sip::SipMessage msg);
  void on_flow_closed(sip::txn::Flow flow, const std::string& why);

  asio::io_context& io_;
  const io::Clock& clock_;
  LoadClientConfig config_;
  EventHandler on_event_;
  LostHandler on_lost_;
  std::unique_ptr<io::TransportManager> transports_;
  std::unique_ptr<runtime::SipEndpoint> endpoint_;
  std::unique_ptr<runtime::SipRouter> router_;
  std::unique_ptr<ua::UserAgent> ua_;
  io::Timer timer_;
  std::optional<sip::txn::Flow> flow_;
  std::string tls_summary_;
  bool pumping_ = false;
  bool closed_ = false;
};

}  // namespace sotto::loadgen
