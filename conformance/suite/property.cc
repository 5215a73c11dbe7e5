#include "conformance/suite/property.h"

#include <rapidcheck.h>
#include <rapidcheck/detail/Configuration.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>

#include "conformance/suite/cases.h"
#include "conformance/suite/checks.h"
#include "conformance/suite/core_cases.h"
#include "conformance/suite/run_support.h"

namespace bufconf::suite {
namespace {

using nlohmann::ordered_json;

// The last failing case of the property being run: after shrinking it is the smallest one.
struct LastFailure {
  ordered_json case_json;
  std::string message;
};

}  // namespace

ordered_json RunRuleProperty(const bufconf_adapter& adapter, const std::string& rule,
                             bool exporter_side, const RunSettings& settings,
                             ChildChannel* channel) {
  using Clock = std::chrono::steady_clock;
  int64_t cases = 0;
  int64_t unsupported = 0;
  int64_t blocked_cases = 0;    // cases whose full description already broke a basic rule
  std::string blocked_reason;   // the first such case's reason
  int64_t not_exercised = 0;    // cases that could not break this rule (checked nothing of it)
  int64_t internal_errors = 0;  // cases bufconf itself could not judge (its limits, its bugs)
  std::string internal_error;   // the first one's message
  int64_t adapter_errors = 0;   // cases the adapter failed on (make_exporter, regions, ...)
  std::string adapter_error;    // the first one's message, with its case
  LastFailure last;
  // Shrinking has a budget: once it is spent, new candidates are not run (they "pass"), so
  // RapidCheck stops with the smallest failure found so far (`last`).
  const auto shrink_budget = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(std::max(1.0, settings.timeout_seconds / 2)));
  std::optional<Clock::time_point> first_failure;
  int64_t cases_to_failure = 0;
  const auto failed = [&](const ordered_json& case_json, const std::string& message) {
    last.case_json = case_json;
    last.message = message;
    if (!first_failure) {
      first_failure = Clock::now();
      cases_to_failure = cases + unsupported + blocked_cases + 1;
    }
    // The parent keeps it: a child killed while shrinking still reports a case that fails.
    if (channel != nullptr) {
      channel->NoteFailure(ChildLine(ordered_json({{"case", case_json},
                                                   {"message", message},
                                                   {"cases", cases},
                                                   {"unsupported", unsupported},
                                                   {"cases_to_failure", cases_to_failure}})));
    }
  };
  // A finding about another rule than the one being judged counts for that rule (the first one
  // per rule, on a case not blocked): the runner files it there if that rule's own cases miss it.
  ordered_json pooled = ordered_json::object();
  // Judges one case for `rule`; returns the message when the case breaks it.
  // The case's JSON is made only when needed (a failure, a finding of another rule, an error):
  // core cases are noted by their index, which costs nothing (ResolveCoreNote).
  auto judge = [&](const std::function<ordered_json()>& case_of, const std::string& note,
                   const std::function<CheckResult()>& check) -> std::optional<std::string> {
    if (channel != nullptr) channel->Note(note);
    std::optional<ordered_json> made;
    const auto case_json_fn = [&]() -> const ordered_json& {
      if (!made) made = case_of();
      return *made;
    };
    CheckResult result;
    try {
      result = check();
    } catch (const AdapterError& e) {
      // The adapter broke the ABI, not the exporter a rule: no finding, and the case is not
      // counted; the run lists it under "Adapter errors" (exit status 2) with its case.
      if (!first_failure && adapter_errors++ == 0) {
        adapter_error = std::string(e.what()) + " (on " + case_json_fn().dump() + ")";
      }
      return std::nullopt;
    } catch (const std::exception& e) {
      // bufconf's own limit or bug: never a finding against the implementation.
      if (!first_failure) {
        if (internal_errors++ == 0) {
          internal_error = std::string(e.what()) + " (on " + CaseSummary(case_json_fn()) + ")";
        }
      }
      return std::nullopt;
    }
    if (result.unsupported) {
      if (!first_failure) ++unsupported;
      return std::nullopt;
    }
    const bool basic_rule = IsBasicExporterRule(rule);
    bool basic_failed = false;
    const Finding* mine = nullptr;
    for (const Finding& f : result.findings) {
      basic_failed = basic_failed || f.basic;
      if (f.rule == rule && mine == nullptr) mine = &f;
    }
    if (!first_failure) {
      for (const Finding& f : result.findings) {
        if (f.rule == rule || pooled.contains(f.rule)) continue;
        if (exporter_side && basic_failed && !f.basic && !IsBasicExporterRule(f.rule)) continue;
        pooled[f.rule] = {{"case", case_json_fn()}, {"message", f.message}};
      }
    }
    // A case whose full description is broken says nothing about the other rules.
    // (A finding of this very rule about the full description is judged, not blocked.)
    // (Without a full description at all, PyBUF_FULL_RO refused, the basic rules are blocked
    // too: there was nothing to judge them on.)
    if ((!basic_rule || result.full_refused) && exporter_side && basic_failed && mine == nullptr) {
      // Blocked only if the case could have broken the rule (REQ-CONTENTS with expected values,
      // say); else it is one of the cases that could not.
      const bool could = std::find(result.rules_checked.begin(), result.rules_checked.end(),
                                   rule) != result.rules_checked.end();
      if (!first_failure && could && blocked_cases++ == 0) blocked_reason = result.blocked_reason;
      if (!first_failure && !could) ++not_exercised;
      return std::nullopt;
    }
    // A case that did not exercise the rule (e.g. an exporter that cannot be resized) is not
    // counted as one that passed it.
    if (std::find(result.rules_checked.begin(), result.rules_checked.end(), rule) ==
        result.rules_checked.end()) {
      if (!first_failure) ++not_exercised;
      return std::nullopt;
    }
    if (!first_failure) ++cases;
    if (mine != nullptr) {
      failed(case_json_fn(), mine->message);
      return mine->message;
    }
    return std::nullopt;
  };
  // The rule's bounded-exhaustive core first (algorithm side; the exporter core is judged once
  // for all exporter rules, core_cases.h), in its fixed order: its first failure is the result,
  // and the random cases are not run.
  int64_t core_cases = 0;
  if (!exporter_side && settings.core) {
    const std::vector<AlgorithmCase>& core = CoreAlgorithmCases(rule);
    for (size_t k = 0; k < core.size(); ++k) {
      const AlgorithmCase& c = core[k];
      ++core_cases;
      const std::optional<std::string> broken =
          judge([&] { return ToJson(c); }, CoreNote(rule, k),
                [&] { return CheckAlgorithmCase(adapter, c, rule); });
      if (broken) break;
    }
  }
  if (first_failure) {
    ordered_json line = {{"rule", rule},
                         {"status", "fail"},
                         {"message", last.message},
                         {"case", last.case_json},
                         {"cases_to_failure", cases_to_failure},
                         {"found_by", "core"},
                         {"cases", cases},
                         {"unsupported", unsupported},
                         {"blocked", blocked_cases},
                         {"not_exercised", not_exercised},
                         {"core_cases", core_cases}};
    if (!pooled.empty()) line["pooled"] = pooled;
    return line;
  }
  auto property = [&] {
    if (first_failure && Clock::now() - *first_failure > shrink_budget) return;
    std::optional<std::string> broken;
    if (exporter_side) {
      const ExporterCase c = *GenExporterCase();
      const ordered_json j = ToJson(c);
      broken = judge([&] { return j; }, j.dump(), [&] { return CheckExporterCase(adapter, c); });
    } else {
      const AlgorithmCase c = *GenAlgorithmCase();
      const ordered_json j = ToJson(c);
      broken =
          judge([&] { return j; }, j.dump(), [&] { return CheckAlgorithmCase(adapter, c, rule); });
    }
    if (broken) RC_FAIL(*broken);
  };
  rc::detail::TestParams params;
  params.seed = settings.seed ^ std::hash<std::string>{}(rule);
  params.maxSuccess = static_cast<int>(settings.examples);
  params.maxSize = 100;
  params.maxDiscardRatio = 10;
  rc::detail::TestMetadata metadata;
  metadata.id = rule;
  metadata.description = rule;
  ordered_json line = {{"rule", rule}};
  try {
    // RapidCheck loads its global configuration on first use and prints it ("Using
    // configuration: seed=..."), a seed that is not bufconf's: loaded here once, with stderr
    // held back.
    static const bool loaded = [] {
      std::ostringstream sink;
      std::streambuf* const old = std::cerr.rdbuf(sink.rdbuf());
      try {
        rc::detail::configuration();
      } catch (...) {
        std::cerr.rdbuf(old);
        throw;
      }
      std::cerr.rdbuf(old);
      return true;
    }();
    (void)loaded;
    const auto result = rc::detail::checkTestable(property, metadata, params);
    if (result.template is<rc::detail::FailureResult>()) {
      const auto failure = result.template get<rc::detail::FailureResult>();
      line["status"] = "fail";
      // Empty when the failure did not come from a check (an exception in the suite itself).
      line["message"] =
          last.message.empty() ? "the property failed: " + failure.description : last.message;
      line["case"] = last.case_json;
      line["cases_to_failure"] = cases_to_failure;
    } else if (internal_errors > 0) {
      line["status"] = "error";
      line["message"] = "bufconf could not judge " + std::to_string(internal_errors) +
                        " cases: " + internal_error;
    } else if (cases == 0 && blocked_cases > 0) {
      line["status"] = "blocked";
      line["message"] = "every judged case's exporter was blocked: " + blocked_reason;
    } else if (cases == 0) {
      line["status"] = "skip";
      line["message"] =
          not_exercised > 0
              ? "no case exercised this rule (" + std::to_string(not_exercised) +
                    " cases could not break it" +
                    (unsupported > 0 ? ", " + std::to_string(unsupported) + " unsupported" : "") +
                    ")"
              : "none of the " + std::to_string(unsupported) +
                    " generated cases could be checked for this rule (the adapter answered "
                    "BUFCONF_UNSUPPORTED)";
    } else {
      line["status"] = "pass";
    }
  } catch (const AdapterError& e) {
    if (adapter_errors++ == 0) adapter_error = e.what();
    line["status"] = "skip";
  }
  if (adapter_errors > 0) {
    line["adapter_errors"] = adapter_errors;
    line["adapter_error"] = adapter_error;
    if (line.value("status", "") == "skip" && cases == 0) {
      line["message"] = "not judged: the adapter failed on " + std::to_string(adapter_errors) +
                        " of its cases (Adapter errors)";
    }
  }
  line["cases"] = cases;
  line["unsupported"] = unsupported;
  line["blocked"] = blocked_cases;
  if (blocked_cases > 0) line["blocked_reason"] = blocked_reason;
  line["not_exercised"] = not_exercised;
  if (internal_errors > 0) {
    line["internal_errors"] = internal_errors;
    line["internal_error"] = internal_error;
  }
  line["core_cases"] = core_cases;
  if (!pooled.empty()) line["pooled"] = pooled;
  return line;
}

}  // namespace bufconf::suite
