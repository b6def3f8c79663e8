#pragma once
// Test-only: fakes of the B2BUA's interfaces (locations, digest authenticator, media anchor, policies)
// and a fake network joining ua::UserAgent phones and one B2bua, driven in virtual time (the UA tests'
// network, ua/testing_net.hpp, with the B2bua plugged in). B2BUA_TRACE=1 in the environment prints every
// delivered message.
//
//   testing::Net net;  int alice = net.add_phone("alice", alice_ua);  net.attach(b2bua);
//   Flow bob_flow = net.connect(bob, "TLS");     // bob's connection to the server (his binding's flow)
//   ASSERT_TRUE(net.run_until([&] { return net.has_state(alice, ua::CallState::established); }));

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
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
#include "core/ua/testing_net.hpp"
#include "core/ua/user_agent.hpp"

namespace sotto::b2bua::testing {

using namespace std::chrono_literals;
using sip::SipMessage;

using ua::testing::start_time;
using ua::testing::uri;

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
  struct Quiet {
    relay::RelayId relay;
    relay::Side side;
    bool quiet;
  };
  std::vector<Quiet> quiets;
  void set_quiet(relay::RelayId r, relay::Side s, bool q) override { quiets.push_back(Quiet{r, s, q}); }
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

// The B2BUA tests' network (ua/testing_net.hpp): phones, scripted peers and one B2bua, "the server".
class Net : public ua::testing::BasicNetwork<Net> {
 public:
  // In the order the server's outputs were polled: "event:call_ended", "tx:487", "tx:BYE", ...
  std::vector<std::string> server_log;
  // A deque: pointers from server_event() stay valid while later events arrive.
  std::deque<B2buaEvent> server_events;

  Net() { trace_env_ = "B2BUA_TRACE"; }

  int add_phone(std::string name, ua::UserAgent& ua) { return add_ua(std::move(name), ua); }
  int attach(B2bua& b) {
    server_core_.b2bua = &b;
    server_ = add_core("server", b.config().bindings, server_core_);
    return server_;
  }
  int server() const { return server_; }

  // Opens a connection from `from`'s binding to the server's; returns the server's end (a binding's
  // flow, as the registrar would have recorded it).
  Flow connect(int from, const std::string& transport) { return link(from, server_, transport).second; }
  // A scripted node's end of its connection to the server.
  Flow flow_to_server(int from, const std::string& transport) { return link(from, server_, transport).first; }

  const B2buaEvent* server_event(B2buaEvent::Kind k) const {
    for (const auto& e : server_events) if (e.kind == k) return &e;
    return nullptr;
  }

 private:
  struct Server final : Core {
    B2bua* b2bua = nullptr;
    std::optional<Timestamp> next_timeout() const override { return b2bua->next_timeout(); }
    void handle_timeout(Timestamp now) override { b2bua->handle_timeout(now); }
    void handle_message(Timestamp now, const ua::testing::Arrival& a, SipMessage msg) override {
      registrar::RequestContext ctx;
      ctx.flow = a.flow;
      ctx.transport = *sip::parse_transport(a.transport);
      ctx.source_ip = a.source_ip;
      ctx.source_port = a.source_port;
      ctx.secure = a.secure;
      b2bua->handle_message(now, a.flow, ctx, std::move(msg));
    }
    void handle_transport_error(Timestamp now, Flow placeholder) override {
      b2bua->handle_transport_error(now, placeholder);
    }
    void drain(Net& net, int self) override {
      // Transmits first on purpose: the B2BUA must hold back what follows a call_ended event.
      bool more = true;
      while (more) {
        more = false;
        while (auto t = b2bua->poll_transmit()) {
          net.server_log.push_back("tx:" + (t->message.is_request() ? t->message.method().name()
                                                                    : std::to_string(t->message.status())));
          net.transmit(self, *t);
          more = true;
        }
        while (auto ev = b2bua->poll_event()) {
          net.server_log.push_back(std::string("event:") + (ev->kind == B2buaEvent::Kind::call_ended      ? "call_ended"
                                                            : ev->kind == B2buaEvent::Kind::call_answered ? "call_answered"
                                                                                                         : "call_started"));
          net.server_events.push_back(std::move(*ev));
          more = true;
        }
      }
    }
  };
  Server server_core_;
  int server_ = -1;
};

}  // namespace sotto::b2bua::testing
