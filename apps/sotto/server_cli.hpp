#pragma once
// What the server-side commands (user, ca, provision, config) share: where a password comes from, how
// the data directory is opened, and the exit status of an error.
//
//   auto pw = read_password(cli.password);          // --password, --password-file or SOTTO_PASSWORD
//   auto st = open_store(cli.data_dir, cli.realm, /*create=*/true);
//   if (!st) return fail_with("sotto user add", st.error());   // 2 for a bad value, 1 otherwise

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "pki/authority.hpp"
#include "store/store.hpp"

namespace sotto::app {

struct PasswordOptions {
  std::string password;       // --password (visible in ps)
  std::string password_file;  // --password-file
};

void add_password_options(CLI::App* sub, PasswordOptions& o, const std::string& what);
// The password from --password, else --password-file (its first line), else SOTTO_PASSWORD; nullopt when
// none is given. Errc::invalid_argument for both flags at once, an unreadable or empty file, an empty value.
Result<std::optional<std::string>> read_password(const PasswordOptions& o);

// read_password, else, when stdin is a terminal, a prompt (echo off) asked twice; nullopt when neither.
Result<std::optional<std::string>> read_or_prompt_password(const PasswordOptions& o, const std::string& user);

// The data directory option every server command takes.
void add_data_dir_option(CLI::App* sub, std::string& data_dir);

Result<std::unique_ptr<store::Store>> open_store(const std::string& data_dir, const std::string& realm, bool create);
// For commands that only read (calls, registrations): creates, upgrades and writes nothing, so it works
// beside a running server; a missing directory or database is Errc::not_found naming it.
Result<std::unique_ptr<store::Store>> open_store_read_only(const std::string& data_dir);

// Prints "<cmd>: <context>" on stderr; returns 2 for a value the user gave wrongly (invalid_argument,
// malformed_input), 1 for everything else.
int fail_with(std::string_view cmd, const Error& e);

// The data directory, its database and its CA, each made when missing (cmd_ca.cpp). What was made is
// reported on `progress` (stdout for `ca init`, stderr when it happens on the way to something else).
Result<pki::EnsureResult> ensure_data_dir_authority(const std::string& data_dir, const std::string& realm,
                                                   const std::string& cert_names_csv, std::FILE* progress);

std::string iso8601_utc(std::int64_t unix_seconds);

}  // namespace sotto::app
