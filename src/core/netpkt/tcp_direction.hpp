#pragma once
// TcpDirection: one direction of a TCP connection as an in-order byte stream, from captured segments
// that may come out of order, duplicated or overlapping (retransmits).
//
//   TcpDirection d;
//   auto ready = d.add(p.tcp_seq, p.tcp_flags.syn, p.payload);   // bytes now in order (maybe none)
//   framer.feed(ready);
//
// Held (out-of-order) bytes are bounded: past the limit the gap is given up, counted in gaps(), and
// the stream continues from the earliest held segment.

#include <cstdint>
#include <map>
#include <span>
#include <vector>

namespace sotto::netpkt {

class TcpDirection {
 public:
  explicit TcpDirection(std::size_t max_held_bytes = 1 << 20) : max_held_(max_held_bytes) {}

  // Valid until the next add().
  std::span<const std::uint8_t> add(std::uint32_t seq, bool syn, std::span<const std::uint8_t> payload);

  std::uint64_t gaps() const noexcept { return gaps_; }
  std::uint64_t delivered() const noexcept { return pos_; }
  std::size_t held_bytes() const noexcept { return held_bytes_; }

 private:
  void deliver(std::uint64_t at, std::span<const std::uint8_t> bytes);
  void drain();

  bool started_ = false;
  std::uint32_t next_seq_ = 0;  // sequence number of stream position pos_
  std::uint64_t pos_ = 0;       // bytes delivered so far
  std::map<std::uint64_t, std::vector<std::uint8_t>> held_;  // stream position -> bytes
  std::size_t held_bytes_ = 0;
  std::size_t max_held_;
  std::uint64_t gaps_ = 0;
  std::vector<std::uint8_t> out_;
};

}  // namespace sotto::netpkt
