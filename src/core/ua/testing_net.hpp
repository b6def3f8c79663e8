#pragma once
// Test-only: the fake network the UA's and the B2BUA's tests share, driven in virtual time like quinn's
// Pair::drive(). Its nodes are UserAgents, scripted peers, or another sans-IO core plugged in through Core
// (the B2BUA: testing_b2bua.hpp). Messages travel serialized, with a latency; UDP links can drop or
// duplicate (udp_fault). Set the environment variable named by trace_env (UA_TRACE, B2BUA_TRACE) to print
// every delivered message.
//
//   class Network : public BasicNetwork<Network> {};            // testing_ua.hpp
//   Network net;  int a = net.add_ua("alice", alice);  int b = net.add_ua("bob", bob);
//   ASSERT_TRUE(net.run_until([&] { return net.has(a, UaEvent::Kind::media_ready); }));

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
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

// How a message reached a node, as its transport would tell a server.
struct Arrival {
  Flow flow;
  std::string transport;  // "TLS", "TCP", "UDP"
  std::string source_ip;  // the sender's, from BasicNetwork::source_ips (default 127.0.0.1)
  std::uint16_t source_port = 0;
  bool secure = false;
};

// Self: the derived network, the type scripts and cores are handed.
template <class Self>
class BasicNetwork {
 public:
  // A scripted node: called for every message it receives, on the flow it came on.
  using Script = std::function<void(Self&, int node, Flow flow, const SipMessage& msg)>;
  // Another sans-IO core on the network.
  struct Core {
    virtual ~Core() = default;
    virtual std::optional<Timestamp> next_timeout() const = 0;
    virtual void handle_timeout(Timestamp now) = 0;
    virtual void handle_message(Timestamp now, const Arrival& arrival, SipMessage msg) = 0;
    virtual void handle_transport_error(Timestamp now, Flow placeholder) = 0;
    // Everything the core has to send (through net.transmit) and its events.
    virtual void drain(Self& net, int self) = 0;
  };
  struct Node {
    std::string name;
    UserAgent* ua = nullptr;
    Core* core = nullptr;
    Script script;
    std::vector<LocalBinding> bindings;
    std::vector<UaEvent> events;
    std::vector<SipMessage> received;
  };

  Timestamp now = start_time();
  Duration latency = 5ms;
  // For each message on a UDP link: how many copies arrive (0 = lost, 2 = duplicated).
  std::function<int(int from, const SipMessage&)> udp_fault;
  // Source address a core sees for a node's messages (default 127.0.0.1).
  std::map<int, std::string> source_ips;
  // Changes what a node sends before it travels (e.g. a phone's SDP as another implementation writes it).
  std::function<void(int from, SipMessage&)> rewrite;
  // Sees a UserAgent's incoming messages first; sets gate_consumed to keep one from the UserAgent.
  std::map<int, Script> gates;
  bool gate_consumed = false;

  int add_ua(std::string name, UserAgent& ua) {
    nodes_.push_back(Node{std::move(name), &ua, nullptr, nullptr, ua.config().bindings, {}, {}});
    return static_cast<int>(nodes_.size()) - 1;
  }
  int add_script(std::string name, std::vector<LocalBinding> bindings, Script script) {
    nodes_.push_back(Node{std::move(name), nullptr, nullptr, std::move(script), std::move(bindings), {}, {}});
    return static_cast<int>(nodes_.size()) - 1;
  }
  int add_core(std::string name, std::vector<LocalBinding> bindings, Core& core) {
    nodes_.push_back(Node{std::move(name), nullptr, &core, nullptr, std::move(bindings), {}, {}});
    return static_cast<int>(nodes_.size()) - 1;
  }
  Node& node(int i) { return nodes_.at(static_cast<std::size_t>(i)); }

  // A node sends `msg` on `flow` (a flow it has).
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
  // A core's transmit: to its target's binding, or on its flow.
  void transmit(int from, const Transmit& t) {
    if (t.target) route(from, *t.target, t.flow, t.message);
    else send(from, t.flow, t.message);
  }

  // Steps virtual time until `pred` holds (true) or `limit` passes (false).
  bool run_until(const std::function<bool()>& pred, Duration limit = 120s) {
    const Timestamp end = now + limit;
    while (true) {
      collect();
      if (pred()) return true;
      std::optional<Timestamp> next;
      for (const auto& f : flights_) if (!next || f.at < *next) next = f.at;
      for (auto& n : nodes_) {
        auto t = n.ua ? n.ua->next_timeout() : n.core ? n.core->next_timeout() : std::nullopt;
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
        } else if (n.core) {
          auto t = n.core->next_timeout();
          if (t && *t <= now) n.core->handle_timeout(now);
        }
      }
    }
  }
  void run_for(Duration d) { run_until([] { return false; }, d); }

  const UaEvent* find(int n, UaEvent::Kind k, int nth = 0) const {
    for (const auto& e : nodes_.at(static_cast<std::size_t>(n)).events) {
      if (e.kind == k && nth-- == 0) return &e;
    }
    return nullptr;
  }
  bool has(int n, UaEvent::Kind k) const { return find(n, k) != nullptr; }
  const UaEvent* find_state(int n, CallState s) const {
    for (const auto& e : nodes_.at(static_cast<std::size_t>(n)).events) {
      if (e.kind == UaEvent::Kind::call_state && e.state == s) return &e;
    }
    return nullptr;
  }
  bool has_state(int n, CallState s) const { return find_state(n, s) != nullptr; }
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

 protected:
  // The connection between two nodes' bindings over `transport`, made on first use: (from's end, to's end).
  std::pair<Flow, Flow> link(int from, int to, const std::string& transport) {
    auto key = std::make_tuple(from, to, transport);
    if (auto it = conns_.find(key); it != conns_.end()) return {it->second, peers_[{from, it->second.id}].flow};
    const bool reliable = transport != "UDP";
    const Flow a{next_flow_++, reliable};
    const Flow b{next_flow_++, reliable};
    peers_[{from, a.id}] = Peer{to, b, transport, port_of(from, transport)};
    peers_[{to, b.id}] = Peer{from, a, transport, port_of(to, transport)};
    conns_[key] = a;
    conns_[std::make_tuple(to, from, transport)] = b;
    return {a, b};
  }

  const char* trace_env_ = "UA_TRACE";

 private:
  struct Peer {
    int node;
    Flow flow;
    std::string transport;
    std::uint16_t source_port;  // the sender's binding port
  };
  struct Flight {
    Timestamp at;
    std::uint64_t seq;
    Peer to;
    std::string bytes;
  };

  Self& self() { return static_cast<Self&>(*this); }

  std::uint16_t port_of(int n, const std::string& transport) {
    for (const auto& b : node(n).bindings) if (b.transport == transport) return b.port;
    return 0;
  }

  void collect() {
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      Node& n = nodes_[i];
      if (n.ua) {
        while (auto t = n.ua->poll_transmit()) transmit(static_cast<int>(i), *t);
        while (auto ev = n.ua->poll_event()) n.events.push_back(std::move(*ev));
      } else if (n.core) {
        n.core->drain(self(), static_cast<int>(i));
      }
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
    Node& src = node(from);
    if (to < 0) {
      if (src.ua) src.ua->handle_transport_error(now, placeholder);
      if (src.core) src.core->handle_transport_error(now, placeholder);
      return;
    }
    const Flow flow = link(from, to, transport).first;
    send(from, flow, msg);
    // Like runtime::SipRouter: the located flow replaces the pending one in the UA.
    if (src.ua) src.ua->use_flow(target, flow, FlowInfo{transport == "TLS"});
  }

  void enqueue(int from, const Peer& to, const SipMessage& msg) {
    int copies = 1;
    if (!to.flow.reliable && udp_fault) copies = udp_fault(from, msg);
    std::optional<SipMessage> changed;
    if (rewrite) {
      changed = msg;
      rewrite(from, *changed);
    }
    for (int i = 0; i < copies; ++i) {
      flights_.push_back(Flight{now + latency + i * 1ms, seq_++, to, sip::serialize(changed ? *changed : msg)});
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
      Node& n = node(f.to.node);
      n.received.push_back(*msg);
      if (std::getenv(trace_env_)) {
        std::fprintf(stderr, "-> %s t=%lld\n%s\n", n.name.c_str(),
                     (long long)std::chrono::duration_cast<std::chrono::milliseconds>(now - start_time()).count(),
                     f.bytes.c_str());
      }
      const bool secure = f.to.transport == "TLS";
      if (auto g = gates.find(f.to.node); g != gates.end() && n.ua) {
        g->second(self(), f.to.node, f.to.flow, *msg);
        const bool consumed = gate_consumed;
        gate_consumed = false;
        if (consumed) {
          collect();
          continue;
        }
      }
      if (n.ua) {
        n.ua->handle_message(now, f.to.flow, std::move(*msg), FlowInfo{secure});
      } else if (n.core) {
        const Peer& back = peers_[{f.to.node, f.to.flow.id}];
        Arrival a{f.to.flow, f.to.transport, source_ips.count(back.node) ? source_ips.at(back.node) : "127.0.0.1",
                  back.source_port, secure};
        n.core->handle_message(now, a, std::move(*msg));
      } else if (n.script) {
        n.script(self(), f.to.node, f.to.flow, *msg);
      }
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

}  // namespace sotto::ua::testing
