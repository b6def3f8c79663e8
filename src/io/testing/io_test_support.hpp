#pragma once
// Test helpers for src/io: run an io_context until a condition holds, record transport events, and a
// throw-away PKI (CA, server, client, expired, wildcard certificates) made with CertBuilder.
//
//   asio::io_context io; io::testing::EventLog log;
//   io::TcpTransport tcp(io, log.handler());
//   ASSERT_TRUE(io::testing::run_until(io, [&] { return log.opened(id); }));

#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <chrono>
#include <deque>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <unistd.h>
#include <variant>
#include <vector>

#include "crypto/cert_builder.hpp"
#include "io/transport_event.hpp"

namespace sotto::io::testing {

// Runs handlers until `done()` or the (real-time) bound passes; never sleeps blindly.
inline bool run_until(asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds bound = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (io.stopped()) io.restart();
    io.run_one_for(std::chrono::milliseconds(20));
  }
  return true;
}

inline std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }

class EventLog {
 public:
  EventHandler handler() {
    return [this](TransportEvent&& ev) {
      if (on_event) on_event(ev);
      events.push_back(std::move(ev));
    };
  }

  const ConnectionOpened* opened(ConnectionId id) const {
    for (const auto& e : events) {
      if (auto* o = std::get_if<ConnectionOpened>(&e); o && o->connection == id) return o;
    }
    return nullptr;
  }
  const ConnectionOpened* first_inbound() const {
    for (const auto& e : events) {
      if (auto* o = std::get_if<ConnectionOpened>(&e); o && o->inbound) return o;
    }
    return nullptr;
  }
  const ConnectionClosed* closed(ConnectionId id) const {
    for (const auto& e : events) {
      if (auto* c = std::get_if<ConnectionClosed>(&e); c && c->connection == id) return c;
    }
    return nullptr;
  }
  // Any close matching `inbound`, e.g. the server side of a failed handshake.
  const ConnectionClosed* first_closed(bool inbound) const {
    for (const auto& e : events) {
      if (auto* c = std::get_if<ConnectionClosed>(&e); c && c->inbound == inbound) return c;
    }
    return nullptr;
  }
  std::string stream(ConnectionId id) const {
    std::string out;
    for (const auto& e : events) {
      if (auto* r = std::get_if<Received>(&e); r && r->connection == id) out.append(r->bytes.begin(), r->bytes.end());
    }
    return out;
  }
  std::vector<const Received*> datagrams() const {
    std::vector<const Received*> out;
    for (const auto& e : events) {
      if (auto* r = std::get_if<Received>(&e); r && r->kind == TransportKind::udp) out.push_back(r);
    }
    return out;
  }
  template <class T>
  std::size_t count() const {
    std::size_t n = 0;
    for (const auto& e : events) n += std::holds_alternative<T>(e) ? 1 : 0;
    return n;
  }

  std::deque<TransportEvent> events;  // deque: pointers handed out stay valid as events arrive
  std::function<void(const TransportEvent&)> on_event;
};

inline std::filesystem::path make_temp_dir(const std::string& tag) {
  std::string tmpl = (std::filesystem::temp_directory_path() / ("sotto-" + tag + "-XXXXXX")).string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

// A CA with a server cert (IP:127.0.0.1, DNS:127.0.0.1, DNS:localhost as PEERS.md asks), a client cert,
// an expired server cert, a wildcard cert, and a second unrelated CA with its own server cert.
struct TestPki {
  std::filesystem::path dir;
  std::string ca, ca_key, server, server_key, server_combined, client, client_key, expired, expired_key;
  std::string wildcard, wildcard_key, other_ca, other_server, other_server_key;

  static const TestPki& get() {
    static const TestPki pki = make();
    static const struct Cleanup {
      std::filesystem::path d;
      ~Cleanup() {
        std::error_code ec;
        std::filesystem::remove_all(d, ec);
      }
    } cleanup{pki.dir};
    return pki;
  }

 private:
  static TestPki make() {
    using crypto::CertBuilder;
    TestPki p;
    p.dir = make_temp_dir("pki");
    auto path = [&](const char* n) { return (p.dir / n).string(); };
    auto must = [](auto r) {
      if (!r) throw std::runtime_error(r.error().message());
      return std::move(*r);
    };
    auto ok = [](Status s) {
      if (!s) throw std::runtime_error(s.error().message());
    };
    auto ca = must(CertBuilder().common_name("sotto test CA").organization("sotto").ca().build());
    auto srv = must(CertBuilder().common_name("127.0.0.1").ip("127.0.0.1").dns("127.0.0.1").dns("localhost")
                        .server_auth().sign_with(ca).build());
    auto cli = must(CertBuilder().common_name("alice").uri("sip:alice@127.0.0.1").client_auth().sign_with(ca).build());
    const auto now = std::chrono::system_clock::now();
    auto exp = must(CertBuilder().common_name("127.0.0.1").ip("127.0.0.1").dns("localhost").server_auth()
                        .not_before(now - std::chrono::hours(24 * 30)).not_after(now - std::chrono::hours(24))
                        .sign_with(ca).build());
    auto wild = must(CertBuilder().common_name("*.sotto.test").dns("*.sotto.test").server_auth().sign_with(ca).build());
    auto other = must(CertBuilder().common_name("other CA").ca().build());
    auto other_srv = must(CertBuilder().common_name("127.0.0.1").ip("127.0.0.1").server_auth().sign_with(other).build());

    p.ca = path("ca.pem");
    p.ca_key = path("ca.key");
    ok(ca.write_cert_pem(p.ca));
    ok(ca.write_key_pem(p.ca_key));
    p.server = path("server.pem");
    p.server_key = path("server.key");
    p.server_combined = path("server+key.pem");
    ok(srv.write_cert_pem(p.server));
    ok(srv.write_key_pem(p.server_key));
    ok(srv.write_combined_pem(p.server_combined));
    p.client = path("client.pem");
    p.client_key = path("client.key");
    ok(cli.write_cert_pem(p.client));
    ok(cli.write_key_pem(p.client_key));
    p.expired = path("expired.pem");
    p.expired_key = path("expired.key");
    ok(exp.write_cert_pem(p.expired));
    ok(exp.write_key_pem(p.expired_key));
    p.wildcard = path("wildcard.pem");
    p.wildcard_key = path("wildcard.key");
    ok(wild.write_cert_pem(p.wildcard));
    ok(wild.write_key_pem(p.wildcard_key));
    p.other_ca = path("other-ca.pem");
    ok(other.write_cert_pem(p.other_ca));
    p.other_server = path("other-server.pem");
    p.other_server_key = path("other-server.key");
    ok(other_srv.write_cert_pem(p.other_server));
    ok(other_srv.write_key_pem(p.other_server_key));
    return p;
  }
};

}  // namespace sotto::io::testing
