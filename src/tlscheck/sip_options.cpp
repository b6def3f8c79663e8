#include "tlscheck/sip_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "core/sip/message_parser.hpp"

namespace sotto::tlscheck {
namespace {

std::string bracket(const std::string& host) {
  return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

// One printable line for a message: at most 60 bytes, control characters as '.'.
std::string printable_line(std::string_view bytes) {
  const std::size_t eol = bytes.find_first_of("\r\n");
  std::string_view line = bytes.substr(0, std::min<std::size_t>(eol == std::string_view::npos ? bytes.size() : eol, 60));
  std::string out;
  for (char ch : line) out += std::isprint(static_cast<unsigned char>(ch)) ? ch : '.';
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::string options_request(const OptionsRequest& r) {
  const std::string host = bracket(r.target_host);
  const std::string local = bracket(r.local_host);
  // RFC 3261 11.1: OPTIONS to the server itself; sips: since it travels over TLS (RFC 5630).
  return fmt::format(
      "OPTIONS sip:{host}:{port};transport=tls SIP/2.0\r\n"
      "Via: SIP/2.0/TLS {local}:{lport};branch=z9hG4bK-tlscheck-{tok};rport\r\n"
      "Max-Forwards: 70\r\n"
      "From: <sip:tls-check@{local}>;tag={tok}\r\n"
      "To: <sip:{host}:{port};transport=tls>\r\n"
      "Call-ID: tlscheck-{tok}@{local}\r\n"
      "CSeq: 1 OPTIONS\r\n"
      "Contact: <sip:tls-check@{local}:{lport};transport=tls>\r\n"
      "Accept: application/sdp\r\n"
      "User-Agent: sotto tls-check\r\n"
      "Content-Length: 0\r\n\r\n",
      fmt::arg("host", host), fmt::arg("port", r.target_port), fmt::arg("local", local),
      fmt::arg("lport", r.local_port), fmt::arg("tok", r.branch_suffix));
}

bool reply_complete(std::string_view bytes) {
  // Keep-alive CRLFs (RFC 5626 4.4.1) may come first.
  while (bytes.substr(0, 2) == "\r\n") bytes.remove_prefix(2);
  const std::size_t end = bytes.find("\r\n\r\n");
  if (end == std::string_view::npos) return false;
  // Content-Length (or its compact form "l"), RFC 3261 20.14; absent or unreadable: the head is all.
  std::size_t body = 0;
  std::string_view head = bytes.substr(0, end + 2);
  while (!head.empty()) {
    const std::size_t eol = head.find("\r\n");
    std::string_view line = head.substr(0, eol);
    head.remove_prefix(eol == std::string_view::npos ? head.size() : eol + 2);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = line.substr(0, colon);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    if (!iequals(name, "Content-Length") && !iequals(name, "l")) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    std::size_t n = 0, digits = 0;
    for (char ch : value) {
      if (ch < '0' || ch > '9' || digits == 6) break;  // at most 999999: we stop reading at 64 KB anyway
      n = n * 10 + static_cast<std::size_t>(ch - '0');
      ++digits;
    }
    body = n;
    break;
  }
  return bytes.size() >= end + 4 + body;
}

SipOptionsResult classify_options_reply(std::string_view bytes, ReplyEnd end, double waited_s) {
  SipOptionsResult r;
  r.tried = true;
  while (bytes.substr(0, 2) == "\r\n") bytes.remove_prefix(2);
  if (bytes.empty()) {
    r.detail = end == ReplyEnd::timed_out ? fmt::format("no answer within {:g} s", waited_s)
                                          : "the server closed the connection without answering";
    return r;
  }
  if (bytes.substr(0, 8) != "SIP/2.0 ") {
    r.detail = fmt::format("answered with something else: '{}'", printable_line(bytes));
    return r;
  }
  const std::size_t head_end = bytes.find("\r\n\r\n");
  auto msg = sip::parse_message_unchecked(
      head_end == std::string_view::npos ? bytes : bytes.substr(0, head_end + 4));
  if (!msg || !msg->is_response()) {
    r.detail = fmt::format("answered with a malformed SIP message ('{}'): {}", printable_line(bytes),
                           msg ? std::string("not a response") : msg.error().context);
    return r;
  }
  r.answered = true;
  r.status = msg->status();
  r.reason = msg->reason();
  for (const sip::Header& h : msg->headers()) {
    if (iequals(h.name, "Server")) {
      r.server = h.value;
      break;
    }
  }
  if (r.server.empty()) {
    for (const sip::Header& h : msg->headers()) {
      if (iequals(h.name, "User-Agent")) {
        r.server = "User-Agent: " + h.value;
        break;
      }
    }
  }
  return r;
}

}  // namespace sotto::tlscheck
