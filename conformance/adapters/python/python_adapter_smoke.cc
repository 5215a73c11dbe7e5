// Runs the conformance suite (quick profile) against the python adapter and prints the result
// table: how CPython's and numpy's real exporters fare. Arguments: [--no-fork] [--filter GLOB]
// [--examples N] [--seed N].
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "conformance/adapters/python/python_adapter.h"
#include "conformance/suite/report.h"
#include "conformance/suite/runner.h"

int main(int argc, char** argv) {
  bufconf::suite::RunSettings settings;
  settings.adapter_spec = "python";
  settings.failures_dir = "/tmp/bufconf-python-failures";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--no-fork") {
      settings.isolate = false;
    } else if (arg == "--filter" && i + 1 < argc) {
      settings.filter = argv[++i];
    } else if (arg == "--examples" && i + 1 < argc) {
      settings.examples = std::atoll(argv[++i]);
    } else if (arg == "--seed" && i + 1 < argc) {
      settings.seed = std::strtoull(argv[++i], nullptr, 10);
    } else {
      std::fprintf(stderr, "usage: %s [--no-fork] [--filter GLOB] [--examples N] [--seed N]\n",
                   argv[0]);
      return 2;
    }
  }
  settings.progress = [](const std::string& line) { std::cerr << line << "\n"; };
  const bufconf_adapter& adapter = *bufconf::adapters::PythonAdapter();
  const bufconf::suite::RunReport report = bufconf::suite::RunSuite(adapter, settings);
  std::cout << bufconf::suite::Banner(report) << "\n" << bufconf::suite::ResultTable(report);
  return bufconf::suite::ExitStatus(report);
}
