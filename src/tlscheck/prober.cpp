#include "tlscheck/prober.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <asio/error.hpp>
#include <asio/ssl/error.hpp>
#include <cerrno>
#include <chrono>
#include <algorithm>
#include <cstring>
#include <ctime>
#include <memory>

#include "base/hex.hpp"
#include "io/tls_handshake_state.hpp"
#include "io/tls_identity.hpp"
#include "tlscheck/chain_check.hpp"
#include "tlscheck/sip_options.hpp"

namespace sotto::tlscheck {
namespace {

using Clock = std::chrono::steady_clock;

// Every suite OpenSSL can offer for TLS 1.0-1.2, anonymous and NULL ones included: the server decides.
constexpr const char* kAllTls12 = "ALL:COMPLEMENTOFALL:@SECLEVEL=0";
// The handshake that reads the chain: everything except suites without a certificate.
constexpr const char* kAuthenticatedTls12 = "ALL:!aNULL:!eNULL:@SECLEVEL=0";
constexpr const char* kTls13Suites[] = {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
                                        "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_CCM_SHA256",
                                        "TLS_AES_128_CCM_8_SHA256"};
constexpr const char* kAllTls13 =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256:"
    "TLS_AES_128_CCM_8_SHA256";

struct CtxDeleter {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
using CtxPtr = std::unique_ptr<SSL_CTX, CtxDeleter>;

std::string openssl_error() {
  unsigned long last = 0;
  while (unsigned long e = ERR_get_error()) last = e;
  if (last == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(last, buf, sizeof buf);
  return buf;
}

int wire_version(const std::string& v) {
  if (v == "TLSv1.0") return TLS1_VERSION;
  if (v == "TLSv1.1") return TLS1_1_VERSION;
  if (v == "TLSv1.2") return TLS1_2_VERSION;
  return TLS1_3_VERSION;
}

class Connection {
 public:
  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (fd_ >= 0) ::close(fd_);
  }
  int fd_ = -1;
  SSL* ssl_ = nullptr;
};

// Wraps the phone's ServerHello note-taking and also notes a CertificateRequest (RFC 8446 4.3.2).
struct HandshakeNotes {
  bool certificate_requested = false;
};

void notes_msg_cb(int write_p, int version, int content_type, const void* buf, std::size_t len, SSL* ssl, void* arg) {
  io::TlsHandshakeState::msg_cb(write_p, version, content_type, buf, len, ssl, nullptr);
  if (write_p == 0 && content_type == SSL3_RT_HANDSHAKE && len >= 1 &&
      static_cast<const unsigned char*>(buf)[0] == SSL3_MT_CERTIFICATE_REQUEST && arg != nullptr) {
    static_cast<HandshakeNotes*>(arg)->certificate_requested = true;
  }
}

class Prober {
 public:
  explicit Prober(const ProbeOptions& o) : o_(o) {
    name_ = o.name.empty() ? o.target.host : o.name;
    sni_ = io::is_ip_literal(name_) ? "" : name_;
  }

  Result<ProbeResult> run();

 private:
  Status resolve();
  // TCP connect with a deadline; the socket stays non-blocking.
  Result<int> tcp_connect(Clock::time_point deadline);
  Result<CtxPtr> make_ctx(int min_version, int max_version);
  // One handshake. On failure the error is one line (io::TlsHandshakeState's wording).
  Result<std::unique_ptr<Connection>> handshake(SSL_CTX* ctx, const std::string& tls12_ciphers,
                                                const std::string& tls13_suites);
  bool wait(int fd, short events, Clock::time_point deadline);
  void read_chain(SSL* ssl);
  void sip_options(Connection& c);
  CipherInfo cipher_info(const SSL_CIPHER* c, const std::string& version);
  void note_key_exchange(SSL* ssl, CipherInfo& info);
  void probe_versions();
  void probe_ciphers();

  const ProbeOptions& o_;
  std::string name_;
  std::string sni_;
  sockaddr_storage addr_{};
  socklen_t addr_len_ = 0;
  ProbeResult r_;
  std::map<std::string, CtxPtr> ctx_by_version_;
};

Status Prober::resolve() {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(o_.target.port);
  if (int rc = ::getaddrinfo(o_.target.host.c_str(), port.c_str(), &hints, &res); rc != 0 || res == nullptr) {
    return fail(Errc::not_found, "cannot resolve " + o_.target.host + ": " + ::gai_strerror(rc));
  }
  std::memcpy(&addr_, res->ai_addr, res->ai_addrlen);
  addr_len_ = res->ai_addrlen;
  ::freeaddrinfo(res);
  char host[NI_MAXHOST] = {};
  ::getnameinfo(reinterpret_cast<sockaddr*>(&addr_), addr_len_, host, sizeof host, nullptr, 0, NI_NUMERICHOST);
  r_.address = addr_.ss_family == AF_INET6 ? "[" + std::string(host) + "]:" + port : std::string(host) + ":" + port;
  return {};
}

bool Prober::wait(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, static_cast<int>(left));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
}

Result<int> Prober::tcp_connect(Clock::time_point deadline) {
  const int fd = ::socket(addr_.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(Errc::io_error, std::string("socket: ") + std::strerror(errno));
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr_), addr_len_) != 0 && errno != EINPROGRESS) {
    const std::string why = std::strerror(errno);
    ::close(fd);
    return fail(Errc::io_error, "cannot connect to " + r_.address + ": " + why);
  }
  if (!wait(fd, POLLOUT, deadline)) {
    ::close(fd);
    return fail(Errc::io_error, "cannot connect to " + r_.address + ": timed out");
  }
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    ::close(fd);
    return fail(Errc::io_error, "cannot connect to " + r_.address + ": " + std::strerror(err));
  }
  return fd;
}

Result<CtxPtr> Prober::make_ctx(int min_version, int max_version) {
  CtxPtr ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return fail(Errc::crypto_error, "cannot create an OpenSSL context: " + openssl_error());
  SSL_CTX* c = ctx.get();
  // Security level 0: old versions, SHA-1 signatures and small keys must still complete, to be reported.
  SSL_CTX_set_security_level(c, 0);
  SSL_CTX_set_min_proto_version(c, min_version);
  SSL_CTX_set_max_proto_version(c, max_version);
  // Servers without RFC 5746 renegotiation_info are old, not unreachable.
  SSL_CTX_set_options(c, SSL_OP_LEGACY_SERVER_CONNECT);
  SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);  // verification is done apart, on the chain as sent
  if (!o_.cert_file.empty()) {
    if (SSL_CTX_use_certificate_chain_file(c, o_.cert_file.c_str()) != 1) {
      return fail(Errc::invalid_argument, "--cert " + o_.cert_file + ": no usable PEM certificate: " + openssl_error());
    }
    const std::string& key = o_.key_file.empty() ? o_.cert_file : o_.key_file;
    if (SSL_CTX_use_PrivateKey_file(c, key.c_str(), SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(c) != 1) {
      return fail(Errc::invalid_argument, "--key " + key + ": no usable PEM private key matching --cert: " + openssl_error());
    }
  }
  return ctx;
}

Result<std::unique_ptr<Connection>> Prober::handshake(SSL_CTX* ctx, const std::string& tls12_ciphers,
                                                      const std::string& tls13_suites) {
  ++r_.handshakes;
  const auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<long>(o_.timeout_s * 1000));
  auto fd = tcp_connect(deadline);
  if (!fd) return Unexpected(fd.error());
  auto conn = std::make_unique<Connection>();
  conn->fd_ = *fd;
  ERR_clear_error();
  conn->ssl_ = SSL_new(ctx);
  if (conn->ssl_ == nullptr) return fail(Errc::crypto_error, "SSL_new: " + openssl_error());
  SSL* ssl = conn->ssl_;
  if (!tls12_ciphers.empty() && SSL_set_cipher_list(ssl, tls12_ciphers.c_str()) != 1) {
    return fail(Errc::crypto_error, "cipher list '" + tls12_ciphers + "': " + openssl_error());
  }
  if (!tls13_suites.empty() && SSL_set_ciphersuites(ssl, tls13_suites.c_str()) != 1) {
    return fail(Errc::crypto_error, "TLS 1.3 suites '" + tls13_suites + "': " + openssl_error());
  }
  if (!sni_.empty()) SSL_set_tlsext_host_name(ssl, sni_.c_str());
  SSL_set_fd(ssl, conn->fd_);
  // The phone's handshake notes: turn a failure into its one-line wording.
  io::TlsHandshakeState hs;
  hs.our_versions = "TLS 1.0 to TLS 1.3";
  hs.attach(ssl);
  HandshakeNotes notes;
  SSL_set_msg_callback(ssl, &notes_msg_cb);
  SSL_set_msg_callback_arg(ssl, &notes);
  auto failure = [&](int err) {
    std::error_code ec;
    if (err == SSL_ERROR_SSL) {
      unsigned long last = 0;
      while (unsigned long e = ERR_get_error()) last = e;
      ec = std::error_code(static_cast<int>(last), asio::error::get_ssl_category());
    } else if (err == SSL_ERROR_SYSCALL && errno != 0) {
      ec = std::error_code(errno, asio::error::get_system_category());
    } else {
      ec = asio::error::eof;
    }
    SSL_set_msg_callback(ssl, nullptr);  // hs and notes live in this frame only
    Error e = hs.describe_failure(ec);
    // A TLS 1.2 server that wants a client certificate and got none answers with a bare handshake_failure.
    const int reason = ec.category() == asio::error::get_ssl_category()
                           ? ERR_GET_REASON(static_cast<unsigned long>(ec.value()))
                           : 0;
    if (notes.certificate_requested && o_.cert_file.empty() &&
        (reason == SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE || reason == SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED)) {
      e.context = "handshake failed: the server asked for a client certificate and refused the handshake without "
                  "one (give --cert and --key)";
    }
    return e;
  };
  for (;;) {
    ERR_clear_error();
    const int rc = SSL_connect(ssl);
    if (rc == 1) break;
    const int err = SSL_get_error(ssl, rc);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      if (!wait(conn->fd_, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
        SSL_set_msg_callback(ssl, nullptr);
        return fail(Errc::io_error, "handshake timed out after " + fmt::format("{:g}", o_.timeout_s) + " s");
      }
      continue;
    }
    return Unexpected(failure(err));
  }
  // TLS 1.3 clients finish first (RFC 8446 4.4.2): a server that asked for a certificate says whether it
  // took ours (or our lack of one) only afterwards, with an alert. Wait for that verdict.
  if (notes.certificate_requested && SSL_version(ssl) == TLS1_3_VERSION) {
    const auto verdict_by = std::min(deadline, Clock::now() + std::chrono::milliseconds(500));
    char byte;
    for (;;) {
      ERR_clear_error();
      const int rc = SSL_peek(ssl, &byte, 1);
      if (rc > 0) break;
      const int err = SSL_get_error(ssl, rc);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
        if (!wait(conn->fd_, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, verdict_by)) break;
        continue;
      }
      return Unexpected(failure(err));
    }
  }
  SSL_set_msg_callback(ssl, nullptr);  // hs and notes live in this frame only
  return conn;
}

CipherInfo Prober::cipher_info(const SSL_CIPHER* c, const std::string& version) {
  CipherInfo info;
  info.name = SSL_CIPHER_get_name(c);
  info.version = version;
  switch (SSL_CIPHER_get_kx_nid(c)) {
    case NID_kx_ecdhe: info.kx = "ECDHE"; break;
    case NID_kx_dhe: info.kx = "DHE"; break;
    case NID_kx_rsa: info.kx = "RSA"; break;
    case NID_kx_psk: case NID_kx_rsa_psk: info.kx = "PSK"; break;
    case NID_kx_ecdhe_psk: case NID_kx_dhe_psk: info.kx = "PSK"; break;  // static PSK secret in the mix
    case NID_kx_srp: info.kx = "SRP"; break;
    case NID_kx_any: info.kx = "any"; break;
    default: info.kx = "other"; break;
  }
  switch (SSL_CIPHER_get_auth_nid(c)) {
    case NID_auth_rsa: info.auth = "RSA"; break;
    case NID_auth_ecdsa: info.auth = "ECDSA"; break;
    case NID_auth_dss: info.auth = "DSS"; break;
    case NID_auth_null: info.auth = "none"; break;
    case NID_auth_psk: info.auth = "PSK"; break;
    case NID_auth_any: info.auth = "any"; break;
    default: info.auth = "other"; break;
  }
  const int enc = SSL_CIPHER_get_cipher_nid(c);
  info.enc = enc == NID_undef ? "NULL" : OBJ_nid2sn(enc);
  info.bits = SSL_CIPHER_get_bits(c, nullptr);
  if (SSL_CIPHER_is_aead(c)) {
    info.mac = "AEAD";
  } else {
    const int d = SSL_CIPHER_get_digest_nid(c);
    info.mac = d == NID_undef ? "none" : OBJ_nid2sn(d);
  }
  return info;
}

void Prober::note_key_exchange(SSL* ssl, CipherInfo& info) {
  EVP_PKEY* tmp = nullptr;
  if (SSL_get_peer_tmp_key(ssl, &tmp) == 1 && tmp != nullptr) {
    if (EVP_PKEY_get_base_id(tmp) == EVP_PKEY_DH) {
      info.dh_bits = EVP_PKEY_get_bits(tmp);
    }
    EVP_PKEY_free(tmp);
  }
  const int group = static_cast<int>(SSL_get_negotiated_group(ssl));
  if (group != 0 && !info.dh_bits) {
    if (const char* n = SSL_group_to_name(ssl, group)) info.ecdh_group = n;
  }
}

void Prober::read_chain(SSL* ssl) {
  STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl);  // on a client: leaf first, as sent
  if (chain == nullptr || sk_X509_num(chain) == 0) return;
  r_.certificates = describe_chain(chain);
  r_.chain = check_chain(chain, o_.ca_file, name_, o_.allow_wildcards);
}

void Prober::sip_options(Connection& c) {
  sockaddr_storage local{};
  socklen_t len = sizeof local;
  ::getsockname(c.fd_, reinterpret_cast<sockaddr*>(&local), &len);
  char host[NI_MAXHOST] = {}, port[NI_MAXSERV] = {};
  ::getnameinfo(reinterpret_cast<sockaddr*>(&local), len, host, sizeof host, port, sizeof port,
                NI_NUMERICHOST | NI_NUMERICSERV);
  unsigned char rnd[8];
  RAND_bytes(rnd, sizeof rnd);
  const std::string req = options_request({.target_host = o_.target.host,
                                           .target_port = o_.target.port,
                                           .local_host = host,
                                           .local_port = static_cast<std::uint16_t>(std::atoi(port)),
                                           .branch_suffix = to_hex(std::span<const std::uint8_t>(rnd))});
  const auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<long>(o_.sip_timeout_s * 1000));
  std::size_t off = 0;
  while (off < req.size()) {
    ERR_clear_error();
    const int n = SSL_write(c.ssl_, req.data() + off, static_cast<int>(req.size() - off));
    if (n > 0) {
      off += static_cast<std::size_t>(n);
      continue;
    }
    const int err = SSL_get_error(c.ssl_, n);
    if ((err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) &&
        wait(c.fd_, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) {
      continue;
    }
    r_.sip = classify_options_reply("", ReplyEnd::closed, o_.sip_timeout_s);
    r_.sip.detail = "could not send OPTIONS: the connection failed";
    return;
  }
  std::string got;
  ReplyEnd end = ReplyEnd::timed_out;
  char buf[4096];
  for (;;) {
    if (reply_complete(got)) {
      end = ReplyEnd::complete;
      break;
    }
    ERR_clear_error();
    const int n = SSL_read(c.ssl_, buf, sizeof buf);
    if (n > 0) {
      got.append(buf, static_cast<std::size_t>(n));
      if (got.size() > 65536) {
        end = ReplyEnd::complete;
        break;
      }
      continue;
    }
    const int err = SSL_get_error(c.ssl_, n);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
      if (!wait(c.fd_, err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline)) break;
      continue;
    }
    end = ReplyEnd::closed;
    break;
  }
  r_.sip = classify_options_reply(got, end, o_.sip_timeout_s);
}

void Prober::probe_versions() {
  for (const char* v : kProbedVersions) {
    const int wire = wire_version(v);
    auto ctx = make_ctx(wire, wire);
    VersionProbe vp;
    if (!ctx) {
      vp.refusal = ctx.error().context;
      r_.versions[v] = vp;
      continue;
    }
    auto conn = wire == TLS1_3_VERSION ? handshake(ctx->get(), "", kAllTls13) : handshake(ctx->get(), kAllTls12, "");
    if (conn) {
      vp.accepted = true;
      vp.cipher = SSL_get_cipher_name((*conn)->ssl_);
    } else {
      vp.refusal = conn.error().context;
    }
    r_.versions[v] = vp;
    ctx_by_version_[v] = std::move(*ctx);
  }
}

void Prober::probe_ciphers() {
  for (const char* v : kProbedVersions) {
    if (!r_.versions[v].accepted) continue;
    SSL_CTX* ctx = ctx_by_version_[v].get();
    std::vector<std::string> names;
    if (wire_version(v) == TLS1_3_VERSION) {
      names.assign(std::begin(kTls13Suites), std::end(kTls13Suites));
    } else {
      SSL* probe = SSL_new(ctx);
      SSL_set_cipher_list(probe, kAllTls12);
      if (STACK_OF(SSL_CIPHER)* list = SSL_get1_supported_ciphers(probe)) {
        for (int i = 0; i < sk_SSL_CIPHER_num(list); ++i) {
          // Already limited to what this version can negotiate (the context's version bounds).
          names.emplace_back(SSL_CIPHER_get_name(sk_SSL_CIPHER_value(list, i)));
        }
        sk_SSL_CIPHER_free(list);
      }
      SSL_free(probe);
    }
    for (const std::string& name : names) {
      const bool v13 = wire_version(v) == TLS1_3_VERSION;
      auto conn = v13 ? handshake(ctx, "", name) : handshake(ctx, name + ":@SECLEVEL=0", "");
      if (!conn) continue;
      SSL* ssl = (*conn)->ssl_;
      CipherInfo info = cipher_info(SSL_get_current_cipher(ssl), v);
      note_key_exchange(ssl, info);
      r_.ciphers[v].push_back(std::move(info));
    }
  }
}

Result<ProbeResult> Prober::run() {
  const auto start = Clock::now();
  r_.target = o_.target.host.find(':') != std::string::npos
                  ? "[" + o_.target.host + "]:" + std::to_string(o_.target.port)
                  : o_.target.host + ":" + std::to_string(o_.target.port);
  r_.host = o_.target.host;
  r_.port = o_.target.port;
  r_.sni = sni_;
  r_.chain.expected_name = name_;
  r_.chain.allow_wildcards = o_.allow_wildcards;
  if (Status s = resolve(); !s) return Unexpected(s.error());

  // 1. The chain, the negotiated parameters and SIP, on one connection offering everything.
  auto ctx = make_ctx(TLS1_VERSION, TLS1_3_VERSION);
  if (!ctx) return Unexpected(ctx.error());
  auto main = handshake(ctx->get(), kAuthenticatedTls12, kAllTls13);
  if (!main) {
    const Error& e = main.error();
    if (e.context.rfind("cannot connect", 0) == 0) return Unexpected(e);
    std::string why = e.context;
    if (why.rfind("handshake failed: ", 0) == 0) why.erase(0, 18);
    return fail(e.code, "TLS handshake with " + r_.address + " failed: " + why);
  }
  SSL* ssl = (*main)->ssl_;
  r_.version = SSL_get_version(ssl);
  r_.cipher = SSL_get_cipher_name(ssl);
  {
    CipherInfo kx;
    note_key_exchange(ssl, kx);
    r_.kx_group = kx.dh_bits ? "DH " + std::to_string(*kx.dh_bits) + " bits" : kx.ecdh_group;
  }
  read_chain(ssl);
  if (o_.sip) sip_options(**main);
  main->reset();

  // 2. Versions one at a time, then 3. suites one at a time within each accepted version.
  probe_versions();
  if (o_.scan_ciphers) probe_ciphers();

  // What this OpenSSL cannot offer at all, so its absence above proves nothing.
  r_.unchecked = {"SSLv2", "SSLv3"};
  {
    auto all = make_ctx(TLS1_VERSION, TLS1_2_VERSION);
    bool rc4 = false, des = false, tdes = false, exp = false;
    if (all) {
      SSL* s = SSL_new(all->get());
      SSL_set_cipher_list(s, kAllTls12);
      if (STACK_OF(SSL_CIPHER)* list = SSL_get1_supported_ciphers(s)) {
        for (int i = 0; i < sk_SSL_CIPHER_num(list); ++i) {
          const int nid = SSL_CIPHER_get_cipher_nid(sk_SSL_CIPHER_value(list, i));
          rc4 = rc4 || nid == NID_rc4 || nid == NID_rc4_40;
          des = des || nid == NID_des_cbc;
          tdes = tdes || nid == NID_des_ede3_cbc;
          exp = exp || std::string(SSL_CIPHER_get_name(sk_SSL_CIPHER_value(list, i))).rfind("EXP", 0) == 0;
        }
        sk_SSL_CIPHER_free(list);
      }
      SSL_free(s);
    }
    if (!rc4) r_.unchecked.emplace_back("RC4");
    if (!exp) r_.unchecked.emplace_back("EXPORT");
    if (!des) r_.unchecked.emplace_back("DES");
    if (!tdes) r_.unchecked.emplace_back("3DES");
  }
  r_.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
  ERR_clear_error();
  return std::move(r_);
}

}  // namespace

Result<ProbeResult> probe(const ProbeOptions& options) {
  Prober p(options);
  return p.run();
}

}  // namespace sotto::tlscheck
