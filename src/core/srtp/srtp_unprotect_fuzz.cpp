// Fuzz target: SRTP unprotect. The first byte picks a suite and options (MKI, header encryption); the
// rest is used two ways:
//   1. as a received packet, unprotected as is (parsing, MKI lookup, length checks on garbage);
//   2. as a plaintext RTP packet: protect it, check unprotect restores it exactly, then flip the bit
//      the input names and check the result is rejected (never accepted with different bytes).
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/srtp/context.hpp"
#include "core/srtp/testing_packets.hpp"

using namespace sotto::srtp;

namespace {

Policy policy_for(std::uint8_t sel) {
  const auto suites = all_suites();
  const Suite& s = suites[sel % suites.size()];
  Policy p;
  p.suite = s.id;
  const bool mki = (sel & 0x40) != 0;
  p.keys.push_back(testing::test_key(s, 1, mki ? std::vector<std::uint8_t>{0, 0, 0, 1} : std::vector<std::uint8_t>{}));
  if (mki) p.keys.push_back(testing::test_key(s, 2, {0, 0, 0, 2}));
  if ((sel & 0x80) != 0 && s.cipher != Cipher::aes_gcm) p.encrypted_header_ids = {1, 2, 3};
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const Policy p = policy_for(data[0]);
  auto tx = Context::create(Direction::outbound, p, kNoKeyRegistry);
  auto rx = Context::create(Direction::inbound, p);
  if (!tx || !rx) std::abort();
  std::vector<std::uint8_t> in(data + 1, data + size);

  std::vector<std::uint8_t> raw(in);
  auto rx_raw = Context::create(Direction::inbound, p);  // unauthenticated suites accept garbage
  (void)rx_raw->unprotect_rtp(raw, raw.size());

  std::vector<std::uint8_t> buf(in);
  buf.resize(in.size() + tx->max_trailer());
  auto n = tx->protect_rtp(buf, in.size());
  if (!n) return 0;  // not an RTP packet
  buf.resize(*n);
  std::vector<std::uint8_t> wire(buf);
  auto m = rx->unprotect_rtp(buf, buf.size());
  if (!m || *m != in.size() || std::memcmp(buf.data(), in.data(), in.size()) != 0) std::abort();

  if (suite(p.suite).srtp_tag_len != 0) {
    // Flip one bit chosen by the input; a fresh receiver must refuse it.
    const std::size_t bit = (std::size_t{data[size - 1]} * 131 + size) % (wire.size() * 8);
    wire[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
    auto rx2 = Context::create(Direction::inbound, p);
    if (rx2->unprotect_rtp(wire, wire.size())) std::abort();
  }
  return 0;
}
