#include "core/dialog/dialog.hpp"

#include <gtest/gtest.h>

#include "core/sip/message_parser.hpp"

namespace sotto::dialog {
namespace {

using sip::SipMessage;
namespace hdr = sip::hdr;

SipMessage parse(std::string text) {
  std::string crlf;
  for (char c : text) {
    if (c == '\n') crlf += "\r\n";
    else crlf += c;
  }
  auto m = sip::parse_message(crlf);
  EXPECT_TRUE(m) << m.error().message();
  return *m;
}

const char* kInvite =
    "INVITE sips:bob@127.0.0.1:5071 SIP/2.0\n"
    "Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK776asdhds\n"
    "Max-Forwards: 70\n"
    "From: Alice <sips:alice@127.0.0.1>;tag=1928301774\n"
    "To: Bob <sips:bob@127.0.0.1>\n"
    "Call-ID: a84b4c76e66710@pc33\n"
    "CSeq: 314159 INVITE\n"
    "Contact: <sips:alice@127.0.0.1:5061;transport=tls>\n"
    "Content-Length: 0\n\n";

const char* kOk =
    "SIP/2.0 200 OK\n"
    "Via: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bK776asdhds\n"
    "Record-Route: <sips:p2.example.com;lr>, <sips:p1.example.com;lr>\n"
    "From: Alice <sips:alice@127.0.0.1>;tag=1928301774\n"
    "To: Bob <sips:bob@127.0.0.1>;tag=a6c85cf\n"
    "Call-ID: a84b4c76e66710@pc33\n"
    "CSeq: 314159 INVITE\n"
    "Contact: <sips:bob@127.0.0.1:5071;transport=tls>\n"
    "Content-Length: 0\n\n";

sip::NameAddr contact(const char* uri) { return sip::NameAddr{"", sip::parse_uri(uri).value(), {}}; }

TEST(Dialog, UacFrom2xxBuildsAckAndByeWithReversedRouteSet) {
  auto d = Dialog::from_uac(parse(kInvite), parse(kOk), contact("sips:alice@127.0.0.1:5061;transport=tls"));
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->state(), Dialog::State::confirmed);
  EXPECT_TRUE(d->secure());
  EXPECT_EQ(d->id(), (DialogId{"a84b4c76e66710@pc33", "1928301774", "a6c85cf"}));
  ASSERT_EQ(d->route_set().size(), 2u);
  EXPECT_EQ(d->route_set()[0].uri.host, "p1.example.com");

  SipMessage ack = d->make_ack(314159);
  EXPECT_EQ(ack.method(), sip::MethodId::ack);
  EXPECT_EQ(ack.request_uri().user, "bob");
  EXPECT_EQ(ack.header(hdr::cseq)->number, 314159u);
  EXPECT_EQ(ack.header(hdr::cseq)->method, sip::MethodId::ack);
  auto routes = ack.all(hdr::route).value();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].uri.host, "p1.example.com");

  SipMessage bye = d->make_request(sip::MethodId::bye);
  EXPECT_EQ(bye.header(hdr::cseq)->number, 314160u);
  EXPECT_EQ(bye.header(hdr::to)->tag(), "a6c85cf");
  EXPECT_EQ(bye.header(hdr::from)->tag(), "1928301774");
}

TEST(Dialog, StrictRouteGoesInTheRequestUri) {
  std::string ok = kOk;
  ok.replace(ok.find("<sips:p2.example.com;lr>, <sips:p1.example.com;lr>"),
             std::string("<sips:p2.example.com;lr>, <sips:p1.example.com;lr>").size(), "<sips:p1.example.com>");
  auto d = Dialog::from_uac(parse(kInvite), parse(ok), contact("sips:alice@127.0.0.1")).value();
  SipMessage bye = d.make_request(sip::MethodId::bye);
  EXPECT_EQ(bye.request_uri().host, "p1.example.com");
  auto routes = bye.all(hdr::route).value();
  ASSERT_EQ(routes.size(), 1u);
  EXPECT_EQ(routes[0].uri.user, "bob");  // the remote target goes last
}

TEST(Dialog, UasChecksCSeqAndRefreshesTarget) {
  auto d = Dialog::from_uas(parse(kInvite), "b0b7a9", contact("sips:bob@127.0.0.1:5071")).value();
  EXPECT_EQ(d.id().local_tag, "b0b7a9");
  EXPECT_EQ(d.remote_cseq(), 314159u);
  std::string reinvite = kInvite;
  reinvite.replace(reinvite.find("CSeq: 314159"), 12, "CSeq: 314160");
  reinvite.replace(reinvite.find("127.0.0.1:5061;transport"), 14, "127.0.0.9:5061");
  ASSERT_TRUE(d.on_request(parse(reinvite)));
  EXPECT_EQ(d.remote_target().host, "127.0.0.9");
  auto again = d.on_request(parse(reinvite));
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().context.find("not above 314160"), std::string::npos);
  // Our first request picks CSeq 1; To/From are swapped relative to the INVITE.
  SipMessage bye = d.make_request(sip::MethodId::bye);
  EXPECT_EQ(bye.header(hdr::cseq)->number, 1u);
  EXPECT_EQ(bye.header(hdr::from)->tag(), "b0b7a9");
  EXPECT_EQ(bye.header(hdr::to)->tag(), "1928301774");
  EXPECT_EQ(bye.request_uri().host, "127.0.0.9");
}

TEST(Dialog, RefusesWhatCannotMakeADialog) {
  std::string no_tag = kOk;
  no_tag.replace(no_tag.find(";tag=a6c85cf"), 12, "");
  EXPECT_NE(Dialog::from_uac(parse(kInvite), parse(no_tag), contact("sip:a@b")).error().context.find("To tag"),
            std::string::npos);
  std::string no_contact = kOk;
  no_contact.replace(no_contact.find("Contact: <sips:bob@127.0.0.1:5071;transport=tls>\n"),
                     std::string("Contact: <sips:bob@127.0.0.1:5071;transport=tls>\n").size(), "");
  EXPECT_NE(Dialog::from_uac(parse(kInvite), parse(no_contact), contact("sip:a@b")).error().context.find("Contact"),
            std::string::npos);
}

TEST(Dialog, IdOfReceivedMessages) {
  auto id = dialog_id_of(parse(kOk)).value();
  EXPECT_EQ(id.local_tag, "1928301774");
  EXPECT_EQ(id.remote_tag, "a6c85cf");
}

}  // namespace
}  // namespace sotto::dialog
