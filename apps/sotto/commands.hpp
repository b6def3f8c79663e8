#pragma once
// Subcommand registry: each cmd_*.cpp adds its CLI11 subcommand and the function that runs it.
//
//   auto cmds = register_commands(app);   // after app.parse(...)
//   return cmds.run();                    // runs the parsed subcommand, returns the exit status

#include <CLI/CLI.hpp>
#include <functional>
#include <vector>

namespace sotto::app {

struct Commands {
  std::vector<std::pair<CLI::App*, std::function<int()>>> entries;
  int run() const {
    for (const auto& [sub, fn] : entries) {
      if (sub->parsed()) return fn();
    }
    return 0;
  }
};

// One per subcommand file.
void add_bench_command(CLI::App& app, Commands& cmds);
void add_selftest_command(CLI::App& app, Commands& cmds);
void add_phone_command(CLI::App& app, Commands& cmds);
void add_tls_check_command(CLI::App& app, Commands& cmds);
void add_user_command(CLI::App& app, Commands& cmds);
void add_ca_command(CLI::App& app, Commands& cmds);
void add_provision_command(CLI::App& app, Commands& cmds);
void add_config_command(CLI::App& app, Commands& cmds);

inline Commands register_commands(CLI::App& app) {
  Commands c;
  add_bench_command(app, c);
  add_selftest_command(app, c);
  add_phone_command(app, c);
  add_tls_check_command(app, c);
  add_user_command(app, c);
  add_ca_command(app, c);
  add_provision_command(app, c);
  add_config_command(app, c);
  return c;
}

}  // namespace sotto::app
