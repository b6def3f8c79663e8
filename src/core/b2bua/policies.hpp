#pragma once
// Policies: what the B2BUA asks of the account store about one user: how that user's leg keys its
// media (SRTP off|offer|require, suites) and which signalling transports it may use. The server adapts
// its store to this interface; tests use a map.
//
//   std::optional<UserPolicy> p = policies.lookup("bob");     // nullopt: no such account (404)
//   if (!p->allows(sip::Transport::udp)) ...                    // a UDP binding is not called
//   auto offer = negotiation::make_offer(caps, p->media, sig);

#include <algorithm>
#include <optional>
#include <string_view>
#include <vector>

#include "core/negotiation/media_security_policy.hpp"
#include "core/sip/transport.hpp"

namespace sotto::b2bua {

struct UserPolicy {
  negotiation::MediaSecurityPolicy media;  // mode (negotiation::SrtpMode), suites, SDES over UDP/TCP
  std::vector<sip::Transport> allowed_transports{sip::Transport::tls};

  bool allows(sip::Transport t) const {
    return std::find(allowed_transports.begin(), allowed_transports.end(), t) != allowed_transports.end();
  }
};

class Policies {
 public:
  virtual ~Policies() = default;
  // The account's policy; nullopt when there is no such account.
  virtual std::optional<UserPolicy> lookup(std::string_view user) const = 0;
};

}  // namespace sotto::b2bua
