#pragma once
// The data directory's CA: ca.crt/ca.key and server.crt/server.key, made on first use (ECDSA P-256).
//
//   auto names = pki::parse_cert_names("localhost,127.0.0.1");          // IP literals: IP and DNS SANs
//   auto made = pki::ensure_authority("./sotto-data", *names);         // creates what is missing
//   auto st = pki::issue_client("./sotto-data", "alice", "./out");    // out/alice.crt + alice.key (0600)

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace sotto::pki {

inline constexpr std::string_view kDefaultCertNames = "localhost,127.0.0.1";
inline constexpr int kCaValidDays = 3650;
inline constexpr int kLeafValidDays = 825;

struct AuthorityPaths {
  std::filesystem::path ca_cert, ca_key, server_cert, server_key;
};
AuthorityPaths authority_paths(const std::filesystem::path& data_dir);

// Comma-separated host names and IP literals (at least one). Errc::invalid_argument naming the entry.
Result<std::vector<std::string>> parse_cert_names(std::string_view csv);
bool is_ip_literal(std::string_view name);

struct EnsureResult {
  AuthorityPaths paths;
  bool created_ca = false;
  bool created_server = false;
};

// Creates the CA when ca.crt is missing and the server certificate (signed by it, CN = first name,
// serverAuth) when server.crt is missing; existing files are kept. One of a pair without the other is an
// error (nothing is overwritten). The data directory must exist.
Result<EnsureResult> ensure_authority(const std::filesystem::path& data_dir, const std::vector<std::string>& cert_names);

// NAME.crt and NAME.key (mode 0600) in out_dir (created when missing), CN = NAME, clientAuth only, signed
// by the data directory's CA. Existing files are not overwritten unless `overwrite`.
struct IssuedFiles {
  std::filesystem::path cert, key;
};
Result<IssuedFiles> issue_client(const std::filesystem::path& data_dir, std::string_view name,
                                 const std::filesystem::path& out_dir, bool overwrite);
// Letters, digits, '.', '_', '-', '+', '@' (1-64, not starting with '.'): safe as a file name and a CN.
Status validate_client_name(std::string_view name);

// The PEM a phone should trust: the roots in `ca_file` when given (the operator's CA), else ca.crt.
Result<std::string> trust_anchor_pem(const std::filesystem::path& data_dir, const std::filesystem::path& ca_file);

}  // namespace sotto::pki
