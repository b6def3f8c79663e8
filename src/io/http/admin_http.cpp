#include "io/http/admin_http.hpp"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace sotto::io::http {
namespace {

// cpp-httplib's default pool queues every accepted connection without bound. This one holds at most
// `max_jobs` connections (being served or waiting for a worker); when full, enqueue() blocks the accept
// thread, so further clients wait in the kernel's listen backlog instead of in our memory.
class BoundedPool final : public httplib::TaskQueue {
 public:
  BoundedPool(std::size_t threads, std::size_t max_jobs) : max_jobs_(std::max<std::size_t>(max_jobs, 1)) {
    for (std::size_t i = 0; i < std::max<std::size_t>(threads, 1); ++i) workers_.emplace_back([this] { work(); });
  }

  void enqueue(std::function<void()> fn) override {
    std::unique_lock lock(mutex_);
    room_.wait(lock, [&] { return active_ + jobs_.size() < max_jobs_; });
    jobs_.push_back(std::move(fn));
    ready_.notify_one();
  }

  // Called by the accept thread when it stops: the queued connections are still served (each job owns and
  // closes its socket), then the workers end.
  void shutdown() override {
    {
      std::lock_guard lock(mutex_);
      shutdown_ = true;
    }
    ready_.notify_all();
    for (auto& t : workers_) t.join();
  }

 private:
  void work() {
    for (;;) {
      std::function<void()> fn;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [&] { return !jobs_.empty() || shutdown_; });
        if (jobs_.empty()) return;
        fn = std::move(jobs_.front());
        jobs_.pop_front();
        ++active_;
      }
      try {
        fn();
      } catch (...) {
        // A connection's failure ends that connection only.
      }
      {
        std::lock_guard lock(mutex_);
        --active_;
      }
      room_.notify_one();
    }
  }

  const std::size_t max_jobs_;
  std::mutex mutex_;
  std::condition_variable ready_, room_;
  std::deque<std::function<void()>> jobs_;
  std::size_t active_ = 0;
  bool shutdown_ = false;
  std::vector<std::thread> workers_;
};

std::string json_string(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20 || u == 0x7F) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xF];
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// Why bind() failed, for the error message (cpp-httplib only says that it did).
std::string bind_error(const Endpoint& ep) {
  const auto native = ep.tcp();
  const int fd = ::socket(native.address().is_v6() ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::strerror(errno);
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  std::string why = "cannot bind";
  if (::bind(fd, static_cast<const sockaddr*>(native.data()), static_cast<socklen_t>(native.size())) != 0) {
    why = std::strerror(errno);
  }
  ::close(fd);
  return why;
}

std::string status_text(int status) {
  switch (status) {
    case 400: return "bad request";
    case 404: return "not found";
    case 413: return "request body too large";
    case 414: return "request line too long";
    case 416: return "range not satisfiable";
    case 500: return "internal error";
    default: return "HTTP status " + std::to_string(status);
  }
}

void no_store(httplib::Response& res) {
  res.set_header("Cache-Control", "no-store");
  res.set_header("X-Content-Type-Options", "nosniff");
}

}  // namespace

std::optional<std::string> Request::param(std::string_view name) const {
  auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

Response Response::text(std::string body, int status) {
  return {status, "text/plain; charset=utf-8", std::move(body)};
}

Response Response::json(std::string body, int status) { return {status, "application/json", std::move(body)}; }

Response Response::prometheus(std::string body) {
  return {200, "text/plain; version=0.0.4; charset=utf-8", std::move(body)};
}

Response Response::error(int status, std::string_view message) {
  return json("{\"error\":" + json_string(message) + "}\n", status);
}

Result<Endpoint> check_admin_bind(std::string_view bind, bool allow_non_loopback) {
  auto ep = Endpoint::parse(bind);
  if (!ep) {
    return fail(Errc::invalid_argument,
                std::string(bind) + ": expected IP:PORT or [IPv6]:PORT with an IP literal (" + ep.error().context + ")");
  }
  if (!allow_non_loopback && !ep->address.is_loopback()) {
    return fail(Errc::invalid_argument,
                std::string(bind) +
                    ": not a loopback address; the admin HTTP listener has no authentication and no TLS, so it "
                    "binds only to 127.0.0.0/8 or ::1 unless non-loopback binding is explicitly allowed");
  }
  return ep;
}

struct AdminHttp::Impl {
  httplib::Server server;
  std::thread thread;
  Endpoint bound;
  std::atomic<bool> ended{false};
};

AdminHttp::AdminHttp(AdminHttpOptions options) : options_(std::move(options)) {}

AdminHttp::~AdminHttp() { stop(); }

void AdminHttp::get(std::string path, Handler handler) {
  if (impl_) throw std::logic_error("AdminHttp::get(" + path + ") after start()");
  routes_[std::move(path)] = std::move(handler);
}

Result<Endpoint> AdminHttp::start() {
  if (impl_) return fail(Errc::invalid_argument, "admin HTTP listener already started");
  auto ep = check_admin_bind(options_.bind, options_.allow_non_loopback);
  if (!ep) return Unexpected(ep.error());

  auto impl = std::make_unique<Impl>();
  httplib::Server& s = impl->server;
  const std::size_t threads = options_.threads, max_jobs = options_.max_connections;
  s.new_task_queue = [threads, max_jobs] { return new BoundedPool(threads, max_jobs); };
  s.set_read_timeout(options_.read_timeout);
  s.set_write_timeout(options_.write_timeout);
  s.set_keep_alive_max_count(options_.keep_alive_max_requests);
  s.set_keep_alive_timeout(static_cast<time_t>(options_.keep_alive_timeout.count()));
  s.set_payload_max_length(options_.max_body_bytes);
  // cpp-httplib's default sets SO_REUSEPORT, which would let another local process bind the same port and
  // take a share of the connections (and hides "address in use"); SO_REUSEADDR only allows a quick restart.
  s.set_socket_options([](int sock) {
    int one = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  });

  // GET and HEAD are routed here, before cpp-httplib's own routing (which would serve files or match
  // regular expressions); paths match exactly.
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (req.method != "GET" && req.method != "HEAD") return httplib::Server::HandlerResponse::Unhandled;
    Response out;
    auto route = routes_.find(req.path);
    if (route == routes_.end()) {
      out = Response::error(404, "no such path: " + req.path);
    } else {
      Request r;
      r.method = req.method;
      r.path = req.path;
      r.query.insert(req.params.begin(), req.params.end());
      r.remote = req.remote_addr.find(':') != std::string::npos
                     ? "[" + req.remote_addr + "]:" + std::to_string(req.remote_port)
                     : req.remote_addr + ":" + std::to_string(req.remote_port);
      try {
        out = route->second(r);
      } catch (const std::exception& e) {
        out = Response::error(500, "handler for " + req.path + " failed: " + e.what());
      } catch (...) {
        out = Response::error(500, "handler for " + req.path + " failed");
      }
    }
    res.status = out.status;
    res.set_content(std::move(out.body), out.content_type.c_str());
    no_store(res);
    return httplib::Server::HandlerResponse::Handled;
  });
  // Other methods: the (bounded) body is read, then refused.
  const auto not_allowed = [](const httplib::Request& req, httplib::Response& res) {
    const Response out = Response::error(405, "method " + req.method + " not allowed; use GET");
    res.status = out.status;
    res.set_header("Allow", "GET, HEAD");
    res.set_content(out.body, out.content_type.c_str());
    no_store(res);
  };
  s.Post(".*", not_allowed);
  s.Put(".*", not_allowed);
  s.Patch(".*", not_allowed);
  s.Delete(".*", not_allowed);
  s.Options(".*", not_allowed);
  // Errors cpp-httplib produces itself (400 malformed, 413 body too large, 414 URI too long): a JSON body.
  s.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    const Response out = Response::error(res.status, status_text(res.status));
    res.set_content(out.body, out.content_type.c_str());
    no_store(res);
    return httplib::Server::HandlerResponse::Handled;
  }));

  const std::string host = ep->address.to_string();
  int port = -1;
  if (ep->port == 0) port = s.bind_to_any_port(host);
  else if (s.bind_to_port(host, ep->port)) port = ep->port;
  if (port <= 0) {
    return fail(Errc::io_error, options_.bind + ": cannot listen (" + bind_error(*ep) + ")");
  }
  impl->bound = Endpoint{ep->address, static_cast<std::uint16_t>(port)};
  impl->thread = std::thread([&server = impl->server, &ended = impl->ended] {
    server.listen_after_bind();
    ended = true;
  });
  // Server::stop() does nothing until the accept loop runs (it checks is_running()): wait for it, so that a
  // stop() right after start() cannot leave the thread accepting forever.
  while (!impl->server.is_running() && !impl->ended) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  impl_ = std::move(impl);
  return impl_->bound;
}

void AdminHttp::stop() {
  if (!impl_) return;
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::optional<Endpoint> AdminHttp::local_endpoint() const {
  if (!impl_) return std::nullopt;
  return impl_->bound;
}

}  // namespace sotto::io::http
