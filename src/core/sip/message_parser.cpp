#include "core/sip/message_parser.hpp"

#include <string>

#include "core/sip/failure_status.hpp"
#include "core/sip/grammar.hpp"
#include "core/sip/scalar_fields.hpp"

namespace sotto::sip {

namespace {

constexpr std::string_view kCrlf = "\r\n";

// SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT (case-insensitive); only 2.0 is supported.
Status check_version(std::string_view v, std::string_view line) {
  const bool shaped = v.size() >= 7 && iequals(v.substr(0, 4), "SIP/");
  if (shaped) {
    const std::string_view num = v.substr(4);
    const std::size_t dot = num.find('.');
    const bool grammar = dot != std::string_view::npos && parse_decimal(num.substr(0, dot), ~0ull) &&
                         parse_decimal(num.substr(dot + 1), ~0ull);
    if (grammar) {
      if (num == "2.0") return {};
      return fail(Errc::unsupported, std::string(kUnsupportedVersionPrefix) + " " + excerpt(v));
    }
  }
  return fail(Errc::malformed_input, std::string(line) + ": invalid SIP-Version '" + excerpt(v) + "'");
}

Status parse_status_line(std::string_view line, SipMessage& msg) {
  const std::size_t sp = line.find(' ');
  if (auto st = check_version(line.substr(0, sp), "Status-Line"); !st) return st;
  if (sp == std::string_view::npos) return fail(Errc::malformed_input, "Status-Line: missing status code");
  const std::string_view rest = line.substr(sp + 1);
  const std::size_t sp2 = rest.find(' ');
  const std::string_view code = rest.substr(0, sp2);
  // Status-Code = 3DIGIT; the first digit gives the class, 1-6 (RFC 3261 7.2)
  auto n = code.size() == 3 ? parse_decimal(code, 699) : std::nullopt;
  if (!n || *n < 100) return fail(Errc::malformed_input, "Status-Line: invalid status code '" + excerpt(code) + "'");
  std::string_view reason = sp2 == std::string_view::npos ? std::string_view() : rest.substr(sp2 + 1);
  // Reason-Phrase = *(reserved / unreserved / escaped / UTF8-NONASCII / UTF8-CONT / SP / HTAB)
  for (char c : reason) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return fail(Errc::malformed_input, "Status-Line: control character in reason phrase");
  }
  msg.set_status(static_cast<int>(*n), std::string(reason));
  return {};
}

// Request-Line = Method SP Request-URI SP SIP-Version CRLF: exactly two single spaces.
Status parse_request_line(std::string_view line, SipMessage& msg) {
  const std::size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return fail(Errc::malformed_input, "Request-Line: expected 'Method SP Request-URI SP SIP-Version'");
  auto method = Method::parse(line.substr(0, sp1));
  if (!method) return fail(Errc::malformed_input, "Request-Line: " + method.error().context);
  const std::string_view rest = line.substr(sp1 + 1);
  const std::size_t sp2 = rest.find(' ');
  if (sp2 == 0) return fail(Errc::malformed_input, "Request-Line: more than one SP between elements");
  if (sp2 == std::string_view::npos) return fail(Errc::malformed_input, "Request-Line: missing SIP-Version");
  const std::string_view uri_text = rest.substr(0, sp2);
  std::string_view version = rest.substr(sp2 + 1);
  const std::size_t last_sp = version.rfind(' ');
  if (last_sp != std::string_view::npos) {
    if (last_sp + 1 == version.size()) return fail(Errc::malformed_input, "Request-Line: trailing whitespace after SIP-Version");
    if (version.front() == ' ') return fail(Errc::malformed_input, "Request-Line: more than one SP between elements");
    return fail(Errc::malformed_input, "invalid Request-URI: contains whitespace ('" + excerpt(rest.substr(0, sp2 + 1 + last_sp)) + "')");
  }
  if (auto st = check_version(version, "Request-Line"); !st) return st;
  if (!uri_text.empty() && uri_text.front() == '<') {
    return fail(Errc::malformed_input, "invalid Request-URI: must not be enclosed in <>");
  }
  auto uri = parse_uri(uri_text);
  if (!uri) return fail(Errc::malformed_input, "invalid Request-URI: " + uri.error().context);
  msg.set_method(std::move(*method));
  msg.set_request_uri(std::move(*uri));
  return {};
}

Status add_header(SipMessage& msg, std::string_view name, std::string value, const MessageLimits& limits) {
  const HeaderId id = header_id(name);
  auto& headers = msg.headers();
  if (is_list_header(id)) {
    auto parts = split_list_value(value, id == HeaderId::other ? name : canonical_name(id));
    if (!parts) return Unexpected(parts.error());
    if (parts->empty()) {
      headers.push_back(Header{std::string(name), id, std::string()});
    } else {
      for (auto p : *parts) headers.push_back(Header{std::string(name), id, std::string(p)});
    }
  } else {
    headers.push_back(Header{std::string(name), id, std::string(trim_lws(value))});
  }
  if (headers.size() > limits.max_headers) {
    return fail(Errc::limit_exceeded, "more than " + std::to_string(limits.max_headers) + " header fields");
  }
  return {};
}

// message-header = field-name HCOLON field-value CRLF, with continuation lines (LWS) unfolded.
Status parse_header_lines(std::string_view section, SipMessage& msg, const MessageLimits& limits) {
  std::string_view name;
  std::string value;
  bool open = false;
  std::size_t pos = 0;
  while (pos < section.size()) {
    std::size_t eol = section.find(kCrlf, pos);
    if (eol == std::string_view::npos) eol = section.size();
    const std::string_view line = section.substr(pos, eol - pos);
    pos = eol + 2;
    if (line.find_first_of("\r\n") != std::string_view::npos) {
      return fail(Errc::malformed_input, "bare CR or LF in header section");
    }
    if (!line.empty() && is_wsp(line[0])) {
      if (!open) return fail(Errc::malformed_input, "header section starts with a continuation line");
      value.append(line);
      continue;
    }
    if (open) {
      if (auto st = add_header(msg, name, std::move(value), limits); !st) return st;
      value.clear();
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return fail(Errc::malformed_input, "header line without ':' ('" + excerpt(line) + "')");
    }
    name = trim_lws(line.substr(0, colon));
    if (!is_token(name) || is_wsp(line[0])) {
      return fail(Errc::malformed_input, "invalid header name '" + excerpt(line.substr(0, colon)) + "'");
    }
    value.assign(line.substr(colon + 1));
    open = true;
  }
  if (open) return add_header(msg, name, std::move(value), limits);
  return {};
}

}  // namespace

Result<SipMessage> parse_message_unchecked(std::string_view bytes, const ParseOptions& options) {
  const MessageLimits& limits = options.limits;
  while (bytes.substr(0, 2) == kCrlf) bytes.remove_prefix(2);  // RFC 3261 7.5
  if (bytes.empty()) return fail(Errc::not_found, "no message (keep-alive CRLF only)");

  const std::size_t end = bytes.find("\r\n\r\n");
  const std::size_t section_size = end == std::string_view::npos ? bytes.size() : end + 4;
  if (section_size > limits.max_header_bytes) {
    return fail(Errc::limit_exceeded, "header section larger than " + std::to_string(limits.max_header_bytes) + " bytes");
  }
  if (end == std::string_view::npos) return fail(Errc::malformed_input, "no empty line after the header section");

  SipMessage msg;
  const std::size_t first_eol = bytes.find(kCrlf);
  const std::string_view start_line = bytes.substr(0, first_eol);
  if (start_line.find_first_of("\r\n") != std::string_view::npos) {
    return fail(Errc::malformed_input, "bare CR or LF in start line");
  }
  const bool response = start_line.size() >= 4 && iequals(start_line.substr(0, 4), "SIP/");
  if (auto st = response ? parse_status_line(start_line, msg) : parse_request_line(start_line, msg); !st) {
    return Unexpected(st.error());
  }
  const std::string_view section = first_eol + 2 <= end ? bytes.substr(first_eol + 2, end - first_eol) : std::string_view();
  if (auto st = parse_header_lines(section, msg, limits); !st) return Unexpected(st.error());

  // Body framing (RFC 3261 18.3, 20.14).
  const std::string_view rest = bytes.substr(end + 4);
  if (msg.count(HeaderId::content_length) > 1) return fail(Errc::malformed_input, "multiple Content-Length headers");
  if (const Header* cl = msg.find(HeaderId::content_length)) {
    auto n = parse_content_length(cl->value);
    if (!n) return Unexpected(n.error());
    if (*n > limits.max_body_bytes) {
      return fail(Errc::limit_exceeded, std::string(kBodyTooLargePrefix) + " of " + std::to_string(*n) +
                                            " bytes larger than limit " + std::to_string(limits.max_body_bytes));
    }
    if (*n > rest.size()) {
      return fail(Errc::malformed_input,
                  "Content-Length " + std::to_string(*n) + " larger than body " + std::to_string(rest.size()));
    }
    if (options.framing == Framing::stream && *n < rest.size()) {
      return fail(Errc::malformed_input, "Content-Length " + std::to_string(*n) + " smaller than body " + std::to_string(rest.size()));
    }
    msg.set_body(std::string(rest.substr(0, *n)));
  } else {
    if (options.framing == Framing::stream) return fail(Errc::malformed_input, "Content-Length missing on a stream transport");
    if (rest.size() > limits.max_body_bytes) {
      return fail(Errc::limit_exceeded, std::string(kBodyTooLargePrefix) + " of " + std::to_string(rest.size()) +
                                            " bytes larger than limit " + std::to_string(limits.max_body_bytes));
    }
    msg.set_body(std::string(rest));
  }
  return msg;
}

Result<SipMessage> parse_message(std::string_view bytes, const ParseOptions& options) {
  auto msg = parse_message_unchecked(bytes, options);
  if (!msg) return msg;
  if (auto st = check_message(*msg, options.check); !st) return Unexpected(st.error());
  return msg;
}

}  // namespace sotto::sip
