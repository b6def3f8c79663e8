// Inputs found by fuzz_sip_message / fuzz_sip_uri, each a named regression test with its bytes inlined.
#include <gtest/gtest.h>

#include "core/sip/message_parser.hpp"
#include "core/sip/message_writer.hpp"
#include "core/sip/uri.hpp"

namespace sotto::sip {
namespace {

// fuzz_sip_uri: a repeated uri-parameter name made a URI not equivalent to itself (the second "qars"
// was compared against the first). Only the first occurrence of a name counts now.
TEST(FuzzRegression, UriRepeatedParamEquivalentToItself) {
  const std::string_view input = "sip:ue;qars=ru%40empxale.nee;qars=ruom";
  auto u = parse_uri(input);
  ASSERT_TRUE(u);
  EXPECT_TRUE(uri_equivalent(*u, *u));
  auto again = parse_uri(serialize(*u));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *u);
  EXPECT_TRUE(uri_equivalent(*u, *again));
}

}  // namespace
}  // namespace sotto::sip
