#include "phone/phone_options.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <tuple>

#include "core/srtp/suite.hpp"
#include "io/dns/dns_resolver_options.hpp"
#include "media/wav_source.hpp"

namespace sotto::phone {
namespace {

Status readable(const std::string& flag, const std::string& path) {
  if (path.empty()) return {};
  std::ifstream f(path, std::ios::binary);
  if (!f) return fail(Errc::io_error, flag + ": cannot read '" + path + "'");
  return {};
}

// A PEM file must hold what its flag promises: `--cert key.pem` (a common swap) is caught here, before
// any listener is up, naming the flag. OpenSSL still parses the contents later (io's TLS context).
std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

Status pem_holds(const std::string& flag, const std::string& path, bool certificate) {
  if (path.empty()) return {};
  const std::string text = slurp(path);
  if (certificate && text.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    const bool is_key = text.find("PRIVATE KEY-----") != std::string::npos;
    return fail(Errc::invalid_argument, flag + ": '" + path + "' holds no PEM certificate (-----BEGIN CERTIFICATE-----)" +
                                            (is_key ? "; it is a private key: give it as --key" : ""));
  }
  if (!certificate && text.find("PRIVATE KEY-----") == std::string::npos) {
    return fail(Errc::invalid_argument, flag + ": '" + path + "' holds no PEM private key (-----BEGIN ... PRIVATE KEY-----)" +
                                            (flag == "--cert" ? "; give the key with --key" : ""));
  }
  return {};
}

// --record: can we create (or append to) the file? Checked without truncating an existing file; a file
// this check creates is removed again.
Status writable(const std::string& flag, const std::string& path) {
  if (path.empty()) return {};
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return fail(Errc::invalid_argument, flag + ": '" + path + "' is a directory");
  const bool existed = std::filesystem::exists(path, ec);
  std::FILE* f = std::fopen(path.c_str(), "ab");
  if (f == nullptr) {
    return fail(Errc::io_error, flag + ": cannot write '" + path + "' (" + std::strerror(errno) + ")");
  }
  std::fclose(f);
  if (!existed) std::filesystem::remove(path, ec);
  return {};
}

std::string valid_suites() {
  std::string out;
  for (const auto& s : srtp::all_suites()) {
    if (!out.empty()) out += ", ";
    out += s.name;
  }
  return out;
}

}  // namespace

Result<CheckedPhoneOptions> check(const PhoneOptions& o) {
  CheckedPhoneOptions c;
  c.raw = o;
  std::vector<std::string> listen = o.listen;
  if (listen.empty() && !o.cert_file.empty()) listen = {"tls://127.0.0.1:5061"};
  if (listen.empty() && o.mode == PhoneMode::listen && (o.account.empty() || o.no_register)) {
    return fail(Errc::invalid_argument,
                "listen: give --listen udp://, tcp:// or tls://IP:PORT (with --cert), or --account to take calls "
                "down the registration's connection");
  }
  for (const std::string& spec : listen) {
    auto l = io::parse_listen_spec(spec);
    if (!l) return fail(Errc::invalid_argument, "--listen: " + l.error().context);
    if (l->kind == io::TransportKind::tls && o.cert_file.empty()) {
      // Via and Contact name this listener; peers and proxies connect back to it for incoming requests.
      return fail(Errc::invalid_argument, "--listen " + spec + ": a TLS listener needs --cert (and --key), also for calling out");
    }
    c.listen.push_back(*l);
  }
  // --cert alone is fine: a PEM holding certificate and key (baresip style).
  if (!o.key_file.empty() && o.cert_file.empty()) return fail(Errc::invalid_argument, "--key given without --cert");
  for (auto [flag, path] : {std::pair{"--cert", &o.cert_file}, {"--key", &o.key_file}, {"--ca-file", &o.ca_file},
                            {"--play", &o.play_wav}}) {
    if (Status st = readable(flag, *path); !st) return Unexpected(st.error());
  }
  // --cert may hold the key too (baresip style); then --key is optional.
  if (Status st = pem_holds("--cert", o.cert_file, true); !st) return Unexpected(st.error());
  if (Status st = o.key_file.empty() ? pem_holds("--cert", o.cert_file, false) : pem_holds("--key", o.key_file, false); !st) {
    return Unexpected(st.error());
  }
  if (!o.play_wav.empty()) {
    if (auto wav = media::WavSource::open(o.play_wav); !wav) return fail(Errc::invalid_argument, "--play: " + wav.error().context);
  }
  if (Status st = writable("--record", o.record_wav); !st) return Unexpected(st.error());
  if (!o.tls_max_version.empty() && o.tls_max_version != "1.2" && o.tls_max_version != "1.3") {
    return fail(Errc::invalid_argument, "--tls-max-version: '" + o.tls_max_version + "' is not 1.2 or 1.3");
  }
  if (o.mode == PhoneMode::call) {
    if (o.target.empty()) return fail(Errc::invalid_argument, "call: give the URI to call, e.g. sips:bob@127.0.0.1:5072");
    auto t = sip::parse_uri(o.target);
    if (!t || !t->is_sip()) {
      return fail(Errc::invalid_argument, "call: '" + o.target + "' is not a sip: or sips: URI" +
                                              (t ? std::string() : " (" + t.error().context + ")"));
    }
    c.target = *t;
  }
  if (!o.account.empty()) {
    auto a = sip::parse_uri(o.account);
    if (!a || !a->is_sip()) return fail(Errc::invalid_argument, "--account: '" + o.account + "' is not a sip: or sips: URI");
    if (a->user.empty()) return fail(Errc::invalid_argument, "--account: '" + o.account + "' has no user part (sips:alice@example.com)");
    c.account = *a;
  }
  if (o.mode == PhoneMode::register_ && (!c.account || o.no_register)) {
    return fail(Errc::invalid_argument, "register: give --account (and --password), without --no-register");
  }
  if (!o.registrar.empty()) {
    if (!c.account) return fail(Errc::invalid_argument, "--registrar needs --account (whom to register)");
    if (o.no_register) return fail(Errc::invalid_argument, "--registrar and --no-register contradict each other");
    auto r = sip::parse_uri(o.registrar);
    if (!r || !r->is_sip()) return fail(Errc::invalid_argument, "--registrar: '" + o.registrar + "' is not a sip: or sips: URI");
    c.registrar = *r;
  } else if (c.account && !o.no_register) {
    sip::Uri r;  // RFC 3261 10.2: the domain of the address of record
    r.scheme = c.account->scheme;
    r.host = c.account->host;
    r.port = c.account->port;
    if (auto t = c.account->transport()) r.params.set("transport", std::string(*t));
    c.registrar = r;
  }
  if (!o.password.empty() && !c.account) return fail(Errc::invalid_argument, "--password needs --account");
  if (!o.username.empty() && o.password.empty()) return fail(Errc::invalid_argument, "--username needs --password");
  if (!o.proxy.empty()) {
    auto p = sip::parse_uri(o.proxy);
    if (!p || !p->is_sip()) return fail(Errc::invalid_argument, "--proxy: '" + o.proxy + "' is not a sip: or sips: URI");
    c.proxy = *p;
  }
  auto mode = locate::parse_transport_mode(o.transport);
  if (!mode) return fail(Errc::invalid_argument, "--transport: " + mode.error().context);
  c.transport = *mode;
  if (o.register_expires < 10 && c.registrar) {  // a registrar may still ask for more (423 Min-Expires)
    return fail(Errc::invalid_argument, "--register-expires: " + std::to_string(o.register_expires) + " s is under 10 s");
  }
  for (const std::string& d : o.dns_servers) {
    if (auto srv = io::dns::parse_dns_server(d); !srv) return fail(Errc::invalid_argument, "--dns-server: " + srv.error().context);
  }
  if (o.keepalive_s != 0 && o.keepalive_s < 10) return fail(Errc::invalid_argument, "--keepalive: 0 (off) or at least 10 seconds");
  if (o.answer_after_s < 0) return fail(Errc::invalid_argument, "--answer-after: must be >= 0 seconds");
  if (o.srtp == "off") c.media.mode = negotiation::SrtpMode::off;
  else if (o.srtp == "offer") c.media.mode = negotiation::SrtpMode::offer;
  else if (o.srtp == "require") c.media.mode = negotiation::SrtpMode::require;
  else return fail(Errc::invalid_argument, "--srtp: '" + o.srtp + "' is not one of off, offer, require");
  if (o.offer_profile == "savp") c.media.offer_profile = negotiation::OfferProfile::savp;
  else if (o.offer_profile == "avp") c.media.offer_profile = negotiation::OfferProfile::avp_with_crypto;
  else return fail(Errc::invalid_argument, "--srtp-offer: '" + o.offer_profile + "' is not savp or avp");
  if (!o.suites.empty()) {
    c.media.suites.clear();
    for (const std::string& name : o.suites) {
      const srtp::Suite* s = srtp::find_suite(name);
      if (s == nullptr) return fail(Errc::invalid_argument, "--suites: unknown suite '" + name + "'; valid: " + valid_suites());
      c.media.suites.push_back(s->id);
    }
  }
  c.media.allow_sdes_over_insecure_transport = o.allow_sdes_over_insecure_transport;
  if (o.srtp_min_kdr < 0 || o.srtp_min_kdr > 24) {
    return fail(Errc::invalid_argument, "--srtp-min-kdr: " + std::to_string(o.srtp_min_kdr) +
                                            " is out of range 0..24 (the RFC 4568 KDR exponent)");
  }
  c.media.min_kdr = static_cast<std::uint8_t>(o.srtp_min_kdr);
  if (Status st = negotiation::validate(c.media); !st) return fail(Errc::invalid_argument, "--suites/--srtp: " + st.error().context);
  if (!o.codecs.empty()) {
    c.codecs.clear();
    for (std::string name : o.codecs) {
      for (char& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (name != "PCMU" && name != "PCMA") return fail(Errc::invalid_argument, "--codecs: unknown codec '" + name + "'; valid: PCMU, PCMA");
      if (std::find(c.codecs.begin(), c.codecs.end(), name) == c.codecs.end()) c.codecs.push_back(name);
    }
  }
  if (o.duration_s < 0) return fail(Errc::invalid_argument, "--duration: must be >= 0 seconds");
  if (o.hold_at_s < 0 || o.resume_at_s < 0) return fail(Errc::invalid_argument, "--hold-at/--resume-at: must be >= 0 seconds");
  if (o.resume_at_s > 0 && o.resume_at_s <= o.hold_at_s) {
    return fail(Errc::invalid_argument, "--resume-at must come after --hold-at");
  }
  if (o.timeout_s <= 0) return fail(Errc::invalid_argument, "--timeout: must be > 0 seconds");
  if (!o.transfer_to.empty()) {
    if (o.mode == PhoneMode::register_) return fail(Errc::invalid_argument, "--transfer-to: only with `call` or `listen`");
    auto u = sip::parse_uri(o.transfer_to);
    if (!u) return fail(Errc::invalid_argument, "--transfer-to: '" + o.transfer_to + "': " + u.error().context);
    c.transfer_to = *u;
  }
  if (o.transfer_at_s < 0) return fail(Errc::invalid_argument, "--transfer-at: must be >= 0 seconds");
  if (!(o.transfer_timeout_s > 0) || o.transfer_timeout_s > 3600) {
    return fail(Errc::invalid_argument, "--transfer-timeout: a number of seconds > 0 and at most 3600");
  }
  if (o.duration_s > 0 && c.transfer_to && o.transfer_at_s >= o.duration_s) {
    return fail(Errc::invalid_argument, "--transfer-at must come before --duration ends the call");
  }
  if (o.max_connections < 1) return fail(Errc::invalid_argument, "--max-connections: must be at least 1");
  for (auto [flag, v, zero_ok] : {std::tuple{"--tls-handshake-timeout", o.tls_handshake_timeout_s, false},
                                  std::tuple{"--first-message-timeout", o.first_message_timeout_s, false},
                                  std::tuple{"--message-timeout", o.message_timeout_s, false},
                                  std::tuple{"--idle-timeout", o.idle_timeout_s, true}}) {
    if (!(v > 0 || (zero_ok && v == 0)) || v > 86400) {
      return fail(Errc::invalid_argument, std::string(flag) + ": " + (zero_ok ? "0 (never) or " : "") +
                                              "a number of seconds > 0 and at most 86400");
    }
  }
  for (char ch : o.dtmf) {
    if (std::string_view("0123456789*#ABCD").find(ch) == std::string_view::npos) {
      return fail(Errc::invalid_argument, std::string("--dtmf: '") + ch + "' is not a DTMF digit (0-9 * # A-D)");
    }
  }
  return c;
}

}  // namespace sotto::phone
