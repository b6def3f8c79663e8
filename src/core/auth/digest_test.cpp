#include "core/auth/digest.hpp"

#include <gtest/gtest.h>

namespace sotto::auth {
namespace {

TEST(Digest, Rfc2617Example) {
  // RFC 2617 section 3.5.
  auto ch = parse_challenge(R"(Digest realm="testrealm@host.com", qop="auth,auth-int", )"
                            R"(nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41")");
  ASSERT_TRUE(ch) << ch.error().message();
  EXPECT_EQ(ch->qop, (std::vector<std::string>{"auth", "auth-int"}));
  auto a = answer_challenge(*ch, {"Mufasa", "Circle Of Life"}, "GET", "/dir/index.html", 1, "0a4f113b");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->response, "6629fae49393a05397450978507c4ef1");
  EXPECT_EQ(a->qop, "auth");
}

TEST(Digest, Rfc7616Sha256AndMd5Examples) {
  // RFC 7616 section 3.9.1 (the same computation RFC 8760 brings to SIP).
  for (auto [alg, want] : {std::pair{"SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"},
                           std::pair{"MD5", "8ca523f5e9506fed4657c9700eebdbec"}}) {
    auto ch = parse_challenge(std::string(R"(Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=)") +
                              alg + R"(, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS")");
    ASSERT_TRUE(ch) << ch.error().message();
    auto a = answer_challenge(*ch, {"Mufasa", "Circle of Life"}, "GET", "/dir/index.html", 1,
                              "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->response, want) << alg;
  }
}

TEST(Digest, SerializeParseVerifyRoundTrip) {
  DigestChallenge ch;
  ch.realm = "sotto";
  ch.nonce = "abc\"def";
  ch.qop = {"auth"};
  ch.algorithm = DigestAlgorithm::sha256;
  auto a = answer_challenge(ch, {"alice", "s3cret"}, "REGISTER", "sips:127.0.0.1", 7, "cn0nce").value();
  auto text = serialize(a);
  EXPECT_NE(text.find("nc=00000007"), std::string::npos);
  EXPECT_NE(text.find("algorithm=SHA-256"), std::string::npos);
  auto back = parse_authorization(text);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, a);
  EXPECT_TRUE(verify(*back, "s3cret", "REGISTER"));
  EXPECT_FALSE(verify(*back, "wrong", "REGISTER"));
  EXPECT_FALSE(verify(*back, "s3cret", "INVITE"));
}

TEST(Digest, NoQopUsesRfc2069Form) {
  DigestChallenge ch{"r", "n", std::nullopt, std::nullopt, DigestAlgorithm::md5, {}, false};
  auto a = answer_challenge(ch, {"u", "p"}, "INVITE", "sip:x", 1, "c").value();
  EXPECT_FALSE(a.qop);
  EXPECT_EQ(serialize(a).find("nc="), std::string::npos);
}

TEST(Digest, ChoosesStrongestAlgorithm) {
  std::vector<DigestChallenge> offered(2);
  offered[0].algorithm = DigestAlgorithm::md5;
  offered[1].algorithm = DigestAlgorithm::sha256;
  EXPECT_EQ(choose_challenge(offered), &offered[1]);
}

TEST(Digest, ErrorsNameTheFault) {
  EXPECT_EQ(parse_challenge(R"(Basic realm="x")").error().code, Errc::unsupported);
  EXPECT_NE(parse_challenge(R"(Digest nonce="x")").error().context.find("without realm"), std::string::npos);
  EXPECT_NE(parse_challenge(R"(Digest realm="x", nonce="y", algorithm=SHA-1)").error().context.find("SHA-1"),
            std::string::npos);
  EXPECT_NE(parse_challenge(R"(Digest realm="x)").error().context.find("unterminated"), std::string::npos);
  EXPECT_NE(parse_authorization(R"(Digest username="a", realm="b", nonce="c", uri="d", response="e", qop=auth, nc=1, cnonce="x")")
                .error().context.find("8 hex"), std::string::npos);
  EXPECT_NE(parse_authorization(R"(Digest username="a")").error().context.find("missing realm"), std::string::npos);
}

}  // namespace
}  // namespace sotto::auth
