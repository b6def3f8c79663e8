#pragma once
// ConnectionOwner: how a Connection reports to the transport that owns it (StreamTransport).
//
//   class StreamTransport : protected io::ConnectionOwner { ... };
//   void on_connection_data(Connection& c, std::span<const std::uint8_t> b) override { emit(Received{...}); }
//   void on_connection_closed(Connection& c, CloseReason r, std::optional<Error> e) override { forget(c); }

#include <cstdint>
#include <optional>
#include <span>

#include "base/error.hpp"

namespace sotto::io {

class Connection;
enum class CloseReason : std::uint8_t;

class ConnectionOwner {
 public:
  virtual void on_connection_open(Connection& c) = 0;
  virtual void on_connection_data(Connection& c, std::span<const std::uint8_t> bytes) = 0;
  virtual void on_connection_closed(Connection& c, CloseReason reason, std::optional<Error> error,
                                    std::size_t unsent_bytes) = 0;

 protected:
  ~ConnectionOwner() = default;
};

}  // namespace sotto::io
