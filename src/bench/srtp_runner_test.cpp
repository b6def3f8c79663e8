// A short run of the SRTP bench: validation passes for every suite it can time, rows come out for
// every shape and op, and the reports are well formed.
#include <gtest/gtest.h>

#include "bench/srtp_runner.hpp"

namespace sotto::bench {
namespace {

TEST(SrtpBench, ValidatesEverySuiteItCanRun) {
  for (const srtp::Suite& s : srtp::all_suites()) {
    auto v = validate_suite(s.id);
    EXPECT_TRUE(v.has_value()) << s.name << ": " << (v ? "" : v.error().message());
  }
}

TEST(SrtpBench, ShortRunGivesARowPerSuiteShapeAndOp) {
  SrtpBenchOptions o;
  o.suites = {srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, srtp::SuiteId::AEAD_AES_256_GCM};
  o.samples = 5;
  o.batch = 8;
  o.warmup = 1;
  std::size_t seen = 0;
  auto rows = run_srtp_bench(o, [&](const SrtpBenchRow&) { ++seen; });
  ASSERT_TRUE(rows.has_value()) << rows.error().message();
  ASSERT_EQ(rows->size(), 2u * 3u * 2u);
  EXPECT_EQ(seen, rows->size());
  for (const SrtpBenchRow& r : *rows) {
    EXPECT_GT(r.sotto.median_ns, 0.0);
    EXPECT_LE(r.sotto.min_ns, r.sotto.median_ns);
    ASSERT_TRUE(r.evp.has_value());
#ifdef SOTTO_HAVE_LIBSRTP
    EXPECT_TRUE(r.libsrtp.has_value());
    if (r.libsrtp) {
      EXPECT_GT(r.libsrtp->median_ns, 0.0);
      EXPECT_LE(r.libsrtp->min_ns, r.libsrtp->median_ns);
    }
#endif
  }
  const std::string table = format_table(*rows);
  EXPECT_NE(table.find("AEAD_AES_256_GCM"), std::string::npos);
  const std::string json = format_json(rows->front());
  EXPECT_EQ(json.front(), '{');
  EXPECT_EQ(json.back(), '}');
  EXPECT_NE(json.find("\"sotto_ns\":"), std::string::npos);
  EXPECT_NE(json.find("\"libsrtp_ns\":"), std::string::npos);
  EXPECT_NE(json.find("\"evp_min_ns\":"), std::string::npos);
}

// The libsrtp column is part of what `sotto bench srtp` promises: a build of the tests without libsrtp
// is refused by CMake (src/bench/CMakeLists.txt), so this check is never compiled out silently.
TEST(SrtpBench, TheLibsrtpColumnIsCompiledIn) {
#ifdef SOTTO_HAVE_LIBSRTP
  SUCCEED();
#else
  FAIL() << "SOTTO_HAVE_LIBSRTP is not defined for the test: the libsrtp checks above were compiled out";
#endif
}

TEST(SrtpBench, RejectsZeroSamples) {
  SrtpBenchOptions o;
  o.samples = 0;
  EXPECT_FALSE(run_srtp_bench(o).has_value());
}

}  // namespace
}  // namespace sotto::bench
