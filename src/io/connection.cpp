#include "io/connection.hpp"

#include <asio/error.hpp>
#include <asio/post.hpp>

namespace sotto::io {
namespace {

// One read buffer for every connection of the thread: bytes are handed to the owner (which copies
// them) before the next read, so an idle connection holds no buffer of its own.
std::span<std::uint8_t> shared_read_buffer() {
  static thread_local std::vector<std::uint8_t> buf(16 * 1024);
  return buf;
}

constexpr int kReadsPerTurn = 16;  // then let other connections run

}  // namespace

std::string_view to_string(CloseReason r) noexcept {
  switch (r) {
    case CloseReason::peer_closed: return "peer closed";
    case CloseReason::local_close: return "closed locally";
    case CloseReason::idle_timeout: return "idle timeout";
    case CloseReason::message_timeout: return "message timeout";
    case CloseReason::evicted: return "evicted";
    case CloseReason::connect_failed: return "connect failed";
    case CloseReason::handshake_failed: return "handshake failed";
    case CloseReason::error: return "error";
  }
  return "?";
}

Connection::Connection(asio::io_context& io, const Clock& clock, ConnectionId id, TransportKind kind, bool inbound,
                       Endpoint remote, std::string server_name, ConnectionLimits limits, ConnectionOwner* owner)
    : clock_(clock),
      id_(id),
      kind_(kind),
      inbound_(inbound),
      remote_(std::move(remote)),
      server_name_(std::move(server_name)),
      limits_(limits),
      owner_(owner),
      timer_(io, clock),
      started_(clock.now()),
      handshake_started_(started_),
      opened_(started_),
      last_activity_(started_) {}

Connection::~Connection() = default;

std::string Connection::describe() const {
  return std::string(to_string(kind_)) + " connection " + std::to_string(id_) + (inbound_ ? " from " : " to ") +
         remote_.to_string();
}

Status Connection::send(std::span<const std::uint8_t> message) {
  if (state_ == State::closing || state_ == State::closed) {
    return fail(Errc::invalid_state, describe() + " is closing; message not sent");
  }
  if (buffered_ + message.size() > limits_.max_buffered_bytes) {
    return fail(Errc::limit_exceeded, describe() + ": send queue would hold " +
                                          std::to_string(buffered_ + message.size()) + " bytes, limit " +
                                          std::to_string(limits_.max_buffered_bytes));
  }
  if (message.empty()) return {};
  queue_.emplace_back(message.begin(), message.end());
  buffered_ += message.size();
  if (state_ == State::open && !writing_) write_next();
  return {};
}

void Connection::close() { close_with(CloseReason::local_close); }

void Connection::close_with(CloseReason reason, std::optional<Error> why) {
  switch (state_) {
    case State::connecting:
    case State::handshaking: finish(reason, std::move(why)); return;
    case State::open:
      state_ = State::closing;
      close_reason_ = reason;
      close_error_ = std::move(why);
      closing_since_ = clock_.now();
      arm_timer();
      if (!writing_) begin_shutdown();
      return;
    case State::closing:
    case State::closed: return;
  }
}

void Connection::abort() { finish(CloseReason::local_close, std::nullopt); }

void Connection::evict() { finish(CloseReason::evicted, std::nullopt); }

void Connection::set_pinned(bool pinned) {
  if (pinned_ == pinned) return;
  pinned_ = pinned;
  if (!pinned) last_activity_ = std::max(last_activity_, clock_.now());  // the idle deadline starts now
  if (state_ == State::open) arm_timer();
}

void Connection::note_framing(bool mid_message, std::size_t completed) {
  framing_reported_ = true;
  const Timestamp now = clock_.now();
  if (completed > 0) {
    first_message_seen_ = true;
    last_activity_ = now;
    message_started_.reset();
  }
  if (!mid_message) {
    message_started_.reset();
  } else if (!message_started_) {
    message_started_ = now;
  }
  if (state_ == State::open) arm_timer();
}

void Connection::start_accepted() {
  std::error_code ec;
  auto& s = tcp_socket();
  s.set_option(asio::ip::tcp::no_delay(true), ec);  // PEERS.md: Nagle stalls back-to-back messages
  s.non_blocking(true, ec);
  const auto le = s.local_endpoint(ec);
  if (!ec) local_ = Endpoint::from(le);
  start_handshake();
}

void Connection::start_connect() {
  state_ = State::connecting;
  arm_timer();
  auto self = shared_from_this();
  tcp_socket().async_connect(remote_.tcp(), [self](const std::error_code& ec) {
    if (self->state_ != State::connecting) return;
    if (ec) {
      self->finish(CloseReason::connect_failed,
                   Error{Errc::io_error, "connect to " + self->remote_.to_string() + " failed: " + ec.message()});
      return;
    }
    std::error_code ignored;
    auto& s = self->tcp_socket();
    s.set_option(asio::ip::tcp::no_delay(true), ignored);
    s.non_blocking(true, ignored);
    const auto le = s.local_endpoint(ignored);
    if (!ignored) self->local_ = Endpoint::from(le);
    self->start_handshake();
  });
}

void Connection::start_handshake() {
  state_ = State::handshaking;
  handshake_started_ = clock_.now();
  arm_timer();
  auto self = shared_from_this();
  async_handshake([self](const std::error_code& ec) {
    if (self->state_ != State::handshaking) return;
    if (ec) {
      self->finish(CloseReason::handshake_failed, self->handshake_error(ec));
      return;
    }
    self->state_ = State::open;
    self->was_open_ = true;
    self->handshake_done();
    self->opened_ = self->last_activity_ = self->clock_.now();
    self->arm_timer();
    if (self->owner_ != nullptr) self->owner_->on_connection_open(*self);
    if (self->state_ != State::open) return;  // closed from the event handler
    self->read_next();
    if (!self->queue_.empty() && !self->writing_) self->write_next();
  });
}

void Connection::read_next() {
  // The handler holds only a shared_ptr: an idle connection's pending wait is one small operation.
  auto self = shared_from_this();
  if (has_pending_bytes()) {
    asio::post(tcp_socket().get_executor(), [self] {
      if (self->state_ != State::closed && !self->shutting_down_) self->read_available();
    });
    return;
  }
  tcp_socket().async_wait(read_waits_for_write() ? asio::ip::tcp::socket::wait_write : asio::ip::tcp::socket::wait_read,
                          [self](const std::error_code& ec) {
                            if (self->state_ == State::closed || self->shutting_down_) return;
                            if (ec) {
                              if (ec == asio::error::operation_aborted) return;  // we cancelled it (shutdown)
                              self->finish(CloseReason::error, self->read_error(ec));
                              return;
                            }
                            self->read_available();
                          });
}

void Connection::read_available() {
  auto self = shared_from_this();  // the owner may drop its reference while we deliver
  for (int i = 0; i < kReadsPerTurn; ++i) {
    std::span<std::uint8_t> buf = shared_read_buffer();
    std::error_code ec;
    const std::size_t n = read_now(buf, ec);
    if (state_ == State::closed) return;
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      read_next();
      return;
    }
    if (ec) {
      if (is_orderly_end(ec)) {
        finish(state_ == State::closing ? close_reason_ : CloseReason::peer_closed, std::nullopt);
      } else {
        finish(CloseReason::error, read_error(ec));
      }
      return;
    }
    if (!framing_reported_) last_activity_ = clock_.now();
    if (owner_ != nullptr && n > 0) owner_->on_connection_data(*this, buf.first(n));
    if ((state_ != State::open && state_ != State::closing) || shutting_down_) return;
  }
  asio::post(tcp_socket().get_executor(), [self] {
    if ((self->state_ == State::open || self->state_ == State::closing) && !self->shutting_down_) {
      self->read_available();
    }
  });
}

void Connection::write_next() {
  writing_ = true;
  auto self = shared_from_this();
  async_write_all(asio::buffer(queue_.front()), [self](const std::error_code& ec, std::size_t) {
    self->writing_ = false;
    if (self->state_ == State::closed) return;
    if (ec) {
      self->finish(CloseReason::error,
                   Error{Errc::io_error, self->describe() + ": write failed: " + ec.message()});
      return;
    }
    self->buffered_ -= self->queue_.front().size();
    self->queue_.pop_front();
    self->last_activity_ = self->clock_.now();
    if (!self->queue_.empty()) {
      self->write_next();
    } else if (self->state_ == State::closing) {
      self->begin_shutdown();
    } else if (self->state_ == State::open) {
      self->arm_timer();
    }
  });
}

void Connection::begin_shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  auto self = shared_from_this();
  async_shutdown([self](const std::error_code&) { self->finish(self->close_reason_, self->close_error_); });
}

std::optional<Timestamp> Connection::next_deadline() const {
  switch (state_) {
    case State::connecting: return started_ + limits_.connect_timeout;
    case State::handshaking: return handshake_started_ + limits_.handshake_timeout;
    case State::open: {
      std::optional<Timestamp> d;
      auto consider = [&d](Timestamp t) {
        if (!d || t < *d) d = t;
      };
      if (inbound_ && !first_message_seen_ && limits_.first_message_timeout.count() > 0) {
        consider(opened_ + limits_.first_message_timeout);
      }
      if (message_started_ && limits_.message_timeout.count() > 0) consider(*message_started_ + limits_.message_timeout);
      if (!pinned_ && limits_.idle_timeout.count() > 0) consider(last_activity_ + limits_.idle_timeout);
      return d;
    }
    case State::closing: return closing_since_ + limits_.close_timeout;
    case State::closed: return std::nullopt;
  }
  return std::nullopt;
}

void Connection::arm_timer() {
  const auto deadline = next_deadline();
  if (!deadline) {
    timer_.cancel();
    return;
  }
  if (timer_.armed() && timer_.deadline() == deadline) return;
  timer_.arm(*deadline, [this](Timestamp now) { handle_timeout(now); });
}

void Connection::handle_timeout(Timestamp now) {
  const auto deadline = next_deadline();
  if (!deadline) return;
  if (now < *deadline) {
    arm_timer();
    return;
  }
  auto self = shared_from_this();
  if (state_ != State::closing) deadline_hit_ = true;
  switch (state_) {
    case State::connecting:
      finish(CloseReason::connect_failed,
             Error{Errc::io_error, "connect to " + remote_.to_string() + " timed out after " + ms(limits_.connect_timeout)});
      return;
    case State::handshaking:
      finish(CloseReason::handshake_failed,
             Error{Errc::io_error, std::string(kind_ == TransportKind::tls ? "TLS " : "") + "handshake with " +
                                       remote_.to_string() + " timed out after " + ms(limits_.handshake_timeout)});
      return;
    case State::open:
      if (inbound_ && !first_message_seen_ && limits_.first_message_timeout.count() > 0 &&
          now >= opened_ + limits_.first_message_timeout) {
        close_with(CloseReason::message_timeout,
                   Error{Errc::limit_exceeded, describe() + ": no complete SIP message within " +
                                            ms(limits_.first_message_timeout) + " of opening"});
      } else if (message_started_ && limits_.message_timeout.count() > 0 &&
                 now >= *message_started_ + limits_.message_timeout) {
        close_with(CloseReason::message_timeout, Error{Errc::limit_exceeded, describe() + ": SIP message not complete " +
                                                                          ms(limits_.message_timeout) + " after it began"});
      } else {
        close_with(CloseReason::idle_timeout,
                   Error{Errc::limit_exceeded, describe() + ": idle for " + ms(limits_.idle_timeout) +
                                            " without a dialog or registration"});
      }
      return;
    case State::closing: finish(close_reason_, close_error_); return;
    case State::closed: return;
  }
}

void Connection::finish(CloseReason reason, std::optional<Error> error) {
  if (state_ == State::closed) return;
  auto self = shared_from_this();  // the owner drops its reference in the callback below
  state_ = State::closed;
  timer_.cancel();
  std::error_code ignored;
  tcp_socket().close(ignored);
  const std::size_t unsent = buffered_;
  queue_.clear();
  buffered_ = 0;
  if (owner_ != nullptr) owner_->on_connection_closed(*this, reason, std::move(error), unsent);
}

Error Connection::read_error(const std::error_code& ec) const {
  return Error{Errc::io_error, describe() + ": read failed: " + ec.message()};
}

bool Connection::is_orderly_end(const std::error_code& ec) const {
  return ec == asio::error::eof || ec == asio::error::connection_reset;
}

bool Connection::was_open() const noexcept { return was_open_; }

}  // namespace sotto::io
