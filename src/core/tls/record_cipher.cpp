#include "core/tls/record_cipher.hpp"

#include <string>

#include "crypto/tls_kdf.hpp"

namespace sotto::tls {
namespace {

constexpr std::size_t kTag = crypto::Aead::kTagSize;
constexpr std::size_t kExplicitNonce = 8;  // RFC 5288 3

void put64(std::uint8_t* p, std::uint64_t v) {
  for (int i = 7; i >= 0; --i) {
    p[i] = static_cast<std::uint8_t>(v);
    v >>= 8;
  }
}

Status unsupported(const CipherSuite& suite) {
  return fail(Errc::unsupported, "cannot decrypt " + std::string(suite.name) + " (AES-GCM and ChaCha20-Poly1305 only)");
}

}  // namespace

Result<RecordCipher> RecordCipher::tls12(const CipherSuite& suite, std::span<const std::uint8_t> key,
                                         std::span<const std::uint8_t> fixed_iv) {
  if (!suite.aead || suite.tls13) return Unexpected(unsupported(suite).error());
  if (fixed_iv.size() != suite.fixed_iv_size) return fail(Errc::invalid_argument, "TLS 1.2 fixed IV has the wrong size");
  auto aead = crypto::Aead::create(*suite.aead, key);
  if (!aead) return Unexpected(aead.error());
  return RecordCipher(suite, std::move(aead).value(), SecureBytes(fixed_iv), SecureBytes(), false);
}

Result<RecordCipher> RecordCipher::tls13(const CipherSuite& suite, std::span<const std::uint8_t> traffic_secret) {
  if (!suite.aead || !suite.tls13) return Unexpected(unsupported(suite).error());
  if (traffic_secret.size() != crypto::digest_size(suite.prf)) {
    return fail(Errc::malformed_input, "traffic secret of " + std::to_string(traffic_secret.size()) + " bytes for " +
                                           std::string(suite.name));
  }
  // RFC 8446 7.3: [sender]_write_key / _iv = HKDF-Expand-Label(Secret, "key"/"iv", "", length).
  auto key = crypto::hkdf_expand_label(suite.prf, traffic_secret, "key", {}, crypto::aead_key_size(*suite.aead));
  if (!key) return Unexpected(key.error());
  auto iv = crypto::hkdf_expand_label(suite.prf, traffic_secret, "iv", {}, crypto::Aead::kNonceSize);
  if (!iv) return Unexpected(iv.error());
  auto aead = crypto::Aead::create(*suite.aead, key->span());
  if (!aead) return Unexpected(aead.error());
  return RecordCipher(suite, std::move(aead).value(), std::move(iv).value(), SecureBytes(traffic_secret), true);
}

Status RecordCipher::key_update() {
  if (!tls13_) return fail(Errc::invalid_state, "KeyUpdate outside TLS 1.3");
  auto next = crypto::hkdf_expand_label(suite_->prf, secret_.span(), "traffic upd", {}, secret_.size());
  if (!next) return Unexpected(next.error());
  auto c = tls13(*suite_, next->span());
  if (!c) return Unexpected(c.error());
  *this = std::move(c).value();
  return {};
}

Result<OpenedRecord> RecordCipher::open(std::uint8_t type, std::uint16_t version,
                                        std::span<const std::uint8_t> fragment) {
  std::array<std::uint8_t, crypto::Aead::kNonceSize> nonce{};
  std::array<std::uint8_t, 13> aad{};
  std::span<const std::uint8_t> aad_span;
  std::span<const std::uint8_t> body;
  const bool explicit_nonce = !tls13_ && suite_->fixed_iv_size == 4;
  const std::size_t overhead = kTag + (explicit_nonce ? kExplicitNonce : 0);
  if (fragment.size() < overhead + (tls13_ ? 1 : 0)) {
    return fail(Errc::malformed_input, "protected record of " + std::to_string(fragment.size()) +
                                           " bytes is shorter than its nonce and tag");
  }
  if (explicit_nonce) {
    // RFC 5288 3: nonce = client/server_write_IV (4) || explicit nonce (8) carried in the record.
    std::copy(iv_.data(), iv_.data() + 4, nonce.begin());
    std::copy(fragment.begin(), fragment.begin() + kExplicitNonce, nonce.begin() + 4);
    body = fragment.subspan(kExplicitNonce);
  } else {
    // RFC 7905 2 / RFC 8446 5.3: nonce = IV xor (sequence number, left-padded to 12 bytes).
    std::copy(iv_.data(), iv_.data() + 12, nonce.begin());
    std::array<std::uint8_t, 8> s{};
    put64(s.data(), seq_);
    for (std::size_t i = 0; i < 8; ++i) nonce[4 + i] ^= s[i];
    body = fragment;
  }
  const std::size_t plain_len = body.size() - kTag;
  if (tls13_) {
    // RFC 8446 5.2: additional_data = the record header as sent.
    aad[0] = type;
    aad[1] = static_cast<std::uint8_t>(version >> 8);
    aad[2] = static_cast<std::uint8_t>(version);
    aad[3] = static_cast<std::uint8_t>(fragment.size() >> 8);
    aad[4] = static_cast<std::uint8_t>(fragment.size());
    aad_span = std::span<const std::uint8_t>(aad.data(), 5);
  } else {
    // RFC 5246 6.2.3.3: additional_data = seq_num + type + version + length (of the plaintext).
    put64(aad.data(), seq_);
    aad[8] = type;
    aad[9] = static_cast<std::uint8_t>(version >> 8);
    aad[10] = static_cast<std::uint8_t>(version);
    aad[11] = static_cast<std::uint8_t>(plain_len >> 8);
    aad[12] = static_cast<std::uint8_t>(plain_len);
    aad_span = aad;
  }
  OpenedRecord out;
  out.bytes.assign(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(plain_len));
  std::array<std::uint8_t, kTag> tag{};
  std::copy(body.end() - kTag, body.end(), tag.begin());
  if (!aead_.open(nonce, aad_span, out.bytes, tag)) {
    return fail(Errc::malformed_input, "bad record MAC (record " + std::to_string(seq_) + ")");
  }
  ++seq_;
  if (!tls13_) {
    out.type = type;
    return out;
  }
  // TLSInnerPlaintext: content || ContentType || zeros (RFC 8446 5.2); the type is the last non-zero byte.
  while (!out.bytes.empty() && out.bytes.back() == 0) out.bytes.pop_back();
  if (out.bytes.empty()) return fail(Errc::malformed_input, "TLS 1.3 record with no inner content type");
  out.type = out.bytes.back();
  out.bytes.pop_back();
  return out;
}

Result<Tls12Keys> derive_tls12_keys(const CipherSuite& suite, std::span<const std::uint8_t> master_secret,
                                    std::span<const std::uint8_t> client_random,
                                    std::span<const std::uint8_t> server_random) {
  if (!suite.aead || suite.tls13) return Unexpected(unsupported(suite).error());
  const std::size_t key_len = crypto::aead_key_size(*suite.aead);
  const std::size_t iv_len = suite.fixed_iv_size;
  std::vector<std::uint8_t> seed(server_random.begin(), server_random.end());
  seed.insert(seed.end(), client_random.begin(), client_random.end());
  // AEAD suites have no MAC keys: key_block = client_write_key, server_write_key, client_write_IV, server_write_IV.
  auto block = crypto::tls12_prf(suite.prf, master_secret, "key expansion", seed, 2 * key_len + 2 * iv_len);
  if (!block) return Unexpected(block.error());
  const std::uint8_t* p = block->data();
  auto client = RecordCipher::tls12(suite, {p, key_len}, {p + 2 * key_len, iv_len});
  if (!client) return Unexpected(client.error());
  auto server = RecordCipher::tls12(suite, {p + key_len, key_len}, {p + 2 * key_len + iv_len, iv_len});
  if (!server) return Unexpected(server.error());
  return Tls12Keys{std::move(client).value(), std::move(server).value()};
}

}  // namespace sotto::tls
