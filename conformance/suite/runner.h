// Runs the conformance suite against one adapter: one RapidCheck property per rule, each in a
// forked child with a time limit, basic rules first, counterexamples shrunk and saved.
#ifndef BUFCONF_CONFORMANCE_SUITE_RUNNER_H_
#define BUFCONF_CONFORMANCE_SUITE_RUNNER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "conformance/adapter/bufconf_adapter.h"
#include "conformance/suite/report.h"

namespace bufconf::suite {

struct RunSettings {
  uint64_t seed = 1;
  int64_t examples = 100;  // cases per rule
  std::string profile = "quick";
  std::string filter = "*";     // glob over rule IDs
  double timeout_seconds = 20;  // per rule
  bool isolate = true;          // fork a child per rule
  std::string failures_dir = "bufconf-failures";
  std::string adapter_spec;  // what --adapter said (name or path), written into replay files
  std::string factory;       // what --factory said (python adapter), written into replay files
  std::function<void(const std::string&)> progress;  // one line per rule done (may be empty)
};

RunReport RunSuite(const bufconf_adapter& adapter, const RunSettings& settings);

// `bufconf replay`: re-runs the case of a counterexample file. Returns the findings' text and
// whether the file's rule is broken again.
struct ReplayOutcome {
  bool reproduced = false;
  std::string report;
};
ReplayOutcome Replay(const bufconf_adapter& adapter, const std::string& file_contents);

}  // namespace bufconf::suite

#endif  // BUFCONF_CONFORMANCE_SUITE_RUNNER_H_
