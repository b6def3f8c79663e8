#include "io/http/connection_guard.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <list>
#include <vector>

namespace sotto::io::http {
namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr std::size_t kBuffer = 64 * 1024;  // pending bytes per direction before reading pauses

std::string errno_text() { return std::strerror(errno); }

// A relayed connection: client (TCP) <-> backend (cpp-httplib's UNIX socket).
struct Relay {
  int client = -1, backend = -1;
  std::string to_backend, to_client;
  std::size_t from_client = 0;
  SteadyClock::time_point deadline;
  SteadyClock::time_point connect_by;  // while backend < 0: cpp-httplib's backlog was full; retry until then
  bool client_eof = false, backend_eof = false, backend_shut = false, dead = false;
};

void close_relay(Relay& r) {
  if (r.client >= 0) ::close(r.client);
  if (r.backend >= 0) ::close(r.backend);
  r.client = r.backend = -1;
  r.dead = true;
}

// Reads what is there into `into` (up to the buffer size); sets `eof` at the end of the stream, `dead` on an
// error.
void pull(int fd, std::string& into, bool& eof, bool& dead, std::size_t* counter) {
  char buf[16384];
  while (into.size() < kBuffer) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      into.append(buf, static_cast<std::size_t>(n));
      if (counter) *counter += static_cast<std::size_t>(n);
      continue;
    }
    if (n == 0) eof = true;
    else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) dead = true;
    return;
  }
}

void push(int fd, std::string& from, bool& dead) {
  while (!from.empty()) {
    const ssize_t n = ::send(fd, from.data(), from.size(), MSG_NOSIGNAL);
    if (n > 0) {
      from.erase(0, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) dead = true;
    return;
  }
}

constexpr auto kConnectPatience = std::chrono::milliseconds(2000);

int connect_backend(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::memcpy(a.sun_path, path.data(), std::min(path.size(), sizeof a.sun_path - 1));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {  // EAGAIN: its backlog is full
    ::close(fd);
    return -1;
  }
  return fd;
}

void refuse(int fd) {
  static const std::string kBusy = [] {
    const std::string body = "{\"error\":\"too many admin connections; try again\"}\n";
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  }();
  (void)::send(fd, kBusy.data(), kBusy.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::close(fd);
}

}  // namespace

Result<std::unique_ptr<ConnectionGuard>> ConnectionGuard::start(const Endpoint& listen, std::string backend_path,
                                                                GuardLimits limits) {
  const auto native = listen.tcp();
  const int fd = ::socket(native.address().is_v6() ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(Errc::io_error, listen.to_string() + ": cannot listen (" + errno_text() + ")");
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // restart while old connections linger
  if (::bind(fd, static_cast<const sockaddr*>(native.data()), static_cast<socklen_t>(native.size())) != 0 ||
      ::listen(fd, 64) != 0) {
    const std::string why = errno_text();
    ::close(fd);
    return fail(Errc::io_error, listen.to_string() + ": cannot listen (" + why + ")");
  }
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  const std::uint16_t port = ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                                            : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  int wake[2];
  if (::pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0) {
    ::close(fd);
    return fail(Errc::io_error, "admin listener: pipe: " + errno_text());
  }
  std::unique_ptr<ConnectionGuard> g(
      new ConnectionGuard(fd, Endpoint{listen.address, port}, std::move(backend_path), limits, wake[0], wake[1]));
  g->thread_ = std::thread([p = g.get()] { p->run(); });
  return g;
}

ConnectionGuard::ConnectionGuard(int listen_fd, Endpoint bound, std::string backend, GuardLimits limits,
                                 int wake_read, int wake_write)
    : listen_fd_(listen_fd), bound_(bound), backend_(std::move(backend)), limits_(limits),
      wake_read_(wake_read), wake_write_(wake_write) {}

ConnectionGuard::~ConnectionGuard() {
  stop();
  ::close(wake_read_);
  ::close(wake_write_);
}

void ConnectionGuard::stop() {
  if (!thread_.joinable()) return;
  const char x = 1;
  (void)::write(wake_write_, &x, 1);
  thread_.join();
}

void ConnectionGuard::run() {
  std::list<Relay> relays;
  std::vector<pollfd> fds;
  std::vector<Relay*> owners;  // fds[i] belongs to owners[i] (nullptr: wake pipe, listener)
  for (;;) {
    const auto now = SteadyClock::now();
    int timeout_ms = 1000;
    fds.clear();
    owners.clear();
    fds.push_back({wake_read_, POLLIN, 0});
    owners.push_back(nullptr);
    fds.push_back({listen_fd_, POLLIN, 0});
    owners.push_back(nullptr);
    for (Relay& r : relays) {
      short c = 0, b = 0;
      if (!r.client_eof && r.to_backend.size() < kBuffer) c |= POLLIN;
      if (!r.to_client.empty()) c |= POLLOUT;
      if (!r.backend_eof && r.to_client.size() < kBuffer) b |= POLLIN;
      if (!r.to_backend.empty()) b |= POLLOUT;
      if (r.backend < 0) timeout_ms = std::min(timeout_ms, 5);  // poll ignores fd -1; retry the connect soon
      fds.push_back({r.client, c, 0});
      owners.push_back(&r);
      fds.push_back({r.backend, b, 0});
      owners.push_back(&r);
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(r.deadline - now).count();
      timeout_ms = static_cast<int>(std::clamp<long long>(left + 1, 0, timeout_ms));
    }
    if (::poll(fds.data(), fds.size(), timeout_ms) < 0 && errno != EINTR) break;
    if (fds[0].revents) break;  // stop()

    for (std::size_t i = 2; i < fds.size(); i += 2) {
      Relay& r = *owners[i];
      const short ce = fds[i].revents, be = fds[i + 1].revents;
      if (r.backend < 0) {
        r.backend = connect_backend(backend_);
        if (r.backend < 0) {
          if (SteadyClock::now() >= r.connect_by) {
            ++refused_;
            refuse(r.client);
            r.client = -1;
            r.dead = true;
          } else if (ce & (POLLIN | POLLHUP | POLLERR)) {
            pull(r.client, r.to_backend, r.client_eof, r.dead, &r.from_client);
          }
          continue;
        }
      }
      if (ce & (POLLIN | POLLHUP | POLLERR)) pull(r.client, r.to_backend, r.client_eof, r.dead, &r.from_client);
      if (be & (POLLIN | POLLHUP | POLLERR)) pull(r.backend, r.to_client, r.backend_eof, r.dead, nullptr);
      if (!r.dead) push(r.backend, r.to_backend, r.dead);
      if (!r.dead) push(r.client, r.to_client, r.dead);
      if (r.dead) continue;
      if (r.from_client > limits_.max_request_bytes || SteadyClock::now() >= r.deadline) {
        ++cut_;
        r.dead = true;
        continue;
      }
      // The client is done sending: pass the half-close on once its bytes are through.
      if (r.client_eof && r.to_backend.empty() && !r.backend_shut) {
        ::shutdown(r.backend, SHUT_WR);
        r.backend_shut = true;
      }
      // The backend closed (after its last response): flush to the client, then close.
      if (r.backend_eof && r.to_client.empty()) r.dead = true;
      if (r.client_eof && r.backend_eof) r.dead = true;
    }
    // Deadlines of relays that saw no event this round.
    const auto after = SteadyClock::now();
    for (Relay& r : relays) {
      if (!r.dead && after >= r.deadline) {
        ++cut_;
        r.dead = true;
      }
    }
    for (auto it = relays.begin(); it != relays.end();) {
      if (it->dead) {
        close_relay(*it);
        it = relays.erase(it);
      } else {
        ++it;
      }
    }
    // New connections last, after the relays that ended this round are gone from the count.
    if (fds[1].revents & POLLIN) {
      for (;;) {
        const int c = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (c < 0) {
          // Out of descriptors: the listener stays readable; pause rather than spin.
          if (errno == EMFILE || errno == ENFILE) std::this_thread::sleep_for(std::chrono::milliseconds(10));
          break;
        }
        if (relays.size() >= limits_.max_connections) {
          ++refused_;
          refuse(c);
          continue;
        }
        Relay r;
        r.client = c;
        r.backend = connect_backend(backend_);  // -1 while cpp-httplib's listen backlog is full
        r.deadline = SteadyClock::now() + limits_.max_connection_time;
        r.connect_by = SteadyClock::now() + kConnectPatience;
        relays.push_back(std::move(r));
      }
    }
  }
  for (Relay& r : relays) close_relay(r);
  ::close(listen_fd_);
  listen_fd_ = -1;
}

}  // namespace sotto::io::http
