// The sweep of the exporters an implementation enumerates: every one asked every flags value of
// the profile, each in a forked child (resumed after a crash), its description asked first so
// every place, crashes included, names the object. Part of the runner (runner.h).
#ifndef BUFCONF_CONFORMANCE_SUITE_SWEEP_H_
#define BUFCONF_CONFORMANCE_SUITE_SWEEP_H_

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "conformance/adapter/bufconf_adapter.h"
#include "conformance/suite/runner.h"

namespace bufconf::suite {

struct SweepFailure {
  std::string where;  // the exporter's description
  std::string message;
  nlohmann::ordered_json case_json;
  nlohmann::ordered_json returned;  // what the exporter handed out (ReturnedView), or null
};

struct SweepRule {
  int64_t cases = 0;
  int64_t blocked = 0;        // cases not judged: the object's full description broke a MUST rule
  int64_t not_exercised = 0;  // cases run that could not break this rule
  std::set<std::string> blocked_objects;  // their descriptions
  std::string blocked_reason;             // the first one's reason
  std::vector<SweepFailure> failures;     // the first failure of each failing exporter
  bool failed() const { return !failures.empty(); }
};

// What the sweep of the enumerated exporters found, beyond the rules.
struct SweepResult {
  std::map<std::string, SweepRule> rules;
  int64_t objects = 0;                                       // exporters enumerated (not skipped)
  std::vector<std::pair<std::string, std::string>> skipped;  // (description, why) per skipped one
  std::vector<std::pair<std::string, std::string>> notes;    // (description, note)
  std::vector<std::string> errors;  // bufconf's own errors (limits, internal), each on an object
  std::vector<std::string> unfinished;  // objects a hang cut short: what was not asked
};

SweepResult EnumeratedSweep(const bufconf_adapter& adapter, const RunSettings& settings);

}  // namespace bufconf::suite

#endif  // BUFCONF_CONFORMANCE_SUITE_SWEEP_H_
