#include "loadgen/load_report.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace sotto::loadgen {
namespace {

LoadReport two_calls() {
  LoadReport r;
  r.command = "calls";
  r.server = "sips:127.0.0.1:5061";
  r.accounts = 4;
  r.concurrency = 100;
  r.concurrent_calls = 2;
  r.hold_time_s = 1;
  r.tls.attempted = r.tls.succeeded = 4;
  r.registrations.attempted = r.registrations.succeeded = 4;
  r.registrations.window_s = 0.5;
  for (double ms : {10.0, 20.0, 30.0, 40.0}) r.registrations.latency_ms.add(ms);
  CallFigures c;
  c.attempted = 2;
  c.answered = 1;
  c.completed = 1;
  c.failures["486 Busy Here"] = 1;
  c.window_s = 0.25;
  c.setup_ms.add(50);
  CallRecord ok;
  ok.number = 1;
  ok.result = "completed";
  ok.status = 200;
  ok.setup_ms = 50;
  ok.media = CallMedia{50, 48, 2, 0, 50, 50, 0, 1, "AES_CM_128_HMAC_SHA1_80"};
  CallRecord busy;
  busy.number = 2;
  busy.result = "failed";
  busy.status = 486;
  busy.reason = "Busy Here";
  c.calls = {ok, busy};
  r.calls = c;
  return r;
}

TEST(CallMedia, LossCountsBothDirectionsAgainstWhatWasExpected) {
  CallMedia m{50, 48, 2, 0, 50, 50, 0, 0, ""};
  EXPECT_DOUBLE_EQ(m.loss_percent(), 2.0);  // 2 lost of 48 + 2 + 50 + 0 expected
  EXPECT_DOUBLE_EQ(CallMedia{}.loss_percent(), 0.0);
}

TEST(LoadReport, RatesAreOverTheMeasuredWindow) {
  const LoadReport r = two_calls();
  EXPECT_DOUBLE_EQ(r.registrations.per_second(), 8.0);
  EXPECT_DOUBLE_EQ(r.calls->setups_per_second(), 4.0);
  EXPECT_DOUBLE_EQ(RegisterFigures{}.per_second(), 0.0);  // no window, no rate (not a division by zero)
}

TEST(LoadReport, JsonShape) {
  const LoadReport r = two_calls();
  const auto j = nlohmann::json::parse(format_json(r));
  EXPECT_EQ(j["command"], "calls");
  EXPECT_TRUE(j["rate"].is_null());
  EXPECT_TRUE(j["unregistrations"].is_null());
  EXPECT_EQ(j["registrations"]["succeeded"], 4);
  EXPECT_EQ(j["registrations"]["failed"], 0);
  EXPECT_EQ(j["registrations"]["latency_ms"]["p50"], 20.0);
  EXPECT_EQ(j["registrations"]["latency_ms"]["p99"], 40.0);
  const auto& c = j["calls"];
  EXPECT_EQ(c["failed"], 1);
  EXPECT_EQ(c["failures"]["486 Busy Here"], 1);
  EXPECT_EQ(c["concurrent"], 2);
  EXPECT_EQ(c["srtp"]["packets_sent"], 100);
  EXPECT_EQ(c["srtp"]["packets_received"], 98);
  EXPECT_EQ(c["srtp"]["packets_lost"], 2);
  EXPECT_EQ(c["srtp"]["auth_failures"], 1);
  ASSERT_EQ(c["list"].size(), 2u);
  EXPECT_EQ(c["list"][0]["srtp_suite"], "AES_CM_128_HMAC_SHA1_80");
  EXPECT_TRUE(c["list"][1]["setup_ms"].is_null());
  EXPECT_TRUE(c["list"][1]["srtp_suite"].is_null());
  EXPECT_EQ(j["ok"], false);  // one call failed
}

TEST(LoadReport, OkOnlyWhenNothingFailed) {
  LoadReport r = two_calls();
  EXPECT_FALSE(r.ok());
  r.calls->completed = 2;
  EXPECT_TRUE(r.ok());
  r.unregistrations = RegisterFigures{};
  r.unregistrations->attempted = 4;
  r.unregistrations->succeeded = 3;
  EXPECT_FALSE(r.ok());
}

TEST(LoadReport, TextNamesEachFailureWithItsCount) {
  const std::string t = format_text(two_calls());
  EXPECT_NE(t.find("2 attempted, 1 answered, 1 completed (at most 2 at once, hold 1 s)"), std::string::npos) << t;
  EXPECT_NE(t.find("1  486 Busy Here"), std::string::npos) << t;
  EXPECT_NE(t.find("1 authentication failures"), std::string::npos) << t;
}

}  // namespace
}  // namespace sotto::loadgen
