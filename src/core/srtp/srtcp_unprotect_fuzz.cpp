// Fuzz target: SRTCP unprotect, the same two ways as srtp_unprotect_fuzz.cpp: garbage in as received,
// and protect/unprotect round trip with a flipped bit that must be rejected.
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/srtp/context.hpp"
#include "core/srtp/testing_packets.hpp"

using namespace sotto::srtp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const auto suites = all_suites();
  const Suite& s = suites[data[0] % suites.size()];
  Policy p;
  p.suite = s.id;
  p.encrypt_rtcp = (data[0] & 0x80) == 0;
  const bool mki = (data[0] & 0x40) != 0;
  p.keys.push_back(testing::test_key(s, 1, mki ? std::vector<std::uint8_t>{7} : std::vector<std::uint8_t>{}));
  auto tx = Context::create(Direction::outbound, p, kNoKeyRegistry);
  auto rx = Context::create(Direction::inbound, p);
  if (!tx || !rx) std::abort();
  std::vector<std::uint8_t> in(data + 1, data + size);

  std::vector<std::uint8_t> raw(in);
  auto rx_raw = Context::create(Direction::inbound, p);  // unauthenticated suites accept garbage
  (void)rx_raw->unprotect_rtcp(raw, raw.size());

  std::vector<std::uint8_t> buf(in);
  buf.resize(in.size() + tx->max_trailer());
  auto n = tx->protect_rtcp(buf, in.size());
  if (!n) return 0;
  buf.resize(*n);
  std::vector<std::uint8_t> wire(buf);
  auto m = rx->unprotect_rtcp(buf, buf.size());
  if (!m || *m != in.size() || std::memcmp(buf.data(), in.data(), in.size()) != 0) std::abort();

  const std::size_t bit = (std::size_t{data[size - 1]} * 131 + size) % (wire.size() * 8);
  wire[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
  auto rx2 = Context::create(Direction::inbound, p);
  if (rx2->unprotect_rtcp(wire, wire.size())) std::abort();
  return 0;
}
