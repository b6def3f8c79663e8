#include "core/sip/stream_framer.hpp"

#include "core/sip/failure_status.hpp"
#include "core/sip/grammar.hpp"
#include "core/sip/header_id.hpp"
#include "core/sip/scalar_fields.hpp"

namespace sotto::sip {

namespace {

// Finds the Content-Length value(s) in a complete header section (start line included, CRLFCRLF at
// the end); continuation lines are appended to the value they continue.
Result<std::uint32_t> find_content_length(std::string_view section) {
  std::size_t count = 0;
  std::string value;
  bool in_length = false;
  std::size_t pos = section.find("\r\n") + 2;  // skip the start line
  while (pos < section.size()) {
    std::size_t eol = section.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = section.size();
    const std::string_view line = section.substr(pos, eol - pos);
    pos = eol + 2;
    if (line.empty()) break;
    if (is_wsp(line[0])) {
      if (in_length) value.append(line);
      continue;
    }
    in_length = false;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // the parser reports it
    if (header_id(trim_lws(line.substr(0, colon))) == HeaderId::content_length) {
      ++count;
      in_length = true;
      value.assign(line.substr(colon + 1));
    }
  }
  if (count == 0) return fail(Errc::malformed_input, "Content-Length missing on a stream transport");
  if (count > 1) return fail(Errc::malformed_input, "multiple Content-Length headers");
  return parse_content_length(value);
}

}  // namespace

void StreamFramer::feed(std::string_view bytes) {
  if (error_) return;
  if (start_ > 0 && start_ >= buffer_.size() / 2) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  buffer_.append(bytes);
}

void StreamFramer::consume(std::size_t n) {
  start_ += n;
  scanned_ = 0;
  message_size_.reset();
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
  }
}

Result<std::optional<StreamItem>> StreamFramer::fail_with(Error e) {
  error_ = e;
  buffer_.clear();
  start_ = 0;
  return Unexpected(std::move(e));
}

Result<std::optional<StreamItem>> StreamFramer::next() {
  if (error_) return Unexpected(*error_);
  while (true) {
    const std::string_view p = pending();
    if (p.empty()) return std::optional<StreamItem>();
    if (!message_size_ && p[0] == '\r') {
      if (p.size() < 2) return std::optional<StreamItem>();
      if (p[1] != '\n') return fail_with(Error{Errc::malformed_input, "bare CR before start line"});
      if (p.size() >= 4 && p.substr(0, 4) == "\r\n\r\n") {
        consume(4);
        return std::optional<StreamItem>(StreamItem{StreamItem::Kind::ping, {}});
      }
      // "\r\n" or "\r\n\r": might still become a ping.
      const bool maybe_ping = p.size() == 2 || (p.size() == 3 && p[2] == '\r');
      if (maybe_ping && !options_.report_pong) return std::optional<StreamItem>();
      consume(2);
      if (options_.report_pong) return std::optional<StreamItem>(StreamItem{StreamItem::Kind::pong, {}});
      continue;
    }
    if (!message_size_) {
      const std::size_t from = scanned_ > 3 ? scanned_ - 3 : 0;
      const std::size_t end = p.find("\r\n\r\n", from);
      const MessageLimits& limits = options_.limits;
      if (end == std::string_view::npos) {
        scanned_ = p.size();
        if (p.size() > limits.max_header_bytes) {
          return fail_with(Error{Errc::limit_exceeded, "header section larger than " +
                                                           std::to_string(limits.max_header_bytes) + " bytes"});
        }
        return std::optional<StreamItem>();
      }
      const std::size_t header_size = end + 4;
      if (header_size > limits.max_header_bytes) {
        return fail_with(Error{Errc::limit_exceeded,
                               "header section larger than " + std::to_string(limits.max_header_bytes) + " bytes"});
      }
      auto length = find_content_length(p.substr(0, header_size));
      if (!length) return fail_with(length.error());
      if (*length > limits.max_body_bytes) {
        return fail_with(Error{Errc::limit_exceeded, std::string(kBodyTooLargePrefix) + " of " +
                                                         std::to_string(*length) + " bytes larger than limit " +
                                                         std::to_string(limits.max_body_bytes)});
      }
      message_size_ = header_size + *length;
    }
    if (p.size() < *message_size_) return std::optional<StreamItem>();
    StreamItem item{StreamItem::Kind::message, std::string(p.substr(0, *message_size_))};
    consume(*message_size_);
    return std::optional<StreamItem>(std::move(item));
  }
}

}  // namespace sotto::sip
