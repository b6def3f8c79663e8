#pragma once
// Test-only: accounts in a map, REGISTER/INVITE text parsed with core/sip, and a digest client answering the
// registrar's challenges (core/auth), for registrar_test.cpp and the fuzz target.
//
//   testing::RegistrarHarness h;  h.accounts.add("alice", "secret");
//   auto out = h.register_with_auth(h.register_request({.contacts = {"<sips:alice@127.0.0.1:5070>"}}), "alice", "secret");

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/testing/deterministic_random.hpp"
#include "core/auth/digest.hpp"
#include "core/registrar/registrar.hpp"
#include "core/sip/header_fields.hpp"
#include "core/sip/message_parser.hpp"
#include "core/sip/message_writer.hpp"
#include "crypto/hash.hpp"

namespace sotto::registrar::testing {

using namespace std::chrono_literals;

class MapAccounts final : public Accounts {
 public:
  void add(const std::string& user, const std::string& password, std::uint8_t transports = kTransportTls,
           const std::string& realm = "sotto") {
    const std::string a1 = user + ":" + realm + ":" + password;
    map_[user] = AccountCredentials{crypto::hex_digest(crypto::Hash::md5, a1),
                                    crypto::hex_digest(crypto::Hash::sha256, a1), transports};
  }
  std::optional<AccountCredentials> find(std::string_view user) const override {
    ++lookups;
    auto it = map_.find(std::string(user));
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }
  mutable int lookups = 0;

 private:
  std::map<std::string, AccountCredentials, std::less<>> map_;
};

struct RegisterSpec {
  std::string user = "alice";            // To/From user
  std::string request_uri = "sips:localhost";
  std::string domain = "localhost";      // To/From host
  std::vector<std::string> contacts = {"<sips:alice@127.0.0.1:5070;transport=tls>"};
  std::optional<std::string> expires;    // Expires header value
  std::string call_id = "reg-call-1@127.0.0.1";
  std::uint32_t cseq = 1;
  std::vector<std::string> extra;        // whole header lines ("Supported: outbound, gruu")
  int vias = 1;
};

inline std::string register_text(const RegisterSpec& s) {
  std::string t = "REGISTER " + s.request_uri + " SIP/2.0\r\n";
  for (int i = 0; i < s.vias; ++i) {
    t += "Via: SIP/2.0/TLS 127.0.0.1:" + std::to_string(40001 + i) + ";branch=z9hG4bKreg" +
         std::to_string(s.cseq) + "x" + std::to_string(i) + "\r\n";
  }
  t += "Max-Forwards: 70\r\n";
  t += "From: <sips:" + s.user + "@" + s.domain + ">;tag=ft" + s.user + "\r\n";
  t += "To: <sips:" + s.user + "@" + s.domain + ">\r\n";
  t += "Call-ID: " + s.call_id + "\r\n";
  t += "CSeq: " + std::to_string(s.cseq) + " REGISTER\r\n";
  for (const auto& c : s.contacts) t += "Contact: " + c + "\r\n";
  if (s.expires) t += "Expires: " + *s.expires + "\r\n";
  for (const auto& e : s.extra) t += e + "\r\n";
  t += "Content-Length: 0\r\n\r\n";
  return t;
}

inline sip::SipMessage parse(const std::string& text) {
  auto m = sip::parse_message(text);
  EXPECT_TRUE(m) << (m ? "" : m.error().message()) << "\n" << text;
  return m ? *m : sip::SipMessage{};
}

// The challenges of a 401/407, in order.
inline std::vector<auth::DigestChallenge> challenges(const sip::SipMessage& r) {
  std::vector<auth::DigestChallenge> out;
  for (const auto& h : r.headers()) {
    if (h.id != sip::HeaderId::www_authenticate && h.id != sip::HeaderId::proxy_authenticate) continue;
    auto c = auth::parse_challenge(h.value);
    EXPECT_TRUE(c) << h.value;
    if (c) out.push_back(*c);
  }
  return out;
}

// `request` with an Authorization (or Proxy-Authorization for 407) answering `challenge_response`'s
// challenge for `algorithm`.
inline sip::SipMessage answered(sip::SipMessage request, const sip::SipMessage& challenge_response,
                                const std::string& user, const std::string& password,
                                auth::DigestAlgorithm algorithm = auth::DigestAlgorithm::sha256,
                                std::uint32_t nc = 1, const std::string& cnonce = "0a4f113b") {
  for (const auth::DigestChallenge& ch : challenges(challenge_response)) {
    if (ch.algorithm != algorithm) continue;
    auto a = auth::answer_challenge(ch, {user, password}, request.method().name(),
                                    sip::serialize(request.request_uri()), nc, cnonce);
    EXPECT_TRUE(a);
    if (!a) break;
    const bool proxy = challenge_response.status() == 407;
    request.remove(proxy ? sip::HeaderId::proxy_authorization : sip::HeaderId::authorization);
    (void)request.add_raw(proxy ? "Proxy-Authorization" : "Authorization", auth::serialize(*a));
    return request;
  }
  ADD_FAILURE() << "no " << auth::to_string(algorithm) << " challenge in\n" << sip::serialize(challenge_response);
  return request;
}

struct RegistrarHarness {
  MapAccounts accounts;
  sotto::testing::DeterministicRandom rng{7};
  RegistrarConfig config;
  std::unique_ptr<Registrar> reg;
  Timestamp now = Timestamp{} + 1h;
  std::int64_t unix_now = 1'800'000'000;
  RequestContext ctx{sip::txn::Flow::connection(1), sip::Transport::tls, "127.0.0.1", 40001, true};

  explicit RegistrarHarness(RegistrarConfig cfg = {}) : config(std::move(cfg)) {
    if (config.secret.empty()) config.secret = SecureBytes(std::vector<std::uint8_t>(32, 0x5a));
    reg = std::make_unique<Registrar>(config, accounts, rng);
  }

  RegisterOutcome send(const sip::SipMessage& m) { return reg->handle_register(now, unix_now, ctx, m); }
  RegisterOutcome send(const RegisterSpec& s) { return send(parse(register_text(s))); }

  // Sends the REGISTER, answers the 401 with `password`, returns the outcome of the answer.
  RegisterOutcome register_with_auth(const RegisterSpec& s, const std::string& password,
                                     auth::DigestAlgorithm alg = auth::DigestAlgorithm::sha256) {
    const sip::SipMessage req = parse(register_text(s));
    RegisterOutcome first = send(req);
    EXPECT_TRUE(first.response);
    if (!first.response) return first;
    EXPECT_EQ(first.response->status(), 401);
    RegisterSpec second = s;
    second.cseq = s.cseq + 1;
    return send(answered(parse(register_text(second)), *first.response, s.user, password, alg));
  }
};

}  // namespace sotto::registrar::testing
