#pragma once
// Writing a SipMessage to bytes (RFC 3261 7): canonical start line, one "Name: value" CRLF line per
// header value (names as stored), Content-Length recomputed from the body, then the body.
//
//   SipMessage m = ...;
//   std::string wire = serialize(m);        // always carries exactly one Content-Length
//   append_message(buffer, m);              // same, appending to an existing buffer

#include <string>

#include "core/sip/sip_message.hpp"

namespace sotto::sip {

// Content-Length is written at the position of the first stored Content-Length (others dropped), or
// last when there is none, with the body size as value.
std::string serialize(const SipMessage& msg);
void append_message(std::string& out, const SipMessage& msg);

}  // namespace sotto::sip
