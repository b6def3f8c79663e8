#pragma once
// Test-only: a fake network joining UserAgents and scripted peers (a fake registrar, a UAS that answers
// plain RTP), driven in virtual time like quinn's Pair::drive(); UDP links can drop or duplicate.
// UA_TRACE=1 in the environment prints every delivered message.
//
//   testing::Network net;  int a = net.add_ua("alice", alice);  int b = net.add_ua("bob", bob);
//   alice.call(net.now, bob_uri, {"127.0.0.1", 40000});
//   ASSERT_TRUE(net.run_until([&] { return net.has(a, UaEvent::Kind::media_ready); }));

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/sip/header_fields.hpp"
#include "core/sip/message_parser.hpp"
#include "core/sip/message_writer.hpp"
#include "core/sip/response_builder.hpp"
#include "core/ua/request_parts.hpp"
#include "core/ua/user_agent.hpp"

namespace sotto::ua::testing {

using namespace std::chrono_literals;
using sip::SipMessage;
using sip::txn::Duration;

inline Timestamp start_time() { return Timestamp{} + std::chrono::hours(1); }

inline sip::Uri uri(const std::string& s) {
  auto u = sip::parse_uri(s);
  EXPECT_TRUE(u) << s;
  return u ? *u : sip::Uri{};
}

// alice on TLS 127.0.0.1:<port>, AOR sips:<user>@127.0.0.1, answers with RTP on port + 30000.
inline UaConfig config(const std::string& user, std::uint16_t port, const std::string& transport = "TLS") {
  UaConfig c;
  c.aor = uri((transport == "TLS" ? "sips:" : "sip:") + user + "@127.0.0.1");
  c.display_name = user;
  c.bindings = {LocalBinding{transport, "127.0.0.1", port}};
  c.incoming_media = CallOptions{"127.0.0.1", static_cast<std::uint16_t>(port + 30000), "IP4"};
  if (transport != "TLS") c.media_policy.allow_sdes_over_insecure_transport = true;
  return c;
}

class Network {
 public:
  using Script = std::function<void(Network&, int node, Flow flow, const SipMessage& msg)>;
  struct Node {
    std::string name;
    UserAgent* ua = nullptr;
    Script script;
    std::vector<LocalBinding> bindings;
    std::vector<UaEvent> events;
    std::vector<SipMessage> received;
  };

  Timestamp now = start_time();
  Duration latency = 5ms;
  // For each message on a UDP link: how many copies arrive (0 = lost, 2 = duplicated).
  std::function<int(int from, const SipMessage&)> udp_fault;

  int add_ua(std::string name, UserAgent& ua) {
    nodes_.push_back(Node{std::move(name), &ua, nullptr, ua.config().bindings, {}, {}});
    return static_cast<int>(nodes_.size()) - 1;
  }
  int add_script(std::string name, std::vector<LocalBinding> bindings, Script script) {
    nodes_.push_back(Node{std::move(name), nullptr, std::move(script), std::move(bindings), {}, {}});
    return static_cast<int>(nodes_.size()) - 1;
  }
  Node& node(int i) { return nodes_.at(static_cast<std::size_t>(i)); }

  // A scripted node sends `msg` on `flow` (a flow it received something on).
  void send(int from, Flow flow, const SipMessage& msg) {
    auto it = peers_.find({from, flow.id});
    if (it == peers_.end()) {
      ADD_FAILURE() << node(from).name << ": send on unknown flow " << flow.id;
      return;
    }
    enqueue(from, it->second, msg);
  }
  // A scripted node sends to another node's binding (a request of its own).
  void send_to(int from, const sip::Uri& target, const SipMessage& msg) { route(from, target, Flow{}, msg); }

  // Steps virtual time until `pred` holds (true) or `limit` passes (false).
  bool run_until(const std::function<bool()>& pred, Duration limit = 120s) {
    const Timestamp end = now + limit;
    while (true) {
      collect();
      if (pred()) return true;
      std::optional<Timestamp> next;
      for (const auto& f : flights_) if (!next || f.at < *next) next = f.at;
      for (auto& n : nodes_) {
        if (!n.ua) continue;
        auto t = n.ua->next_timeout();
        if (t && (!next || *t < *next)) next = t;
      }
      if (!next || *next > end) {
        now = end;
        return pred();
      }
      if (*next > now) now = *next;
      deliver_due();
      for (auto& n : nodes_) {
        if (n.ua) {
          auto t = n.ua->next_timeout();
          if (t && *t <= now) n.ua->handle_timeout(now);
        }
      }
    }
  }
  void run_for(Duration d) { run_until([] { return false; }, d); }

  bool has(int n, UaEvent::Kind k) const { return find(n, k) != nullptr; }
  const UaEvent* find(int n, UaEvent::Kind k, int nth = 0) const {
    for (const auto& e : nodes_.at(static_cast<std::size_t>(n)).events) {
      if (e.kind == k && nth-- == 0) return &e;
    }
    return nullptr;
  }
  const UaEvent* find_state(int n, CallState s) const {
    for (const auto& e : nodes_.at(static_cast<std::size_t>(n)).events) {
      if (e.kind == UaEvent::Kind::call_state && e.state == s) return &e;
    }
    return nullptr;
  }
  std::vector<SipMessage> received(int n, const std::string& method_or_status) const {
    std::vector<SipMessage> out;
    for (const auto& m : nodes_.at(static_cast<std::size_t>(n)).received) {
      if (m.is_request() ? m.method().name() == method_or_status : std::to_string(m.status()) == method_or_status) {
        out.push_back(m);
      }
    }
    return out;
  }
  std::size_t count(int n, const std::string& method_or_status) const { return received(n, method_or_status).size(); }

 private:
  struct Peer {
    int node;
    Flow flow;
    bool secure;
  };
  struct Flight {
    Timestamp at;
    std::uint64_t seq;
    Peer to;
    std::string bytes;
  };

  void collect() {
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      Node& n = nodes_[i];
      if (!n.ua) continue;
      while (auto t = n.ua->poll_transmit()) {
        if (t->target) route(static_cast<int>(i), *t->target, t->flow, t->message);
        else send(static_cast<int>(i), t->flow, t->message);
      }
      while (auto ev = n.ua->poll_event()) n.events.push_back(std::move(*ev));
    }
  }

  void route(int from, const sip::Uri& target, Flow placeholder, const SipMessage& msg) {
    const std::string transport = transport_for(target);
    const std::uint16_t port = target.port.value_or(transport == "TLS" ? 5061 : 5060);
    int to = -1;
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      for (const auto& b : nodes_[i].bindings) {
        if (b.transport == transport && b.host == target.host && b.port == port) to = static_cast<int>(i);
      }
    }
    if (to < 0) {
      if (nodes_[static_cast<std::size_t>(from)].ua) nodes_[static_cast<std::size_t>(from)].ua->handle_transport_error(now, placeholder);
      return;
    }
    auto key = std::make_tuple(from, to, transport);
    auto it = conns_.find(key);
    if (it == conns_.end()) {
      const bool reliable = transport != "UDP";
      const Flow a{next_flow_++, reliable};
      const Flow b{next_flow_++, reliable};
      const bool secure = transport == "TLS";
      peers_[{from, a.id}] = Peer{to, b, secure};
      peers_[{to, b.id}] = Peer{from, a, secure};
      conns_[key] = a;
      conns_[std::make_tuple(to, from, transport)] = b;
      it = conns_.find(key);
    }
    const Peer to_peer = peers_[{from, it->second.id}];
    enqueue(from, to_peer, msg);
    // Like runtime::SipRouter: the located flow replaces the pending one in the UA.
    if (UserAgent* ua = nodes_[static_cast<std::size_t>(from)].ua) {
      ua->use_flow(target, it->second, FlowInfo{to_peer.secure});
    }
  }

  void enqueue(int from, const Peer& to, const SipMessage& msg) {
    int copies = 1;
    if (!to.flow.reliable && udp_fault) copies = udp_fault(from, msg);
    for (int i = 0; i < copies; ++i) {
      flights_.push_back(Flight{now + latency + i * 1ms, seq_++, to, sip::serialize(msg)});
    }
  }

  void deliver_due() {
    std::stable_sort(flights_.begin(), flights_.end(),
                     [](const Flight& a, const Flight& b) { return a.at != b.at ? a.at < b.at : a.seq < b.seq; });
    while (!flights_.empty() && flights_.front().at <= now) {
      Flight f = std::move(flights_.front());
      flights_.erase(flights_.begin());
      sip::ParseOptions opts;
      opts.framing = f.to.flow.reliable ? sip::Framing::stream : sip::Framing::datagram;
      auto msg = sip::parse_message(f.bytes, opts);
      if (!msg) {
        ADD_FAILURE() << "unparseable message on the wire: " << msg.error().message() << "\n" << f.bytes;
        continue;
      }
      Node& n = nodes_[static_cast<std::size_t>(f.to.node)];
      n.received.push_back(*msg);
      if (std::getenv("UA_TRACE")) std::fprintf(stderr, "-> %s t=%lld\n%s\n", n.name.c_str(), (long long)std::chrono::duration_cast<std::chrono::milliseconds>(now - start_time()).count(), f.bytes.c_str());
      if (n.ua) n.ua->handle_message(now, f.to.flow, std::move(*msg), FlowInfo{f.to.secure});
      else if (n.script) n.script(*this, f.to.node, f.to.flow, *msg);
      collect();
    }
  }

  std::vector<Node> nodes_;
  std::map<std::pair<int, std::uint64_t>, Peer> peers_;
  std::map<std::tuple<int, int, std::string>, Flow> conns_;
  std::vector<Flight> flights_;
  std::uint64_t next_flow_ = 1;
  std::uint64_t seq_ = 0;
};

// A response to `req` from a scripted peer, with a To tag and the given extra headers.
inline SipMessage reply(const SipMessage& req, int status, const std::string& reason, const std::string& to_tag = "scripttag") {
  auto r = sip::make_response(req, status, reason, status == 100 ? "" : to_tag);
  EXPECT_TRUE(r);
  return r ? *r : SipMessage{};
}

}  // namespace sotto::ua::testing
