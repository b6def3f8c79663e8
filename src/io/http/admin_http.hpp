#pragma once
// AdminHttp: the operator's HTTP listener (Prometheus /metrics, the JSON admin API) on loopback, served by
// cpp-httplib on threads of its own, apart from the SIP and media threads.
//
//   io::http::AdminHttp admin({.bind = "127.0.0.1:8061"});
//   admin.get("/metrics", [&](const io::http::Request&) { return io::http::Response::prometheus(reg.expose()); });
//   if (auto ep = admin.start(); !ep) die(ep.error().context);   // "--http 10.0.0.1:8061: not a loopback address ..."
//
// It has no authentication and no TLS: anyone who can connect can read every registration and call. So it
// binds only to loopback addresses (127.0.0.0/8, ::1) unless `allow_non_loopback` is set, and keeps hostile
// local clients bounded. cpp-httplib 0.11 alone is not enough for that (it reads a request line or header
// section of any length into memory, and queues connections without limit), so the TCP port is served by a
// ConnectionGuard (connection_guard.hpp) that relays to cpp-httplib on a private UNIX socket and caps the
// bytes a client may send per connection, each connection's lifetime and the connection count (503 beyond).
// Inside, cpp-httplib's worker threads are fixed in number, reads and writes time out, keep-alive is capped,
// request bodies are refused beyond `max_body_bytes`, and only GET and HEAD are routed.
//
// Handlers run on the HTTP worker threads, several at once: they must be thread-safe. To read state owned
// by an io_context thread, wrap the handler with on_io_context() (io/http/on_io_context.hpp).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "io/endpoint.hpp"

namespace sotto::io::http {

struct AdminHttpOptions {
  std::string bind = "127.0.0.1:8061";  // IP:PORT or [IPv6]:PORT, an IP literal; port 0 picks a free port
  bool allow_non_loopback = false;      // the listener is unauthenticated: off unless the operator says so
  std::size_t threads = 2;              // worker threads serving connections
  std::size_t max_connections = 16;     // open at once; more are answered 503 and closed
  std::size_t max_request_bytes = 64 * 1024;       // from a client per connection (all its requests)
  std::chrono::milliseconds max_connection_time{30000};  // a connection is closed after this long
  std::chrono::milliseconds read_timeout{5000};   // for each read of a request (slow clients are cut)
  std::chrono::milliseconds write_timeout{5000};  // for each write of a response
  std::size_t keep_alive_max_requests = 20;       // requests per connection
  std::chrono::seconds keep_alive_timeout{5};     // idle time between requests on one connection
  std::size_t max_body_bytes = 1024;              // request bodies (none expected: GET and HEAD only)
};

struct Request {
  std::string method;  // GET or HEAD (HEAD gets the GET handler; the body is not sent)
  std::string path;    // the decoded path, without the query: "/api/calls"
  std::multimap<std::string, std::string> query;  // decoded query parameters: ?since=1h -> {"since", "1h"}

  // The first value of query parameter `name`, if present.
  std::optional<std::string> param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;

  static Response text(std::string body, int status = 200);
  static Response json(std::string body, int status = 200);        // application/json
  static Response prometheus(std::string body);                    // text/plain; version=0.0.4
  // {"error": "<message>"} with `status`, e.g. error(400, "since: expected an RFC 3339 time or 1h/30m").
  static Response error(int status, std::string_view message);
};

using Handler = std::function<Response(const Request&)>;

// Checks `bind` as AdminHttp::start would: an IP literal and port, loopback unless `allow_non_loopback`.
Result<Endpoint> check_admin_bind(std::string_view bind, bool allow_non_loopback);

class AdminHttp {
 public:
  explicit AdminHttp(AdminHttpOptions options);
  ~AdminHttp();  // stop()
  AdminHttp(const AdminHttp&) = delete;
  AdminHttp& operator=(const AdminHttp&) = delete;

  // Routes GET (and HEAD) of exactly `path` to `handler`. Before start() only. Other paths answer 404 with
  // a JSON error, other methods 405 with an Allow header; a handler that throws gives 500 with its message.
  void get(std::string path, Handler handler);

  // Binds and starts serving on the worker threads. Returns the bound address (with the real port when
  // the option said 0). Errors name the address and what was wrong: not an IP:PORT, not loopback, in use.
  Result<Endpoint> start();
  // Stops accepting, closes the connections, waits for handlers running now to return and joins the
  // threads. Idempotent; the destructor calls it.
  void stop();

  std::optional<Endpoint> local_endpoint() const;
  // Connections answered 503 at the cap, and connections closed for sending too much or living too long.
  std::uint64_t connections_refused() const noexcept;
  std::uint64_t connections_cut() const noexcept;
  const AdminHttpOptions& options() const noexcept { return options_; }

 private:
  struct Impl;
  AdminHttpOptions options_;
  std::map<std::string, Handler, std::less<>> routes_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sotto::io::http
