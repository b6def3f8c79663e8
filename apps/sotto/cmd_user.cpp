// `sotto user add|list|remove|passwd`: the accounts of `sotto serve`, stored as digests (docs/SERVER.md).
#include <fmt/core.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "server_cli.hpp"
#include "store/data_dir.hpp"
#include "store/user_policy.hpp"

namespace sotto::app {
namespace {

struct UserCli {
  std::string data_dir{store::kDefaultDataDir};
  std::string realm;
  std::string name;
  PasswordOptions pw;
  std::string srtp = "require";
  std::string suites;
  std::string transports = "tls";
  bool json = false;
  CLI::App* add = nullptr;
  CLI::App* list = nullptr;
  CLI::App* remove = nullptr;
  CLI::App* passwd = nullptr;
};

std::int64_t now_unix() { return static_cast<std::int64_t>(std::time(nullptr)); }

Result<std::string> required_password(const PasswordOptions& o, const std::string& user) {
  auto pw = read_or_prompt_password(o, user);
  if (!pw) return Unexpected(pw.error());
  if (!*pw) {
    return fail(Errc::invalid_argument,
                "a password is required: --password P, --password-file FILE, SOTTO_PASSWORD, or a terminal to type it on");
  }
  return std::move(**pw);
}

int run_add(UserCli& cli) {
  constexpr std::string_view cmd = "sotto user add";
  if (auto v = store::validate_user_name(cli.name); !v) return fail_with(cmd, v.error());
  store::UserPolicy policy;
  auto mode = store::parse_srtp_mode(cli.srtp);
  if (!mode) return fail_with(cmd, Error{Errc::invalid_argument, "--srtp: " + mode.error().context});
  policy.srtp = *mode;
  if (!cli.suites.empty()) {
    auto s = store::parse_suite_list(cli.suites);
    if (!s) return fail_with(cmd, Error{Errc::invalid_argument, "--suites: " + s.error().context});
    policy.suites = std::move(*s);
  }
  auto t = store::parse_transport_list(cli.transports);
  if (!t) return fail_with(cmd, Error{Errc::invalid_argument, "--allow-transports: " + t.error().context});
  policy.transports = *t;
  auto pw = required_password(cli.pw, cli.name);
  if (!pw) return fail_with(cmd, pw.error());

  auto st = open_store(cli.data_dir, cli.realm, /*create=*/true);
  if (!st) return fail_with(cmd, st.error());
  const auto user = store::make_user(cli.name, (*st)->info().realm, *pw, policy, now_unix());
  std::fill(pw->begin(), pw->end(), '\0');
  if (auto added = (*st)->add_user(user); !added) return fail_with(cmd, added.error());
  fmt::print("added user {} (realm {}; srtp {}; suites {}; transports {}) in {}\n", user.name, (*st)->info().realm,
             negotiation::to_string(policy.srtp), store::format_suite_list(policy.suites),
             store::format_transport_list(policy.transports), cli.data_dir);
  return 0;
}

int run_list(UserCli& cli) {
  constexpr std::string_view cmd = "sotto user list";
  auto st = open_store(cli.data_dir, cli.realm, /*create=*/false);
  if (!st) return fail_with(cmd, st.error());
  auto users = (*st)->list_users();
  if (!users) return fail_with(cmd, users.error());
  if (cli.json) {
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& u : *users) {
      nlohmann::json suites = nlohmann::json::array();
      for (auto id : u.policy.suites) suites.push_back(std::string(srtp::suite(id).name));
      arr.push_back({{"name", u.name},
                     {"srtp", std::string(negotiation::to_string(u.policy.srtp))},
                     {"suites", suites},
                     {"transports", store::transport_names(u.policy.transports)},
                     {"created", iso8601_utc(u.created_unix)},
                     {"updated", iso8601_utc(u.updated_unix)}});
    }
    nlohmann::json out = {{"data_dir", cli.data_dir}, {"realm", (*st)->info().realm}, {"users", arr}};
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  fmt::print("{} user{} in {} (realm {})\n", users->size(), users->size() == 1 ? "" : "s", cli.data_dir,
             (*st)->info().realm);
  if (users->empty()) return 0;
  std::size_t w = 4;
  for (const auto& u : *users) w = std::max(w, u.name.size());
  fmt::print("{:<{}}  {:<7}  {:<11}  {}\n", "NAME", w, "SRTP", "TRANSPORTS", "SUITES");
  for (const auto& u : *users) {
    fmt::print("{:<{}}  {:<7}  {:<11}  {}\n", u.name, w, negotiation::to_string(u.policy.srtp),
               store::format_transport_list(u.policy.transports), store::format_suite_list(u.policy.suites));
  }
  return 0;
}

int run_remove(UserCli& cli) {
  constexpr std::string_view cmd = "sotto user remove";
  if (auto v = store::validate_user_name(cli.name); !v) return fail_with(cmd, v.error());
  auto st = open_store(cli.data_dir, cli.realm, /*create=*/false);
  if (!st) return fail_with(cmd, st.error());
  auto removed = (*st)->remove_user(cli.name);
  if (!removed) return fail_with(cmd, removed.error());
  if (!*removed) return fail_with(cmd, Error{Errc::not_found, "no user '" + cli.name + "' in " + cli.data_dir});
  fmt::print("removed user {} from {}\n", cli.name, cli.data_dir);
  return 0;
}

int run_passwd(UserCli& cli) {
  constexpr std::string_view cmd = "sotto user passwd";
  if (auto v = store::validate_user_name(cli.name); !v) return fail_with(cmd, v.error());
  auto st = open_store(cli.data_dir, cli.realm, /*create=*/false);
  if (!st) return fail_with(cmd, st.error());
  auto found = (*st)->find_user(cli.name);  // before asking for a password nobody will use
  if (!found) return fail_with(cmd, found.error());
  if (!*found) return fail_with(cmd, Error{Errc::not_found, "no user '" + cli.name + "' in " + cli.data_dir});
  auto pw = required_password(cli.pw, cli.name);
  if (!pw) return fail_with(cmd, pw.error());
  const auto creds = store::digest_credentials(cli.name, (*st)->info().realm, *pw);
  std::fill(pw->begin(), pw->end(), '\0');
  auto changed = (*st)->set_credentials(cli.name, creds, now_unix());
  if (!changed) return fail_with(cmd, changed.error());
  if (!*changed) return fail_with(cmd, Error{Errc::not_found, "no user '" + cli.name + "' in " + cli.data_dir});
  fmt::print("changed the password of {} in {}\n", cli.name, cli.data_dir);
  return 0;
}

void common(CLI::App* sub, UserCli& cli) {
  add_data_dir_option(sub, cli.data_dir);
  sub->add_option("--realm", cli.realm,
                  "Digest realm: fixed when the data directory is created (default sotto); must match later");
}

}  // namespace

void add_user_command(CLI::App& app, Commands& cmds) {
  static UserCli cli;
  auto* user = app.add_subcommand("user", "Accounts of sotto serve: add, list, remove, passwd");
  user->require_subcommand(1);

  cli.add = user->add_subcommand("add", "Add an account (creates a missing data directory)");
  cli.add->add_option("name", cli.name, "User name (the user part of sips:NAME@domain)")->required();
  add_password_options(cli.add, cli.pw, "Password; only its digests (HA1 MD5 and SHA-256) are stored");
  cli.add->add_option("--srtp", cli.srtp, "off|offer|require")->capture_default_str();
  cli.add->add_option("--suites", cli.suites, "SRTP suites in preference order, comma-separated (default: " +
                                                  store::format_suite_list(negotiation::default_suites()) + ")");
  cli.add->add_option("--allow-transports", cli.transports, "Comma-separated subset of tls,tcp,udp")
      ->capture_default_str();
  common(cli.add, cli);

  cli.list = user->add_subcommand("list", "List the accounts and their policies (never digests)");
  cli.list->add_flag("--json", cli.json, "One JSON object (docs/SERVER.md)");
  common(cli.list, cli);

  cli.remove = user->add_subcommand("remove", "Remove an account");
  cli.remove->add_option("name", cli.name, "User name")->required();
  common(cli.remove, cli);

  cli.passwd = user->add_subcommand("passwd", "Set a new password");
  cli.passwd->add_option("name", cli.name, "User name")->required();
  add_password_options(cli.passwd, cli.pw, "The new password");
  common(cli.passwd, cli);

  cmds.entries.emplace_back(user, [] {
    if (cli.add->parsed()) return run_add(cli);
    if (cli.list->parsed()) return run_list(cli);
    if (cli.remove->parsed()) return run_remove(cli);
    return run_passwd(cli);
  });
}

}  // namespace sotto::app
