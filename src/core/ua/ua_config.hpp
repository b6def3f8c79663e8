#pragma once
// UaConfig: one local account of a UserAgent (AOR, credentials, registrar, local bindings, media policy).
//
//   UaConfig cfg{.aor = *sip::parse_uri("sips:alice@127.0.0.1"), .display_name = "Alice"};
//   cfg.bindings.push_back({"TLS", "127.0.0.1", 5061});    // given by the io layer: Via sent-by, Contact
//   UserAgent ua(cfg);                                     // cfg.media_policy: SRTP require by default

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/auth/digest.hpp"
#include "core/negotiation/media_security_policy.hpp"
#include "core/sdp/capabilities.hpp"
#include "core/sip/uri.hpp"
#include "core/transaction/timers.hpp"

namespace sotto::ua {

// Where the io layer listens for one transport: Via sent-by and Contact host:port;transport=.
struct LocalBinding {
  std::string transport = "TLS";  // "UDP", "TCP" or "TLS" (upper case, as in Via)
  std::string host;               // IP literal or name we are reachable at
  std::uint16_t port = 0;
};

// Media parameters of one call, chosen by the io layer (it owns the RTP sockets).
struct CallOptions {
  std::string rtp_address = "127.0.0.1";  // c= / o= address
  std::uint16_t rtp_port = 0;             // our RTP port (RTCP on port + 1)
  std::string address_type = "IP4";       // "IP4" / "IP6"
};

// PCMU, PCMA, telephone-event/8000 (0-16, payload type 101 as most phones): what `sotto phone` uses.
std::vector<sdp::CodecCapability> default_codecs();

struct UaConfig {
  sip::Uri aor;                   // address of record, e.g. sips:alice@127.0.0.1
  std::string display_name;       // From display name; empty = none
  std::optional<auth::DigestCredentials> credentials;  // answers 401/407 (RFC 3261 22.2, 22.3)
  std::optional<sip::Uri> registrar;       // REGISTER Request-URI; default: the AOR's domain (10.2)
  std::optional<sip::Uri> outbound_proxy;  // first hop of every out-of-dialog request (Route ;lr)
  std::uint32_t register_expires = 600;    // seconds asked for (RFC 3261 10.2.1.1)
  std::string contact_user;                // user part of the Contact we register; empty: the AOR's
  std::vector<LocalBinding> bindings;      // one per transport the io layer listens on
  negotiation::MediaSecurityPolicy media_policy;  // srtp off|offer|require, suites
  std::vector<sdp::CodecCapability> codecs = default_codecs();
  std::optional<std::uint32_t> ptime = 20;  // a=ptime, ms
  CallOptions incoming_media;               // RTP address/port offered in answers to incoming calls
  bool auto_answer = false;                 // answer incoming calls with 200 right after 180
  // Without a version: sipvicious fingerprints versions (/work/shared/PEERS.md). Empty = no header.
  std::string user_agent = "sotto";
  sip::txn::TimerConfig timers;                 // T1, T2, T4
};

}  // namespace sotto::ua
