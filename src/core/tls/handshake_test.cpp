// Hello parsing on hand-built messages: GREASE values dropped (RFC 8701), SNI, supported_versions in both
// hellos, the HelloRetryRequest random, TLS 1.3 certificate entries, and each truncation named.

#include "core/tls/handshake.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sotto::tls {
namespace {

using Bytes = std::vector<std::uint8_t>;

void put16(Bytes& b, std::size_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
void put24(Bytes& b, std::size_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 16));
  put16(b, v & 0xffff);
}
void append(Bytes& b, const Bytes& x) { b.insert(b.end(), x.begin(), x.end()); }

Bytes ext(std::uint16_t type, const Bytes& data) {
  Bytes e;
  put16(e, type);
  put16(e, data.size());
  append(e, data);
  return e;
}

Bytes client_hello() {
  Bytes b = {0x03, 0x03};
  for (int i = 0; i < 32; ++i) b.push_back(static_cast<std::uint8_t>(i));
  b.push_back(0);                                   // session_id
  b.insert(b.end(), {0x00, 0x06, 0x3a, 0x3a, 0x13, 0x01, 0xc0, 0x2f});  // GREASE, 0x1301, 0xC02F
  b.insert(b.end(), {0x01, 0x00});                  // compression: null
  const std::string host = "sip.example";
  Bytes sni;
  put16(sni, host.size() + 3);
  sni.push_back(0);
  put16(sni, host.size());
  sni.insert(sni.end(), host.begin(), host.end());
  const Bytes versions = {0x06, 0x7a, 0x7a, 0x03, 0x04, 0x03, 0x03};  // GREASE, 1.3, 1.2
  Bytes exts;
  append(exts, ext(0x0000, sni));
  append(exts, ext(0x002b, versions));
  append(exts, ext(0xfe0d, {1, 2, 3}));             // an extension we do not know
  put16(b, exts.size());
  append(b, exts);
  return b;
}

TEST(Handshake, ClientHelloFields) {
  auto ch = parse_client_hello(client_hello());
  ASSERT_TRUE(ch) << ch.error().message();
  EXPECT_EQ(ch->legacy_version, 0x0303);
  EXPECT_EQ(ch->random[31], 31);
  EXPECT_EQ(ch->cipher_suites, (std::vector<std::uint16_t>{0x1301, 0xC02F}));
  EXPECT_EQ(ch->offered_versions, (std::vector<std::uint16_t>{0x0304, 0x0303}));
  EXPECT_EQ(ch->sni, "sip.example");
}

TEST(Handshake, ClientHelloWithoutExtensionsOffersItsLegacyVersion) {
  Bytes b = client_hello();
  b.resize(2 + 32 + 1 + 8 + 2);  // cut before the extensions block
  b[1] = 0x01;                   // TLS 1.0
  auto ch = parse_client_hello(b);
  ASSERT_TRUE(ch);
  EXPECT_EQ(ch->offered_versions, (std::vector<std::uint16_t>{0x0301}));
  EXPECT_EQ(ch->sni, "");
}

TEST(Handshake, TruncationsAreNamed) {
  const Bytes full = client_hello();
  EXPECT_EQ(parse_client_hello(Bytes(full.begin(), full.begin() + 20)).error().context,
            "ClientHello truncated before the extensions");
  Bytes cut(full.begin(), full.end() - 2);
  EXPECT_EQ(parse_client_hello(cut).error().context, "ClientHello: extensions truncated");
  EXPECT_EQ(parse_server_hello(Bytes{0x03, 0x03, 0x00}).error().context, "ServerHello truncated before the extensions");
  // Every prefix fails cleanly or parses; none reads past the end (ASan/fuzz check the same).
  for (std::size_t n = 0; n < full.size(); ++n) (void)parse_client_hello(Bytes(full.begin(), full.begin() + n));
}

Bytes server_hello(const Bytes& random, const Bytes& exts) {
  Bytes b = {0x03, 0x03};
  append(b, random);
  b.push_back(0);
  b.insert(b.end(), {0x13, 0x02, 0x00});
  put16(b, exts.size());
  append(b, exts);
  return b;
}

TEST(Handshake, ServerHelloVersionAndRetry) {
  auto sh = parse_server_hello(server_hello(Bytes(32, 7), ext(0x002b, {0x03, 0x04})));
  ASSERT_TRUE(sh);
  EXPECT_EQ(sh->version, 0x0304);
  EXPECT_EQ(sh->cipher_suite, 0x1302);
  EXPECT_FALSE(sh->hello_retry_request);
  // RFC 8446 4.1.3: SHA-256("HelloRetryRequest").
  const Bytes hrr = {0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
                     0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};
  auto retry = parse_server_hello(server_hello(hrr, ext(0x002b, {0x03, 0x04})));
  ASSERT_TRUE(retry);
  EXPECT_TRUE(retry->hello_retry_request);
  EXPECT_EQ(parse_server_hello(server_hello(Bytes(32, 7), ext(0x002b, {0x03, 0x04, 0x03}))).error().context,
            "ServerHello: supported_versions is not one version");
}

TEST(Handshake, CertificateListsOfBothVersions) {
  const Bytes a = {0x30, 0x01, 0xaa}, b = {0x30, 0x02, 0xbb, 0xcc};
  Bytes list12;
  for (const Bytes* c : {&a, &b}) {
    put24(list12, c->size());
    append(list12, *c);
  }
  Bytes body12;
  put24(body12, list12.size());
  append(body12, list12);
  auto c12 = parse_certificate_list(body12, false);
  ASSERT_TRUE(c12);
  EXPECT_EQ(*c12, (std::vector<Bytes>{a, b}));

  Bytes list13;
  for (const Bytes* c : {&a, &b}) {
    put24(list13, c->size());
    append(list13, *c);
    put16(list13, 0);  // no extensions
  }
  Bytes body13 = {0x00};  // empty certificate_request_context
  put24(body13, list13.size());
  append(body13, list13);
  auto c13 = parse_certificate_list(body13, true);
  ASSERT_TRUE(c13);
  EXPECT_EQ(*c13, (std::vector<Bytes>{a, b}));
  // Read as TLS 1.2, the context byte and list length no longer line up.
  EXPECT_EQ(parse_certificate_list(body13, false).error().context, "Certificate: bytes after the certificate_list");
  EXPECT_EQ(parse_certificate_list(Bytes{0x00, 0x00, 0x05, 0x00}, false).error().context,
            "Certificate: certificate_list truncated");
  Bytes empty_entry;
  put24(empty_entry, 3);
  put24(empty_entry, 0);
  EXPECT_EQ(parse_certificate_list(empty_entry, false).error().context, "Certificate: entry truncated or empty");
}

}  // namespace
}  // namespace sotto::tls
