// Runs the conformance suite against one adapter: one RapidCheck property per rule, each in a
// forked child with a time limit per case, basic rules first, counterexamples shrunk and saved.
// A crash or hang is shrunk (among the tiny cases, each run in a child) and reported once, under
// REQ-GRANT for the exporter side or the rule whose function crashed; the other rules that would
// run the same function are blocked.
#ifndef BUFCONF_CONFORMANCE_SUITE_RUNNER_H_
#define BUFCONF_CONFORMANCE_SUITE_RUNNER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "conformance/adapter/bufconf_adapter.h"
#include "conformance/suite/report.h"

namespace bufconf::suite {

// The default of RunSettings::max_objects (--max-objects); the built-in python adapter
// enumerates 108 (2026-12-06).
constexpr int64_t kDefaultMaxObjects = 10000;

struct RunSettings {
  uint64_t seed = 1;
  int64_t examples = 100;  // cases per rule
  std::string profile = "quick";
  std::string filter = "*";  // glob over rule IDs
  // A sharded run (shard.count > 0: bufconf run --shard, conformance/cli/shard.h): only the rules
  // of `shard_rules` (this shard's share of those `filter` selects) are run and listed.
  ShardInfo shard;
  std::vector<std::string> shard_rules;
  // The limit on one case: a child that spends longer on one case (from the note it writes
  // before running it) is killed and the case reported as a hang. Shrinking a failure stops
  // after half of it (at least 1 s) with the smallest failing case found.
  double timeout_seconds = 20;
  bool isolate = true;  // fork a child per rule
  // The most exporters `enumerate` is asked for (--max-objects): indexes 0..max_objects-1 are
  // judged, and index max_objects is asked only to tell whether there are more (then the report
  // says that objects were not judged: an error, exit status 3). The python adapter's factory
  // stops taking objects at the same count (BUFCONF_MAX_OBJECTS).
  int64_t max_objects = kDefaultMaxObjects;
  // Judge each rule's bounded-exhaustive core (core_cases.h) before its random cases. Off only
  // to measure what the core costs (//bench:suite_benchmark).
  bool core = true;
  // Also list every catalogue rule the suite does not check, as a skip with the reason.
  bool list_every_rule = false;
  std::string failures_dir = "bufconf-failures";
  std::string adapter_spec;  // what --adapter said (name or path), written into replay files
  std::string factory;       // what --factory said (python adapter), written into replay files
  std::string python;        // the interpreter hosting the run (--python), written into them too
  // Environment variables the implementation depends on (--env NAME): their values are written
  // into replay files, and `bufconf replay` sets them again before loading the adapter.
  std::vector<std::string> env_names;
  std::function<void(const std::string&)> progress;  // one line per rule done (may be empty)
};

RunReport RunSuite(const bufconf_adapter& adapter, const RunSettings& settings);

// `bufconf replay`: re-runs the case of a counterexample file. Returns the findings' text and
// whether the file's rule is broken again (a finding under that rule; crashes and hangs are the
// caller's to see, in the child it runs this in). `error` is set, and nothing is run, when the
// file does not decode or names no catalogue rule. An enumerated object the adapter now
// describes differently (another factory, e.g. the fixed one) is said in `report`.
struct ReplayOutcome {
  bool reproduced = false;
  std::string report;
  std::string error;
};
ReplayOutcome Replay(const bufconf_adapter& adapter, const std::string& file_contents);

// What a counterexample file says its case does: "finding" (breaks the rule), "crash" or "hang".
// Throws std::exception when the file is not a counterexample file (bad JSON, no rule, no case
// that decodes).
std::string ReplayExpectation(const std::string& file_contents);

// When the adapter has an after_fork and runs are isolated: calls it in a child of its own (with
// the per-case limit) and says how it failed ("the adapter's after_fork crashed (signal 11,
// SIGSEGV)", "... returned -1"), or nullopt when it returned 0. RunSuite and replay ask it first:
// a failure there is the adapter's, not the case's.
std::optional<std::string> AfterForkError(const bufconf_adapter& adapter,
                                          const RunSettings& settings);

}  // namespace bufconf::suite

#endif  // BUFCONF_CONFORMANCE_SUITE_RUNNER_H_
