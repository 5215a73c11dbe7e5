#include "conformance/suite/runner.h"

#include <rapidcheck.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "conformance/suite/checks.h"
#include "conformance/suite/isolation.h"
#include "reference/rules/catalogue.h"

namespace bufconf::suite {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

constexpr const char* kSuiteVersion = "bufconf 0.1";

// The last failing case of the property being run: after shrinking it is the smallest one.
struct LastFailure {
  ordered_json case_json;
  std::string message;
};

// Runs the property for `rule` in this process; returns one result line (JSON).
ordered_json RunRuleProperty(const bufconf_adapter& adapter, const std::string& rule,
                             bool exporter_side, const RunSettings& settings,
                             ChildChannel* channel) {
  int64_t cases = 0;
  LastFailure last;
  auto property = [&] {
    CheckResult result;
    ordered_json case_json;
    if (exporter_side) {
      const ExporterCase c = *GenExporterCase();
      case_json = ToJson(c);
      if (channel != nullptr) channel->Note(case_json.dump());
      result = CheckExporterCase(adapter, c);
    } else {
      const AlgorithmCase c = *GenAlgorithmCase();
      case_json = ToJson(c);
      if (channel != nullptr) channel->Note(case_json.dump());
      result = CheckAlgorithmCase(adapter, c);
    }
    if (result.unsupported) return;
    ++cases;
    const bool basic_rule = IsBasicExporterRule(rule);
    bool basic_failed = false;
    const Finding* mine = nullptr;
    for (const Finding& f : result.findings) {
      basic_failed = basic_failed || f.basic;
      if (f.rule == rule && mine == nullptr) mine = &f;
    }
    // A case whose full description is broken says nothing about the other rules.
    if (!basic_rule && exporter_side && basic_failed) return;
    if (mine != nullptr) {
      last.case_json = case_json;
      last.message = mine->message;
      RC_FAIL(mine->message);
    }
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
    const auto result = rc::detail::checkTestable(property, metadata, params);
    if (result.template is<rc::detail::FailureResult>()) {
      const auto failure = result.template get<rc::detail::FailureResult>();
      line["status"] = "fail";
      line["message"] = last.message;
      line["case"] = last.case_json;
      line["cases_to_failure"] = failure.numSuccess + 1;
    } else if (cases == 0) {
      line["status"] = "skip";
      line["message"] = "the adapter could express none of the generated cases";
    } else {
      line["status"] = "pass";
    }
  } catch (const AdapterError& e) {
    line["status"] = "fail";
    line["message"] = std::string("adapter error: ") + e.what();
    line["case"] = last.case_json;
  }
  line["cases"] = cases;
  return line;
}

bool HasCapability(const bufconf_adapter& a, uint64_t cap) { return (a.capabilities & cap) != 0; }

std::string CapabilityNames(uint64_t caps, std::vector<std::string>* names) {
  const std::pair<uint64_t, const char*> kNames[] = {
      {BUFCONF_CAP_MAKE_EXPORTER, "make_exporter"},
      {BUFCONF_CAP_ENUMERATE, "enumerate"},
      {BUFCONF_CAP_EXPORT_COUNT, "export_count"},
      {BUFCONF_CAP_IS_CONTIGUOUS, "is_contiguous"},
      {BUFCONF_CAP_GET_POINTER, "get_pointer"},
      {BUFCONF_CAP_TO_CONTIGUOUS, "to_contiguous"},
      {BUFCONF_CAP_FROM_CONTIGUOUS, "from_contiguous"},
      {BUFCONF_CAP_FILL_STRIDES, "fill_contiguous_strides"},
      {BUFCONF_CAP_SIZE_FROM_FORMAT, "size_from_format"},
      {BUFCONF_CAP_COPY_DATA, "copy_data"},
  };
  std::string out;
  for (const auto& [bit, name] : kNames) {
    if (caps & bit) {
      names->push_back(name);
      out += (out.empty() ? "" : ", ") + std::string(name);
    }
  }
  return out;
}

std::string SaveCounterexample(const RunSettings& settings, const bufconf_adapter& adapter,
                               const std::string& rule, const json& case_json,
                               const std::string& message) {
  mkdir(settings.failures_dir.c_str(), 0755);
  const std::string path = settings.failures_dir + "/" + rule + ".json";
  ordered_json file = {
      {"bufconf_replay", 1},
      {"rule", rule},
      {"adapter", settings.adapter_spec.empty() ? adapter.name : settings.adapter_spec},
      {"seed", settings.seed},
      {"message", message},
      {"case", case_json}};
  std::ofstream(path) << file.dump(2) << "\n";
  return path;
}

}  // namespace

bool GlobMatch(const std::string& p, const std::string& t) {
  size_t pi = 0, ti = 0, star = std::string::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

RunReport RunSuite(const bufconf_adapter& adapter, const RunSettings& settings) {
  const auto start = std::chrono::steady_clock::now();
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

  struct Planned {
    std::string rule;
    bool exporter_side;
    std::string skip_reason;
  };
  std::vector<Planned> plan;
  const bool can_export = HasCapability(adapter, BUFCONF_CAP_MAKE_EXPORTER) &&
                          adapter.make_exporter && adapter.get_buffer && adapter.regions;
  for (const std::string& rule : ExporterRules()) {
    std::string skip;
    if (!can_export) skip = "the adapter has no exporter side (make_exporter)";
    if (rule == "RELEASE-EXPORT-COUNT" && !HasCapability(adapter, BUFCONF_CAP_EXPORT_COUNT)) {
      skip = "the adapter does not report export counts";
    }
    plan.push_back({rule, true, skip});
  }
  for (const AlgorithmRule& r : AlgorithmRules()) {
    plan.push_back({r.rule, false,
                    HasCapability(adapter, r.capability) ? "" : "the adapter lacks this function"});
  }
  std::vector<std::string> failed_basic;
  for (const Planned& p : plan) {
    if (!GlobMatch(settings.filter, p.rule)) continue;
    RuleResult result;
    result.rule = p.rule;
    if (const rules::Rule* r = rules::FindRule(p.rule)) {
      result.level = rules::LevelName(r->level);
      result.statement = r->statement;
    }
    if (!p.skip_reason.empty()) {
      result.status = Status::kSkip;
      result.reason = p.skip_reason;
      report.results.push_back(result);
      continue;
    }
    if (p.exporter_side && !IsBasicExporterRule(p.rule) && !failed_basic.empty()) {
      result.status = Status::kBlocked;
      result.reason = "blocked: the full description already breaks " + failed_basic[0];
      report.results.push_back(result);
      continue;
    }
    ordered_json line;
    if (settings.isolate) {
      const IsolatedResult child = RunIsolated(
          [&](ChildChannel& channel) {
            channel.Write(
                RunRuleProperty(adapter, p.rule, p.exporter_side, settings, &channel).dump());
          },
          settings.timeout_seconds,
          [&] {
            if (adapter.after_fork != nullptr) adapter.after_fork(adapter.context);
          });
      if (child.outcome == IsolatedResult::Outcome::kOk && !child.payload.empty()) {
        line = json::parse(child.payload.substr(0, child.payload.find('\n')), nullptr, false);
      }
      if (line.is_discarded() || line.empty()) {
        std::string what =
            child.outcome == IsolatedResult::Outcome::kCrashed
                ? "the implementation crashed (signal " + std::to_string(child.signal) + ")"
            : child.outcome == IsolatedResult::Outcome::kTimedOut
                ? "the implementation did not finish within " +
                      std::to_string(static_cast<int>(settings.timeout_seconds)) + " s (hang)"
                : "the run exited with status " + std::to_string(child.exit_code);
        line = {{"rule", p.rule}, {"status", "fail"}, {"message", what}, {"cases", 0}};
        const json note = json::parse(child.last_note, nullptr, false);
        if (!note.is_discarded()) line["case"] = note;
      }
    } else {
      line = RunRuleProperty(adapter, p.rule, p.exporter_side, settings, nullptr);
    }
    const std::string status = line.value("status", "fail");
    result.cases = line.value("cases", int64_t{0});
    result.reason = line.value("message", "");
    result.status = status == "pass"   ? Status::kPass
                    : status == "skip" ? Status::kSkip
                                       : Status::kFail;
    if (result.status == Status::kFail) {
      result.cases_to_failure = line.value("cases_to_failure", int64_t{0});
      if (line.contains("case")) {
        result.counterexample_file =
            SaveCounterexample(settings, adapter, p.rule, line["case"], result.reason);
        result.replay_command = "bufconf replay " + result.counterexample_file;
      }
      if (p.exporter_side && IsBasicExporterRule(p.rule)) failed_basic.push_back(p.rule);
    }
    if (settings.progress) {
      settings.progress(p.rule + ": " + StatusName(result.status) + " (" +
                        std::to_string(result.cases) + " cases)");
    }
    report.results.push_back(result);
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

ReplayOutcome Replay(const bufconf_adapter& adapter, const std::string& contents) {
  ReplayOutcome out;
  const json file = json::parse(contents);
  const std::string rule = file.at("rule").get<std::string>();
  const json& c = file.at("case");
  CheckResult result;
  if (c.value("kind", "") == "exporter") {
    result = CheckExporterCase(adapter, ExporterCaseFromJson(c));
  } else {
    result = CheckAlgorithmCase(adapter, AlgorithmCaseFromJson(c));
  }
  if (result.unsupported) {
    out.report = "the adapter cannot express this case (unsupported)\n";
    return out;
  }
  for (const Finding& f : result.findings) {
    out.report += f.rule + ": " + f.message + "\n";
    if (f.rule == rule) out.reproduced = true;
  }
  if (result.findings.empty()) out.report = "no rule is broken by this case\n";
  return out;
}

}  // namespace bufconf::suite
