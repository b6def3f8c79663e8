// `sotto calls`: the security record of every call through `sotto serve` (docs/RECORDS.md).
#include <fmt/core.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "config/server_config.hpp"
#include "records_json.hpp"
#include "server_cli.hpp"
#include "store/data_dir.hpp"
#include "store/time_text.hpp"

namespace sotto::app {
namespace {

struct CallsCli {
  std::string data_dir{store::kDefaultDataDir};
  std::string since;
  CLI::Option* since_opt = nullptr;
  bool json = false;
};

std::int64_t now_unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

nlohmann::ordered_json text_or_null(const std::string& s) { return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s); }

}  // namespace

nlohmann::ordered_json call_json(const store::CallRecord& c) {
  nlohmann::ordered_json legs = nlohmann::ordered_json::array();
  for (const auto& l : c.legs) {
    legs.push_back({{"side", std::string(store::to_string(l.side))},
                    {"peer", l.peer},
                    {"address", text_or_null(l.address)},
                    {"transport", std::string(store::transport_label(l.transport))},
                    {"tls_version", text_or_null(l.tls_version)},
                    {"tls_cipher", text_or_null(l.tls_cipher)},
                    {"peer_certificate", text_or_null(l.peer_certificate)},
                    {"media", l.media},
                    {"srtp_suite", l.srtp_suite ? nlohmann::ordered_json(*l.srtp_suite) : nlohmann::ordered_json(nullptr)},
                    {"packets_in", l.packets_in},
                    {"packets_out", l.packets_out},
                    {"auth_failures", l.auth_failures},
                    {"packets_lost", l.packets_lost}});
  }
  return {{"call_id", c.call_id},
          {"from", c.from},
          {"to", c.to},
          {"result", std::string(store::to_string(c.result))},
          {"status", c.status},
          {"verdict", std::string(store::to_string(c.verdict))},
          {"reasons", c.reasons},
          {"started", store::format_utc_ms(c.started_unix_ms)},
          {"answered", c.answered_unix_ms ? nlohmann::ordered_json(store::format_utc_ms(*c.answered_unix_ms))
                                          : nlohmann::ordered_json(nullptr)},
          {"ended", store::format_utc_ms(c.ended_unix_ms)},
          {"end_reason", text_or_null(c.end_reason)},
          {"legs", legs}};
}

std::string calls_document(const std::string& data_dir, const std::vector<store::CallRecord>& calls,
                           std::optional<std::int64_t> since_unix_ms) {
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const auto& c : calls) arr.push_back(call_json(c));
  nlohmann::ordered_json out = {
      {"data_dir", data_dir},
      {"since", !since_unix_ms ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(store::format_utc_ms(*since_unix_ms))},
      {"calls", arr}};
  return out.dump(2);
}

namespace {

std::string leg_summary(const store::CallRecord& c) {
  std::string out;
  for (const auto& l : c.legs) {
    if (!out.empty()) out += " | ";
    out += fmt::format("{} {} {}", store::to_string(l.side), store::transport_label(l.transport),
                       !l.media ? "no media" : l.srtp_suite ? *l.srtp_suite : "plain RTP");
  }
  return out.empty() ? "no legs" : out;
}

// A peer's words (a reason phrase) on a terminal: control characters shown as '?'.
std::string printable(std::string_view text) {
  std::string out(text);
  for (char& ch : out) {
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';
  }
  return out;
}

// "2026-12-01 13:45:30" from "2026-12-01T13:45:30.123Z".
std::string table_time(std::int64_t unix_ms) {
  std::string s = store::format_utc_ms(unix_ms).substr(0, 19);
  s[10] = ' ';
  return s;
}

struct PruneCli {
  std::string data_dir{store::kDefaultDataDir};
  std::string older_than;
};

// `sotto calls prune --older-than 30d`: for cron, beside (or instead of) the server's own retention
// ([records] keep). Batches as the server's, each its own short transaction, so a running server's writes
// interleave with them.
int run_prune(const PruneCli& cli) {
  constexpr std::string_view cmd = "sotto calls prune";
  auto age = config::parse_retention(cli.older_than);
  if (!age || *age == 0) {
    return fail_with(cmd, Error{Errc::invalid_argument,
                                "--older-than '" + cli.older_than +
                                    "': expected an age, a whole number and a unit, d h m or s (30d, 12h)"});
  }
  auto st = open_store(cli.data_dir, "", /*create=*/false);
  if (!st) return fail_with(cmd, st.error());
  const std::int64_t before = now_unix_ms() - *age * 1000;
  constexpr std::size_t kBatch = 500;
  std::size_t total = 0;
  while (true) {
    auto removed = (*st)->prune_calls(before, kBatch);
    if (!removed) return fail_with(cmd, removed.error());
    total += *removed;
    if (*removed < kBatch) break;
  }
  fmt::print("pruned {} call record{} that started before {} from {}\n", total, total == 1 ? "" : "s",
             store::format_utc_ms(before), cli.data_dir);
  return 0;
}

int run_calls(const CallsCli& cli) {
  constexpr std::string_view cmd = "sotto calls";
  std::int64_t since = 0;
  const bool filtered = cli.since_opt->count() > 0;  // `--since ""` is an error, not "no filter"
  if (filtered) {
    auto s = store::parse_since(cli.since, now_unix_ms());
    if (!s) return fail_with(cmd, s.error());
    since = *s;
  }
  auto st = open_store_read_only(cli.data_dir);
  if (!st) return fail_with(cmd, st.error());
  auto calls = (*st)->list_calls(since);
  if (!calls) return fail_with(cmd, calls.error());

  if (cli.json) {
    fmt::print("{}\n", calls_document(cli.data_dir, *calls, filtered ? std::optional<std::int64_t>(since) : std::nullopt));
    return 0;
  }
  fmt::print("{} call{} in {}{}\n", calls->size(), calls->size() == 1 ? "" : "s", cli.data_dir,
             !filtered ? "" : " since " + store::format_utc_ms(since));
  if (calls->empty()) return 0;
  std::size_t wf = 4, wt = 2;
  for (const auto& c : *calls) {
    wf = std::max(wf, c.from.size());
    wt = std::max(wt, c.to.size());
  }
  fmt::print("{:<19}  {:<{}}  {:<{}}  {:<13}  {:<8}  {}\n", "STARTED (UTC)", "FROM", wf, "TO", wt, "RESULT", "VERDICT",
             "LEGS");
  for (const auto& c : *calls) {
    const std::string result =
        c.status != 0 ? fmt::format("{} {}", store::to_string(c.result), c.status) : std::string(store::to_string(c.result));
    fmt::print("{:<19}  {:<{}}  {:<{}}  {:<13}  {:<8}  {}\n", table_time(c.started_unix_ms), c.from, wf, c.to, wt, result,
               store::to_string(c.verdict), leg_summary(c));
    if (!c.end_reason.empty()) fmt::print("{:<19}  ended: {}\n", "", printable(c.end_reason));
    for (const auto& r : c.reasons) fmt::print("{:<19}  - {}\n", "", r);
  }
  return 0;
}

}  // namespace

void add_calls_command(CLI::App& app, Commands& cmds) {
  static CallsCli cli;
  auto* sub = app.add_subcommand("calls", "The record of every call through sotto serve: result, and how each leg was secured");
  sub->add_flag("--json", cli.json, "One JSON object (docs/RECORDS.md)");
  cli.since_opt = sub->add_option("--since", cli.since,
                  "Only calls started since a UTC time (2026-12-01, 2026-12-01T00:00Z) or within an age (30m, 1h, 2d)");
  add_data_dir_option(sub, cli.data_dir);

  static PruneCli prune;
  auto* ps = sub->add_subcommand("prune", "Delete the records of calls that started longer ago than --older-than");
  ps->add_option("--older-than", prune.older_than, "An age: 30d, 12h, 90m, 45s")->required();
  add_data_dir_option(ps, prune.data_dir);
  cmds.entries.emplace_back(ps, [] { return run_prune(prune); });  // before `calls`, which is parsed too
  cmds.entries.emplace_back(sub, [] { return run_calls(cli); });
}

}  // namespace sotto::app
