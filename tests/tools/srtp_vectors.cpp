// srtp_vectors: our SRTP engine behind a line protocol, so that a test written in another language (the
// Python reference in tests/reference/) can compare packets byte for byte in both directions.
//
//   ctx SUITE MASTER_KEY_HEX MASTER_SALT_HEX KDR_EXPONENT|- IDS|-   new outbound + inbound context pair
//                                                                    (IDS: RFC 6904 extension IDs, "1,3,4")
//   p-rtp HEX | u-rtp HEX | p-rtcp HEX | u-rtcp HEX                  protect (outbound) / unprotect (inbound)
//
// One answer line per command: "ok [HEX]" or "err TOKEN (prose)", TOKEN the SrtpError name
// (auth_failure, ...). Lines starting with '#' and blank lines are ignored. Exit status 0 unless a
// line cannot be parsed (then "err ..." and exit 2).
#include <cstdint>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "base/hex.hpp"
#include "core/srtp/context.hpp"
#include "core/srtp/suite.hpp"

namespace {

using sotto::srtp::Context;
using sotto::srtp::Direction;

struct Pair {
  std::optional<Context> tx, rx;
};

std::vector<std::string> split(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string make_context(Pair& pair, const std::vector<std::string>& w) {
  if (w.size() != 6) return "ctx needs SUITE KEY SALT KDR|- IDS|-";
  const sotto::srtp::Suite* suite = sotto::srtp::find_suite(w[1]);
  if (suite == nullptr) return "unknown suite " + w[1];
  auto key = sotto::from_hex(w[2]);
  auto salt = sotto::from_hex(w[3]);
  if (!key || !salt) return "bad key or salt hex";
  sotto::srtp::Policy p;
  p.suite = suite->id;
  sotto::srtp::MasterKey mk;
  mk.key = sotto::SecureBytes(*key);
  mk.salt = sotto::SecureBytes(*salt);
  p.keys.push_back(std::move(mk));
  if (w[4] != "-") p.kdr_exponent = static_cast<std::uint8_t>(std::stoi(w[4]));
  if (w[5] != "-") {
    std::istringstream ids(w[5]);
    for (std::string id; std::getline(ids, id, ',');) p.encrypted_header_ids.push_back(static_cast<std::uint8_t>(std::stoi(id)));
  }
  auto tx = Context::create(Direction::outbound, p, sotto::srtp::kNoKeyRegistry);  // fixed vectors, reused
  auto rx = Context::create(Direction::inbound, p);
  if (!tx) return "outbound context: " + tx.error().message();
  if (!rx) return "inbound context: " + rx.error().message();
  pair.tx.emplace(std::move(*tx));
  pair.rx.emplace(std::move(*rx));
  return {};
}

// Stable tokens for the test to match (to_string() is prose for people and may change).
const char* token(sotto::srtp::SrtpError e) {
  using E = sotto::srtp::SrtpError;
  switch (e) {
    case E::auth_failure: return "auth_failure";
    case E::replay: return "replay";
    case E::too_old: return "too_old";
    case E::truncated: return "truncated";
    case E::malformed: return "malformed";
    case E::unknown_mki: return "unknown_mki";
    case E::key_exhausted: return "key_exhausted";
    case E::no_room: return "no_room";
    case E::crypto_failure: return "crypto_failure";
    case E::wrong_direction: return "wrong_direction";
  }
  return "unknown";
}

std::string transform(Pair& pair, const std::string& op, const std::string& hex) {
  if (!pair.tx || !pair.rx) return "err no ctx yet";
  auto bytes = sotto::from_hex(hex);
  if (!bytes) return "err bad packet hex";
  std::vector<std::uint8_t> buf = *bytes;
  const std::size_t len = buf.size();
  buf.resize(len + pair.tx->max_trailer());
  std::optional<sotto::srtp::PacketResult> r;
  if (op == "p-rtp") r.emplace(pair.tx->protect_rtp(buf, len));
  else if (op == "u-rtp") r.emplace(pair.rx->unprotect_rtp(buf, len));
  else if (op == "p-rtcp") r.emplace(pair.tx->protect_rtcp(buf, len));
  else if (op == "u-rtcp") r.emplace(pair.rx->unprotect_rtcp(buf, len));
  else return "err unknown command " + op;
  if (!*r) return std::string("err ") + token(r->error()) + " (" + std::string(sotto::srtp::to_string(r->error())) + ")";
  buf.resize(**r);
  return "ok " + sotto::to_hex(buf);
}

}  // namespace

int main() {
  std::ios::sync_with_stdio(false);
  Pair pair;
  for (std::string line; std::getline(std::cin, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto w = split(line);
    if (w.empty()) continue;
    if (w[0] == "ctx") {
      std::string err;
      try {
        err = make_context(pair, w);
      } catch (const std::exception& e) {  // std::stoi on a bad number
        err = std::string("bad number: ") + e.what();
      }
      std::cout << (err.empty() ? "ok" : "err " + err) << '\n';
      if (!err.empty()) return 2;
      continue;
    }
    if (w.size() != 2) {
      std::cout << "err expected: COMMAND HEX\n";
      return 2;
    }
    std::cout << transform(pair, w[0], w[1]) << '\n';
  }
  return 0;
}
