#include "conformance/suite/sweep.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "conformance/suite/checks.h"
#include "conformance/suite/run_support.h"

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
  const int kNamed[] = {0x0, 0x8, 0x18, 0x38, 0x58, 0x98, 0x118};
  for (int named : kNamed) {
    for (int extra : {0x0, 0x1, 0x4, 0x5}) flags.push_back(named | extra);
  }
  for (int illegal : {0x100, 0x200, 0x20, 0x2}) flags.push_back(illegal);
  return flags;
}

// How an enumerated exporter is named in the report: its description, or its index when the
// adapter gave none.
std::string ObjectName(size_t index, const std::string& description) {
  return description.empty() ? "enumerated exporter " + std::to_string(index) : description;
}

}  // namespace

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

}  // namespace bufconf::suite
