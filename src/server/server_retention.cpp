// Retention of call records (docs/RECORDS.md "Retention"): at start and then every hour, the records of
// calls that started more than records_keep ago are deleted, kPruneBatch calls per transaction. Each batch
// is one short DELETE on the io_context thread (as a record's own write is); between batches the other
// ready handlers run, so a large backlog (the first start after an upgrade, or a shortened keep) never
// holds SIP traffic for longer than one batch. Bindings are not touched.
#include <fmt/core.h>

#include <asio/post.hpp>
#include <chrono>

#include "config/server_config.hpp"
#include "server/server.hpp"
#include "store/time_text.hpp"

namespace sotto::server {
namespace {

constexpr std::size_t kPruneBatch = 500;
constexpr auto kPruneEvery = std::chrono::hours(1);

std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void Server::start_retention() {
  if (opts_.records_keep.count() <= 0) return;  // [records] keep = "forever"
  prune_at_ = clock_.now();                     // the first round from the timer, once start() has returned
  follow_deadlines();
}

void Server::prune_step() {
  if (stop_at_) return;
  if (!prune_round_) {
    const std::int64_t keep_ms = opts_.records_keep.count() * 1000;
    prune_round_ = PruneRound{unix_ms_now() - keep_ms, 0, 0, Duration{}};
  }
  PruneRound& r = *prune_round_;
  const auto t0 = clock_.now();
  auto removed = store_->prune_calls(r.before_unix_ms, kPruneBatch);
  const Duration took = clock_.now() - t0;
  r.longest = std::max(r.longest, took);
  ++r.batches;
  if (!removed) {
    log_("records: pruning old call records failed (retrying in an hour): " + removed.error().context);
  } else {
    r.removed += *removed;
    if (*removed == kPruneBatch) {  // more to do: after whatever else is ready
      asio::post(io_, [this] { prune_step(); });
      return;
    }
  }
  if (r.removed > 0) {
    log_(fmt::format("records: pruned {} call record(s) that started before {} (keep {}) in {} batch(es), the "
                     "longest {} ms",
                     r.removed, store::format_utc_ms(r.before_unix_ms),
                     config::format_retention(opts_.records_keep.count()), r.batches,
                     std::chrono::duration_cast<std::chrono::milliseconds>(r.longest).count()));
  }
  prune_round_.reset();
  prune_at_ = clock_.now() + kPruneEvery;
  follow_deadlines();
}

}  // namespace sotto::server
