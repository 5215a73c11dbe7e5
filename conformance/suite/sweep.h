// The sweep of the exporters an implementation enumerates: every one asked every flags value of
// the profile, each in a forked child (resumed after a crash), its description asked first so
// every place, crashes included, names the object. Part of the runner (runner.h).
#ifndef BUFCONF_CONFORMANCE_SUITE_SWEEP_H_
#define BUFCONF_CONFORMANCE_SUITE_SWEEP_H_

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "conformance/adapter/bufconf_adapter.h"
#include "conformance/suite/checks.h"
#include "conformance/suite/runner.h"

namespace bufconf::suite {

struct SweepFailure {
  std::string where;  // the exporter's description
  std::string message;
  nlohmann::ordered_json case_json;
  nlohmann::ordered_json returned;  // what the exporter handed out (ReturnedView), or null
  int64_t cases_to_failure = 0;     // its position in the list it was found in (1: the first)
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
  // The adapter misbehaving outside any rule: enumerate hanging, crashing or exiting, an adapter
  // function answering BUFCONF_ERROR or garbage (AdapterError) on a case.
  std::vector<std::string> adapter_errors;
  std::vector<std::string> unfinished;  // objects a hang cut short: what was not asked
  int64_t unsupported = 0;              // cases the adapter could not express (BUFCONF_UNSUPPORTED)
  bool crashed = false;                 // a child died on a case (filed under REQ-GRANT)
  std::vector<SweepFailure> crash_places;  // the first one (also among REQ-GRANT's failures)
  bool hung = false;                       // ... by a hang
};

// A list of exporter cases judged in order, each finding under the rule it breaks.
struct CaseList {
  std::string name;    // what the list is, in errors and "not asked" notes
  std::string object;  // the enumerated exporter it asks (blocked_objects), or empty
  std::string unit;    // what its cases are called ("flags values")
  size_t count = 0;
  bool stop_on_unsupported = false;  // BUFCONF_UNSUPPORTED ends the list (else: counted, skipped)
  bool prefix_messages = false;      // failure messages begin with their place
  std::function<nlohmann::ordered_json(size_t)> json_at;  // the case
  std::function<std::string(size_t)> note_at;  // noted before it runs (empty: json_at's dump)
  std::function<CheckResult(size_t)> check_at;
  std::function<std::string(size_t)> describe_at;  // for errors
  // The place of a failure, given what the exporter handed out (null for a crash).
  std::function<std::string(size_t, const nlohmann::ordered_json&)> where_at;
  // A crash's message, given what happened ("the implementation crashed (signal 11, ...)").
  std::function<std::string(size_t, const std::string&)> crash_message_at;
};

// Judges the list in forked children (one child, then a new one after each crash, resuming
// after the case it died on; after 4 crashes or a hang the rest is listed as not asked), or in
// process with --no-fork; adds to `out`. A crash or hang is a REQ-GRANT failure: the exporter
// neither granted nor refused.
void SweepCases(const bufconf_adapter& adapter, const RunSettings& settings, const CaseList& list,
                SweepResult* out);

SweepResult EnumeratedSweep(const bufconf_adapter& adapter, const RunSettings& settings);

// The exporter core (core_cases.h): every case judged once for every exporter rule.
SweepResult CoreExporterSweep(const bufconf_adapter& adapter, const RunSettings& settings);

}  // namespace bufconf::suite

#endif  // BUFCONF_CONFORMANCE_SUITE_SWEEP_H_
