#include "conformance/suite/sweep.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "conformance/suite/checks.h"
#include "conformance/suite/core_cases.h"
#include "conformance/suite/report.h"
#include "conformance/suite/run_support.h"
#include "reference/layout/request.h"

namespace bufconf::suite {

using nlohmann::json;
using nlohmann::ordered_json;

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
  flags = layout::NamedRequests();
  for (int illegal : {0x100, 0x200, 0x20, 0x2}) flags.push_back(illegal);
  return flags;
}

// How an enumerated exporter is named in the report: its description, or its index when the
// adapter gave none.
std::string ObjectName(size_t index, const std::string& description) {
  return description.empty() ? "enumerated exporter " + std::to_string(index) : description;
}

// Judges cases [from, count) in order; one JSON line of per-rule counts and first failures.
ordered_json JudgeCases(const bufconf_adapter& adapter, const CaseList& list, size_t from,
                        ChildChannel* channel) {
  std::map<std::string, SweepRule> rules;
  std::vector<std::string> errors, adapter_errors;
  int64_t adapter_error_count = 0, error_count = 0;
  int64_t unsupported = 0;
  for (size_t k = from; k < list.count; ++k) {
    if (channel != nullptr)
      channel->Note(list.note_at ? list.note_at(k) : ChildLine(list.json_at(k)));
    std::optional<ordered_json> made;
    const auto case_json = [&]() -> const ordered_json& {
      if (!made) made = list.json_at(k);
      return *made;
    };
    CheckResult result;
    try {
      result = list.check_at(k);
    } catch (const AdapterError& e) {
      // The first one of the list is said; the others are counted (the same fault, usually).
      if (adapter_errors.empty()) {
        adapter_errors.push_back("the adapter failed on " + list.describe_at(k) + ": " + e.what());
      }
      ++adapter_error_count;
      continue;
    } catch (const std::exception& e) {
      // The first one of the list is said; the others are counted.
      if (errors.empty()) {
        errors.push_back("bufconf could not judge " + list.describe_at(k) + ": " + e.what());
      }
      ++error_count;
      continue;
    }
    if (result.unsupported) {
      if (list.stop_on_unsupported) break;
      ++unsupported;
      continue;
    }
    bool basic_failed = false;
    for (const Finding& f : result.findings) basic_failed = basic_failed || f.basic;
    // Every finding counts for the rule it breaks, whichever rule the case was made for.
    ordered_json returned;
    std::string where;
    for (const std::string& rule : ExporterRules()) {
      const bool checked = std::find(result.rules_checked.begin(), result.rules_checked.end(),
                                     rule) != result.rules_checked.end();
      SweepRule& r = rules[rule];
      bool mine = false;
      for (const Finding& f : result.findings) mine = mine || f.rule == rule;
      if (basic_failed && (!IsBasicExporterRule(rule) || result.full_refused) && !mine) {
        if (checked && r.blocked++ == 0) {
          r.blocked_reason = list.describe_at(k) + ": " + result.blocked_reason;
        }
        continue;
      }
      if (!checked) {
        ++r.not_exercised;
        continue;
      }
      ++r.cases;
      for (const Finding& f : result.findings) {
        if (f.rule != rule || r.failed()) continue;
        if (where.empty()) {
          returned = ReturnedView(adapter, case_json());
          where = list.where_at(k, returned);
        }
        r.failures.push_back({where, list.prefix_messages ? where + ": " + f.message : f.message,
                              case_json(), returned, static_cast<int64_t>(k + 1)});
      }
    }
  }
  if (error_count > 1) {
    errors[0] += " (and " + std::to_string(error_count - 1) + " more " + list.unit + " of " +
                 list.name + " not judged)";
  }
  if (adapter_error_count > 1) {
    adapter_errors[0] += " (and on " + std::to_string(adapter_error_count - 1) + " more " +
                         list.unit + " of " + list.name + ")";
  }
  ordered_json line = {{"rules", ordered_json::object()},
                       {"errors", errors},
                       {"adapter_errors", adapter_errors},
                       {"unsupported", unsupported}};
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
      j["cases_to_failure"] = r.failures[0].cases_to_failure;
    }
  }
  return line;
}

}  // namespace

void SweepCases(const bufconf_adapter& adapter, const RunSettings& settings, const CaseList& list,
                SweepResult* out) {
  constexpr int kMaxCrashes = 4;  // then the rest of the list is not asked
  const auto merge = [&](const ordered_json& line) {
    for (auto it = line["rules"].begin(); it != line["rules"].end(); ++it) {
      SweepRule& r = out->rules[it.key()];
      const ordered_json& v = it.value();
      r.cases += v.value("cases", int64_t{0});
      r.not_exercised += v.value("not_exercised", int64_t{0});
      const int64_t blocked = v.value("blocked", int64_t{0});
      if (blocked > 0) {
        if (r.blocked == 0) r.blocked_reason = v.value("blocked_reason", "");
        r.blocked += blocked;
        if (!list.object.empty()) r.blocked_objects.insert(list.object);
      }
      if (v.value("failed", false)) {
        r.failures.push_back({v.value("where", ""), v.value("message", ""), v["case"],
                              v.value("returned", ordered_json()),
                              v.value("cases_to_failure", int64_t{0})});
      }
    }
    for (const auto& e : line["errors"]) out->errors.push_back(e.get<std::string>());
    for (const auto& e : line["adapter_errors"])
      out->adapter_errors.push_back(e.get<std::string>());
    out->unsupported += line.value("unsupported", int64_t{0});
  };
  if (!settings.isolate) {
    merge(JudgeCases(adapter, list, 0, nullptr));
    return;
  }
  size_t from = 0;
  for (int crashes = 0; from < list.count;) {
    const size_t start = from;
    const IsolatedResult child = RunChild(adapter, settings, [&](ChildChannel& channel) {
      channel.Write(ChildLine(JudgeCases(adapter, list, start, &channel)));
    });
    ordered_json line;
    if (child.outcome == IsolatedResult::Outcome::kOk && !child.payload.empty()) {
      line = json::parse(child.payload.substr(0, child.payload.find('\n')), nullptr, false);
    }
    if (!line.is_discarded() && line.contains("bufconf_error")) {
      out->errors.push_back("bufconf could not judge " + list.name + ": " +
                            line.value("bufconf_error", ""));
      return;
    }
    if (!line.is_discarded() && !line.empty()) {
      merge(line);
      return;
    }
    // The child died on the case it noted last: a place of its own, with its counterexample.
    const size_t died_at = start + static_cast<size_t>(std::max<int64_t>(0, child.note_count - 1));
    const bool hang = child.outcome == IsolatedResult::Outcome::kTimedOut;
    const size_t at = std::min(died_at, list.count - 1);
    out->rules["REQ-GRANT"].failures.push_back(
        {list.where_at(at, ordered_json()),
         list.crash_message_at(at, WhatHappened(child, settings)),
         child.note_count > 0 ? list.json_at(at) : ordered_json(), nullptr,
         static_cast<int64_t>(died_at + 1)});
    if (hang) out->hung = true;
    out->crashed = true;
    if (out->crash_places.empty())
      out->crash_places.push_back(out->rules["REQ-GRANT"].failures.back());
    from = died_at + 1;
    if ((hang || ++crashes >= kMaxCrashes) && from < list.count) {
      out->unfinished.push_back(list.name + ": " + std::to_string(list.count - from) + " " +
                                list.unit + " not asked after the " + (hang ? "hang" : "crashes") +
                                " (each would cost " + (hang ? "a timeout" : "another crash") +
                                ")");
      return;
    }
  }
}

// Every enumerated exporter with every sweep flags value, one forked child per exporter (a new
// child resumes after a crash, so the flags after it are still asked). A crash or hang is a
// failure of REQ-GRANT, as for generated exporters: the exporter neither granted nor refused the
// request; each is listed with the object's description and its own counterexample.
SweepResult EnumeratedSweep(const bufconf_adapter& adapter, const RunSettings& settings) {
  SweepResult out;
  const std::vector<int> flags_list = SweepFlags(settings.profile);
  const size_t max_objects = static_cast<size_t>(std::max<int64_t>(0, settings.max_objects));
  constexpr int kMaxEnumerateCrashes = 4;  // then the later indexes are not asked
  int enumerate_crashes = 0;
  // Index max_objects is asked only to tell whether the adapter has more.
  for (size_t index = 0; index <= max_objects; ++index) {
    // What the adapter calls the object, asked first in a child of its own (making it may
    // crash): crash places then name it.
    std::string description, note;
    auto describe = [&](ChildChannel* channel) {
      void* handle = nullptr;
      bufconf_enumerated info{};
      const int rc = adapter.enumerate(adapter.context, index, &handle, &info);
      info.description[sizeof info.description - 1] = '\0';
      ordered_json line = {{"rc", rc}, {"description", SanitizeUtf8(info.description)}};
      if (rc == BUFCONF_OK && info.note != nullptr) line["note"] = SanitizeUtf8(info.note);
      if (rc == BUFCONF_OK && adapter.destroy_exporter != nullptr) {
        adapter.destroy_exporter(adapter.context, handle);
      }
      if (channel != nullptr) channel->Write(ChildLine(line));
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
        // enumerate itself hung, crashed or exited: no request was made, so no rule is broken;
        // the adapter failed to give the object (an adapter error, exit status 2). After a hang
        // (or a few crashes) the later indexes are not asked: each would cost as much again.
        const bool hang = child.outcome == IsolatedResult::Outcome::kTimedOut;
        std::string what;
        if (hang) {
          char seconds[32];
          std::snprintf(seconds, sizeof seconds, "%g", settings.timeout_seconds);
          what = std::string("did not return within ") + seconds + " s (--timeout)";
        } else {
          what = Describe(child);
        }
        out.adapter_errors.push_back("the adapter's enumerate(" + std::to_string(index) + ") " +
                                     what + ": " + ObjectName(index, "") + " not judged");
        if (hang || ++enumerate_crashes >= kMaxEnumerateCrashes) {
          const std::string after =
              hang ? "enumerate(" + std::to_string(index) + ") hung; each would cost a timeout"
                   : "enumerate crashed " + std::to_string(enumerate_crashes) +
                         " times; each would cost another crash";
          out.unfinished.push_back("enumerate: the indexes after " + std::to_string(index) +
                                   " were not asked (" + after + ")");
          break;
        }
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
    if (rc == BUFCONF_UNSUPPORTED) break;
    if (index == max_objects) {
      // One more than the limit: the rest are not judged, and the report says so.
      out.errors.push_back(
          "enumerate: the adapter has more than " + std::to_string(max_objects) +
          " objects (index " + std::to_string(index) +
          (description.empty() ? std::string() : " is '" + description + "'") +
          "): only the first " + std::to_string(max_objects) +
          " were judged, the rest not asked (bufconf's limit, --max-objects N raises it)");
      break;
    }
    if (rc == BUFCONF_SKIPPED) {
      out.skipped.push_back({description, "the adapter skipped it (BUFCONF_SKIPPED)"});
      continue;
    }
    if (rc != BUFCONF_OK) {
      // The adapter says it failed (or answered a code enumerate does not have): its error.
      out.adapter_errors.push_back(
          "the adapter's enumerate(" + std::to_string(index) + ") returned " + std::to_string(rc) +
          (description.empty() ? std::string() : ": " + description) + ": not judged");
      continue;
    }
    ++out.objects;
    const std::string name = ObjectName(index, description);
    if (!note.empty()) out.notes.push_back({name, note});
    CaseList list;
    list.name = name;
    list.object = name;
    list.unit = "flags values";
    list.count = flags_list.size();
    list.stop_on_unsupported = true;
    list.prefix_messages = true;
    list.json_at = [&](size_t k) {
      return ToJson(EnumeratedCase{index, flags_list[k], description});
    };
    list.check_at = [&](size_t k) {
      return CheckEnumeratedCase(adapter, EnumeratedCase{index, flags_list[k], description});
    };
    list.describe_at = [&](size_t k) {
      char flags_text[32];
      std::snprintf(flags_text, sizeof flags_text, "0x%x", flags_list[k]);
      return name + " with flags " + flags_text;
    };
    list.where_at = [&](size_t, const ordered_json&) { return name; };
    list.crash_message_at = [&](size_t k, const std::string& what) {
      char flags_text[32];
      std::snprintf(flags_text, sizeof flags_text, " with flags 0x%x", flags_list[k]);
      return name + flags_text + ": " + what;
    };
    SweepCases(adapter, settings, list, &out);
  }
  return out;
}

// The exporter core (core_cases.h), judged once for every exporter rule: each finding counts for
// the rule it breaks. A failure is placed as the random cases' are: "generated " and what the
// adapter said it made.
SweepResult CoreExporterSweep(const bufconf_adapter& adapter, const RunSettings& settings) {
  SweepResult out;
  const std::vector<ExporterCase>& cases = CoreExporterCases();
  CaseList list;
  list.name = "the exporter core";
  list.unit = "core cases";
  list.count = cases.size();
  list.json_at = [&](size_t k) { return ToJson(cases[k]); };
  list.note_at = [](size_t k) { return CoreNote("exporter", k); };
  list.check_at = [&](size_t k) { return CheckExporterCase(adapter, cases[k]); };
  list.describe_at = [&](size_t k) { return "core case " + CaseSummary(ToJson(cases[k])); };
  list.where_at = [](size_t, const ordered_json& returned) {
    return returned.is_object() && returned.contains("made") && returned["made"].is_string()
               ? "generated " + returned["made"].get<std::string>()
               : std::string("generated exporter");
  };
  list.crash_message_at = [&](size_t k, const std::string& what) {
    return what + " on " + CaseSummary(ToJson(cases[k])) + " (a case of the exporter core)";
  };
  SweepCases(adapter, settings, list, &out);
  return out;
}

}  // namespace bufconf::suite
