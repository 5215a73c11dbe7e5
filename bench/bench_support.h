// What the benchmarks with ratio tables share (//bench:mirror, //bench:for_each): the times of a
// run kept per benchmark name, a reporter that forwards to Google Benchmark's display reporter
// and prints the tables after the run, and the embedded interpreter's errors as text.
#ifndef BUFCONF_BENCH_BENCH_SUPPORT_H_
#define BUFCONF_BENCH_BENCH_SUPPORT_H_

#include <benchmark/benchmark.h>

#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace bufconf::bench {

// The current Python exception as text, cleared ("unknown Python error" when there is none).
std::string TakePythonError();

// The times of one run per benchmark name (the function name Google Benchmark reports): each
// repetition's time per iteration, or, with --benchmark_report_aggregates_only, the medians of
// the aggregates. Every query answers the median repetition, or a negative value when the
// benchmark did not run.
class Times {
 public:
  void Add(const benchmark::BenchmarkReporter::Run& run);
  double Cpu(const std::string& name) const { return cpu_.Median(name); }    // CPU seconds
  double Real(const std::string& name) const { return real_.Median(name); }  // wall seconds
  double Rate(const std::string& name) const { return rate_.Median(name); }  // bytes per second
  // Why a benchmark was skipped (SkipWithError), by name.
  const std::map<std::string, std::string>& errors() const { return errors_; }

 private:
  struct Values {
    std::map<std::string, std::vector<double>> values;  // per repetition
    std::map<std::string, double> medians;              // from aggregates
    double Median(const std::string& name) const;
  };
  Values cpu_, real_, rate_;
  std::map<std::string, std::string> errors_;
};

// Forwards everything to `display` (the reporter --benchmark_format asks for) and keeps the
// times; after the run calls `print` with stderr, so that JSON on stdout stays valid, then lists
// the errors ("error: <name>: <message>").
class TableReporter : public benchmark::BenchmarkReporter {
 public:
  using Print = std::function<void(const Times&, std::FILE*)>;
  TableReporter(benchmark::BenchmarkReporter* display, Print print)
      : display_(display), print_(std::move(print)) {}
  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

 private:
  std::unique_ptr<benchmark::BenchmarkReporter> display_;
  Print print_;
  Times times_;
};

// The main function of a benchmark with tables: Google Benchmark's flags, Debian's
// /usr/bin/python3 started as the python adapter starts it, then `init` (numpy's C API import,
// which must be in the benchmark's own file, and the registrations; it returns "" or what went
// wrong), the run, and `print`. Returns main's exit status.
int Main(int argc, char** argv, const std::function<std::string()>& init,
         TableReporter::Print print);

// A time as the tables print it: "12.3 ns" for latency benchmarks, else "12.34 ms".
std::string FormatTime(double seconds, bool nanoseconds);

}  // namespace bufconf::bench

#endif  // BUFCONF_BENCH_BENCH_SUPPORT_H_
