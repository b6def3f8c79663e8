// WriteGate: transmits wait, in order, for the call records submitted before them.
#include "server/write_gate.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sotto::server {
namespace {

std::vector<std::string> drain(WriteGate<std::string>& g) {
  std::vector<std::string> out;
  while (auto s = g.pop()) out.push_back(*s);
  return out;
}

TEST(WriteGate, WithoutOutstandingWritesEverythingPassesInOrder) {
  WriteGate<std::string> g;
  g.push("INVITE");
  g.push("180");
  EXPECT_EQ(drain(g), (std::vector<std::string>{"INVITE", "180"}));
}

TEST(WriteGate, TheFinalResponseWaitsForItsRecordAndSoDoesEverythingAfterIt) {
  WriteGate<std::string> g;
  g.push("100");
  const auto rec = g.submitted();
  g.push("486");
  g.push("INVITE other call");
  EXPECT_EQ(drain(g), (std::vector<std::string>{"100"}));
  EXPECT_EQ(g.held(), 2u);
  EXPECT_EQ(g.outstanding(), 1u);
  g.completed(rec);
  EXPECT_EQ(drain(g), (std::vector<std::string>{"486", "INVITE other call"}));
  EXPECT_EQ(g.outstanding(), 0u);
}

TEST(WriteGate, ALaterRecordCompletingFirstReleasesNothingBeforeTheEarlierOne) {
  WriteGate<std::string> g;
  const auto r1 = g.submitted();
  g.push("200 to BYE 1");
  const auto r2 = g.submitted();
  g.push("200 to BYE 2");
  g.completed(r2);
  EXPECT_TRUE(drain(g).empty());
  g.completed(r1);
  EXPECT_EQ(drain(g), (std::vector<std::string>{"200 to BYE 1", "200 to BYE 2"}));
}

TEST(WriteGate, ItemsPushedBetweenTwoRecordsPassOnceTheFirstIsDurable) {
  WriteGate<std::string> g;
  const auto r1 = g.submitted();
  g.push("a");
  const auto r2 = g.submitted();
  g.push("b");
  g.completed(r1);
  EXPECT_EQ(drain(g), (std::vector<std::string>{"a"}));
  g.completed(r2);
  g.completed(r2);  // twice, or an unknown id: no effect
  g.completed(99);
  EXPECT_EQ(drain(g), (std::vector<std::string>{"b"}));
  EXPECT_EQ(g.outstanding(), 0u);
}

}  // namespace
}  // namespace sotto::server
