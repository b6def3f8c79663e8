#include "io/dns/dns_resolver.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <optional>

#include "io/dns/testing/dns_responder.hpp"

namespace sotto::io::dns {
namespace {

using namespace std::chrono_literals;
using locate::AddressRecord;
using locate::DnsFailure;
using locate::NaptrRecord;
using locate::RecordType;
using locate::SrvRecord;
using locate::Target;
using locate::TransportMode;
using S = std::vector<std::string>;

sip::Uri uri(std::string_view s) { return sip::parse_uri(s).value(); }

S strings(const std::vector<Target>& targets) {
  S out;
  for (const auto& t : targets) out.push_back(to_string(t));
  return out;
}

// Runs the io_context until `done` or the deadline; the responder keeps it busy, so run() would not return.
template <class Pred>
bool run_until(asio::io_context& io, Pred done, std::chrono::milliseconds limit = 5000ms) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done() && std::chrono::steady_clock::now() < deadline) io.run_one_for(10ms);
  return done();
}

void add_example_zone(testing::DnsResponder& dns) {
  dns.add(NaptrRecord{"example.test", 10, 10, "s", "SIPS+D2T", "", "_sips._tcp.example.test"});
  dns.add(NaptrRecord{"example.test", 10, 20, "s", "SIP+D2T", "", "_sip._tcp.example.test"});
  dns.add(NaptrRecord{"example.test", 10, 30, "S", "SIP+D2U", "", "_sip._udp.example.test"});
  dns.add(SrvRecord{"_sips._tcp.example.test", 20, 0, 5061, "sip2.example.test"});
  dns.add(SrvRecord{"_sips._tcp.example.test", 10, 0, 5061, "sip1.example.test"});
  dns.add(SrvRecord{"_sip._tcp.example.test", 10, 0, 5060, "sip1.example.test"});
  dns.add(SrvRecord{"_sip._udp.example.test", 10, 0, 5060, "sip1.example.test"});
  dns.add(AddressRecord{"sip1.example.test", "127.0.0.11"});
  dns.add(AddressRecord{"sip2.example.test", "127.0.0.12"});
  dns.add(AddressRecord{"sip2.example.test", "::1"});
  dns.add(SrvRecord{"_sip._udp.srv.test", 0, 0, 5070, "sip1.example.test"});
  dns.add(AddressRecord{"a.test", "127.0.0.13"});
}

class DnsResolverTest : public ::testing::Test {
 protected:
  DnsResolverTest() { add_example_zone(dns_); }

  std::unique_ptr<DnsResolver> make(std::vector<std::string> servers, std::chrono::milliseconds timeout = 1000ms,
                                    int tries = 2) {
    DnsResolverOptions o;
    o.servers = std::move(servers);
    o.timeout = timeout;
    o.tries = tries;
    o.random = locate::seeded_uniform_random(1);
    auto r = DnsResolver::create(io_, std::move(o));
    EXPECT_TRUE(r) << r.error().message();
    return std::move(*r);
  }

  Result<std::vector<Target>> locate(DnsResolver& resolver, std::string_view u, TransportMode mode) {
    std::optional<Result<std::vector<Target>>> out;
    resolver.locate(uri(u), mode, [&](Result<std::vector<Target>> r) { out.emplace(std::move(r)); });
    EXPECT_TRUE(run_until(io_, [&] { return out.has_value(); }));
    if (!out) return fail(Errc::invalid_state, "no callback");
    return std::move(*out);
  }

  asio::io_context io_;
  testing::DnsResponder dns_{io_};
};

TEST_F(DnsResolverTest, LocatesThroughNaptrSrvAndAddressRecords) {
  auto resolver = make({dns_.server()});
  auto targets = locate(*resolver, "sip:bob@example.test", TransportMode::dns);
  ASSERT_TRUE(targets) << targets.error().message();
  EXPECT_EQ(strings(*targets), (S{"tls sip1.example.test 127.0.0.11:5061", "tls sip2.example.test 127.0.0.12:5061",
                                  "tls sip2.example.test [::1]:5061", "tcp sip1.example.test 127.0.0.11:5060",
                                  "udp sip1.example.test 127.0.0.11:5060"}));
  EXPECT_EQ(dns_.queries(), (S{"NAPTR example.test", "SRV _sips._tcp.example.test", "SRV _sip._tcp.example.test",
                               "SRV _sip._udp.example.test", "A sip1.example.test", "AAAA sip1.example.test",
                               "A sip2.example.test", "AAAA sip2.example.test"}));
  EXPECT_EQ((*targets)[0].server_name, "example.test");
}

TEST_F(DnsResolverTest, SipsGetsTlsTargetsOnly) {
  auto resolver = make({dns_.server()});
  auto targets = locate(*resolver, "sips:bob@example.test", TransportMode::dns);
  ASSERT_TRUE(targets) << targets.error().message();
  EXPECT_EQ(strings(*targets), (S{"tls sip1.example.test 127.0.0.11:5061", "tls sip2.example.test 127.0.0.12:5061",
                                  "tls sip2.example.test [::1]:5061"}));
}

TEST_F(DnsResolverTest, SrvWithoutNaptrAndPlainAddress) {
  auto resolver = make({dns_.server()});
  auto srv = locate(*resolver, "sip:srv.test", TransportMode::dns);
  ASSERT_TRUE(srv) << srv.error().message();
  EXPECT_EQ(strings(*srv), (S{"udp sip1.example.test 127.0.0.11:5070"}));
  auto a = locate(*resolver, "sip:bob@a.test", TransportMode::tcp);
  ASSERT_TRUE(a) << a.error().message();
  EXPECT_EQ(strings(*a), (S{"tcp a.test 127.0.0.13:5060"}));
  auto missing = locate(*resolver, "sip:bob@nowhere.test", TransportMode::dns);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().context, "no SRV or A/AAAA record for nowhere.test");
}

TEST_F(DnsResolverTest, IpLiteralNeedsNoServerAnswer) {
  dns_.set_silent(true);
  auto resolver = make({dns_.server()});
  auto targets = locate(*resolver, "sips:bob@[::1]:5071", TransportMode::dns);
  ASSERT_TRUE(targets);
  EXPECT_EQ(strings(*targets), (S{"tls ::1 [::1]:5071"}));
  EXPECT_TRUE(dns_.queries().empty());
}

TEST_F(DnsResolverTest, ResolvesAddresses) {
  auto resolver = make({dns_.server()});
  std::optional<Result<std::vector<std::string>>> out;
  resolver->resolve_addresses("sip2.example.test", [&](auto r) { out.emplace(std::move(r)); });
  ASSERT_TRUE(run_until(io_, [&] { return out.has_value(); }));
  ASSERT_TRUE(*out);
  EXPECT_EQ(**out, (S{"127.0.0.12", "::1"}));

  out.reset();
  resolver->resolve_addresses("[2001:db8::1]", [&](auto r) { out.emplace(std::move(r)); });
  EXPECT_FALSE(out.has_value());   // never from inside the call
  ASSERT_TRUE(run_until(io_, [&] { return out.has_value(); }));
  EXPECT_EQ(**out, (S{"2001:db8::1"}));

  out.reset();
  resolver->resolve_addresses("nowhere.test", [&](auto r) { out.emplace(std::move(r)); });
  ASSERT_TRUE(run_until(io_, [&] { return out.has_value(); }));
  ASSERT_FALSE(*out);
  EXPECT_EQ(out->error().context, "no A/AAAA record for nowhere.test");
}

TEST_F(DnsResolverTest, RawQueriesReportRecordsAndFailures) {
  auto resolver = make({dns_.server()}, 200ms, 1);
  dns_.set_rcode("SRV _sip._tcp.broken.test", 2);
  std::vector<DnsOutcome> got;
  auto collect = [&](DnsOutcome r) { got.push_back(std::move(r)); };
  resolver->query({RecordType::srv, "_sips._tcp.example.test"}, collect);
  resolver->query({RecordType::srv, "_sip._udp.nowhere.test"}, collect);
  resolver->query({RecordType::aaaa, "sip1.example.test"}, collect);
  resolver->query({RecordType::srv, "_sip._tcp.broken.test"}, collect);
  ASSERT_TRUE(run_until(io_, [&] { return got.size() == 4; }));
  // Completion order follows the responses; find each by content.
  int records = 0, nxdomain = 0, no_data = 0, servfail = 0;
  for (const auto& r : got) {
    if (r) {
      ++records;
      ASSERT_EQ(r->size(), 2u);
      auto srv = std::get<SrvRecord>((*r)[0]);
      EXPECT_EQ(srv.name, "_sips._tcp.example.test");
      EXPECT_EQ(srv.port, 5061);
    } else {
      nxdomain += r.error() == DnsFailure::nxdomain;
      no_data += r.error() == DnsFailure::no_data;
      servfail += r.error() == DnsFailure::server_failure;
    }
  }
  EXPECT_EQ(records, 1);
  EXPECT_EQ(nxdomain, 1);
  EXPECT_EQ(no_data, 1);
  EXPECT_EQ(servfail, 1);
}

TEST_F(DnsResolverTest, SilentServerTimesOut) {
  dns_.set_silent(true);
  auto resolver = make({dns_.server()}, 100ms, 2);
  const auto start = std::chrono::steady_clock::now();
  auto targets = locate(*resolver, "sip:bob@example.test", TransportMode::dns);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(targets);
  EXPECT_EQ(targets.error().code, Errc::io_error);
  EXPECT_EQ(targets.error().context,
            "no answer from the DNS server for NAPTR example.test (timeout); not falling back to other records for "
            "example.test");
  EXPECT_EQ(dns_.queries(), (S{"NAPTR example.test", "NAPTR example.test"}));   // one retry
  EXPECT_GE(elapsed, 250ms);   // 100 ms, then 200 ms (c-ares doubles per round)
  EXPECT_LT(elapsed, 2000ms);
}

TEST_F(DnsResolverTest, FailsOverToTheNextServer) {
  testing::DnsResponder silent(io_);
  silent.set_silent(true);
  auto resolver = make({silent.server(), dns_.server()}, 100ms, 2);
  auto targets = locate(*resolver, "sip:bob@a.test:5080", TransportMode::udp);
  ASSERT_TRUE(targets) << targets.error().message();
  EXPECT_EQ(strings(*targets), (S{"udp a.test 127.0.0.13:5080"}));
  EXPECT_FALSE(silent.queries().empty());
}

TEST_F(DnsResolverTest, ClosedPortIsAServerFailure) {
  std::uint16_t port = 0;
  {
    asio::ip::udp::socket s(io_, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = s.local_endpoint().port();
  }
  auto resolver = make({"127.0.0.1:" + std::to_string(port)}, 500ms, 1);
  std::optional<DnsOutcome> out;
  resolver->query({RecordType::a, "a.test"}, [&](DnsOutcome r) { out.emplace(std::move(r)); });
  ASSERT_TRUE(run_until(io_, [&] { return out.has_value(); }));
  ASSERT_FALSE(*out);
  EXPECT_EQ(out->error(), DnsFailure::server_failure);
}

TEST_F(DnsResolverTest, CancelledOperationsNeverCallBack) {
  dns_.set_silent(true);
  auto resolver = make({dns_.server()}, 50ms, 1);
  int calls = 0;
  auto id = resolver->locate(uri("sip:bob@example.test"), TransportMode::dns, [&](auto) { ++calls; });
  resolver->cancel(id);
  auto literal = resolver->locate(uri("sip:bob@127.0.0.1"), TransportMode::dns, [&](auto) { ++calls; });
  resolver->cancel(literal);   // cancelled before the posted result ran
  resolver->query({RecordType::a, "a.test"}, [&](auto) { ++calls; });
  resolver->cancel_all();
  run_until(io_, [] { return false; }, 300ms);
  EXPECT_EQ(calls, 0);

  // Destroying the resolver with queries in flight: no callback, no crash.
  resolver->query({RecordType::a, "a.test"}, [&](auto) { ++calls; });
  resolver->resolve_addresses("a.test", [&](auto) { ++calls; });
  run_until(io_, [] { return false; }, 20ms);
  resolver.reset();
  run_until(io_, [] { return false; }, 200ms);
  EXPECT_EQ(calls, 0);
}

TEST_F(DnsResolverTest, ManyConcurrentLocations) {
  auto resolver = make({dns_.server()});
  int ok = 0;
  for (int i = 0; i < 50; ++i) {
    resolver->locate(uri(i % 2 ? "sip:bob@example.test" : "sips:bob@example.test"), TransportMode::dns,
                     [&](Result<std::vector<Target>> r) { ok += r && !r->empty(); });
  }
  EXPECT_TRUE(run_until(io_, [&] { return ok == 50; }));
}

TEST(DnsResolverOptions, ServersAreCheckedAndNeverGuessed) {
  asio::io_context io;
  auto none = DnsResolver::create(io, {});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().context,
            "no DNS servers configured: list some (e.g. 127.0.0.1:53) or ask for the system configuration");
  auto name = DnsResolver::create(io, {.servers = {"dns.example.com:53"}});
  ASSERT_FALSE(name);
  EXPECT_EQ(name.error().context,
            "DNS server \"dns.example.com:53\": not an IP address (DNS servers are never names) (expected ip[:port] "
            "or [ipv6]:port)");
  EXPECT_FALSE(DnsResolver::create(io, {.servers = {"127.0.0.1:0"}}));
  EXPECT_FALSE(DnsResolver::create(io, {.servers = {"127.0.0.1"}, .tries = 0}));

  EXPECT_EQ(*parse_dns_server("127.0.0.1"), (DnsServer{"127.0.0.1", 53}));
  EXPECT_EQ(*parse_dns_server("127.0.0.1:5353"), (DnsServer{"127.0.0.1", 5353}));
  EXPECT_EQ(*parse_dns_server("[::1]:5353"), (DnsServer{"::1", 5353}));
  EXPECT_EQ(*parse_dns_server("::1"), (DnsServer{"::1", 53}));
  EXPECT_FALSE(parse_dns_server("[::1"));
  EXPECT_FALSE(parse_dns_server("[::1]:"));
  EXPECT_FALSE(parse_dns_server("127.0.0.1:70000"));
  EXPECT_EQ(*server_list_csv({.servers = {"127.0.0.1:5353", "::1"}}), "127.0.0.1:5353,[::1]:53");
  // The system configuration only when asked for (creating the channel reads it, but sends nothing).
  EXPECT_EQ(*server_list_csv({.use_system_config = true}), "");
}

}  // namespace
}  // namespace sotto::io::dns
