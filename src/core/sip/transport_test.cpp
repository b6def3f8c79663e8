#include "core/sip/transport.hpp"

#include <gtest/gtest.h>

namespace sotto::sip {
namespace {

TEST(Transport, OneNameEachAndParsingIgnoresCase) {
  EXPECT_EQ(transport_name(Transport::udp), "UDP");
  EXPECT_EQ(transport_name(Transport::tcp), "TCP");
  EXPECT_EQ(transport_name(Transport::tls), "TLS");
  for (Transport t : {Transport::udp, Transport::tcp, Transport::tls}) EXPECT_EQ(parse_transport(transport_name(t)), t);
  EXPECT_EQ(parse_transport("tls"), Transport::tls);
  EXPECT_EQ(parse_transport("Tcp"), Transport::tcp);
  EXPECT_EQ(parse_transport("sctp"), std::nullopt);
  EXPECT_EQ(parse_transport(""), std::nullopt);
  EXPECT_FALSE(is_reliable(Transport::udp));
  EXPECT_TRUE(is_reliable(Transport::tls));
  EXPECT_EQ(default_port(Transport::tls), 5061);
  EXPECT_EQ(default_port(Transport::tcp), 5060);
}

}  // namespace
}  // namespace sotto::sip
