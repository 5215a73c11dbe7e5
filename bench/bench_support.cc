#include "bench/bench_support.h"

#include <Python.h>
// Python.h first.
#include <algorithm>
#include <utility>

#include "conformance/adapters/python/debian_python.h"

namespace bufconf::bench {

std::string TakePythonError() {
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  std::string text = "unknown Python error";
  if (value != nullptr) {
    PyObject* s = PyObject_Str(value);
    const char* utf8 = s != nullptr ? PyUnicode_AsUTF8(s) : nullptr;
    if (utf8 != nullptr) text = utf8;
    Py_XDECREF(s);
  }
  PyErr_Clear();
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
  return text;
}

double Times::Values::Median(const std::string& name) const {
  auto m = medians.find(name);
  if (m != medians.end()) return m->second;
  auto it = values.find(name);
  if (it == values.end() || it->second.empty()) return -1;
  std::vector<double> v = it->second;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

void Times::Add(const benchmark::BenchmarkReporter::Run& run) {
  using Run = benchmark::BenchmarkReporter::Run;
  const std::string name = run.run_name.function_name;
  auto rate = run.counters.find("bytes_per_second");
  if (run.error_occurred) {
    errors_[name] = run.error_message;
  } else if (run.run_type == Run::RT_Aggregate) {
    // --benchmark_report_aggregates_only hides the repetitions: use their median.
    if (run.aggregate_name != "median" || run.aggregate_unit != benchmark::kTime) return;
    const double unit = benchmark::GetTimeUnitMultiplier(run.time_unit);
    cpu_.medians[name] = run.GetAdjustedCPUTime() / unit;
    real_.medians[name] = run.GetAdjustedRealTime() / unit;
    if (rate != run.counters.end()) rate_.medians[name] = rate->second.value;
  } else if (run.iterations > 0) {
    const auto iterations = static_cast<double>(run.iterations);
    cpu_.values[name].push_back(run.cpu_accumulated_time / iterations);
    real_.values[name].push_back(run.real_accumulated_time / iterations);
    if (rate != run.counters.end()) rate_.values[name].push_back(rate->second.value);
  }
}

bool TableReporter::ReportContext(const Context& context) {
  return display_->ReportContext(context);
}

void TableReporter::ReportRuns(const std::vector<Run>& runs) {
  display_->ReportRuns(runs);
  for (const Run& run : runs) times_.Add(run);
}

void TableReporter::Finalize() {
  display_->Finalize();
  print_(times_, stderr);
  for (const auto& [name, message] : times_.errors()) {
    std::fprintf(stderr, "error: %s: %s\n", name.c_str(), message.c_str());
  }
}

int Main(int argc, char** argv, const std::function<std::string()>& init,
         TableReporter::Print print) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  std::string error = bufconf::adapters::StartDebianPython();
  if (error.empty()) error = init();
  if (!error.empty()) {
    std::fprintf(stderr, "%s\n", error.c_str());
    return 1;
  }
  TableReporter reporter(benchmark::CreateDefaultDisplayReporter(), std::move(print));
  benchmark::RunSpecifiedBenchmarks(&reporter);
  return 0;
}

std::string FormatTime(double seconds, bool nanoseconds) {
  char text[32];
  if (nanoseconds) {
    std::snprintf(text, sizeof text, "%.1f ns", seconds * 1e9);
  } else {
    std::snprintf(text, sizeof text, "%.2f ms", seconds * 1e3);
  }
  return text;
}

}  // namespace bufconf::bench
