#include "core/locate/locate_plan.hpp"

#include <gtest/gtest.h>

#include "core/locate/testing_zone.hpp"

namespace sotto::locate {
namespace {

using testing::uri;
using V = std::vector<Transport>;

TEST(TransportMode, ParsesTheFieldNames) {
  EXPECT_EQ(*parse_transport_mode("udp"), TransportMode::udp);
  EXPECT_EQ(*parse_transport_mode("TCP"), TransportMode::tcp);
  EXPECT_EQ(*parse_transport_mode("tcp-preferred"), TransportMode::tcp_preferred);
  EXPECT_EQ(*parse_transport_mode("tls"), TransportMode::tls);
  EXPECT_EQ(*parse_transport_mode("dns"), TransportMode::dns);
  auto bad = parse_transport_mode("sctp");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().context, "transport mode \"sctp\": expected udp, tcp, tcp-preferred, tls or dns");
  EXPECT_EQ(to_string(TransportMode::tcp_preferred), "tcp-preferred");
}

TEST(LocatePlan, DnsModeHostNameUsesNaptrThenSrvForEachTransport) {
  auto p = make_plan(uri("sip:bob@Example.COM"), TransportMode::dns);
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_TRUE(p->query_naptr);
  EXPECT_EQ(p->target, "example.com");
  EXPECT_EQ(p->transports, (V{Transport::tls, Transport::tcp, Transport::udp}));
  EXPECT_EQ(p->fallback, (V{Transport::udp}));   // RFC 3263 4.1: no SRV -> UDP for sip:
}

TEST(LocatePlan, SipsAllowsOnlyTls) {
  auto p = make_plan(uri("sips:bob@example.com"), TransportMode::dns);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->secure);
  EXPECT_EQ(p->transports, (V{Transport::tls}));
  EXPECT_EQ(p->fallback, (V{Transport::tls}));
}

TEST(LocatePlan, SipsNeverDowngrades) {
  auto udp = make_plan(uri("sips:bob@example.com"), TransportMode::udp);
  ASSERT_FALSE(udp);
  EXPECT_EQ(udp.error().context, "sips: URI cannot use UDP (transport mode udp)");
  auto tcp = make_plan(uri("sips:bob@example.com"), TransportMode::tcp_preferred);
  ASSERT_FALSE(tcp);
  EXPECT_EQ(tcp.error().context, "sips: URI needs TLS, transport mode tcp-preferred allows only TCP and UDP");
  auto param = make_plan(uri("sips:bob@example.com;transport=udp"), TransportMode::dns);
  ASSERT_FALSE(param);
  EXPECT_EQ(param.error().context, "sips: URI cannot use UDP (it has ;transport=udp)");
}

TEST(LocatePlan, SipsTransportTcpMeansTls) {
  auto p = make_plan(uri("sips:bob@example.com;transport=tcp"), TransportMode::dns);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->query_naptr);
  EXPECT_EQ(p->transports, (V{Transport::tls}));
}

TEST(LocatePlan, TransportParamSkipsNaptrAndMustFitTheMode) {
  auto p = make_plan(uri("sip:bob@example.com;transport=TCP"), TransportMode::dns);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->query_naptr);
  EXPECT_EQ(p->transports, (V{Transport::tcp}));
  EXPECT_EQ(p->fallback, (V{Transport::tcp}));

  auto conflict = make_plan(uri("sip:bob@example.com;transport=tls"), TransportMode::udp);
  ASSERT_FALSE(conflict);
  EXPECT_EQ(conflict.error().context, "URI asks for ;transport=tls but transport mode udp does not allow tls");

  auto sctp = make_plan(uri("sip:bob@example.com;transport=sctp"), TransportMode::dns);
  ASSERT_FALSE(sctp);
  EXPECT_EQ(sctp.error().code, Errc::unsupported);
  EXPECT_EQ(sctp.error().context, "URI ;transport=sctp is not supported (udp, tcp or tls)");
}

TEST(LocatePlan, ExplicitPortMeansAddressRecordsOnly) {
  auto p = make_plan(uri("sip:bob@example.com:5080"), TransportMode::dns);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->query_naptr);
  EXPECT_TRUE(p->transports.empty());
  EXPECT_EQ(p->fallback, (V{Transport::udp}));
  EXPECT_EQ(p->port, 5080);
  auto pref = make_plan(uri("sip:bob@example.com:5080"), TransportMode::tcp_preferred);
  EXPECT_EQ(pref->fallback, (V{Transport::tcp, Transport::udp}));
}

TEST(LocatePlan, FixedModesQuerySrvForTheirTransportsOnly) {
  auto tls = make_plan(uri("sip:bob@example.com"), TransportMode::tls);
  EXPECT_FALSE(tls->query_naptr);
  EXPECT_EQ(tls->transports, (V{Transport::tls}));
  auto pref = make_plan(uri("sip:bob@example.com"), TransportMode::tcp_preferred);
  EXPECT_EQ(pref->transports, (V{Transport::tcp, Transport::udp}));
}

TEST(LocatePlan, IpLiteralsNeedNoDns) {
  auto v4 = make_plan(uri("sip:bob@192.0.2.1"), TransportMode::dns);
  EXPECT_TRUE(v4->numeric);
  EXPECT_TRUE(v4->transports.empty());
  auto v6 = make_plan(uri("sips:bob@[2001:db8::1]:5071"), TransportMode::dns);
  EXPECT_TRUE(v6->numeric);
  EXPECT_EQ(v6->target, "2001:db8::1");
  EXPECT_EQ(v6->server_name, "2001:db8::1");
  EXPECT_EQ(v6->fallback, (V{Transport::tls}));
}

TEST(LocatePlan, MaddrIsTheTarget) {
  auto p = make_plan(uri("sip:bob@example.com;maddr=192.0.2.7"), TransportMode::dns);
  EXPECT_EQ(p->target, "192.0.2.7");
  EXPECT_TRUE(p->numeric);
  EXPECT_EQ(p->server_name, "example.com");
}

TEST(LocatePlan, RejectsNonSipUris) {
  auto p = make_plan(uri("tel:+15551234"), TransportMode::dns);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().context, "cannot locate a server for a tel: URI, only sip: and sips:");
}

}  // namespace
}  // namespace sotto::locate
