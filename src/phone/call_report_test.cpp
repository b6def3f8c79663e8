// The phone's --json speaks the vocabulary of `sotto calls --json` (docs/RECORDS.md) where the fact is the same.
#include "phone/call_report.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace sotto::phone {
namespace {

TEST(CallReport, JsonUsesTheCallRecordKeys) {
  CallReport r;
  r.result = "completed";
  r.sip_status = 200;
  r.sip_reason = "OK";
  r.transport = "TLS";
  r.tls_version = "TLSv1.3";
  r.tls_cipher = "TLS_AES_256_GCM_SHA384";
  r.srtp_suite = "AEAD_AES_128_GCM";
  r.packets_sent = 250;
  r.packets_received = 248;
  r.packets_lost = 2;
  r.srtp_auth_failures = 3;
  const auto j = nlohmann::json::parse(r.json());
  EXPECT_EQ(j["status"], 200);
  EXPECT_EQ(j["reason_phrase"], "OK");
  EXPECT_EQ(j["transport"], "TLS");
  EXPECT_EQ(j["tls_version"], "TLSv1.3");
  EXPECT_EQ(j["tls_cipher"], "TLS_AES_256_GCM_SHA384");
  EXPECT_TRUE(j["peer_certificate"].is_null());
  EXPECT_EQ(j["srtp_suite"], "AEAD_AES_128_GCM");
  EXPECT_EQ(j["packets_out"], 250);
  EXPECT_EQ(j["packets_in"], 248);
  EXPECT_EQ(j["packets_lost"], 2);
  EXPECT_EQ(j["auth_failures"], 3);
  for (const char* old : {"sip_status", "sip_reason", "packets_sent", "packets_received", "srtp_auth_failures"}) {
    EXPECT_FALSE(j.contains(old)) << old;
  }
}

TEST(CallReport, PlainRtpAndNoTlsAreNull) {
  CallReport r;  // srtp_suite defaults to the text's "RTP, unencrypted"
  r.transport = "UDP";
  const auto j = nlohmann::json::parse(r.json());
  EXPECT_TRUE(j["srtp_suite"].is_null());
  EXPECT_TRUE(j["tls_version"].is_null());
  EXPECT_TRUE(j["tls_cipher"].is_null());
  EXPECT_EQ(j["status"], 0);
  // The text summary still says it in words.
  r.duration_s = 1;
  EXPECT_NE(r.text().find("RTP, unencrypted"), std::string::npos);
}

TEST(CallReport, TransferIsNullUnlessOneWasSent) {
  CallReport r;
  EXPECT_TRUE(nlohmann::json::parse(r.json())["transfer"].is_null());
  EXPECT_EQ(r.text().find("transfer"), std::string::npos);
  r.result = "completed";
  r.transfer_target = "sips:carol@localhost";
  r.transfer_result = "transferred";
  r.transfer_status = 200;
  r.transfer_reason = "OK";
  r.transfer_progress = {"202 Accepted", "100 Trying", "200 OK"};
  const auto j = nlohmann::json::parse(r.json())["transfer"];
  EXPECT_EQ(j["target"], "sips:carol@localhost");
  EXPECT_EQ(j["result"], "transferred");
  EXPECT_EQ(j["status"], 200);
  EXPECT_EQ(j["reason_phrase"], "OK");
  EXPECT_EQ(j["progress"], nlohmann::json::array({"202 Accepted", "100 Trying", "200 OK"}));
  EXPECT_NE(r.text().find("transfer       transferred to sips:carol@localhost (200 OK)"), std::string::npos) << r.text();
}

}  // namespace
}  // namespace sotto::phone
