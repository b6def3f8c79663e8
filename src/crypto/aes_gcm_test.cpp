// AesGcm against the test cases of McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)"
// (the submission to NIST), appendix B: cases 1-4 (AES-128) and 13-16 (AES-256).

#include "crypto/aes_gcm.hpp"

#include <gtest/gtest.h>
#include <openssl/err.h>

#include <array>
#include <vector>

#include "base/hex.hpp"

namespace sotto::crypto {
namespace {

std::vector<std::uint8_t> hex(std::string_view s) { return from_hex(s).value(); }

std::array<std::uint8_t, 12> iv12(std::string_view s) {
  std::array<std::uint8_t, 12> b{};
  auto v = hex(s);
  std::copy(v.begin(), v.end(), b.begin());
  return b;
}

constexpr std::string_view kK = "feffe9928665731c6d6a8f9467308308";
constexpr std::string_view kIv = "cafebabefacedbaddecaf888";
constexpr std::string_view kP64 =
    "d9313225f88406e5a55909c5aff5269a 86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525 b16aedf5aa0de657ba637b391aafd255";
constexpr std::string_view kA = "feedfacedeadbeeffeedfacedeadbeef abaddad2";

struct GcmCase {
  int number;
  std::string key;
  std::string_view iv;
  std::string plain;
  std::string_view aad;
  std::string_view cipher;
  std::string_view tag;
};

std::vector<GcmCase> gcm_cases() {
  const std::string p60(kP64.substr(0, kP64.size() - 8));  // drop the last 4 bytes ("1aafd255")
  const std::string k256 = std::string(kK) + std::string(kK);
  return {
      {1, std::string(32, '0'), "000000000000000000000000", "", "", "", "58e2fccefa7e3061367f1d57a4e7455a"},
      {2, std::string(32, '0'), "000000000000000000000000", std::string(32, '0'), "",
       "0388dace60b6a392f328c2b971b2fe78", "ab6e47d42cec13bdf53a67b21257bddf"},
      {3, std::string(kK), kIv, std::string(kP64), "",
       "42831ec2217774244b7221b784d0d49c e3aa212f2c02a4e035c17e2329aca12e"
       "21d514b25466931c7d8f6a5aac84aa05 1ba30b396a0aac973d58e091473f5985",
       "4d5c2af327cd64a62cf35abd2ba6fab4"},
      {4, std::string(kK), kIv, p60, kA,
       "42831ec2217774244b7221b784d0d49c e3aa212f2c02a4e035c17e2329aca12e"
       "21d514b25466931c7d8f6a5aac84aa05 1ba30b396a0aac973d58e091",
       "5bc94fbc3221a5db94fae95ae7121a47"},
      {13, std::string(64, '0'), "000000000000000000000000", "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"},
      {14, std::string(64, '0'), "000000000000000000000000", std::string(32, '0'), "",
       "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"},
      {15, k256, kIv, std::string(kP64), "",
       "522dc1f099567d07f47f37a32a84427d 643a8cdcbfe5c0c97598a2bd2555d1aa"
       "8cb08e48590dbb3da7b08b1056828838 c5f61e6393ba7a0abcc9f662898015ad",
       "b094dac5d93471bdec1a502270e3cc6c"},
      {16, k256, kIv, p60, kA,
       "522dc1f099567d07f47f37a32a84427d 643a8cdcbfe5c0c97598a2bd2555d1aa"
       "8cb08e48590dbb3da7b08b1056828838 c5f61e6393ba7a0abcc9f662",
       "76fc6ece0f4e1768cddf8853bb2d551b"},
  };
}

TEST(AesGcm, McGrewViegaTestCases) {
  for (const auto& c : gcm_cases()) {
    SCOPED_TRACE("GCM test case " + std::to_string(c.number));
    auto gcm = AesGcm::create(hex(c.key));
    ASSERT_TRUE(gcm) << gcm.error().message();
    auto data = hex(c.plain);
    const auto aad = hex(c.aad);
    std::array<std::uint8_t, 16> tag{};
    ASSERT_TRUE(gcm->seal(iv12(c.iv), aad, data, tag));
    EXPECT_EQ(to_hex(data), to_hex(hex(c.cipher)));
    EXPECT_EQ(to_hex(tag), to_hex(hex(c.tag)));

    ASSERT_TRUE(gcm->open(iv12(c.iv), aad, data, tag));
    EXPECT_EQ(to_hex(data), to_hex(hex(c.plain)));
  }
}

TEST(AesGcm, TagTruncatedTo8Bytes) {
  for (const auto& c : gcm_cases()) {
    SCOPED_TRACE("GCM test case " + std::to_string(c.number));
    auto gcm = AesGcm::create(hex(c.key)).value();
    auto data = hex(c.plain);
    const auto aad = hex(c.aad);
    std::array<std::uint8_t, 8> tag{};
    ASSERT_TRUE(gcm.seal(iv12(c.iv), aad, data, tag));
    EXPECT_EQ(to_hex(tag), to_hex(hex(c.tag)).substr(0, 16));  // leftmost 8 bytes of the full tag
    ASSERT_TRUE(gcm.open(iv12(c.iv), aad, data, tag));
    EXPECT_EQ(to_hex(data), to_hex(hex(c.plain)));
  }
}

TEST(AesGcm, TamperedTagCiphertextAadOrIvFail) {
  const auto c = gcm_cases()[3];  // case 4: AAD and ciphertext
  auto gcm = AesGcm::create(hex(c.key)).value();
  const auto aad = hex(c.aad);
  const auto cipher = hex(c.cipher);
  const auto tag = hex(c.tag);

  auto data = cipher;
  auto bad_tag = tag;
  bad_tag[15] ^= 1;
  EXPECT_FALSE(gcm.open(iv12(c.iv), aad, data, bad_tag));
  EXPECT_EQ(ERR_peek_error(), 0u) << "an auth failure must not leave OpenSSL errors behind";

  auto bad_short = std::vector<std::uint8_t>(tag.begin(), tag.begin() + 8);
  bad_short[0] ^= 0x80;
  data = cipher;
  EXPECT_FALSE(gcm.open(iv12(c.iv), aad, data, bad_short));

  data = cipher;
  data[0] ^= 1;
  EXPECT_FALSE(gcm.open(iv12(c.iv), aad, data, tag));

  auto bad_aad = aad;
  bad_aad.back() ^= 1;
  data = cipher;
  EXPECT_FALSE(gcm.open(iv12(c.iv), bad_aad, data, tag));

  auto iv = iv12(c.iv);
  iv[11] ^= 1;
  data = cipher;
  EXPECT_FALSE(gcm.open(iv, aad, data, tag));

  // The context is still usable after failures.
  data = cipher;
  EXPECT_TRUE(gcm.open(iv12(c.iv), aad, data, tag));
  EXPECT_EQ(to_hex(data), to_hex(hex(c.plain)));
}

TEST(AesGcm, AadOnlyAuthenticatesLikeSrtcpWithoutEncryption) {
  auto gcm = AesGcm::create(hex(kK)).value();
  const auto aad = hex(kP64);  // a whole "packet" as AAD
  std::array<std::uint8_t, 16> tag{};
  ASSERT_TRUE(gcm.seal(iv12(kIv), aad, {}, tag));
  EXPECT_TRUE(gcm.open(iv12(kIv), aad, {}, tag));
  auto bad = aad;
  bad[10] ^= 4;
  EXPECT_FALSE(gcm.open(iv12(kIv), bad, {}, tag));
}

TEST(AesGcm, RoundTripManyLengthsAndTagSizes) {
  auto gcm = AesGcm::create(hex(std::string(kK) + std::string(kK))).value();
  const auto aad = hex("800f1234decafbadcafebabe");
  for (std::size_t len = 0; len <= 1500; len += (len < 64 ? 1 : 53)) {
    for (std::size_t tag_len : {8u, 12u, 16u}) {
      std::vector<std::uint8_t> plain(len);
      for (std::size_t i = 0; i < len; ++i) plain[i] = static_cast<std::uint8_t>(i * 31);
      auto data = plain;
      std::vector<std::uint8_t> tag(tag_len);
      ASSERT_TRUE(gcm.seal(iv12(kIv), aad, data, tag));
      ASSERT_TRUE(gcm.open(iv12(kIv), aad, data, tag)) << "len " << len << " tag " << tag_len;
      ASSERT_EQ(data, plain);
    }
  }
}

TEST(AesGcm, RejectsOutOfRangeTagSizes) {
  auto gcm = AesGcm::create(hex(kK)).value();
  std::vector<std::uint8_t> data(16);
  std::vector<std::uint8_t> tag7(7);
  std::vector<std::uint8_t> tag17(17);
  EXPECT_FALSE(gcm.seal(iv12(kIv), {}, data, tag7));
  EXPECT_FALSE(gcm.seal(iv12(kIv), {}, data, tag17));
  EXPECT_FALSE(gcm.open(iv12(kIv), {}, data, tag7));
}

TEST(AesGcm, RejectsBadKeyLengthNamingIt) {
  auto r = AesGcm::create(std::vector<std::uint8_t>(24, 1));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_EQ(r.error().context, "AES-GCM key must be 16 or 32 bytes, got 24");
}

TEST(AesGcm, MovedObjectKeepsWorking) {
  const auto c = gcm_cases()[2];
  auto a = AesGcm::create(hex(c.key)).value();
  AesGcm b = std::move(a);
  auto d = AesGcm::create(std::vector<std::uint8_t>(32, 9)).value();
  d = std::move(b);
  auto data = hex(c.plain);
  std::array<std::uint8_t, 16> tag{};
  ASSERT_TRUE(d.seal(iv12(c.iv), {}, data, tag));
  EXPECT_EQ(to_hex(tag), to_hex(hex(c.tag)));
}

}  // namespace
}  // namespace sotto::crypto
