#include "core/sip/message_writer.hpp"

namespace sotto::sip {

void append_message(std::string& out, const SipMessage& msg) {
  if (msg.is_request()) {
    out += msg.method().name();
    out.push_back(' ');
    append_uri(out, msg.request_uri());
    out += " SIP/2.0\r\n";
  } else {
    out += "SIP/2.0 ";
    out += std::to_string(msg.status());
    out.push_back(' ');
    out += msg.reason();
    out += "\r\n";
  }
  bool wrote_length = false;
  const std::string length = std::to_string(msg.body().size());
  for (const auto& h : msg.headers()) {
    if (h.id == HeaderId::content_length) {
      if (wrote_length) continue;
      wrote_length = true;
      out += h.name;
      out += ": ";
      out += length;
      out += "\r\n";
      continue;
    }
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
  if (!wrote_length) {
    out += "Content-Length: ";
    out += length;
    out += "\r\n";
  }
  out += "\r\n";
  out += msg.body();
}

std::string serialize(const SipMessage& msg) {
  std::string out;
  out.reserve(512 + msg.body().size());
  append_message(out, msg);
  return out;
}

}  // namespace sotto::sip
