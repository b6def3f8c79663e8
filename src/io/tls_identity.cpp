#include "io/tls_identity.hpp"

#include <openssl/x509v3.h>

#include <algorithm>
#include <asio/ip/address.hpp>
#include <cctype>
#include <memory>
#include <optional>

namespace sotto::io {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Domains compare case-insensitively and without a trailing root dot.
std::string normalize_domain(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  return lower(s);
}

std::string_view strip_brackets(std::string_view s) {
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') return s.substr(1, s.size() - 2);
  return s;
}

// Host part of a sip:/sips: URI without user part ("sip:example.com", "sips:[::1]:5061;transport=tls").
std::optional<std::string> sip_uri_host(std::string_view uri) {
  const std::string l = lower(uri.substr(0, std::min<std::size_t>(uri.size(), 5)));
  std::string_view rest;
  if (l.rfind("sips:", 0) == 0) {
    rest = uri.substr(5);
  } else if (l.rfind("sip:", 0) == 0) {
    rest = uri.substr(4);
  } else {
    return std::nullopt;
  }
  if (rest.find('@') != std::string_view::npos) return std::nullopt;  // 7.1: domain URIs, not users
  rest = rest.substr(0, rest.find_first_of(";?>"));
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    return std::string(rest.substr(1, close - 1));
  }
  return std::string(rest.substr(0, rest.find(':')));
}

bool same_ip(std::string_view a, std::string_view b) {
  std::error_code ea;
  std::error_code eb;
  const auto x = asio::ip::make_address(std::string(strip_brackets(a)), ea);
  const auto y = asio::ip::make_address(std::string(strip_brackets(b)), eb);
  return !ea && !eb && x == y;
}

bool wildcard_match(std::string_view pattern, std::string_view host) {
  // Only a whole leftmost label "*", and never for a bare top-level suffix like "*.com".
  if (pattern.size() < 3 || pattern.substr(0, 2) != "*.") return false;
  const std::string_view suffix = pattern.substr(1);  // ".example.com"
  if (suffix.find('.', 1) == std::string_view::npos) return false;
  if (host.size() <= suffix.size() || host.substr(host.size() - suffix.size()) != suffix) return false;
  const std::string_view label = host.substr(0, host.size() - suffix.size());
  return !label.empty() && label.find('.') == std::string_view::npos;
}

}  // namespace

std::string CertificateNames::San::to_string() const {
  switch (type) {
    case Type::dns: return "DNS:" + value;
    case Type::ip: return "IP:" + value;
    case Type::uri: return "URI:" + value;
  }
  return value;
}

std::vector<std::string> CertificateNames::san_strings() const {
  std::vector<std::string> out;
  out.reserve(sans.size());
  for (const auto& s : sans) out.push_back(s.to_string());
  return out;
}

std::string x509_name_string(const X509_NAME* name) {
  if (name == nullptr) return {};
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio) return {};
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

CertificateNames certificate_names(X509* cert) {
  CertificateNames out;
  if (cert == nullptr) return out;
  auto* gens = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (gens != nullptr) {
    out.has_san_extension = true;
    for (int i = 0; i < sk_GENERAL_NAME_num(gens); ++i) {
      const GENERAL_NAME* gn = sk_GENERAL_NAME_value(gens, i);
      if (gn->type == GEN_DNS || gn->type == GEN_URI) {
        const ASN1_IA5STRING* s = gn->type == GEN_DNS ? gn->d.dNSName : gn->d.uniformResourceIdentifier;
        std::string v(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                      static_cast<std::size_t>(ASN1_STRING_length(s)));
        if (v.find('\0') != std::string::npos) continue;  // embedded NUL: never matches anything
        out.sans.push_back({gn->type == GEN_DNS ? CertificateNames::Type::dns : CertificateNames::Type::uri, v});
      } else if (gn->type == GEN_IPADD) {
        const unsigned char* p = ASN1_STRING_get0_data(gn->d.iPAddress);
        const int len = ASN1_STRING_length(gn->d.iPAddress);
        if (len == 4) {
          asio::ip::address_v4::bytes_type b{p[0], p[1], p[2], p[3]};
          out.sans.push_back({CertificateNames::Type::ip, asio::ip::address_v4(b).to_string()});
        } else if (len == 16) {
          asio::ip::address_v6::bytes_type b{};
          std::copy(p, p + 16, b.begin());
          out.sans.push_back({CertificateNames::Type::ip, asio::ip::address_v6(b).to_string()});
        }
      }
    }
    GENERAL_NAMES_free(gens);
  }
  const X509_NAME* subject = X509_get_subject_name(cert);
  int idx = -1;
  int last = -1;
  while ((idx = X509_NAME_get_index_by_NID(subject, NID_commonName, idx)) >= 0) last = idx;
  if (last >= 0) {
    const ASN1_STRING* d = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, last));
    unsigned char* utf8 = nullptr;
    const int n = ASN1_STRING_to_UTF8(&utf8, d);
    if (n >= 0) out.common_name.assign(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
    OPENSSL_free(utf8);
  }
  return out;
}

bool is_ip_literal(std::string_view host) noexcept {
  std::error_code ec;
  (void)asio::ip::make_address(std::string(strip_brackets(host)), ec);
  return !ec;
}

Status match_sip_identity(const CertificateNames& names, std::string_view expected, bool allow_wildcards) {
  const bool want_ip = is_ip_literal(expected);
  const std::string want = want_ip ? std::string(strip_brackets(expected)) : normalize_domain(expected);
  bool wildcard_would_match = false;

  if (names.has_san_extension) {
    for (const auto& san : names.sans) {
      switch (san.type) {
        case CertificateNames::Type::ip:
          if (want_ip && same_ip(san.value, want)) return {};
          break;
        case CertificateNames::Type::dns:
          if (want_ip) break;  // an IP literal is never matched against dNSName (RFC 6125 1.7.2)
          if (normalize_domain(san.value) == want) return {};
          if (wildcard_match(normalize_domain(san.value), want)) {
            if (allow_wildcards) return {};
            wildcard_would_match = true;
          }
          break;
        case CertificateNames::Type::uri:
          if (auto host = sip_uri_host(san.value)) {
            if (want_ip ? same_ip(*host, want) : normalize_domain(*host) == want) return {};
          }
          break;
      }
    }
  } else if (!names.common_name.empty()) {
    // 7.1: CN only when there is no subjectAltName extension.
    if (want_ip ? same_ip(names.common_name, want) : normalize_domain(names.common_name) == want) return {};
  }

  std::string has;
  if (names.has_san_extension) {
    for (const auto& san : names.sans) {
      if (!has.empty()) has += ", ";
      has += san.to_string();
    }
    if (has.empty()) has = "an empty subjectAltName";
  } else {
    has = names.common_name.empty() ? "no names" : "CN=" + names.common_name + " (no subjectAltName)";
  }
  std::string msg = "certificate name mismatch: expected " + std::string(expected) + ", certificate has " + has;
  if (wildcard_would_match) msg += " (wildcard certificates are refused, RFC 5922 7.2; --tls-allow-wildcards accepts them)";
  return fail(Errc::crypto_error, std::move(msg));
}

}  // namespace sotto::io
