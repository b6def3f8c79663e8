#pragma once
// AresChannel: one c-ares channel whose sockets and timeouts are served by an Asio io_context.
//
//   auto ch = AresChannel::create(io, options);                 // servers from options, never guessed
//   (*ch)->send({RecordType::srv, "_sip._udp.example.com"}, [](DnsOutcome r) { ... });
//   (*ch)->cancel_all();                                        // pending sends complete with nothing at all

#include <ares.h>

#include <asio/io_context.hpp>
#include <asio/posix/stream_descriptor.hpp>
#include <asio/steady_timer.hpp>
#include <functional>
#include <map>
#include <memory>

#include "base/result.hpp"
#include "io/dns/ares_reply.hpp"
#include "io/dns/dns_resolver_options.hpp"

namespace sotto::io::dns {

class AresChannel {
 public:
  // Runs on the io_context thread, never inside a c-ares call; not run at all after cancel_all() or
  // destruction.
  using Completion = std::function<void(DnsOutcome)>;

  static Result<std::unique_ptr<AresChannel>> create(asio::io_context& io, const DnsResolverOptions& options);
  AresChannel(const AresChannel&) = delete;
  AresChannel& operator=(const AresChannel&) = delete;
  ~AresChannel();

  void send(const locate::DnsQuery& query, Completion done);
  void cancel_all();

 private:
  struct Watch {
    asio::posix::stream_descriptor descriptor;
    bool want_read = false;
    bool want_write = false;
    bool reading = false;
    bool writing = false;
  };
  struct Sent;

  explicit AresChannel(asio::io_context& io);
  static void on_socket_state(void* self, ares_socket_t fd, int readable, int writable);
  static void on_response(void* sent, int status, int timeouts, unsigned char* buf, int len);
  void watch(ares_socket_t fd, const std::shared_ptr<Watch>& w);
  void process(ares_socket_t read_fd, ares_socket_t write_fd);
  void schedule_timeout();

  asio::io_context& io_;
  ares_channel channel_ = nullptr;
  std::map<ares_socket_t, std::shared_ptr<Watch>> watches_;
  asio::steady_timer timer_;
  std::uint64_t generation_ = 0;   // bumped by cancel_all(): completions of older sends are dropped
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace sotto::io::dns
