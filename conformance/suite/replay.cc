// bufconf replay: a counterexample file's case, run again against an adapter.
//
// The file is validated against its schema (docs/guide/reports.md, "Replay files") before
// anything runs: a field of the wrong type or out of range, a missing required field, an unknown
// field or version, a rule the suite cannot report, a case kind that cannot break the rule, or a
// case that does not decode is an error naming the field, never a replay that says "not
// reproduced". So is a file the adapter cannot replay (it lacks the side or function the case
// needs, or lists no exporter at the file's index).
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "conformance/suite/cases.h"
#include "conformance/suite/checks.h"
#include "conformance/suite/known_gaps.h"
#include "conformance/suite/run_support.h"
#include "conformance/suite/runner.h"
#include "reference/rules/catalogue.h"

namespace bufconf::suite {
namespace {

using nlohmann::json;

// The version of the replay file format this bufconf reads and writes ("bufconf_replay").
constexpr int64_t kReplayVersion = 1;
// The largest timeout_seconds: bufconf run's --timeout limit.
constexpr double kMaxTimeoutSeconds = 86400;
// The smallest: a millisecond. Below, no case can finish (1e-300 s reported a "hang").
constexpr double kMinTimeoutSeconds = 0.001;

[[noreturn]] void Fail(const std::string& field, const std::string& message) {
  throw std::runtime_error(field + ": " + message);
}

std::string Type(const json& j) { return j.type_name(); }

void CheckKeys(const json& j, const std::set<std::string>& allowed, const std::string& where,
               const std::string& what) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (allowed.count(it.key()) == 0) Fail(where + it.key(), "unknown field of " + what);
  }
}

const std::string& String(const json& j, const std::string& field) {
  if (!j.is_string()) Fail(field, "expected a string, found " + Type(j));
  return j.get_ref<const std::string&>();
}

// What a file says about its case, once validated.
struct ReplayFile {
  json file;
  std::string rule;
  std::string kind;    // exporter, enumerated, algorithm
  std::string expect;  // finding, crash, hang
};

bool IsAlgorithmRule(const std::string& rule) {
  const auto& rules = AlgorithmRules();
  return std::any_of(rules.begin(), rules.end(),
                     [&](const AlgorithmRule& r) { return rule == r.rule; });
}

// The case: its kind, its fields (no unknown one), the codec's decoding, the ranges of its flags
// and order, and its kind against the rule.
void CheckCase(const json& c, const std::string& rule, std::string* kind) {
  if (!c.is_object()) Fail("case", "expected an object, found " + Type(c));
  if (!c.contains("kind")) Fail("case.kind", "missing");
  *kind = String(c["kind"], "case.kind");
  if (*kind == "exporter") {
    CheckKeys(c, {"kind", "flags", "spec"}, "case.", "an exporter case");
    if (c.contains("spec") && c["spec"].is_object()) {
      CheckKeys(
          c["spec"],
          {"format", "itemsize", "shape", "items", "fortran", "readonly", "steps", "indirect"},
          "case.spec.", "a spec");
    }
  } else if (*kind == "enumerated") {
    CheckKeys(c, {"kind", "index", "flags", "description"}, "case.", "an enumerated case");
  } else if (*kind == "algorithm") {
    CheckKeys(c, {"kind", "order", "bytes", "format_text", "view", "dest"}, "case.",
              "an algorithm case");
  } else {
    Fail("case.kind", "'" + *kind + "' is not exporter, enumerated or algorithm");
  }
  int flags = 0;
  try {
    if (*kind == "exporter") {
      flags = ExporterCaseFromJson(c).flags;
    } else if (*kind == "enumerated") {
      flags = EnumeratedCaseFromJson(c).flags;
    } else {
      const AlgorithmCase a = AlgorithmCaseFromJson(c);
      if (a.order != 'C' && a.order != 'F' && a.order != 'A') {
        Fail("order", "expected \"C\", \"F\" or \"A\"");
      }
    }
  } catch (const std::exception& e) {
    // The codec names the field inside the case ("spec.itemsize: ..."): its path in the file.
    const std::string what = e.what();
    throw std::runtime_error(what.rfind("(case)", 0) == 0 ? "case" + what.substr(6)
                                                          : "case." + what);
  }
  if (*kind != "algorithm" && flags < 0) {
    Fail("case.flags", std::to_string(flags) + " is not a request flags value (0.." +
                           std::to_string(INT_MAX) + ")");
  }
  // Which cases can break the rule: the algorithm rules only algorithm cases (only the rule's
  // own function is called on them), every other rule only exporters.
  if (IsAlgorithmRule(rule) != (*kind == "algorithm")) {
    Fail("case.kind", "'" + *kind + "' does not match the rule " + rule +
                          (IsAlgorithmRule(rule)
                               ? ", an algorithm rule: only an algorithm case can break it"
                               : ", an exporter-side rule: only an exporter or enumerated case "
                                 "can break it"));
  }
}

// The whole file against the schema. `whole`: as `bufconf replay` reads it (bufconf_replay and
// adapter required); else as Replay() reads it, given its adapter (they may be absent).
ReplayFile Validate(const std::string& contents, bool whole) {
  ReplayFile out;
  // nlohmann's lexer takes a NUL byte for the end of the input: what follows would be ignored.
  if (const size_t nul = contents.find('\0'); nul != std::string::npos) {
    throw std::runtime_error("not JSON: a NUL byte at byte " + std::to_string(nul));
  }
  // A key given twice in an object is an error naming its path (nlohmann keeps the last one
  // silently, while an unknown field is refused): the keys of every open container.
  struct Open {
    std::string path;  // "" for the file, "case.spec"
    bool array = false;
    size_t index = 0;  // an array's entries so far
    std::string key;   // an object's current key
    std::set<std::string> keys;
  };
  std::vector<Open> open;
  const auto where = [&open]() -> std::string {
    if (open.empty()) return "";
    const Open& o = open.back();
    if (o.array) return o.path + "[" + std::to_string(o.index) + "]";
    return o.path.empty() ? o.key : o.path + "." + o.key;
  };
  const json::parser_callback_t no_duplicates = [&](int, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start: {
        Open o;
        o.path = where();
        o.array = event == json::parse_event_t::array_start;
        if (!open.empty() && open.back().array) ++open.back().index;
        open.push_back(std::move(o));
        break;
      }
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        if (!open.empty()) open.pop_back();
        break;
      case json::parse_event_t::key:
        if (!open.empty()) {
          open.back().key = parsed.get<std::string>();
          if (!open.back().keys.insert(open.back().key).second) {
            Fail(where(), "duplicate key '" + open.back().key + "'");
          }
        }
        break;
      case json::parse_event_t::value:
        if (!open.empty() && open.back().array) ++open.back().index;
        break;
    }
    return true;
  };
  try {
    out.file = json::parse(contents, no_duplicates);
  } catch (const json::exception& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." without the tag;
    // out_of_range.406 is a number beyond a double (1e400).
    // nlohmann quotes the bytes last read, which may be no UTF-8: the others as \xNN.
    std::string what;
    for (const char c : std::string(e.what())) {
      const auto u = static_cast<unsigned char>(c);
      if (u >= 0x20 && u < 0x7f) {
        what += c;
      } else {
        char hex[8];
        std::snprintf(hex, sizeof hex, "\\x%02x", u);
        what += hex;
      }
    }
    if (const size_t at = what.find("] "); at != std::string::npos) what.erase(0, at + 2);
    if (e.id == 406) what = "a number out of range (" + what + ")";
    throw std::runtime_error("not JSON: " + what);
  }
  const json& f = out.file;
  if (!f.is_object()) {
    throw std::runtime_error("not a replay file: expected a JSON object, found " + Type(f));
  }
  CheckKeys(f,
            {"bufconf_replay", "rule", "adapter", "factory", "python", "env", "seed",
             "timeout_seconds", "message", "expect", "case", "returned"},
            "", "a replay file (version 1)");
  for (const char* required : {"bufconf_replay", "rule", "adapter", "case"}) {
    if (!f.contains(required) &&
        (whole || std::string(required) == "rule" || std::string(required) == "case")) {
      Fail(required, "missing");
    }
  }
  if (f.contains("bufconf_replay")) {
    const json& v = f["bufconf_replay"];
    if (!v.is_number_integer()) Fail("bufconf_replay", "expected an integer, found " + Type(v));
    if (!v.is_number_unsigned() || v.get<uint64_t>() != kReplayVersion) {
      Fail("bufconf_replay", "version " + v.dump() + " is not one this bufconf reads (it reads " +
                                 std::to_string(kReplayVersion) + ")");
    }
  }
  out.rule = String(f.at("rule"), "rule");
  if (rules::FindRule(out.rule) == nullptr) Fail("rule", "no catalogue rule '" + out.rule + "'");
  if (const char* gap = KnownGapReason(out.rule)) {
    Fail("rule", out.rule + " is not judged by bufconf, so no case can break it (" + gap + ")");
  }
  if (f.contains("adapter") && String(f["adapter"], "adapter").empty()) {
    Fail("adapter", "empty (a built-in adapter's name or an adapter file's path)");
  }
  if (f.contains("factory")) String(f["factory"], "factory");
  if (f.contains("python") && String(f["python"], "python").empty()) {
    Fail("python", "empty (the path of the interpreter the run was hosted by)");
  }
  if (f.contains("env")) {
    const json& env = f["env"];
    if (!env.is_object()) Fail("env", "expected an object, found " + Type(env));
    for (auto it = env.begin(); it != env.end(); ++it) {
      const std::string field = "env." + it.key();
      if (it.key().empty() || it.key().find('=') != std::string::npos) {
        Fail(field, "not an environment variable's name");
      }
      if (!it.value().is_string() && !it.value().is_null()) {
        Fail(field, "expected a string or null (unset), found " + Type(it.value()));
      }
    }
  }
  if (f.contains("seed")) {
    const json& s = f["seed"];
    if (!s.is_number_integer()) Fail("seed", "expected an integer, found " + Type(s));
    if (!s.is_number_unsigned()) Fail("seed", s.dump() + " is out of range (0..2^64-1)");
  }
  if (f.contains("timeout_seconds")) {
    const json& t = f["timeout_seconds"];
    if (!t.is_number()) Fail("timeout_seconds", "expected a number, found " + Type(t));
    const double s = t.get<double>();
    if (!std::isfinite(s) || s < kMinTimeoutSeconds || s > kMaxTimeoutSeconds) {
      Fail("timeout_seconds", t.dump() + " is out of range (0.001..86400)");
    }
  }
  if (f.contains("message")) String(f["message"], "message");
  out.expect = "finding";
  if (f.contains("expect")) {
    out.expect = String(f["expect"], "expect");
    if (out.expect != "finding" && out.expect != "crash" && out.expect != "hang") {
      Fail("expect", "'" + out.expect + "' is not finding, crash or hang");
    }
  }
  if (f.contains("returned") && !f["returned"].is_object()) {
    Fail("returned", "expected an object, found " + Type(f["returned"]));
  }
  CheckCase(f.at("case"), out.rule, &out.kind);
  return out;
}

// Why `adapter` cannot replay the file's case, or "" when it can (the conditions under which
// bufconf run judges the rule at all).
std::string CannotReplay(const bufconf_adapter& a, const ReplayFile& r) {
  const std::string name = a.name != nullptr ? a.name : "?";
  if (r.kind == "algorithm") {
    for (const AlgorithmRule& rule : AlgorithmRules()) {
      if (r.rule == rule.rule && !HasCapability(a, rule.capability)) {
        return "the adapter " + name + " lacks " + CapabilityName(rule.capability) +
               " (its capability bit is clear): it cannot judge " + r.rule;
      }
    }
    return "";
  }
  if (r.kind == "exporter" && !(HasCapability(a, BUFCONF_CAP_MAKE_EXPORTER) && a.make_exporter &&
                                a.get_buffer && a.regions)) {
    return "the adapter " + name +
           " cannot make exporters (make_exporter, with get_buffer and regions): it cannot replay "
           "an exporter case";
  }
  if (r.kind == "enumerated" &&
      !(HasCapability(a, BUFCONF_CAP_ENUMERATE) && a.enumerate && a.get_buffer && a.regions)) {
    return "the adapter " + name +
           " does not enumerate exporters (enumerate, with get_buffer and regions): it cannot "
           "replay an enumerated case";
  }
  const rules::Rule* rule = rules::FindRule(r.rule);
  if (rule != nullptr && rule->party == rules::Party::kInterpreter &&
      !HasCapability(a, BUFCONF_CAP_VIA_INTERPRETER)) {
    return "the adapter " + name +
           " has no interpreter (BUFCONF_CAP_VIA_INTERPRETER is clear): " + r.rule +
           " is an interpreter's rule";
  }
  if (r.rule == "RELEASE-EXPORT-COUNT" && !HasCapability(a, BUFCONF_CAP_EXPORT_COUNT)) {
    return "the adapter " + name + " does not report export counts (export_count)";
  }
  if (r.rule == "RELEASE-RESIZE-WHILE-EXPORTED" &&
      !(HasCapability(a, BUFCONF_CAP_RESIZE) && a.resize != nullptr)) {
    return "the adapter " + name + " cannot resize exporters (resize, ABI 2)";
  }
  return "";
}

}  // namespace

std::string ReplayExpectation(const std::string& contents) {
  return Validate(contents, /*whole=*/true).expect;
}

// What the adapter calls enumerated exporter `index` ("" when there is none, or it fails).
std::string DescribeEnumerated(const bufconf_adapter& adapter, size_t index) {
  void* handle = nullptr;
  bufconf_enumerated info{};
  const int rc = adapter.enumerate(adapter.context, index, &handle, &info);
  info.description[sizeof info.description - 1] = '\0';
  const std::string description =
      rc == BUFCONF_OK || rc == BUFCONF_SKIPPED ? SanitizeUtf8(info.description) : "";
  if (rc == BUFCONF_OK && adapter.destroy_exporter != nullptr && handle != nullptr) {
    adapter.destroy_exporter(adapter.context, handle);
  }
  return description;
}

// The first enumerated exporter the adapter describes as `description`, looked for up to the
// end of its list (BUFCONF_UNSUPPORTED or an error), or a million objects.
std::optional<size_t> FindEnumerated(const bufconf_adapter& adapter,
                                     const std::string& description) {
  constexpr size_t kSearchLimit = 1000000;  // as --max-objects at most
  for (size_t index = 0; index < kSearchLimit; ++index) {
    void* handle = nullptr;
    bufconf_enumerated info{};
    const int rc = adapter.enumerate(adapter.context, index, &handle, &info);
    if (rc != BUFCONF_OK && rc != BUFCONF_SKIPPED) return std::nullopt;
    info.description[sizeof info.description - 1] = '\0';
    const bool same = SanitizeUtf8(info.description) == description;
    if (rc == BUFCONF_OK && adapter.destroy_exporter != nullptr && handle != nullptr) {
      adapter.destroy_exporter(adapter.context, handle);
    }
    if (same) return index;
  }
  return std::nullopt;
}

ReplayOutcome Replay(const bufconf_adapter& adapter, const std::string& contents) {
  ReplayOutcome out;
  ReplayFile r;
  try {
    r = Validate(contents, /*whole=*/false);
  } catch (const std::exception& e) {
    out.error = std::string("not a counterexample file bufconf can replay: ") + e.what();
    return out;
  }
  if (const std::string why = CannotReplay(adapter, r); !why.empty()) {
    out.error = "cannot replay this file: " + why;
    return out;
  }
  const json& c = r.file.at("case");
  const std::string& rule = r.rule;
  CheckResult result;
  try {
    if (r.kind == "exporter") {
      result = CheckExporterCase(adapter, ExporterCaseFromJson(c));
    } else if (r.kind == "enumerated") {
      EnumeratedCase e = EnumeratedCaseFromJson(c);
      // The recorded object by its description when the index now names another: lists differ
      // between interpreters (3.13 enumerates exporters 3.8 has not) and between versions of a
      // factory, and a verdict about another object says nothing about this one.
      if (!e.description.empty()) {
        const std::string at_index = DescribeEnumerated(adapter, e.index);
        if (at_index != e.description) {
          if (const std::optional<size_t> found = FindEnumerated(adapter, e.description)) {
            out.report += "note: the recorded object '" + e.description + "' is exporter " +
                          std::to_string(*found) + " here (the file recorded " +
                          std::to_string(e.index) + ")\n";
            e.index = *found;
          }
        }
      }
      std::string now;
      result = CheckEnumeratedCase(adapter, e, &now);
      // enumerate answers BUFCONF_UNSUPPORTED past its last exporter: the file names an object
      // the adapter does not have (its list shrank, or another adapter), which proves nothing.
      if (result.unsupported && !result.skipped_object) {
        out.error = "case.index: the adapter " +
                    std::string(adapter.name != nullptr ? adapter.name : "?") +
                    " lists no exporter at index " + std::to_string(e.index) +
                    " (enumerate answers BUFCONF_UNSUPPORTED past its last one)";
        return out;
      }
      // The same object? An index names another one when the factory's list changed, or when
      // the case is replayed against another factory on purpose (the fixed one): said, not
      // refused.
      if (!e.description.empty() && !result.unsupported && now != e.description) {
        out.report +=
            "note: enumerated exporter " + std::to_string(e.index) + " is now '" + now +
            "'; the file was written for '" + e.description +
            "' (no exporter here has that description: the verdict is about the one at that "
            "index)\n";
      }
    } else {
      result = CheckAlgorithmCase(adapter, AlgorithmCaseFromJson(c), rule);
    }
  } catch (const AdapterError& e) {
    // The failing run recorded this adapter error: it happened again. Otherwise the case was not
    // judged at all (the adapter cannot make it now, or the file asks for more than it can):
    // that is no verdict, and "not reproduced" would read as fixed.
    if (r.file.value("message", "").rfind("adapter error", 0) == 0) {
      out.report = std::string("adapter error: ") + e.what() + "\n";
      out.reproduced = true;
    } else {
      out.error = std::string("the case was not judged, the adapter failed on it: ") + e.what();
    }
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
