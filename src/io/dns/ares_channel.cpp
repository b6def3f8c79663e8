#include "io/dns/ares_channel.hpp"

#include <asio/post.hpp>
#include <mutex>

namespace sotto::io::dns {

// What travels through c-ares as the callback argument of one query.
struct AresChannel::Sent {
  AresChannel* channel;
  std::weak_ptr<int> alive;
  std::uint64_t generation;
  locate::DnsQuery query;
  Completion done;
};

AresChannel::AresChannel(asio::io_context& io) : io_(io), timer_(io) {}

Result<std::unique_ptr<AresChannel>> AresChannel::create(asio::io_context& io, const DnsResolverOptions& options) {
  auto csv = server_list_csv(options);
  if (!csv) return Unexpected(csv.error());
  static std::once_flag init_once;
  static int init_status = ARES_SUCCESS;
  std::call_once(init_once, [] { init_status = ares_library_init(ARES_LIB_INIT_ALL); });
  if (init_status != ARES_SUCCESS) {
    return fail(Errc::io_error, std::string("c-ares library init: ") + ares_strerror(init_status));
  }

  std::unique_ptr<AresChannel> self(new AresChannel(io));
  ares_options opts{};
  int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_SOCK_STATE_CB | ARES_OPT_DOMAINS |
             ARES_OPT_LOOKUPS;
  opts.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOALIASES;   // names are used exactly as given
  opts.timeout = static_cast<int>(options.timeout.count());
  opts.tries = options.tries;
  opts.sock_state_cb = &AresChannel::on_socket_state;
  opts.sock_state_cb_data = self.get();
  opts.domains = nullptr;
  opts.ndomains = 0;
  char lookups[] = "b";   // DNS only, never /etc/hosts
  opts.lookups = lookups;
  char no_file[] = "/dev/null";
  if (!csv->empty()) {
    // Explicit servers: do not even read the system's resolv.conf.
    mask |= ARES_OPT_RESOLVCONF;
    opts.resolvconf_path = no_file;
  }
  if (int st = ares_init_options(&self->channel_, &opts, mask); st != ARES_SUCCESS) {
    self->channel_ = nullptr;
    return fail(Errc::io_error, std::string("c-ares channel init: ") + ares_strerror(st));
  }
  if (!csv->empty()) {
    if (int st = ares_set_servers_ports_csv(self->channel_, csv->c_str()); st != ARES_SUCCESS) {
      return fail(Errc::invalid_argument, "DNS servers \"" + *csv + "\": " + ares_strerror(st));
    }
  }
  return self;
}

AresChannel::~AresChannel() {
  alive_.reset();
  // Calls on_response with ARES_EDESTRUCTION for each pending query and on_socket_state(fd, 0, 0) for each
  // socket before closing it, so every descriptor is released before c-ares closes it.
  if (channel_) ares_destroy(channel_);
  for (auto& [fd, w] : watches_) w->descriptor.release();
  watches_.clear();
}

void AresChannel::send(const locate::DnsQuery& query, Completion done) {
  auto* sent = new Sent{this, alive_, generation_, query, std::move(done)};
  // RFC 1035 class IN; the type codes are the RecordType values.
  ares_query(channel_, query.name.c_str(), 1 /* C_IN */, static_cast<int>(query.type), &AresChannel::on_response,
             sent);
  schedule_timeout();
}

void AresChannel::cancel_all() {
  ++generation_;
  ares_cancel(channel_);   // completes pending queries with ARES_ECANCELLED, synchronously
  schedule_timeout();
}

void AresChannel::on_response(void* arg, int status, int /*timeouts*/, unsigned char* buf, int len) {
  std::unique_ptr<Sent> sent(static_cast<Sent*>(arg));
  if (status == ARES_EDESTRUCTION || status == ARES_ECANCELLED || sent->alive.expired()) return;
  DnsOutcome outcome = status == ARES_SUCCESS
                           ? parse_reply(sent->query, std::span<const unsigned char>(buf, static_cast<std::size_t>(len)))
                           : DnsOutcome(Unexpected(failure_from_ares(status)));
  // Deliver outside c-ares: a completion may well send the next query.
  asio::io_context& io = sent->channel->io_;   // before `sent` is moved into the handler
  asio::post(io, [s = std::move(sent), outcome = std::move(outcome)]() mutable {
    if (s->alive.expired() || s->generation != s->channel->generation_) return;
    s->done(std::move(outcome));
  });
}

void AresChannel::on_socket_state(void* data, ares_socket_t fd, int readable, int writable) {
  auto* self = static_cast<AresChannel*>(data);
  auto it = self->watches_.find(fd);
  if (!readable && !writable) {
    if (it != self->watches_.end()) {
      it->second->descriptor.release();   // c-ares closes the fd itself, right after this callback
      self->watches_.erase(it);
    }
    return;
  }
  if (it == self->watches_.end()) {
    auto w = std::shared_ptr<Watch>(new Watch{asio::posix::stream_descriptor(self->io_, fd)});
    it = self->watches_.emplace(fd, std::move(w)).first;
  }
  it->second->want_read = readable != 0;
  it->second->want_write = writable != 0;
  self->watch(fd, it->second);
}

void AresChannel::watch(ares_socket_t fd, const std::shared_ptr<Watch>& w) {
  std::weak_ptr<Watch> weak = w;
  if (w->want_read && !w->reading) {
    w->reading = true;
    w->descriptor.async_wait(asio::posix::descriptor_base::wait_read, [this, weak, fd](const std::error_code& ec) {
      auto self_watch = weak.lock();   // gone: the socket was closed, and `this` may be too
      if (!self_watch) return;
      self_watch->reading = false;
      if (ec == asio::error::operation_aborted) return;
      process(fd, ARES_SOCKET_BAD);
      if (auto it = watches_.find(fd); it != watches_.end() && it->second == self_watch) watch(fd, self_watch);
    });
  }
  if (w->want_write && !w->writing) {
    w->writing = true;
    w->descriptor.async_wait(asio::posix::descriptor_base::wait_write, [this, weak, fd](const std::error_code& ec) {
      auto self_watch = weak.lock();
      if (!self_watch) return;
      self_watch->writing = false;
      if (ec == asio::error::operation_aborted) return;
      process(ARES_SOCKET_BAD, fd);
      if (auto it = watches_.find(fd); it != watches_.end() && it->second == self_watch) watch(fd, self_watch);
    });
  }
}

void AresChannel::process(ares_socket_t read_fd, ares_socket_t write_fd) {
  ares_process_fd(channel_, read_fd, write_fd);
  schedule_timeout();
}

void AresChannel::schedule_timeout() {
  timeval storage{};
  timeval* tv = ares_timeout(channel_, nullptr, &storage);
  if (!tv) {
    timer_.cancel();
    return;
  }
  timer_.expires_after(std::chrono::seconds(tv->tv_sec) + std::chrono::microseconds(tv->tv_usec));
  timer_.async_wait([this, alive = std::weak_ptr<int>(alive_)](const std::error_code& ec) {
    if (ec == asio::error::operation_aborted || alive.expired()) return;
    process(ARES_SOCKET_BAD, ARES_SOCKET_BAD);   // retransmits and expires queries that are due
  });
}

}  // namespace sotto::io::dns
