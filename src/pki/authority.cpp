#include "pki/authority.hpp"

#include <arpa/inet.h>

#include <fstream>
#include <sstream>

#include "crypto/cert_builder.hpp"

namespace sotto::pki {
namespace {

namespace fs = std::filesystem;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Result<std::string> read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return fail(Errc::io_error, "cannot read " + p.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool file_exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

Result<crypto::IssuedCertificate> load_ca(const AuthorityPaths& paths) {
  auto cert = read_text(paths.ca_cert);
  if (!cert) return Unexpected(cert.error());
  auto key = read_text(paths.ca_key);
  if (!key) return Unexpected(key.error());
  auto ca = crypto::IssuedCertificate::from_pem(std::move(*cert), *key);
  std::fill(key->begin(), key->end(), '\0');
  if (!ca) return fail(ca.error().code, paths.ca_cert.string() + " / " + paths.ca_key.string() + ": " + ca.error().context);
  return ca;
}

Status write_pair(const crypto::IssuedCertificate& c, const fs::path& cert, const fs::path& key) {
  if (auto st = c.write_key_pem(key); !st) return st;
  return c.write_cert_pem(cert);
}

}  // namespace

AuthorityPaths authority_paths(const fs::path& data_dir) {
  return {data_dir / "ca.crt", data_dir / "ca.key", data_dir / "server.crt", data_dir / "server.key"};
}

bool is_ip_literal(std::string_view name) {
  const std::string s(name);
  unsigned char buf[16];
  return ::inet_pton(AF_INET, s.c_str(), buf) == 1 || ::inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

Result<std::vector<std::string>> parse_cert_names(std::string_view csv) {
  std::vector<std::string> out;
  std::string_view rest = csv;
  while (true) {
    const auto comma = rest.find(',');
    const std::string_view name = trim(rest.substr(0, comma));
    if (name.empty()) {
      return fail(Errc::invalid_argument, "certificate names '" + std::string(csv) +
                                              "': empty entry (expected host names or IP addresses, e.g. "
                                              "localhost,127.0.0.1)");
    }
    if (!is_ip_literal(name)) {
      // RFC 1123 host name: labels of letters, digits and '-', dots between; a leading "*." is not allowed
      // (RFC 5922 section 7.2).
      bool ok = name.size() <= 253 && name.front() != '.' && name.back() != '.' && name.front() != '-';
      for (char c : name) {
        ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.');
      }
      if (!ok || name.find("..") != std::string_view::npos) {
        return fail(Errc::invalid_argument, "certificate name '" + std::string(name) +
                                                "' is neither a host name (letters, digits, '-', '.') nor an IP address");
      }
    }
    out.emplace_back(name);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return out;
}

Result<EnsureResult> ensure_authority(const fs::path& data_dir, const std::vector<std::string>& cert_names) {
  EnsureResult r;
  r.paths = authority_paths(data_dir);
  const auto& p = r.paths;
  if (file_exists(p.ca_cert) != file_exists(p.ca_key)) {
    return fail(Errc::invalid_state, "only one of " + p.ca_cert.string() + " and " + p.ca_key.string() +
                                         " exists; restore the other or remove both to make a new CA");
  }
  if (file_exists(p.server_cert) != file_exists(p.server_key)) {
    return fail(Errc::invalid_state, "only one of " + p.server_cert.string() + " and " + p.server_key.string() +
                                         " exists; restore the other or remove both to issue a new one");
  }
  if (!file_exists(p.ca_cert)) {
    if (file_exists(p.server_cert)) {
      return fail(Errc::invalid_state, p.server_cert.string() + " exists without " + p.ca_cert.string() +
                                           "; remove server.crt and server.key to start a new CA");
    }
    auto ca = crypto::CertBuilder()
                  .common_name("sotto CA " + data_dir.filename().string())
                  .organization("sotto")
                  .ca()
                  .valid_days(kCaValidDays)
                  .build();
    if (!ca) return Unexpected(ca.error());
    if (auto st = write_pair(*ca, p.ca_cert, p.ca_key); !st) return Unexpected(st.error());
    r.created_ca = true;
  }
  if (!file_exists(p.server_cert)) {
    if (cert_names.empty()) return fail(Errc::invalid_argument, "no certificate names for the server certificate");
    auto ca = load_ca(p);
    if (!ca) return Unexpected(ca.error());
    crypto::CertBuilder b;
    b.common_name(cert_names.front()).organization("sotto").server_auth().valid_days(kLeafValidDays).sign_with(*ca);
    for (const auto& n : cert_names) {
      // Some phones (linphone's mbedTLS) match only dNSName entries, also for IP literals (PEERS.md).
      if (is_ip_literal(n)) b.ip(n);
      b.dns(n);
    }
    auto srv = b.build();
    if (!srv) return Unexpected(srv.error());
    if (auto st = write_pair(*srv, p.server_cert, p.server_key); !st) return Unexpected(st.error());
    r.created_server = true;
  }
  return r;
}

Status validate_client_name(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 64 && name.front() != '.';
  for (char c : name) {
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                c == '-' || c == '+' || c == '@');
  }
  if (!ok) {
    return fail(Errc::invalid_argument, "certificate name '" + std::string(name) +
                                            "': expected 1-64 of A-Z a-z 0-9 . _ - + @, not starting with '.'");
  }
  return {};
}

Result<IssuedFiles> issue_client(const fs::path& data_dir, std::string_view name, const fs::path& out_dir,
                                 bool overwrite) {
  if (auto v = validate_client_name(name); !v) return Unexpected(v.error());
  const auto paths = authority_paths(data_dir);
  IssuedFiles files{out_dir / (std::string(name) + ".crt"), out_dir / (std::string(name) + ".key")};
  if (!overwrite) {
    for (const auto& f : {files.cert, files.key}) {
      if (file_exists(f)) return fail(Errc::invalid_state, f.string() + " exists (remove it or pass --force)");
    }
  }
  auto ca = load_ca(paths);
  if (!ca) return Unexpected(ca.error());
  auto leaf = crypto::CertBuilder()
                  .common_name(std::string(name))
                  .organization("sotto")
                  .client_auth()
                  .valid_days(kLeafValidDays)
                  .sign_with(*ca)
                  .build();
  if (!leaf) return Unexpected(leaf.error());
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return fail(Errc::io_error, "cannot create " + out_dir.string() + ": " + ec.message());
  if (overwrite) {
    fs::remove(files.key, ec);  // so the new key file is created with mode 0600, not the old file's mode
  }
  if (auto st = write_pair(*leaf, files.cert, files.key); !st) return Unexpected(st.error());
  return files;
}

Result<std::string> trust_anchor_pem(const fs::path& data_dir, const fs::path& ca_file) {
  if (ca_file.empty()) return read_text(authority_paths(data_dir).ca_cert);
  auto text = read_text(ca_file);
  if (!text) return Unexpected(text.error());
  auto roots = crypto::bundle_roots_pem(*text);
  if (!roots) return fail(roots.error().code, ca_file.string() + ": " + roots.error().context);
  std::string out;
  for (const auto& r : *roots) out += r;
  return out;
}

}  // namespace sotto::pki
