#pragma once
// The pieces of requests a UA originates (RFC 3261 8.1.1): random tags, Call-IDs and branches, Via with
// rport, Contact per transport, Allow/Supported/User-Agent, and the transport a URI implies.
//
//   Via via = make_via(binding, new_branch(rng));             // SIP/2.0/UDP h:p;branch=z9hG4bK...;rport
//   std::string t = transport_for(*sip::parse_uri("sips:bob@example.com"));   // "TLS"
//   add_capability_headers(invite, cfg);                    // Allow, Supported, User-Agent

#include <optional>
#include <string>
#include <string_view>

#include "base/random_source.hpp"
#include "core/sip/sip_message.hpp"
#include "core/sip/transport.hpp"
#include "core/ua/ua_config.hpp"

namespace sotto::ua {

// Methods we handle as UAS (Allow, RFC 3261 20.5; NOTIFY only for our own transfer's subscription) and the option tags we claim (Supported, 20.37):
// "path" (RFC 3327 5: a UA needs nothing more to support it). Never an empty Supported.
inline constexpr std::string_view kAllowedMethods = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, NOTIFY";
inline constexpr std::string_view kSupportedTags = "path";
inline constexpr std::string_view kAcceptedBodies = "application/sdp, application/dtmf-relay";

// `bytes` random bytes from `rng` as lower-case hex (tags, Call-IDs, cnonces).
std::string random_token(RandomSource& rng, std::size_t bytes = 8);
// RFC 3261 8.1.1.7: the magic cookie, then 128 random bits.
std::string new_branch(RandomSource& rng);

// "TLS" for sips: or ;transport=tls, "TCP" for ;transport=tcp, else "UDP" (RFC 3263 4.1 without DNS).
sip::Transport transport_of(const sip::Uri& uri);
std::string transport_for(const sip::Uri& uri);  // sip::transport_name(transport_of(uri))
bool is_reliable(std::string_view transport) noexcept;
// Identifies a next hop for connection reuse: "TLS|127.0.0.1|5061" (default ports 5060 / 5061).
std::string hop_key(const sip::Uri& uri);

// Via with our sent-by and ;rport on UDP (RFC 3581 3).
sip::Via make_via(const LocalBinding& binding, std::string branch);
// <sip:user@host:port;transport=tcp>, or <sips:user@host:port> for TLS when `sips` (8.1.1.8).
sip::NameAddr make_contact(const sip::Uri& aor, const LocalBinding& binding, bool sips);

// Allow, Supported and (when configured) User-Agent.
void add_capability_headers(sip::SipMessage& msg, const UaConfig& cfg);
// The warn-text of the first Warning header, unquoted; empty when there is none.
std::string warning_text(const sip::SipMessage& msg);

// RFC 3261 9.1: the CANCEL for `invite` as sent (same Request-URI, top Via, Route, From, To, Call-ID
// and CSeq number). It goes through the transaction layer as is, on the INVITE's flow.
sip::SipMessage make_cancel(const sip::SipMessage& invite);
// RFC 3261 12.1.1: a UAS copies every Record-Route of the request, in order, into its 18x and 2xx.
void copy_record_route(const sip::SipMessage& request, sip::SipMessage& response);
// The media type of the Content-Type, lower case, without parameters; empty when there is none.
std::string media_type(const sip::SipMessage& msg);

}  // namespace sotto::ua
