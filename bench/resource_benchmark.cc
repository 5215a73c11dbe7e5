// Peak memory and time of the commands' work on large inputs (issue 15): a 1 MB format string, a
// 256 MiB region, 3 M suboffset pointers, and explain of 2^24 elements with and without the SVG.
// Each case runs in a forked child (a fresh heap: the child's ru_maxrss, read with wait4, is its
// peak RSS); the child builds its input as the command would hold it (the JSON text, parsed as
// `bufconf check` / `explain` parse it), then does the command's work, timed. Every case also
// runs at half the size, so time linearity shows as the full/half ratio in the same run, next to
// a baseline child that does nothing (the RSS every child starts with):
//   bazel run -c opt //bench:resource_benchmark
// Counters: peak_rss_MB, input_MB (the bytes the command reads or declares), target_MB
// (64 MB + 4x the input: the target) and within_target (1 or 0).
#include <benchmark/benchmark.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "conformance/explain/explain.h"
#include "conformance/explain/verdict.h"
#include "reference/format/format_json.h"
#include "reference/format/layout.h"
#include "reference/format/parser.h"
#include "reference/format/printer.h"
#include "reference/layout/descriptor_json.h"

namespace {

constexpr double kMB = 1e6;

// What a child reports back through the pipe.
struct ChildResult {
  double seconds = 0;  // the work, without building the input
  double input_bytes = 0;
  int ok = 0;  // the work gave the expected answer
};

// A case: builds its input (untimed) and does the work (timed) in the child; returns the size
// of the input and whether the answer was as expected.
using Work = std::function<bool(double* input_bytes, std::chrono::steady_clock::time_point*)>;

// Runs `work` in a forked child; its peak RSS (wait4's ru_maxrss) and time become counters.
void RunForked(benchmark::State& state, const Work& work) {
  double peak_kb = 0, seconds = 0, input = 0;
  bool ok = true;
  for (auto _ : state) {
    int fds[2];
    if (pipe(fds) != 0) {
      state.SkipWithError("pipe failed");
      return;
    }
    const pid_t pid = fork();
    if (pid < 0) {
      state.SkipWithError("fork failed");
      return;
    }
    if (pid == 0) {
      close(fds[0]);
      ChildResult r;
      auto start = std::chrono::steady_clock::now();
      r.ok = work(&r.input_bytes, &start) ? 1 : 0;
      r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (write(fds[1], &r, sizeof r) != static_cast<ssize_t>(sizeof r)) _exit(3);
      _exit(0);
    }
    close(fds[1]);
    ChildResult r;
    const ssize_t got = read(fds[0], &r, sizeof r);
    close(fds[0]);
    int status = 0;
    struct rusage usage {};
    if (wait4(pid, &status, 0, &usage) != pid || got != static_cast<ssize_t>(sizeof r) ||
        !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      state.SkipWithError("the child failed (out of memory?)");
      return;
    }
    state.SetIterationTime(r.seconds);
    peak_kb = std::max(peak_kb, static_cast<double>(usage.ru_maxrss));
    seconds += r.seconds;
    input = r.input_bytes;
    ok = ok && r.ok != 0;
  }
  if (!ok) state.SkipWithError("the work gave an unexpected answer");
  const double peak_mb = peak_kb * 1024 / kMB;
  const double target_mb = 64 + 4 * input / kMB;
  state.counters["peak_rss_MB"] = peak_mb;
  state.counters["input_MB"] = input / kMB;
  state.counters["target_MB"] = target_mb;
  state.counters["within_target"] = peak_mb <= target_mb ? 1 : 0;
}

// ---- the cases ----

// The RSS and time of a child that does nothing: what every child starts with.
bool Baseline(double* input, std::chrono::steady_clock::time_point*) {
  *input = 0;
  return true;
}

// A format of `bytes` bytes in named fields of 64 bytes (kMaxItems at 1 MB: the longest format
// that parses is one of long names), analysed and printed as `bufconf format --json` does.
bool FormatOfSize(size_t bytes, double* input, std::chrono::steady_clock::time_point* start) {
  std::string text;
  const size_t fields = std::min<size_t>(bufconf::format::kMaxItems, bytes / 64);
  const size_t name = 61;  // "i:" + name + ":": 64 bytes a field
  for (size_t k = 0; k < fields; ++k) {
    std::string n = "f" + std::to_string(k);
    n.resize(name, '_');
    text += "i:" + n + ":";
  }
  *input = static_cast<double>(text.size());
  *start = std::chrono::steady_clock::now();
  const auto dialect = bufconf::format::Dialect::kPep3118;
  const bufconf::format::FormatResult r = bufconf::format::AnalyzeFormat(text, dialect);
  const std::string out = bufconf::format::ResultToJson(text, dialect, r).dump();
  benchmark::DoNotOptimize(out.data());
  return r.ok() && r.layout().fields.size() == fields;
}

// A format of `bytes` one-byte fields: refused at the item limit.
bool FlatFormat(size_t bytes, double* input, std::chrono::steady_clock::time_point* start) {
  const std::string text(bytes, 'i');
  *input = static_cast<double>(text.size());
  *start = std::chrono::steady_clock::now();
  const auto dialect = bufconf::format::Dialect::kPep3118;
  const bufconf::format::FormatResult r = bufconf::format::AnalyzeFormat(text, dialect);
  const std::string out = bufconf::format::ResultToJson(text, dialect, r).dump();
  benchmark::DoNotOptimize(out.data());
  return !r.ok();
}

// `bufconf check`: parse the descriptor's JSON text, build its memory, judge it.
bool Check(const std::string& text, bool expect_valid) {
  const bufconf::layout::DescriptorFile d = *bufconf::layout::DescriptorFromJsonText(text);
  const auto j = bufconf::explain::Judge(d.view, d.memory ? &*d.memory : nullptr);
  return (j.kind == bufconf::explain::Judgement::Kind::kValid) == expect_valid;
}

std::string StridedJson(uint64_t bytes) {
  const std::string n = std::to_string(bytes);
  return "{\"buf\": \"0x1000\", \"len\": " + n +
         ", \"itemsize\": 1, \"ndim\": 1, \"format\": " + "\"B\", \"shape\": [" + n +
         "], \"strides\": [1], \"suboffsets\": null, \"memory\": " +
         "[{\"base\": \"0x1000\", \"size\": " + n + "}]}";
}

// A 1-D view of a region of `bytes` bytes; the input is the memory it declares.
bool Region(uint64_t bytes, double* input, std::chrono::steady_clock::time_point* start) {
  const std::string text = StridedJson(bytes);
  *input = static_cast<double>(text.size() + bytes);
  *start = std::chrono::steady_clock::now();
  return Check(text, true);
}

// An array of arrays: `rows` row pointers (a pointer table in the JSON), one byte each.
bool Pointers(uint64_t rows, double* input, std::chrono::steady_clock::time_point* start) {
  const std::string n = std::to_string(rows);
  std::string text = "{\"buf\": \"0x1000\", \"len\": " + n + ", \"itemsize\": 1, \"ndim\": 2, " +
                     "\"format\": \"B\", \"shape\": [" + n + ", 1], \"strides\": [8, 1], " +
                     "\"suboffsets\": [0, -1], \"memory\": [{\"base\": \"0x1000\", " +
                     "\"pointers\": [";
  char buf[32];
  for (uint64_t r = 0; r < rows; ++r) {
    std::snprintf(buf, sizeof buf, "%s\"0x%llx\"", r == 0 ? "" : ",",
                  static_cast<unsigned long long>(0x10000000 + r % 16));
    text += buf;
  }
  text += "]}, {\"base\": \"0x10000000\", \"size\": 16}]}";
  *input = static_cast<double>(text.size());
  *start = std::chrono::steady_clock::now();
  return Check(text, true);
}

// `bufconf explain --max-elements 100000000 [--svg]` of a 1-D view of `elements` bytes with its
// region declared; the input is the declared memory (the JSON text is tiny).
bool Explain(uint64_t elements, bool svg, double* input,
             std::chrono::steady_clock::time_point* start) {
  const std::string text = StridedJson(elements);
  *input = static_cast<double>(text.size() + elements);
  *start = std::chrono::steady_clock::now();
  const bufconf::layout::DescriptorFile d = *bufconf::layout::DescriptorFromJsonText(text);
  bufconf::explain::ExplainOptions o;
  o.max_elements = 100000000;
  const bufconf::layout::Memory* m = d.memory ? &*d.memory : nullptr;
  std::string out;
  if (svg) out = bufconf::explain::ExplainSvg(d.view, m, o);
  const std::string explained = bufconf::explain::ExplainText(d.view, m, o);
  benchmark::DoNotOptimize(out.data());
  return explained.find("verdict: valid") != std::string::npos &&
         (!svg || out.find("more not drawn") != std::string::npos);
}

constexpr uint64_t kMiB = uint64_t{1} << 20;

void Register(const std::string& name, const Work& work) {
  benchmark::RegisterBenchmark(name.c_str(),
                               [work](benchmark::State& state) { RunForked(state, work); })
      ->UseManualTime()
      ->Unit(benchmark::kMillisecond)
      ->Iterations(3);
}

void RegisterAll() {
  using T = std::chrono::steady_clock::time_point;
  Register("baseline", Baseline);
  for (uint64_t div : {1, 2}) {
    const std::string half = div == 1 ? "" : "/half";
    Register("format_1MB" + half,
             [div](double* i, T* s) { return FormatOfSize(kMiB / div, i, s); });
    Register("format_flat_1MB" + half,
             [div](double* i, T* s) { return FlatFormat(kMiB / div, i, s); });
    Register("check_region_256MiB" + half,
             [div](double* i, T* s) { return Region(256 * kMiB / div, i, s); });
    Register("check_pointers_3M" + half,
             [div](double* i, T* s) { return Pointers(3 * kMiB / div, i, s); });
    Register("explain_2^24" + half,
             [div](double* i, T* s) { return Explain((uint64_t{1} << 24) / div, false, i, s); });
    Register("explain_svg_2^24" + half,
             [div](double* i, T* s) { return Explain((uint64_t{1} << 24) / div, true, i, s); });
  }
}

// The usual table, then per case: peak RSS against the target and the time of the full size
// over the half size (2.0: linear).
class ResourceReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      // With --benchmark_repetitions, the median replaces the single runs.
      if (run.error_occurred) continue;
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name != "median") continue;
      Row& row = rows_[run.benchmark_name().substr(0, run.benchmark_name().find("/iter"))];
      row.ms = run.GetAdjustedRealTime();
      for (const char* c : {"peak_rss_MB", "input_MB", "target_MB"}) {
        const auto it = run.counters.find(c);
        if (it != run.counters.end()) row.counters[c] = it->second.value;
      }
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\n%-28s %10s %10s %10s %10s %14s\n", "case", "input MB", "peak MB", "target MB",
                "time ms", "full/half time");
    for (const auto& [name, row] : rows_) {
      if (name.find("/half") != std::string::npos) continue;
      const auto half = rows_.find(name + "/half");
      char ratio[32] = "-";
      if (half != rows_.end() && half->second.ms > 0) {
        std::snprintf(ratio, sizeof ratio, "%.2f", row.ms / half->second.ms);
      }
      auto at = [&](const char* c) {
        const auto it = row.counters.find(c);
        return it == row.counters.end() ? 0.0 : it->second;
      };
      std::printf("%-28s %10.1f %10.1f %10.1f %10.1f %14s\n", name.c_str(), at("input_MB"),
                  at("peak_rss_MB"), at("target_MB"), row.ms, ratio);
    }
  }

 private:
  struct Row {
    double ms = 0;
    std::map<std::string, double> counters;
  };
  std::map<std::string, Row> rows_;
};

}  // namespace

int main(int argc, char** argv) {
  RegisterAll();
  benchmark::Initialize(&argc, argv);
  ResourceReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  return 0;
}
