// `sotto selftest`: a quick check that this build's SRTP engine is sound on this machine — the RFC 3711
// key derivation vector, and a protect/unprotect round trip plus a tamper check for every suite.
#include <fmt/core.h>

#include <vector>

#include "base/hex.hpp"
#include "commands.hpp"
#include "core/srtp/context.hpp"
#include "core/srtp/key_derivation.hpp"

namespace sotto::app {
namespace {

bool check_kdf() {
  // RFC 3711 appendix B.3.
  auto key = from_hex("E1F97A0D3E018BE0D64FA32C06DE4139").value();
  auto salt = from_hex("0EC675AD498AFEEBB6960B3AABE6").value();
  auto kdf = srtp::KeyDerivation::create(key, salt);
  if (!kdf) return false;
  std::uint8_t out[16];
  kdf->derive(srtp::Label::rtp_encryption, 0, out);
  return to_hex(out) == "c61e7a93744f39ee10734afe3ff7a087";
}

bool check_suite(const srtp::Suite& s) {
  srtp::Policy p;
  p.suite = s.id;
  srtp::MasterKey mk;
  mk.key = SecureBytes(s.master_key_len);
  mk.salt = SecureBytes(s.master_salt_len);
  for (std::size_t i = 0; i < mk.key.size(); ++i) mk.key[i] = static_cast<std::uint8_t>(i);
  p.keys.push_back(std::move(mk));
  auto tx = srtp::Context::create(srtp::Direction::outbound, p, srtp::kNoKeyRegistry);
  auto rx = srtp::Context::create(srtp::Direction::inbound, p);
  if (!tx || !rx) return false;
  std::vector<std::uint8_t> plain(12 + 160, 0x5a);
  plain[0] = 0x80;
  plain[11] = 1;
  for (std::uint16_t seq = 0; seq < 100; ++seq) {
    plain[2] = static_cast<std::uint8_t>(seq >> 8);
    plain[3] = static_cast<std::uint8_t>(seq);
    std::vector<std::uint8_t> buf(plain);
    buf.resize(plain.size() + tx->max_trailer());
    auto n = tx->protect_rtp(buf, plain.size());
    if (!n) return false;
    if (s.srtp_tag_len != 0) {  // a tampered copy must fail
      std::vector<std::uint8_t> bad(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(*n));
      bad[20] ^= 1;
      if (rx->unprotect_rtp(bad, bad.size())) return false;
    }
    auto m = rx->unprotect_rtp(buf, *n);
    if (!m || *m != plain.size() || !std::equal(plain.begin(), plain.end(), buf.begin())) return false;
  }
  return true;
}

int run_selftest() {
  int failures = 0;
  bool kdf = check_kdf();
  fmt::print("{:<26} {}\n", "RFC 3711 B.3 KDF", kdf ? "ok" : "FAILED");
  failures += !kdf;
  for (const srtp::Suite& s : srtp::all_suites()) {
    bool ok = check_suite(s);
    fmt::print("{:<26} {}\n", s.name, ok ? "ok" : "FAILED");
    failures += !ok;
  }
  fmt::print("selftest: {}\n", failures == 0 ? "all checks passed" : fmt::format("{} checks FAILED", failures));
  return failures == 0 ? 0 : 1;
}

}  // namespace

void add_selftest_command(CLI::App& app, Commands& cmds) {
  auto* sub = app.add_subcommand("selftest", "Check the SRTP engine on this machine (vectors, every suite)");
  cmds.entries.emplace_back(sub, [] { return run_selftest(); });
}

}  // namespace sotto::app
