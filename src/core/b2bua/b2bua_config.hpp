#pragma once
// B2buaConfig: the B2BUA's domains, its local bindings (Via, Contact), timers and the no-answer rule.
//
//   B2buaConfig cfg{.domains = {"localhost", "127.0.0.1"}};
//   cfg.bindings.push_back({"TLS", "127.0.0.1", 5061});
//   B2bua b2bua(cfg, locations, auth, anchor, policies);

#include <chrono>
#include <string>
#include <vector>

#include "core/b2bua/trunk.hpp"
#include "core/sdp/capabilities.hpp"
#include "core/transaction/timers.hpp"
#include "core/ua/ua_config.hpp"

namespace sotto::b2bua {

struct B2buaConfig {
  // Request-URI hosts that are ours (every --domain and every listener address); compared
  // case-insensitively. Other hosts get 403 (no relaying; trunks come later).
  std::vector<std::string> domains{"localhost"};
  // One per transport we listen on: Via sent-by and Contact (ua::LocalBinding: "TLS", host, port).
  // A request over a transport without its own binding borrows the first one's host and port.
  std::vector<ua::LocalBinding> bindings;
  // Ringing without answer for this long: CANCEL the callee(s) and answer the caller no_answer_status
  // (480 Temporarily Unavailable, or 408 Request Timeout).
  std::chrono::seconds no_answer_timeout{60};
  int no_answer_status = 480;
  // Offered to the callee when the caller sent no offer (late offer, docs/B2BUA.md).
  std::vector<sdp::CodecCapability> late_offer_codecs = ua::default_codecs();
  std::string server = "sotto";  // Server / User-Agent header; empty = none
  sip::txn::TimerConfig timers;
  // Upstream providers (core/b2bua/trunk.hpp, docs/B2BUA.md "Trunks").
  std::vector<Trunk> trunks;
};

}  // namespace sotto::b2bua
