#include "core/tls/tls_stream.hpp"

#include <cstdio>
#include <utility>

#include "base/hex.hpp"
#include "core/tls/handshake.hpp"
#include "crypto/x509_summary.hpp"

namespace sotto::tls {
namespace {

constexpr std::uint8_t kChangeCipherSpec = 20;
constexpr std::uint8_t kAlert = 21;
constexpr std::uint8_t kHandshake = 22;
constexpr std::uint8_t kApplicationData = 23;
constexpr std::uint8_t kHeartbeat = 24;
constexpr std::uint16_t kTls13 = 0x0304;

const char* side(bool from_client) { return from_client ? "client" : "server"; }
std::string at(std::uint64_t frame) { return " at frame " + std::to_string(frame); }

const char* alert_name(std::uint8_t d) {
  switch (d) {
    case 0: return "close_notify";
    case 10: return "unexpected_message";
    case 20: return "bad_record_mac";
    case 40: return "handshake_failure";
    case 42: return "bad_certificate";
    case 43: return "unsupported_certificate";
    case 44: return "certificate_revoked";
    case 45: return "certificate_expired";
    case 46: return "certificate_unknown";
    case 47: return "illegal_parameter";
    case 48: return "unknown_ca";
    case 50: return "decode_error";
    case 51: return "decrypt_error";
    case 70: return "protocol_version";
    case 71: return "insufficient_security";
    case 80: return "internal_error";
    case 86: return "inappropriate_fallback";
    case 90: return "user_canceled";
    case 109: return "missing_extension";
    case 112: return "unrecognized_name";
    case 116: return "certificate_required";
    default: return "unknown";
  }
}

}  // namespace

TlsStream::TlsStream(const KeyLog* keys) : keys_(keys) {}
TlsStream::TlsStream(TlsStream&&) noexcept = default;
TlsStream& TlsStream::operator=(TlsStream&&) noexcept = default;
TlsStream::~TlsStream() = default;

std::vector<Plaintext> TlsStream::take_plaintext() { return std::exchange(plaintext_, {}); }

void TlsStream::set_error(std::string what) {
  if (summary_.error.empty()) summary_.error = std::move(what);
}

void TlsStream::feed(bool from_client, std::span<const std::uint8_t> bytes, std::uint64_t frame) {
  if (!seen_any_) {
    seen_any_ = true;
    summary_.first_frame = frame;
  }
  Direction& d = dir(from_client);
  if (d.broken || bytes.empty()) return;
  d.buf.insert(d.buf.end(), bytes.begin(), bytes.end());
  std::size_t pos = 0;
  while (d.buf.size() - pos >= 5 && !d.broken) {
    const std::uint8_t* h = d.buf.data() + pos;
    const std::uint8_t type = h[0];
    const auto version = static_cast<std::uint16_t>(h[1] << 8 | h[2]);
    const std::size_t len = static_cast<std::size_t>(h[3] << 8 | h[4]);
    if (type < kChangeCipherSpec || type > kHeartbeat || (h[1] != 0x03 && h[1] != 0x02)) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "record type 0x%02x version 0x%04x", type, version);
      set_error(std::string(buf) + " from " + side(from_client) + at(frame) + " is not TLS");
      d.broken = true;
      break;
    }
    if (len > kMaxRecord) {
      set_error("record of " + std::to_string(len) + " bytes from " + side(from_client) + at(frame) +
                " exceeds 2^14+2048");
      d.broken = true;
      break;
    }
    if (d.buf.size() - pos < 5 + len) break;
    Record r{type, version, std::vector<std::uint8_t>(h + 5, h + 5 + len), frame};
    pos += 5 + len;
    record(from_client, std::move(r));
  }
  if (d.broken) {
    d.buf.clear();
    d.buf.shrink_to_fit();
    d.hs.clear();
    return;
  }
  d.buf.erase(d.buf.begin(), d.buf.begin() + static_cast<std::ptrdiff_t>(pos));
}

void TlsStream::record(bool from_client, Record r) {
  Direction& d = dir(from_client);
  // The client's records after its ClientHello depend on the ServerHello (version, suite, keys):
  // hold them in case the caller feeds the client's bytes ahead of the server's.
  if (from_client && client_hello_ && !server_hello_) {
    d.pending_bytes += r.body.size() + 5;
    if (d.pending_bytes > kMaxPending) {
      set_error("client sent more than " + std::to_string(kMaxPending) + " bytes before the ServerHello" +
                at(r.frame));
      d.broken = true;
      return;
    }
    d.pending.push_back(std::move(r));
    return;
  }
  // Likewise the server's records wait for the ClientHello (its random finds the keys), but only so
  // long: a capture that missed the ClientHello still shows the server's version, suite and certificate.
  if (!from_client && !client_hello_ && !gave_up_on_client_hello_) {
    d.pending_bytes += r.body.size() + 5;
    d.pending.push_back(std::move(r));
    if (d.pending_bytes > kMaxServerWait) {
      gave_up_on_client_hello_ = true;
      set_error("no ClientHello before the server's first " + std::to_string(kMaxServerWait) + " bytes" +
                at(d.pending.back().frame));
      replay(false);
    }
    return;
  }
  handle(from_client, r);
}

void TlsStream::replay(bool from_client) {
  Direction& d = dir(from_client);
  auto pending = std::exchange(d.pending, {});
  d.pending_bytes = 0;
  for (Record& r : pending) record(from_client, std::move(r));
}

void TlsStream::handle(bool from_client, Record& r) {
  Direction& d = dir(from_client);
  if (d.broken) return;
  if (r.type == kChangeCipherSpec) {
    if (tls13_) return;  // middlebox compatibility (RFC 8446 D.4): not a key change
    d.protected_ = true;
    d.cipher = std::move(d.next);
    d.next.reset();
    return;
  }
  if (r.type == kHeartbeat) return;
  if (d.protected_) {
    if (!d.cipher) {  // no keys: what the record types still tell
      if (!d.finished && (tls13_ ? (from_client && r.type == kApplicationData) : r.type == kHandshake)) {
        d.finished = true;
        update_complete();
      }
      return;
    }
    auto opened = d.cipher->open(r.type, r.version, r.body);
    if (!opened) {
      set_error(opened.error().context + " from " + side(from_client) + at(r.frame));
      d.broken = true;
      return;
    }
    ++summary_.records_decrypted;
    switch (opened->type) {
      case kHandshake: handshake_bytes(from_client, opened->bytes, r.frame); break;
      case kApplicationData:
        summary_.decrypted = true;
        if (!opened->bytes.empty()) plaintext_.push_back(Plaintext{from_client, r.frame, std::move(opened->bytes)});
        break;
      case kAlert: alert(from_client, opened->bytes); break;
      default:
        set_error("decrypted record of inner type " + std::to_string(opened->type) + " from " + side(from_client) +
                  at(r.frame));
        d.broken = true;
    }
    return;
  }
  switch (r.type) {
    case kHandshake: handshake_bytes(from_client, r.body, r.frame); break;
    case kAlert: alert(from_client, r.body); break;
    default:
      set_error(std::string("application data from ") + side(from_client) + at(r.frame) +
                " before the handshake protected it");
      d.broken = true;
  }
}

void TlsStream::alert(bool from_client, std::span<const std::uint8_t> bytes) {
  if (bytes.size() < 2 || bytes[1] == 0 || !summary_.alert.empty()) return;  // close_notify is routine
  summary_.alert = std::string(bytes[0] == 2 ? "fatal" : "warning") + " alert " + std::to_string(bytes[1]) + " (" +
                   alert_name(bytes[1]) + ") from " + side(from_client);
}

void TlsStream::handshake_bytes(bool from_client, std::span<const std::uint8_t> bytes, std::uint64_t frame) {
  Direction& d = dir(from_client);
  d.hs.insert(d.hs.end(), bytes.begin(), bytes.end());
  // Each message leaves the buffer before it is handled: handling one can replay held records of this
  // direction (a ClientHello releases the server's, whose ServerHello releases the client's), which
  // append here; nothing may point into the buffer meanwhile.
  while (d.hs.size() >= 4 && !d.broken) {
    const std::size_t len = static_cast<std::size_t>(d.hs[1] << 16 | d.hs[2] << 8 | d.hs[3]);
    if (len > kMaxHandshake) {
      set_error("handshake message of " + std::to_string(len) + " bytes from " + side(from_client) + at(frame) +
                " exceeds " + std::to_string(kMaxHandshake));
      d.broken = true;
      break;
    }
    if (d.hs.size() < 4 + len) break;
    const std::uint8_t type = d.hs[0];
    std::vector<std::uint8_t> body(d.hs.begin() + 4, d.hs.begin() + 4 + static_cast<std::ptrdiff_t>(len));
    d.hs.erase(d.hs.begin(), d.hs.begin() + 4 + static_cast<std::ptrdiff_t>(len));
    handshake_message(from_client, type, body, frame);
  }
  if (d.broken) d.hs.clear();
}

void TlsStream::handshake_message(bool from_client, std::uint8_t type, std::span<const std::uint8_t> body,
                                  std::uint64_t frame) {
  const auto t = static_cast<HandshakeType>(type);
  if (from_client && t == HandshakeType::client_hello) {
    auto ch = parse_client_hello(body);
    if (!ch) {
      set_error(ch.error().context + at(frame));
      client_.broken = true;
      return;
    }
    client_random_ = ch->random;
    summary_.sni = ch->sni;
    summary_.offered_versions.clear();
    for (std::uint16_t v : ch->offered_versions) summary_.offered_versions.push_back(version_name(v));
    client_hello_ = true;
    replay(false);
    return;
  }
  if (!from_client && t == HandshakeType::server_hello) return on_server_hello(body, frame);
  if (!from_client && t == HandshakeType::certificate) return on_certificate(body, frame);
  if (t == HandshakeType::finished) return on_finished(from_client);
  if (t == HandshakeType::key_update && tls13_) {
    Direction& d = dir(from_client);
    if (d.cipher) {
      if (auto st = d.cipher->key_update(); !st) {
        set_error("KeyUpdate from " + std::string(side(from_client)) + at(frame) + ": " + st.error().context);
        d.broken = true;
      }
    }
  }
}

void TlsStream::on_server_hello(std::span<const std::uint8_t> body, std::uint64_t frame) {
  auto sh = parse_server_hello(body);
  if (!sh) {
    set_error(sh.error().context + at(frame));
    server_.broken = true;
    return;
  }
  version_ = sh->version;
  tls13_ = version_ == kTls13;
  summary_.version = version_name(version_);
  suite_ = find_cipher_suite(sh->cipher_suite);
  summary_.cipher_suite = cipher_suite_name(sh->cipher_suite);
  summary_.forward_secrecy = tls13_ || (suite_ != nullptr && suite_->forward_secrecy);
  summary_.weak_cipher = suite_ != nullptr && suite_->weak;
  if (sh->hello_retry_request) {
    // RFC 8446 4.1.4: the client answers with a second ClientHello in the clear.
    summary_.hello_retry_request = true;
    client_hello_ = false;
    replay(true);
    return;
  }
  server_hello_ = true;
  if (keys_ != nullptr) {
    secrets_ = keys_->find(client_random_);
    const std::string no_key = "no key for client random " +
                               to_hex(std::span<const std::uint8_t>(client_random_.data(), 8)) + "..";
    if (tls13_) {
      if (secrets_ == nullptr || secrets_->client_handshake_secret.empty() ||
          secrets_->server_handshake_secret.empty()) {
        set_error(no_key + " (TLS 1.3 handshake traffic secrets)");
        secrets_ = nullptr;
      } else if (suite_ != nullptr) {
        install_tls13(true, secrets_->client_handshake_secret, "CLIENT_HANDSHAKE_TRAFFIC_SECRET");
        install_tls13(false, secrets_->server_handshake_secret, "SERVER_HANDSHAKE_TRAFFIC_SECRET");
      } else {
        set_error("cannot decrypt unknown cipher suite " + summary_.cipher_suite);
      }
    } else if (secrets_ == nullptr || secrets_->master_secret.empty()) {
      set_error(no_key + " (CLIENT_RANDOM)");
      secrets_ = nullptr;
    } else if (suite_ == nullptr) {
      set_error("cannot decrypt unknown cipher suite " + summary_.cipher_suite);
    } else {
      auto k = derive_tls12_keys(*suite_, secrets_->master_secret.span(), client_random_, sh->random);
      if (!k) {
        set_error(k.error().context);
      } else {
        client_.next = std::move(k->client);
        server_.next = std::move(k->server);
      }
    }
  }
  if (tls13_) {  // everything after the ServerHello is protected (RFC 8446 2)
    client_.protected_ = true;
    server_.protected_ = true;
  }
  replay(true);
}

void TlsStream::install_tls13(bool from_client, const SecureBytes& secret, const char* label) {
  Direction& d = dir(from_client);
  d.cipher.reset();
  if (secret.empty()) {
    set_error(std::string("no ") + label + " for client random " +
              to_hex(std::span<const std::uint8_t>(client_random_.data(), 8)) + "..");
    return;
  }
  auto c = RecordCipher::tls13(*suite_, secret.span());
  if (!c) {
    set_error(c.error().context);
    return;
  }
  d.cipher = std::move(c).value();
}

void TlsStream::on_certificate(std::span<const std::uint8_t> body, std::uint64_t frame) {
  auto list = parse_certificate_list(body, tls13_);
  if (!list) {
    set_error(list.error().context + at(frame));
    return;
  }
  summary_.certificates.clear();
  for (std::size_t i = 0; i < list->size(); ++i) {
    auto s = crypto::summarize_certificate((*list)[i]);
    if (!s) {
      set_error("certificate " + std::to_string(i + 1) + at(frame) + ": " + s.error().context);
      continue;
    }
    summary_.certificates.push_back(CertificateInfo{s->subject, s->issuer, s->not_before, s->not_after,
                                                    s->self_signed, s->key_type, s->key_bits, frame});
  }
}

void TlsStream::on_finished(bool from_client) {
  Direction& d = dir(from_client);
  d.finished = true;
  if (tls13_ && secrets_ != nullptr && suite_ != nullptr) {
    // RFC 8446 7.1: after Finished each side protects application data with its traffic secret 0.
    if (from_client) {
      install_tls13(true, secrets_->client_traffic_secret_0, "CLIENT_TRAFFIC_SECRET_0");
    } else {
      install_tls13(false, secrets_->server_traffic_secret_0, "SERVER_TRAFFIC_SECRET_0");
    }
  }
  update_complete();
}

void TlsStream::update_complete() {
  summary_.handshake_complete = tls13_ ? client_.finished : client_.finished && server_.finished;
}

}  // namespace sotto::tls
