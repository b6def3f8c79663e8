#include "io/http/admin_http.hpp"

#include <stdlib.h>

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
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include "io/http/connection_guard.hpp"

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
  std::atomic<bool> ended{false};
  std::filesystem::path dir;  // private (0700) directory of cpp-httplib's UNIX socket
  std::unique_ptr<ConnectionGuard> guard;

  ~Impl() {
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
};

namespace {

// A fresh 0700 directory for the UNIX socket, so that only our own user can reach cpp-httplib directly.
Result<std::filesystem::path> private_dir() {
  std::error_code ec;
  std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  // sun_path holds 108 bytes: a long TMPDIR falls back to /tmp.
  if (ec || base.string().size() > 60) base = "/tmp";
  std::string templ = (base / "sotto-admin-XXXXXX").string();
  if (::mkdtemp(templ.data()) == nullptr) {
    return fail(Errc::io_error, "admin listener: cannot create a directory in " + base.string() + " (" +
                                    std::strerror(errno) + ")");
  }
  return std::filesystem::path(templ);
}

}  // namespace

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

  auto dir = private_dir();
  if (!dir) return Unexpected(dir.error());
  impl->dir = *dir;
  const std::string sock = (*dir / "http.sock").string();
  s.set_address_family(AF_UNIX);
  if (!s.bind_to_port(sock, 80)) {
    return fail(Errc::io_error, "admin listener: cannot listen on " + sock + " (" + std::strerror(errno) + ")");
  }
  GuardLimits limits;
  limits.max_connections = options_.max_connections;
  limits.max_request_bytes = options_.max_request_bytes;
  limits.max_connection_time = options_.max_connection_time;
  auto guard = ConnectionGuard::start(*ep, sock, limits);
  if (!guard) return Unexpected(guard.error());
  impl->guard = std::move(*guard);

  impl->thread = std::thread([&server = impl->server, &ended = impl->ended] {
    server.listen_after_bind();
    ended = true;
  });
  // Server::stop() does nothing until the accept loop runs (it checks is_running()): wait for it, so that a
  // stop() right after start() cannot leave the thread accepting forever.
  while (!impl->server.is_running() && !impl->ended) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  impl_ = std::move(impl);
  return impl_->guard->local_endpoint();
}

void AdminHttp::stop() {
  if (!impl_) return;
  impl_->guard->stop();  // first: closing the relays ends cpp-httplib's connections at once
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::optional<Endpoint> AdminHttp::local_endpoint() const {
  if (!impl_) return std::nullopt;
  return impl_->guard->local_endpoint();
}

}  // namespace sotto::io::http

namespace sotto::io::http {

std::uint64_t AdminHttp::connections_refused() const noexcept { return impl_ ? impl_->guard->refused() : 0; }
std::uint64_t AdminHttp::connections_cut() const noexcept { return impl_ ? impl_->guard->cut() : 0; }

}  // namespace sotto::io::http
