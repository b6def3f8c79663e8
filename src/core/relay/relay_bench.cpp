// The relay core's packet path alone (no sockets): one SRTP packet from side a authenticated and
// decrypted with the caller's key, re-encrypted with the callee leg's key, 160-byte payloads (20 ms of
// G.711). Every iteration is a new packet (sequence numbers go up, none is a replay); after 65536 the
// relay and its contexts are built afresh outside the timing.
#include <benchmark/benchmark.h>

#include <cstring>
#include <optional>
#include <vector>

#include "core/relay/relay.hpp"
#include "core/relay/testing_relay.hpp"

namespace sotto::relay {
namespace {

using testing::Phone;

const Timestamp kNow = Timestamp{} + std::chrono::hours(1);

void BM_Relay(benchmark::State& state, std::optional<srtp::SuiteId> from_suite, std::optional<srtp::SuiteId> to_suite) {
  constexpr std::size_t kPackets = 1 << 16;
  constexpr std::size_t kPayload = 160;
  std::vector<std::vector<std::uint8_t>> wire;
  std::optional<srtp::KeyRegistry> registry;
  std::optional<Relay> relay;
  std::optional<Phone> alice;
  auto build = [&] {
    registry.emplace();
    alice.emplace(from_suite, testing::ep(2, 4000), 0xA11CE, 0, &*registry);
    Phone bob(to_suite, testing::ep(3, 5000), 0xB0B, 0, &*registry);
    relay.emplace(1, RelayOptions{.dead_after = std::chrono::seconds(60), .outbound_keys = &*registry});
    (void)relay->set_leg(kNow, Side::a, alice->leg_media());
    (void)relay->set_leg(kNow, Side::b, bob.leg_media());
    wire.clear();
    for (std::size_t i = 0; i < kPackets; ++i) wire.push_back(alice->rtp(kPayload).bytes());
  };
  build();
  std::vector<std::uint8_t> buf(wire[0].size() + Relay::kTrailerRoom);
  std::size_t i = 0;
  std::size_t forwarded = 0;
  for (auto _ : state) {
    if (i == kPackets) {
      state.PauseTiming();
      build();
      i = 0;
      state.ResumeTiming();
    }
    std::memcpy(buf.data(), wire[i].data(), wire[i].size());
    auto out = relay->handle_packet(kNow, Side::a, alice->at, false, buf, wire[i].size());
    forwarded += out.has_value();
    benchmark::DoNotOptimize(out);
    ++i;
  }
  if (forwarded != static_cast<std::size_t>(state.iterations())) state.SkipWithError("a packet was not forwarded");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

BENCHMARK_CAPTURE(BM_Relay, AES_CM_128_HMAC_SHA1_80_to_AEAD_AES_128_GCM, srtp::SuiteId::AES_CM_128_HMAC_SHA1_80,
                  srtp::SuiteId::AEAD_AES_128_GCM);
BENCHMARK_CAPTURE(BM_Relay, AES_CM_128_HMAC_SHA1_80_to_AES_CM_128_HMAC_SHA1_80, srtp::SuiteId::AES_CM_128_HMAC_SHA1_80,
                  srtp::SuiteId::AES_CM_128_HMAC_SHA1_80);
BENCHMARK_CAPTURE(BM_Relay, AEAD_AES_128_GCM_to_AEAD_AES_128_GCM, srtp::SuiteId::AEAD_AES_128_GCM,
                  srtp::SuiteId::AEAD_AES_128_GCM);
BENCHMARK_CAPTURE(BM_Relay, AES_CM_128_HMAC_SHA1_80_to_plain_RTP, srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, std::nullopt);

}  // namespace
}  // namespace sotto::relay
