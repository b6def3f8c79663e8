#pragma once
// Test-only: what relay_test.cpp and relay_transfer_test.cpp share beyond testing_relay.hpp (which the
// benchmarks use too): the fixture, a Path through one relay, and `identify` (which key and index
// protected a packet).
//
//   TEST_F(RelayTest, Name) { Relay relay(1, options());  Path path{relay, t0};  path.send(Side::a, alice, bob); }

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <tuple>
#include <vector>

#include "core/relay/testing_relay.hpp"

namespace sotto::relay::testing {

// The relay tests' fixture (relay_test.cpp, relay_transfer_test.cpp): a key registry shared by the
// relays a test makes, so no outbound key is handed out twice.
inline const Timestamp t0 = Timestamp{} + std::chrono::hours{1};

struct RelayTest : ::testing::Test {
  srtp::KeyRegistry registry;
  RelayOptions options() { return RelayOptions{.dead_after = std::chrono::seconds{60}, .outbound_keys = &registry}; }
};

// Sends one packet from `from` (on `side`) through the relay; delivers it to `to` and returns its
// plaintext there (nullopt: dropped by the relay or refused by the phone).
struct Path {
  Relay& relay;
  Timestamp now;
  std::optional<std::vector<std::uint8_t>> send(Side side, Phone& from, Phone& to, bool rtcp = false,
                                                std::vector<std::uint8_t>* wire_in = nullptr,
                                                std::vector<std::uint8_t>* wire_out = nullptr) {
    Packet p = rtcp ? from.rtcp() : from.rtp();
    if (wire_in) *wire_in = p.bytes();
    auto out = relay.handle_packet(now, side, from.at, rtcp, p.span(), p.len);
    if (!out) return std::nullopt;
    EXPECT_EQ(out->to, other(side));
    if (wire_out) *wire_out = std::vector<std::uint8_t>(p.buf.begin(), p.buf.begin() + static_cast<std::ptrdiff_t>(out->len));
    return to.receive(p.buf.data(), out->len, rtcp);
  }
};

// Which key protected `d` and at which (SSRC, index): each candidate key with a fresh inbound context
// and ROC 0..2 (the ROC is not on the wire).
inline std::optional<std::tuple<int, std::uint32_t, std::uint64_t>> identify(const std::vector<std::uint8_t>& d,
                                                                        const std::vector<sdes::CryptoAttribute>& keys) {
  for (std::size_t k = 0; k < keys.size(); ++k) {
    for (std::uint32_t roc = 0; roc < 3; ++roc) {
      auto rx = srtp::Context::create(srtp::Direction::inbound, sdes::to_policy(keys[k]).value()).value();
      std::vector<std::uint8_t> copy = d;
      const std::uint32_t ssrc = rtp::load_be32(&copy[8]);
      rx.set_roc(ssrc, roc);
      if (rx.unprotect_rtp(copy, copy.size())) {
        return std::tuple{static_cast<int>(k), ssrc, (std::uint64_t{roc} << 16) | rtp::load_be16(&copy[2])};
      }
    }
  }
  return std::nullopt;
}

}  // namespace sotto::relay::testing
