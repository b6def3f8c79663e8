#include <gtest/gtest.h>

#include <map>

#include "core/locate/naptr_selection.hpp"
#include "core/locate/srv_order.hpp"

namespace sotto::locate {
namespace {

const Transport kAll[] = {Transport::tls, Transport::tcp, Transport::udp};

NaptrRecord naptr(std::uint16_t order, std::uint16_t pref, std::string service, std::string replacement,
                  std::string flags = "s") {
  return {"example.com", order, pref, std::move(flags), std::move(service), "", std::move(replacement)};
}

TEST(SelectNaptr, SortsByPreferenceWithinTheLowestOrder) {
  std::vector<NaptrRecord> rrs{naptr(10, 30, "SIP+D2U", "_sip._udp.example.com"),
                               naptr(10, 10, "SIPS+D2T", "_sips._tcp.example.com."),
                               naptr(10, 20, "sip+d2t", "_sip._tcp.example.com")};
  EXPECT_EQ(select_naptr(rrs, kAll), (std::vector<SrvLookup>{{Transport::tls, "_sips._tcp.example.com"},
                                                             {Transport::tcp, "_sip._tcp.example.com"},
                                                             {Transport::udp, "_sip._udp.example.com"}}));
}

TEST(SelectNaptr, RecordsOfAHigherOrderAreNotConsidered) {
  // RFC 3263 4.1's own example: the client uses SIPS+D2T and, per RFC 3403 4.1, nothing of order 90/100.
  std::vector<NaptrRecord> rrs{naptr(90, 50, "SIP+D2T", "_sip._tcp.example.com"),
                               naptr(50, 50, "SIPS+D2T", "_sips._tcp.example.com"),
                               naptr(100, 50, "SIP+D2U", "_sip._udp.example.com")};
  EXPECT_EQ(select_naptr(rrs, kAll), (std::vector<SrvLookup>{{Transport::tls, "_sips._tcp.example.com"}}));
  // Unless we don't support the lower order's service: then the next order is the first match.
  const Transport udp_only[] = {Transport::udp};
  EXPECT_EQ(select_naptr(rrs, udp_only), (std::vector<SrvLookup>{{Transport::udp, "_sip._udp.example.com"}}));
}

TEST(SelectNaptr, IgnoresUnusableRecords) {
  std::vector<NaptrRecord> rrs{naptr(10, 10, "SIP+D2S", "_sip._sctp.example.com"),   // SCTP
                               naptr(10, 10, "SIPS+D2T", "sip.example.com", "a"),      // not "s"
                               naptr(10, 10, "E2U+sip", "_sip._udp.example.com"),      // ENUM
                               naptr(10, 10, "SIP+D2U", "."),                          // no replacement
                               naptr(20, 10, "SIP+D2T", "_sip._tcp.example.com")};
  auto with_regexp = naptr(10, 10, "SIP+D2U", "_sip._udp.example.com");
  with_regexp.regexp = "!^.*$!sip:x@example.com!";
  rrs.push_back(with_regexp);
  EXPECT_EQ(select_naptr(rrs, kAll), (std::vector<SrvLookup>{{Transport::tcp, "_sip._tcp.example.com"}}));
}

TEST(SelectNaptr, SipsKeepsOnlySipsD2T) {
  std::vector<NaptrRecord> rrs{naptr(10, 10, "SIP+D2U", "_sip._udp.example.com"),
                               naptr(10, 20, "SIPS+D2T", "_sips._tcp.example.com")};
  const Transport tls[] = {Transport::tls};
  EXPECT_EQ(select_naptr(rrs, tls), (std::vector<SrvLookup>{{Transport::tls, "_sips._tcp.example.com"}}));
}

SrvRecord srv(std::uint16_t prio, std::uint16_t weight, std::string target, std::uint16_t port = 5060) {
  return {"_sip._udp.example.com", prio, weight, port, std::move(target)};
}

TEST(OrderSrv, LowestPriorityFirstAndDotTargetsDropped) {
  std::vector<SrvRecord> rrs{srv(20, 0, "c"), srv(10, 0, "a"), srv(10, 0, "."), srv(15, 0, "b")};
  auto out = order_srv(rrs, seeded_uniform_random(1));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].target, "a");
  EXPECT_EQ(out[1].target, "b");
  EXPECT_EQ(out[2].target, "c");
}

TEST(OrderSrv, WeightsShareTheFirstPlaceProportionally) {
  std::vector<SrvRecord> rrs{srv(10, 60, "a"), srv(10, 30, "b"), srv(10, 10, "c"), srv(20, 1000, "z")};
  auto random = seeded_uniform_random(20240601);
  std::map<std::string, int> first;
  constexpr int kRuns = 20000;
  for (int i = 0; i < kRuns; ++i) {
    auto out = order_srv(rrs, random);
    ASSERT_EQ(out.size(), 4u);
    EXPECT_EQ(out[3].target, "z");   // weight never beats priority
    ++first[out[0].target];
  }
  // 60/30/10 of the weight; the bound is about 5 standard deviations.
  EXPECT_NEAR(first["a"], kRuns * 0.6, 400);
  EXPECT_NEAR(first["b"], kRuns * 0.3, 400);
  EXPECT_NEAR(first["c"], kRuns * 0.1, 250);
}

TEST(OrderSrv, ZeroWeightIsChosenFirstOnlyWhenTheDrawIsZero) {
  std::vector<SrvRecord> rrs{srv(10, 100, "busy"), srv(10, 0, "spare")};
  std::uint32_t next = 0;
  UniformRandom fixed = [&](std::uint32_t max) { return std::min(next, max); };
  EXPECT_EQ(order_srv(rrs, fixed)[0].target, "spare");
  next = 1;
  EXPECT_EQ(order_srv(rrs, fixed)[0].target, "busy");
}

TEST(OrderSrv, SameSeedSameOrder) {
  std::vector<SrvRecord> rrs{srv(1, 10, "a"), srv(1, 10, "b"), srv(1, 10, "c"), srv(1, 10, "d")};
  auto r1 = seeded_uniform_random(7);
  auto r2 = seeded_uniform_random(7);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(order_srv(rrs, r1), order_srv(rrs, r2));
}

TEST(SeededUniformRandom, StaysInRange) {
  auto r = seeded_uniform_random(3);
  for (std::uint32_t max : {0u, 1u, 2u, 99u, 65535u, 4294967295u}) {
    for (int i = 0; i < 100; ++i) EXPECT_LE(r(max), max);
  }
}

}  // namespace
}  // namespace sotto::locate
