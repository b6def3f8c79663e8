// `sotto ca init|export|issue`: the data directory's CA (docs/SERVER.md).
#include <fmt/core.h>

#include "commands.hpp"
#include "pki/authority.hpp"
#include "server_cli.hpp"
#include "store/data_dir.hpp"

namespace sotto::app {
namespace {

struct CaCli {
  std::string data_dir{store::kDefaultDataDir};
  std::string realm;
  std::string cert_names{pki::kDefaultCertNames};
  std::string ca_file;
  std::string name;
  std::string out = ".";
  bool force = false;
  CLI::App* init = nullptr;
  CLI::App* exp = nullptr;
  CLI::App* issue = nullptr;
};

}  // namespace

// Shared with `sotto provision`: makes the data directory, its database and its CA when missing.
// Progress goes to `progress` (stdout for `ca init`, stderr when implicit).
Result<pki::EnsureResult> ensure_data_dir_authority(const std::string& data_dir, const std::string& realm,
                                                   const std::string& cert_names_csv, std::FILE* progress) {
  auto names = pki::parse_cert_names(cert_names_csv);
  if (!names) return fail(Errc::invalid_argument, "--cert-names: " + names.error().context);
  auto st = open_store(data_dir, realm, /*create=*/true);
  if (!st) return Unexpected(st.error());
  auto made = pki::ensure_authority(data_dir, *names);
  if (!made) return Unexpected(made.error());
  if (made->created_ca) fmt::print(progress, "created CA {} (ECDSA P-256, key {})\n", made->paths.ca_cert.string(), made->paths.ca_key.string());
  if (made->created_server) {
    fmt::print(progress, "created server certificate {} for {} (key {})\n", made->paths.server_cert.string(),
               cert_names_csv, made->paths.server_key.string());
  }
  return made;
}

namespace {

int run_init(CaCli& cli) {
  auto made = ensure_data_dir_authority(cli.data_dir, cli.realm, cli.cert_names, stdout);
  if (!made) return fail_with("sotto ca init", made.error());
  if (!made->created_ca && !made->created_server) {
    fmt::print("kept the existing CA {} and server certificate {} (remove server.crt and server.key to issue a new "
               "one with other --cert-names)\n",
               made->paths.ca_cert.string(), made->paths.server_cert.string());
  }
  return 0;
}

int run_export(CaCli& cli) {
  if (cli.ca_file.empty()) {
    auto made = ensure_data_dir_authority(cli.data_dir, cli.realm, cli.cert_names, stderr);
    if (!made) return fail_with("sotto ca export", made.error());
  }
  auto pem = pki::trust_anchor_pem(cli.data_dir, cli.ca_file);
  if (!pem) {
    Error e = pem.error();
    if (!cli.ca_file.empty()) e = Error{Errc::invalid_argument, "--ca-file " + e.context};
    return fail_with("sotto ca export", e);
  }
  fmt::print("{}", *pem);
  return 0;
}

int run_issue(CaCli& cli) {
  if (auto v = pki::validate_client_name(cli.name); !v) return fail_with("sotto ca issue", v.error());
  auto made = ensure_data_dir_authority(cli.data_dir, cli.realm, cli.cert_names, stderr);
  if (!made) return fail_with("sotto ca issue", made.error());
  auto files = pki::issue_client(cli.data_dir, cli.name, cli.out, cli.force);
  if (!files) return fail_with("sotto ca issue", files.error());
  fmt::print("issued {} (clientAuth, signed by {}) and its key {}\n", files->cert.string(),
             made->paths.ca_cert.string(), files->key.string());
  return 0;
}

void common(CLI::App* sub, CaCli& cli) {
  add_data_dir_option(sub, cli.data_dir);
  sub->add_option("--cert-names", cli.cert_names,
                  "Names of the server certificate when it is made: host names and IP literals, comma-separated")
      ->capture_default_str();
  sub->add_option("--realm", cli.realm, "Digest realm, when this creates the data directory (default sotto)");
}

}  // namespace

void add_ca_command(CLI::App& app, Commands& cmds) {
  static CaCli cli;
  auto* ca = app.add_subcommand("ca", "The data directory's CA: init, export, issue");
  ca->require_subcommand(1);
  cli.init = ca->add_subcommand("init", "Make the CA and the server certificate when missing (ECDSA P-256)");
  common(cli.init, cli);
  cli.exp = ca->add_subcommand("export", "Print the CA certificate (PEM) for phones to trust");
  cli.exp->add_option("--ca-file", cli.ca_file, "Operator-given CA bundle: print its root certificate(s) instead");
  common(cli.exp, cli);
  cli.issue = ca->add_subcommand("issue", "Write NAME.crt and NAME.key (0600), a client certificate for mutual TLS");
  cli.issue->add_option("name", cli.name, "Common name and file name")->required();
  cli.issue->add_option("--out", cli.out, "Directory for the two files (created when missing)")->capture_default_str();
  cli.issue->add_flag("--force", cli.force, "Overwrite existing NAME.crt / NAME.key");
  common(cli.issue, cli);
  cmds.entries.emplace_back(ca, [] {
    if (cli.init->parsed()) return run_init(cli);
    if (cli.exp->parsed()) return run_export(cli);
    return run_issue(cli);
  });
}

}  // namespace sotto::app
