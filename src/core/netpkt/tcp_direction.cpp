#include "core/netpkt/tcp_direction.hpp"

namespace sotto::netpkt {

std::span<const std::uint8_t> TcpDirection::add(std::uint32_t seq, bool syn, std::span<const std::uint8_t> payload) {
  out_.clear();
  if (syn) {
    // SYN takes one sequence number (RFC 9293 3.4); a repeated SYN changes nothing once started.
    if (!started_) {
      started_ = true;
      next_seq_ = seq + 1;
    }
    seq += 1;
  } else if (!started_) {
    started_ = true;  // capture began mid-connection
    next_seq_ = seq;
  }
  if (payload.empty()) return out_;
  auto d = static_cast<std::int32_t>(seq - next_seq_);
  if (d < 0 && static_cast<std::uint64_t>(-static_cast<std::int64_t>(d)) > pos_ + payload.size() + (1u << 30)) {
    return out_;  // far in the past: ignore
  }
  std::int64_t at = static_cast<std::int64_t>(pos_) + d;
  if (at + static_cast<std::int64_t>(payload.size()) <= static_cast<std::int64_t>(pos_)) return out_;  // retransmit
  if (at <= static_cast<std::int64_t>(pos_)) {
    deliver(static_cast<std::uint64_t>(at < 0 ? 0 : at), payload.subspan(static_cast<std::size_t>(static_cast<std::int64_t>(pos_) - at)));
    drain();
    return out_;
  }
  auto key = static_cast<std::uint64_t>(at);
  auto it = held_.find(key);
  if (it == held_.end() || it->second.size() < payload.size()) {
    if (it != held_.end()) held_bytes_ -= it->second.size();
    held_[key].assign(payload.begin(), payload.end());
    held_bytes_ += payload.size();
  }
  if (held_bytes_ > max_held_) {
    // Give the gap up: continue from the earliest held segment.
    ++gaps_;
    std::uint64_t skip_to = held_.begin()->first;
    next_seq_ += static_cast<std::uint32_t>(skip_to - pos_);
    pos_ = skip_to;
    drain();
  }
  return out_;
}

void TcpDirection::deliver(std::uint64_t, std::span<const std::uint8_t> bytes) {
  out_.insert(out_.end(), bytes.begin(), bytes.end());
  pos_ += bytes.size();
  next_seq_ += static_cast<std::uint32_t>(bytes.size());
}

void TcpDirection::drain() {
  while (!held_.empty() && held_.begin()->first <= pos_) {
    auto node = held_.extract(held_.begin());
    held_bytes_ -= node.mapped().size();
    std::uint64_t at = node.key();
    const auto& b = node.mapped();
    if (at + b.size() > pos_) deliver(at, std::span<const std::uint8_t>(b).subspan(static_cast<std::size_t>(pos_ - at)));
  }
}

}  // namespace sotto::netpkt
