#include "conformance/suite/counterexample.h"

#include <functional>
#include <string>
#include <vector>

#include "conformance/suite/checks.h"
#include "conformance/suite/run_support.h"
#include "reference/layout/addressing.h"

namespace bufconf::suite {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

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

}  // namespace

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
          channel.Write(ChildLine(ordered_json({{"case", c_json}, {"message", f.message}})));
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
        channel.Write(ChildLine(ordered_json({{"case", c_json}, {"message", message}})));
        return;
      }
    }
  };
  return FirstFoundInChild(adapter, settings, body);
}

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

}  // namespace bufconf::suite
