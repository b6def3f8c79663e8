// The cost of counting on the packet path and of a scrape.
//   build/default/src/base/metrics/sotto_base_metrics_bench
#include <benchmark/benchmark.h>

#include "base/metrics/metrics.hpp"

namespace sotto::metrics {
namespace {

Registry& registry() {
  static Registry reg;
  return reg;
}

void BM_CounterInc(benchmark::State& state) {
  static Counter& c = registry().counter("sotto_bench_total", "bench");
  for (auto _ : state) c.inc();
  benchmark::DoNotOptimize(c.value());
}
BENCHMARK(BM_CounterInc)->Threads(1)->Threads(2);

void BM_GaugeIncDec(benchmark::State& state) {
  static Gauge& g = registry().gauge("sotto_bench_active", "bench");
  for (auto _ : state) {
    g.inc();
    g.dec();
  }
}
BENCHMARK(BM_GaugeIncDec);

// A registry of the size the server keeps: ~30 series.
void BM_Expose(benchmark::State& state) {
  Registry reg;
  for (const char* r : {"answered", "busy", "no-answer", "rejected", "cancelled", "failed"}) {
    reg.counter("sotto_calls_total", "Finished calls", {{"result", r}}).inc(1000);
  }
  for (int i = 0; i < 24; ++i) reg.gauge("sotto_g" + std::to_string(i), "gauge").set(i * 1000);
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string s = reg.expose();
    bytes = s.size();
    benchmark::DoNotOptimize(s);
  }
  state.counters["bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_Expose);

}  // namespace
}  // namespace sotto::metrics
