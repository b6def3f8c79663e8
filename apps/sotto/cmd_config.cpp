// `sotto config check FILE [flags]`: validates a server configuration and prints the effective settings
// (file, then flags over it, then defaults) as TOML (docs/CONFIG.md).
#include <fmt/core.h>

#include <fstream>
#include <sstream>

#include "commands.hpp"
#include "config/server_config.hpp"
#include "server_flags.hpp"

namespace sotto::app {
namespace {

struct ConfigCli {
  std::string file;
  ServerFlags flags;
};

int run_check(const ConfigCli& cli) {
  std::ifstream in(cli.file, std::ios::binary);
  if (!in) {
    fmt::print(stderr, "sotto config check: cannot read {}\n", cli.file);
    return 2;
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  config::ParseOptions o;
  o.check_listen = check_listen;
  auto file = config::parse_config(ss.str(), cli.file, o);
  if (!file) {
    fmt::print(stderr, "{}\n", file.error().context);
    return 2;
  }
  auto flags = flags_config(cli.flags);
  if (!flags) {
    fmt::print(stderr, "sotto config check: {}\n", flags.error().context);
    return 2;
  }
  auto eff = config::resolve(config::merge(*file, *flags));
  if (!eff) {
    fmt::print(stderr, "sotto config check: {}: {}\n", cli.file, eff.error().context);
    return 2;
  }
  fmt::print("# {}: valid. Effective settings (file, flags over it, defaults for the rest):\n{}", cli.file,
             config::to_toml(*eff));
  return 0;
}

}  // namespace

void add_config_command(CLI::App& app, Commands& cmds) {
  static ConfigCli cli;
  auto* cfg = app.add_subcommand("config", "The server's TOML configuration (docs/CONFIG.md)");
  cfg->require_subcommand(1);
  auto* check = cfg->add_subcommand("check", "Validate FILE; print the effective settings (flags override keys)");
  check->add_option("file", cli.file, "TOML configuration file")->required();
  add_server_flags(check, cli.flags);
  cmds.entries.emplace_back(cfg, [] { return run_check(cli); });
}

}  // namespace sotto::app
