#include "tlscheck/chain_check.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include <ctime>

#include "io/tls_identity.hpp"

namespace sotto::tlscheck {
namespace {

std::string openssl_error() {
  unsigned long last = 0;
  while (unsigned long e = ERR_get_error()) last = e;
  if (last == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(last, buf, sizeof buf);
  return buf;
}

std::string colon_hex(const unsigned char* p, unsigned int n) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned int i = 0; i < n; ++i) {
    if (i) out += ':';
    out += kHex[p[i] >> 4];
    out += kHex[p[i] & 15];
  }
  return out;
}

std::int64_t unix_time(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<std::int64_t>(timegm(&tm));
}

// A socket plus the SSL on it; closed when it goes.

int verify_ex_index() {
  static const int index = X509_STORE_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

int collect_verify_errors(int ok, X509_STORE_CTX* ctx) {
  if (ok == 1) return 1;
  auto* problems = static_cast<std::vector<VerifyProblem>*>(X509_STORE_CTX_get_ex_data(ctx, verify_ex_index()));
  const int err = X509_STORE_CTX_get_error(ctx);
  VerifyProblem p;
  p.depth = X509_STORE_CTX_get_error_depth(ctx);
  p.detail = X509_verify_cert_error_string(err);
  switch (err) {
    case X509_V_ERR_CERT_HAS_EXPIRED: p.issue = VerifyIssue::expired; break;
    case X509_V_ERR_CERT_NOT_YET_VALID: p.issue = VerifyIssue::not_yet_valid; break;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: p.issue = VerifyIssue::self_signed_leaf; break;
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: p.issue = VerifyIssue::untrusted_root; break;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: p.issue = VerifyIssue::issuer_missing; break;
    default: p.issue = VerifyIssue::other; break;
  }
  if (problems != nullptr) problems->push_back(std::move(p));
  return 1;  // go on: every problem is reported, not just the first
}

}  // namespace

std::vector<CertificateInfo> describe_chain(STACK_OF(X509) * chain) {
  std::vector<CertificateInfo> out;
  const int n = chain ? sk_X509_num(chain) : 0;
  for (int i = 0; i < n; ++i) {
    X509* x = sk_X509_value(chain, i);
    CertificateInfo c;
    c.depth = i;
    c.subject = io::x509_name_string(X509_get_subject_name(x));
    c.issuer = io::x509_name_string(X509_get_issuer_name(x));
    c.sans = io::certificate_names(x).san_strings();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (X509_digest(x, EVP_sha256(), md, &len) == 1) c.sha256 = colon_hex(md, len);
    if (X509_digest(x, EVP_sha1(), md, &len) == 1) c.sha1 = colon_hex(md, len);
    c.not_before = unix_time(X509_get0_notBefore(x));
    c.not_after = unix_time(X509_get0_notAfter(x));
    if (EVP_PKEY* pk = X509_get0_pubkey(x)) {
      switch (EVP_PKEY_get_base_id(pk)) {
        case EVP_PKEY_RSA: c.key_type = "RSA"; break;
        case EVP_PKEY_RSA_PSS: c.key_type = "RSA-PSS"; break;
        case EVP_PKEY_EC: c.key_type = "EC"; break;
        case EVP_PKEY_DSA: c.key_type = "DSA"; break;
        case EVP_PKEY_ED25519: c.key_type = "Ed25519"; break;
        case EVP_PKEY_ED448: c.key_type = "Ed448"; break;
        default: c.key_type = OBJ_nid2sn(EVP_PKEY_get_base_id(pk)); break;
      }
      c.key_bits = EVP_PKEY_get_bits(pk);
      char group[80] = {};
      std::size_t glen = 0;
      if (c.key_type == "EC" &&
          EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &glen) == 1) {
        c.curve = group;
      }
    }
    c.signature_algorithm = OBJ_nid2ln(X509_get_signature_nid(x));
    c.self_signed = X509_self_signed(x, 1) == 1;
    c.is_ca = X509_check_ca(x) != 0;
    out.push_back(std::move(c));
  }
  return out;
}

ChainCheck check_chain(STACK_OF(X509) * sent, const std::string& ca_file, const std::string& expected_name,
                       bool allow_wildcards) {
  ChainCheck out;
  out.trust_source = ca_file.empty() ? "the system store" : "--ca-file " + ca_file;
  out.expected_name = expected_name;
  out.allow_wildcards = allow_wildcards;
  out.certificates_sent = sk_X509_num(sent);
  Status name = io::match_sip_identity(io::certificate_names(sk_X509_value(sent, 0)), expected_name, allow_wildcards);
  out.name_matches = static_cast<bool>(name);
  if (!name) out.name_error = name.error().context;
  X509_STORE* store = X509_STORE_new();
  X509_STORE_CTX* vctx = X509_STORE_CTX_new();
  STACK_OF(X509)* untrusted = sk_X509_new_null();
  const int n = sk_X509_num(sent);
  for (int i = 1; i < n; ++i) sk_X509_push(untrusted, sk_X509_value(sent, i));
  const bool loaded = ca_file.empty() ? X509_STORE_set_default_paths(store) == 1
                                         : X509_STORE_load_file(store, ca_file.c_str()) == 1;
  if (!loaded) {
    out.problems.push_back({VerifyIssue::other, 0, "cannot load " + out.trust_source + ": " + openssl_error()});
  } else if (X509_STORE_CTX_init(vctx, store, sk_X509_value(sent, 0), untrusted) == 1) {
    X509_STORE_CTX_set_default(vctx, "ssl_server");  // purpose: TLS server, as libssl checks it
    X509_STORE_CTX_set_ex_data(vctx, verify_ex_index(), &out.problems);
    X509_STORE_CTX_set_verify_cb(vctx, &collect_verify_errors);
    const int ok = X509_verify_cert(vctx);
    if (ok == 1 && out.problems.empty()) {
      // Which certificates of the verified path came from the store without being trust anchors.
      STACK_OF(X509)* path = X509_STORE_CTX_get0_chain(vctx);
      for (int i = 0; i < sk_X509_num(path); ++i) {
        X509* x = sk_X509_value(path, i);
        bool was_sent = false;
        for (int k = 0; k < n && !was_sent; ++k) was_sent = X509_cmp(x, sk_X509_value(sent, k)) == 0;
        if (!was_sent && X509_self_signed(x, 0) != 1) ++out.intermediates_from_store;
      }
    } else if (ok != 1 && out.problems.empty()) {
      out.problems.push_back({VerifyIssue::other, X509_STORE_CTX_get_error_depth(vctx),
                                   X509_verify_cert_error_string(X509_STORE_CTX_get_error(vctx))});
    }
  }
  sk_X509_free(untrusted);
  X509_STORE_CTX_free(vctx);
  X509_STORE_free(store);
  ERR_clear_error();
  return out;
}

}  // namespace sotto::tlscheck
