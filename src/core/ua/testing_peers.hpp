#pragma once
// Test-only scripted peers for the fake network: a registrar/UAS that challenges with digest (qop=auth),
// and a UAS whose SDP answers are made by the real negotiator or written by hand (plain RTP).
//
//   testing::FakeRegistrar reg;  int r = net.add_script("registrar", {{"TLS", "127.0.0.1", 5090}}, std::ref(reg));
//   alice.register_account(net.now);  net.run_until(...);  EXPECT_EQ(reg.accepted, 1);
//   testing::ScriptedUas uas;  uas.answer_sdp = [](const std::string& offer) { return plain_answer; };

#include <functional>
#include <string>

#include "core/auth/digest.hpp"
#include "core/negotiation/answerer.hpp"
#include "core/sdp/sdp.hpp"
#include "core/ua/testing_ua.hpp"

namespace sotto::ua::testing {

inline std::string challenge(const std::string& realm, const std::string& nonce, const std::string& algorithm,
                             bool stale = false) {
  return "Digest realm=\"" + realm + "\", nonce=\"" + nonce + "\", qop=\"auth\", algorithm=" + algorithm +
         (stale ? ", stale=true" : "");
}

// A registrar (or a proxy answering INVITEs with 407) that accepts one user's password.
struct FakeRegistrar {
  std::string password = "secret";
  std::string realm = "sotto.test";
  bool proxy = false;           // 407 / Proxy-Authenticate instead of 401
  int stale_once = 0;           // answer the first N good credentials with stale=true
  std::uint32_t grant = 0;      // 0: grant what was asked
  std::uint32_t min_expires = 0;
  std::optional<std::uint32_t> flow_timer;  // RFC 5626 5.4 Flow-Timer in the 200
  int nonce_counter = 0;
  int accepted = 0;
  std::vector<auth::DigestAuthorization> answers;
  std::function<void(Network&, int, Flow, const SipMessage&)> on_accepted;  // e.g. answer an INVITE

  std::string fresh_nonce() { return "nonce" + std::to_string(++nonce_counter); }

  void operator()(Network& net, int node, Flow flow, const SipMessage& req) {
    if (!req.is_request() || req.method() == sip::MethodId::ack) return;
    if (req.method() != sip::MethodId::register_ && req.method() != sip::MethodId::invite) {
      if (on_accepted) on_accepted(net, node, flow, req);
      return;
    }
    const sip::Header* h = req.find(proxy ? sip::HeaderId::proxy_authorization : sip::HeaderId::authorization);
    bool good = false;
    if (h) {
      auto a = auth::parse_authorization(h->value);
      EXPECT_TRUE(a) << h->value;
      if (a) {
        answers.push_back(*a);
        good = auth::verify(*a, password, req.method().name(), req.body()) &&
               a->nonce == "nonce" + std::to_string(nonce_counter);
      }
    }
    if (good && stale_once > 0) {
      --stale_once;
      send_challenge(net, node, flow, req, true);
      return;
    }
    if (!good) {
      send_challenge(net, node, flow, req, false);
      return;
    }
    if (req.method() == sip::MethodId::invite) {
      ++accepted;
      if (on_accepted) on_accepted(net, node, flow, req);
      return;
    }
    auto expires = req.header(sip::hdr::expires);
    if (min_expires && expires && *expires != 0 && *expires < min_expires) {
      SipMessage r = reply(req, 423, "Interval Too Brief");
      r.add(sip::hdr::min_expires, min_expires);
      net.send(node, flow, r);
      return;
    }
    ++accepted;
    SipMessage ok = reply(req, 200, "OK");
    if (auto c = req.header(sip::hdr::contact); c && expires) {
      sip::ContactValue bound = *c;
      bound.address.params.set("expires", std::to_string(grant && *expires ? grant : *expires));
      if (*expires != 0) ok.add(sip::hdr::contact, bound);
      if (flow_timer) (void)ok.add_raw("Flow-Timer", std::to_string(*flow_timer));
    }
    net.send(node, flow, ok);
  }

  void send_challenge(Network& net, int node, Flow flow, const SipMessage& req, bool stale) {
    SipMessage r = proxy ? reply(req, 407, "Proxy Authentication Required") : reply(req, 401, "Unauthorized");
    const std::string nonce = fresh_nonce();
    const char* name = proxy ? "Proxy-Authenticate" : "WWW-Authenticate";
    (void)r.add_raw(name, challenge(realm, nonce, "MD5", stale));
    (void)r.add_raw(name, challenge(realm, nonce, "SHA-256", stale));
    net.send(node, flow, r);
  }
};

// Answers INVITEs with 180 then 200 carrying answer_sdp(offer); BYE and INFO with 200.
struct ScriptedUas {
  std::function<std::string(const std::string& offer)> answer_sdp;
  std::string tag = "uastag";
  std::string contact = "<sips:uas@127.0.0.1:5090>";
  int acks = 0;
  int byes = 0;

  void operator()(Network& net, int node, Flow flow, const SipMessage& req) {
    if (!req.is_request()) return;
    if (req.method() == sip::MethodId::ack) {
      ++acks;
      return;
    }
    if (req.method() == sip::MethodId::invite) {
      net.send(node, flow, reply(req, 180, "Ringing", tag));
      SipMessage ok = reply(req, 200, "OK", tag);
      ok.add(sip::hdr::contact, *sip::parse_contact(contact));
      ok.add(sip::hdr::content_type, std::string("application/sdp"));
      ok.set_body(answer_sdp(req.body()));
      net.send(node, flow, ok);
      return;
    }
    if (req.method() == sip::MethodId::bye) ++byes;
    net.send(node, flow, reply(req, 200, "OK", tag));
  }
};

// The answer a sotto UA with default settings gives (the real negotiator, over TLS).
inline std::string negotiated_answer(const std::string& offer) {
  const UaConfig bob = config("bob", 5090);
  auto parsed = sdp::parse_sdp(offer);
  EXPECT_TRUE(parsed);
  if (!parsed) return {};
  auto caps = local_caps(bob, CallOptions{"127.0.0.1", 50000, "IP4"}, "77", sdp::Direction::sendrecv);
  auto out = negotiation::make_answer(*parsed, caps, bob.media_policy, negotiation::SignallingContext::tls());
  EXPECT_TRUE(out && std::holds_alternative<negotiation::Answer>(*out));
  if (!out || !std::holds_alternative<negotiation::Answer>(*out)) return {};
  return sdp::serialize(std::get<negotiation::Answer>(*out).sdp);
}

// What a peer without SRTP answers: plain RTP/AVP, PCMU.
inline std::string plain_answer(const std::string&) {
  return "v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
         "m=audio 30000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
}

}  // namespace sotto::ua::testing
