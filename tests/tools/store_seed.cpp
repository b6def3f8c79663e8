// Test-only: writes a fixed set of accounts, bindings and call records into a data directory through the
// Store API, as `sotto serve` will, so tests/records_cli_test.py can check `sotto calls` and
// `sotto registrations` on known content. Times are relative to now (or --now-ms).
//
//   store_seed --data-dir /tmp/d [--now-ms 1796083200000] [--bulk-old N]
//
// Content (docs/RECORDS.md names every field):
//   users alice, bob
//   bindings: alice over TLS (RFC 5626 instance, reg-id 1, GRUU, expires in 600 s), bob over UDP from ::1
//             (expires in 300 s), alice's old contact expired 10 s ago (not listed)
//   calls:  secure-1   10 min ago  answered 200, TLS + SRTP on both legs         -> secure
//           partial-1   5 min ago  answered 200, callee over UDP with plain RTP  -> partial
//           busy-1      2 min ago  busy 486, both legs over UDP, no media        -> insecure
//           old-1       3 days ago answered 200, secure                          (outside --since 2d)
//           transfer-1  1 min ago  answered 200, TLS + SRTP to alice and bob, then bob transferred it to
//                                  carol, whose leg is UDP with plain RTP        -> partial
//   end_reason: secure-1 "BYE from caller", partial-1 "BYE from callee", busy-1 "Busy Here",
//               old-1 none (as a version 2 record reads), transfer-1 "BYE from transfer-target"
//   --bulk-old N: N more calls (bulk-0 ... bulk-N-1), 100 days old, written in one transaction (retention tests)
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "store/data_dir.hpp"
#include "store/verdict.hpp"

using namespace sotto;

namespace {

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "store_seed: %s\n", what.c_str());
  std::exit(1);
}

void check(const Status& s, std::string_view what) {
  if (!s) die(std::string(what) + ": " + s.error().message());
}

store::LegRecord leg(store::LegSide side, std::string peer, std::string address, store::Transport t,
                     std::optional<std::string> suite) {
  store::LegRecord l;
  l.side = side;
  l.peer = std::move(peer);
  l.address = std::move(address);
  l.transport = t;
  if (t == store::Transport::tls) {
    l.tls_version = "TLSv1.3";
    l.tls_cipher = "TLS_AES_256_GCM_SHA384";
  }
  l.srtp_suite = std::move(suite);
  return l;
}

store::CallRecord call(std::string id, std::int64_t start, int status, std::vector<store::LegRecord> legs) {
  store::CallRecord c;
  c.call_id = std::move(id);
  c.from = "sips:alice@localhost";
  c.to = "sips:bob@localhost";
  c.started_unix_ms = start;
  c.status = status;
  c.result = store::result_for_status(status);
  if (c.result == store::CallResult::answered) c.answered_unix_ms = start + 1250;
  c.ended_unix_ms = start + (c.answered_unix_ms ? 31'250 : 4'000);
  c.legs = std::move(legs);
  store::apply_judgement(c);
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir;
  long bulk_old = 0;
  std::int64_t now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--data-dir" && i + 1 < argc) dir = argv[++i];
    else if (a == "--now-ms" && i + 1 < argc) now_ms = std::strtoll(argv[++i], nullptr, 10);
    else if (a == "--bulk-old" && i + 1 < argc) bulk_old = std::strtol(argv[++i], nullptr, 10);
    else die("usage: store_seed --data-dir DIR [--now-ms MS] [--bulk-old N]");
  }
  if (dir.empty() || bulk_old < 0) die("usage: store_seed --data-dir DIR [--now-ms MS] [--bulk-old N]");
  auto opened = store::open_data_dir(dir, {.realm = std::nullopt, .create = true});
  if (!opened) die(opened.error().message());
  store::Store& st = **opened;
  const std::int64_t now = now_ms / 1000;
  check(st.add_user(store::make_user("alice", st.info().realm, "alice-pw", {}, now)), "add alice");
  check(st.add_user(store::make_user("bob", st.info().realm, "bob-pw", {}, now)), "add bob");

  store::BindingRecord a;
  a.user = "alice";
  a.contact = "sips:alice@127.0.0.1:40312;transport=tls;ob";
  a.instance = "<urn:uuid:6f8e1c2a-0000-4000-8000-00000000a11c>";
  a.reg_id = 1;
  a.transport = store::Transport::tls;
  a.source_ip = "127.0.0.1";
  a.source_port = 40312;
  a.call_id = "reg-alice@127.0.0.1";
  a.cseq = 3;
  a.expires_unix = now + 600;
  a.pub_gruu = "sips:alice@localhost;gr=urn:uuid:6f8e1c2a-0000-4000-8000-00000000a11c";
  a.outbound = true;
  a.flow = "tls 127.0.0.1:40312";
  a.updated_unix = now;
  store::BindingRecord stale = a;
  stale.instance.clear();
  stale.reg_id = 0;
  stale.pub_gruu.clear();
  stale.outbound = false;
  stale.contact = "sips:alice@127.0.0.1:39000;transport=tls";
  stale.expires_unix = now - 10;
  store::BindingRecord b;
  b.user = "bob";
  b.contact = "sip:bob@[::1]:5062";
  b.transport = store::Transport::udp;
  b.source_ip = "::1";
  b.source_port = 5062;
  b.call_id = "reg-bob@::1";
  b.cseq = 1;
  b.expires_unix = now + 300;
  b.flow = "udp [::1]:5062";
  b.updated_unix = now;
  check(st.put_bindings({a, stale, b}), "put bindings");

  using store::LegSide;
  using store::Transport;
  const std::string suite = "AES_CM_128_HMAC_SHA1_80";
  auto secure = call("secure-1@127.0.0.1", now_ms - 600'000, 200,
                     {leg(LegSide::caller, "alice", "127.0.0.1:40312", Transport::tls, suite),
                      leg(LegSide::callee, "bob", "127.0.0.1:40400", Transport::tls, "AEAD_AES_128_GCM")});
  secure.legs[0].packets_in = 1500;
  secure.legs[0].packets_out = 1498;
  secure.legs[0].auth_failures = 2;
  secure.legs[0].packets_lost = 1;
  secure.legs[1].packets_in = 1497;
  secure.legs[1].packets_out = 1500;
  secure.legs[1].peer_certificate = "CN=bob";
  auto partial = call("partial-1@127.0.0.1", now_ms - 300'000, 200,
                      {leg(LegSide::caller, "alice", "127.0.0.1:40312", Transport::tls, suite),
                       leg(LegSide::callee, "bob", "[::1]:5062", Transport::udp, std::nullopt)});
  auto busy = call("busy-1@127.0.0.1", now_ms - 120'000, 486,
                   {leg(LegSide::caller, "alice", "127.0.0.1:5070", Transport::udp, std::nullopt),
                    leg(LegSide::callee, "bob", "[::1]:5062", Transport::udp, std::nullopt)});
  for (auto& l : busy.legs) l.media = false;
  store::apply_judgement(busy);
  auto old = call("old-1@127.0.0.1", now_ms - 3 * 86'400'000LL, 200,
                  {leg(LegSide::caller, "alice", "127.0.0.1:40312", Transport::tls, suite),
                   leg(LegSide::callee, "bob", "127.0.0.1:40400", Transport::tls, suite)});
  auto transfer = call("transfer-1@127.0.0.1", now_ms - 60'000, 200,
                       {leg(LegSide::caller, "alice", "127.0.0.1:40312", Transport::tls, suite),
                        leg(LegSide::callee, "bob", "127.0.0.1:40400", Transport::tls, suite),
                        leg(LegSide::transfer_target, "carol", "127.0.0.1:5080", Transport::udp, std::nullopt)});
  transfer.legs[2].packets_in = 400;
  store::apply_judgement(transfer);
  secure.end_reason = "BYE from caller";
  partial.end_reason = "BYE from callee";
  busy.end_reason = "Busy Here";
  transfer.end_reason = "BYE from transfer-target";
  for (const auto* c : {&old, &secure, &partial, &busy, &transfer}) check(st.add_call(*c), "add call " + c->call_id);
  std::vector<store::Write> bulk;
  for (long i = 0; i < bulk_old; ++i) {
    bulk.push_back(store::AddCall{call("bulk-" + std::to_string(i), now_ms - 100 * 86'400'000LL + i, 200,
                                       {leg(LegSide::caller, "alice", "127.0.0.1:40312", Transport::tls, suite),
                                        leg(LegSide::callee, "bob", "127.0.0.1:40400", Transport::tls, suite)})});
  }
  for (const Status& r : st.apply(bulk)) check(r, "add a bulk call");
  std::printf("seeded %s: 2 users, 3 bindings (1 expired), %ld calls\n", dir.c_str(), 5 + bulk_old);
  return 0;
}
