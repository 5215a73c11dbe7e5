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
#include "conformance/suite/isolation.h"
#include "conformance/suite/known_gaps.h"
#include "reference/layout/addressing.h"
#include "reference/layout/checker.h"
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
  std::string made;  // what make_exporter said it made (its message on success), if anything
  try {
    char message[512] = {0};
    const std::string kind = case_json.value("kind", "");
    if (kind == "exporter" && a.make_exporter != nullptr) {
      const ExporterCase c = ExporterCaseFromJson(case_json);
      const bufconf_array_spec spec = c.spec.Abi();
      if (a.make_exporter(a.context, &spec, &handle, message, sizeof message) != BUFCONF_OK) {
        return nullptr;
      }
      message[sizeof message - 1] = '\0';
      made = message;
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
      if (!made.empty()) out["made"] = made;
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

// Runs `body` in a child of its own with the per-case limit (the child notes each case before
// running it), or in process with --no-fork.
// An exception escaping `body` is bufconf's own error (a limit, a bug), never the
// implementation's: it is written as the child's line {"bufconf_error": what}, and the child
// ends normally (an implementation that exits with any status is still told apart).
IsolatedResult RunChild(const bufconf_adapter& adapter, const RunSettings& settings,
                        const std::function<void(ChildChannel&)>& body) {
  const auto guarded = [&body](ChildChannel& channel) {
    try {
      body(channel);
    } catch (const std::exception& e) {
      channel.Write(ordered_json({{"bufconf_error", std::string(e.what())}}).dump());
    }
  };
  if (!settings.isolate) return RunInProcess(guarded);
  return RunIsolated(
      guarded, settings.timeout_seconds,
      [&] {
        if (adapter.after_fork != nullptr) adapter.after_fork(adapter.context);
      },
      TimeLimit::kPerNote);
}

// "the implementation crashed (signal 11, SIGSEGV)", "the implementation hung (no answer to
// one case within 20 s)".
std::string WhatHappened(const IsolatedResult& child, const RunSettings& settings) {
  if (child.outcome == IsolatedResult::Outcome::kTimedOut) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g", settings.timeout_seconds);
    return std::string("the implementation hung (no answer to one case within ") + seconds + " s)";
  }
  return "the implementation " + Describe(child);
}

// A case in a few words: "an exporter of shape [1, 1, 0], format '3s', flags 0x3d", "a view of
// shape [2, 2], itemsize 1, order 'C'".
std::string CaseSummary(const json& c) {
  try {
    const auto shape = [](const json& s) {
      if (s.is_null()) return std::string("NULL");
      std::string out = "[";
      for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + s[i].dump();
      return out + "]";
    };
    char flags[32] = "";
    if (c.contains("flags")) std::snprintf(flags, sizeof flags, "0x%x", c["flags"].get<int>());
    const std::string kind = c.value("kind", "");
    if (kind == "exporter") {
      const json& spec = c.at("spec");
      return "an exporter of shape " + shape(spec.at("shape")) + ", format '" +
             spec.value("format", "") + "', asked for flags " + flags;
    }
    if (kind == "enumerated") {
      const std::string description = c.value("description", "");
      return (description.empty()
                  ? "enumerated exporter " + c.at("index").dump()
                  : description + " (enumerated exporter " + c.at("index").dump() + ")") +
             " asked for flags " + flags;
    }
    if (kind == "algorithm") {
      const json& view = c.at("view");
      return "a view of shape " + shape(view.value("shape", json())) + ", itemsize " +
             view.at("itemsize").dump() + ", order '" + c.value("order", "") + "'";
    }
  } catch (const std::exception&) {
  }
  return "a case";
}

// Runs a search in a child of its own (or in process with --no-fork); returns the first line it
// wrote ({"case", "message"}), or null when it found nothing, crashed or hung.
ordered_json FirstFoundInChild(const bufconf_adapter& adapter, const RunSettings& settings,
                               const std::function<void(ChildChannel&)>& body) {
  const IsolatedResult child = RunChild(adapter, settings, body);
  if (child.outcome != IsolatedResult::Outcome::kOk || child.payload.empty()) return nullptr;
  const json found = json::parse(child.payload.substr(0, child.payload.find('\n')), nullptr, false);
  if (found.is_discarded() || !found.contains("case")) return nullptr;
  return found;
}

// The size of a case for the tiny-case searches: its elements (a 0-d view has one; a NULL-shape
// view is len bytes) and its dimensions.
struct CaseSize {
  int64_t elements = 0;
  int ndim = 0;
  // Fewer elements, or as many in fewer dimensions ([1, 1, 2] -> [2]).
  bool SmallerThan(const CaseSize& o) const {
    return elements < o.elements || (elements == o.elements && ndim < o.ndim);
  }
  // Nothing is smaller.
  bool Minimal() const { return elements == 0 && ndim <= 1; }
};

CaseSize SizeOf(const AlgorithmCase& c) {
  const int64_t elements = c.view.ndim == 0 ? 1
                           : c.view.shape   ? layout::ElementCount(*c.view.shape)
                                            : c.view.len;
  return {elements, static_cast<int>(c.view.ndim)};
}

CaseSize SizeOf(const ExporterCase& c) {
  return {layout::ElementCount(c.spec.shape), static_cast<int>(c.spec.shape.size())};
}

// The tiny cases smaller than `c` (TinyAlgorithmCases order: fewest elements first).
std::vector<AlgorithmCase> TinierCases(const AlgorithmCase& c) {
  const CaseSize size = SizeOf(c);
  std::vector<AlgorithmCase> out;
  if (size.Minimal()) return out;
  for (AlgorithmCase& t : TinyAlgorithmCases(size.elements, c.format_text)) {
    if (SizeOf(t).SmallerThan(size)) out.push_back(std::move(t));
  }
  return out;
}

std::vector<ExporterCase> TinierCases(const ExporterCase& c) {
  const CaseSize size = SizeOf(c);
  std::vector<ExporterCase> out;
  if (size.Minimal()) return out;
  for (ExporterCase& t : TinyExporterCases(c, size.elements)) {
    if (SizeOf(t).SmallerThan(size)) out.push_back(std::move(t));
  }
  return out;
}

// RapidCheck shrinks to a local minimum: a 2x2 Fortran array asked for in C order may be where
// it stops although a 2-element view with a doubled stride fails too. After an algorithm-side
// failure, every tiny case smaller than the counterexample (fewer elements, or as many in fewer
// dimensions; TinyAlgorithmCases order) is tried, in a child of its own (a tiny case may crash
// the implementation); the first that breaks `rule` replaces the counterexample. Returns it with
// its message, or null.
ordered_json SmallerAlgorithmCounterexample(const bufconf_adapter& adapter, const std::string& rule,
                                            const json& case_json, const RunSettings& settings) {
  std::vector<AlgorithmCase> candidates;
  try {
    candidates = TinierCases(AlgorithmCaseFromJson(case_json));
  } catch (const std::exception&) {
    return nullptr;
  }
  if (candidates.empty()) return nullptr;
  auto body = [&](ChildChannel& channel) {
    for (const AlgorithmCase& c : candidates) {
      const ordered_json c_json = ToJson(c);
      channel.Note(c_json.dump());
      CheckResult result;
      try {
        result = CheckAlgorithmCase(adapter, c, rule);
      } catch (const AdapterError&) {
        continue;
      }
      for (const Finding& f : result.findings) {
        if (f.rule == rule) {
          channel.Write(ordered_json({{"case", c_json}, {"message", f.message}}).dump());
          return;
        }
      }
    }
  };
  return FirstFoundInChild(adapter, settings, body);
}

// The same for an exporter-side failure: tiny specs with the same item and request flags. When
// the counterexample breaks `rule` without the multi-consumer session too (the finding is not the
// session's), the tiny cases are judged without it: a smaller counterexample found so breaks the
// rule with the session as well, and each tiny case costs about a quarter.
ordered_json SmallerExporterCounterexample(const bufconf_adapter& adapter, const std::string& rule,
                                           const json& case_json, const RunSettings& settings) {
  ExporterCase original;
  std::vector<ExporterCase> candidates;
  try {
    original = ExporterCaseFromJson(case_json);
    candidates = TinierCases(original);
  } catch (const std::exception&) {
    return nullptr;
  }
  if (candidates.empty()) return nullptr;
  // Whether `c` breaks `rule` (a basic failure hides the others), and how.
  auto breaks = [&](const ExporterCase& c, SessionMode session, std::string* message) {
    CheckResult result;
    try {
      result = CheckExporterCase(adapter, c, session);
    } catch (const AdapterError&) {
      return false;
    }
    // A finding of the rule itself counts even when the full description is broken (it may be
    // that finding); other rules' findings are not looked at.
    for (const Finding& f : result.findings) {
      if (f.rule == rule) {
        *message = f.message;
        return true;
      }
    }
    return false;
  };
  auto body = [&](ChildChannel& channel) {
    std::string message;
    channel.Note(case_json.dump());
    const SessionMode session = breaks(original, SessionMode::kWithout, &message)
                                    ? SessionMode::kWithout
                                    : SessionMode::kWith;
    for (const ExporterCase& c : candidates) {
      const ordered_json c_json = ToJson(c);
      channel.Note(c_json.dump());
      if (breaks(c, session, &message)) {
        channel.Write(ordered_json({{"case", c_json}, {"message", message}}).dump());
        return;
      }
    }
  };
  return FirstFoundInChild(adapter, settings, body);
}

// A case that crashed or hung the implementation.
struct CrashCase {
  ordered_json case_json;
  std::string what;  // WhatHappened
  bool hang = false;
};

// Shrinks a case that crashed or hung the implementation while `rule` ran (RapidCheck cannot:
// its shrinking does not survive a crash). The tiny cases smaller than it are run one by one in
// a child, each noted before it runs; the case the child dies on (a crash, or one case over the
// time limit) is run again alone in a fresh child, so that a crash set up by earlier cases is
// not taken for the case's own; the first that crashes or hangs alone is returned. Null when
// no smaller case does.
std::optional<CrashCase> SmallerCrash(const bufconf_adapter& adapter, const std::string& rule,
                                      bool exporter_side, const json& crashed,
                                      const RunSettings& settings) {
  if (!settings.isolate) return std::nullopt;
  std::vector<ordered_json> jsons;
  std::function<void(size_t)> run;
  std::vector<ExporterCase> exporter_cases;
  std::vector<AlgorithmCase> algorithm_cases;
  try {
    if (exporter_side) {
      exporter_cases = TinierCases(ExporterCaseFromJson(crashed));
      for (const ExporterCase& c : exporter_cases) jsons.push_back(ToJson(c));
      run = [&](size_t i) { CheckExporterCase(adapter, exporter_cases[i]); };
    } else {
      algorithm_cases = TinierCases(AlgorithmCaseFromJson(crashed));
      for (const AlgorithmCase& c : algorithm_cases) jsons.push_back(ToJson(c));
      run = [&](size_t i) { CheckAlgorithmCase(adapter, algorithm_cases[i], rule); };
    }
  } catch (const std::exception&) {
    return std::nullopt;
  }
  // Runs candidates [from, to) in one child.
  const auto run_range = [&](size_t from, size_t to) {
    return RunChild(adapter, settings, [&](ChildChannel& channel) {
      for (size_t i = from; i < to; ++i) {
        channel.Note(jsons[i].dump());
        try {
          run(i);
        } catch (const AdapterError&) {
        }
      }
    });
  };
  size_t from = 0;
  // A few rounds: a case that crashes only after others is skipped, and the search goes on.
  for (int round = 0; round < 4 && from < jsons.size(); ++round) {
    const IsolatedResult all = run_range(from, jsons.size());
    if (all.outcome == IsolatedResult::Outcome::kOk || all.note_count == 0) break;
    const size_t i = from + static_cast<size_t>(all.note_count - 1);
    if (i >= jsons.size()) break;
    const IsolatedResult alone = all.note_count == 1 ? all : run_range(i, i + 1);
    if (alone.outcome == IsolatedResult::Outcome::kCrashed ||
        alone.outcome == IsolatedResult::Outcome::kTimedOut) {
      return CrashCase{jsons[i], WhatHappened(alone, settings),
                       alone.outcome == IsolatedResult::Outcome::kTimedOut};
    }
    from = i + 1;
  }
  return std::nullopt;
}

// Runs the property for `rule` in this process; returns one result line (JSON).
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
      channel->NoteFailure(ordered_json({{"case", case_json},
                                         {"message", message},
                                         {"cases", cases},
                                         {"unsupported", unsupported},
                                         {"cases_to_failure", cases_to_failure}})
                               .dump());
    }
  };
  auto property = [&] {
    if (first_failure && Clock::now() - *first_failure > shrink_budget) return;
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
      failed(case_json, std::string("adapter error: ") + e.what());
      RC_FAIL(last.message);
    } catch (const std::exception& e) {
      // bufconf's own limit or bug: never a finding against the implementation.
      if (!first_failure) {
        if (internal_errors++ == 0) {
          internal_error = std::string(e.what()) + " (on " + CaseSummary(case_json) + ")";
        }
      }
      return;
    }
    if (result.unsupported) {
      if (!first_failure) ++unsupported;
      return;
    }
    const bool basic_rule = IsBasicExporterRule(rule);
    bool basic_failed = false;
    const Finding* mine = nullptr;
    for (const Finding& f : result.findings) {
      basic_failed = basic_failed || f.basic;
      if (f.rule == rule && mine == nullptr) mine = &f;
    }
    // A case whose full description is broken says nothing about the other rules.
    // (A finding of this very rule about the full description is judged, not blocked.)
    if (!basic_rule && exporter_side && basic_failed && mine == nullptr) {
      // Blocked only if the case could have broken the rule (REQ-CONTENTS with expected values,
      // say); else it is one of the cases that could not.
      const bool could = std::find(result.rules_checked.begin(), result.rules_checked.end(),
                                   rule) != result.rules_checked.end();
      if (!first_failure && could && blocked_cases++ == 0) blocked_reason = result.blocked_reason;
      if (!first_failure && !could) ++not_exercised;
      return;
    }
    // A case that did not exercise the rule (e.g. an exporter that cannot be resized) is not
    // counted as one that passed it.
    if (std::find(result.rules_checked.begin(), result.rules_checked.end(), rule) ==
        result.rules_checked.end()) {
      if (!first_failure) ++not_exercised;
      return;
    }
    if (!first_failure) ++cases;
    if (mine != nullptr) {
      failed(case_json, mine->message);
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
    line["status"] = "fail";
    line["message"] = std::string("adapter error: ") + e.what();
    line["case"] = last.case_json;
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
  return line;
}

bool HasCapability(const bufconf_adapter& a, uint64_t cap) { return (a.capabilities & cap) != 0; }

constexpr std::pair<uint64_t, const char*> kCapabilityNames[] = {
    {BUFCONF_CAP_MAKE_EXPORTER, "make_exporter"},
    {BUFCONF_CAP_ENUMERATE, "enumerate"},
    {BUFCONF_CAP_EXPORT_COUNT, "export_count"},
    {BUFCONF_CAP_VIA_INTERPRETER, "via_interpreter"},
    {BUFCONF_CAP_IS_CONTIGUOUS, "is_contiguous"},
    {BUFCONF_CAP_GET_POINTER, "get_pointer"},
    {BUFCONF_CAP_TO_CONTIGUOUS, "to_contiguous"},
    {BUFCONF_CAP_FROM_CONTIGUOUS, "from_contiguous"},
    {BUFCONF_CAP_FILL_STRIDES, "fill_contiguous_strides"},
    {BUFCONF_CAP_SIZE_FROM_FORMAT, "size_from_format"},
    {BUFCONF_CAP_COPY_DATA, "copy_data"},
    {BUFCONF_CAP_RESIZE, "resize"},
};

std::string CapabilityName(uint64_t cap) {
  for (const auto& [bit, name] : kCapabilityNames) {
    if (bit == cap) return name;
  }
  return "?";
}

std::string CapabilityNames(uint64_t caps, std::vector<std::string>* names) {
  std::string out;
  for (const auto& [bit, name] : kCapabilityNames) {
    if (caps & bit) {
      names->push_back(name);
      out += (out.empty() ? "" : ", ") + std::string(name);
    }
  }
  return out;
}

// The path of an adapter given as a file, made absolute (a counterexample file must replay from
// any directory); a built-in adapter's name as is.
std::string AdapterForReplay(const std::string& spec) {
  if (spec.find('/') == std::string::npos) return spec;
  char* real = ::realpath(spec.c_str(), nullptr);
  if (real == nullptr) return spec;
  std::string out = real;
  std::free(real);
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
      {"adapter", settings.adapter_spec.empty() ? std::string(adapter.name)
                                                : AdapterForReplay(settings.adapter_spec)},
      {"seed", settings.seed},
      {"timeout_seconds", settings.timeout_seconds},
      {"message", message},
      {"case", case_json}};
  if (!settings.factory.empty()) file["factory"] = settings.factory;
  if (!settings.env_names.empty()) {
    ordered_json env = ordered_json::object();
    for (const std::string& name : settings.env_names) {
      const char* value = std::getenv(name.c_str());
      env[name] = value != nullptr ? ordered_json(std::string(value)) : ordered_json();
    }
    file["env"] = env;
  }
  // What replaying must see: a finding under the rule, or the crash or hang itself. A failure
  // found before a crash while shrinking ("... (then, while shrinking, ...)") is a finding.
  const bool shrinking = message.find("(then, while shrinking") != std::string::npos;
  file["expect"] = shrinking                                                      ? "finding"
                   : message.find("the implementation hung") != std::string::npos ? "hang"
                   : message.find("the implementation crashed") != std::string::npos ||
                           message.find("the implementation exited") != std::string::npos
                       ? "crash"
                       : "finding";
  if (!returned.is_null()) file["returned"] = returned;
  std::ofstream(path) << file.dump(2) << "\n";
  return path;
}

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
    channel.Write(RunRuleProperty(adapter, p.rule, p.exporter_side, settings, &channel).dump());
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
  if (!note.is_discarded() && note.is_object()) run.crash = note;
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
      channel.Note(line["case"].dump());
      channel.Write(ordered_json({{"case", ReturnedView(adapter, line["case"])}}).dump());
    });
    line["returned"] = found.is_null() ? ordered_json() : found["case"];
  }
  return run;
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

// How an enumerated exporter is named in the report: its description, or its index when the
// adapter gave none.
std::string ObjectName(size_t index, const std::string& description) {
  return description.empty() ? "enumerated exporter " + std::to_string(index) : description;
}

// Every enumerated exporter with every sweep flags value, one forked child per exporter (a new
// child resumes after a crash, so the flags after it are still asked). A crash or hang is a
// failure of REQ-GRANT, as for generated exporters: the exporter neither granted nor refused the
// request; each is listed with the object's description and its own counterexample.
SweepResult EnumeratedSweep(const bufconf_adapter& adapter, const RunSettings& settings) {
  SweepResult out;
  const std::vector<int> flags_list = SweepFlags(settings.profile);
  constexpr int kMaxCrashesPerObject = 4;  // then the rest of the object's flags are not asked
  for (size_t index = 0; index < 100000; ++index) {
    // What the adapter calls the object, asked first in a child of its own (making it may
    // crash): crash places then name it.
    std::string description, note;
    bool exists = true, skipped = false;
    auto describe = [&](ChildChannel* channel) {
      void* handle = nullptr;
      bufconf_enumerated info{};
      const int rc = adapter.enumerate(adapter.context, index, &handle, &info);
      info.description[sizeof info.description - 1] = '\0';
      ordered_json line = {{"rc", rc}, {"description", std::string(info.description)}};
      if (rc == BUFCONF_OK && info.note != nullptr) line["note"] = std::string(info.note);
      if (rc == BUFCONF_OK && adapter.destroy_exporter != nullptr) {
        adapter.destroy_exporter(adapter.context, handle);
      }
      if (channel != nullptr) channel->Write(line.dump());
      return line;
    };
    ordered_json described;
    if (settings.isolate) {
      const IsolatedResult child =
          RunChild(adapter, settings, [&](ChildChannel& channel) { describe(&channel); });
      if (child.outcome == IsolatedResult::Outcome::kOk && !child.payload.empty()) {
        described = json::parse(child.payload.substr(0, child.payload.find('\n')), nullptr, false);
      }
      if (described.is_discarded() || described.empty()) {
        const std::string where = ObjectName(index, "");
        out.rules["REQ-GRANT"].failures.push_back(
            {where, where + ": enumerate " + WhatHappened(child, settings),
             ToJson(EnumeratedCase{index, BUFCONF_PYBUF_FULL_RO, ""}), nullptr});
        ++out.objects;
        continue;
      }
    } else {
      described = describe(nullptr);
    }
    if (described.contains("bufconf_error")) {
      out.errors.push_back("bufconf could not ask the adapter for " + ObjectName(index, "") + ": " +
                           described.value("bufconf_error", ""));
      continue;
    }
    const int rc = described.value("rc", BUFCONF_ERROR);
    description = described.value("description", "");
    note = described.value("note", "");
    exists = rc != BUFCONF_UNSUPPORTED;
    skipped = rc == BUFCONF_SKIPPED;
    if (!exists) break;
    if (skipped) {
      out.skipped.push_back({description, "the adapter skipped it (BUFCONF_SKIPPED)"});
      continue;
    }
    if (rc != BUFCONF_OK) {
      out.errors.push_back("the adapter failed to make " + ObjectName(index, description) +
                           " (enumerate returned " + std::to_string(rc) + "): not judged");
      continue;
    }
    ++out.objects;
    const std::string name = ObjectName(index, description);
    if (!note.empty()) out.notes.push_back({name, note});

    // Runs flags_list[from..] on the object; one JSON line per flags value judged.
    auto body = [&](size_t from, ChildChannel* channel) {
      std::map<std::string, SweepRule> rules;
      std::vector<std::string> errors;
      for (size_t k = from; k < flags_list.size(); ++k) {
        EnumeratedCase c{index, flags_list[k], description};
        if (channel != nullptr) channel->Note(ToJson(c).dump());
        CheckResult result;
        try {
          result = CheckEnumeratedCase(adapter, c);
        } catch (const AdapterError& e) {
          errors.push_back("the adapter failed on " + name + " with flags " +
                           std::to_string(c.flags) + ": " + e.what());
          continue;
        } catch (const std::exception& e) {
          errors.push_back("bufconf could not judge " + name + " with flags " +
                           std::to_string(c.flags) + ": " + e.what());
          continue;
        }
        if (result.unsupported) break;
        bool basic_failed = false;
        for (const Finding& f : result.findings) basic_failed = basic_failed || f.basic;
        for (const std::string& rule : ExporterRules()) {
          const bool checked = std::find(result.rules_checked.begin(), result.rules_checked.end(),
                                         rule) != result.rules_checked.end();
          SweepRule& r = rules[rule];
          bool mine = false;
          for (const Finding& f : result.findings) mine = mine || f.rule == rule;
          if (basic_failed && !IsBasicExporterRule(rule) && !mine) {
            if (checked && r.blocked++ == 0) r.blocked_reason = name + ": " + result.blocked_reason;
            continue;
          }
          if (!checked) {
            ++r.not_exercised;
            continue;
          }
          ++r.cases;
          for (const Finding& f : result.findings) {
            if (f.rule == rule && !r.failed()) {
              r.failures.push_back(
                  {name, name + ": " + f.message, ToJson(c), ReturnedView(adapter, ToJson(c))});
            }
          }
        }
      }
      ordered_json line = {{"rules", ordered_json::object()}, {"errors", errors}};
      for (const auto& [rule, r] : rules) {
        ordered_json& j = line["rules"][rule];
        j = {{"cases", r.cases},
             {"blocked", r.blocked},
             {"not_exercised", r.not_exercised},
             {"failed", r.failed()}};
        if (r.blocked > 0) j["blocked_reason"] = r.blocked_reason;
        if (r.failed()) {
          j["where"] = r.failures[0].where;
          j["message"] = r.failures[0].message;
          j["case"] = r.failures[0].case_json;
          j["returned"] = r.failures[0].returned;
        }
      }
      return line;
    };
    const auto merge = [&](const ordered_json& line) {
      for (auto it = line["rules"].begin(); it != line["rules"].end(); ++it) {
        SweepRule& r = out.rules[it.key()];
        const ordered_json& v = it.value();
        r.cases += v.value("cases", int64_t{0});
        r.not_exercised += v.value("not_exercised", int64_t{0});
        const int64_t blocked = v.value("blocked", int64_t{0});
        if (blocked > 0) {
          if (r.blocked == 0) r.blocked_reason = v.value("blocked_reason", "");
          r.blocked += blocked;
          r.blocked_objects.insert(name);
        }
        if (v.value("failed", false)) {
          r.failures.push_back({v.value("where", ""), v.value("message", ""), v["case"],
                                v.value("returned", ordered_json())});
        }
      }
      for (const auto& e : line["errors"]) out.errors.push_back(e.get<std::string>());
    };
    if (!settings.isolate) {
      merge(body(0, nullptr));
      continue;
    }
    size_t from = 0;
    for (int crashes = 0; from < flags_list.size();) {
      const size_t start = from;
      const IsolatedResult child = RunChild(adapter, settings, [&](ChildChannel& channel) {
        channel.Write(body(start, &channel).dump());
      });
      ordered_json line;
      if (child.outcome == IsolatedResult::Outcome::kOk && !child.payload.empty()) {
        line = json::parse(child.payload.substr(0, child.payload.find('\n')), nullptr, false);
      }
      if (!line.is_discarded() && line.contains("bufconf_error")) {
        out.errors.push_back("bufconf could not judge " + name + ": " +
                             line.value("bufconf_error", ""));
        break;
      }
      if (!line.is_discarded() && !line.empty()) {
        merge(line);
        break;
      }
      // The child died on the case it noted last: a place of its own, with its counterexample.
      const json noted = json::parse(child.last_note, nullptr, false);
      const int flags =
          !noted.is_discarded() && noted.contains("flags") && noted["flags"].is_number_integer()
              ? noted["flags"].get<int>()
              : -1;
      char flags_text[32] = "";
      if (flags >= 0) std::snprintf(flags_text, sizeof flags_text, " with flags 0x%x", flags);
      out.rules["REQ-GRANT"].failures.push_back(
          {name, name + flags_text + ": " + WhatHappened(child, settings),
           noted.is_discarded() ? ordered_json() : ordered_json(noted), nullptr});
      const size_t died_at =
          start + static_cast<size_t>(std::max<int64_t>(0, child.note_count - 1));
      from = died_at + 1;
      const bool hang = child.outcome == IsolatedResult::Outcome::kTimedOut;
      if ((hang || ++crashes >= kMaxCrashesPerObject) && from < flags_list.size()) {
        out.unfinished.push_back(name + ": " + std::to_string(flags_list.size() - from) +
                                 " flags values not asked after the " +
                                 (hang ? "hang" : "crashes") + " (each would cost " +
                                 (hang ? "a timeout" : "another crash") + ")");
        break;
      }
    }
  }
  return out;
}

// What a case needs to exercise a rule that only some cases can break.
std::string WhatExercises(const std::string& rule) {
  if (rule == "REQ-CONTENTS") {
    return "it needs expected contents: generated exporters, or enumerated ones with "
           "has_expected (a factory entry's expected values)";
  }
  if (rule == "MEMORY-WRITABLE") {
    return "it needs exporters whose memory is declared read-only (memory_readonly; a factory "
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
void ReportSweep(const SweepResult& sweep, RunReport* report) {
  report->objects = sweep.objects;
  for (const auto& [what, why] : sweep.skipped) report->skipped_objects.push_back({what, why});
  for (const auto& [what, note] : sweep.notes) report->object_notes.push_back({what, note});
  for (const std::string& e : sweep.errors) report->errors.push_back(e);
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
    if (rule == "RELEASE-EXPORT-COUNT" && !HasCapability(adapter, BUFCONF_CAP_EXPORT_COUNT)) {
      skip = "the adapter does not report export counts (export_count)";
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
  bool selected_grant = false;
  for (const Planned& p : plan) {
    selected_grant =
        selected_grant || (p.rule == "REQ-GRANT" && GlobMatch(settings.filter, p.rule));
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

  for (const Planned& p : plan) {
    if (!GlobMatch(settings.filter, p.rule)) continue;
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
    } else if (!p.exporter_side || can_make) {
      RuleRun run = RunRule(adapter, p, settings);
      line = run.line;
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
    // Exporters the implementation enumerates: every one with every sweep flags value.
    int64_t blocked = line.value("blocked", int64_t{0});
    std::string blocked_reason = line.value("blocked_reason", "");
    int64_t not_exercised = line.value("not_exercised", int64_t{0});
    std::vector<std::string> notes;
    if (p.exporter_side && can_enumerate) {
      if (!swept) {
        sweep = EnumeratedSweep(adapter, settings);
        swept = true;
        ReportSweep(sweep, &report);
      }
      const auto it = sweep.rules.find(p.rule);
      if (it != sweep.rules.end()) {
        const SweepRule& r = it->second;
        line["cases"] = line.value("cases", int64_t{0}) + r.cases;
        for (const SweepFailure& f : r.failures) places.push_back(f);
        const std::string status = line.value("status", "");
        // Judged on enumerated exporters: a pass, unless a crash or hang blocked the rule (its
        // generated cases never ran); generated cases blocked one by one are noted below.
        const bool crash_blocked = status == "blocked" && blocked == 0;
        if (r.cases > 0 && (status == "skip" || (status == "blocked" && !crash_blocked))) {
          line["status"] = "pass";
        }
        if (r.cases == 0 && r.blocked > 0 && status == "skip") {
          line["status"] = "blocked";
          line["message"] = "every enumerated exporter was blocked: " + r.blocked_reason;
        }
        if (r.blocked > 0 && blocked == 0) blocked_reason = r.blocked_reason;
        blocked += r.blocked;
        not_exercised += r.not_exercised;
        if (!r.blocked_objects.empty()) {
          notes.push_back(std::to_string(r.blocked_objects.size()) + " of " +
                          std::to_string(sweep.objects) +
                          " enumerated exporters not judged on this rule for some flags: their "
                          "full description breaks a MUST rule (first: " +
                          r.blocked_reason + ")");
        }
      }
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
      if (planned.count(r.id) != 0 || !GlobMatch(settings.filter, r.id)) continue;
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

std::string ReplayExpectation(const std::string& contents) {
  const json file = json::parse(contents);
  const std::string rule = file.at("rule").get<std::string>();
  if (rules::FindRule(rule) == nullptr)
    throw std::runtime_error("no catalogue rule '" + rule + "'");
  const json& c = file.at("case");
  const std::string kind = c.value("kind", "");
  if (kind == "exporter") {
    ExporterCaseFromJson(c);
  } else if (kind == "enumerated") {
    EnumeratedCaseFromJson(c);
  } else if (kind == "algorithm") {
    AlgorithmCaseFromJson(c);
  } else {
    throw std::runtime_error("case: unknown kind '" + kind + "'");
  }
  const std::string expect = file.value("expect", "finding");
  if (expect != "finding" && expect != "crash" && expect != "hang") {
    throw std::runtime_error("expect: '" + expect + "' is not finding, crash or hang");
  }
  return expect;
}

ReplayOutcome Replay(const bufconf_adapter& adapter, const std::string& contents) {
  ReplayOutcome out;
  json file;
  try {
    ReplayExpectation(contents);
    file = json::parse(contents);
  } catch (const std::exception& e) {
    out.error = std::string("not a counterexample file bufconf can replay: ") + e.what();
    return out;
  }
  const std::string rule = file.at("rule").get<std::string>();
  const json& c = file.at("case");
  CheckResult result;
  try {
    if (c.value("kind", "") == "exporter") {
      result = CheckExporterCase(adapter, ExporterCaseFromJson(c));
    } else if (c.value("kind", "") == "enumerated") {
      const EnumeratedCase e = EnumeratedCaseFromJson(c);
      std::string now;
      result = CheckEnumeratedCase(adapter, e, &now);
      // The same object? An index names another one when the factory's list changed, or when
      // the case is replayed against another factory on purpose (the fixed one): said, not
      // refused.
      if (!e.description.empty() && !result.unsupported && now != e.description) {
        out.report += "note: enumerated exporter " + std::to_string(e.index) + " is now '" + now +
                      "'; the file was written for '" + e.description + "'\n";
      }
    } else {
      result = CheckAlgorithmCase(adapter, AlgorithmCaseFromJson(c), rule);
    }
  } catch (const AdapterError& e) {
    out.report = std::string("adapter error: ") + e.what() + "\n";
    out.reproduced = file.value("message", "").rfind("adapter error", 0) == 0;
    return out;
  }
  if (result.unsupported) {
    out.report = result.skipped_object ? "the adapter skips this object (BUFCONF_SKIPPED)\n"
                                       : "the adapter cannot express this case (unsupported)\n";
    return out;
  }
  for (const Finding& f : result.findings) {
    out.report += f.rule + ": " + f.message + "\n";
    if (f.rule == rule) out.reproduced = true;
  }
  if (result.findings.empty()) out.report += "no rule is broken by this case\n";
  return out;
}

}  // namespace bufconf::suite
