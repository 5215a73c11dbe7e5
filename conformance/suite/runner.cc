#include "conformance/suite/runner.h"

#include <rapidcheck.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>

#include "conformance/adapter/real_layout.h"
#include "conformance/suite/checks.h"
#include "conformance/suite/isolation.h"
#include "reference/layout/addressing.h"
#include "reference/layout/descriptor_json.h"
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

// What the exporter of a failing exporter-side case hands out, recorded in its counterexample
// file for the picture of `bufconf run --html`: {"flags", "full": the PyBUF_FULL_RO description
// with its memory (docs/descriptor.md; memory left out above 64 KiB), "request": the description
// granted for the case's flags (no memory: it shares the full one's), or "refused": why}. Null
// when it cannot be had. Runs the adapter again: call it where the case ran (in the child).
ordered_json ReturnedView(const bufconf_adapter& a, const json& case_json) {
  void* handle = nullptr;
  int flags = 0;
  try {
    char message[512] = {0};
    const std::string kind = case_json.value("kind", "");
    if (kind == "exporter" && a.make_exporter != nullptr) {
      const ExporterCase c = ExporterCaseFromJson(case_json);
      const bufconf_array_spec spec = c.spec.Abi();
      if (a.make_exporter(a.context, &spec, &handle, message, sizeof message) != BUFCONF_OK) {
        return nullptr;
      }
      flags = c.flags;
    } else if (kind == "enumerated" && a.enumerate != nullptr) {
      const EnumeratedCase c = EnumeratedCaseFromJson(case_json);
      bufconf_enumerated info{};
      if (a.enumerate(a.context, c.index, &handle, &info) != BUFCONF_OK) return nullptr;
      flags = c.flags;
    } else {
      return nullptr;
    }
  } catch (const std::exception&) {
    return nullptr;
  }
  ordered_json out;
  bufconf_buffer full{}, request{};
  bool have_full = false, have_request = false;
  try {
    char message[512] = {0};
    have_full = a.get_buffer(a.context, handle, &full, BUFCONF_PYBUF_FULL_RO, message,
                             sizeof message) == BUFCONF_OK;
    if (have_full) {
      std::vector<bufconf_region> regions(16);
      size_t n = a.regions(a.context, handle, regions.data(), regions.size());
      if (n > regions.size()) {
        regions.resize(n);
        n = a.regions(a.context, handle, regions.data(), regions.size());
      }
      regions.resize(std::min(n, regions.size()));
      const conformance::Snapshot snapshot =
          conformance::TakeSnapshot(full, regions.data(), regions.size());
      uint64_t bytes = 0;
      for (const layout::Region& r : snapshot.memory.regions()) bytes += r.bytes.size();
      out["flags"] = flags;
      out["full"] = layout::DescriptorToJson(
          snapshot.view, bytes <= (uint64_t{64} << 10) ? &snapshot.memory : nullptr);
      message[0] = '\0';
      const int rc = a.get_buffer(a.context, handle, &request, flags, message, sizeof message);
      have_request = rc == BUFCONF_OK;
      if (have_request) {
        out["request"] = layout::DescriptorToJson(conformance::DescriptorOf(request), nullptr);
      } else {
        out["refused"] = std::string(message);
      }
    }
  } catch (const std::exception&) {
    out = nullptr;
  }
  if (have_request && a.release_buffer != nullptr) a.release_buffer(a.context, handle, &request);
  if (have_full && a.release_buffer != nullptr) a.release_buffer(a.context, handle, &full);
  if (a.destroy_exporter != nullptr) a.destroy_exporter(a.context, handle);
  return out;
}

// Runs a search in a child of its own (or in process with --no-fork); returns the first line it
// wrote ({"case", "message"}), or null when it found nothing, crashed or hung.
ordered_json FirstFoundInChild(const bufconf_adapter& adapter, const RunSettings& settings,
                               const std::function<void(ChildChannel&)>& body) {
  const IsolatedResult child = settings.isolate
                                   ? RunIsolated(body, settings.timeout_seconds,
                                                 [&] {
                                                   if (adapter.after_fork != nullptr)
                                                     adapter.after_fork(adapter.context);
                                                 })
                                   : RunInProcess(body);
  if (child.outcome != IsolatedResult::Outcome::kOk || child.payload.empty()) return nullptr;
  const json found = json::parse(child.payload.substr(0, child.payload.find('\n')), nullptr, false);
  if (found.is_discarded() || !found.contains("case")) return nullptr;
  return found;
}

// RapidCheck shrinks to a local minimum: a 2x2 Fortran array asked for in C order may be where
// it stops although a 2-element view with a doubled stride fails too. After an algorithm-side
// failure, every tiny case with fewer elements (TinyAlgorithmCases, fewest first) is tried, in
// a child of its own (a tiny case may crash the implementation); the first that breaks `rule`
// replaces the counterexample. Returns it with its message, or null.
ordered_json SmallerAlgorithmCounterexample(const bufconf_adapter& adapter, const std::string& rule,
                                            const json& case_json, const RunSettings& settings) {
  AlgorithmCase shrunk;
  try {
    shrunk = AlgorithmCaseFromJson(case_json);
  } catch (const std::exception&) {
    return nullptr;
  }
  // A 0-d view has one element; a NULL-shape view is len bytes.
  const int64_t elements = shrunk.view.ndim == 0 ? 1
                           : shrunk.view.shape   ? layout::ElementCount(*shrunk.view.shape)
                                                 : shrunk.view.len;
  if (elements <= 1) return nullptr;
  auto body = [&](ChildChannel& channel) {
    for (const AlgorithmCase& c : TinyAlgorithmCases(elements - 1, shrunk.format_text)) {
      const CheckResult result = CheckAlgorithmCase(adapter, c, rule);
      for (const Finding& f : result.findings) {
        if (f.rule == rule) {
          channel.Write(ordered_json({{"case", ToJson(c)}, {"message", f.message}}).dump());
          return;
        }
      }
    }
  };
  return FirstFoundInChild(adapter, settings, body);
}

// The same for an exporter-side failure: tiny specs with the same item and request flags.
ordered_json SmallerExporterCounterexample(const bufconf_adapter& adapter, const std::string& rule,
                                           const json& case_json, const RunSettings& settings) {
  ExporterCase shrunk;
  try {
    shrunk = ExporterCaseFromJson(case_json);
  } catch (const std::exception&) {
    return nullptr;
  }
  const int64_t elements = layout::ElementCount(shrunk.spec.shape);
  if (elements <= 1) return nullptr;
  auto body = [&](ChildChannel& channel) {
    for (const ExporterCase& c : TinyExporterCases(shrunk, elements - 1)) {
      const CheckResult result = CheckExporterCase(adapter, c);
      bool basic_failed = false;
      for (const Finding& f : result.findings) basic_failed = basic_failed || f.basic;
      if (basic_failed && !IsBasicExporterRule(rule)) continue;
      for (const Finding& f : result.findings) {
        if (f.rule == rule) {
          channel.Write(ordered_json({{"case", ToJson(c)}, {"message", f.message}}).dump());
          return;
        }
      }
    }
  };
  return FirstFoundInChild(adapter, settings, body);
}

// Runs the property for `rule` in this process; returns one result line (JSON).
ordered_json RunRuleProperty(const bufconf_adapter& adapter, const std::string& rule,
                             bool exporter_side, const RunSettings& settings,
                             ChildChannel* channel) {
  int64_t cases = 0;
  int64_t blocked_cases = 0;  // cases whose full description already broke a basic rule
  LastFailure last;
  auto property = [&] {
    CheckResult result;
    ordered_json case_json;
    try {
      if (exporter_side) {
        const ExporterCase c = *GenExporterCase();
        case_json = ToJson(c);
        if (channel != nullptr) channel->Note(case_json.dump());
        result = CheckExporterCase(adapter, c);
      } else {
        const AlgorithmCase c = *GenAlgorithmCase();
        case_json = ToJson(c);
        if (channel != nullptr) channel->Note(case_json.dump());
        result = CheckAlgorithmCase(adapter, c, rule);
      }
    } catch (const AdapterError& e) {
      // Not a rule, but the run must say what went wrong and on which case.
      last.case_json = case_json;
      last.message = std::string("adapter error: ") + e.what();
      RC_FAIL(last.message);
    }
    if (result.unsupported) return;
    const bool basic_rule = IsBasicExporterRule(rule);
    bool basic_failed = false;
    const Finding* mine = nullptr;
    for (const Finding& f : result.findings) {
      basic_failed = basic_failed || f.basic;
      if (f.rule == rule && mine == nullptr) mine = &f;
    }
    // A case whose full description is broken says nothing about the other rules.
    if (!basic_rule && exporter_side && basic_failed) {
      ++blocked_cases;
      return;
    }
    ++cases;
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
      const ordered_json smaller =
          exporter_side ? SmallerExporterCounterexample(adapter, rule, last.case_json, settings)
                        : SmallerAlgorithmCounterexample(adapter, rule, last.case_json, settings);
      if (!smaller.is_null()) {
        line["case"] = smaller["case"];
        line["message"] = smaller["message"];
      }
      if (exporter_side) line["returned"] = ReturnedView(adapter, line["case"]);
    } else if (cases == 0 && blocked_cases > 0) {
      line["status"] = "blocked";
      line["message"] = "every case's full description already broke a basic rule";
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
                               const std::string& rule, const std::string& file_stem,
                               const json& case_json, const std::string& message,
                               const json& returned) {
  // The directory and its parents (a missing parent must not lose the files the report names).
  const std::string& dir = settings.failures_dir;
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') mkdir(dir.substr(0, i).c_str(), 0755);
  }
  const std::string path = settings.failures_dir + "/" + file_stem + ".json";
  ordered_json file = {
      {"bufconf_replay", 1},
      {"rule", rule},
      {"adapter", settings.adapter_spec.empty() ? adapter.name : settings.adapter_spec},
      {"seed", settings.seed},
      {"message", message},
      {"case", case_json}};
  if (!settings.factory.empty()) file["factory"] = settings.factory;
  if (!returned.is_null()) file["returned"] = returned;
  std::ofstream(path) << file.dump(2) << "\n";
  return path;
}

// One rule's property, in a forked child unless isolation is off.
template <typename Planned>
ordered_json RunRule(const bufconf_adapter& adapter, const Planned& p,
                     const RunSettings& settings) {
  if (!settings.isolate) {
    return RunRuleProperty(adapter, p.rule, p.exporter_side, settings, nullptr);
  }
  ordered_json line;
  const IsolatedResult child = RunIsolated(
      [&](ChildChannel& channel) {
        channel.Write(RunRuleProperty(adapter, p.rule, p.exporter_side, settings, &channel).dump());
      },
      settings.timeout_seconds,
      [&] {
        if (adapter.after_fork != nullptr) adapter.after_fork(adapter.context);
      });
  if (child.outcome == IsolatedResult::Outcome::kOk && !child.payload.empty()) {
    line = json::parse(child.payload.substr(0, child.payload.find('\n')), nullptr, false);
  }
  if (line.is_discarded() || line.empty()) {
    const std::string what = child.outcome == IsolatedResult::Outcome::kTimedOut
                                 ? "the implementation did not finish within " +
                                       std::to_string(static_cast<int>(settings.timeout_seconds)) +
                                       " s (hang)"
                                 : "the implementation " + Describe(child);
    line = {{"rule", p.rule}, {"status", "fail"}, {"message", what}, {"cases", 0}};
    const json note = json::parse(child.last_note, nullptr, false);
    if (!note.is_discarded()) line["case"] = note;
  }
  return line;
}

}  // namespace

namespace {

// The flags values every enumerated exporter is asked for: the named requests with and without
// WRITABLE and FORMAT, and illegal values (quick); every value 0..0x3ff and more (deep).
std::vector<int> SweepFlags(const std::string& profile) {
  std::vector<int> flags;
  if (profile == "deep") {
    for (int f = 0; f <= 0x3ff; ++f) flags.push_back(f);
    flags.push_back(0x400);
    flags.push_back(0x10000);
    return flags;
  }
  const int kNamed[] = {0x0, 0x8, 0x18, 0x38, 0x58, 0x98, 0x118};
  for (int named : kNamed) {
    for (int extra : {0x0, 0x1, 0x4, 0x5}) flags.push_back(named | extra);
  }
  for (int illegal : {0x100, 0x200, 0x20, 0x2}) flags.push_back(illegal);
  return flags;
}

struct SweepFailure {
  std::string where;  // the exporter's description
  std::string message;
  ordered_json case_json;
  ordered_json returned;  // what the exporter handed out (ReturnedView), or null
};

struct SweepRule {
  int64_t cases = 0;
  std::vector<SweepFailure> failures;  // the first failure of each failing exporter
  bool failed() const { return !failures.empty(); }
};

// Every enumerated exporter with every sweep flags value, one forked child per exporter. A crash
// or hang is a failure of REQ-GRANT, as for generated exporters: the exporter neither granted
// nor refused the request. (It was filed under REQ-FAIL-BUFFERERROR, which no property reports,
// so a crashing enumerated exporter went unreported.)
std::map<std::string, SweepRule> EnumeratedSweep(const bufconf_adapter& adapter,
                                                 const RunSettings& settings) {
  std::map<std::string, SweepRule> out;
  const std::vector<int> flags_list = SweepFlags(settings.profile);
  for (size_t index = 0; index < 100000; ++index) {
    auto body = [&](ChildChannel* channel) {
      std::map<std::string, SweepRule> rules;
      bool exists = true;
      for (int flags : flags_list) {
        EnumeratedCase c{index, flags, ""};
        if (channel != nullptr) channel->Note(ToJson(c).dump());
        const CheckResult result = CheckEnumeratedCase(adapter, c, &c.description);
        if (result.unsupported) {
          exists = false;
          break;
        }
        bool basic_failed = false;
        for (const Finding& f : result.findings) basic_failed = basic_failed || f.basic;
        for (const std::string& rule : result.rules_checked) {
          if (basic_failed && !IsBasicExporterRule(rule)) continue;
          SweepRule& r = rules[rule];
          ++r.cases;
          for (const Finding& f : result.findings) {
            if (f.rule == rule && !r.failed()) {
              r.failures.push_back({c.description, c.description + ": " + f.message, ToJson(c),
                                    ReturnedView(adapter, ToJson(c))});
            }
          }
        }
      }
      ordered_json line = {{"exists", exists}, {"rules", ordered_json::object()}};
      for (const auto& [rule, r] : rules) {
        line["rules"][rule] = {{"cases", r.cases}, {"failed", r.failed()}};
        if (r.failed()) {
          line["rules"][rule]["where"] = r.failures[0].where;
          line["rules"][rule]["message"] = r.failures[0].message;
          line["rules"][rule]["case"] = r.failures[0].case_json;
          line["rules"][rule]["returned"] = r.failures[0].returned;
        }
      }
      return line;
    };
    ordered_json line;
    if (settings.isolate) {
      const IsolatedResult child =
          RunIsolated([&](ChildChannel& channel) { channel.Write(body(&channel).dump()); },
                      settings.timeout_seconds,
                      [&] {
                        if (adapter.after_fork != nullptr) adapter.after_fork(adapter.context);
                      });
      if (child.outcome == IsolatedResult::Outcome::kOk && !child.payload.empty()) {
        line = json::parse(child.payload.substr(0, child.payload.find('\n')), nullptr, false);
      }
      if (line.is_discarded() || line.empty()) {
        SweepRule& r = out["REQ-GRANT"];
        const json note = json::parse(child.last_note, nullptr, false);
        // The child notes each case before running it (the adapter's description of the
        // exporter is not known yet then): name the exporter by its index and the flags.
        std::string where = "enumerated exporter " + std::to_string(index);
        if (!note.is_discarded() && note.contains("flags") && note["flags"].is_number_integer()) {
          char flags[32];
          std::snprintf(flags, sizeof flags, " with flags 0x%x", note["flags"].get<int>());
          where += flags;
        }
        r.failures.push_back({where, where + ": " + Describe(child),
                              note.is_discarded() ? ordered_json() : ordered_json(note), nullptr});
        continue;
      }
    } else {
      line = body(nullptr);
    }
    if (!line.value("exists", false)) break;
    for (auto it = line["rules"].begin(); it != line["rules"].end(); ++it) {
      SweepRule& r = out[it.key()];
      r.cases += it.value().value("cases", int64_t{0});
      if (it.value().value("failed", false)) {
        r.failures.push_back({it.value().value("where", ""), it.value().value("message", ""),
                              it.value()["case"], it.value().value("returned", ordered_json())});
      }
    }
  }
  return out;
}

}  // namespace

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

  const bool can_make = HasCapability(adapter, BUFCONF_CAP_MAKE_EXPORTER) &&
                        adapter.make_exporter && adapter.get_buffer && adapter.regions;
  const bool can_enumerate = HasCapability(adapter, BUFCONF_CAP_ENUMERATE) && adapter.enumerate &&
                             adapter.get_buffer && adapter.regions;
  std::map<std::string, SweepRule> sweep;
  bool swept = false;

  struct Planned {
    std::string rule;
    bool exporter_side;
    std::string skip_reason;
  };
  std::vector<Planned> plan;
  for (const std::string& rule : ExporterRules()) {
    std::string skip;
    if (!can_make && !can_enumerate) skip = "the adapter has no exporter side";
    if (rule == "RELEASE-EXPORT-COUNT" && !HasCapability(adapter, BUFCONF_CAP_EXPORT_COUNT)) {
      skip = "the adapter does not report export counts";
    }
    plan.push_back({rule, true, skip});
  }
  for (const AlgorithmRule& r : AlgorithmRules()) {
    plan.push_back({r.rule, false,
                    HasCapability(adapter, r.capability) ? "" : "the adapter lacks this function"});
  }
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
    ordered_json line = {{"rule", p.rule}, {"status", "skip"}, {"cases", 0}};
    if (!p.exporter_side || can_make) {
      line = RunRule(adapter, p, settings);
    }
    // Every place the rule failed: generated cases first, then each enumerated exporter.
    std::vector<SweepFailure> places;
    if (line.value("status", "") == "fail") {
      places.push_back({p.exporter_side ? "generated exporter" : "generated view",
                        line.value("message", ""),
                        line.contains("case") ? line["case"] : ordered_json(),
                        line.value("returned", ordered_json())});
    }
    // Exporters the implementation enumerates: every one with every sweep flags value.
    if (p.exporter_side && can_enumerate) {
      if (!swept) {
        sweep = EnumeratedSweep(adapter, settings);
        swept = true;
      }
      const auto it = sweep.find(p.rule);
      if (it != sweep.end()) {
        const SweepRule& r = it->second;
        line["cases"] = line.value("cases", int64_t{0}) + r.cases;
        for (const SweepFailure& f : r.failures) places.push_back(f);
        if (r.cases > 0 && line.value("status", "") != "fail") line["status"] = "pass";
      }
    }
    const std::string status = places.empty() ? line.value("status", "fail") : "fail";
    result.cases = line.value("cases", int64_t{0});
    result.status = status == "pass"      ? Status::kPass
                    : status == "skip"    ? Status::kSkip
                    : status == "blocked" ? Status::kBlocked
                                          : Status::kFail;
    result.reason = places.empty() ? line.value("message", "") : places[0].message;
    if (result.status == Status::kFail) {
      result.cases_to_failure = line.value("cases_to_failure", int64_t{0});
      for (size_t i = 0; i < places.size() && i < 50; ++i) {
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
  } else if (c.value("kind", "") == "enumerated") {
    result = CheckEnumeratedCase(adapter, EnumeratedCaseFromJson(c));
  } else {
    result = CheckAlgorithmCase(adapter, AlgorithmCaseFromJson(c), rule);
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
