#include "core/locate/locator.hpp"

#include <gtest/gtest.h>

#include "core/locate/testing_zone.hpp"

namespace sotto::locate {
namespace {

using testing::FakeZone;
using testing::strings;
using testing::uri;
using S = std::vector<std::string>;

NaptrRecord naptr(std::uint16_t order, std::uint16_t pref, std::string service, std::string replacement) {
  return {"example.com", order, pref, "s", std::move(service), "", std::move(replacement)};
}

class LocatorTest : public ::testing::Test {
 protected:
  Locator locator_{seeded_uniform_random(1)};
};

TEST_F(LocatorTest, NaptrThenSrvThenAddresses) {
  FakeZone zone{{naptr(10, 10, "SIPS+D2T", "_sips._tcp.example.com"),
                 naptr(10, 20, "SIP+D2T", "_sip._tcp.example.com"),
                 naptr(10, 30, "SIP+D2U", "_sip._udp.example.com"),
                 SrvRecord{"_sips._tcp.example.com", 10, 0, 5061, "sip1.example.com"},
                 SrvRecord{"_sips._tcp.example.com", 20, 0, 5061, "sip2.example.com"},
                 SrvRecord{"_sip._tcp.example.com", 10, 0, 5060, "sip1.example.com"},
                 SrvRecord{"_sip._udp.example.com", 10, 0, 5060, "sip1.example.com"},
                 AddressRecord{"sip1.example.com", "192.0.2.1"},
                 AddressRecord{"sip2.example.com", "192.0.2.2"},
                 AddressRecord{"sip2.example.com", "2001:db8::2"}}};
  auto targets = zone.run(locator_, uri("sip:bob@example.com"), TransportMode::dns);
  ASSERT_TRUE(targets) << targets.error().message();
  EXPECT_EQ(strings(*targets), (S{"tls sip1.example.com 192.0.2.1:5061", "tls sip2.example.com 192.0.2.2:5061",
                                  "tls sip2.example.com [2001:db8::2]:5061", "tcp sip1.example.com 192.0.2.1:5060",
                                  "udp sip1.example.com 192.0.2.1:5060"}));
  EXPECT_EQ(zone.asked, (S{"NAPTR example.com", "SRV _sips._tcp.example.com", "SRV _sip._tcp.example.com",
                           "SRV _sip._udp.example.com", "A sip1.example.com", "AAAA sip1.example.com",
                           "A sip2.example.com", "AAAA sip2.example.com"}));
  EXPECT_EQ((*targets)[0].server_name, "example.com");
}

TEST_F(LocatorTest, NaptrOrderLimitsTheTransports) {
  FakeZone zone{{naptr(50, 50, "SIPS+D2T", "_sips._tcp.example.com"),
                 naptr(90, 50, "SIP+D2T", "_sip._tcp.example.com"),
                 SrvRecord{"_sips._tcp.example.com", 0, 0, 5061, "tls.example.com"},
                 SrvRecord{"_sip._tcp.example.com", 0, 0, 5060, "tcp.example.com"},
                 AddressRecord{"tls.example.com", "192.0.2.1"}, AddressRecord{"tcp.example.com", "192.0.2.2"}}};
  auto targets = zone.run(locator_, uri("sip:bob@example.com"), TransportMode::dns);
  ASSERT_TRUE(targets);
  EXPECT_EQ(strings(*targets), (S{"tls tls.example.com 192.0.2.1:5061"}));
}

TEST_F(LocatorTest, SrvOnlyWhenThereIsNoNaptr) {
  FakeZone zone{{SrvRecord{"_sip._udp.example.com", 20, 0, 5070, "b.example.com"},
                 SrvRecord{"_sip._udp.example.com", 10, 0, 5060, "a.example.com"},
                 AddressRecord{"a.example.com", "192.0.2.1"}, AddressRecord{"b.example.com", "192.0.2.2"}}};
  auto targets = zone.run(locator_, uri("sip:bob@example.com"), TransportMode::dns);
  ASSERT_TRUE(targets);
  EXPECT_EQ(strings(*targets), (S{"udp a.example.com 192.0.2.1:5060", "udp b.example.com 192.0.2.2:5070"}));
  EXPECT_EQ(zone.asked, (S{"NAPTR example.com", "SRV _sips._tcp.example.com", "SRV _sip._tcp.example.com",
                           "SRV _sip._udp.example.com", "A a.example.com", "AAAA a.example.com",
                           "A b.example.com", "AAAA b.example.com"}));
}

TEST_F(LocatorTest, SrvForEveryTransportInOurPreferenceOrder) {
  FakeZone zone{{SrvRecord{"_sip._udp.example.com", 0, 0, 5060, "sip.example.com"},
                 SrvRecord{"_sips._tcp.example.com", 0, 0, 5061, "sip.example.com"},
                 AddressRecord{"sip.example.com", "192.0.2.1"}}};
  auto targets = zone.run(locator_, uri("sip:bob@example.com"), TransportMode::dns);
  ASSERT_TRUE(targets);
  EXPECT_EQ(strings(*targets), (S{"tls sip.example.com 192.0.2.1:5061", "udp sip.example.com 192.0.2.1:5060"}));
}

TEST_F(LocatorTest, AddressRecordsOnlyFallBackToUdp5060) {
  FakeZone zone{{AddressRecord{"example.com", "192.0.2.9"}}};
  auto targets = zone.run(locator_, uri("sip:bob@example.com"), TransportMode::dns);
  ASSERT_TRUE(targets);
  EXPECT_EQ(strings(*targets), (S{"udp example.com 192.0.2.9:5060"}));
  EXPECT_EQ(zone.asked.back(), "AAAA example.com");
}

TEST_F(LocatorTest, SipsUsesTlsOnlyEvenWhenNaptrOffersUdp) {
  FakeZone zone{{naptr(10, 10, "SIP+D2U", "_sip._udp.example.com"),
                 naptr(10, 20, "SIPS+D2T", "_sips._tcp.example.com"),
                 SrvRecord{"_sip._udp.example.com", 0, 0, 5060, "udp.example.com"},
                 SrvRecord{"_sips._tcp.example.com", 0, 0, 5061, "tls.example.com"},
                 AddressRecord{"udp.example.com", "192.0.2.1"}, AddressRecord{"tls.example.com", "192.0.2.2"}}};
  auto targets = zone.run(locator_, uri("sips:bob@example.com"), TransportMode::dns);
  ASSERT_TRUE(targets);
  EXPECT_EQ(strings(*targets), (S{"tls tls.example.com 192.0.2.2:5061"}));
}

TEST_F(LocatorTest, SipsWithoutSrvUsesTlsOn5061) {
  FakeZone zone{{naptr(10, 10, "SIP+D2U", "_sip._udp.example.com"), AddressRecord{"example.com", "192.0.2.3"}}};
  auto targets = zone.run(locator_, uri("sips:bob@example.com"), TransportMode::dns);
  ASSERT_TRUE(targets);
  EXPECT_EQ(strings(*targets), (S{"tls example.com 192.0.2.3:5061"}));
  EXPECT_EQ(zone.asked[1], "SRV _sips._tcp.example.com");
}

TEST_F(LocatorTest, TlsModeAsksForSipsSrvOnly) {
  FakeZone zone{{SrvRecord{"_sips._tcp.example.com", 0, 0, 5061, "sip.example.com"},
                 AddressRecord{"sip.example.com", "192.0.2.1"}}};
  auto targets = zone.run(locator_, uri("sip:bob@example.com"), TransportMode::tls);
  ASSERT_TRUE(targets);
  EXPECT_EQ(strings(*targets), (S{"tls sip.example.com 192.0.2.1:5061"}));
  EXPECT_EQ(zone.asked[0], "SRV _sips._tcp.example.com");
}

TEST_F(LocatorTest, TcpPreferredListsTcpThenUdp) {
  FakeZone zone{{SrvRecord{"_sip._tcp.example.com", 0, 0, 5060, "tcp.example.com"},
                 SrvRecord{"_sip._udp.example.com", 0, 0, 5060, "udp.example.com"},
                 AddressRecord{"tcp.example.com", "192.0.2.1"}, AddressRecord{"udp.example.com", "192.0.2.2"}}};
  auto targets = zone.run(locator_, uri("sip:bob@example.com"), TransportMode::tcp_preferred);
  ASSERT_TRUE(targets);
  EXPECT_EQ(strings(*targets), (S{"tcp tcp.example.com 192.0.2.1:5060", "udp udp.example.com 192.0.2.2:5060"}));
}

TEST_F(LocatorTest, ExplicitPortAsksOnlyForAddresses) {
  FakeZone zone{{SrvRecord{"_sip._udp.example.com", 0, 0, 5999, "other.example.com"},
                 AddressRecord{"example.com", "192.0.2.4"}}};
  auto targets = zone.run(locator_, uri("sip:bob@example.com:5080"), TransportMode::tcp_preferred);
  ASSERT_TRUE(targets);
  EXPECT_EQ(strings(*targets), (S{"tcp example.com 192.0.2.4:5080", "udp example.com 192.0.2.4:5080"}));
  EXPECT_EQ(zone.asked, (S{"A example.com", "AAAA example.com"}));
}

TEST_F(LocatorTest, TransportParamQueriesItsSrvThenTheHost) {
  FakeZone zone{{AddressRecord{"example.com", "192.0.2.5"}}};
  auto targets = zone.run(locator_, uri("sip:bob@example.com;transport=tcp"), TransportMode::dns);
  ASSERT_TRUE(targets);
  EXPECT_EQ(strings(*targets), (S{"tcp example.com 192.0.2.5:5060"}));
  EXPECT_EQ(zone.asked, (S{"SRV _sip._tcp.example.com", "A example.com", "AAAA example.com"}));
}

TEST_F(LocatorTest, IpLiteralsAreTargetsWithoutQueries) {
  auto v4 = locator_.start(uri("sip:bob@192.0.2.1"), TransportMode::dns);
  ASSERT_TRUE(v4);
  EXPECT_EQ(strings(std::get<std::vector<Target>>(*v4)), (S{"udp 192.0.2.1 192.0.2.1:5060"}));
  auto v6 = locator_.start(uri("sips:bob@[2001:db8::1]"), TransportMode::dns);
  ASSERT_TRUE(v6);
  const auto& t = std::get<std::vector<Target>>(*v6);
  EXPECT_EQ(strings(t), (S{"tls 2001:db8::1 [2001:db8::1]:5061"}));
  EXPECT_TRUE(t[0].ipv6());
  EXPECT_EQ(locator_.queries_made(), 0u);
  auto pref = locator_.start(uri("sip:bob@127.0.0.1:5072"), TransportMode::tcp_preferred);
  EXPECT_EQ(strings(std::get<std::vector<Target>>(*pref)),
            (S{"tcp 127.0.0.1 127.0.0.1:5072", "udp 127.0.0.1 127.0.0.1:5072"}));
}

TEST_F(LocatorTest, Ipv6AddressFamilyOrder) {
  FakeZone zone{{AddressRecord{"example.com", "192.0.2.1"}, AddressRecord{"example.com", "2001:db8::1"}}};
  auto v4first = zone.run(locator_, uri("sip:bob@example.com:5060"), TransportMode::udp);
  EXPECT_EQ(strings(*v4first), (S{"udp example.com 192.0.2.1:5060", "udp example.com [2001:db8::1]:5060"}));

  Locator v6(seeded_uniform_random(1), {.families = AddressFamilies::ipv6_then_ipv4});
  EXPECT_EQ(strings(*zone.run(v6, uri("sip:bob@example.com:5060"), TransportMode::udp)),
            (S{"udp example.com [2001:db8::1]:5060", "udp example.com 192.0.2.1:5060"}));
  Locator only6(seeded_uniform_random(1), {.families = AddressFamilies::ipv6});
  zone.asked.clear();
  EXPECT_EQ(strings(*zone.run(only6, uri("sip:bob@example.com:5060"), TransportMode::udp)),
            (S{"udp example.com [2001:db8::1]:5060"}));
  EXPECT_EQ(zone.asked, (S{"AAAA example.com"}));
}

TEST_F(LocatorTest, WeightedOrderIsReproducibleWithAFixedSeed) {
  FakeZone zone{{SrvRecord{"_sip._udp.example.com", 10, 50, 5060, "a.example.com"},
                 SrvRecord{"_sip._udp.example.com", 10, 50, 5060, "b.example.com"},
                 AddressRecord{"a.example.com", "192.0.2.1"}, AddressRecord{"b.example.com", "192.0.2.2"}}};
  int a_first = 0;
  Locator loc(seeded_uniform_random(99));
  for (int i = 0; i < 2000; ++i) {
    auto t = zone.run(loc, uri("sip:bob@example.com"), TransportMode::udp);
    ASSERT_EQ(t->size(), 2u);
    a_first += (*t)[0].host == "a.example.com";
  }
  EXPECT_NEAR(a_first, 1000, 120);
  Locator x(seeded_uniform_random(5)), y(seeded_uniform_random(5));
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(*zone.run(x, uri("sip:bob@example.com"), TransportMode::udp),
              *zone.run(y, uri("sip:bob@example.com"), TransportMode::udp));
  }
}

TEST_F(LocatorTest, AdditionalRecordsSaveQueries) {
  FakeZone zone{{SrvRecord{"_sip._udp.example.com", 0, 0, 5060, "sip.example.com"}}};
  zone.extra["SRV _sip._udp.example.com"] = {AddressRecord{"sip.example.com", "192.0.2.1"}};
  auto targets = zone.run(locator_, uri("sip:bob@example.com"), TransportMode::udp);
  ASSERT_TRUE(targets);
  EXPECT_EQ(strings(*targets), (S{"udp sip.example.com 192.0.2.1:5060"}));
  EXPECT_EQ(zone.asked, (S{"SRV _sip._udp.example.com", "AAAA sip.example.com"}));
}

TEST_F(LocatorTest, NothingFound) {
  FakeZone zone;
  auto targets = zone.run(locator_, uri("sip:bob@example.com"), TransportMode::dns);
  ASSERT_FALSE(targets);
  EXPECT_EQ(targets.error().code, Errc::not_found);
  EXPECT_EQ(targets.error().context, "no SRV or A/AAAA record for example.com");
  EXPECT_EQ(zone.asked.size(), 6u);   // NAPTR, 3 SRV, A, AAAA

  auto port = FakeZone{}.run(locator_, uri("sip:bob@example.com:5060"), TransportMode::dns);
  EXPECT_EQ(port.error().context, "no A/AAAA record for example.com");
}

TEST_F(LocatorTest, SrvTargetsWithoutAddresses) {
  FakeZone zone{{SrvRecord{"_sip._udp.example.com", 0, 0, 5060, "gone.example.com"}}};
  zone.failures["A gone.example.com"] = DnsFailure::server_failure;
  auto targets = zone.run(locator_, uri("sip:bob@example.com"), TransportMode::udp);
  ASSERT_FALSE(targets);
  EXPECT_EQ(targets.error().context,
            "no A/AAAA record for gone.example.com (the SRV targets for example.com) (A gone.example.com: server failure)");
}

TEST_F(LocatorTest, DotTargetMeansNoServiceThenFallback) {
  FakeZone zone{{SrvRecord{"_sip._udp.example.com", 0, 0, 0, "."}, AddressRecord{"example.com", "192.0.2.1"}}};
  auto targets = zone.run(locator_, uri("sip:bob@example.com"), TransportMode::udp);
  ASSERT_TRUE(targets);
  EXPECT_EQ(strings(*targets), (S{"udp example.com 192.0.2.1:5060"}));
}

TEST_F(LocatorTest, TimeoutWhileChoosingTheTransportIsFatal) {
  FakeZone zone{{AddressRecord{"example.com", "192.0.2.1"}}};
  zone.failures["NAPTR example.com"] = DnsFailure::timeout;
  auto targets = zone.run(locator_, uri("sip:bob@example.com"), TransportMode::dns);
  ASSERT_FALSE(targets);
  EXPECT_EQ(targets.error().code, Errc::io_error);
  EXPECT_EQ(targets.error().context,
            "no answer from the DNS server for NAPTR example.com (timeout); not falling back to other records for "
            "example.com");

  Locator lenient(seeded_uniform_random(1), {.timeout_is_fatal = false});
  auto fallback = zone.run(lenient, uri("sip:bob@example.com"), TransportMode::dns);
  ASSERT_TRUE(fallback);
  EXPECT_EQ(strings(*fallback), (S{"udp example.com 192.0.2.1:5060"}));
}

TEST_F(LocatorTest, AddressTimeoutSkipsThatFamily) {
  FakeZone zone{{AddressRecord{"example.com", "192.0.2.1"}}};
  zone.failures["AAAA example.com"] = DnsFailure::timeout;
  auto targets = zone.run(locator_, uri("sip:bob@example.com:5060"), TransportMode::udp);
  ASSERT_TRUE(targets);
  EXPECT_EQ(strings(*targets), (S{"udp example.com 192.0.2.1:5060"}));
}

TEST_F(LocatorTest, AnswerThroughCnameCountsForTheQueriedName) {
  Locator& loc = locator_;
  auto step = loc.start(uri("sip:bob@example.com:5060"), TransportMode::udp);
  ASSERT_EQ(std::get<DnsQuery>(*step), (DnsQuery{RecordType::a, "example.com"}));
  std::vector<DnsRecord> answer{AddressRecord{"real.example.net", "192.0.2.8"}};
  step = loc.on_answer(answer);
  step = loc.on_failure(DnsFailure::no_data);
  ASSERT_TRUE(step);
  EXPECT_EQ(strings(std::get<std::vector<Target>>(*step)), (S{"udp example.com 192.0.2.8:5060"}));
}

TEST_F(LocatorTest, QueryBudget) {
  std::vector<DnsRecord> rrs;
  for (int i = 0; i < 20; ++i) {
    rrs.push_back(SrvRecord{"_sip._udp.example.com", static_cast<std::uint16_t>(i), 0, 5060,
                            "h" + std::to_string(i) + ".example.com"});
  }
  rrs.push_back(AddressRecord{"h0.example.com", "192.0.2.1"});
  FakeZone zone{rrs};
  Locator loc(seeded_uniform_random(1), {.families = AddressFamilies::ipv4, .max_queries = 4});
  auto targets = zone.run(loc, uri("sip:bob@example.com"), TransportMode::udp);
  ASSERT_TRUE(targets);
  EXPECT_EQ(strings(*targets), (S{"udp h0.example.com 192.0.2.1:5060"}));
  EXPECT_EQ(zone.asked.size(), 4u);
}

TEST_F(LocatorTest, MisuseIsReported) {
  std::vector<DnsRecord> none;
  auto early = locator_.on_answer(none);
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, Errc::invalid_state);
  auto bad = locator_.start(uri("sips:bob@example.com"), TransportMode::udp);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().context, "sips: URI cannot use UDP (transport mode udp)");
}

}  // namespace
}  // namespace sotto::locate
