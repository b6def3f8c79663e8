#pragma once
// SignallingContext: what the hop carrying our SDP looks like, which decides whether SDES keys may be
// sent or accepted (RFC 4568 section 8.3: the keys are only as secret as the signalling).
//
//   SignallingContext sig = SignallingContext::tls();           // sips: or ;transport=tls
//   SignallingContext udp{.secure = false, .transport = "UDP"};
//   auto offer = make_offer(caps, policy, sig);

#include <string>

namespace sotto::negotiation {

struct SignallingContext {
  bool secure = false;            // true only when the signalling hop is TLS (or WSS)
  std::string transport = "UDP";  // for messages only: "UDP", "TCP", "TLS", "WSS"

  static SignallingContext tls() { return SignallingContext{true, "TLS"}; }
  static SignallingContext udp() { return SignallingContext{false, "UDP"}; }
  static SignallingContext tcp() { return SignallingContext{false, "TCP"}; }
};

}  // namespace sotto::negotiation
