#include <gtest/gtest.h>

#include "core/relay/loss_counter.hpp"

namespace sotto::relay {
namespace {

TEST(LossCounter, CountsGapsAcrossTheSequenceWrap) {
  LossCounter l;
  for (std::uint32_t s = 65530; s < 65536 + 10; ++s) {
    if (s == 65534 || s == 65536 + 2) continue;  // two lost, one on each side of the wrap
    l.on_packet(1, static_cast<std::uint16_t>(s));
  }
  EXPECT_EQ(l.lost(), 2u);
}

TEST(LossCounter, LateAndDuplicatePacketsDoNotMakeLossNegative) {
  LossCounter l;
  l.on_packet(1, 10);
  l.on_packet(1, 12);
  EXPECT_EQ(l.lost(), 1u);
  l.on_packet(1, 11);  // late: no longer lost
  EXPECT_EQ(l.lost(), 0u);
  l.on_packet(1, 11);  // duplicate
  l.on_packet(1, 12);
  EXPECT_EQ(l.lost(), 0u);
}

TEST(LossCounter, ANewSsrcOrARestartKeepsWhatWasLostBefore) {
  LossCounter l;
  l.on_packet(1, 100);
  l.on_packet(1, 103);  // 2 lost
  l.on_packet(2, 5000); // another sender
  l.on_packet(2, 5002); // 1 lost
  EXPECT_EQ(l.lost(), 3u);
  l.on_packet(2, 10);   // far behind: the sender restarted, not 4992 late packets
  l.on_packet(2, 11);
  EXPECT_EQ(l.lost(), 3u);
  l.on_packet(2, 40000);  // far ahead: a restart too, not 39988 losses
  EXPECT_EQ(l.lost(), 3u);
}

}  // namespace
}  // namespace sotto::relay
