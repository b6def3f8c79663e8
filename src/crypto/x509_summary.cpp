#include "crypto/x509_summary.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <climits>
#include <cstdio>
#include <ctime>

#include "base/hex.hpp"

namespace sotto::crypto {
namespace {

std::string name_line(const X509_NAME* name) {
  BIO* bio = BIO_new(BIO_s_mem());
  if (bio == nullptr) return {};
  X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* p = nullptr;
  const long n = BIO_get_mem_data(bio, &p);
  std::string out(p, n > 0 ? static_cast<std::size_t>(n) : 0);
  BIO_free(bio);
  return out;
}

std::string iso_time(const ASN1_TIME* t) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return {};
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string key_type(EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA: case EVP_PKEY_RSA_PSS: return "RSA";
    case EVP_PKEY_DSA: return "DSA";
    case EVP_PKEY_ED25519: return "Ed25519";
    case EVP_PKEY_ED448: return "Ed448";
    case EVP_PKEY_EC: {
      char group[64] = {0};
      std::size_t len = 0;
      if (EVP_PKEY_get_group_name(key, group, sizeof group, &len) == 1) {
        const int nid = OBJ_sn2nid(group);
        const char* nist = nid != NID_undef ? EC_curve_nid2nist(nid) : nullptr;
        return std::string("EC ") + (nist != nullptr ? nist : group);
      }
      return "EC";
    }
    default: {
      const char* n = OBJ_nid2sn(EVP_PKEY_get_base_id(key));
      return n != nullptr ? n : "unknown";
    }
  }
}

}  // namespace

Result<X509Summary> summarize_certificate(std::span<const std::uint8_t> der) {
  if (der.empty() || der.size() > INT_MAX) return fail(Errc::malformed_input, "certificate: empty or oversized DER");
  const unsigned char* p = der.data();
  X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
  if (x == nullptr) return fail(Errc::malformed_input, "certificate: DER does not parse as X.509");
  X509Summary s;
  s.subject = name_line(X509_get_subject_name(x));
  s.issuer = name_line(X509_get_issuer_name(x));
  s.not_before = iso_time(X509_get0_notBefore(x));
  s.not_after = iso_time(X509_get0_notAfter(x));
  EVP_PKEY* key = X509_get0_pubkey(x);
  if (key != nullptr) {
    s.key_type = key_type(key);
    s.key_bits = EVP_PKEY_get_bits(key);
    s.self_signed = X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) == 0 && X509_verify(x, key) == 1;
  }
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  if (X509_digest(x, EVP_sha256(), md, &md_len) == 1) s.sha256_fingerprint = to_hex(std::span<const std::uint8_t>(md, md_len));
  X509_free(x);
  return s;
}

}  // namespace sotto::crypto
