#include "phone/phone_options.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "media/wav_sink.hpp"

namespace sotto::phone {
namespace {

// Files the checks look at, written once per test binary: PEM markers only (OpenSSL parses the real
// contents later, in io), a valid and a corrupt WAV.
struct Files {
  std::filesystem::path dir;
  std::string combined_pem, cert_pem, key_pem, good_wav, bad_wav;
  Files() {
    dir = std::filesystem::temp_directory_path() / ("sotto-phone-options-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto write = [&](const char* name, const std::string& text) {
      std::ofstream((dir / name).string(), std::ios::binary) << text;
      return (dir / name).string();
    };
    const std::string cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    const std::string key = "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n";
    combined_pem = write("combined.pem", cert + key);
    cert_pem = write("cert.pem", cert);
    key_pem = write("key.pem", key);
    bad_wav = write("bad.wav", std::string("RIFF\x10\0\0\0WAVEjunkjunkjunk", 24));
    good_wav = (dir / "good.wav").string();
    auto sink = media::WavSink::create(good_wav);
    if (sink) {
      std::int16_t frame[160] = {};
      (void)sink->write(frame);
    }
  }
  ~Files() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

const Files& files() {
  static const Files f;
  return f;
}

PhoneOptions base() {
  PhoneOptions o;
  o.listen = {"tls://127.0.0.1:0"};
  o.target = "sips:bob@127.0.0.1:5072";
  o.cert_file = files().combined_pem;
  return o;
}

std::string error_of(const PhoneOptions& o) {
  auto r = check(o);
  return r ? std::string() : r.error().context;
}

TEST(PhoneOptions, AcceptsTheDocumentedForms) {
  auto c = check(base());
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->media.mode, negotiation::SrtpMode::require);
  EXPECT_EQ(c->target->scheme, sip::UriScheme::sips);
  PhoneOptions o = base();
  o.srtp = "offer";
  o.offer_profile = "avp";
  o.suites = {"AEAD_AES_256_GCM", "AES_CM_128_HMAC_SHA1_80"};
  o.dtmf = "123#*ABCD";
  auto d = check(o);
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->media.suites.front(), srtp::SuiteId::AEAD_AES_256_GCM);
}

TEST(PhoneOptions, SrtpMinKdrSetsThePolicy) {
  EXPECT_EQ(check(base())->media.min_kdr, 16);
  PhoneOptions o = base();
  o.srtp_min_kdr = 0;
  EXPECT_EQ(check(o)->media.min_kdr, 0);
  o.srtp_min_kdr = 25;
  EXPECT_EQ(error_of(o), "--srtp-min-kdr: 25 is out of range 0..24 (the RFC 4568 KDR exponent)");
  o.srtp_min_kdr = -1;
  EXPECT_EQ(error_of(o), "--srtp-min-kdr: -1 is out of range 0..24 (the RFC 4568 KDR exponent)");
}

TEST(PhoneOptions, EachBadFlagGetsOneClearLine) {
  PhoneOptions o = base();
  o.tls_max_version = "1.1";
  EXPECT_EQ(error_of(o), "--tls-max-version: '1.1' is not 1.2 or 1.3");
  o.tls_max_version = "1.2";
  EXPECT_EQ(error_of(o), "");
  o = base();
  o.srtp = "maybe";
  EXPECT_EQ(error_of(o), "--srtp: 'maybe' is not one of off, offer, require");
  o = base();
  o.suites = {"AES_CM_128_HMAC_SHA1_81"};
  EXPECT_NE(error_of(o).find("--suites: unknown suite 'AES_CM_128_HMAC_SHA1_81'; valid: AES_CM_128_HMAC_SHA1_80"),
            std::string::npos);
  o = base();
  o.dtmf = "12x";
  EXPECT_EQ(error_of(o), "--dtmf: 'x' is not a DTMF digit (0-9 * # A-D)");
  o = base();
  o.play_wav = "/nonexistent/in.wav";
  EXPECT_EQ(error_of(o), "--play: cannot read '/nonexistent/in.wav'");
  o = base();
  o.listen = {"sctp://127.0.0.1:5060"};
  EXPECT_NE(error_of(o).find("--listen: "), std::string::npos);
  o = base();
  o.target = "http://example.com";
  EXPECT_NE(error_of(o).find("is not a sip: or sips: URI"), std::string::npos);
  o = base();
  o.cert_file.clear();
  EXPECT_EQ(error_of(o), "--listen tls://127.0.0.1:0: a TLS listener needs --cert (and --key), also for calling out");
  o = base();
  o.cert_file.clear();
  o.listen = {"udp://127.0.0.1:0"};
  o.key_file = "/etc/hostname";
  EXPECT_EQ(error_of(o), "--key given without --cert");
  o = base();
  o.srtp = "require";
  o.suites = {"NULL_HMAC_SHA1_80"};
  EXPECT_NE(error_of(o).find("--suites/--srtp: "), std::string::npos);
}

TEST(PhoneOptions, AccountRegistersAtItsDomainUnlessToldOtherwise) {
  PhoneOptions o = base();
  o.account = "sips:alice@example.test";
  o.password = "pw";
  auto c = check(o);
  ASSERT_TRUE(c) << c.error().message();
  ASSERT_TRUE(c->registrar);
  EXPECT_EQ(sip::serialize(*c->registrar), "sips:example.test");
  o.registrar = "sip:127.0.0.1:5070;transport=tcp";
  c = check(o);
  ASSERT_TRUE(c);
  EXPECT_EQ(sip::serialize(*c->registrar), "sip:127.0.0.1:5070;transport=tcp");
  o.registrar.clear();
  o.no_register = true;
  c = check(o);
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->registrar);
}

TEST(PhoneOptions, RegistrationFlagsNameWhatIsWrong) {
  PhoneOptions o = base();
  o.password = "pw";
  EXPECT_EQ(error_of(o), "--password needs --account");
  o = base();
  o.registrar = "sips:example.test";
  EXPECT_EQ(error_of(o), "--registrar needs --account (whom to register)");
  o.account = "sips:example.test";
  EXPECT_NE(error_of(o).find("has no user part"), std::string::npos);
  o.account = "sips:alice@example.test";
  o.registrar = "http://example.test";
  EXPECT_NE(error_of(o).find("--registrar: 'http://example.test' is not a sip: or sips: URI"), std::string::npos);
  o.registrar.clear();
  o.register_expires = 5;
  EXPECT_NE(error_of(o).find("--register-expires: 5 s is under 10 s"), std::string::npos);
  o = base();
  o.mode = PhoneMode::register_;
  EXPECT_NE(error_of(o).find("register: give --account"), std::string::npos);
}

TEST(PhoneOptions, TransportModeProxyDnsServerAndKeepalive) {
  PhoneOptions o = base();
  o.transport = "tcp-preferred";
  o.proxy = "sips:proxy.example.test;lr";
  o.dns_servers = {"127.0.0.1:5353", "[::1]"};
  auto c = check(o);
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->transport, locate::TransportMode::tcp_preferred);
  ASSERT_TRUE(c->proxy);
  o.transport = "sctp";
  EXPECT_NE(error_of(o).find("--transport: "), std::string::npos);
  EXPECT_NE(error_of(o).find("sctp"), std::string::npos);
  o.transport = "dns";
  o.dns_servers = {"dns.example:53"};
  EXPECT_NE(error_of(o).find("--dns-server: "), std::string::npos);
  o.dns_servers.clear();
  o.keepalive_s = 5;
  EXPECT_EQ(error_of(o), "--keepalive: 0 (off) or at least 10 seconds");
  o.keepalive_s = 0;
  EXPECT_EQ(error_of(o), "");
  o.proxy = "tel:+123";
  EXPECT_NE(error_of(o).find("--proxy: 'tel:+123'"), std::string::npos);
}

TEST(PhoneOptions, NoListenerNeededWithoutCertificateUnlessWaitingWithoutAccount) {
  PhoneOptions o = base();
  o.listen.clear();
  o.cert_file.clear();
  auto c = check(o);  // calls out over a client TLS connection
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_TRUE(c->listen.empty());
  o.cert_file = files().combined_pem;
  c = check(o);
  ASSERT_TRUE(c);
  ASSERT_EQ(c->listen.size(), 1u);
  EXPECT_EQ(c->listen.front().to_string(), "tls://127.0.0.1:5061");
  o.cert_file.clear();
  o.mode = PhoneMode::listen;
  EXPECT_NE(error_of(o).find("or --account to take calls down the registration's connection"), std::string::npos);
  o.account = "sips:alice@example.test";
  EXPECT_EQ(error_of(o), "");
}

// Found only after the listener was up before: each is now one line naming the flag, before anything
// starts (exit 2 in the CLI).
TEST(PhoneOptions, FilesAreCheckedBeforeAnythingStarts) {
  PhoneOptions o = base();
  o.play_wav = files().good_wav;
  EXPECT_EQ(error_of(o), "");
  o.play_wav = files().bad_wav;
  EXPECT_EQ(error_of(o).rfind("--play: ", 0), 0u) << error_of(o);
  EXPECT_NE(error_of(o).find(files().bad_wav), std::string::npos) << error_of(o);
  o = base();
  o.record_wav = "/nonexistent-dir/rec.wav";
  EXPECT_EQ(error_of(o).rfind("--record: cannot write '/nonexistent-dir/rec.wav' (", 0), 0u) << error_of(o);
  o.record_wav = files().dir.string();
  EXPECT_EQ(error_of(o), "--record: '" + files().dir.string() + "' is a directory");
  const std::string fresh = (files().dir / "new.wav").string();
  o.record_wav = fresh;
  EXPECT_EQ(error_of(o), "");
  EXPECT_FALSE(std::filesystem::exists(fresh)) << "the check must not leave a file behind";
  o = base();
  o.cert_file = files().key_pem;  // the key given as the certificate
  EXPECT_EQ(error_of(o), "--cert: '" + files().key_pem +
                             "' holds no PEM certificate (-----BEGIN CERTIFICATE-----); it is a private key: give it as --key");
  o.cert_file = files().cert_pem;  // certificate without a key and no --key
  EXPECT_EQ(error_of(o), "--cert: '" + files().cert_pem +
                             "' holds no PEM private key (-----BEGIN ... PRIVATE KEY-----); give the key with --key");
  o.key_file = files().key_pem;
  EXPECT_EQ(error_of(o), "");
  o.key_file = files().cert_pem;  // swapped the other way
  EXPECT_EQ(error_of(o), "--key: '" + files().cert_pem + "' holds no PEM private key (-----BEGIN ... PRIVATE KEY-----)");
}

TEST(PhoneOptions, CodecsAreG711InPreferenceOrder) {
  PhoneOptions o = base();
  EXPECT_EQ(check(o)->codecs, (std::vector<std::string>{"PCMU", "PCMA"}));
  o.codecs = {"pcma", "PCMU", "PCMA"};
  EXPECT_EQ(check(o)->codecs, (std::vector<std::string>{"PCMA", "PCMU"}));
  o.codecs = {"G729"};
  EXPECT_EQ(error_of(o), "--codecs: unknown codec 'G729'; valid: PCMU, PCMA");
}

TEST(PhoneOptions, ConnectionLimitFlagsAreChecked) {
  PhoneOptions o = base();
  o.max_connections_per_source = 0;  // no per-source limit: allowed
  o.idle_timeout_s = 0;              // never: allowed
  EXPECT_TRUE(check(o));
  o = base();
  o.tls_handshake_timeout_s = 0;
  EXPECT_EQ(error_of(o), "--tls-handshake-timeout: a number of seconds > 0 and at most 86400");
  o = base();
  o.message_timeout_s = -1;
  EXPECT_EQ(error_of(o), "--message-timeout: a number of seconds > 0 and at most 86400");
  o = base();
  o.idle_timeout_s = -5;
  EXPECT_EQ(error_of(o), "--idle-timeout: 0 (never) or a number of seconds > 0 and at most 86400");
  o = base();
  o.first_message_timeout_s = 1e9;
  EXPECT_EQ(error_of(o), "--first-message-timeout: a number of seconds > 0 and at most 86400");
  o = base();
  o.max_connections = 0;
  EXPECT_EQ(error_of(o), "--max-connections: must be at least 1");
}

TEST(PhoneOptions, TransferFlags) {
  PhoneOptions o = base();
  o.transfer_to = "sips:carol@localhost";
  o.transfer_at_s = 2;
  auto c = check(o);
  ASSERT_TRUE(c) << c.error().message();
  ASSERT_TRUE(c->transfer_to);
  EXPECT_EQ(c->transfer_to->user, "carol");
  EXPECT_FALSE(check(base())->transfer_to);
  o.mode = PhoneMode::listen;
  EXPECT_EQ(error_of(o), "");  // the callee transfers too
  o.transfer_to = "carol";
  EXPECT_NE(error_of(o).find("--transfer-to: 'carol': "), std::string::npos) << error_of(o);
  o = base();
  o.transfer_to = "sips:carol@localhost";
  o.transfer_at_s = -1;
  EXPECT_EQ(error_of(o), "--transfer-at: must be >= 0 seconds");
  o.transfer_at_s = 5;
  o.duration_s = 4;
  EXPECT_EQ(error_of(o), "--transfer-at must come before --duration ends the call");
  o.duration_s = 0;
  o.transfer_timeout_s = 0;
  EXPECT_EQ(error_of(o), "--transfer-timeout: a number of seconds > 0 and at most 3600");
  o = base();
  o.mode = PhoneMode::register_;
  o.account = "sips:alice@localhost";
  o.password = "pw";
  EXPECT_EQ(error_of(o), "");
  o.transfer_to = "sips:carol@localhost";
  EXPECT_EQ(error_of(o), "--transfer-to: only with `call` or `listen`");
}

}  // namespace
}  // namespace sotto::phone
