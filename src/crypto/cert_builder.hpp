#pragma once
// CertBuilder: EC P-256 / RSA-2048 keys and X.509 v3 certificates (a test CA, server and client leaves).
//
//   auto ca = crypto::CertBuilder().common_name("sotto test CA").ca().build();
//   auto srv = crypto::CertBuilder().common_name("127.0.0.1").dns("localhost").ip("127.0.0.1").server_auth().sign_with(*ca).build();
//   srv->write_cert_pem("srv.pem"); srv->write_key_pem("srv.key"); srv->write_combined_pem("srv+key.pem");

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "base/secure_bytes.hpp"

namespace sotto::crypto {

enum class KeyType : std::uint8_t { ec_p256, rsa2048 };

// A certificate and its private key, both PEM. The key bytes are wiped when this is destroyed.
class IssuedCertificate {
 public:
  // Takes existing PEM text (e.g. a CA loaded from disk to sign new leaves). Both are checked to parse
  // and to belong together.
  static Result<IssuedCertificate> from_pem(std::string cert_pem, std::string_view key_pem);

  const std::string& cert_pem() const noexcept { return cert_pem_; }
  std::string_view key_pem() const noexcept {
    return {reinterpret_cast<const char*>(key_pem_.data()), key_pem_.size()};
  }
  // Files are written atomically enough for tests and `sotto ca`: created with mode 0600 (keys) or 0644.
  Status write_cert_pem(const std::filesystem::path& path) const;
  Status write_key_pem(const std::filesystem::path& path) const;
  // Certificate followed by key in one file, as baresip's `sip_certificate` wants.
  Status write_combined_pem(const std::filesystem::path& path) const;

 private:
  IssuedCertificate(std::string cert, SecureBytes key) : cert_pem_(std::move(cert)), key_pem_(std::move(key)) {}
  friend class CertBuilder;
  std::string cert_pem_;
  SecureBytes key_pem_;
};

// The roots of a PEM bundle (an operator's --ca-file): every certificate that is self-issued or whose
// issuer is not in the bundle, PEM, in bundle order. Errc::malformed_input when the text holds no
// certificate or one that does not parse (naming its position).
Result<std::vector<std::string>> bundle_roots_pem(std::string_view bundle_pem);

class CertBuilder {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  CertBuilder& key_type(KeyType t) { key_type_ = t; return *this; }
  CertBuilder& common_name(std::string cn) { cn_ = std::move(cn); return *this; }
  CertBuilder& organization(std::string o) { org_ = std::move(o); return *this; }
  // Self-signed CA: basicConstraints critical CA:TRUE, keyUsage keyCertSign + cRLSign.
  CertBuilder& ca() { is_ca_ = true; return *this; }
  // subjectAltName entries (RFC 5280 4.2.1.6); RFC 5922 7.1 matches SIP domains against DNS and URI.
  CertBuilder& dns(std::string name) { dns_.push_back(std::move(name)); return *this; }
  CertBuilder& ip(std::string address) { ip_.push_back(std::move(address)); return *this; }
  CertBuilder& uri(std::string uri) { uri_.push_back(std::move(uri)); return *this; }
  // extendedKeyUsage; a leaf with neither gets both.
  CertBuilder& server_auth() { server_auth_ = true; return *this; }
  CertBuilder& client_auth() { client_auth_ = true; return *this; }
  // Default: from one hour ago to 365 days ahead. An already-expired window is allowed (for tests).
  CertBuilder& not_before(TimePoint t) { not_before_ = t; return *this; }
  CertBuilder& not_after(TimePoint t) { not_after_ = t; return *this; }
  CertBuilder& valid_days(int days);
  // Issue a leaf signed by `issuer` (which must be a CA). Without it the certificate is self-signed.
  CertBuilder& sign_with(const IssuedCertificate& issuer) { issuer_ = &issuer; return *this; }

  Result<IssuedCertificate> build() const;

 private:
  KeyType key_type_ = KeyType::ec_p256;
  std::string cn_;
  std::string org_;
  bool is_ca_ = false;
  std::vector<std::string> dns_;
  std::vector<std::string> ip_;
  std::vector<std::string> uri_;
  bool server_auth_ = false;
  bool client_auth_ = false;
  std::optional<TimePoint> not_before_;
  std::optional<TimePoint> not_after_;
  const IssuedCertificate* issuer_ = nullptr;
};

}  // namespace sotto::crypto
