#include "conformance/zoo/zoo_runner.h"

#include <rapidcheck.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "conformance/suite/cases.h"
#include "conformance/suite/checks.h"
#include "conformance/suite/isolation.h"
#include "conformance/suite/report.h"
#include "conformance/suite/runner.h"

namespace bufconf::zoo {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

void MakeDirs(const std::string& path) {
  for (size_t i = 1; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') mkdir(path.substr(0, i).c_str(), 0755);
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool IsExporterRule(const std::string& rule) {
  const auto& rules = suite::ExporterRules();
  return std::find(rules.begin(), rules.end(), rule) != rules.end();
}

double Median(std::vector<int64_t> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? static_cast<double>(v[n / 2])
                    : (static_cast<double>(v[n / 2 - 1]) + static_cast<double>(v[n / 2])) / 2;
}

// A crash or hang ends the runner's child without a count or a shrunk case. This re-runs the
// rule's property with the runner's parameters (same seed, same generator calls, so the same
// cases) but checks each case in a forked child of its own: the failing case's index is the
// cases-to-failure, and RapidCheck shrinks it (a crash or hang of a candidate is a failure).
struct CaseByCase {
  bool failed = false;
  int64_t cases_to_failure = 0;
  ordered_json case_json;
  std::string message;
};

CaseByCase RerunCaseByCase(const bufconf_adapter& adapter, const std::string& rule, uint64_t seed,
                           int64_t examples, double case_timeout) {
  const bool exporter_side = IsExporterRule(rule);
  CaseByCase out;
  auto property = [&] {
    ordered_json case_json;
    suite::ExporterCase ec;
    suite::AlgorithmCase ac;
    if (exporter_side) {
      ec = *suite::GenExporterCase();
      case_json = suite::ToJson(ec);
    } else {
      ac = *suite::GenAlgorithmCase();
      case_json = suite::ToJson(ac);
    }
    const suite::IsolatedResult r = suite::RunIsolated(
        [&](suite::ChildChannel& channel) {
          const suite::CheckResult result = exporter_side
                                                ? suite::CheckExporterCase(adapter, ec)
                                                : suite::CheckAlgorithmCase(adapter, ac, rule);
          bool basic_failed = false, mine = false;
          for (const suite::Finding& f : result.findings) {
            basic_failed = basic_failed || f.basic;
            mine = mine || f.rule == rule;
          }
          const bool blocked = exporter_side && !suite::IsBasicExporterRule(rule) && basic_failed;
          channel.Write(mine && !blocked && !result.unsupported ? "broken" : "ok");
        },
        case_timeout,
        [&] {
          if (adapter.after_fork != nullptr) adapter.after_fork(adapter.context);
        });
    if (r.outcome == suite::IsolatedResult::Outcome::kOk && r.payload.rfind("ok", 0) == 0) return;
    out.case_json = case_json;
    out.message = r.outcome == suite::IsolatedResult::Outcome::kOk
                      ? rule + " is broken"
                      : "the implementation " + suite::Describe(r);
    RC_FAIL(out.message);
  };
  rc::detail::TestParams params;
  params.seed = seed ^ std::hash<std::string>{}(rule);
  params.maxSuccess = static_cast<int>(examples);
  params.maxSize = 100;
  params.maxDiscardRatio = 10;
  rc::detail::TestMetadata metadata;
  metadata.id = rule;
  metadata.description = rule;
  const auto result = rc::detail::checkTestable(property, metadata, params);
  if (result.template is<rc::detail::FailureResult>()) {
    out.failed = true;
    out.cases_to_failure = result.template get<rc::detail::FailureResult>().numSuccess + 1;
  }
  return out;
}

// RerunCaseByCase in a child of its own, so RapidCheck's reports (printed to stderr and at exit)
// stay out of this process.
CaseByCase RerunIsolated(const bufconf_adapter& adapter, const std::string& rule, uint64_t seed,
                         int64_t examples, double case_timeout) {
  const suite::IsolatedResult child = suite::RunIsolated(
      [&](suite::ChildChannel& channel) {
        const CaseByCase r = RerunCaseByCase(adapter, rule, seed, examples, case_timeout);
        channel.Write(ordered_json({{"failed", r.failed},
                                    {"cases", r.cases_to_failure},
                                    {"case", r.case_json},
                                    {"message", r.message}})
                          .dump());
      },
      600);
  CaseByCase out;
  const json line = json::parse(child.payload.substr(0, child.payload.find('\n')), nullptr, false);
  if (line.is_discarded() || !line.is_object()) return out;
  out.failed = line.value("failed", false);
  out.cases_to_failure = line.value("cases", int64_t{0});
  out.case_json = line.value("case", ordered_json());
  out.message = line.value("message", "");
  return out;
}

ZooKill RunOne(const ZooEntry& entry, uint64_t seed, const ZooSettings& s, int64_t examples) {
  const bufconf_adapter& adapter = *entry.adapter();
  ZooKill kill;
  kill.seed = seed;
  const std::string dir = s.failures_dir + "/" + entry.name + "/seed-" + std::to_string(seed);
  MakeDirs(dir);
  std::vector<std::string> filters;
  if (s.all_rules) {
    filters.push_back("*");
  } else {
    filters = entry.rules;
  }
  std::vector<suite::RuleResult> failures;
  for (const std::string& filter : filters) {
    suite::RunSettings rs;
    rs.seed = seed;
    rs.examples = examples;
    rs.profile = s.profile;
    rs.filter = filter;
    rs.timeout_seconds = s.timeout_seconds;
    rs.failures_dir = dir;
    rs.adapter_spec = entry.name;
    const suite::RunReport report = suite::RunSuite(adapter, rs);
    for (const suite::RuleResult& r : report.results) {
      if (r.status == suite::Status::kFail) failures.push_back(r);
    }
  }
  kill.caught = !failures.empty();
  bool have = false;
  for (suite::RuleResult& r : failures) {
    kill.failed_rules.push_back(r.rule);
    ordered_json case_json;
    if (!r.counterexample_file.empty()) {
      const json file = json::parse(ReadFile(r.counterexample_file), nullptr, false);
      if (!file.is_discarded() && file.contains("case")) case_json = file["case"];
    }
    if (r.cases_to_failure == 0) {  // a crash, hang or adapter error: re-run case by case
      const CaseByCase again =
          RerunIsolated(adapter, r.rule, seed, examples, s.case_timeout_seconds);
      if (again.failed) {
        r.cases_to_failure = again.cases_to_failure;
        case_json = again.case_json;
        r.reason += " (re-run case by case: " + again.message + ")";
        r.counterexample_file = dir + "/" + r.rule + ".shrunk.json";
        const ordered_json file = {{"bufconf_replay", 1},      {"rule", r.rule},
                                   {"adapter", entry.name},    {"seed", seed},
                                   {"message", again.message}, {"case", case_json}};
        std::ofstream(r.counterexample_file) << file.dump(2) << "\n";
      }
    }
    if (r.cases_to_failure > 0 &&
        (kill.cases_to_failure == 0 || r.cases_to_failure < kill.cases_to_failure)) {
      kill.cases_to_failure = r.cases_to_failure;
    }
    const int64_t elements = case_json.is_null() ? -1 : CaseElements(case_json);
    const int64_t bytes = case_json.is_null() ? 0 : static_cast<int64_t>(case_json.dump().size());
    const bool smaller =
        !have ||
        (elements >= 0 &&
         (kill.counterexample_elements < 0 || elements < kill.counterexample_elements ||
          (elements == kill.counterexample_elements && bytes < kill.counterexample_bytes)));
    if (smaller) {
      have = true;
      kill.counterexample_elements = elements;
      kill.counterexample_bytes = bytes;
      kill.counterexample_file = r.counterexample_file;
      kill.message = r.rule + ": " + r.reason;
    }
  }
  return kill;
}

std::string Join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string Number(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, x == static_cast<int64_t>(x) ? "%.0f" : "%.1f", x);
  return buf;
}

}  // namespace

int64_t CaseElements(const json& c) {
  auto product = [](const json& shape) -> int64_t {
    int64_t n = 1;
    for (const json& d : shape) n *= d.get<int64_t>();
    return n;
  };
  try {
    const std::string kind = c.value("kind", "");
    if (kind == "exporter") return product(c.at("spec").at("shape"));
    if (kind == "algorithm") {
      const json& v = c.at("view");
      if (v.at("ndim").get<int64_t>() == 0) return 1;
      if (v.contains("shape") && !v["shape"].is_null()) return product(v["shape"]);
      const int64_t itemsize = v.at("itemsize").get<int64_t>();
      return itemsize > 0 ? v.at("len").get<int64_t>() / itemsize : 0;
    }
  } catch (const std::exception&) {
  }
  return -1;
}

ZooReport RunZoo(const ZooSettings& settings) { return RunZoo(settings, ZooEntries()); }

ZooReport RunZoo(const ZooSettings& s, const std::vector<ZooEntry>& entries) {
  const auto start = std::chrono::steady_clock::now();
  ZooReport report;
  report.profile = s.profile;
  report.examples = s.examples > 0 ? s.examples : (s.profile == "deep" ? 1000 : 100);
  report.seeds = s.seeds;
  report.all_rules = s.all_rules;
  std::vector<int64_t> all_cases;
  for (const ZooEntry& entry : entries) {
    if (!suite::GlobMatch(s.only, entry.name)) continue;
    ZooEntryResult e;
    e.name = entry.name;
    e.source = entry.source;
    e.invariant = entry.invariant;
    e.rules = entry.rules;
    e.caught_all = true;
    std::vector<int64_t> cases;
    for (uint64_t seed : s.seeds) {
      ZooKill kill = RunOne(entry, seed, s, report.examples);
      e.caught_all = e.caught_all && kill.caught;
      if (kill.caught && kill.cases_to_failure > 0) {
        cases.push_back(kill.cases_to_failure);
        all_cases.push_back(kill.cases_to_failure);
      }
      if (s.progress) {
        s.progress(e.name + " seed " + std::to_string(seed) + ": " +
                   (kill.caught ? "caught by " + Join(kill.failed_rules, ", ") + " after " +
                                      std::to_string(kill.cases_to_failure) + " cases"
                                : std::string("NOT caught")));
      }
      e.kills.push_back(std::move(kill));
    }
    e.median_cases = Median(cases);
    if (e.caught_all) ++report.caught_all;
    report.entries.push_back(std::move(e));
  }
  report.median_cases = Median(all_cases);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

std::string ZooTable(const ZooReport& r) {
  std::ostringstream out;
  char line[512];
  std::snprintf(line, sizeof line, "%-38s %-8s %-7s %-11s %s\n", "entry", "caught", "cases",
                "cx elem/B", "rules failed (source)");
  out << line;
  for (const ZooEntryResult& e : r.entries) {
    int caught = 0;
    std::vector<std::string> rules;
    int64_t elements = -1, bytes = 0;
    for (const ZooKill& k : e.kills) {
      caught += k.caught ? 1 : 0;
      for (const std::string& rule : k.failed_rules) {
        if (std::find(rules.begin(), rules.end(), rule) == rules.end()) rules.push_back(rule);
      }
      if (k.caught && (elements < 0 ||
                       (k.counterexample_elements >= 0 && k.counterexample_elements > elements))) {
        elements = k.counterexample_elements;  // the largest over the seeds
        bytes = std::max(bytes, k.counterexample_bytes);
      }
    }
    const std::string kills = std::to_string(caught) + "/" + std::to_string(e.kills.size());
    const std::string size =
        elements < 0 ? "-" : std::to_string(elements) + "/" + std::to_string(bytes);
    std::snprintf(line, sizeof line, "%-38s %-8s %-7s %-11s %s (%s)\n", e.name.c_str(),
                  kills.c_str(), Number(e.median_cases).c_str(), size.c_str(),
                  rules.empty() ? "-" : Join(rules, ", ").c_str(), e.source.c_str());
    out << line;
  }
  out << "\n"
      << r.caught_all << " of " << r.entries.size() << " entries caught at every seed ("
      << r.seeds.size() << " seeds, profile " << r.profile << ", " << r.examples
      << " cases per rule, " << (r.all_rules ? "every rule" : "declared rules")
      << "); median cases to detection " << Number(r.median_cases) << "; " << Number(r.seconds)
      << " s\n";
  out << "(cases: median over the seeds of the cases until the first failure; cx: the largest "
         "over the seeds of the smallest shrunk counterexample, elements/bytes of its JSON)\n";
  return out.str();
}

ordered_json ZooJson(const ZooReport& r) {
  ordered_json j;
  j["profile"] = r.profile;
  j["examples"] = r.examples;
  j["seeds"] = r.seeds;
  j["all_rules"] = r.all_rules;
  j["seconds"] = r.seconds;
  j["median_cases_to_detection"] = r.median_cases;
  j["caught_all"] = r.caught_all;
  j["entries_total"] = r.entries.size();
  j["entries"] = ordered_json::array();
  for (const ZooEntryResult& e : r.entries) {
    ordered_json je = {
        {"name", e.name},   {"source", e.source},         {"invariant", e.invariant},
        {"rules", e.rules}, {"caught_all", e.caught_all}, {"median_cases", e.median_cases}};
    je["seeds"] = ordered_json::array();
    for (const ZooKill& k : e.kills) {
      je["seeds"].push_back({{"seed", k.seed},
                             {"caught", k.caught},
                             {"failed_rules", k.failed_rules},
                             {"cases_to_failure", k.cases_to_failure},
                             {"counterexample",
                              {{"file", k.counterexample_file},
                               {"elements", k.counterexample_elements},
                               {"bytes", k.counterexample_bytes}}},
                             {"message", suite::SanitizeUtf8(k.message)}});
    }
    j["entries"].push_back(je);
  }
  j["exit_status"] = ZooExitStatus(r);
  return j;
}

int ZooExitStatus(const ZooReport& r) {
  for (const ZooEntryResult& e : r.entries) {
    if (!e.caught_all) return 1;
  }
  return 0;
}

}  // namespace bufconf::zoo
