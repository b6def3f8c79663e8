// libsrtp2 adapter: our Policy -> srtp_policy_t, packet calls with capacity checks libsrtp lacks.
#include "interop/libsrtp/libsrtp_session.hpp"

#include <srtp2/crypto_types.h>
#include <srtp2/srtp.h>

#include <array>
#include <climits>
#include <mutex>
#include <string>
#include <vector>

#include "base/secure_bytes.hpp"

namespace sotto::interop {
namespace {

using srtp::SuiteId;

constexpr std::array<std::string_view, 28> kStatusNames{
    "srtp_err_status_ok",          "srtp_err_status_fail",        "srtp_err_status_bad_param",
    "srtp_err_status_alloc_fail",  "srtp_err_status_dealloc_fail", "srtp_err_status_init_fail",
    "srtp_err_status_terminus",    "srtp_err_status_auth_fail",   "srtp_err_status_cipher_fail",
    "srtp_err_status_replay_fail", "srtp_err_status_replay_old",  "srtp_err_status_algo_fail",
    "srtp_err_status_no_such_op",  "srtp_err_status_no_ctx",      "srtp_err_status_cant_check",
    "srtp_err_status_key_expired", "srtp_err_status_socket_err",  "srtp_err_status_signal_err",
    "srtp_err_status_nonce_bad",   "srtp_err_status_read_fail",   "srtp_err_status_write_fail",
    "srtp_err_status_parse_err",   "srtp_err_status_encode_err",  "srtp_err_status_semaphore_err",
    "srtp_err_status_pfkey_err",   "srtp_err_status_bad_mki",     "srtp_err_status_pkt_idx_old",
    "srtp_err_status_pkt_idx_adv",
};
static_assert(srtp_err_status_pkt_idx_adv == 27, "libsrtp status list changed");

srtp_err_status_t init_once() {
  static std::once_flag once;
  static srtp_err_status_t status = srtp_err_status_ok;
  std::call_once(once, [] { status = srtp_init(); });
  return status;
}

// The SRTP and SRTCP crypto policies for `id` (false when libsrtp lacks the suite).
bool crypto_policies(SuiteId id, srtp_crypto_policy_t& rtp, srtp_crypto_policy_t& rtcp) {
  switch (id) {
    case SuiteId::AES_CM_128_HMAC_SHA1_80:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&rtcp);
      return true;
    case SuiteId::AES_CM_128_HMAC_SHA1_32:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&rtcp);
      return true;
    case SuiteId::AES_192_CM_HMAC_SHA1_80:
      srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(&rtp);
      srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(&rtcp);
      return true;
    case SuiteId::AES_192_CM_HMAC_SHA1_32:
      srtp_crypto_policy_set_aes_cm_192_hmac_sha1_32(&rtp);
      srtp_crypto_policy_set_aes_cm_192_hmac_sha1_80(&rtcp);
      return true;
    case SuiteId::AES_256_CM_HMAC_SHA1_80:
      srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&rtp);
      srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&rtcp);
      return true;
    case SuiteId::AES_256_CM_HMAC_SHA1_32:
      srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(&rtp);
      srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&rtcp);
      return true;
    case SuiteId::AEAD_AES_128_GCM:
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&rtcp);
      return true;
    case SuiteId::AEAD_AES_256_GCM:
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&rtp);
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&rtcp);
      return true;
    case SuiteId::AEAD_AES_128_GCM_8:
      srtp_crypto_policy_set_aes_gcm_128_8_auth(&rtp);
      srtp_crypto_policy_set_aes_gcm_128_8_auth(&rtcp);
      return true;
    case SuiteId::AEAD_AES_256_GCM_8:
      srtp_crypto_policy_set_aes_gcm_256_8_auth(&rtp);
      srtp_crypto_policy_set_aes_gcm_256_8_auth(&rtcp);
      return true;
    case SuiteId::AES_CM_128_NULL_AUTH:
      srtp_crypto_policy_set_aes_cm_128_null_auth(&rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&rtcp);
      return true;
    case SuiteId::NULL_HMAC_SHA1_80:
      srtp_crypto_policy_set_null_cipher_hmac_sha1_80(&rtp);
      srtp_crypto_policy_set_null_cipher_hmac_sha1_80(&rtcp);
      return true;
    case SuiteId::NULL_HMAC_SHA1_32:  // no setter in libsrtp; the _80 policy with a 4-byte tag
      srtp_crypto_policy_set_null_cipher_hmac_sha1_80(&rtp);
      rtp.auth_tag_len = 4;
      srtp_crypto_policy_set_null_cipher_hmac_sha1_80(&rtcp);
      return true;
    case SuiteId::F8_128_HMAC_SHA1_80:
      return false;
  }
  return false;
}

}  // namespace

std::string_view to_string(LibsrtpStatus s) noexcept {
  if (s.code >= 0 && static_cast<std::size_t>(s.code) < kStatusNames.size()) return kStatusNames[s.code];
  return "srtp_err_status_unknown";
}

bool libsrtp_supports(SuiteId id) noexcept {
  // libsrtp <= 2.5 keys AES-192 with the AES-256 PRF over key || salt (not RFC 6188 section 7):
  // its AES_192 suites do not interoperate with anyone else (libsrtp issue #763, fixed upstream in
  // 2025 by commit 6ad7749, after 2.5.0).
  if (id == SuiteId::AES_192_CM_HMAC_SHA1_80 || id == SuiteId::AES_192_CM_HMAC_SHA1_32) return false;
  srtp_crypto_policy_t rtp{};
  srtp_crypto_policy_t rtcp{};
  return crypto_policies(id, rtp, rtcp);
}

struct LibsrtpSession::Impl {
  srtp_t session = nullptr;
  const srtp::Suite* suite = nullptr;
  bool use_mki = false;
  std::size_t num_keys = 1;
  unsigned active = 0;
  std::size_t mki_len = 0;
  ~Impl() {
    if (session != nullptr) srtp_dealloc(session);
  }
};

Result<LibsrtpSession> LibsrtpSession::create(srtp::Direction dir, const srtp::Policy& policy) {
  if (auto st = init_once(); st != srtp_err_status_ok) {
    return fail(Errc::crypto_error, "srtp_init: " + std::string(to_string(LibsrtpStatus{st})));
  }
  const srtp::Suite& s = srtp::suite(policy.suite);
  srtp_policy_t p{};
  if (!libsrtp_supports(policy.suite) || !crypto_policies(policy.suite, p.rtp, p.rtcp)) {
    return fail(Errc::unsupported, std::string(s.name) + " is not supported (interoperably) by libsrtp 2.5");
  }
  if (policy.keys.empty() || policy.keys.size() > SRTP_MAX_NUM_MASTER_KEYS) {
    return fail(Errc::invalid_argument, "libsrtp: needs 1..16 master keys");
  }
  if (policy.kdr_exponent) return fail(Errc::invalid_argument, "libsrtp 2 has no key derivation rate");
  if (policy.replay_window < 64 || policy.replay_window >= 0x8000) {
    return fail(Errc::invalid_argument, "libsrtp: replay window must be 64..32767");
  }
  if (!policy.encrypt_rtp) p.rtp.sec_serv = static_cast<srtp_sec_serv_t>(p.rtp.sec_serv & ~sec_serv_conf);
  if (!policy.encrypt_rtcp) p.rtcp.sec_serv = static_cast<srtp_sec_serv_t>(p.rtcp.sec_serv & ~sec_serv_conf);
  if (!policy.authenticate_rtp) {
    if (s.auth == srtp::Auth::aead) return fail(Errc::invalid_argument, "UNAUTHENTICATED_SRTP with AEAD");
    p.rtp.auth_type = SRTP_NULL_AUTH;
    p.rtp.auth_key_len = 0;
    p.rtp.auth_tag_len = 0;
    p.rtp.sec_serv = static_cast<srtp_sec_serv_t>(p.rtp.sec_serv & ~sec_serv_auth);
  }

  auto impl = std::make_unique<Impl>();
  impl->suite = &s;
  impl->num_keys = policy.keys.size();
  impl->mki_len = policy.keys[0].mki.size();
  impl->use_mki = impl->mki_len != 0;
  if (!impl->use_mki && policy.keys.size() > 1) {
    return fail(Errc::invalid_argument, "libsrtp: several master keys need MKIs");
  }
  // libsrtp reads key || salt (salt 14 bytes, 12 for AEAD) from one buffer per master key.
  std::vector<SecureBytes> key_salt;
  std::vector<std::vector<std::uint8_t>> mkis;
  std::vector<srtp_master_key_t> masters(policy.keys.size());
  std::vector<srtp_master_key_t*> master_ptrs;
  for (std::size_t i = 0; i < policy.keys.size(); ++i) {
    const srtp::MasterKey& k = policy.keys[i];
    if (k.key.size() != s.master_key_len || k.salt.size() != s.master_salt_len) {
      return fail(Errc::invalid_argument, "libsrtp: key/salt length does not fit " + std::string(s.name));
    }
    if (k.mki.size() != impl->mki_len) return fail(Errc::invalid_argument, "libsrtp: MKI lengths differ");
    SecureBytes ks(SRTP_MAX_KEY_LEN);
    std::copy(k.key.span().begin(), k.key.span().end(), ks.data());
    std::copy(k.salt.span().begin(), k.salt.span().end(), ks.data() + k.key.size());
    key_salt.push_back(std::move(ks));
    mkis.push_back(k.mki);
  }
  for (std::size_t i = 0; i < masters.size(); ++i) {
    masters[i].key = key_salt[i].data();
    masters[i].mki_id = mkis[i].data();
    masters[i].mki_size = static_cast<unsigned>(mkis[i].size());
    master_ptrs.push_back(&masters[i]);
  }
  if (impl->use_mki) {
    p.keys = master_ptrs.data();
    p.num_master_keys = master_ptrs.size();
  } else {
    p.key = key_salt[0].data();
  }
  std::vector<int> enc_ids(policy.encrypted_header_ids.begin(), policy.encrypted_header_ids.end());
  if (!enc_ids.empty()) {
    p.enc_xtn_hdr = enc_ids.data();
    p.enc_xtn_hdr_count = static_cast<int>(enc_ids.size());
  }
  p.ssrc.type = dir == srtp::Direction::outbound ? ssrc_any_outbound : ssrc_any_inbound;
  p.window_size = policy.replay_window;
  p.allow_repeat_tx = 0;
  p.next = nullptr;
  if (auto st = srtp_create(&impl->session, &p); st != srtp_err_status_ok) {
    impl->session = nullptr;
    return fail(Errc::crypto_error, "srtp_create: " + std::string(to_string(LibsrtpStatus{st})));
  }
  return LibsrtpSession(std::move(impl));
}

LibsrtpSession::LibsrtpSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LibsrtpSession::LibsrtpSession(LibsrtpSession&&) noexcept = default;
LibsrtpSession& LibsrtpSession::operator=(LibsrtpSession&&) noexcept = default;
LibsrtpSession::~LibsrtpSession() = default;

std::size_t LibsrtpSession::max_trailer() noexcept { return SRTP_MAX_TRAILER_LEN + 4; }

namespace {
LibsrtpResult finish(srtp_err_status_t st, int len) noexcept {
  if (st != srtp_err_status_ok) return Unexpected(LibsrtpStatus{st});
  return static_cast<std::size_t>(len);
}
bool fits(std::span<std::uint8_t> buf, std::size_t len, std::size_t trailer) noexcept {
  return len <= buf.size() && buf.size() - len >= trailer && len < INT_MAX / 2;
}
}  // namespace

LibsrtpResult LibsrtpSession::protect_rtp(std::span<std::uint8_t> buf, std::size_t len) noexcept {
  const std::size_t tag = impl_->suite->auth == srtp::Auth::null ? 0 : impl_->suite->srtp_tag_len;
  if (!fits(buf, len, tag + impl_->mki_len)) return Unexpected(LibsrtpStatus{srtp_err_status_bad_param});
  int n = static_cast<int>(len);
  auto st = srtp_protect_mki(impl_->session, buf.data(), &n, impl_->use_mki ? 1 : 0, impl_->active);
  return finish(st, n);
}

LibsrtpResult LibsrtpSession::unprotect_rtp(std::span<std::uint8_t> buf, std::size_t len) noexcept {
  if (!fits(buf, len, 0)) return Unexpected(LibsrtpStatus{srtp_err_status_bad_param});
  int n = static_cast<int>(len);
  auto st = srtp_unprotect_mki(impl_->session, buf.data(), &n, impl_->use_mki ? 1 : 0);
  return finish(st, n);
}

LibsrtpResult LibsrtpSession::protect_rtcp(std::span<std::uint8_t> buf, std::size_t len) noexcept {
  if (!fits(buf, len, 4 + impl_->mki_len + impl_->suite->srtcp_tag_len)) {
    return Unexpected(LibsrtpStatus{srtp_err_status_bad_param});
  }
  int n = static_cast<int>(len);
  auto st = srtp_protect_rtcp_mki(impl_->session, buf.data(), &n, impl_->use_mki ? 1 : 0, impl_->active);
  return finish(st, n);
}

LibsrtpResult LibsrtpSession::unprotect_rtcp(std::span<std::uint8_t> buf, std::size_t len) noexcept {
  if (!fits(buf, len, 0)) return Unexpected(LibsrtpStatus{srtp_err_status_bad_param});
  int n = static_cast<int>(len);
  auto st = srtp_unprotect_rtcp_mki(impl_->session, buf.data(), &n, impl_->use_mki ? 1 : 0);
  return finish(st, n);
}

Status LibsrtpSession::set_active_key(std::size_t index) {
  if (index >= impl_->num_keys) return fail(Errc::invalid_argument, "libsrtp: no master key at that index");
  impl_->active = static_cast<unsigned>(index);
  return {};
}

std::optional<std::uint32_t> LibsrtpSession::roc(std::uint32_t ssrc) const noexcept {
  std::uint32_t r = 0;
  if (srtp_get_stream_roc(impl_->session, ssrc, &r) != srtp_err_status_ok) return std::nullopt;
  return r;
}

Status LibsrtpSession::set_roc(std::uint32_t ssrc, std::uint32_t roc) {
  if (auto st = srtp_set_stream_roc(impl_->session, ssrc, roc); st != srtp_err_status_ok) {
    return fail(Errc::not_found, "srtp_set_stream_roc: " + std::string(to_string(LibsrtpStatus{st})));
  }
  return {};
}

}  // namespace sotto::interop
