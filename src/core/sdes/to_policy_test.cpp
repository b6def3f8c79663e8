// to_policy: every suite, the mapping of each parameter onto srtp::Policy, and the attributes it
// refuses as unsupported.
#include "core/sdes/to_policy.hpp"

#include <gtest/gtest.h>

#include "core/sdes/testing_keys.hpp"
#include "core/srtp/context.hpp"

namespace sotto::sdes {
namespace {

using testing::b64_key;
using testing::key_bytes;
using testing::kRfcKey1;

std::vector<std::uint8_t> bytes_of(const SecureBytes& b) { return {b.span().begin(), b.span().end()}; }

Result<srtp::Policy> policy_of(std::string_view text) {
  auto a = parse_crypto_attribute(text);
  if (!a) return Unexpected(a.error());
  return to_policy(*a);
}

void expect_unsupported(std::string_view text, std::string_view context) {
  auto p = policy_of(text);
  ASSERT_FALSE(p) << text;
  EXPECT_EQ(p.error().code, Errc::unsupported) << p.error().message();
  EXPECT_EQ(p.error().context, context);
}

const std::string kLine = "1 AES_CM_128_HMAC_SHA1_80 inline:" + std::string(kRfcKey1);

TEST(ToPolicy, EverySuiteMapsKeySaltLifetimeMkiAndParameters) {
  for (const srtp::Suite& s : srtp::all_suites()) {
    const std::size_t n = std::size_t{s.master_key_len} + s.master_salt_len;
    auto p = policy_of("1 " + std::string(s.name) + " inline:" + b64_key(n, 40) + "|2^20|7:2 KDR=3 UNENCRYPTED_SRTCP WSH=512");
    ASSERT_TRUE(p) << s.name << ": " << p.error().message();
    EXPECT_EQ(p->suite, s.id);
    ASSERT_EQ(p->keys.size(), 1u);
    const std::vector<std::uint8_t> all = key_bytes(n, 40);
    EXPECT_EQ(bytes_of(p->keys[0].key), std::vector<std::uint8_t>(all.begin(), all.begin() + s.master_key_len)) << s.name;
    EXPECT_EQ(bytes_of(p->keys[0].salt), std::vector<std::uint8_t>(all.begin() + s.master_key_len, all.end())) << s.name;
    EXPECT_EQ(p->keys[0].mki, (std::vector<std::uint8_t>{0, 7}));
    EXPECT_EQ(p->keys[0].lifetime, std::uint64_t{1} << 20);
    EXPECT_EQ(p->kdr_exponent, 3);
    EXPECT_TRUE(p->encrypt_rtp);
    EXPECT_FALSE(p->encrypt_rtcp);
    EXPECT_TRUE(p->authenticate_rtp);
    EXPECT_EQ(p->replay_window, 512u);
    // The engine accepts what to_policy produced, both ways.
    for (auto dir : {srtp::Direction::outbound, srtp::Direction::inbound}) {
      auto ctx = srtp::Context::create(dir, *p, srtp::kNoKeyRegistry);
      EXPECT_TRUE(ctx) << s.name << ": " << ctx.error().message();
    }
  }
}

TEST(ToPolicy, DefaultsWithoutParameters) {
  auto p = policy_of(kLine);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->keys[0].lifetime);
  EXPECT_TRUE(p->keys[0].mki.empty());
  EXPECT_FALSE(p->kdr_exponent);
  EXPECT_TRUE(p->encrypt_rtp && p->encrypt_rtcp && p->authenticate_rtp);
  EXPECT_EQ(p->replay_window, srtp::Policy{}.replay_window);
}

TEST(ToPolicy, MkiIsBigEndianInMkiLengthBytes) {
  EXPECT_EQ(policy_of(kLine + "|1:4")->keys[0].mki, (std::vector<std::uint8_t>{0, 0, 0, 1}));
  EXPECT_EQ(policy_of(kLine + "|16909060:4")->keys[0].mki, (std::vector<std::uint8_t>{1, 2, 3, 4}));
  EXPECT_EQ(policy_of(kLine + "|258:2")->keys[0].mki, (std::vector<std::uint8_t>{1, 2}));
  EXPECT_EQ(policy_of(kLine + "|0:1")->keys[0].mki, (std::vector<std::uint8_t>{0}));
  EXPECT_EQ(policy_of(kLine + "|258:3")->keys[0].mki, (std::vector<std::uint8_t>{0, 1, 2}));
}

TEST(ToPolicy, SeveralKeysInOrder) {
  auto p = policy_of(kLine + "|2^10|1:1;inline:" + b64_key(30, 90) + "|1000|2:1");
  ASSERT_TRUE(p) << p.error().message();
  ASSERT_EQ(p->keys.size(), 2u);
  EXPECT_EQ(p->keys[0].mki, std::vector<std::uint8_t>{1});
  EXPECT_EQ(p->keys[1].mki, std::vector<std::uint8_t>{2});
  EXPECT_EQ(p->keys[0].lifetime, 1024u);
  EXPECT_EQ(p->keys[1].lifetime, 1000u);
  const std::vector<std::uint8_t> second = key_bytes(30, 90);
  EXPECT_EQ(bytes_of(p->keys[1].key), std::vector<std::uint8_t>(second.begin(), second.begin() + 16));
}

TEST(ToPolicy, FlagsAndKdrAndWsh) {
  auto p = policy_of(kLine + " UNENCRYPTED_SRTP UNAUTHENTICATED_SRTP KDR=0 WSH=100000");
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->encrypt_rtp);
  EXPECT_TRUE(p->encrypt_rtcp);
  EXPECT_FALSE(p->authenticate_rtp);
  EXPECT_EQ(p->kdr_exponent, 0);          // KDR=0 is a rate of 2^0 = every packet, not "never"
  EXPECT_EQ(p->replay_window, 32768u);    // the hint is capped at what the engine supports
  EXPECT_EQ(policy_of(kLine + " WSH=64")->replay_window, 64u);
}

TEST(ToPolicy, FecOrderAloneIsIgnoredOptionalExtensionsToo) {
  auto p = policy_of(kLine + " FEC_ORDER=SRTP_FEC -SOMETHING_OPTIONAL");
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->keys.size(), 1u);
}

// Valid RFC 4568 (sections 4-5 use it), but the engine handles MKIs of 1..4 bytes only.
TEST(ToPolicy, RfcExampleMki32IsUnsupported) {
  expect_unsupported(kLine + "|2^20|1:32",
                     "a=crypto tag 1: inline key has MKI length 32 bytes; the SRTP engine supports MKIs of 1 to 4 bytes "
                     "(RFC 4568 allows up to 128)");
  expect_unsupported(kLine + "|1:4;inline:" + b64_key(30) + "|2:4;inline:" + b64_key(30, 3) + "|3:4" + " X",
                     "a=crypto tag 1: session parameter 'X' is unknown; without a leading '-' it is mandatory, so the "
                     "attribute cannot be used (RFC 4568 section 6.3.7)");
}

TEST(ToPolicy, UnknownSuiteIsUnsupportedAndNamed) {
  expect_unsupported("4 AES_CM_999_HMAC_SHA9 inline:" + b64_key(30),
                     "a=crypto tag 4: crypto suite 'AES_CM_999_HMAC_SHA9' is not supported");
  // A key in the suite field is a long "suite name": described by length, not quoted.
  const std::string k = b64_key(30, 65);
  if (k.find_first_of("+/=") == std::string::npos) {
    expect_unsupported("1 " + k + " inline:" + k, "a=crypto tag 1: crypto suite (40 characters) is not supported");
  }
}

TEST(ToPolicy, FecKeyIsUnsupported) {
  expect_unsupported(kLine + " FEC_KEY=inline:" + b64_key(30),
                     "a=crypto tag 1: FEC_KEY is not supported; this SRTP engine does no FEC (RFC 4568 section 6.3.5)");
}

TEST(ToPolicy, AeadCannotBeUnencryptedOrUnauthenticated) {
  const std::string gcm = "1 AEAD_AES_128_GCM inline:" + b64_key(28);
  expect_unsupported(gcm + " UNENCRYPTED_SRTP",
                     "a=crypto tag 1: UNENCRYPTED_SRTP cannot be honoured with AEAD_AES_128_GCM, which always encrypts "
                     "and authenticates SRTP (RFC 7714)");
  expect_unsupported(gcm + " UNAUTHENTICATED_SRTP",
                     "a=crypto tag 1: UNAUTHENTICATED_SRTP cannot be honoured with AEAD_AES_128_GCM, which always "
                     "encrypts and authenticates SRTP (RFC 7714)");
  EXPECT_TRUE(policy_of(gcm + " UNENCRYPTED_SRTCP"));
}

TEST(ToPolicy, HandBuiltInvalidModelIsInvalidArgument) {
  CryptoAttribute a = *parse_crypto_attribute(kLine);
  a.keys[0].key_salt = SecureBytes(key_bytes(31));
  auto p = to_policy(a);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, Errc::invalid_argument);
}

}  // namespace
}  // namespace sotto::sdes
