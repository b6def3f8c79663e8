#pragma once
// TransportEvent: what the transports report to the SIP layer above them: bytes and connection changes.
//
//   io::EventHandler on_event = [&](io::TransportEvent&& ev) {
//     if (auto* r = std::get_if<io::Received>(&ev)) framer_for(r->connection).feed(r->bytes);
//   };

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <variant>
#include <vector>

#include "base/error.hpp"
#include "io/endpoint.hpp"
#include "io/tls_session_info.hpp"
#include "io/transport_kind.hpp"

namespace sotto::io {

// Process-unique, never reused; 0 means "no connection" (UDP).
using ConnectionId = std::uint64_t;

enum class CloseReason : std::uint8_t {
  peer_closed,       // orderly end from the peer (FIN / close_notify), or a TLS peer that just hung up
  local_close,       // close() / abort() / transport shut down
  idle_timeout,      // no message for ConnectionLimits::idle_timeout on a connection without dialog/registration
  message_timeout,   // no first SIP message in time, or a message that did not complete in time
  evicted,           // closed to make room for a new connection at the global cap
  connect_failed,
  handshake_failed,  // TLS handshake (or its timeout); `error` says why in one line
  error,             // read/write failure on an open connection
};
std::string_view to_string(CloseReason r) noexcept;

// Bytes from the network. UDP: exactly one datagram. TCP/TLS: a chunk of the stream, to be framed by
// the SIP layer (RFC 3261 18.3: Content-Length); the first chunk follows ConnectionOpened.
struct Received {
  TransportKind kind = TransportKind::udp;
  ConnectionId connection = 0;
  Endpoint local;
  Endpoint remote;
  std::vector<std::uint8_t> bytes;
};

// A stream connection is ready for data (TCP connected, or TLS handshake done).
struct ConnectionOpened {
  ConnectionId connection = 0;
  TransportKind kind = TransportKind::tcp;
  bool inbound = false;
  Endpoint local;
  Endpoint remote;
  std::shared_ptr<const TlsSessionInfo> tls;  // TLS only; shared with the connection (one copy per connection)
};

// The connection is gone and its id is dead. Every connection that was created reports exactly one of
// these, whether or not it ever opened.
struct ConnectionClosed {
  ConnectionId connection = 0;
  TransportKind kind = TransportKind::tcp;
  bool inbound = false;
  bool was_open = false;
  Endpoint remote;
  CloseReason reason = CloseReason::local_close;
  std::optional<Error> error;  // absent for orderly closes
  std::size_t unsent_bytes = 0;
  // An inbound connection closed by a ConnectionLimits deadline, or an eviction: the transport has
  // counted and logged it already (summarised).
  bool by_limit = false;
};

// An asynchronous UDP send failed (stream send failures close the connection instead).
struct SendFailed {
  TransportKind kind = TransportKind::udp;
  Endpoint remote;
  Error error;
};

using TransportEvent = std::variant<Received, ConnectionOpened, ConnectionClosed, SendFailed>;
// Called on the io_context thread. It may call back into the transports (send, close), but must not
// destroy the transport that is calling it.
using EventHandler = std::function<void(TransportEvent&&)>;

}  // namespace sotto::io
