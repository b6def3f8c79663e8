// The --json schema's fixed parts (docs/TLS-CHECK.md) and the exit status.
#include "tlscheck/report.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace sotto::tlscheck {
namespace {

TEST(TlsCheckReport, JsonCarriesVersionsCiphersSipAndFindings) {
  ProbeResult r;
  r.target = "127.0.0.1:5061";
  CertificateInfo leaf;
  leaf.subject = "CN=127.0.0.1";
  leaf.not_after = 86400 * 10;
  leaf.key_type = "EC";
  leaf.key_bits = 256;
  r.certificates.push_back(leaf);
  r.versions["TLSv1.3"] = {.accepted = true, .cipher = "TLS_AES_128_GCM_SHA256", .refusal = ""};
  r.versions["TLSv1.0"] = {.accepted = false, .cipher = "", .refusal = "peer refused our TLS versions"};
  CipherInfo c;
  c.name = "TLS_AES_128_GCM_SHA256";
  c.version = "TLSv1.3";
  c.kx = "any";
  r.ciphers["TLSv1.3"].push_back(c);
  r.sip = {.tried = true, .answered = true, .status = 200, .reason = "OK", .server = "sotto", .detail = ""};
  const std::vector<Finding> f = {{"cert-expiring-soon", Severity::medium, "expires soon"}};
  const auto j = nlohmann::json::parse(report_json(r, f, 0));
  EXPECT_EQ(j["tls_versions"], nlohmann::json::parse(
                                   R"({"TLSv1.0": false, "TLSv1.1": false, "TLSv1.2": false, "TLSv1.3": true})"));
  EXPECT_EQ(j["ciphers"]["TLSv1.3"], nlohmann::json::parse(R"(["TLS_AES_128_GCM_SHA256"])"));
  EXPECT_EQ(j["certificates"][0]["days_left"], 10);
  EXPECT_EQ(j["sip_options"]["answered"], true);
  EXPECT_EQ(j["sip_options"]["status"], 200);
  EXPECT_EQ(j["sip_options"]["server"], "sotto");
  EXPECT_EQ(j["findings"][0]["code"], "cert-expiring-soon");
  EXPECT_EQ(j["findings"][0]["severity"], "medium");
  EXPECT_EQ(j["forward_secrecy"], "all");
  EXPECT_EQ(exit_status(f), 1);
  EXPECT_EQ(exit_status({}), 0);
  const std::string text = report_text(r, f, 0);
  EXPECT_NE(text.find("cert-expiring-soon [medium] expires soon"), std::string::npos) << text;
  EXPECT_NE(text.find("200 OK (Server: sotto)"), std::string::npos) << text;
}

}  // namespace
}  // namespace sotto::tlscheck
