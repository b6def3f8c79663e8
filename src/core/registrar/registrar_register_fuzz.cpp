// Fuzz target: the registrar's REGISTER handling. The bytes are parsed as a SIP message and fed to
// handle_register twice: as sent (usually a 401), then answered with a correct digest for the To user
// (every account's password is "secret"), so contact, expiry, outbound and GRUU handling run on the fuzzed
// headers. Also authenticate(), lookup(), lookup_gruu() and the timers. Properties: every response parses
// again, no user holds more bindings than allowed, expiry empties the table.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/testing/deterministic_random.hpp"
#include "core/auth/digest.hpp"
#include "core/registrar/registrar.hpp"
#include "core/sip/header_fields.hpp"
#include "core/sip/message_parser.hpp"
#include "core/sip/message_writer.hpp"
#include "crypto/hash.hpp"

namespace {

using namespace sotto;
using namespace std::chrono_literals;

class AnyAccount final : public registrar::Accounts {
 public:
  std::optional<registrar::AccountCredentials> find(std::string_view user) const override {
    if (user.empty()) return std::nullopt;
    const std::string a1 = std::string(user) + ":sotto:secret";
    return registrar::AccountCredentials{crypto::hex_digest(crypto::Hash::md5, a1),
                                         crypto::hex_digest(crypto::Hash::sha256, a1),
                                         registrar::kTransportTls | registrar::kTransportTcp};
  }
};

void check_response(const std::optional<sip::SipMessage>& r) {
  if (!r) return;
  if (!sip::parse_message(sip::serialize(*r))) std::abort();  // we wrote something we cannot read back
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto msg = sip::parse_message(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!msg || !msg->is_request()) return 0;

  static const AnyAccount accounts;
  testing::DeterministicRandom rng(size);
  registrar::RegistrarConfig cfg;
  cfg.domains = {"localhost", "example.com"};
  cfg.addresses = {"127.0.0.1", "::1"};
  cfg.max_bindings_per_user = 4;
  cfg.secret = SecureBytes(std::vector<std::uint8_t>(32, 0x42));
  registrar::Registrar reg(cfg, accounts, rng);
  Timestamp now = Timestamp{} + 1h;
  const std::int64_t unix_now = 1'800'000'000;
  registrar::RequestContext ctx{sip::txn::Flow::connection(1), static_cast<sip::Transport>(size % 3), "127.0.0.1",
                                40000, false};

  auto first = reg.handle_register(now, unix_now, ctx, *msg);
  check_response(first.response);
  auto decision = reg.authenticate(now, ctx, *msg);
  check_response(decision.response);

  // Answer the challenge as the To user.
  if (first.response && first.response->status() == 401) {
    auto to = msg->header(sip::hdr::to);
    const sip::Header* h = first.response->find(sip::HeaderId::www_authenticate);
    if (to && h) {
      auto ch = auth::parse_challenge(h->value);
      if (!ch) std::abort();  // our own challenge must parse
      auto a = auth::answer_challenge(*ch, {to->uri.user.empty() ? "x" : to->uri.user, "secret"},
                                      msg->method().name(), sip::serialize(msg->request_uri()), 1, "c0ffee");
      if (a) {
        sip::SipMessage answered = *msg;
        answered.remove(sip::HeaderId::authorization);
        (void)answered.add_raw("Authorization", auth::serialize(*a));
        auto second = reg.handle_register(now, unix_now, ctx, answered);
        check_response(second.response);
        for (const auto& c : second.changes) {
          if (reg.lookup(now, c.binding.user).size() > cfg.max_bindings_per_user) std::abort();
          if (!c.binding.pub_gruu.empty()) (void)reg.lookup_gruu(now, *sip::parse_uri(c.binding.pub_gruu));
          if (!c.binding.temp_gruu.empty()) (void)reg.lookup_gruu(now, *sip::parse_uri(c.binding.temp_gruu));
        }
      }
    }
  }
  (void)reg.lookup_gruu(now, msg->request_uri());
  (void)reg.flow_closed(ctx.flow);
  const std::vector<registrar::Binding> saved = reg.bindings();
  (void)reg.handle_timeout(now + 86400s);
  if (reg.stats().bindings != 0 || reg.next_timeout() > now + 86400s + 10s) std::abort();
  reg.restore(now, unix_now + 10, saved);
  if (reg.stats().bindings != saved.size()) std::abort();  // every saved binding had 60 s or more left
  return 0;
}
