// One rule's property, run in this process (the runner forks a child for it): the rule's
// bounded-exhaustive core first (algorithm side), then RapidCheck's random cases, shrunk on
// failure; findings of other rules are pooled for the runner to file. Part of the runner
// (runner.h).
#ifndef BUFCONF_CONFORMANCE_SUITE_PROPERTY_H_
#define BUFCONF_CONFORMANCE_SUITE_PROPERTY_H_

#include <nlohmann/json.hpp>
#include <string>

#include "conformance/adapter/bufconf_adapter.h"
#include "conformance/suite/isolation.h"
#include "conformance/suite/runner.h"

namespace bufconf::suite {

// Returns one result line: {"rule", "status" (pass, fail, skip, blocked, error), "message",
// "case" and "cases_to_failure" on a failure, "cases", "unsupported", "blocked",
// "blocked_reason", "not_exercised", "core_cases", "pooled" ({rule: {"case", "message"}}),
// "internal_errors"}. `channel` (null in process) gets a note before each case and the failures
// found while shrinking.
nlohmann::ordered_json RunRuleProperty(const bufconf_adapter& adapter, const std::string& rule,
                                       bool exporter_side, const RunSettings& settings,
                                       ChildChannel* channel);

}  // namespace bufconf::suite

#endif  // BUFCONF_CONFORMANCE_SUITE_PROPERTY_H_
