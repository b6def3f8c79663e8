// One complete call through the B2BUA core in virtual time (INVITE, 180, 200, ACK on both legs, BYE
// from the caller, 200) between two sotto UserAgents over the fake network of testing_b2bua.hpp, with N
// ended calls lingering in the B2BUA (each a 480 with its ACK, kept 64*T1 to absorb retransmissions).
// The cost per setup should not depend on N. Each benchmark prints the CPU time of this thread per
// call (everything runs on it: phones, network, B2BUA) and `vs_N0`, the ratio to
// BM_CallSetupWithLingering/0 of the same run (the anchor; it runs first). 20 untimed calls first.
//
// The server's T1 is 1 h so that no call is purged while a benchmark runs (N stays N, plus the calls
// of the benchmark itself: 20 warm-up calls and a fixed 400 iterations); the phones keep the default T1.
#include <benchmark/benchmark.h>

#include <time.h>

#include <chrono>
#include <map>
#include <string>

#include "base/testing/deterministic_random.hpp"
#include "core/b2bua/testing_b2bua.hpp"

namespace sotto::b2bua {
namespace {

using testing::uri;
using namespace std::chrono_literals;

B2buaConfig server_config() {
  B2buaConfig c;
  c.domains = {"localhost"};
  c.bindings = {ua::LocalBinding{"TLS", "127.0.0.1", 5061}};
  c.timers.t1 = 1h;
  c.timers.t2 = 4h;
  return c;
}

// An INVITE (no SDP) from dave to carol, who has no binding: 480.
sip::SipMessage lingering_invite(std::size_t n) {
  const std::string sn = std::to_string(n);
  sip::SipMessage inv = sip::SipMessage::request(sip::MethodId::invite, uri("sips:carol@localhost"));
  inv.add(sip::hdr::via, *sip::parse_via("SIP/2.0/TLS 127.0.0.1:5073;branch=z9hG4bKlinger" + sn));
  inv.add(sip::hdr::max_forwards, std::uint8_t{70});
  inv.add(sip::hdr::from, *sip::parse_name_addr("<sips:dave@localhost>;tag=d" + sn, "From"));
  inv.add(sip::hdr::to, *sip::parse_name_addr("<sips:carol@localhost>", "To"));
  inv.add(sip::hdr::call_id, "linger-" + sn + "@127.0.0.1");
  inv.add(sip::hdr::cseq, sip::CSeq{1, sip::MethodId::invite});
  inv.add(sip::hdr::contact, *sip::parse_contact("<sips:dave@127.0.0.1:5073>"));
  return inv;
}

struct Bench {
  sotto::testing::DeterministicRandom rng{5};
  testing::FakeLocations locations;
  testing::FakeAuthenticator auth;
  testing::FakeAnchor anchor;
  testing::FakePolicies policies;
  B2bua server{server_config(), locations, auth, anchor, policies, rng};
  ua::UserAgent alice{testing::phone("alice", 5071)};
  ua::UaConfig bob_cfg = [] {
    ua::UaConfig c = testing::phone("bob", 5072);
    c.auto_answer = true;
    return c;
  }();
  ua::UserAgent bob{bob_cfg};
  testing::Net net;
  int a = 0;
  int b = 0;
  std::size_t ended = 0;

  Bench() {
    net.attach(server);
    a = net.add_phone("alice", alice);
    b = net.add_phone("bob", bob);
    auth.trusted = {"alice", "dave"};
    for (const char* u : {"alice", "bob", "carol", "dave"}) policies.users[u] = UserPolicy{};
    registrar::Binding bind;
    bind.user = "bob";
    bind.contact = uri("sips:bob@127.0.0.1:6072");
    bind.transport = sip::Transport::tls;
    bind.flow = net.connect(b, "TLS");
    locations.bindings["bob"].push_back(bind);
  }

  // n calls from dave on a flow of his own, straight into the server (not through the fake network):
  // 480, our ACK; each call then lingers 64*T1.
  bool add_lingering(std::size_t n) {
    const Flow flow{1'000'000, true};
    registrar::RequestContext ctx;
    ctx.flow = flow;
    ctx.transport = sip::Transport::tls;
    ctx.secure = true;
    ctx.source_ip = "127.0.0.1";
    ctx.source_port = 5073;
    for (std::size_t i = 0; i < n; ++i) {
      const sip::SipMessage inv = lingering_invite(i);
      server.handle_message(net.now, flow, ctx, inv);
      std::optional<sip::SipMessage> final;
      for (bool more = true; more;) {
        more = false;
        while (server.poll_event()) more = true;
        while (auto t = server.poll_transmit()) {
          if (t->message.is_response() && t->message.status() >= 300) final = t->message;
          more = true;
        }
      }
      if (!final || final->status() != 480) return false;
      sip::SipMessage ack = sip::SipMessage::request(sip::MethodId::ack, uri("sips:carol@localhost"));
      ack.add(sip::hdr::via, *inv.header(sip::hdr::via));
      ack.add(sip::hdr::max_forwards, std::uint8_t{70});
      ack.add(sip::hdr::from, *inv.header(sip::hdr::from));
      ack.add(sip::hdr::to, *final->header(sip::hdr::to));
      ack.add(sip::hdr::call_id, *inv.header(sip::hdr::call_id));
      ack.add(sip::hdr::cseq, sip::CSeq{1, sip::MethodId::ack});
      server.handle_message(net.now, flow, ctx, ack);
      while (server.poll_event()) {}
      while (server.poll_transmit()) {}
    }
    return server.call_count() == n;
  }

  // alice calls bob, bob answers, alice hangs up; true when both saw the call end.
  bool one_call() {
    auto h = alice.call(net.now, uri("sips:bob@localhost"), ua::CallOptions{"127.0.0.1", 41000, "IP4"});
    if (!h) return false;
    if (!net.run_until([&] {
          const ua::Call* c = alice.find_call(*h);
          return c && c->phase == ua::Call::Phase::confirmed;
        })) {
      return false;
    }
    if (!alice.hangup(net.now, *h)) return false;
    ++ended;
    return net.run_until([&] {
      std::size_t n = 0;
      for (const auto& e : net.server_events) n += e.kind == B2buaEvent::Kind::call_ended;
      return n == ended;
    });
  }
};

double thread_cpu_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

std::map<std::int64_t, double>& per_call_ns() {
  static std::map<std::int64_t, double> m;
  return m;
}

void BM_CallSetupWithLingering(benchmark::State& state) {
  const auto lingering = static_cast<std::size_t>(state.range(0));
  Bench bench;
  if (!bench.add_lingering(lingering)) {
    state.SkipWithError("could not set up the lingering calls");
    return;
  }
  for (int i = 0; i < 20; ++i) {  // warm-up (caches, the allocator), not timed
    if (!bench.one_call()) {
      state.SkipWithError("a warm-up call did not complete");
      return;
    }
  }
  double spent = 0;  // this thread's CPU time: the machine may be shared
  for (auto _ : state) {
    const double t0 = thread_cpu_ns();
    const bool ok = bench.one_call();
    spent += thread_cpu_ns() - t0;
    if (!ok) {
      state.SkipWithError("a call did not complete");
      return;
    }
  }
  const double ns = spent / static_cast<double>(state.iterations());
  per_call_ns()[state.range(0)] = ns;
  state.counters["cpu_us_per_call"] = ns / 1000.0;
  state.counters["held_calls"] = static_cast<double>(bench.server.call_count());
  if (auto anchor = per_call_ns().find(0); anchor != per_call_ns().end()) state.counters["vs_N0"] = ns / anchor->second;
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_CallSetupWithLingering)->Arg(0)->Arg(1000)->Arg(4000)->Arg(16000)->Iterations(400)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace sotto::b2bua
