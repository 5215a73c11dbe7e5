// How long the quick profile of the whole catalogue takes against the reference adapter, next to
// CPython's own test_buffer (the baseline), measured in the same run, with and without the
// bounded-exhaustive cores (core_cases.h) that run before the random cases: the cores' budget is
// the ratio of the two (at most 2x):
//   bazel run -c opt //bench:suite_benchmark
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "conformance/adapter/reference_adapter.h"
#include "conformance/suite/runner.h"

namespace {

void QuickProfile(benchmark::State& state, bool isolate, bool core = true) {
  bufconf::suite::RunSettings settings;
  settings.examples = 100;
  settings.isolate = isolate;
  settings.core = core;
  settings.failures_dir = "/tmp/bufconf-benchmark-failures";
  for (auto _ : state) {
    const auto report =
        bufconf::suite::RunSuite(*bufconf::conformance::ReferenceAdapter(), settings);
    benchmark::DoNotOptimize(report.results.size());
  }
}

void BM_QuickProfileForked(benchmark::State& state) { QuickProfile(state, true); }
void BM_QuickProfileInProcess(benchmark::State& state) { QuickProfile(state, false); }
// The random cases alone (the cores off): the quick profile as it was before the cores.
void BM_QuickProfileForkedWithoutCores(benchmark::State& state) {
  QuickProfile(state, true, false);
}

// Baseline: CPython's Lib/test/test_buffer.py (libpython3.11-testsuite) under /usr/bin/python3.
void BM_CPythonTestBuffer(benchmark::State& state) {
  for (auto _ : state) {
    if (std::system("/usr/bin/python3 -m test -q test_buffer > /dev/null 2>&1") != 0) {
      state.SkipWithError("python3 -m test test_buffer failed (is libpython3.11-testsuite there?)");
    }
  }
}

BENCHMARK(BM_CPythonTestBuffer)->Unit(benchmark::kMillisecond)->Iterations(2);
BENCHMARK(BM_QuickProfileForked)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_QuickProfileInProcess)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_QuickProfileForkedWithoutCores)->Unit(benchmark::kMillisecond)->Iterations(3);

// Prints the usual table, then each benchmark's time as a ratio of the baseline.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      times_[run.benchmark_name()] = run.GetAdjustedRealTime();
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    const auto baseline = times_.find("BM_CPythonTestBuffer/iterations:2");
    if (baseline == times_.end() || baseline->second <= 0) return;
    std::printf("\nratio to CPython's test_buffer (%.0f ms):\n", baseline->second);
    for (const auto& [name, ms] : times_) {
      std::printf("  %-40s %8.0f ms  %5.2fx\n", name.c_str(), ms, ms / baseline->second);
    }
    const auto with = times_.find("BM_QuickProfileForked/iterations:3");
    const auto without = times_.find("BM_QuickProfileForkedWithoutCores/iterations:3");
    if (with != times_.end() && without != times_.end() && without->second > 0) {
      std::printf(
          "\nthe cores' cost: quick profile %.0f ms with them, %.0f ms without: %.2fx "
          "(budget 2x)\n",
          with->second, without->second, with->second / without->second);
    }
  }

 private:
  std::map<std::string, double> times_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  return 0;
}
