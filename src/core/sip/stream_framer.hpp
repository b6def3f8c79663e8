#pragma once
// StreamFramer: cuts SIP messages out of a TCP/TLS byte stream by Content-Length (RFC 3261 18.3) and
// reports RFC 5626 keep-alives (4.4.1: a CRLFCRLF ping is answered with a CRLF pong).
//
//   StreamFramer framer;                    // per connection
//   framer.feed(bytes_from_socket);
//   while (auto item = framer.next()) { if (!*item) break; handle(**item); }   // error: close the connection
//
// An error is final: every later next() returns it again, and the transport must close the connection
// (the stream can no longer be framed). Items own their bytes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "core/sip/message_parser.hpp"

namespace sotto::sip {

struct StreamItem {
  enum class Kind : std::uint8_t {
    message,  // `bytes` is one complete message: give it to parse_message(..., Framing::stream)
    ping,     // CRLFCRLF from the peer: write "\r\n" back
    pong,     // a lone CRLF (only reported with FramerOptions::report_pong)
  };
  Kind kind = Kind::message;
  std::string bytes;
};

struct FramerOptions {
  MessageLimits limits;
  // Client side of RFC 5626 keep-alives: report a lone CRLF as a pong as soon as it arrives. On the
  // server side (false) a lone CRLF before a message is skipped (RFC 3261 7.5).
  bool report_pong = false;
};

class StreamFramer {
 public:
  explicit StreamFramer(FramerOptions options = {}) : options_(options) {}

  void feed(std::string_view bytes);
  // The next complete item, std::nullopt if more bytes are needed, or the framing error.
  Result<std::optional<StreamItem>> next();

  bool failed() const noexcept { return error_.has_value(); }
  std::size_t buffered() const noexcept { return buffer_.size() - start_; }

 private:
  Result<std::optional<StreamItem>> fail_with(Error e);
  std::string_view pending() const noexcept { return std::string_view(buffer_).substr(start_); }
  void consume(std::size_t n);

  FramerOptions options_;
  std::string buffer_;
  std::size_t start_ = 0;
  std::size_t scanned_ = 0;                    // bytes of pending() already searched for CRLFCRLF
  std::optional<std::size_t> message_size_;    // header section + Content-Length, once known
  std::optional<Error> error_;
};

}  // namespace sotto::sip
