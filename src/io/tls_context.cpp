#include "io/tls_context.hpp"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "io/tls_handshake_state.hpp"

namespace sotto::io {
namespace {

int ctx_ex_index() {
  static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

std::string last_openssl_error() {
  unsigned long last = 0;
  while (unsigned long e = ERR_get_error()) last = e;
  if (last == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(last, buf, sizeof buf);
  return buf;
}

int wire_version(TlsVersion v) { return v == TlsVersion::tls1_2 ? TLS1_2_VERSION : TLS1_3_VERSION; }

Status readable(std::string_view who, std::string_view option, const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return fail(Errc::invalid_argument, std::string(who) + ": cannot read " + std::string(option) + " " + path +
                                            ": " + (ec ? ec.message() : std::string("not a regular file")));
  }
  return {};
}

}  // namespace

std::string_view to_string(TlsVersion v) noexcept { return v == TlsVersion::tls1_2 ? "TLS 1.2" : "TLS 1.3"; }

TlsContext::TlsContext(TlsRole role, TlsConfig config)
    : role_(role),
      config_(std::move(config)),
      ctx_(role == TlsRole::server ? asio::ssl::context::tls_server : asio::ssl::context::tls_client) {}

TlsContext::~TlsContext() {
  if (keylog_ != nullptr) std::fclose(keylog_);
}

Result<std::shared_ptr<TlsContext>> TlsContext::create(TlsRole role, TlsConfig config) {
  std::shared_ptr<TlsContext> ctx;
  try {
    ctx.reset(new TlsContext(role, std::move(config)));
  } catch (const std::exception& e) {
    return fail(Errc::crypto_error, std::string("TLS: cannot create an OpenSSL context: ") + e.what());
  }
  ERR_clear_error();
  Status st = ctx->configure();
  ERR_clear_error();
  if (!st) return Unexpected(st.error());
  return ctx;
}

void TlsContext::warn(std::string_view msg) const {
  if (config_.on_warning) {
    config_.on_warning(msg);
  } else {
    spdlog::warn("{}", msg);
  }
}

void TlsContext::keylog_cb(const SSL* ssl, const char* line) {
  auto* self = static_cast<TlsContext*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), ctx_ex_index()));
  if (self == nullptr || self->keylog_ == nullptr) return;
  std::fputs(line, self->keylog_);
  std::fputc('\n', self->keylog_);
  std::fflush(self->keylog_);
}

Status TlsContext::configure() {
  const std::string_view who = role_ == TlsRole::server ? "TLS server" : "TLS client";
  SSL_CTX* c = ctx_.native_handle();
  SSL_CTX_set_ex_data(c, ctx_ex_index(), this);

  if (config_.min_version > config_.max_version) {
    return fail(Errc::invalid_argument, std::string(who) + ": min_version " + std::string(to_string(config_.min_version)) +
                                            " is above max_version " + std::string(to_string(config_.max_version)));
  }
  if (SSL_CTX_set_min_proto_version(c, wire_version(config_.min_version)) != 1 ||
      SSL_CTX_set_max_proto_version(c, wire_version(config_.max_version)) != 1) {
    return fail(Errc::crypto_error, std::string(who) + ": cannot set protocol versions: " + last_openssl_error());
  }
  // No compression (CRIME), no renegotiation of either kind (RFC 7525 3.5), server picks the cipher.
  SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  SSL_CTX_clear_options(c, SSL_OP_LEGACY_SERVER_CONNECT | SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION);
  SSL_CTX_set_mode(c, SSL_MODE_RELEASE_BUFFERS);

  if (SSL_CTX_set_cipher_list(c, config_.cipher_list.c_str()) != 1) {
    return fail(Errc::invalid_argument, std::string(who) + ": cipher_list '" + config_.cipher_list +
                                            "' selects no usable TLS 1.2 cipher");
  }
  if (config_.cipher_list != kDefaultTls12Ciphers) {
    warn(std::string(who) + ": non-default TLS 1.2 cipher list in use: " + config_.cipher_list);
  }
  if (SSL_CTX_set_ciphersuites(c, config_.tls13_ciphersuites.c_str()) != 1) {
    return fail(Errc::invalid_argument, std::string(who) + ": tls13_ciphersuites '" + config_.tls13_ciphersuites +
                                            "' is not a valid TLS 1.3 suite list");
  }
  if (SSL_CTX_set1_groups_list(c, config_.groups.c_str()) != 1) {
    return fail(Errc::invalid_argument, std::string(who) + ": groups '" + config_.groups + "' is not a valid group list");
  }

  // Our own certificate chain and key.
  if (!config_.cert_chain_file.empty()) {
    if (Status s = readable(who, "cert_chain_file", config_.cert_chain_file); !s) return s;
    if (SSL_CTX_use_certificate_chain_file(c, config_.cert_chain_file.c_str()) != 1) {
      return fail(Errc::invalid_argument, std::string(who) + ": cert_chain_file " + config_.cert_chain_file +
                                              " holds no usable PEM certificate: " + last_openssl_error());
    }
    const std::string& key = config_.key_file.empty() ? config_.cert_chain_file : config_.key_file;
    if (Status s = readable(who, "key_file", key); !s) return s;
    if (SSL_CTX_use_PrivateKey_file(c, key.c_str(), SSL_FILETYPE_PEM) != 1) {
      if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
        return fail(Errc::invalid_argument, std::string(who) + ": private key " + key + " does not match certificate " +
                                                config_.cert_chain_file);
      }
      return fail(Errc::invalid_argument, std::string(who) + ": no usable PEM private key in " + key + ": " +
                                              last_openssl_error());
    }
    if (SSL_CTX_check_private_key(c) != 1) {
      return fail(Errc::invalid_argument, std::string(who) + ": private key " + key + " does not match certificate " +
                                              config_.cert_chain_file);
    }
  } else if (role_ == TlsRole::server) {
    return fail(Errc::invalid_argument, "TLS server: cert_chain_file is required");
  } else if (!config_.key_file.empty()) {
    return fail(Errc::invalid_argument, "TLS client: key_file given without cert_chain_file");
  }

  // Trust anchors for the peer's certificate.
  const bool verifies =
      role_ == TlsRole::client ? config_.verify_peer : config_.require_client_cert || config_.request_client_cert;
  if (verifies) {
    if (!config_.ca_file.empty()) {
      if (Status s = readable(who, "ca_file", config_.ca_file); !s) return s;
      if (SSL_CTX_load_verify_locations(c, config_.ca_file.c_str(), nullptr) != 1) {
        return fail(Errc::invalid_argument, std::string(who) + ": ca_file " + config_.ca_file +
                                                " holds no usable PEM certificate: " + last_openssl_error());
      }
      if (role_ == TlsRole::server) {
        // Tells clients which CAs we accept (CertificateRequest certificate_authorities).
        if (STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(config_.ca_file.c_str())) {
          SSL_CTX_set_client_CA_list(c, names);
        }
      }
    } else if (SSL_CTX_set_default_verify_paths(c) != 1) {
      return fail(Errc::crypto_error, std::string(who) + ": cannot load the system CA store: " + last_openssl_error());
    }
  }
  if (role_ == TlsRole::server) {
    SSL_CTX_set_verify(c,
                       config_.require_client_cert   ? SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT
                       : config_.request_client_cert ? SSL_VERIFY_PEER
                                                     : SSL_VERIFY_NONE,
                       // Requested only: a certificate that does not chain does not fail the handshake
                       // (phones send whatever they were configured with); TlsInfo says whether it verified.
                       config_.request_client_cert && !config_.require_client_cert
                           ? +[](int, X509_STORE_CTX*) -> int { return 1; }
                           : nullptr);
    static constexpr unsigned char kSidCtx[] = "sotto-sip";
    SSL_CTX_set_session_id_context(c, kSidCtx, sizeof kSidCtx - 1);
    SSL_CTX_set_client_hello_cb(c, &TlsHandshakeState::client_hello_cb, nullptr);
  } else {
    SSL_CTX_set_verify(c, config_.verify_peer ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
    if (!config_.verify_peer) warn("TLS client: server certificate verification is DISABLED (verify_peer=false)");
  }

  // Key logging: only when configured, never just because SSLKEYLOGFILE happens to be set.
  std::string keylog = config_.keylog_file;
  if (keylog.empty() && config_.keylog_from_env) {
    if (const char* env = std::getenv("SSLKEYLOGFILE"); env != nullptr) keylog = env;
  }
  if (!keylog.empty()) {
    const int fd = ::open(keylog.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0 || (keylog_ = ::fdopen(fd, "a")) == nullptr) {
      const std::string why = std::strerror(errno);
      if (fd >= 0) ::close(fd);
      return fail(Errc::io_error, std::string(who) + ": cannot open keylog_file " + keylog + ": " + why);
    }
    keylog_path_ = keylog;
    SSL_CTX_set_keylog_callback(c, &TlsContext::keylog_cb);
    warn(std::string(who) + ": TLS key logging is ON, writing session secrets to " + keylog +
         "; anyone with this file can decrypt the recorded SIP traffic");
  }
  return {};
}

}  // namespace sotto::io
