// --sip-trace redaction: every SDES key goes, whatever the case of "inline", and nothing else changes.
#include "core/sdes/redact.hpp"

#include <gtest/gtest.h>

namespace sotto::sdes {
namespace {

constexpr std::string_view kKey = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";

TEST(RedactKeys, EveryCaseOfInlineIsRedacted) {
  for (std::string_view method : {"inline:", "INLINE:", "Inline:", "iNlInE:"}) {
    const std::string line = "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " + std::string(method) + std::string(kKey) + "|2^20|1:4\r\n";
    const std::string out = redact_keys(line);
    EXPECT_EQ(out.find(kKey), std::string::npos) << out;
    EXPECT_EQ(out, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 " + std::string(method) + "<key redacted, 40 base64 chars>|2^20|1:4\r\n");
  }
}

TEST(RedactKeys, SeveralKeysAndSessionParametersInOneMessage) {
  const std::string sdp = "m=audio 4000 RTP/SAVP 0\r\n"
                          "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + std::string(kKey) + ";INLINE:" + std::string(kKey) +
                          " KDR=20\r\na=crypto:2 AES_CM_128_HMAC_SHA1_32 InLine:" + std::string(kKey) + "\n";
  const std::string out = redact_keys(sdp);
  EXPECT_EQ(out.find(kKey), std::string::npos) << out;
  EXPECT_NE(out.find(" KDR=20\r\n"), std::string::npos) << "session parameters stay";
  EXPECT_EQ(out.find("m=audio 4000 RTP/SAVP 0\r\n"), 0u);
}

TEST(RedactKeys, TextWithoutKeysIsUnchanged) {
  for (std::string_view s : {"", "inline", "INVITE sip:bob@example.com SIP/2.0\r\n", "x inlin:abc", "trailing inline:"}) {
    const std::string out = redact_keys(s);
    if (s == "trailing inline:") EXPECT_EQ(out, "trailing inline:<key redacted, 0 base64 chars>");
    else EXPECT_EQ(out, s);
  }
}

}  // namespace
}  // namespace sotto::sdes
