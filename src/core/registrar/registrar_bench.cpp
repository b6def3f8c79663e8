// Registrar micro-benchmarks: the server's cost per REGISTER, without I/O or the database.
//   Challenge: a REGISTER without credentials -> 401 with two challenges (one HMAC nonce).
//   AuthenticatedRefresh: a REGISTER with a correct SHA-256 answer refreshing one binding -> 200
//   (answers prepared beforehand with increasing nc on one nonce; the client's hashing is not timed).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "base/testing/deterministic_random.hpp"
#include "core/auth/digest.hpp"
#include "core/registrar/registrar.hpp"
#include "core/sip/message_parser.hpp"
#include "crypto/hash.hpp"

namespace {

using namespace sotto;
using namespace std::chrono_literals;

class OneAccount final : public registrar::Accounts {
 public:
  std::optional<registrar::AccountCredentials> find(std::string_view user) const override {
    if (user != "alice") return std::nullopt;
    return registrar::AccountCredentials{crypto::hex_digest(crypto::Hash::md5, "alice:sotto:secret"),
                                         crypto::hex_digest(crypto::Hash::sha256, "alice:sotto:secret"),
                                         registrar::kTransportTls};
  }
};

std::string register_text(std::uint32_t cseq) {
  return "REGISTER sips:localhost SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:40001;branch=z9hG4bKb" + std::to_string(cseq) +
         "\r\nMax-Forwards: 70\r\nFrom: <sips:alice@localhost>;tag=f\r\nTo: <sips:alice@localhost>\r\n"
         "Call-ID: bench\r\nCSeq: " + std::to_string(cseq) +
         " REGISTER\r\nContact: <sips:alice@127.0.0.1:5070;transport=tls>\r\nExpires: 600\r\nContent-Length: 0\r\n\r\n";
}

registrar::RegistrarConfig config() {
  registrar::RegistrarConfig c;
  c.nonce_lifetime = 24h;
  c.secret = SecureBytes(std::vector<std::uint8_t>(32, 1));
  return c;
}

void Challenge(benchmark::State& state) {
  OneAccount accounts;
  testing::DeterministicRandom rng(1);
  registrar::Registrar reg(config(), accounts, rng);
  const sip::SipMessage req = *sip::parse_message(register_text(1));
  const registrar::RequestContext ctx{sip::txn::Flow::connection(1), sip::Transport::tls, "127.0.0.1", 40001, true};
  const Timestamp now = Timestamp{} + 1h;
  for (auto _ : state) {
    auto out = reg.handle_register(now, 1'800'000'000, ctx, req);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(Challenge);

void AuthenticatedRefresh(benchmark::State& state) {
  OneAccount accounts;
  testing::DeterministicRandom rng(1);
  registrar::Registrar reg(config(), accounts, rng);
  const registrar::RequestContext ctx{sip::txn::Flow::connection(1), sip::Transport::tls, "127.0.0.1", 40001, true};
  const Timestamp now = Timestamp{} + 1h;
  auto challenge = reg.handle_register(now, 1'800'000'000, ctx, *sip::parse_message(register_text(1)));
  auto ch = auth::parse_challenge(challenge.response->find(sip::HeaderId::www_authenticate)->value);
  constexpr std::uint32_t kPrepared = 20000;
  std::vector<sip::SipMessage> answers;
  answers.reserve(kPrepared);
  for (std::uint32_t i = 1; i <= kPrepared; ++i) {
    sip::SipMessage m = *sip::parse_message(register_text(i + 1));
    auto a = auth::answer_challenge(*ch, {"alice", "secret"}, "REGISTER", "sips:localhost", i, "c0ffee");
    (void)m.add_raw("Authorization", auth::serialize(*a));
    answers.push_back(std::move(m));
  }
  std::uint32_t i = 0;
  for (auto _ : state) {
    if (i == kPrepared) {
      state.SkipWithError("ran out of prepared answers");
      break;
    }
    auto out = reg.handle_register(now, 1'800'000'000, ctx, answers[i++]);
    if (!out.response || out.response->status() != 200) {
      state.SkipWithError("not answered 200");
      break;
    }
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(AuthenticatedRefresh)->Iterations(20000);

}  // namespace
