// X.509 v3 certificate issuing with OpenSSL 3 (RFC 5280). Every OpenSSL object is owned by a
// unique_ptr with its free function, so each early error return releases what was allocated; private
// keys only ever live in EVP_PKEY (freed with EVP_PKEY_free, which clears key material) and in secure-heap
// memory BIOs.

#include "crypto/cert_builder.hpp"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "crypto/random.hpp"

namespace sotto::crypto {
namespace {

template <auto Fn>
struct Deleter {
  template <class T>
  void operator()(T* p) const noexcept { Fn(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using GensPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION_free>>;

std::string openssl_reason() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "no OpenSSL error queued";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

Unexpected<Error> ossl_fail(std::string what) {
  return fail(Errc::crypto_error, "CertBuilder: " + what + ": " + openssl_reason());
}

PkeyPtr generate_key(KeyType t) {
  switch (t) {
    case KeyType::ec_p256: return PkeyPtr(EVP_EC_gen("P-256"));
    case KeyType::rsa2048: return PkeyPtr(EVP_RSA_gen(2048));
  }
  return nullptr;
}

// Private key to PEM through a secure-heap BIO, so no copy of it is left in ordinary freed memory.
Result<SecureBytes> key_to_pem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return ossl_fail("cannot encode private key");
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return SecureBytes(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(data),
                                                   static_cast<std::size_t>(n)));
}

Result<std::string> cert_to_pem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return ossl_fail("cannot encode certificate");
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

X509Ptr parse_cert(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return nullptr;
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

PkeyPtr parse_key(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return nullptr;
  return PkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

// Adds one extension written in OpenSSL's config syntax; only used with fixed strings, never user input.
bool add_ext(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  ExtPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

bool push_ia5(GENERAL_NAMES* gens, int type, const std::string& value) {
  GENERAL_NAME* gn = GENERAL_NAME_new();
  ASN1_IA5STRING* s = ASN1_IA5STRING_new();
  if (gn == nullptr || s == nullptr ||
      ASN1_STRING_set(s, value.data(), static_cast<int>(value.size())) != 1) {
    GENERAL_NAME_free(gn);
    ASN1_IA5STRING_free(s);
    return false;
  }
  GENERAL_NAME_set0_value(gn, type, s);
  if (sk_GENERAL_NAME_push(gens, gn) == 0) {
    GENERAL_NAME_free(gn);
    return false;
  }
  return true;
}

Status write_file(const std::filesystem::path& path, std::string_view a, std::string_view b, int mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return fail(Errc::io_error, "cannot create " + path.string() + ": " + std::strerror(errno));
  bool ok = true;
  for (std::string_view part : {a, b}) {
    while (ok && !part.empty()) {
      const ssize_t n = ::write(fd, part.data(), part.size());
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        ok = false;
        break;
      }
      part.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  const int err = errno;
  if (::close(fd) != 0) ok = false;
  if (!ok) return fail(Errc::io_error, "cannot write " + path.string() + ": " + std::strerror(err));
  return {};
}

}  // namespace

Result<IssuedCertificate> IssuedCertificate::from_pem(std::string cert_pem, std::string_view key_pem) {
  X509Ptr cert = parse_cert(cert_pem);
  if (!cert) return fail(Errc::malformed_input, "certificate PEM does not parse: " + openssl_reason());
  PkeyPtr key = parse_key(key_pem);
  if (!key) return fail(Errc::malformed_input, "private key PEM does not parse: " + openssl_reason());
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return fail(Errc::invalid_argument, "private key does not match the certificate");
  }
  auto key_bytes = key_to_pem(key.get());  // re-encoded into wiped memory
  if (!key_bytes) return Unexpected(key_bytes.error());
  return IssuedCertificate(std::move(cert_pem), std::move(*key_bytes));
}

Status IssuedCertificate::write_cert_pem(const std::filesystem::path& path) const {
  return write_file(path, cert_pem_, {}, 0644);
}

Status IssuedCertificate::write_key_pem(const std::filesystem::path& path) const {
  return write_file(path, key_pem(), {}, 0600);
}

Status IssuedCertificate::write_combined_pem(const std::filesystem::path& path) const {
  return write_file(path, cert_pem_, key_pem(), 0600);
}

Result<std::vector<std::string>> bundle_roots_pem(std::string_view bundle_pem) {
  constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  std::vector<std::pair<std::string, X509Ptr>> certs;
  std::size_t pos = 0;
  while ((pos = bundle_pem.find(kBegin, pos)) != std::string_view::npos) {
    const auto end = bundle_pem.find(kEnd, pos);
    if (end == std::string_view::npos) {
      return fail(Errc::malformed_input, "certificate " + std::to_string(certs.size() + 1) + " has no END line");
    }
    std::string pem(bundle_pem.substr(pos, end + kEnd.size() - pos));
    pem += '\n';
    X509Ptr x = parse_cert(pem);
    if (!x) {
      return fail(Errc::malformed_input,
                  "certificate " + std::to_string(certs.size() + 1) + " does not parse: " + openssl_reason());
    }
    certs.emplace_back(std::move(pem), std::move(x));
    pos = end + kEnd.size();
  }
  if (certs.empty()) return fail(Errc::malformed_input, "no PEM certificate (-----BEGIN CERTIFICATE-----) found");
  std::vector<std::string> roots;
  for (const auto& [pem, x] : certs) {
    const X509_NAME* issuer = X509_get_issuer_name(x.get());
    bool issuer_in_bundle = false;
    for (const auto& [other_pem, other] : certs) {
      if (other.get() != x.get() && X509_NAME_cmp(X509_get_subject_name(other.get()), issuer) == 0) {
        issuer_in_bundle = true;
      }
    }
    if (X509_NAME_cmp(X509_get_subject_name(x.get()), issuer) == 0 || !issuer_in_bundle) roots.push_back(pem);
  }
  return roots;
}

CertBuilder& CertBuilder::valid_days(int days) {
  const auto now = std::chrono::system_clock::now();
  not_before_ = now - std::chrono::hours(1);
  not_after_ = now + std::chrono::hours(24) * days;
  return *this;
}

Result<IssuedCertificate> CertBuilder::build() const {
  if (cn_.empty()) return fail(Errc::invalid_argument, "CertBuilder: common_name is required");
  if (is_ca_ && issuer_ != nullptr) {
    return fail(Errc::unsupported, "CertBuilder: intermediate CAs are not supported; a CA is self-signed");
  }
  const auto now = std::chrono::system_clock::now();
  const auto nb = not_before_.value_or(now - std::chrono::hours(1));
  const auto na = not_after_.value_or(now + std::chrono::hours(24 * 365));
  if (na <= nb) return fail(Errc::invalid_argument, "CertBuilder: not_after must be later than not_before");

  PkeyPtr key = generate_key(key_type_);
  if (!key) return ossl_fail("key generation failed");

  X509Ptr issuer_cert;
  PkeyPtr issuer_key;
  if (issuer_ != nullptr) {
    issuer_cert = parse_cert(issuer_->cert_pem());
    issuer_key = parse_key(issuer_->key_pem());
    if (!issuer_cert || !issuer_key) return ossl_fail("issuer PEM does not parse");
    if (X509_check_ca(issuer_cert.get()) == 0) {
      return fail(Errc::invalid_argument, "CertBuilder: issuer is not a CA certificate");
    }
  }

  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) return ossl_fail("X509_new");

  // RFC 5280 4.1.2.2: positive, at most 20 octets; 16 random bytes with the top bit clear.
  std::uint8_t serial[16];
  random_bytes(serial);
  serial[0] &= 0x7f;
  serial[0] |= 0x01;  // keep the length fixed at 16 octets
  BnPtr bn(BN_bin2bn(serial, sizeof serial, nullptr));
  if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    return ossl_fail("serial number");
  }

  std::time_t t_nb = std::chrono::system_clock::to_time_t(nb);
  std::time_t t_na = std::chrono::system_clock::to_time_t(na);
  if (ASN1_TIME_set(X509_getm_notBefore(cert.get()), t_nb) == nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert.get()), t_na) == nullptr) {
    return ossl_fail("validity");
  }

  X509_NAME* name = X509_get_subject_name(cert.get());
  if (!org_.empty() &&
      X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(org_.c_str()),
                                 -1, -1, 0) != 1) {
    return ossl_fail("subject O");
  }
  if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn_.c_str()),
                                 -1, -1, 0) != 1) {
    return ossl_fail("subject CN");
  }
  X509* signer_cert = issuer_cert ? issuer_cert.get() : cert.get();
  EVP_PKEY* signer_key = issuer_key ? issuer_key.get() : key.get();
  if (X509_set_issuer_name(cert.get(), X509_get_subject_name(signer_cert)) != 1 ||
      X509_set_pubkey(cert.get(), key.get()) != 1) {
    return ossl_fail("issuer/public key");
  }

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, signer_cert, cert.get(), nullptr, nullptr, 0);
  bool ok = add_ext(cert.get(), &ctx, NID_subject_key_identifier, "hash");
  if (is_ca_) {
    ok = ok && add_ext(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE") &&
         add_ext(cert.get(), &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    ok = ok && add_ext(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE") &&
         add_ext(cert.get(), &ctx, NID_key_usage,
                 key_type_ == KeyType::rsa2048 ? "critical,digitalSignature,keyEncipherment"
                                               : "critical,digitalSignature");
    const bool both = !server_auth_ && !client_auth_;
    std::string eku;
    if (server_auth_ || both) eku = "serverAuth";
    if (client_auth_ || both) eku += eku.empty() ? "clientAuth" : ",clientAuth";
    ok = ok && add_ext(cert.get(), &ctx, NID_ext_key_usage, eku.c_str());
  }
  if (issuer_cert) ok = ok && add_ext(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");
  if (!ok) return ossl_fail("X.509 v3 extensions");

  // subjectAltName built as GENERAL_NAMEs, not a config string, so a comma in a name cannot inject entries.
  if (!dns_.empty() || !ip_.empty() || !uri_.empty()) {
    GensPtr gens(sk_GENERAL_NAME_new_null());
    if (!gens) return ossl_fail("subjectAltName");
    for (const auto& d : dns_) {
      if (d.empty() || d.find_first_of(" \t\r\n,") != std::string::npos) {
        return fail(Errc::invalid_argument, "CertBuilder: DNS SAN '" + d + "' is not a host name");
      }
      if (!push_ia5(gens.get(), GEN_DNS, d)) return ossl_fail("DNS SAN");
    }
    for (const auto& u : uri_) {
      if (u.find(':') == std::string::npos) {
        return fail(Errc::invalid_argument, "CertBuilder: URI SAN '" + u + "' has no scheme (e.g. sip:example.com)");
      }
      if (!push_ia5(gens.get(), GEN_URI, u)) return ossl_fail("URI SAN");
    }
    for (const auto& a : ip_) {
      ASN1_OCTET_STRING* os = a2i_IPADDRESS(a.c_str());
      if (os == nullptr) {
        ERR_clear_error();
        return fail(Errc::invalid_argument, "CertBuilder: IP SAN '" + a + "' is not an IPv4 or IPv6 address");
      }
      GENERAL_NAME* gn = GENERAL_NAME_new();
      if (gn == nullptr) {
        ASN1_OCTET_STRING_free(os);
        return ossl_fail("IP SAN");
      }
      GENERAL_NAME_set0_value(gn, GEN_IPADD, os);
      if (sk_GENERAL_NAME_push(gens.get(), gn) == 0) {
        GENERAL_NAME_free(gn);
        return ossl_fail("IP SAN");
      }
    }
    if (X509_add1_ext_i2d(cert.get(), NID_subject_alt_name, gens.get(), 0, X509V3_ADD_DEFAULT) != 1) {
      return ossl_fail("subjectAltName");
    }
  }

  if (X509_sign(cert.get(), signer_key, EVP_sha256()) == 0) return ossl_fail("signing");

  auto cert_pem = cert_to_pem(cert.get());
  if (!cert_pem) return Unexpected(cert_pem.error());
  auto key_pem = key_to_pem(key.get());
  if (!key_pem) return Unexpected(key_pem.error());
  return IssuedCertificate(std::move(*cert_pem), std::move(*key_pem));
}

}  // namespace sotto::crypto
