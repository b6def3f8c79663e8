// Fuzz target: SIP messages into the B2BUA with fake interfaces (everyone authenticated, every user
// registered down flow 2, SRTP policy per user from its first letter). The input is a script of
// chunks separated by NUL bytes; each chunk's first byte says what it is:
//   'M' <flow digit> <message bytes>    a message from that flow (parsed and checked first)
//   'R' <3 status digits> <body>         a response from the callee to the last request the B2BUA sent
//   'T' <n>                              advance virtual time by n * 100 ms, then handle_timeout
//   'A' <method letter> <body>           the caller's next in-dialog request, built from the last
//                                        response the B2BUA sent towards the caller's flow (its tags):
//                                        K ACK, B BYE, I re-INVITE, N INFO, O OPTIONS; C CANCEL;
//                                        Y NOTIFY; F REFER with <body> as Refer-To; G the same with
//                                        Refer-Sub: false; P REFER whose Refer-To has a Replaces naming
//                                        the caller's first dialog (attended transfer)
//   'J' <body>                           from flow 3, an INVITE with Replaces naming the caller's first
//                                        dialog, <body> as its SDP offer (RFC 3891)
//   'E' <flow digit>                     that flow failed
// Property: no crash, no hang; outputs always drain; every call's record is emitted at most once.
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/random_source.hpp"
#include "core/b2bua/b2bua.hpp"
#include "core/sip/header_fields.hpp"
#include "core/sip/message_parser.hpp"
#include "core/sip/message_writer.hpp"
#include "core/sip/response_builder.hpp"

namespace {

using namespace sotto;

class CountingRandom final : public RandomSource {
 public:
  void fill(std::span<std::uint8_t> out) noexcept override {
    for (auto& b : out) b = static_cast<std::uint8_t>(state_++ * 131u + 7u);
  }

 private:
  std::uint64_t state_ = 1;
};

struct Locations final : registrar::Locations {
  std::vector<registrar::Binding> lookup(Timestamp, std::string_view user) const override {
    if (user.empty() || user[0] == 'x') return {};  // "x...": not registered
    registrar::Binding b;
    b.user = std::string(user);
    b.contact.scheme = sip::UriScheme::sips;  // built, not parsed: the user part may need escaping
    b.contact.user = std::string(user);
    b.contact.host = "127.0.0.1";
    b.contact.port = 5072;
    b.flow = sip::txn::Flow::connection(2);
    b.transport = user[0] == 'u' ? sip::Transport::udp : sip::Transport::tls;
    std::vector<registrar::Binding> out{b};
    if (user[0] == 'f') {  // "f...": two bindings (forking)
      b.flow = sip::txn::Flow::connection(3);
      out.push_back(b);
    }
    return out;
  }
  std::optional<registrar::Binding> lookup_gruu(Timestamp, const sip::Uri&) const override { return std::nullopt; }
};

struct Auth final : registrar::Authenticator {
  registrar::AuthDecision authenticate(Timestamp, const registrar::RequestContext&, const sip::SipMessage& req) override {
    registrar::AuthDecision d;
    auto from = req.header(sip::hdr::from);
    if (!from || from->uri.user == "blocked") return d;
    if (from->uri.user == "challenge") {
      auto r = sip::make_response(req, 407, "Proxy Authentication Required", "t");
      if (r) d.response = std::move(*r);
      return d;
    }
    d.user = from->uri.user;
    return d;
  }
};

struct Anchor final : relay::MediaAnchor {
  relay::RelayId next = 1;
  std::map<relay::RelayId, bool> open_;
  Result<relay::RelayId> open(Timestamp) override {
    if (next > 1000) return fail(Errc::limit_exceeded, "full");
    open_[next] = true;
    return next++;
  }
  relay::AnchorAddress local(relay::RelayId r, relay::Side s) const override {
    return {"127.0.0.1", static_cast<std::uint16_t>(40000 + 4 * (r % 1000) + (s == relay::Side::a ? 0 : 2))};
  }
  Status set_leg(Timestamp, relay::RelayId r, relay::Side, const relay::LegMedia&) override {
    if (!open_.count(r)) std::abort();  // set_leg on a closed or unknown relay
    return {};
  }
  relay::LegStats stats(relay::RelayId, relay::Side) const override { return {}; }
  void close(relay::RelayId r) override {
    if (!open_.erase(r)) std::abort();  // closed twice
  }
};

struct Policies final : b2bua::Policies {
  std::optional<b2bua::UserPolicy> lookup(std::string_view user) const override {
    if (user.empty() || user[0] == 'n') return std::nullopt;  // "n...": no such account
    b2bua::UserPolicy p;
    if (user[0] == 'o') p.media.mode = negotiation::SrtpMode::offer;
    if (user[0] == 'p') p.media.mode = negotiation::SrtpMode::off;
    if (user[0] == 'u') p.allowed_transports.push_back(sip::Transport::udp);
    return p;
  }
};

// "callid;to-tag=T;from-tag=F" of the dialog a response towards the caller names (its To tag is ours),
// with `semi` and `eq` as separators ("%3B", "%3D" inside a URI).
std::string replaces_of(const std::optional<sip::SipMessage>& r, std::string_view semi, std::string_view eq) {
  if (!r) return "none";
  auto cid = r->header(sip::hdr::call_id);
  auto to = r->header(sip::hdr::to);
  auto from = r->header(sip::hdr::from);
  if (!cid || !to || !from || !to->tag() || !from->tag()) return "none";
  return *cid + std::string(semi) + "to-tag" + std::string(eq) + std::string(*to->tag()) + std::string(semi) + "from-tag" +
         std::string(eq) + std::string(*from->tag());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Locations locations;
  static Auth auth;
  static Policies policies;
  Anchor anchor;
  CountingRandom rng;
  b2bua::B2buaConfig cfg;
  cfg.domains = {"localhost"};
  cfg.bindings = {{"TLS", "127.0.0.1", 5061}, {"UDP", "127.0.0.1", 5060}};
  b2bua::B2bua server(cfg, locations, auth, anchor, policies, rng);
  Timestamp now = Timestamp{} + std::chrono::hours(1);
  std::optional<sip::SipMessage> last_request;
  std::optional<sip::SipMessage> last_to_caller;  // last response towards flow 1 with a To tag
  std::optional<sip::SipMessage> first_to_caller;  // the first one (a dialog that Replaces can name)
  std::uint32_t caller_cseq = 1;
  std::map<std::uint64_t, int> ended;

  const auto drain = [&] {
    for (int guard = 0; guard < 10000; ++guard) {
      bool any = false;
      while (auto ev = server.poll_event()) {
        any = true;
        if (ev->kind == b2bua::B2buaEvent::Kind::call_ended && ++ended[ev->call] > 1) std::abort();
      }
      while (auto t = server.poll_transmit()) {
        any = true;
        if (t->message.is_request() && t->message.method() != sip::MethodId::ack) last_request = t->message;
        if (t->message.is_response() && t->flow == sip::txn::Flow::connection(1)) {
          if (auto to = t->message.header(sip::hdr::to); to && to->tag()) {
            last_to_caller = t->message;
            if (!first_to_caller) first_to_caller = t->message;
          }
        }
      }
      if (!any) return;
    }
    std::abort();  // outputs that never drain
  };

  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t pos = 0;
  int steps = 0;
  while (pos < input.size() && steps++ < 64) {
    std::size_t end = input.find('\0', pos);
    if (end == std::string_view::npos) end = input.size();
    const std::string_view chunk = input.substr(pos, end - pos);
    pos = end + 1;
    if (chunk.empty()) continue;
    const char kind = chunk[0];
    if (kind == 'M' && chunk.size() > 2) {
      const std::uint64_t flow_number = static_cast<std::uint64_t>(chunk[1] & 3) + 1;
      auto msg = sip::parse_message(chunk.substr(2));
      if (!msg) continue;
      registrar::RequestContext ctx;
      ctx.flow = sip::txn::Flow::connection(flow_number);
      ctx.transport = sip::Transport::tls;
      ctx.secure = true;
      ctx.source_ip = "127.0.0.1";
      ctx.source_port = static_cast<std::uint16_t>(5070 + flow_number);
      server.handle_message(now, ctx.flow, ctx, std::move(*msg));
    } else if (kind == 'R' && chunk.size() >= 4 && last_request) {
      const int status = (chunk[1] - '0') * 100 + (chunk[2] - '0') * 10 + (chunk[3] - '0');
      auto resp = sip::make_response(*last_request, status, "Fuzz", "calleetag");
      if (!resp) continue;
      (void)resp->add_raw("Contact", "<sips:callee@127.0.0.1:5072>");
      if (chunk.size() > 4) {
        resp->add(sip::hdr::content_type, std::string("application/sdp"));
        resp->set_body(std::string(chunk.substr(4)));
      }
      auto parsed = sip::parse_message(sip::serialize(*resp));
      if (!parsed) continue;
      registrar::RequestContext ctx;
      ctx.flow = sip::txn::Flow::connection(2);
      ctx.transport = sip::Transport::tls;
      ctx.secure = true;
      server.handle_message(now, ctx.flow, ctx, std::move(*parsed));
    } else if (kind == 'T' && chunk.size() >= 2) {
      now += std::chrono::milliseconds(100) * static_cast<unsigned char>(chunk[1]);
      server.handle_timeout(now);
    } else if (kind == 'A' && chunk.size() >= 2 && last_to_caller) {
      const sip::SipMessage& r = *last_to_caller;
      sip::MethodId m = sip::MethodId::bye;
      switch (chunk[1]) {
        case 'K': m = sip::MethodId::ack; break;
        case 'I': m = sip::MethodId::invite; break;
        case 'N': m = sip::MethodId::info; break;
        case 'O': m = sip::MethodId::options; break;
        case 'C': m = sip::MethodId::cancel; break;
        case 'Y': m = sip::MethodId::notify; break;
        case 'F':
        case 'G':
        case 'P': m = sip::MethodId::refer; break;
        default: break;
      }
      sip::Uri target;
      target.scheme = sip::UriScheme::sips;
      target.host = "127.0.0.1";
      target.port = 5061;
      sip::SipMessage req = sip::SipMessage::request(m, target);
      const bool same_txn = m == sip::MethodId::cancel || m == sip::MethodId::ack;
      if (same_txn) {
        if (const sip::Header* via = r.find(sip::HeaderId::via)) req.headers().push_back(*via);
      } else {
        (void)req.add_raw("Via", "SIP/2.0/TLS 127.0.0.1:5071;branch=z9hG4bKfuzzindialog" + std::to_string(caller_cseq));
      }
      (void)req.add_raw("Max-Forwards", "70");
      for (auto id : {sip::HeaderId::from, sip::HeaderId::to, sip::HeaderId::call_id}) {
        if (const sip::Header* h = r.find(id)) req.headers().push_back(*h);
      }
      auto rc = r.header(sip::hdr::cseq);
      const std::uint32_t n = same_txn && rc ? rc->number : ++caller_cseq;
      req.add(sip::hdr::cseq, sip::CSeq{n, m});
      (void)req.add_raw("Contact", "<sips:alice@127.0.0.1:5071>");
      if (m == sip::MethodId::refer) {
        std::string refer_to(chunk.substr(2));
        if (chunk[1] == 'P') {
          const std::string replaces = replaces_of(first_to_caller, "%3B", "%3D");
          refer_to = "<sips:bob@localhost?Replaces=" + replaces + ">";
        }
        if (!refer_to.empty()) (void)req.add_raw("Refer-To", refer_to);
        if (chunk[1] == 'G') (void)req.add_raw("Refer-Sub", "false");
      } else if (m == sip::MethodId::notify) {
        (void)req.add_raw("Event", "refer");
        (void)req.add_raw("Subscription-State", "active;expires=60");
        req.add(sip::hdr::content_type, std::string("message/sipfrag;version=2.0"));
        req.set_body(std::string(chunk.substr(2)));
      } else if (chunk.size() > 2) {
        req.add(sip::hdr::content_type, std::string(m == sip::MethodId::info ? "application/dtmf-relay" : "application/sdp"));
        req.set_body(std::string(chunk.substr(2)));
      }
      auto parsed = sip::parse_message(sip::serialize(req));
      if (!parsed) continue;
      registrar::RequestContext ctx;
      ctx.flow = sip::txn::Flow::connection(1);
      ctx.transport = sip::Transport::tls;
      ctx.secure = true;
      server.handle_message(now, ctx.flow, ctx, std::move(*parsed));
    } else if (kind == 'J' && first_to_caller) {
      // A second phone of the caller's account takes the caller's first dialog over.
      std::string text =
          "INVITE sips:bob@localhost SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:5074;branch=z9hG4bKfuzzreplaces" +
          std::to_string(steps) + "\r\nMax-Forwards: 70\r\nFrom: <sips:alice@localhost>;tag=j" + std::to_string(steps) +
          "\r\nTo: <sips:bob@localhost>\r\nCall-ID: fuzzreplaces" + std::to_string(steps) +
          "\r\nCSeq: 1 INVITE\r\nContact: <sips:alice@127.0.0.1:5074>\r\nRequire: replaces\r\nReplaces: " +
          replaces_of(first_to_caller, ";", "=") + "\r\nContent-Type: application/sdp\r\nContent-Length: " +
          std::to_string(chunk.size() - 1) + "\r\n\r\n" + std::string(chunk.substr(1));
      auto parsed = sip::parse_message(text);
      if (!parsed) continue;
      registrar::RequestContext ctx;
      ctx.flow = sip::txn::Flow::connection(3);
      ctx.transport = sip::Transport::tls;
      ctx.secure = true;
      ctx.source_ip = "127.0.0.1";
      ctx.source_port = 5074;
      server.handle_message(now, ctx.flow, ctx, std::move(*parsed));
    } else if (kind == 'E' && chunk.size() >= 2) {
      server.handle_transport_error(now, sip::txn::Flow::connection(static_cast<std::uint64_t>(chunk[1] & 3) + 1));
    }
    drain();
  }
  // Let every timer run out: calls end, records come out once, relays close once.
  for (int i = 0; i < 200; ++i) {
    auto t = server.next_timeout();
    if (!t) break;
    now = std::max(now, *t);
    server.handle_timeout(now);
    drain();
  }
  return 0;
}
