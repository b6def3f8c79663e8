#pragma once
// SipRouter: where the phone's SIP messages go. It locates a URI (RFC 3263 through the DnsResolver: NAPTR,
// SRV, A/AAAA, or the IP literal as is) under the configured transport mode, opens a flow to the first
// target that connects (in failover order, RFC 3263 4.3), and sends the UserAgent's Transmits: down their
// flow, or, for a pending flow naming a URI (a peer's Contact, a Record-Route), to the flow it locates for
// it, holding the messages while it locates.
//
// Pending flows are recorded once, by the UserAgent. The router keeps nothing per pending flow beyond the
// locate attempt in flight (which holds the messages waiting for it): once located it reports the flow to
// on_located (pass it to UserAgent::use_flow, which moves the pending flow's transactions to it and forgets
// the pending flow), and once unreachable to on_unreachable (UserAgent::handle_transport_error).
//
// The transport of a request is decided in one place: the UserAgent (ua::transport_of its next hop), whose
// Via names it. A pending flow's target is therefore located under that transport only; when the configured
// --transport mode forbids it, the target is unreachable (logged), never reached over another transport.
//
//   SipRouter router(endpoint, *dns, locate::TransportMode::dns, log);
//   router.connect(uri, [&](Result<SipRouter::Located> r) { if (r) ua.use_flow(uri, r->flow, {r->secure}); });
//   router.on_located([&](Flow, const sip::Uri& target, const SipRouter::Located& r) {
//     ua.use_flow(target, r.flow, {r.secure});
//   });
//   router.on_unreachable([&](Flow pending) { ua.handle_transport_error(now, pending); });
//   while (auto t = ua.poll_transmit()) router.send(*t);
//   endpoint.on_flow_opened([&](Flow f) { router.flow_opened(f); });

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/locate/target.hpp"
#include "core/ua/transmit.hpp"
#include "io/dns/dns_resolver.hpp"
#include "runtime/sip_endpoint.hpp"

namespace sotto::runtime {

class SipRouter {
 public:
  struct Located {
    sip::txn::Flow flow;
    locate::Target target;
    bool secure = false;  // TLS
  };
  using LocatedHandler = std::function<void(Result<Located>)>;
  using FlowHandler = std::function<void(sip::txn::Flow)>;
  using PendingLocatedHandler = std::function<void(sip::txn::Flow pending, const sip::Uri& target, const Located&)>;
  using LogHandler = std::function<void(std::string_view)>;
  using TraceHandler = std::function<void(const sip::SipMessage&)>;

  SipRouter(SipEndpoint& endpoint, io::dns::DnsResolver& dns, locate::TransportMode mode, LogHandler log);

  // Locates `uri` and opens a flow to the first target that connects; `done` runs once, later, with the
  // flow or an error naming the URI and what failed at each target.
  // `only`: locate under this transport alone (as the UA chose it) instead of the configured mode.
  void connect(const sip::Uri& uri, LocatedHandler done, std::optional<sip::Transport> only = std::nullopt);
  // Sends a UserAgent transmit. A pending flow's target is located once (its messages wait meanwhile):
  // on success on_located runs, then the waiting messages go down the located flow; a target that cannot
  // be located or reached is reported to on_unreachable. Both must be wired to the UserAgent, which then
  // sends no more Transmits on that pending flow.
  void send(const ua::Transmit& t);
  void on_located(PendingLocatedHandler h) { on_located_ = std::move(h); }
  void on_unreachable(FlowHandler h) { on_unreachable_ = std::move(h); }
  void on_sent(TraceHandler h) { on_sent_ = std::move(h); }

  // Events from the SipEndpoint.
  void flow_opened(sip::txn::Flow flow);
  void flow_closed(sip::txn::Flow flow, const std::string& why);

  // Locate attempts in flight (connect() and pending flows being located).
  std::size_t attempts() const noexcept { return attempts_.size(); }

 private:
  struct Attempt {
    sip::Uri uri;
    std::vector<locate::Target> targets;
    std::size_t index = 0;
    std::optional<sip::txn::Flow> flow;  // connecting
    std::vector<std::string> errors;
    LocatedHandler done;
    std::optional<sip::txn::Flow> pending;  // the UserAgent's pending flow this locates, if any
    std::vector<sip::SipMessage> queue;     // its messages, sent once located
  };

  std::uint64_t start(Attempt a, std::optional<sip::Transport> only);
  void try_next(std::uint64_t attempt);
  void finish(std::uint64_t attempt, Result<Located> result);
  void deliver(sip::txn::Flow flow, const sip::SipMessage& msg);

  SipEndpoint& endpoint_;
  io::dns::DnsResolver& dns_;
  locate::TransportMode mode_;
  LogHandler log_;
  PendingLocatedHandler on_located_;
  FlowHandler on_unreachable_;
  TraceHandler on_sent_;
  std::map<std::uint64_t, Attempt> attempts_;
  std::map<std::uint64_t, std::uint64_t> connecting_;   // io flow id -> attempt
  std::uint64_t next_attempt_ = 1;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace sotto::runtime
