#pragma once
// The SIP OPTIONS probe of `sotto tls-check`: the request we send down the TLS connection, and what the
// bytes that came back mean (RFC 3261 11). Pure: the prober does the writing and reading.
//
//   std::string req = tlscheck::options_request({.target_host = "127.0.0.1", .target_port = 5061, ...});
//   SipOptionsResult r = tlscheck::classify_options_reply(bytes, ReplyEnd::closed, 3.0);
//   // r.answered, r.status 200, r.server "sotto/0.1"

#include <cstdint>
#include <string>
#include <string_view>

#include "tlscheck/probe_result.hpp"

namespace sotto::tlscheck {

struct OptionsRequest {
  std::string target_host;   // host or IP literal; IPv6 without brackets
  std::uint16_t target_port = 5061;
  std::string local_host = "127.0.0.1";
  std::uint16_t local_port = 0;
  std::string branch_suffix; // random token: makes the branch and Call-ID unique
};

std::string options_request(const OptionsRequest& r);

// Whether the bytes so far hold one complete SIP response (head and Content-Length body), so reading can stop.
bool reply_complete(std::string_view bytes);

enum class ReplyEnd : std::uint8_t { complete, closed, timed_out };
// `bytes` is everything read; `end` says why reading stopped; `waited_s` is only for the message.
SipOptionsResult classify_options_reply(std::string_view bytes, ReplyEnd end, double waited_s);

}  // namespace sotto::tlscheck
