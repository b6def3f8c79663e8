// `sotto registrations`: the registrar bindings `sotto serve` holds on disk (docs/RECORDS.md).
#include <fmt/core.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "records_json.hpp"
#include "server_cli.hpp"
#include "store/data_dir.hpp"

namespace sotto::app {
namespace {

struct RegistrationsCli {
  std::string data_dir{store::kDefaultDataDir};
  bool json = false;
};

std::string source_of(const store::BindingRecord& b) {
  if (b.source_ip.empty()) return "";
  return store::source_text(b.source_ip, b.source_port);
}

}  // namespace

std::string registrations_document(const std::string& data_dir, const std::vector<store::BindingRecord>& bindings,
                                 std::int64_t now) {
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const auto& b : bindings) {
    auto or_null = [](const std::string& s) { return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s); };
    arr.push_back({{"user", b.user},
                   {"contact", b.contact},
                   {"transport", std::string(store::transport_label(b.transport))},
                   {"expires_in", b.expires_unix - now},
                   {"expires", iso8601_utc(b.expires_unix)},
                   {"source", or_null(source_of(b))},
                   {"instance", or_null(b.instance)},
                   {"reg_id", b.reg_id != 0 ? nlohmann::ordered_json(b.reg_id) : nlohmann::ordered_json(nullptr)},
                   {"gruu", or_null(b.pub_gruu)},
                   {"outbound", b.outbound},
                   {"flow", or_null(b.flow)},
                   {"call_id", b.call_id},
                   {"cseq", b.cseq},
                   {"updated", iso8601_utc(b.updated_unix)}});
  }
  nlohmann::ordered_json out = {{"data_dir", data_dir}, {"registrations", arr}};
  return out.dump(2);
}

namespace {

int run_registrations(const RegistrationsCli& cli) {
  constexpr std::string_view cmd = "sotto registrations";
  auto st = open_store_read_only(cli.data_dir);
  if (!st) return fail_with(cmd, st.error());
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  auto bindings = (*st)->list_bindings(now);
  if (!bindings) return fail_with(cmd, bindings.error());

  if (cli.json) {
    fmt::print("{}\n", registrations_document(cli.data_dir, *bindings, now));
    return 0;
  }
  fmt::print("{} registration{} in {}\n", bindings->size(), bindings->size() == 1 ? "" : "s", cli.data_dir);
  if (bindings->empty()) return 0;
  std::size_t wu = 4, ws = 6;
  for (const auto& b : *bindings) {
    wu = std::max(wu, b.user.size());
    ws = std::max(ws, source_of(b).size());
  }
  fmt::print("{:<{}}  {:<9}  {:>10}  {:<{}}  {}\n", "USER", wu, "TRANSPORT", "EXPIRES IN", "SOURCE", ws, "CONTACT");
  for (const auto& b : *bindings) {
    fmt::print("{:<{}}  {:<9}  {:>10}  {:<{}}  {}{}\n", b.user, wu, store::transport_label(b.transport),
               fmt::format("{} s", b.expires_unix - now), source_of(b), ws, b.contact,
               b.outbound ? " (outbound)" : "");
  }
  return 0;
}

}  // namespace

void add_registrations_command(CLI::App& app, Commands& cmds) {
  static RegistrationsCli cli;
  auto* sub = app.add_subcommand("registrations", "The registrations sotto serve holds: user, contact, transport, expiry");
  sub->add_flag("--json", cli.json, "One JSON object (docs/RECORDS.md)");
  add_data_dir_option(sub, cli.data_dir);
  cmds.entries.emplace_back(sub, [] { return run_registrations(cli); });
}

}  // namespace sotto::app
