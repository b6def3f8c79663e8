#pragma once
// TlsContext: an OpenSSL SSL_CTX (through asio::ssl::context) configured from a TlsConfig.
//
//   auto server = io::TlsContext::create(io::TlsRole::server, {.cert_chain_file = "srv.pem", .key_file = "srv.key"});
//   if (!server) return Unexpected(server.error());   // e.g. "TLS server: cannot read key_file /x: No such file"
//   io::TlsTransport tls(io_context, on_event, *server, /*client=*/nullptr);

#include <asio/ssl/context.hpp>
#include <cstdio>
#include <memory>

#include "base/result.hpp"
#include "io/tls_config.hpp"

namespace sotto::io {

enum class TlsRole : std::uint8_t { client, server };

class TlsContext {
 public:
  // TLS 1.2/1.3 only, no compression, no renegotiation, ciphers and groups from `config`.
  static Result<std::shared_ptr<TlsContext>> create(TlsRole role, TlsConfig config);

  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;
  ~TlsContext();

  TlsRole role() const noexcept { return role_; }
  const TlsConfig& config() const noexcept { return config_; }
  asio::ssl::context& native() noexcept { return ctx_; }
  // Non-empty while key logging is on.
  const std::string& keylog_path() const noexcept { return keylog_path_; }

 private:
  TlsContext(TlsRole role, TlsConfig config);
  Status configure();
  void warn(std::string_view msg) const;
  static void keylog_cb(const SSL* ssl, const char* line);

  TlsRole role_;
  TlsConfig config_;
  asio::ssl::context ctx_;
  std::FILE* keylog_ = nullptr;
  std::string keylog_path_;
};

}  // namespace sotto::io
