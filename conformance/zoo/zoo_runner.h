// Runs the conformance suite against every entry of the bug zoo and tabulates the kills: per
// entry and seed whether it was caught, which rules failed, the cases until the first failure
// and the size of the shrunk counterexample.
#ifndef BUFCONF_CONFORMANCE_ZOO_ZOO_RUNNER_H_
#define BUFCONF_CONFORMANCE_ZOO_ZOO_RUNNER_H_

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "conformance/adapter/bufconf_adapter.h"
#include "conformance/zoo/zoo.h"

namespace bufconf::zoo {

struct ZooSettings {
  std::vector<uint64_t> seeds = {1};
  std::string profile = "quick";  // quick: 100 cases per rule, deep: 1000
  int64_t examples = 0;           // 0: the profile's
  // false: each entry is run on the rules it declares (fast); true: on the whole catalogue.
  bool all_rules = false;
  std::string only = "*";           // glob over entry names
  double timeout_seconds = 10;      // per rule (a hang costs this much)
  double case_timeout_seconds = 1;  // per case when a crash or hang is re-run case by case
  std::string failures_dir = "bufconf-zoo-failures";
  std::function<void(const std::string&)> progress;  // one line per entry and seed (may be empty)
};

// One entry at one seed.
struct ZooKill {
  uint64_t seed = 0;
  bool caught = false;
  std::vector<std::string> failed_rules;
  int64_t cases_to_failure = 0;  // min over the failing rules (0: unknown)
  // The smallest counterexample among the failing rules: elements of its layout (product of the
  // shape; -1 unknown) and the byte length of its case JSON.
  int64_t counterexample_elements = -1;
  int64_t counterexample_bytes = 0;
  std::string counterexample_file;
  std::string message;  // the failure message of that counterexample's rule
};

struct ZooEntryResult {
  std::string name, source, invariant;
  std::vector<std::string> rules;  // declared
  std::vector<ZooKill> kills;      // one per seed
  bool caught_all = false;         // caught at every seed
  double median_cases = 0;         // median of cases_to_failure over the seeds that caught it
};

struct ZooReport {
  std::string profile;
  int64_t examples = 0;
  std::vector<uint64_t> seeds;
  bool all_rules = false;
  double seconds = 0;
  std::vector<ZooEntryResult> entries;
  double median_cases = 0;  // median cases-to-detection over every (entry, seed) caught
  int caught_all = 0;       // entries caught at every seed
};

// Runs `entries` (default: ZooEntries()). The reference adapter is not part of the zoo.
ZooReport RunZoo(const ZooSettings& settings);
ZooReport RunZoo(const ZooSettings& settings, const std::vector<ZooEntry>& entries);

// Counterexample size from a saved replay file's "case": elements (product of the shape; 1 for
// a scalar; -1 when unknown, e.g. an enumerated exporter).
int64_t CaseElements(const nlohmann::json& case_json);

std::string ZooTable(const ZooReport& report);
nlohmann::ordered_json ZooJson(const ZooReport& report);

// 0 when every entry was caught at every seed, 1 otherwise.
int ZooExitStatus(const ZooReport& report);

}  // namespace bufconf::zoo

#endif  // BUFCONF_CONFORMANCE_ZOO_ZOO_RUNNER_H_
