#pragma once
// Parsing a SIP message from one datagram, or from the bytes a StreamFramer cut out of a stream.
//
//   auto msg = parse_message(datagram);                     // structure + check_message()
//   if (!msg) { auto st = failure_status(msg.error()); ... }  // failure_status.hpp: 400/505/416/413/513
//   auto raw = parse_message_unchecked(bytes);              // only structure: lets a server answer 400
//
// RFC 3261 7 and 18.3. CRLF line endings only; leading CRLFs are skipped (7.5); header line folding is
// unfolded; list headers are split into one Header per value; octets after Content-Length are discarded
// (datagram, RFC 4475 dblreq); without Content-Length a datagram's body is the rest of the datagram.

#include <cstddef>
#include <string_view>

#include "base/result.hpp"
#include "core/sip/message_check.hpp"
#include "core/sip/sip_message.hpp"

namespace sotto::sip {

struct MessageLimits {
  std::size_t max_header_bytes = 16 * 1024;  // start line + header fields + empty line (else 513)
  std::size_t max_body_bytes = 64 * 1024;    // Content-Length above this: 413
  std::size_t max_headers = 256;             // header values after list splitting (else 513)
};

enum class Framing : std::uint8_t {
  datagram,  // UDP: Content-Length optional, trailing octets discarded
  stream,    // TCP/TLS/WS: Content-Length mandatory and exact (18.3)
};

struct ParseOptions {
  MessageLimits limits;
  Framing framing = Framing::datagram;
  CheckOptions check;
};

// Start line, header fields and body framing; the semantic checks of check_message() are not run.
Result<SipMessage> parse_message_unchecked(std::string_view bytes, const ParseOptions& options = {});
// parse_message_unchecked() followed by check_message().
Result<SipMessage> parse_message(std::string_view bytes, const ParseOptions& options = {});

}  // namespace sotto::sip
