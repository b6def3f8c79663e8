// Re-INVITE (RFC 4568 section 7.1.4, RFC 3264 section 8): re-offers keep keys and tags unless asked to
// rekey; hold changes no key; the answerer keeps its key while the offerer keeps its own and gives a
// fresh one when the offerer's changed; the change flags say which contexts to replace, and the ROC
// carried over keeps packets flowing across a rekey after a sequence number wrap.
#include <gtest/gtest.h>

#include <algorithm>

#include "core/negotiation/answerer.hpp"
#include "core/negotiation/offerer.hpp"
#include "core/negotiation/testing_negotiation.hpp"

namespace sotto::negotiation {
namespace {

using srtp::SuiteId;
using testing::audio_caps;
using testing::wire;

const SignallingContext kTls = SignallingContext::tls();

// Alice offers, Bob answers; both keep their NegotiatedSession.
struct Dialog {
  MediaSecurityPolicy policy = testing::policy(SrtpMode::require);
  sdp::LocalCapabilities alice_caps = audio_caps(40000);
  sdp::LocalCapabilities bob_caps = audio_caps(50000, "RTP/AVP", "192.0.2.11");
  NegotiatedSession alice;
  NegotiatedSession bob;
  std::vector<SecureMedia> alice_media;
  std::vector<SecureMedia> bob_media;
  Offer last_offer;

  // Alice (re-)offers, Bob (re-)answers, Alice applies.
  void alice_offers(bool rekey = false, bool initial = false) {
    auto offer = initial ? make_offer(alice_caps, policy, kTls) : make_reoffer(alice, alice_caps, policy, kTls, rekey);
    ASSERT_TRUE(offer) << offer.error().message();
    last_offer = *offer;
    auto out = initial ? make_answer(wire(offer->sdp), bob_caps, policy, kTls)
                       : make_answer(wire(offer->sdp), bob_caps, policy, kTls, bob);
    ASSERT_TRUE(out) << out.error().message();
    const Answer* a = std::get_if<Answer>(&*out);
    ASSERT_NE(a, nullptr) << std::get<Rejection>(*out).message;
    bob = a->session;
    bob_media = a->media;
    auto done = apply_answer(offer->pending, wire(a->sdp), policy);
    ASSERT_TRUE(done) << done.error().message();
    alice = done->session;
    alice_media = done->media;
  }

  // Bob re-offers, Alice answers, Bob applies.
  void bob_offers(bool rekey = false) {
    auto offer = make_reoffer(bob, bob_caps, policy, kTls, rekey);
    ASSERT_TRUE(offer) << offer.error().message();
    last_offer = *offer;
    auto out = make_answer(wire(offer->sdp), alice_caps, policy, kTls, alice);
    ASSERT_TRUE(out) << out.error().message();
    const Answer* a = std::get_if<Answer>(&*out);
    ASSERT_NE(a, nullptr) << std::get<Rejection>(*out).message;
    alice = a->session;
    alice_media = a->media;
    auto done = apply_answer(offer->pending, wire(a->sdp), policy);
    ASSERT_TRUE(done) << done.error().message();
    bob = done->session;
    bob_media = done->media;
  }
};

void expect_flags(const SecureMedia& m, bool tx_changed, bool rx_changed, const char* who) {
  EXPECT_TRUE(m.srtp) << who;
  EXPECT_EQ(m.tx_key_changed, tx_changed) << who;
  EXPECT_EQ(m.rx_key_changed, rx_changed) << who;
}

TEST(ReInvite, ReofferKeepsKeysAndTags) {
  Dialog d;
  d.alice_offers(false, true);
  expect_flags(d.alice_media.at(0), true, true, "alice, first exchange");
  expect_flags(d.bob_media.at(0), true, true, "bob, first exchange");
  const auto alice_key = *d.alice.streams[0].local;
  const auto bob_key = *d.bob.streams[0].local;
  const std::uint64_t v1 = d.alice.local_sdp.origin.session_version;

  d.alice_offers();
  // Exactly the negotiated line, same tag and key.
  ASSERT_EQ(d.last_offer.pending.streams[0].crypto.size(), 1u);
  EXPECT_EQ(d.last_offer.pending.streams[0].crypto[0], alice_key);
  expect_flags(d.alice_media.at(0), false, false, "alice, re-offer");
  expect_flags(d.bob_media.at(0), false, false, "bob, re-answer");
  EXPECT_EQ(*d.alice.streams[0].local, alice_key);
  EXPECT_EQ(*d.bob.streams[0].local, bob_key);
  EXPECT_EQ(d.alice.local_sdp.origin.session_version, v1 + 1) << "the offer changed (one a=crypto line instead of six)";

  d.alice_offers();  // nothing changed this time: same o= version (RFC 3264 section 8)
  EXPECT_EQ(d.alice.local_sdp.origin.session_version, v1 + 1);
  expect_flags(d.alice_media.at(0), false, false, "alice, identical re-offer");
  EXPECT_TRUE(testing::media_flows(d.alice_media[0].tx, d.bob_media[0].rx));
}

TEST(ReInvite, HoldAndResumeChangeNoKey) {
  Dialog d;
  d.alice_offers(false, true);
  const auto alice_key = *d.alice.streams[0].local;
  const auto bob_key = *d.bob.streams[0].local;
  for (sdp::Direction dir : {sdp::Direction::sendonly, sdp::Direction::inactive, sdp::Direction::sendrecv}) {
    d.alice_caps.media[0].direction = dir;
    d.alice_offers();
    expect_flags(d.alice_media.at(0), false, false, "alice");
    expect_flags(d.bob_media.at(0), false, false, "bob");
    EXPECT_EQ(d.alice_media[0].stream.direction, dir);
    EXPECT_EQ(*d.alice.streams[0].local, alice_key);
    EXPECT_EQ(*d.bob.streams[0].local, bob_key);
  }
}

TEST(ReInvite, RekeyGivesNewKeysBothWays) {
  Dialog d;
  d.alice_offers(false, true);
  const auto alice_key = *d.alice.streams[0].local;
  const auto bob_key = *d.bob.streams[0].local;
  d.alice_offers(/*rekey=*/true);
  EXPECT_EQ(d.last_offer.pending.streams[0].crypto.size(), default_suites().size()) << "a full fresh offer";
  expect_flags(d.alice_media.at(0), true, true, "alice");
  // Bob saw Alice's key change and answers with a fresh key of his own (documented choice).
  expect_flags(d.bob_media.at(0), true, true, "bob");
  EXPECT_FALSE(same_key(*d.alice.streams[0].local, alice_key));
  EXPECT_FALSE(same_key(*d.bob.streams[0].local, bob_key));
  EXPECT_TRUE(testing::media_flows(d.alice_media[0].tx, d.bob_media[0].rx));
  EXPECT_TRUE(testing::media_flows(d.bob_media[0].tx, d.alice_media[0].rx));
}

TEST(ReInvite, TheAnswererKeepsItsKeyWhenTheOffererKeepsItsUnderANewTag) {
  Dialog d;
  d.alice_offers(false, true);
  const auto bob_key = *d.bob.streams[0].local;
  // A peer re-offers its unchanged key under another tag (allowed: tags are the offerer's).
  sdes::CryptoAttribute same = *d.bob.streams[0].remote;
  same.tag = 7;
  auto reoffer = d.last_offer.sdp;
  reoffer.origin.session_version += 1;
  reoffer.media[0].attributes.erase(
      std::remove_if(reoffer.media[0].attributes.begin(), reoffer.media[0].attributes.end(),
                     [](const sdp::Attribute& a) { return a.name == "crypto"; }),
      reoffer.media[0].attributes.end());
  reoffer.media[0].attributes.push_back({"crypto", sdes::serialize(same)});
  auto out = make_answer(wire(reoffer), d.bob_caps, d.policy, kTls, d.bob);
  ASSERT_TRUE(out);
  const Answer* a = std::get_if<Answer>(&*out);
  ASSERT_NE(a, nullptr);
  expect_flags(a->media[0], false, false, "bob");
  EXPECT_EQ(a->media[0].tag, 7u);
  auto line = sdes::parse_crypto_attribute(a->sdp.media[0].crypto_values().at(0));
  ASSERT_TRUE(line);
  EXPECT_EQ(line->tag, 7u) << "the kept key is echoed under the offerer's new tag";
  EXPECT_TRUE(same_key(*line, bob_key));
  EXPECT_EQ(a->session.local_sdp.origin.session_id, d.bob.local_sdp.origin.session_id);
}

TEST(ReInvite, TheOtherSideCanReofferToo) {
  Dialog d;
  d.alice_offers(false, true);
  const auto alice_key = *d.alice.streams[0].local;
  const auto bob_key = *d.bob.streams[0].local;
  d.bob_offers();  // Bob was the answerer; his re-offer carries his key under the negotiated tag
  ASSERT_EQ(d.last_offer.pending.streams[0].crypto.size(), 1u);
  EXPECT_EQ(d.last_offer.pending.streams[0].crypto[0], bob_key);
  expect_flags(d.bob_media.at(0), false, false, "bob offering");
  expect_flags(d.alice_media.at(0), false, false, "alice answering");
  EXPECT_TRUE(same_key(*d.alice.streams[0].local, alice_key));

  d.bob_offers(/*rekey=*/true);
  expect_flags(d.bob_media.at(0), true, true, "bob rekeying");
  expect_flags(d.alice_media.at(0), true, true, "alice answering a rekey");
  EXPECT_TRUE(testing::media_flows(d.alice_media[0].tx, d.bob_media[0].rx));
}

TEST(ReInvite, SuiteNoLongerAllowedMeansFreshKeys) {
  Dialog d;
  d.alice_offers(false, true);
  ASSERT_EQ(d.alice_media[0].suite, "AES_CM_128_HMAC_SHA1_80");
  d.policy.suites = {SuiteId::AEAD_AES_128_GCM};
  d.alice_offers();
  EXPECT_EQ(d.alice_media[0].suite, "AEAD_AES_128_GCM");
  expect_flags(d.alice_media.at(0), true, true, "alice");
  expect_flags(d.bob_media.at(0), true, true, "bob");
}

TEST(ReInvite, RemovedStreamIsOfferedWithPortZeroAndNoKeys) {
  Dialog d;
  d.alice_offers(false, true);
  sdp::MediaCapabilities video;
  video.media = "video";
  video.port = 40002;
  video.protos = {"RTP/AVP"};
  video.codecs = {sdp::CodecCapability{"H264", 90000, {}, {}, {}}};
  d.alice_caps.media.push_back(video);
  d.bob_caps.media.push_back(video);
  d.alice_offers();  // adds video: new keys there, audio untouched
  ASSERT_EQ(d.alice_media.size(), 2u);
  expect_flags(d.alice_media[0], false, false, "audio");
  expect_flags(d.alice_media[1], true, true, "video");
  d.alice_caps.media.pop_back();
  d.alice_offers();  // removes video again
  ASSERT_EQ(d.last_offer.sdp.media.size(), 2u);
  EXPECT_EQ(d.last_offer.sdp.media[1].port, 0);
  EXPECT_TRUE(d.last_offer.sdp.media[1].crypto_values().empty());
  EXPECT_TRUE(d.alice_media[1].rejected);
  expect_flags(d.alice_media[0], false, false, "audio");
}

// After a rekey the caller replaces the contexts whose key changed and continues them from the old ones
// (srtp::Context::continue_from), so a stream that already wrapped its sequence number keeps decrypting.
TEST(ReInvite, RocCarriesAcrossARekeyAfterAWrap) {
  Dialog d;
  d.alice_offers(false, true);
  const std::uint32_t ssrc = 0xA11CE;
  auto tx = srtp::Context::create(srtp::Direction::outbound, d.alice_media[0].tx, srtp::kNoKeyRegistry).value();
  auto rx = srtp::Context::create(srtp::Direction::inbound, d.bob_media[0].rx).value();
  auto send = [&](srtp::Context& out, srtp::Context& in, std::uint16_t seq) {
    auto plain = srtp::testing::make_rtp(ssrc, seq, 160);
    auto buf = plain;
    buf.resize(plain.size() + out.max_trailer());
    auto n = out.protect_rtp(buf, plain.size());
    if (!n) return false;
    auto m = in.unprotect_rtp(buf, *n);
    return m && *m == plain.size() && std::equal(plain.begin(), plain.end(), buf.begin());
  };
  for (std::uint16_t seq = 65530; seq != 6; ++seq) ASSERT_TRUE(send(tx, rx, seq)) << seq;
  ASSERT_EQ(tx.roc(ssrc), 1u);

  d.alice_offers(/*rekey=*/true);
  ASSERT_TRUE(d.alice_media[0].tx_key_changed && d.bob_media[0].rx_key_changed);
  auto tx2 = srtp::Context::create(srtp::Direction::outbound, d.alice_media[0].tx, srtp::kNoKeyRegistry).value();
  auto rx2 = srtp::Context::create(srtp::Direction::inbound, d.bob_media[0].rx).value();
  EXPECT_EQ(tx2.continue_from(tx), 1u);
  EXPECT_EQ(rx2.continue_from(rx), 1u);
  for (std::uint16_t seq = 6; seq < 20; ++seq) EXPECT_TRUE(send(tx2, rx2, seq)) << seq;

  // Without the carried ROC the receiver computes the wrong index and authentication fails.
  auto rx3 = srtp::Context::create(srtp::Direction::inbound, d.bob_media[0].rx).value();
  auto tx3 = srtp::Context::create(srtp::Direction::outbound, d.alice_media[0].tx, srtp::kNoKeyRegistry).value();
  tx3.continue_from(tx);
  EXPECT_FALSE(send(tx3, rx3, 30));
}

TEST(ReInvite, PeerDroppingSrtpInAReofferIsRefusedAndTheOldSessionStands) {
  Dialog d;
  d.alice_offers(false, true);
  auto plain = testing::parse(testing::offer_text("RTP/AVP", {}));
  auto out = make_answer(plain, d.bob_caps, d.policy, kTls, d.bob);
  ASSERT_TRUE(out);
  ASSERT_NE(testing::as_rejection(out), nullptr);
  EXPECT_EQ(testing::as_rejection(out)->text, "SRTP required but not offered: RTP/AVP without a=crypto");
}

}  // namespace
}  // namespace sotto::negotiation
