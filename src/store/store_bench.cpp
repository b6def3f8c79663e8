// Durable writes per second of the SQLite store (WAL, synchronous=FULL): one binding per commit, a burst of
// bindings per commit (put_bindings), one call record (2 legs) per commit, and N REGISTERs arriving at once
// through the CommitQueue (group commit; the "commits" counter is transactions per burst). The database lives in
// $SOTTO_BENCH_DIR (default: the system temp directory): put it on the disk the server will use.
//
//   SOTTO_BENCH_DIR=/var/lib/sotto-bench ./build/default/src/store/sotto_store_bench --benchmark_min_time=2
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include <atomic>
#include <future>

#include "store/commit_queue.hpp"
#include "store/data_dir.hpp"
#include "store/verdict.hpp"

namespace {

using namespace sotto;
namespace fs = std::filesystem;

struct BenchStore {
  BenchStore() {
    const char* env = std::getenv("SOTTO_BENCH_DIR");
    const fs::path base = env != nullptr ? fs::path(env) : fs::temp_directory_path();
    fs::create_directories(base);
    std::string tmpl = (base / "sotto-store-bench-XXXXXX").string();
    dir = ::mkdtemp(tmpl.data());
    auto st = store::open_data_dir(dir, {.realm = std::nullopt, .create = true});
    if (!st) std::abort();
    s = std::move(*st);
    for (int i = 0; i < 100; ++i) {
      if (!s->add_user(store::make_user("user" + std::to_string(i), "sotto", "pw", {}, 1))) std::abort();
    }
  }
  ~BenchStore() {
    s.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  fs::path dir;
  std::unique_ptr<store::Store> s;
};

store::BindingRecord binding(std::int64_t i) {
  store::BindingRecord b;
  b.user = "user" + std::to_string(i % 100);
  b.contact = "sips:" + b.user + "@127.0.0.1:" + std::to_string(20000 + i % 1000) + ";transport=tls";
  b.instance = "<urn:uuid:00000000-0000-1000-8000-" + std::to_string(100000000000 + i % 1000) + ">";
  b.reg_id = 1;
  b.source_ip = "127.0.0.1";
  b.source_port = static_cast<std::uint16_t>(20000 + i % 1000);
  b.call_id = "reg-" + std::to_string(i);
  b.cseq = static_cast<std::uint32_t>(i);
  b.expires_unix = 1'800'000'000 + i;
  b.outbound = true;
  b.flow = "tls 127.0.0.1:" + std::to_string(b.source_port);
  b.updated_unix = 1'800'000'000;
  return b;
}

void BM_PutBinding(benchmark::State& state) {
  BenchStore bs;
  std::int64_t i = 0;
  for (auto _ : state) {
    if (!bs.s->put_binding(binding(i++))) state.SkipWithError("put_binding failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PutBinding)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_PutBindingsBurst(benchmark::State& state) {
  BenchStore bs;
  std::int64_t i = 0;
  const auto n = state.range(0);
  std::vector<store::BindingRecord> batch;
  for (auto _ : state) {
    batch.clear();
    for (std::int64_t k = 0; k < n; ++k) batch.push_back(binding(i++));
    if (!bs.s->put_bindings(batch)) state.SkipWithError("put_bindings failed");
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_PutBindingsBurst)->Arg(16)->Arg(128)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_AddCall(benchmark::State& state) {
  BenchStore bs;
  std::int64_t i = 0;
  for (auto _ : state) {
    store::CallRecord c;
    c.call_id = "call-" + std::to_string(i);
    c.from = "sips:user1@localhost";
    c.to = "sips:user2@localhost";
    c.started_unix_ms = 1'800'000'000'000 + i++;
    c.answered_unix_ms = c.started_unix_ms + 100;
    c.ended_unix_ms = c.started_unix_ms + 60'000;
    c.result = store::CallResult::answered;
    c.status = 200;
    for (auto side : {store::LegSide::caller, store::LegSide::callee}) {
      store::LegRecord l;
      l.side = side;
      l.peer = "user1";
      l.address = "127.0.0.1:40312";
      l.tls_version = "TLSv1.3";
      l.tls_cipher = "TLS_AES_256_GCM_SHA384";
      l.srtp_suite = "AES_CM_128_HMAC_SHA1_80";
      l.packets_in = l.packets_out = 3000;
      c.legs.push_back(l);
    }
    store::apply_judgement(c);
    if (!bs.s->add_call(c)) state.SkipWithError("add_call failed");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AddCall)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_CommitQueueBurst(benchmark::State& state) {
  BenchStore bs;
  auto second = store::open_data_dir(bs.dir, {.realm = std::nullopt, .create = false});
  if (!second) std::abort();
  store::CommitQueue q(std::move(*second));
  const auto n = state.range(0);
  std::int64_t i = 0;
  for (auto _ : state) {
    std::atomic<std::int64_t> left{n};
    std::promise<void> done;
    for (std::int64_t k = 0; k < n; ++k) {
      q.submit(store::PutBinding{binding(i++)}, [&](const Status& s) {
        if (!s) std::abort();
        if (--left == 0) done.set_value();
      });
    }
    done.get_future().wait();
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["commits"] =
      benchmark::Counter(static_cast<double>(q.commits()) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_CommitQueueBurst)->Arg(1)->Arg(100)->Arg(1000)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace
