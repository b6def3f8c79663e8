// sotto: one binary, one file per subcommand (cmd_*.cpp); this file only wires them.
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"sotto: secure VoIP — SIP over TLS, media over SRTP, and proof of both", "sotto"};
  app.set_version_flag("--version", std::string("sotto ") + SOTTO_VERSION);
  app.require_subcommand(0, 1);
  // Options of a command may follow its subcommand (`sotto phone call URI --duration 5`): an option the
  // subcommand does not know is offered to its parent. Inherited by every subcommand added below.
  app.fallthrough();
  sotto::app::Commands cmds = sotto::app::register_commands(app);
  auto* help = app.add_subcommand("help", "Show help for sotto or one of its subcommands");
  std::string topic;
  help->add_option("subcommand", topic, "subcommand to describe");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // The documented contract (README, docs/PHONE.md): a usage error is one line on stderr, exit 2.
    fmt::print(stderr, "{}\n", sotto::app::usage_error_line(app, e.what()));
    return 2;
  }
  if (help->parsed() || app.get_subcommands().empty()) {
    if (!topic.empty()) {
      try {
        fmt::print("{}", app.get_subcommand(topic)->help());
      } catch (const CLI::OptionNotFound&) {
        fmt::print(stderr, "sotto help: no subcommand named '{}'\n", topic);
        return 2;
      }
    } else {
      // app.help() would describe the parsed "help" subcommand itself; format the top level.
      fmt::print("{}", app.get_formatter()->make_help(&app, app.get_name(), CLI::AppFormatMode::Normal));
    }
    return 0;
  }
  return cmds.run();
}
