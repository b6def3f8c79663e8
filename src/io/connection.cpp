#include "io/connection.hpp"

#include <asio/error.hpp>

namespace sotto::io {

std::string_view to_string(CloseReason r) noexcept {
  switch (r) {
    case CloseReason::peer_closed: return "peer closed";
    case CloseReason::local_close: return "closed locally";
    case CloseReason::idle_timeout: return "idle timeout";
    case CloseReason::connect_failed: return "connect failed";
    case CloseReason::handshake_failed: return "handshake failed";
    case CloseReason::error: return "error";
  }
  return "?";
}

Connection::Connection(asio::io_context& io, ConnectionId id, TransportKind kind, bool inbound, Endpoint remote,
                       std::string server_name, ConnectionLimits limits, ConnectionOwner* owner)
    : id_(id),
      kind_(kind),
      inbound_(inbound),
      remote_(std::move(remote)),
      server_name_(std::move(server_name)),
      limits_(limits),
      owner_(owner),
      timer_(io),
      started_(std::chrono::steady_clock::now()),
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

void Connection::close_with(CloseReason reason) {
  switch (state_) {
    case State::connecting:
    case State::handshaking: finish(reason, std::nullopt); return;
    case State::open:
      state_ = State::closing;
      close_reason_ = reason;
      closing_since_ = std::chrono::steady_clock::now();
      arm_timer();
      if (!writing_) begin_shutdown();
      return;
    case State::closing:
    case State::closed: return;
  }
}

void Connection::abort() { finish(CloseReason::local_close, std::nullopt); }

void Connection::start_accepted() {
  std::error_code ec;
  auto& s = tcp_socket();
  s.set_option(asio::ip::tcp::no_delay(true), ec);  // PEERS.md: Nagle stalls back-to-back messages
  const auto le = s.local_endpoint(ec);
  if (!ec) local_ = Endpoint::from(le);
  arm_timer();
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
    const auto le = s.local_endpoint(ignored);
    if (!ignored) self->local_ = Endpoint::from(le);
    self->start_handshake();
  });
}

void Connection::start_handshake() {
  state_ = State::handshaking;
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
    self->touch();
    self->arm_timer();
    if (self->owner_ != nullptr) self->owner_->on_connection_open(*self);
    if (self->state_ != State::open) return;  // closed from the event handler
    self->read_next();
    if (!self->queue_.empty() && !self->writing_) self->write_next();
  });
}

void Connection::read_next() {
  if (read_buf_.size() != limits_.read_chunk) read_buf_.resize(limits_.read_chunk);
  auto self = shared_from_this();
  async_read_some(asio::buffer(read_buf_), [self](const std::error_code& ec, std::size_t n) {
    if (self->state_ == State::closed) return;
    if (ec) {
      if (ec == asio::error::operation_aborted) return;  // we cancelled it (shutdown)
      if (self->is_orderly_end(ec)) {
        self->finish(self->state_ == State::closing ? self->close_reason_ : CloseReason::peer_closed, std::nullopt);
      } else {
        self->finish(CloseReason::error, self->read_error(ec));
      }
      return;
    }
    self->touch();
    if (self->owner_ != nullptr && n > 0) {
      self->owner_->on_connection_data(*self, std::span<const std::uint8_t>(self->read_buf_.data(), n));
    }
    if ((self->state_ == State::open || self->state_ == State::closing) && !self->shutting_down_) self->read_next();
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
    self->touch();
    if (!self->queue_.empty()) {
      self->write_next();
    } else if (self->state_ == State::closing) {
      self->begin_shutdown();
    }
  });
}

void Connection::begin_shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  auto self = shared_from_this();
  async_shutdown([self](const std::error_code&) { self->finish(self->close_reason_, std::nullopt); });
}

void Connection::arm_timer() {
  using namespace std::chrono;
  steady_clock::time_point deadline;
  switch (state_) {
    case State::connecting:
    case State::handshaking: deadline = started_ + limits_.handshake_timeout; break;
    case State::open:
      if (limits_.idle_timeout.count() <= 0) {
        timer_.cancel();
        return;
      }
      deadline = last_activity_ + limits_.idle_timeout;
      break;
    case State::closing: deadline = closing_since_ + limits_.close_timeout; break;
    case State::closed: return;
  }
  timer_.expires_at(deadline);
  std::weak_ptr<Connection> weak = shared_from_this();
  timer_.async_wait([weak](const std::error_code& ec) {
    if (ec == asio::error::operation_aborted) return;
    if (auto self = weak.lock()) self->on_timer();
  });
}

void Connection::on_timer() {
  const auto now = std::chrono::steady_clock::now();
  switch (state_) {
    case State::connecting:
    case State::handshaking: {
      const bool connecting = state_ == State::connecting;
      const auto ms = std::to_string(limits_.handshake_timeout.count());
      finish(connecting ? CloseReason::connect_failed : CloseReason::handshake_failed,
             Error{Errc::io_error, connecting ? "connect to " + remote_.to_string() + " timed out after " + ms + " ms"
                                              : std::string(kind_ == TransportKind::tls ? "TLS " : "") +
                                                    "handshake with " + remote_.to_string() + " timed out after " +
                                                    ms + " ms"});
      return;
    }
    case State::open:
      if (now - last_activity_ >= limits_.idle_timeout) {
        close_with(CloseReason::idle_timeout);
      } else {
        arm_timer();
      }
      return;
    case State::closing: finish(close_reason_, std::nullopt); return;
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
