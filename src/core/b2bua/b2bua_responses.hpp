#pragma once
// Internal to the B2BUA's .cpp files: the extra headers its refusals carry, and facts about a leg the
// request handlers share. A Warning names what was wrong (RFC 3261 20.43, our agent name); Retry-After
// says when to try again (20.33), e.g. with a 491 while a transfer or re-INVITE is in progress.
//
//   respond(now, id, req, 491, "Request Pending", {}, detail::retry_later("a transfer is in progress", 5));

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "core/b2bua/b2b_call.hpp"
#include "core/negotiation/rejection.hpp"

namespace sotto::b2bua::detail {

using Extra = std::vector<std::pair<std::string, std::string>>;

inline Extra warning(const std::string& text, int code = 399) {
  return {{"Warning", std::to_string(code) + " " + std::string(negotiation::kWarnAgent) + " " +
                          negotiation::quote_warn_text(text)}};
}

inline Extra retry_later(const std::string& text, int seconds) {
  Extra e = warning(text);
  e.emplace_back("Retry-After", std::to_string(seconds));
  return e;
}

// An offer/answer of this leg is under way (a re-INVITE either way, or our 2xx waiting for its ACK).
inline bool busy_with_reinvite(const Leg& l) { return l.ok || l.ok_offer || l.reinvite_offer || l.reinvite_out; }

// How long a transfer target's early media is expected on T's relay side (relay::MediaAnchor::
// expect_new_peer): longer than an INVITE transaction (64*T1) with ringing.
inline constexpr std::chrono::seconds kExpectNewPeerFor{180};

}  // namespace sotto::b2bua::detail
