#pragma once
// Subcommand registry: each cmd_*.cpp adds its CLI11 subcommand and the function that runs it.
//
//   auto cmds = register_commands(app);   // after app.parse(...)
//   return cmds.run();                    // runs the parsed subcommand, returns the exit status

#include <CLI/CLI.hpp>
#include <functional>
#include <string>
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
void add_audit_command(CLI::App& app, Commands& cmds);
void add_tls_check_command(CLI::App& app, Commands& cmds);
void add_user_command(CLI::App& app, Commands& cmds);
void add_ca_command(CLI::App& app, Commands& cmds);
void add_provision_command(CLI::App& app, Commands& cmds);
void add_config_command(CLI::App& app, Commands& cmds);
void add_serve_command(CLI::App& app, Commands& cmds);
void add_calls_command(CLI::App& app, Commands& cmds);
void add_registrations_command(CLI::App& app, Commands& cmds);

// One line for a command-line error, prefixed by the command that was being parsed ("sotto phone: ...",
// "sotto bench srtp: ..."), e.g. "sotto phone: The following argument was not expected: --bogus (see
// sotto phone --help)". Line breaks in the parser's message are folded into the line.
inline std::string usage_error_line(const CLI::App& app, std::string message) {
  std::string prefix = app.get_name();
  const CLI::App* at = &app;
  for (;;) {
    auto subs = at->get_subcommands();
    if (subs.empty()) break;
    at = subs.front();
    prefix += " " + at->get_name();
  }
  for (char& c : message) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  while (!message.empty() && message.back() == ' ') message.pop_back();
  return prefix + ": " + message + " (see " + prefix + " --help)";
}

inline Commands register_commands(CLI::App& app) {
  Commands c;
  add_bench_command(app, c);
  add_selftest_command(app, c);
  add_phone_command(app, c);
  add_tls_check_command(app, c);
  add_audit_command(app, c);
  add_user_command(app, c);
  add_ca_command(app, c);
  add_provision_command(app, c);
  add_config_command(app, c);
  add_serve_command(app, c);
  add_calls_command(app, c);
  add_registrations_command(app, c);
  return c;
}

}  // namespace sotto::app
