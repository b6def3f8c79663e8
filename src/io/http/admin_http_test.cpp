#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <asio/executor_work_guard.hpp>
#include <atomic>
#include <chrono>
#include <thread>

#include "base/metrics/metrics.hpp"
#include "io/http/admin_http.hpp"
#include "io/http/on_io_context.hpp"

namespace sotto::io::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

AdminHttpOptions test_options() {
  AdminHttpOptions o;
  o.bind = "127.0.0.1:0";
  o.read_timeout = 500ms;
  o.write_timeout = 500ms;
  o.keep_alive_timeout = 1s;
  return o;
}

httplib::Client client_for(const Endpoint& ep) {
  httplib::Client c(ep.address.to_string(), ep.port);
  c.set_connection_timeout(2s);
  c.set_read_timeout(5s);
  return c;
}

// A raw TCP connection to the listener, for clients that misbehave.
int connect_raw(const Endpoint& ep) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(ep.port);
  ::inet_pton(AF_INET, ep.address.to_string().c_str(), &a.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// Reads until the peer closes or `limit` passes; returns what was read and whether it closed.
std::pair<std::string, bool> read_until_closed(int fd, std::chrono::milliseconds limit) {
  std::string got;
  const auto end = Clock::now() + limit;
  while (Clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    const int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count());
    if (::poll(&p, 1, std::max(left, 1)) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return {got, true};
    got.append(buf, static_cast<std::size_t>(n));
  }
  return {got, false};
}

TEST(AdminHttpBind, LoopbackOnlyUnlessAllowed) {
  EXPECT_TRUE(check_admin_bind("127.0.0.1:8061", false));
  EXPECT_TRUE(check_admin_bind("127.1.2.3:8061", false));
  EXPECT_TRUE(check_admin_bind("[::1]:8061", false));
  auto any = check_admin_bind("0.0.0.0:8061", false);
  ASSERT_FALSE(any);
  EXPECT_EQ(any.error().context,
            "0.0.0.0:8061: not a loopback address; the admin HTTP listener has no authentication and no TLS, so it "
            "binds only to 127.0.0.0/8 or ::1 unless non-loopback binding is explicitly allowed");
  EXPECT_FALSE(check_admin_bind("10.1.2.3:8061", false));
  EXPECT_FALSE(check_admin_bind("[::]:8061", false));
  EXPECT_FALSE(check_admin_bind("[::ffff:127.0.0.1]:8061", false));  // v4-mapped: not taken as loopback
  EXPECT_TRUE(check_admin_bind("0.0.0.0:8061", true));                // the operator's explicit choice
  auto name = check_admin_bind("localhost:8061", false);
  ASSERT_FALSE(name);
  EXPECT_NE(name.error().context.find("localhost:8061: expected IP:PORT"), std::string::npos) << name.error().context;
  EXPECT_FALSE(check_admin_bind("127.0.0.1", false));
  EXPECT_FALSE(check_admin_bind("", false));
}

TEST(AdminHttp, StartRefusesANonLoopbackAddressWithoutBinding) {
  AdminHttpOptions o = test_options();
  o.bind = "0.0.0.0:0";
  AdminHttp admin(o);
  auto r = admin.start();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().context.find("not a loopback address"), std::string::npos);
  EXPECT_FALSE(admin.local_endpoint());
}

TEST(AdminHttp, AddressInUseIsNamed) {
  AdminHttp first(test_options());
  auto ep = first.start();
  ASSERT_TRUE(ep) << ep.error().context;
  AdminHttpOptions o = test_options();
  o.bind = ep->to_string();
  AdminHttp second(o);
  auto r = second.start();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().context, ep->to_string() + ": cannot listen (Address already in use)");
}

TEST(AdminHttp, ServesRoutesWithTheirContentTypes) {
  metrics::Registry reg;
  reg.counter("sotto_calls_total", "Calls", {{"result", "answered"}}).inc(2);
  AdminHttp admin(test_options());
  admin.get("/metrics", [&](const Request&) { return Response::prometheus(reg.expose()); });
  admin.get("/api/health", [](const Request&) { return Response::json("{\"status\":\"ok\"}\n"); });
  std::string seen_since;
  admin.get("/api/calls", [&](const Request& r) {
    seen_since = r.param("since").value_or("(none)");
    return Response::json("{\"calls\":[]}\n");
  });
  auto ep = admin.start();
  ASSERT_TRUE(ep) << ep.error().context;
  ASSERT_NE(ep->port, 0);
  EXPECT_EQ(admin.local_endpoint(), *ep);
  auto c = client_for(*ep);

  auto m = c.Get("/metrics");
  ASSERT_TRUE(m) << httplib::to_string(m.error());
  EXPECT_EQ(m->status, 200);
  EXPECT_EQ(m->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(m->body, reg.expose());
  EXPECT_EQ(m->get_header_value("Cache-Control"), "no-store");

  auto h = c.Get("/api/health");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  EXPECT_EQ(h->get_header_value("Content-Type"), "application/json");
  EXPECT_EQ(h->body, "{\"status\":\"ok\"}\n");

  auto calls = c.Get("/api/calls?since=2026-12-01T00%3A00Z&x=1");
  ASSERT_TRUE(calls);
  EXPECT_EQ(calls->status, 200);
  EXPECT_EQ(seen_since, "2026-12-01T00:00Z");
  auto none = c.Get("/api/calls");
  ASSERT_TRUE(none);
  EXPECT_EQ(seen_since, "(none)");
}

TEST(AdminHttp, ServesOnIpv6Loopback) {
  AdminHttpOptions o = test_options();
  o.bind = "[::1]:0";
  AdminHttp admin(o);
  admin.get("/api/health", [](const Request&) { return Response::json("{\"status\":\"ok\"}\n"); });
  auto ep = admin.start();
  ASSERT_TRUE(ep) << ep.error().context;
  EXPECT_EQ(ep->address.to_string(), "::1");
  httplib::Client c("::1", ep->port);
  c.set_connection_timeout(2s);
  auto r = c.Get("/api/health");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"status\":\"ok\"}\n");
}

TEST(AdminHttp, UnknownPathsMethodsAndFailingHandlersGetJsonErrors) {
  AdminHttp admin(test_options());
  admin.get("/api/health", [](const Request&) { return Response::json("{}"); });
  admin.get("/boom", [](const Request&) -> Response { throw std::runtime_error("store \"closed\"\n"); });
  auto ep = admin.start();
  ASSERT_TRUE(ep) << ep.error().context;
  auto c = client_for(*ep);

  auto nf = c.Get("/nope");
  ASSERT_TRUE(nf);
  EXPECT_EQ(nf->status, 404);
  EXPECT_EQ(nf->body, "{\"error\":\"no such path: /nope\"}\n");
  auto prefix = c.Get("/api/health/x");  // exact paths only
  ASSERT_TRUE(prefix);
  EXPECT_EQ(prefix->status, 404);

  auto post = c.Post("/api/health", "x=1", "application/x-www-form-urlencoded");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->get_header_value("Allow"), "GET, HEAD");
  EXPECT_EQ(post->body, "{\"error\":\"method POST not allowed; use GET\"}\n");
  auto del = c.Delete("/api/health");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 405);

  auto boom = c.Get("/boom");
  ASSERT_TRUE(boom);
  EXPECT_EQ(boom->status, 500);
  EXPECT_EQ(boom->body, "{\"error\":\"handler for /boom failed: store \\\"closed\\\"\\n\"}\n");

  auto head = c.Head("/api/health");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->body, "");
}

TEST(AdminHttp, OversizedRequestsAreRefused) {
  AdminHttp admin(test_options());
  admin.get("/metrics", [](const Request&) { return Response::text("ok"); });
  auto ep = admin.start();
  ASSERT_TRUE(ep) << ep.error().context;
  auto c = client_for(*ep);

  auto body = c.Post("/metrics", std::string(8 * 1024, 'x'), "text/plain");  // over max_body_bytes (1 KiB)
  ASSERT_TRUE(body);
  EXPECT_EQ(body->status, 413);
  EXPECT_EQ(body->body, "{\"error\":\"request body too large\"}\n");

  auto uri = c.Get("/metrics?" + std::string(9000, 'a'));
  ASSERT_TRUE(uri);
  EXPECT_EQ(uri->status, 414);

  // A header line over the limit: 400, and the server closes.
  const int fd = connect_raw(*ep);
  ASSERT_GE(fd, 0);
  const std::string req = "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(10000, 'b') + "\r\n\r\n";
  ASSERT_EQ(::send(fd, req.data(), req.size(), MSG_NOSIGNAL), static_cast<ssize_t>(req.size()));
  auto [got, closed] = read_until_closed(fd, 3s);
  ::close(fd);
  EXPECT_TRUE(got.starts_with("HTTP/1.1 400 Bad Request\r\n")) << got.substr(0, 200);
  EXPECT_TRUE(closed);
}

// cpp-httplib 0.11 reads a request line until its line feed, however long; the listener must cut a
// client that sends an endless one long before it has cost memory.
TEST(AdminHttp, AnEndlessRequestLineIsCut) {
  AdminHttp admin(test_options());
  admin.get("/metrics", [](const Request&) { return Response::text("ok"); });
  auto ep = admin.start();
  ASSERT_TRUE(ep) << ep.error().context;
  const int fd = connect_raw(*ep);
  ASSERT_GE(fd, 0);
  timeval tv{2, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  const std::string chunk(64 * 1024, 'a');
  std::size_t sent = 0;
  ASSERT_EQ(::send(fd, "GET /", 5, MSG_NOSIGNAL), 5);
  while (sent < (64u << 20)) {
    const ssize_t n = ::send(fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  ::close(fd);
  // Accepted: the request limit plus what the socket buffers hold (a few MiB on loopback), not 64 MiB.
  EXPECT_LT(sent, std::size_t{16} << 20) << "the listener kept reading an endless request line";
  EXPECT_EQ(admin.connections_cut(), 1u);
}

// A client that starts a request and stalls is cut after the read timeout, even when it trickles.
TEST(AdminHttp, StalledClientsAreCutAfterTheReadTimeout) {
  AdminHttp admin(test_options());  // read timeout 500 ms
  admin.get("/metrics", [](const Request&) { return Response::text("ok"); });
  auto ep = admin.start();
  ASSERT_TRUE(ep) << ep.error().context;
  const int fd = connect_raw(*ep);
  ASSERT_GE(fd, 0);
  const std::string partial = "GET /metrics HTTP/1.1\r\nHost: x\r\n";
  ASSERT_EQ(::send(fd, partial.data(), partial.size(), MSG_NOSIGNAL), static_cast<ssize_t>(partial.size()));
  const auto t0 = Clock::now();
  auto [got, closed] = read_until_closed(fd, 5s);
  const auto waited = Clock::now() - t0;
  ::close(fd);
  EXPECT_TRUE(closed);
  EXPECT_GE(waited, 400ms);
  EXPECT_LT(waited, 3s);
}

// Over the connection cap a client is answered 503 at once (not queued); when a slot frees, it is served.
TEST(AdminHttp, ConnectionsOverTheCapGetServiceUnavailable) {
  AdminHttpOptions o = test_options();
  o.max_connections = 2;
  o.read_timeout = 5s;
  AdminHttp admin(o);
  admin.get("/metrics", [](const Request&) { return Response::text("ok"); });
  auto ep = admin.start();
  ASSERT_TRUE(ep) << ep.error().context;
  int idle[2];
  for (int& fd : idle) {
    fd = connect_raw(*ep);
    ASSERT_GE(fd, 0);
  }
  std::this_thread::sleep_for(100ms);
  auto c = client_for(*ep);
  auto busy = c.Get("/metrics");
  ASSERT_TRUE(busy) << httplib::to_string(busy.error());
  EXPECT_EQ(busy->status, 503);
  EXPECT_EQ(admin.connections_refused(), 1u);
  EXPECT_EQ(busy->body, "{\"error\":\"too many admin connections; try again\"}\n");
  for (int fd : idle) ::close(fd);
  std::this_thread::sleep_for(100ms);
  auto ok = client_for(*ep).Get("/metrics");
  ASSERT_TRUE(ok) << httplib::to_string(ok.error());
  EXPECT_EQ(ok->status, 200);
}

// A client that trickles a byte now and then never trips a read timeout; the connection lifetime ends it.
TEST(AdminHttp, TricklingClientIsCutAtTheConnectionLifetime) {
  AdminHttpOptions o = test_options();
  o.max_connection_time = 1s;
  AdminHttp admin(o);
  admin.get("/metrics", [](const Request&) { return Response::text("ok"); });
  auto ep = admin.start();
  ASSERT_TRUE(ep) << ep.error().context;
  const int fd = connect_raw(*ep);
  ASSERT_GE(fd, 0);
  const std::string req = "GET /metrics HTTP/1.1\r\nX-Slow: " + std::string(200, 'x');
  const auto t0 = Clock::now();
  bool cut = false;
  for (char ch : req) {
    if (::send(fd, &ch, 1, MSG_NOSIGNAL) != 1) {
      cut = true;
      break;
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) > 0) {  // readable: closed by the server (or a response, which it must not be)
      char b;
      cut = ::recv(fd, &b, 1, 0) <= 0;
      break;
    }
  }
  const auto took = Clock::now() - t0;
  ::close(fd);
  EXPECT_TRUE(cut);
  EXPECT_GE(took, 900ms);
  EXPECT_LT(took, 5s);
}

TEST(AdminHttp, ManyClientsAtOnceAreAllServed) {
  AdminHttpOptions o = test_options();
  o.threads = 2;
  // Room for each client's next connection while its previous one is still closing: none is refused, and two
  // workers serve them all.
  o.max_connections = 16;
  AdminHttp admin(o);
  std::atomic<int> served{0};
  admin.get("/metrics", [&](const Request&) {
    ++served;
    return Response::text("ok");
  });
  auto ep = admin.start();
  ASSERT_TRUE(ep) << ep.error().context;
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 8; ++i) {
    clients.emplace_back([&] {
      auto c = client_for(*ep);
      c.set_keep_alive(false);
      for (int k = 0; k < 10; ++k) {
        auto r = c.Get("/metrics");
        if (r && r->status == 200 && r->body == "ok") ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 80);
  EXPECT_EQ(served.load(), 80);
}

TEST(AdminHttp, StopReturnsWhileAClientIsStalled) {
  auto admin = std::make_unique<AdminHttp>(test_options());
  admin->get("/metrics", [](const Request&) { return Response::text("ok"); });
  auto ep = admin->start();
  ASSERT_TRUE(ep) << ep.error().context;
  const int fd = connect_raw(*ep);
  ASSERT_GE(fd, 0);
  std::this_thread::sleep_for(50ms);
  const auto t0 = Clock::now();
  admin->stop();
  EXPECT_LT(Clock::now() - t0, 3s);
  admin.reset();
  ::close(fd);
  // The port is released.
  EXPECT_LT(connect_raw(*ep), 0);
}

TEST(OnIoContext, RunsTheHandlerOnTheIoThread) {
  asio::io_context io;
  auto guard = asio::make_work_guard(io);
  std::thread io_thread([&] { io.run(); });
  const auto io_id = io_thread.get_id();
  AdminHttp admin(test_options());
  std::atomic<bool> on_io{false};
  admin.get("/api/registrations", on_io_context(io, [&](const Request&) {
              on_io = std::this_thread::get_id() == io_id;
              return Response::json("{\"registrations\":[]}\n");
            }));
  auto ep = admin.start();
  ASSERT_TRUE(ep) << ep.error().context;
  auto c = client_for(*ep);
  auto r = c.Get("/api/registrations");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{\"registrations\":[]}\n");
  EXPECT_TRUE(on_io.load());
  admin.stop();
  guard.reset();
  io.stop();
  io_thread.join();
}

TEST(OnIoContext, AnswersServiceUnavailableWhenTheIoContextDoesNotRun) {
  asio::io_context io;  // never run
  AdminHttp admin(test_options());
  admin.get("/api/health", on_io_context(io, [](const Request&) { return Response::json("{}"); }, 200ms));
  auto ep = admin.start();
  ASSERT_TRUE(ep) << ep.error().context;
  auto c = client_for(*ep);
  auto r = c.Get("/api/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(r->body, "{\"error\":\"the server did not answer within 200 ms\"}\n");
}

}  // namespace
}  // namespace sotto::io::http
