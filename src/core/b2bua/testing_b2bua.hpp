#pragma once
// Test-only: fakes of the B2BUA's interfaces (locations, digest authenticator, media anchor, policies)
// and a fake network joining ua::UserAgent phones and one B2bua, driven in virtual time.
// B2BUA_TRACE=1 in the environment prints every delivered message.
//
//   testing::Net net;  int alice = net.add_phone("alice", alice_ua);  net.attach(b2bua);
//   Flow bob_flow = net.connect(bob, "TLS");     // bob's connection to the server (his binding's flow)
//   ASSERT_TRUE(net.run_until([&] { return net.has_state(alice, ua::CallState::established); }));

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/auth/digest.hpp"
#include "core/b2bua/b2bua.hpp"
#include "core/sip/header_fields.hpp"
#include "core/sip/message_parser.hpp"
#include "core/sip/message_writer.hpp"
#include "core/sip/response_builder.hpp"
#include "core/ua/request_parts.hpp"
#include "core/ua/call.hpp"
#include "core/ua/user_agent.hpp"

namespace sotto::b2bua::testing {

using namespace std::chrono_literals;
using sip::SipMessage;

inline Timestamp start_time() { return Timestamp{} + std::chrono::hours(1); }

inline sip::Uri uri(const std::string& s) {
  auto u = sip::parse_uri(s);
  EXPECT_TRUE(u) << s;
  return u ? *u : sip::Uri{};
}

struct FakeLocations final : registrar::Locations {
  std::map<std::string, std::vector<registrar::Binding>, std::less<>> bindings;
  std::vector<registrar::Binding> lookup(Timestamp, std::string_view user) const override {
    auto it = bindings.find(user);
    return it == bindings.end() ? std::vector<registrar::Binding>{} : it->second;
  }
  // The binding whose pub_gruu is `gruu` as written.
  std::optional<registrar::Binding> lookup_gruu(Timestamp, const sip::Uri& gruu) const override {
    for (const auto& [user, list] : bindings) {
      for (const auto& b : list) if (!b.pub_gruu.empty() && b.pub_gruu == sip::serialize(gruu)) return b;
    }
    return std::nullopt;
  }
};

// Digest for INVITE with 407 challenges (qop=auth, MD5 and SHA-256), one password per user.
struct FakeAuthenticator final : registrar::Authenticator {
  std::map<std::string, std::string> passwords;
  std::vector<std::string> trusted;  // From users accepted without digest (scripted callers)
  std::string realm = "sotto";
  int nonce_counter = 0;
  int challenges = 0;
  registrar::AuthDecision authenticate(Timestamp, const registrar::RequestContext&, const SipMessage& req) override {
    registrar::AuthDecision d;
    if (auto from = req.header(sip::hdr::from)) {
      for (const auto& t : trusted) {
        if (from->uri.user == t) {
          d.user = t;
          return d;
        }
      }
    }
    if (const sip::Header* h = req.find(sip::HeaderId::proxy_authorization)) {
      auto a = auth::parse_authorization(h->value);
      if (a) {
        auto it = passwords.find(a->username);
        if (it != passwords.end() && a->nonce == "nonce" + std::to_string(nonce_counter) &&
            auth::verify(*a, it->second, req.method().name(), req.body())) {
          d.user = a->username;
          return d;
        }
      }
    }
    ++challenges;
    auto r = sip::make_response(req, 407, "Proxy Authentication Required", "authtag");
    const std::string nonce = "nonce" + std::to_string(++nonce_counter);
    (void)r->add_raw("Proxy-Authenticate", "Digest realm=\"" + realm + "\", nonce=\"" + nonce + "\", qop=\"auth\", algorithm=SHA-256");
    d.response = std::move(*r);
    return d;
  }
};

struct FakeAnchor final : relay::MediaAnchor {
  struct SetLeg {
    relay::RelayId relay;
    relay::Side side;
    relay::LegMedia media;
  };
  relay::RelayId next = 1;
  std::vector<relay::RelayId> opened;
  std::vector<relay::RelayId> closed;
  std::vector<SetLeg> legs;
  bool full = false;
  Result<relay::RelayId> open(Timestamp) override {
    if (full) return fail(Errc::limit_exceeded, "rtp ports 40000-40003 all in use");
    opened.push_back(next);
    return next++;
  }
  relay::AnchorAddress local(relay::RelayId r, relay::Side s) const override {
    return {"127.0.0.1", static_cast<std::uint16_t>(40000 + 4 * r + (s == relay::Side::a ? 0 : 2))};
  }
  Status set_leg(Timestamp, relay::RelayId r, relay::Side s, const relay::LegMedia& m) override {
    legs.push_back(SetLeg{r, s, m});
    return {};
  }
  relay::LegStats stats(relay::RelayId, relay::Side s) const override {
    relay::LegStats st;
    st.packets_in = s == relay::Side::a ? 100 : 90;
    st.packets_out = s == relay::Side::a ? 90 : 100;
    return st;
  }
  void close(relay::RelayId r) override { closed.push_back(r); }
  std::vector<SetLeg> on(relay::Side s) const {
    std::vector<SetLeg> out;
    for (const auto& l : legs) if (l.side == s) out.push_back(l);
    return out;
  }
};

struct FakePolicies final : Policies {
  std::map<std::string, UserPolicy, std::less<>> users;
  std::optional<UserPolicy> lookup(std::string_view user) const override {
    auto it = users.find(user);
    if (it == users.end()) return std::nullopt;
    return it->second;
  }
};

// A phone: TLS on 127.0.0.1:<port>, AOR sips:<user>@localhost, the server as outbound proxy, RTP on
// port + 30000 for incoming calls.
inline ua::UaConfig phone(const std::string& user, std::uint16_t port, const std::string& transport = "TLS") {
  ua::UaConfig c;
  c.aor = uri((transport == "TLS" ? "sips:" : "sip:") + user + "@localhost");
  c.display_name = user;
  c.credentials = auth::DigestCredentials{user, "pw-" + user};
  c.outbound_proxy = uri(transport == "TLS" ? "sips:127.0.0.1:5061" : "sip:127.0.0.1:5060;transport=" +
                                                                         std::string(transport == "UDP" ? "udp" : "tcp"));
  c.bindings = {ua::LocalBinding{transport, "127.0.0.1", port}};
  c.incoming_media = ua::CallOptions{"127.0.0.1", static_cast<std::uint16_t>(port + 30000), "IP4"};
  if (transport != "TLS") c.media_policy.allow_sdes_over_insecure_transport = true;
  return c;
}

class Net {
 public:
  // A scripted node: called for every message it receives, on the flow it came on.
  using Script = std::function<void(Net&, int node, Flow flow, const SipMessage& msg)>;
  struct Node {
    std::string name;
    ua::UserAgent* ua = nullptr;
    B2bua* b2bua = nullptr;
    Script script;
    std::vector<ua::LocalBinding> bindings;
    std::vector<ua::UaEvent> events;
    std::vector<SipMessage> received;
  };
  // In the order the server's outputs were polled: "event:call_ended", "tx:487", "tx:BYE", ...
  std::vector<std::string> server_log;
  std::vector<B2buaEvent> server_events;

  Timestamp now = start_time();
  Duration latency = 5ms;
  // Source address the server sees for a node's messages (default 127.0.0.1).
  std::map<int, std::string> source_ips;
  // Sees a phone's incoming messages first; returns true when it consumed one (a carrier's digest edge).
  std::map<int, Script> gates;

  int add_phone(std::string name, ua::UserAgent& ua) {
    nodes_.push_back(Node{std::move(name), &ua, nullptr, nullptr, ua.config().bindings, {}, {}});
    return static_cast<int>(nodes_.size()) - 1;
  }
  int add_script(std::string name, std::vector<ua::LocalBinding> bindings, Script script) {
    nodes_.push_back(Node{std::move(name), nullptr, nullptr, std::move(script), std::move(bindings), {}, {}});
    return static_cast<int>(nodes_.size()) - 1;
  }
  int attach(B2bua& b) {
    nodes_.push_back(Node{"server", nullptr, &b, nullptr, b.config().bindings, {}, {}});
    server_ = static_cast<int>(nodes_.size()) - 1;
    return server_;
  }
  Node& node(int i) { return nodes_.at(static_cast<std::size_t>(i)); }
  int server() const { return server_; }

  // Opens a connection from `from`'s binding to the server's; returns the server's end (a binding's
  // flow, as the registrar would have recorded it).
  Flow connect(int from, const std::string& transport) {
    return link(from, server_, transport).second;
  }
  // A scripted node's end of its connection to the server.
  Flow flow_to_server(int from, const std::string& transport) { return link(from, server_, transport).first; }

  // A scripted node sends `msg` on `flow` (a flow it has).
  void send(int from, Flow flow, const SipMessage& msg) {
    auto it = peers_.find({from, flow.id});
    if (it == peers_.end()) {
      ADD_FAILURE() << node(from).name << ": send on unknown flow " << flow.id;
      return;
    }
    flights_.push_back(Flight{now + latency, seq_++, it->second, sip::serialize(msg)});
  }

  bool run_until(const std::function<bool()>& pred, Duration limit = 120s) {
    const Timestamp end = now + limit;
    while (true) {
      collect();
      if (pred()) return true;
      std::optional<Timestamp> next;
      for (const auto& f : flights_) if (!next || f.at < *next) next = f.at;
      for (auto& n : nodes_) {
        auto t = n.ua ? n.ua->next_timeout() : n.b2bua ? n.b2bua->next_timeout() : std::nullopt;
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
        } else if (n.b2bua) {
          auto t = n.b2bua->next_timeout();
          if (t && *t <= now) n.b2bua->handle_timeout(now);
        }
      }
    }
  }
  bool gate_consumed = false;  // a gate sets it to keep the message from the phone
  void run_for(Duration d) { run_until([] { return false; }, d); }

  const ua::UaEvent* find(int n, ua::UaEvent::Kind k, int nth = 0) const {
    for (const auto& e : nodes_.at(static_cast<std::size_t>(n)).events) {
      if (e.kind == k && nth-- == 0) return &e;
    }
    return nullptr;
  }
  bool has(int n, ua::UaEvent::Kind k) const { return find(n, k) != nullptr; }
  const ua::UaEvent* find_state(int n, ua::CallState s) const {
    for (const auto& e : nodes_.at(static_cast<std::size_t>(n)).events) {
      if (e.kind == ua::UaEvent::Kind::call_state && e.state == s) return &e;
    }
    return nullptr;
  }
  bool has_state(int n, ua::CallState s) const { return find_state(n, s) != nullptr; }
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
  const B2buaEvent* server_event(B2buaEvent::Kind k) const {
    for (const auto& e : server_events) if (e.kind == k) return &e;
    return nullptr;
  }

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

  std::uint16_t port_of(int n, const std::string& transport) {
    for (const auto& b : node(n).bindings) if (b.transport == transport) return b.port;
    return 0;
  }

  void route(int from, const sip::Uri& target, Flow placeholder, const SipMessage& msg) {
    const std::string transport = ua::transport_for(target);
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
      if (src.b2bua) src.b2bua->handle_transport_error(now, placeholder);
      return;
    }
    send(from, link(from, to, transport).first, msg);
  }

  void out(int i, const ua::Transmit& t) {
    if (t.target) route(i, *t.target, t.flow, t.message);
    else send(i, t.flow, t.message);
  }

  void collect() {
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
      Node& n = nodes_[i];
      if (n.ua) {
        while (auto t = n.ua->poll_transmit()) out(static_cast<int>(i), *t);
        while (auto ev = n.ua->poll_event()) n.events.push_back(std::move(*ev));
      } else if (n.b2bua) {
        // Transmits first on purpose: the B2BUA must hold back what follows a call_ended event.
        bool more = true;
        while (more) {
          more = false;
          while (auto t = n.b2bua->poll_transmit()) {
            server_log.push_back("tx:" + (t->message.is_request() ? t->message.method().name()
                                                                  : std::to_string(t->message.status())));
            out(static_cast<int>(i), *t);
            more = true;
          }
          while (auto ev = n.b2bua->poll_event()) {
            server_log.push_back(std::string("event:") + (ev->kind == B2buaEvent::Kind::call_ended         ? "call_ended"
                                                          : ev->kind == B2buaEvent::Kind::call_answered    ? "call_answered"
                                                          : ev->kind == B2buaEvent::Kind::call_transferred ? "call_transferred"
                                                                                                          : "call_started"));
            server_events.push_back(std::move(*ev));
            more = true;
          }
        }
      }
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
      if (std::getenv("B2BUA_TRACE")) {
        std::fprintf(stderr, "-> %s t=%lld\n%s\n", n.name.c_str(),
                     (long long)std::chrono::duration_cast<std::chrono::milliseconds>(now - start_time()).count(),
                     f.bytes.c_str());
      }
      const bool secure = f.to.transport == "TLS";
      if (auto g = gates.find(f.to.node); g != gates.end() && n.ua) {
        bool consumed = false;
        g->second(*this, f.to.node, f.to.flow, *msg);
        consumed = gate_consumed;
        gate_consumed = false;
        if (consumed) {
          collect();
          continue;
        }
      }
      if (n.ua) {
        n.ua->handle_message(now, f.to.flow, std::move(*msg), ua::FlowInfo{secure});
      } else if (n.b2bua) {
        registrar::RequestContext ctx;
        ctx.flow = f.to.flow;
        ctx.transport = *sip::parse_transport(f.to.transport);
        const int sender = peers_[{f.to.node, f.to.flow.id}].node;
        ctx.source_ip = source_ips.count(sender) ? source_ips.at(sender) : "127.0.0.1";
        ctx.source_port = peers_[{f.to.node, f.to.flow.id}].source_port;
        ctx.secure = secure;
        n.b2bua->handle_message(now, f.to.flow, ctx, std::move(*msg));
      } else if (n.script) {
        n.script(*this, f.to.node, f.to.flow, *msg);
      }
      collect();
    }
  }

  std::vector<Node> nodes_;
  int server_ = -1;
  std::map<std::pair<int, std::uint64_t>, Peer> peers_;
  std::map<std::tuple<int, int, std::string>, Flow> conns_;
  std::vector<Flight> flights_;
  std::uint64_t next_flow_ = 1;
  std::uint64_t seq_ = 0;
};

// A request in `phone`'s dialog of `call`, as the phone would send it (ua::UserAgent does not send REFER):
// Via on its first binding, CSeq `bump` above the phone's last. The phone's own CSeq does not move, so
// its later requests in that dialog would get 500 (CSeq must grow): tests end such calls from the other
// side. Send it with net.send(node, net.flow_to_server(node, "TLS"), msg).
inline SipMessage phone_request(const ua::UserAgent& phone, ua::CallHandle call, sip::MethodId method,
                                std::uint32_t bump = 100) {
  static int branch = 0;
  const ua::Call* c = phone.find_call(call);
  EXPECT_TRUE(c && c->dialog) << "no dialog for call " << call;
  if (!c || !c->dialog) return SipMessage::request(method, sip::Uri{});
  dialog::Dialog d = *c->dialog;
  SipMessage req = d.make_request(method);
  auto cseq = req.header(sip::hdr::cseq);
  req.remove(sip::HeaderId::cseq);
  req.add(sip::hdr::cseq, sip::CSeq{(cseq ? cseq->number : 1) + bump, method});
  req.push_front(sip::hdr::via, ua::make_via(phone.config().bindings.front(), "z9hG4bKtest" + std::to_string(++branch)));
  if (!req.find(sip::HeaderId::max_forwards)) req.add(sip::hdr::max_forwards, std::uint8_t{70});
  return req;
}

// A REFER from `phone` in its dialog of `call` (RFC 3515); `refer_to` as written in the header.
inline SipMessage phone_refer(const ua::UserAgent& phone, ua::CallHandle call, const std::string& refer_to,
                              std::uint32_t bump = 100) {
  SipMessage req = phone_request(phone, call, sip::MethodId::refer, bump);
  if (!refer_to.empty()) (void)req.add_raw("Refer-To", refer_to);
  return req;
}

// `node` answers every NOTIFY it gets with `status` (ua::UserAgent would answer 405): the transferor's
// side of the implicit subscription. The NOTIFYs stay in net.received(node, "NOTIFY").
inline void answer_notifies(Net& net, int node, int status = 200) {
  net.gates[node] = [status](Net& n, int self, Flow flow, const SipMessage& m) {
    if (!m.is_request() || m.method().id() != sip::MethodId::notify) return;
    auto r = sip::make_response(m, status, status == 200 ? "OK" : "Call/Transaction Does Not Exist");
    if (r) n.send(self, flow, *r);
    n.gate_consumed = true;
  };
}

// The status line a message/sipfrag NOTIFY body carries, without its CRLF.
inline std::string sipfrag(const SipMessage& notify) {
  std::string b(notify.body());
  if (auto e = b.find("\r\n"); e != std::string::npos) b.resize(e);
  return b;
}

}  // namespace sotto::b2bua::testing
