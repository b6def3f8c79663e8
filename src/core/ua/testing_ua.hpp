#pragma once
// Test-only: a fake network joining UserAgents and scripted peers (a fake registrar, a UAS that answers
// plain RTP), driven in virtual time like quinn's Pair::drive(); UDP links can drop or duplicate.
// UA_TRACE=1 in the environment prints every delivered message.
//
//   testing::Network net;  int a = net.add_ua("alice", alice);  int b = net.add_ua("bob", bob);
//   alice.call(net.now, bob_uri, {"127.0.0.1", 40000});
//   ASSERT_TRUE(net.run_until([&] { return net.has(a, UaEvent::Kind::media_ready); }));

#include <string>

#include "core/ua/testing_net.hpp"

namespace sotto::ua::testing {

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

// The UA tests' network (testing_net.hpp): UserAgents and scripted peers.
class Network : public BasicNetwork<Network> {};

// A response to `req` from a scripted peer, with a To tag and the given extra headers.
inline SipMessage reply(const SipMessage& req, int status, const std::string& reason, const std::string& to_tag = "scripttag") {
  auto r = sip::make_response(req, status, reason, status == 100 ? "" : to_tag);
  EXPECT_TRUE(r);
  return r ? *r : SipMessage{};
}

}  // namespace sotto::ua::testing
