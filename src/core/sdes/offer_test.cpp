// make_offer: fresh keys of the right length for every suite, the options, refusing what the engine
// cannot honour, and an offer carried through serialize/parse/to_policy into working SRTP contexts.
#include "core/sdes/offer.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "core/sdes/to_policy.hpp"
#include "core/srtp/context.hpp"
#include "core/srtp/testing_packets.hpp"

namespace sotto::sdes {
namespace {

using srtp::SuiteId;

// (GCC 12 warns about members left out of designated initializers, so no {.mki = ...} here.)
OfferOptions with_mki(Mki m) {
  OfferOptions o;
  o.mki = m;
  return o;
}
OfferOptions with_lifetime(KeyLifetime l) {
  OfferOptions o;
  o.lifetime = l;
  return o;
}

TEST(MakeOffer, EverySuiteGetsAFreshKeyOfTheRightLength) {
  for (const srtp::Suite& s : srtp::all_suites()) {
    auto a = make_offer(5, s.id);
    ASSERT_TRUE(a) << s.name << ": " << a.error().message();
    EXPECT_EQ(a->tag, 5u);
    EXPECT_EQ(a->suite, &s);
    EXPECT_EQ(a->suite_name, s.name);
    ASSERT_EQ(a->keys.size(), 1u);
    EXPECT_EQ(a->keys[0].key_salt.size(), std::size_t{s.master_key_len} + s.master_salt_len);
    auto back = parse_crypto_attribute(serialize(*a));
    ASSERT_TRUE(back) << back.error().message();
    EXPECT_EQ(*back, *a);
    EXPECT_TRUE(to_policy(*a)) << s.name;
  }
}

TEST(MakeOffer, KeysDifferEachTime) {
  auto a = make_offer(1, SuiteId::AES_CM_128_HMAC_SHA1_80);
  auto b = make_offer(1, SuiteId::AES_CM_128_HMAC_SHA1_80);
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->keys[0].key_salt, b->keys[0].key_salt);
  EXPECT_NE(a->keys[0].key_salt, SecureBytes(30));  // not all zero
}

TEST(MakeOffer, OptionsAppearInTheLine) {
  OfferOptions o;
  o.lifetime = KeyLifetime{std::uint64_t{1} << 31, LifetimeForm::power_of_two};
  o.mki = Mki{1, 4};
  o.params.kdr = 10;
  o.params.unencrypted_srtcp = true;
  o.params.wsh = 256;
  o.params.extensions = {"-X_HINT"};
  auto a = make_offer(1, SuiteId::AES_CM_128_HMAC_SHA1_80, o);
  ASSERT_TRUE(a) << a.error().message();
  const std::string line = serialize(*a);
  EXPECT_TRUE(std::regex_match(
      line, std::regex(R"(1 AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/]{40}\|2\^31\|1:4 KDR=10 UNENCRYPTED_SRTCP WSH=256 -X_HINT)")))
      << line;
  o.lifetime = KeyLifetime{1000000, LifetimeForm::decimal};
  o.mki.reset();
  o.params = {};
  auto d = make_offer(2, SuiteId::AEAD_AES_256_GCM, o);
  ASSERT_TRUE(d);
  EXPECT_TRUE(std::regex_match(serialize(*d), std::regex(R"(2 AEAD_AES_256_GCM inline:[A-Za-z0-9+/]{59}=\|1000000)")))
      << serialize(*d);
}

TEST(MakeOffer, BadOptionsAreInvalidArgument) {
  const auto bad = [](std::uint32_t tag, const OfferOptions& o, std::string_view context) {
    auto a = make_offer(tag, SuiteId::AES_CM_128_HMAC_SHA1_80, o);
    ASSERT_FALSE(a) << context;
    EXPECT_EQ(a.error().code, Errc::invalid_argument) << a.error().message();
    EXPECT_EQ(a.error().context, context);
  };
  bad(1'000'000'000, {}, "a=crypto tag 1000000000: tag is out of range 0..999999999 (1*9DIGIT, RFC 4568 section 9.1)");
  bad(1, with_lifetime(KeyLifetime{std::uint64_t{1} << 49}),
      "a=crypto tag 1: inline key lifetime 2^49 exceeds the AES_CM_128_HMAC_SHA1_80 maximum of 2^48 packets "
      "(RFC 3711 section 9.2; an error per RFC 4568 section 6.1)");
  bad(1, with_lifetime(KeyLifetime{0, LifetimeForm::decimal}),
      "a=crypto tag 1: inline key lifetime 0 is not allowed; expected at least 1 packet");
  bad(1, with_mki(Mki{256, 1}), "a=crypto tag 1: inline key MKI value 256 does not fit in its MKI length of 1 byte");
  OfferOptions kdr;
  kdr.params.kdr = 25;
  bad(1, kdr, "a=crypto tag 1: KDR=25 is out of range 0..24 (RFC 4568 section 6.3.1)");
  OfferOptions wsh;
  wsh.params.wsh = 32;
  bad(1, wsh, "a=crypto tag 1: WSH=32 is below the minimum of 64 (RFC 4568 section 6.3.6)");
}

// We never offer what we could not use ourselves.
TEST(MakeOffer, WhatToPolicyRefusesIsUnsupported) {
  const auto unsupported = [](SuiteId id, const OfferOptions& o) {
    auto a = make_offer(1, id, o);
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().code, Errc::unsupported) << a.error().message();
  };
  unsupported(SuiteId::AES_CM_128_HMAC_SHA1_80, with_mki(Mki{1, 5}));
  OfferOptions fec;
  fec.params.fec_keys.push_back(KeyParam{SecureBytes(30), std::nullopt, std::nullopt});
  unsupported(SuiteId::AES_CM_128_HMAC_SHA1_80, fec);
  OfferOptions ext;
  ext.params.extensions = {"MANDATORY_THING"};
  unsupported(SuiteId::AES_CM_128_HMAC_SHA1_80, ext);
  OfferOptions unenc;
  unenc.params.unencrypted_srtp = true;
  unsupported(SuiteId::AEAD_AES_128_GCM, unenc);
  EXPECT_TRUE(make_offer(1, SuiteId::AES_CM_128_HMAC_SHA1_80, unenc));
}

// Offerer keeps its attribute for outbound; the answerer parses the line for inbound. Media flows.
TEST(MakeOffer, OfferCarriesWorkingKeysEndToEnd) {
  for (const srtp::Suite& s : srtp::all_suites()) {
    auto offer = make_offer(1, s.id, with_mki(Mki{3, 2}));
    ASSERT_TRUE(offer) << s.name;
    auto tx = srtp::Context::create(srtp::Direction::outbound, *to_policy(*offer), srtp::kNoKeyRegistry);
    auto received = parse_crypto_attribute("a=crypto:" + serialize(*offer) + "\r\n");
    ASSERT_TRUE(received);
    auto rx = srtp::Context::create(srtp::Direction::inbound, *to_policy(*received));
    ASSERT_TRUE(tx && rx) << s.name;
    std::vector<std::uint8_t> pkt = srtp::testing::make_rtp(0x1234, 1, 160);
    const std::vector<std::uint8_t> plain = pkt;
    pkt.resize(pkt.size() + tx->max_trailer());
    auto n = tx->protect_rtp(pkt, plain.size());
    ASSERT_TRUE(n) << s.name;
    auto m = rx->unprotect_rtp(pkt, *n);
    ASSERT_TRUE(m) << s.name;
    EXPECT_EQ(std::vector<std::uint8_t>(pkt.begin(), pkt.begin() + static_cast<std::ptrdiff_t>(*m)), plain) << s.name;
  }
}

}  // namespace
}  // namespace sotto::sdes
