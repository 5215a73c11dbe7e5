#include "conformance/suite/runner.h"

#include <rapidcheck.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "conformance/adapter/real_layout.h"
#include "conformance/suite/checks.h"
#include "conformance/suite/core_cases.h"
#include "conformance/suite/counterexample.h"
#include "conformance/suite/isolation.h"
#include "conformance/suite/known_gaps.h"
#include "conformance/suite/property.h"
#include "conformance/suite/run_support.h"
#include "conformance/suite/sweep.h"
#include "reference/layout/addressing.h"
#include "reference/layout/checker.h"
#include "reference/layout/descriptor_json.h"
#include "reference/rules/catalogue.h"

namespace bufconf::suite {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr const char* kSuiteVersion = "bufconf 0.1";

// What running one rule's property gave.
struct RuleRun {
  ordered_json line;   // the property's result line (rule, status, message, case, cases, ...)
  bool died = false;   // the child crashed or hung on a case before it found a failure
  ordered_json crash;  // then: the case it died on (null if unknown)
  IsolatedResult child;
};

// The property of one rule, in a forked child unless isolation is off.
template <typename Planned>
RuleRun RunProperty(const bufconf_adapter& adapter, const Planned& p, const RunSettings& settings) {
  RuleRun run;
  if (!settings.isolate) {
    try {
      run.line = RunRuleProperty(adapter, p.rule, p.exporter_side, settings, nullptr);
    } catch (const std::exception& e) {
      run.line = {{"rule", p.rule},
                  {"status", "error"},
                  {"message", std::string("bufconf could not run this rule: ") + e.what()},
                  {"internal_errors", 1},
                  {"internal_error", e.what()},
                  {"cases", 0}};
    }
    return run;
  }
  run.child = RunChild(adapter, settings, [&](ChildChannel& channel) {
    channel.Write(ChildLine(RunRuleProperty(adapter, p.rule, p.exporter_side, settings, &channel)));
  });
  const IsolatedResult& child = run.child;
  if (child.outcome == IsolatedResult::Outcome::kOk && !child.payload.empty()) {
    run.line = json::parse(child.payload.substr(0, child.payload.find('\n')), nullptr, false);
    if (!run.line.is_discarded() && run.line.contains("bufconf_error")) {
      const std::string what = run.line.value("bufconf_error", "");
      run.line = {{"rule", p.rule},
                  {"status", "error"},
                  {"message", "bufconf could not run this rule: " + what},
                  {"internal_errors", 1},
                  {"internal_error", what},
                  {"cases", std::max<int64_t>(0, child.note_count - 1)}};
      return run;
    }
    if (!run.line.is_discarded() && !run.line.empty()) return run;
  }
  // The child died. If it had found a failure (it was shrinking), that failure is the result.
  const json failure = json::parse(child.last_failure, nullptr, false);
  if (!child.last_failure.empty() && !failure.is_discarded() && failure.contains("case")) {
    run.line = {{"rule", p.rule},
                {"status", "fail"},
                {"message", failure.value("message", "") + " (then, while shrinking, " +
                                WhatHappened(child, settings) + ")"},
                {"case", failure["case"]},
                {"cases", failure.value("cases", int64_t{0})},
                {"unsupported", failure.value("unsupported", int64_t{0})},
                {"cases_to_failure", failure.value("cases_to_failure", int64_t{0})}};
    return run;
  }
  run.died = true;
  run.line = {{"rule", p.rule},
              {"status", "fail"},
              {"message", WhatHappened(child, settings)},
              {"cases", std::max<int64_t>(0, child.note_count - 1)}};
  const json note = json::parse(child.last_note, nullptr, false);
  if (!note.is_discarded() && note.is_object()) run.crash = ResolveCoreNote(note);
  return run;
}

// One rule: its property, then the search for a smaller counterexample after a failure.
template <typename Planned>
RuleRun RunRule(const bufconf_adapter& adapter, const Planned& p, const RunSettings& settings) {
  RuleRun run = RunProperty(adapter, p, settings);
  // After a failure (found in the child, which may have died since): a smaller counterexample
  // among the tiny cases, and what the exporter hands out for it, each in a child of its own.
  ordered_json& line = run.line;
  if (line.value("status", "") != "fail" || !line.contains("case") || line["case"].is_null()) {
    return run;
  }
  const ordered_json smaller =
      p.exporter_side ? SmallerExporterCounterexample(adapter, p.rule, line["case"], settings)
                      : SmallerAlgorithmCounterexample(adapter, p.rule, line["case"], settings);
  if (!smaller.is_null()) {
    line["case"] = smaller["case"];
    line["message"] = smaller["message"];
  }
  if (p.exporter_side) {
    const ordered_json found = FirstFoundInChild(adapter, settings, [&](ChildChannel& channel) {
      channel.Note(ChildLine(line["case"]));
      channel.Write(ChildLine(ordered_json({{"case", ReturnedView(adapter, line["case"])}})));
    });
    line["returned"] = found.is_null() ? ordered_json() : found["case"];
  }
  return run;
}

// What a case needs to exercise a rule that only some cases can break.
std::string WhatExercises(const std::string& rule) {
  if (rule == "REQ-CONTENTS") {
    return "it needs expected contents: generated exporters, or enumerated ones with "
           "has_expected (a factory entry's expected values)";
  }
  if (rule == "MEMORY-WRITABLE") {
    return "it needs exporters whose memory is declared read-only (generated exporters made "
           "with BUFCONF_LAYOUT_READONLY; enumerated ones with memory_readonly, a factory "
           "entry's memory_readonly)";
  }
  if (rule == "RELEASE-RESIZE-WHILE-EXPORTED") return "it needs exporters the adapter can resize";
  if (rule == "REQ-READ-WRITE-FLAGS") {
    return "the interpreter's rule: every exporter refused PyBUF_READ / PyBUF_WRITE itself, so no "
           "answer showed whether the interpreter lets them through; an exporter that grants "
           "them, or the interpreter's own SystemError, would";
  }
  return "it applies only to some exporters or requests";
}

// The fewest cases a rule should be judged on: a quarter of --examples. Fewer is said next to
// the rule's status (a 2-D-only adapter gets few cases for some rules).
int64_t MinimumCases(const RunSettings& settings) {
  return std::max<int64_t>(1, settings.examples / 4);
}

// What the sweep found beyond the rules goes into the report: skipped objects, notes, bufconf's
// own errors, objects a hang cut short.
// A rule this run judges or lists: `filter` selects it and, in a sharded run, it is this shard's.
bool Selected(const RunSettings& settings, const std::string& rule) {
  return GlobMatch(settings.filter, rule) &&
         (settings.shard.count == 0 ||
          std::find(settings.shard_rules.begin(), settings.shard_rules.end(), rule) !=
              settings.shard_rules.end());
}

void ReportSweep(const SweepResult& sweep, RunReport* report) {
  report->objects = sweep.objects;
  for (const auto& [what, why] : sweep.skipped) report->skipped_objects.push_back({what, why});
  for (const auto& [what, note] : sweep.notes) report->object_notes.push_back({what, note});
  for (const std::string& e : sweep.errors) report->errors.push_back(e);
  for (const std::string& e : sweep.adapter_errors) report->adapter_errors.push_back(e);
  for (const std::string& u : sweep.unfinished) report->unfinished.push_back(u);
}

}  // namespace

RunReport RunSuite(const bufconf_adapter& adapter, const RunSettings& settings) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  RunReport report;
  report.adapter_name = adapter.name != nullptr ? adapter.name : "?";
  report.adapter_version = adapter.version != nullptr ? adapter.version : "?";
  report.adapter_source = settings.adapter_spec;
  CapabilityNames(adapter.capabilities, &report.capabilities);
  report.suite_version = kSuiteVersion;
  report.seed = settings.seed;
  report.examples = settings.examples;
  report.profile = settings.profile;
  report.filter = settings.filter;
  report.shard = settings.shard;
  report.timeout_seconds = settings.timeout_seconds;
  report.isolate = settings.isolate;

  const bool can_make = HasCapability(adapter, BUFCONF_CAP_MAKE_EXPORTER) &&
                        adapter.make_exporter && adapter.get_buffer && adapter.regions;
  const bool can_enumerate = HasCapability(adapter, BUFCONF_CAP_ENUMERATE) && adapter.enumerate &&
                             adapter.get_buffer && adapter.regions;
  SweepResult sweep;
  bool swept = false;
  const int64_t minimum_cases = MinimumCases(settings);

  struct Planned {
    std::string rule;
    bool exporter_side;
    uint64_t capability;  // algorithm side: the function's capability bit
    std::string skip_reason;
  };
  std::vector<Planned> plan;
  for (const std::string& rule : ExporterRules()) {
    std::string skip;
    if (!can_make && !can_enumerate) {
      skip =
          "the adapter has no exporter side (neither make_exporter nor enumerate, with "
          "get_buffer and regions)";
    }
    const rules::Rule* catalogued = rules::FindRule(rule);
    if (skip.empty() && catalogued != nullptr && catalogued->party == rules::Party::kInterpreter &&
        !HasCapability(adapter, BUFCONF_CAP_VIA_INTERPRETER)) {
      skip =
          "an interpreter's rule: the adapter's get_buffer calls the exporter directly, with no "
          "interpreter in between (BUFCONF_CAP_VIA_INTERPRETER is clear), and exporters are not "
          "judged on it";
    }
    if ((rule == "RELEASE-EXPORT-COUNT" || rule == "RELEASE-INTERNAL") && skip.empty() &&
        !HasCapability(adapter, BUFCONF_CAP_EXPORT_COUNT)) {
      skip = rule == "RELEASE-EXPORT-COUNT"
                 ? "the adapter does not report export counts (export_count)"
                 : "the adapter does not report export counts (export_count): a release through "
                   "a copy of the view, which an exporter keyed on the view's address would miss, "
                   "shows only in the count";
    }
    if ((rule == "FIELDS-OBJ" || rule == "RELEASE-NO-DECREF" || rule == "RELEASE-CLEARS-OBJ") &&
        skip.empty() && !HasCapability(adapter, BUFCONF_CAP_REFERENCES)) {
      skip =
          "the adapter does not report reference counts (exporter_object and reference_count, "
          "ABI 3)";
    }
    if (rule == "RELEASE-RESIZE-WHILE-EXPORTED" &&
        !(HasCapability(adapter, BUFCONF_CAP_RESIZE) && adapter.resize != nullptr)) {
      skip = "the adapter cannot resize exporters (resize, ABI 2)";
    }
    plan.push_back({rule, true, 0, skip});
  }
  for (const AlgorithmRule& r : AlgorithmRules()) {
    plan.push_back({r.rule, false, r.capability,
                    HasCapability(adapter, r.capability)
                        ? ""
                        : "the adapter lacks " + CapabilityName(r.capability) +
                              " (its capability bit is clear)"});
  }
  // Every child calls the adapter's after_fork before its first case: asked once, alone, so that
  // its crash, hang, exit or failure is the adapter's error (exit status 2), never a finding
  // against the first case's exporter. When it fails no rule is run (each would fail the same).
  if (const std::optional<std::string> failed = AfterForkError(adapter, settings)) {
    report.adapter_errors.push_back(*failed + ": no rule was run");
    for (Planned& p : plan) {
      if (p.skip_reason.empty()) {
        p.skip_reason = "not run: the adapter's after_fork failed (see Adapter errors)";
      }
    }
  }
  bool selected_grant = false;
  for (const Planned& p : plan) {
    selected_grant = selected_grant || (p.rule == "REQ-GRANT" && Selected(settings, p.rule));
  }

  // A crash or hang is reported once: under the rule whose check crashed (on the exporter side
  // the crash is in the adapter's make/get/release, whichever rule's cases were running:
  // REQ-GRANT), with the case shrunk. Other rules that die the same way (the same function)
  // are blocked; after a hang, they are not run at all (each would cost a timeout).
  struct Crash {
    std::string owner;     // the rule it is filed under
    std::string found_by;  // the rule whose cases found it
    std::string message;
    ordered_json case_json;
    bool hang = false;
    int64_t cases_to_failure = 0;
    bool filed = false;  // in the owner's failures already
  };
  std::map<std::string, Crash> crashes;  // by function: "exporter", or a capability's name
  const auto blocked_by = [](const Crash& c) {
    return std::string("the implementation ") + (c.hang ? "hangs" : "crashes") + " on " +
           CaseSummary(c.case_json) + ": see " + c.owner;
  };

  // The exporter core (core_cases.h), judged once for every exporter rule before their random
  // cases: each finding counts for the rule it breaks. A crash or hang in it is REQ-GRANT's, and
  // blocks the other rules as one in their random cases would.
  SweepResult core;
  bool any_exporter_rule = false;
  std::string first_exporter_rule;
  for (const Planned& p : plan) {
    if (p.exporter_side && p.skip_reason.empty() && Selected(settings, p.rule)) {
      if (!any_exporter_rule) first_exporter_rule = p.rule;
      any_exporter_rule = true;
    }
  }
  // The cores are made here, once, before any child is forked (each child would make its own).
  if (settings.core) {
    CoreLayoutCases();
    CoreAlgorithmCases("ALGO-SIZE-FROM-FORMAT");
    CoreExporterCases();
  }
  if (settings.core && can_make && any_exporter_rule) {
    core = CoreExporterSweep(adapter, settings);
    for (const std::string& e : core.errors) report.errors.push_back(e);
    for (const std::string& e : core.adapter_errors) report.adapter_errors.push_back(e);
    for (const std::string& u : core.unfinished) report.unfinished.push_back(u);
    if (core.unsupported > 0) {
      report.object_notes.push_back(
          {"the exporter core", std::to_string(core.unsupported) + " of its " +
                                    std::to_string(CoreExporterCases().size()) +
                                    " cases the adapter cannot make (BUFCONF_UNSUPPORTED): not "
                                    "judged"});
    }
    if (core.crashed && !core.crash_places.empty()) {
      Crash c;
      c.owner = selected_grant ? "REQ-GRANT" : first_exporter_rule;
      c.found_by = "the exporter core";
      c.hang = core.hung;
      c.message = core.crash_places[0].message;
      c.case_json = core.crash_places[0].case_json;
      c.filed = selected_grant;  // the core's places are merged into REQ-GRANT below
      c.cases_to_failure = core.crash_places[0].cases_to_failure;
      crashes["exporter"] = c;
    }
    if (settings.progress) {
      settings.progress("the exporter core: " + std::to_string(CoreExporterCases().size()) +
                        " cases judged");
    }
  }
  // Findings of other rules than the one judged (RunRuleProperty's "pooled"), by rule: filed
  // after the loop where that rule's own cases missed them.
  struct Pooled {
    ordered_json case_json;
    std::string message;
    std::string found_by;
    bool exporter_side = false;
  };
  std::map<std::string, Pooled> pooled;

  for (const Planned& p : plan) {
    if (!Selected(settings, p.rule)) continue;
    const auto rule_start = Clock::now();
    RuleResult result;
    result.rule = p.rule;
    if (const rules::Rule* r = rules::FindRule(p.rule)) {
      result.level = rules::LevelName(r->level);
      result.party = rules::PartyName(r->party);
      result.statement = r->statement;
    }
    if (!p.skip_reason.empty()) {
      result.status = Status::kSkip;
      result.reason = p.skip_reason;
      report.results.push_back(result);
      continue;
    }
    const std::string function = p.exporter_side ? "exporter" : CapabilityName(p.capability);
    ordered_json line = {{"rule", p.rule}, {"status", "skip"}, {"cases", 0}};
    std::vector<SweepFailure> places;
    const auto known = crashes.find(function);
    if (known != crashes.end() && known->second.hang) {
      // Not run: it would hang again.
      if (known->second.owner == p.rule && !known->second.filed) {
        const Crash& c = known->second;
        places.push_back({p.exporter_side ? "generated exporter" : "generated view", c.message,
                          c.case_json, nullptr});
        known->second.filed = true;
      } else {
        line = {{"rule", p.rule},
                {"status", "blocked"},
                {"message", blocked_by(known->second)},
                {"cases", 0}};
      }
    } else if (p.exporter_side && core.rules.count(p.rule) != 0 && core.rules[p.rule].failed()) {
      // The core found it broken (its places are merged below): no random case needed.
      line = {{"rule", p.rule},
              {"status", "fail"},
              {"cases", 0},
              {"cases_to_failure", core.rules[p.rule].failures[0].cases_to_failure}};
    } else if (!p.exporter_side || can_make) {
      RuleRun run = RunRule(adapter, p, settings);
      line = run.line;
      if (line.contains("pooled") && line["pooled"].is_object()) {
        for (auto it = line["pooled"].begin(); it != line["pooled"].end(); ++it) {
          if (pooled.count(it.key()) != 0 || !it.value().is_object()) continue;
          pooled[it.key()] = {it.value().value("case", ordered_json()),
                              it.value().value("message", ""), p.rule, p.exporter_side};
        }
      }
      if (run.died) {
        if (crashes.count(function) == 0) {
          Crash c;
          c.owner = p.exporter_side && selected_grant ? "REQ-GRANT" : p.rule;
          c.found_by = p.rule;
          c.hang = run.child.outcome == IsolatedResult::Outcome::kTimedOut;
          c.message = line.value("message", "");
          c.case_json = run.crash;
          c.cases_to_failure = run.child.note_count;
          if (!run.crash.is_null()) {
            if (const std::optional<CrashCase> smaller =
                    SmallerCrash(adapter, p.rule, p.exporter_side, run.crash, settings)) {
              c.case_json = smaller->case_json;
              c.message = smaller->what;
              c.hang = smaller->hang;
            }
          }
          c.message += " on " + CaseSummary(c.case_json);
          if (c.found_by != c.owner) c.message += " (found while running " + c.found_by + ")";
          crashes[function] = c;
        }
        Crash& c = crashes[function];
        if (c.owner == p.rule && !c.filed) {
          line["status"] = "fail";
          line["cases_to_failure"] = c.cases_to_failure;
          const char* where = p.exporter_side ? "generated exporter" : "generated view";
          // No smaller case crashes, but one may break the rule without crashing (a wrong
          // pointer that only sometimes lands outside mapped memory): the smallest such case
          // comes first, the crash after it.
          if (c.owner == c.found_by && !c.case_json.is_null()) {
            const ordered_json smaller =
                p.exporter_side
                    ? SmallerExporterCounterexample(adapter, p.rule, c.case_json, settings)
                    : SmallerAlgorithmCounterexample(adapter, p.rule, c.case_json, settings);
            if (!smaller.is_null()) {
              places.push_back({where, smaller.value("message", ""), smaller["case"], nullptr});
            }
          }
          places.push_back({where, c.message, c.case_json, nullptr});
          c.filed = true;
        } else {
          line["status"] = "blocked";
          line["message"] = blocked_by(c);
        }
      } else if (line.value("status", "") == "fail") {
        // A generated exporter is named by what the adapter said it made ("generated numpy
        // ..."), so expectations can be scoped to one kind of exporter.
        std::string where = p.exporter_side ? "generated exporter" : "generated view";
        const ordered_json returned = line.value("returned", ordered_json());
        if (returned.is_object() && returned.contains("made") && returned["made"].is_string()) {
          where = "generated " + returned["made"].get<std::string>();
        }
        places.push_back({where, line.value("message", ""),
                          line.contains("case") ? line["case"] : ordered_json(),
                          line.value("returned", ordered_json())});
      }
    }
    // The exporter core, and the exporters the implementation enumerates (every one with every
    // sweep flags value): their cases and places join the rule's own.
    int64_t blocked = line.value("blocked", int64_t{0});
    std::string blocked_reason = line.value("blocked_reason", "");
    int64_t not_exercised = line.value("not_exercised", int64_t{0});
    std::vector<std::string> notes;
    const auto merge_sweep = [&](const SweepResult& sw, bool enumerated) {
      const auto it = sw.rules.find(p.rule);
      if (it == sw.rules.end()) return;
      const SweepRule& r = it->second;
      line["cases"] = line.value("cases", int64_t{0}) + r.cases;
      // The core's first failure (or crash) is where the rule was first found broken, when its
      // own cases did not find it first.
      if (!enumerated && !r.failures.empty() && line.value("cases_to_failure", int64_t{0}) == 0) {
        line["cases_to_failure"] = r.failures[0].cases_to_failure;
      }
      for (const SweepFailure& f : r.failures) places.push_back(f);
      const std::string status = line.value("status", "");
      // Judged on these exporters: a pass, unless a crash or hang blocked the rule (its
      // generated cases never ran); generated cases blocked one by one are noted below.
      const bool crash_blocked = status == "blocked" && blocked == 0;
      if (r.cases > 0 && (status == "skip" || (status == "blocked" && !crash_blocked))) {
        line["status"] = "pass";
      }
      if (r.cases == 0 && r.blocked > 0 && status == "skip") {
        line["status"] = "blocked";
        line["message"] = std::string("every ") +
                          (enumerated ? "enumerated exporter" : "core case") +
                          " was blocked: " + r.blocked_reason;
      }
      if (r.blocked > 0 && blocked == 0) blocked_reason = r.blocked_reason;
      blocked += r.blocked;
      not_exercised += r.not_exercised;
      if (enumerated && !r.blocked_objects.empty()) {
        notes.push_back(std::to_string(r.blocked_objects.size()) + " of " +
                        std::to_string(sw.objects) +
                        " enumerated exporters not judged on this rule for some flags: their "
                        "full description breaks a MUST rule (first: " +
                        r.blocked_reason + ")");
      }
    };
    if (p.exporter_side) merge_sweep(core, false);
    if (p.exporter_side && can_enumerate) {
      if (!swept) {
        sweep = EnumeratedSweep(adapter, settings);
        swept = true;
        ReportSweep(sweep, &report);
      }
      merge_sweep(sweep, true);
    }
    // The party that must keep an interpreter rule is the interpreter: its failure is one place,
    // the interpreter, whichever exporters showed it.
    const rules::Rule* catalogued = rules::FindRule(p.rule);
    if (catalogued != nullptr && catalogued->party == rules::Party::kInterpreter &&
        p.exporter_side && places.size() > 0) {
      SweepFailure one = places[0];
      one.where = "interpreter " + report.adapter_name + " " + report.adapter_version;
      one.message = "the interpreter (" + report.adapter_name + " " + report.adapter_version +
                    "): " + places[0].message + " (shown by " + std::to_string(places.size()) +
                    (places.size() == 1 ? " exporter" : " exporters") + ", first " +
                    places[0].where + "; not a fault of the exporters)";
      places = {one};
    }
    if (blocked > 0 && line.value("status", "") != "blocked") {
      notes.push_back(std::to_string(blocked) +
                      " cases not judged on this rule: their exporter's full description breaks a "
                      "MUST rule (first: " +
                      blocked_reason + ")");
    }
    if (line.value("status", "") == "skip" && not_exercised > 0 && places.empty()) {
      line["message"] = "no case exercised this rule: " + std::to_string(not_exercised) +
                        " cases could not break it (" + WhatExercises(p.rule) + ")";
    } else if (not_exercised > 0) {
      notes.push_back(std::to_string(not_exercised) +
                      " cases could not break this rule (it applies only to some exporters or "
                      "requests) and are not counted");
    }
    if (line.contains("adapter_error")) {
      report.adapter_errors.push_back(
          p.rule + ": the adapter failed on " +
          std::to_string(line.value("adapter_errors", int64_t{0})) +
          " generated cases, the first: " + line.value("adapter_error", ""));
    }
    if (line.contains("internal_error")) {
      report.errors.push_back(p.rule + ": bufconf could not judge " +
                              std::to_string(line.value("internal_errors", int64_t{0})) +
                              " cases: " + line.value("internal_error", ""));
    }
    const std::string status = places.empty() ? line.value("status", "fail") : "fail";
    result.cases = line.value("cases", int64_t{0});
    result.unsupported = line.value("unsupported", int64_t{0});
    result.blocked = blocked;
    result.blocked_reason = blocked_reason;
    result.not_exercised = not_exercised;
    result.minimum_cases = minimum_cases;
    result.notes = notes;
    result.status = status == "pass"      ? Status::kPass
                    : status == "skip"    ? Status::kSkip
                    : status == "blocked" ? Status::kBlocked
                    : status == "error"   ? Status::kError
                                          : Status::kFail;
    if (result.status == Status::kPass && result.cases < minimum_cases) {
      result.notes.insert(result.notes.begin(), "judged on only " + std::to_string(result.cases) +
                                                    " cases, fewer than the profile's minimum of " +
                                                    std::to_string(minimum_cases));
    }
    result.reason = places.empty() ? line.value("message", "") : places[0].message;
    if (result.status == Status::kFail) {
      result.cases_to_failure = line.value("cases_to_failure", int64_t{0});
      for (size_t i = 0; i < places.size(); ++i) {
        RuleFailure failure{places[i].where, places[i].message, ""};
        if (!places[i].case_json.is_null() && !places[i].case_json.empty()) {
          failure.counterexample_file = SaveCounterexample(
              settings, adapter, p.rule, i == 0 ? p.rule : p.rule + "-" + std::to_string(i + 1),
              places[i].case_json, places[i].message, places[i].returned);
        }
        result.failures.push_back(failure);
      }
      if (!result.failures.empty() && !result.failures[0].counterexample_file.empty()) {
        result.counterexample_file = result.failures[0].counterexample_file;
        result.replay_command = "bufconf replay " + result.counterexample_file;
      }
    }
    result.seconds = std::chrono::duration<double>(Clock::now() - rule_start).count();
    if (settings.progress) {
      settings.progress(p.rule + ": " + StatusName(result.status) + " (" +
                        std::to_string(result.cases) + " cases)");
    }
    report.results.push_back(result);
  }

  // A finding made while judging another rule's case, for a rule whose own cases did not break
  // it: the rule fails with it (shrunk for that rule), its place saying which rule's cases found
  // it. (Interpreter rules are judged on every exporter case already.)
  for (auto& [rule, found] : pooled) {
    const rules::Rule* catalogued = rules::FindRule(rule);
    if (catalogued == nullptr || catalogued->party == rules::Party::kInterpreter) continue;
    for (RuleResult& r : report.results) {
      if (r.rule != rule || (r.status != Status::kPass && r.status != Status::kSkip)) continue;
      ordered_json case_json = found.case_json;
      std::string message = found.message;
      const ordered_json smaller =
          found.exporter_side ? SmallerExporterCounterexample(adapter, rule, case_json, settings)
                              : SmallerAlgorithmCounterexample(adapter, rule, case_json, settings);
      if (!smaller.is_null()) {
        case_json = smaller["case"];
        message = smaller.value("message", message);
      }
      std::string where = found.exporter_side ? "generated exporter" : "generated view";
      ordered_json returned;
      if (found.exporter_side) {
        const ordered_json got = FirstFoundInChild(adapter, settings, [&](ChildChannel& channel) {
          channel.Note(ChildLine(case_json));
          channel.Write(ChildLine(ordered_json({{"case", ReturnedView(adapter, case_json)}})));
        });
        returned = got.is_null() ? ordered_json() : got["case"];
        if (returned.is_object() && returned.contains("made") && returned["made"].is_string()) {
          where = "generated " + returned["made"].get<std::string>();
        }
      }
      where += " (found by the cases of " + found.found_by + ")";
      RuleFailure failure{where, message, ""};
      failure.counterexample_file =
          SaveCounterexample(settings, adapter, rule, rule, case_json, message, returned);
      r.failures.insert(r.failures.begin(), failure);
      r.status = Status::kFail;
      r.reason = message;
      r.counterexample_file = failure.counterexample_file;
      r.replay_command = "bufconf replay " + r.counterexample_file;
      if (settings.progress) {
        settings.progress(r.rule + ": fail (found by the cases of " + found.found_by + ")");
      }
    }
  }

  // A crash found by another rule than the one it is filed under (REQ-GRANT ran first and its
  // cases did not meet it): the owner fails with it.
  for (auto& [function, c] : crashes) {
    if (c.filed) continue;
    for (RuleResult& r : report.results) {
      if (r.rule != c.owner) continue;
      const std::string stem = r.failures.empty() ? r.rule : r.rule + "-crash";
      RuleFailure failure{function == "exporter" ? "generated exporter" : "generated view",
                          c.message, ""};
      if (!c.case_json.is_null()) {
        failure.counterexample_file =
            SaveCounterexample(settings, adapter, r.rule, stem, c.case_json, c.message, nullptr);
      }
      r.failures.insert(r.failures.begin(), failure);
      r.status = Status::kFail;
      r.reason = c.message;
      r.cases_to_failure = c.cases_to_failure;
      r.counterexample_file = failure.counterexample_file;
      r.replay_command =
          r.counterexample_file.empty() ? "" : "bufconf replay " + r.counterexample_file;
      c.filed = true;
      if (settings.progress) {
        settings.progress(r.rule + ": fail (the " + (c.hang ? "hang" : "crash") + " found by " +
                          c.found_by + " is filed here)");
      }
    }
  }

  // Every other catalogue rule, so none silently vanishes from the scorecard.
  if (settings.list_every_rule) {
    std::set<std::string> planned;
    for (const Planned& p : plan) planned.insert(p.rule);
    const std::vector<std::string>& checker_rules = layout::CheckedRules();
    for (const rules::Rule& r : rules::Catalogue()) {
      if (planned.count(r.id) != 0 || !Selected(settings, r.id)) continue;
      RuleResult result;
      result.rule = r.id;
      result.level = rules::LevelName(r.level);
      result.party = rules::PartyName(r.party);
      result.statement = r.statement;
      result.status = Status::kSkip;
      if (const char* why = KnownGapReason(r.id)) {
        result.reason = std::string("not checkable through the adapter ABI: ") + why;
      } else if (std::find(checker_rules.begin(), checker_rules.end(), r.id) !=
                 checker_rules.end()) {
        result.reason = std::string("not judged by bufconf run: a ") + rules::LevelName(r.level) +
                        " rule of the layout checker, which the exporter checks apply to MUST "
                        "rules only (bufconf check / explain on a returned view report it)";
      } else {
        result.reason =
            "not judged by bufconf run: no check of the suite reports it (docs/spec.md says what "
            "can)";
      }
      report.results.push_back(result);
    }
  }
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

}  // namespace bufconf::suite
