#include "runtime/sip_router.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/sip/message_writer.hpp"
#include "core/ua/request_parts.hpp"

namespace sotto::runtime {
namespace {

std::string endpoint_text(const locate::Target& t) {
  return t.ipv6() ? fmt::format("[{}]:{}", t.address, t.port) : fmt::format("{}:{}", t.address, t.port);
}

locate::TransportMode mode_of(sip::Transport t) {
  switch (t) {
    case sip::Transport::udp: return locate::TransportMode::udp;
    case sip::Transport::tcp: return locate::TransportMode::tcp;
    case sip::Transport::tls: return locate::TransportMode::tls;
  }
  return locate::TransportMode::udp;
}

// Whether the configured mode lets a request go over `t`.
bool allows(locate::TransportMode mode, sip::Transport t) {
  switch (mode) {
    case locate::TransportMode::dns: return true;
    case locate::TransportMode::tcp_preferred: return t != sip::Transport::tls;
    default: return mode == mode_of(t);
  }
}

}  // namespace

SipRouter::SipRouter(SipEndpoint& endpoint, io::dns::DnsResolver& dns, locate::TransportMode mode, LogHandler log)
    : endpoint_(endpoint), dns_(dns), mode_(mode), log_(std::move(log)) {}

void SipRouter::connect(const sip::Uri& uri, LocatedHandler done, std::optional<sip::Transport> only) {
  Attempt a;
  a.uri = uri;
  a.done = std::move(done);
  start(std::move(a), only);
}

std::uint64_t SipRouter::start(Attempt a, std::optional<sip::Transport> only) {
  const std::uint64_t id = next_attempt_++;
  const sip::Uri uri = a.uri;
  attempts_[id] = std::move(a);
  std::weak_ptr<int> alive = alive_;
  dns_.locate(uri, only ? mode_of(*only) : mode_, [this, alive, id](Result<std::vector<locate::Target>> targets) {
    if (alive.expired()) return;
    auto it = attempts_.find(id);
    if (it == attempts_.end()) return;
    if (!targets) {
      finish(id, fail(Errc::not_found, "cannot locate " + sip::serialize(it->second.uri) + ": " + targets.error().context));
      return;
    }
    it->second.targets = std::move(*targets);
    // A target we already hold a live connection to goes first: the failover already happened (e.g. for
    // the registration), so a call to the same domain does not knock on a dead first target again.
    for (std::size_t i = 0; i < it->second.targets.size(); ++i) {
      const locate::Target& t = it->second.targets[i];
      auto ep = io::Endpoint::parse(endpoint_text(t));
      if (ep && endpoint_.find_open(t.transport, *ep, t.server_name)) {
        std::rotate(it->second.targets.begin(), it->second.targets.begin() + static_cast<std::ptrdiff_t>(i),
                    it->second.targets.begin() + static_cast<std::ptrdiff_t>(i) + 1);
        break;
      }
    }
    try_next(id);
  });
  return id;
}

void SipRouter::try_next(std::uint64_t id) {
  Attempt& a = attempts_.at(id);
  while (a.index < a.targets.size()) {
    const locate::Target& t = a.targets[a.index++];
    auto ep = io::Endpoint::parse(endpoint_text(t));
    if (!ep) {
      a.errors.push_back(locate::to_string(t) + ": " + ep.error().context);
      continue;
    }
    auto flow = endpoint_.open_flow(t.transport, *ep, io::ConnectOptions{t.server_name});
    if (!flow) {
      a.errors.push_back(locate::to_string(t) + ": " + flow.error().context);
      continue;
    }
    const FlowInfo* info = endpoint_.info(*flow);
    if (info != nullptr && info->open) {  // UDP, or a connection already up: reuse (RFC 5923 spirit)
      finish(id, Located{*flow, t, t.transport == locate::Transport::tls});
      return;
    }
    if (log_ && a.index > 1) log_(fmt::format("trying the next target: {}", locate::to_string(t)));
    a.flow = *flow;
    connecting_[flow->id] = id;
    return;
  }
  std::string why;
  for (const std::string& e : a.errors) why += (why.empty() ? "" : "; ") + e;
  if (a.targets.empty()) why = "no target";
  finish(id, fail(Errc::io_error, "cannot reach " + sip::serialize(a.uri) + ": " + why));
}

void SipRouter::finish(std::uint64_t id, Result<Located> result) {
  auto it = attempts_.find(id);
  if (it == attempts_.end()) return;
  Attempt a = std::move(it->second);
  attempts_.erase(it);
  if (!a.pending) {
    if (a.done) a.done(std::move(result));
    return;
  }
  // A pending flow: the UserAgent learns the outcome first (use_flow / handle_transport_error), then the
  // messages that waited go down the located flow. Nothing of the pending flow stays here.
  if (!result) {
    if (log_) log_(result.error().context);
    if (on_unreachable_) on_unreachable_(*a.pending);
    return;
  }
  if (on_located_) on_located_(*a.pending, a.uri, *result);
  for (const sip::SipMessage& m : a.queue) deliver(result->flow, m);
}

void SipRouter::flow_opened(sip::txn::Flow flow) {
  auto it = connecting_.find(flow.id);
  if (it == connecting_.end()) return;
  const std::uint64_t id = it->second;
  connecting_.erase(it);
  const Attempt& a = attempts_.at(id);
  const locate::Target& t = a.targets.at(a.index - 1);
  finish(id, Located{flow, t, t.transport == locate::Transport::tls});
}

void SipRouter::flow_closed(sip::txn::Flow flow, const std::string& why) {
  auto it = connecting_.find(flow.id);
  if (it == connecting_.end()) return;
  const std::uint64_t id = it->second;
  connecting_.erase(it);
  Attempt& a = attempts_.at(id);
  a.errors.push_back(locate::to_string(a.targets.at(a.index - 1)) + ": " + why);
  a.flow.reset();
  try_next(id);
}

void SipRouter::deliver(sip::txn::Flow flow, const sip::SipMessage& msg) {
  if (on_sent_) on_sent_(msg);
  if (Status st = endpoint_.send(flow, msg); !st && log_) log_("send failed: " + st.error().message());
}

void SipRouter::send(const ua::Transmit& t) {
  if (!t.target) {
    deliver(t.flow, t.message);
    return;
  }
  for (auto& [id, a] : attempts_) {
    if (a.pending && a.pending->id == t.flow.id) {
      if (!t.retransmission) a.queue.push_back(t.message);  // the first copy goes once located
      return;
    }
  }
  const sip::txn::Flow pending = t.flow;
  const sip::Uri target = *t.target;
  const sip::Transport transport = ua::transport_of(target);  // what the UA's Via names
  if (!allows(mode_, transport)) {
    if (log_) {
      log_(fmt::format("cannot send to {} over {}: --transport {} does not allow it", sip::serialize(target),
                       sip::transport_name(transport), locate::to_string(mode_)));
    }
    if (on_unreachable_) on_unreachable_(pending);
    return;
  }
  Attempt a;
  a.uri = target;
  a.pending = pending;
  if (!t.retransmission) a.queue.push_back(t.message);
  start(std::move(a), transport);
}

}  // namespace sotto::runtime
