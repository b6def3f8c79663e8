#pragma once
// ConnectionGuard: the admin listener's TCP front. It accepts on the operator's address and relays each
// connection to cpp-httplib's private UNIX socket, enforcing what cpp-httplib 0.11 does not: a cap on bytes
// from the client per connection (its parser grows a request line without bound until the line feed), a
// lifetime per connection, and a connection count answered with 503 rather than queued.
//
//   auto guard = ConnectionGuard::start(*Endpoint::parse("127.0.0.1:8061"), "/tmp/sotto-admin-x/http.sock", {});
//   if (!guard) die(guard.error().context);   // "127.0.0.1:8061: cannot listen (Address already in use)"
//   (*guard)->stop();                          // closes every connection, joins its thread

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "base/result.hpp"
#include "io/endpoint.hpp"

namespace sotto::io::http {

struct GuardLimits {
  std::size_t max_connections = 16;            // relayed at once; more get 503 and are closed
  std::size_t max_request_bytes = 64 * 1024;   // from the client, per connection, all requests together
  std::chrono::milliseconds max_connection_time{30000};  // then the connection is closed
};

class ConnectionGuard {
 public:
  static Result<std::unique_ptr<ConnectionGuard>> start(const Endpoint& listen, std::string backend_path,
                                                        GuardLimits limits);
  ~ConnectionGuard();
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;

  void stop();  // idempotent
  Endpoint local_endpoint() const { return bound_; }
  std::uint64_t refused() const noexcept { return refused_.load(); }  // over the connection cap
  std::uint64_t cut() const noexcept { return cut_.load(); }          // over the byte cap or lifetime

 private:
  ConnectionGuard(int listen_fd, Endpoint bound, std::string backend, GuardLimits limits, int wake_read, int wake_write);
  void run();

  int listen_fd_;
  Endpoint bound_;
  std::string backend_;
  GuardLimits limits_;
  int wake_read_, wake_write_;
  std::atomic<std::uint64_t> refused_{0}, cut_{0};
  std::thread thread_;
};

}  // namespace sotto::io::http
