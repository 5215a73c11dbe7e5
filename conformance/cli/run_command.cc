#include "conformance/cli/run_command.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "conformance/adapter/loader.h"
#include "conformance/adapter/real_layout.h"
#include "conformance/cli/bounded_read.h"
#include "conformance/cli/builtin_expectations.h"
#include "conformance/cli/option_checks.h"
#include "conformance/cli/output_files.h"
#include "conformance/cli/python_host.h"
#include "conformance/cli/shard.h"
#include "conformance/explain/explain.h"
#include "conformance/suite/cases.h"
#include "conformance/suite/expectations.h"
#include "conformance/suite/isolation.h"
#include "conformance/suite/report.h"
#include "conformance/suite/report_html.h"
#include "conformance/suite/runner.h"
#include "reference/layout/descriptor_json.h"
#include "reference/rules/catalogue.h"

namespace bufconf::cli {
namespace {

struct RunOptions {
  std::string adapter = "python";
  std::string factory;
  bool no_expectations = false;
  std::string seed = "1";  // checked by ParseSeed
  int64_t examples = 0;    // 0: the profile's
  std::string profile = "quick";
  std::string filter = "*";
  std::string shard;  // --shard INDEX/COUNT (else Bazel's TEST_TOTAL_SHARDS, shard.h)
  std::string json_file, junit_file, html_file, expectations_file;
  std::string failures_dir = "bufconf-failures";
  double timeout = 20;
  int64_t max_objects = suite::kDefaultMaxObjects;
  bool no_fork = false;
  bool quiet = false;
  bool allow_empty = false;
  bool print_expectations = false;
  std::vector<std::string> env;  // --env NAME: recorded in counterexample files
  std::string python;            // --python INTERPRETER: run inside it (python_host.h)
};

// The limits the python adapter applies to a factory (docs/python-factory.md): it takes at most
// `max_objects` objects (and one more to tell there are more), and calling the factory and
// iterating what it returned must end within `timeout` seconds.
void SetAdapterLimits(int64_t max_objects, double timeout) {
  setenv("BUFCONF_MAX_OBJECTS", std::to_string(max_objects).c_str(), 1);
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%g", timeout);
  setenv("BUFCONF_PYTHON_FACTORY_TIMEOUT", seconds, 1);
}

// An adapter given as a path contains '/' or ends in .so; else it is a built-in's name.
bool IsAdapterPath(const std::string& spec) {
  const bool so = spec.size() > 3 && spec.compare(spec.size() - 3, 3, ".so") == 0;
  return spec.find('/') != std::string::npos || so;
}

// An adapter given as a path is resolved like other paths.
std::string AdapterArgument(const std::string& spec) {
  return IsAdapterPath(spec) ? UserPath(spec) : spec;
}

// What a counterexample file names as its adapter: a built-in's name, or the adapter file's
// absolute path (realpath), so `bufconf replay` works from any directory.
std::string ReplayableAdapter(const std::string& spec) {
  const std::string path = AdapterArgument(spec);
  if (path == spec && spec.find('/') == std::string::npos &&
      !(spec.size() > 3 && spec.compare(spec.size() - 3, 3, ".so") == 0)) {
    return spec;  // a built-in adapter
  }
  char* real = ::realpath(path.c_str(), nullptr);
  if (real == nullptr) return path;
  std::string out = real;
  std::free(real);
  return out;
}

std::string HexFlags(int flags) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", static_cast<unsigned>(flags));
  return buf;
}

// The picture of a failure for the HTML scorecard, drawn from its counterexample file: an
// algorithm case's view over its memory; for an exporter case, what the exporter handed out
// (recorded by the runner: the view granted for the request when the rule is about requests,
// else the full description), or, when that was not recorded, the layout the reference model
// gives the case's spec.
suite::FailurePicture DrawFailureOrThrow(const suite::RuleFailure& f) {
  if (f.counterexample_file.empty()) return {"", "no counterexample file: nothing to draw"};
  std::string text, error;
  if (!ReadFileLimited(f.counterexample_file, f.counterexample_file, kReplayFileLimit,
                       "replay files", &text, &error)) {
    return {"", "no picture: " + error};
  }
  const nlohmann::json file = nlohmann::json::parse(text);
  const std::string rule = file.value("rule", "");
  const nlohmann::json& c = file.at("case");
  const std::string kind = c.value("kind", "");
  if (kind == "algorithm") {
    const suite::AlgorithmCase a = suite::AlgorithmCaseFromJson(c);
    std::string caption =
        "the view the implementation's function was called on, over the memory the suite laid out";
    if (rule.find("CONTIG") != std::string::npos || rule == "ALGO-COPY-DATA") {
      caption += " (order '" + std::string(1, a.order) + "')";
    }
    return {explain::ExplainSvg(a.view, &a.memory), caption};
  }
  if (file.contains("returned") && file["returned"].is_object() &&
      file["returned"].contains("full")) {
    const nlohmann::json& returned = file["returned"];
    const layout::DescriptorFile full = layout::DescriptorFromJson(returned.at("full"));
    const layout::Memory* memory = full.memory ? &*full.memory : nullptr;
    const bool about_request = rule.compare(0, 4, "REQ-") == 0 && rule != "REQ-CONTENTS";
    if (about_request && returned.contains("request")) {
      const layout::DescriptorFile request = layout::DescriptorFromJson(returned["request"]);
      return {explain::ExplainSvg(request.view, memory), "what the exporter returned for flags " +
                                                             HexFlags(returned.value("flags", 0)) +
                                                             " (replayed after the failure)"};
    }
    std::string caption = "the full description (PyBUF_FULL_RO) the exporter returned (replayed " +
                          std::string("after the failure)");
    if (about_request && returned.contains("refused")) {
      caption += "; it refused flags " + HexFlags(returned.value("flags", 0));
    }
    if (memory == nullptr) caption += "; its memory was too large to record";
    return {explain::ExplainSvg(full.view, memory), caption};
  }
  if (kind == "exporter") {
    const suite::ExporterCase e = suite::ExporterCaseFromJson(c);
    const bufconf_array_spec spec = e.spec.Abi();
    const std::unique_ptr<conformance::RealLayout> real = conformance::Materialize(spec);
    const conformance::Snapshot snapshot =
        conformance::TakeSnapshot(real->view, real->regions.data(), real->regions.size());
    return {explain::ExplainSvg(snapshot.view, &snapshot.memory),
            "the layout the reference model gives the exporter's spec (what the exporter "
            "returned was not recorded)"};
  }
  return {"", "no picture: the counterexample records no layout (" + kind + " case)"};
}

// A counterexample file cut short (a full disk) does not decode: it has no picture, and the run
// reports the file as not written (exit 2), not as bufconf's error.
suite::FailurePicture DrawFailure(const suite::RuleFailure& f) {
  try {
    return DrawFailureOrThrow(f);
  } catch (const nlohmann::json::exception& e) {
    return {"", "no picture: cannot read " + f.counterexample_file + " (" + e.what() + ")"};
  }
}

int Run(const RunOptions& o) {
  if (!o.python.empty()) {
    if (o.adapter != "python") {
      std::cerr << "bufconf run: --python runs the python adapter inside that interpreter; "
                   "--adapter "
                << o.adapter << " is another adapter\n";
      return 2;
    }
    return RunInInterpreter(o.python, "run");
  }
  bool any_rule = false;
  for (const rules::Rule& r : rules::Catalogue()) {
    any_rule = any_rule || suite::GlobMatch(o.filter, r.id);
  }
  if (!any_rule) {
    std::cerr << "bufconf run: --filter '" << o.filter
              << "' matches no rule (see `bufconf rules` for the IDs)\n";
    return 2;
  }
  // This run's share of the rules the filter selects (catalogue order): --shard, or Bazel's.
  suite::ShardInfo shard;
  std::vector<std::string> shard_rules;
  {
    std::vector<std::string> filtered;
    for (const rules::Rule& r : rules::Catalogue()) {
      if (suite::GlobMatch(o.filter, r.id)) filtered.push_back(r.id);
    }
    if (std::string error; !SelectShard(o.shard, filtered, &shard, &shard_rules, &error)) {
      std::cerr << "bufconf run: " << error << "\n";
      return 2;
    }
  }
  if (!o.factory.empty()) {
    // The python adapter reads it when it starts: the objects the factory returns are judged.
    setenv("BUFCONF_PYTHON_FACTORY", o.factory.c_str(), 1);
  }
  // No output may be another output or an input: a report written over the adapter library (mapped
  // into bufconf: it crashed) or over the expectations file, or two reports in one file (one lost).
  // Checked before anything is loaded, opened or truncated.
  {
    std::vector<NamedFile> files;
    for (const auto& [option, shown] :
         {std::pair<const char*, const std::string&>{"--json", o.json_file},
          {"--junit", o.junit_file},
          {"--html", o.html_file}}) {
      if (!shown.empty()) files.push_back({option, shown, UserPath(shown), true});
    }
    if (IsAdapterPath(o.adapter)) {
      files.push_back({"--adapter", o.adapter, AdapterArgument(o.adapter), false});
    }
    if (!o.expectations_file.empty()) {
      files.push_back(
          {"--expectations", o.expectations_file, UserPath(o.expectations_file), false});
    }
    if (std::string error; !CheckDistinctFiles(files, &error)) {
      std::cerr << "bufconf run: " << error << "\n";
      return 2;
    }
  }
  // The python adapter's factory takes at most as many objects as the run judges (one more, to
  // tell that there are more), within the per-case limit.
  SetAdapterLimits(o.max_objects, o.timeout);
  conformance::LoadedAdapter loaded;
  try {
    loaded = conformance::LoadAdapter(AdapterArgument(o.adapter));
  } catch (const std::exception& e) {
    std::cerr << "bufconf run: " << e.what() << "\n";
    return 2;
  }
  suite::Expectations expectations;
  bool have_expectations = false;
  std::vector<std::string> ids;
  for (const rules::Rule& r : rules::Catalogue()) ids.push_back(r.id);
  try {
    if (!o.expectations_file.empty()) {
      expectations = suite::LoadExpectations(UserPath(o.expectations_file), ids);
      have_expectations = true;
    } else if (!o.no_expectations) {
      const std::string builtin = BuiltinExpectations(
          loaded.adapter->name, loaded.adapter->version != nullptr ? loaded.adapter->version : "");
      if (o.print_expectations) {
        std::cout << builtin << (builtin.empty() || builtin.back() == '\n' ? "" : "\n");
        return 0;
      }
      if (!builtin.empty()) {
        expectations = suite::ParseExpectations(
            builtin, std::string("built-in expectations of '") + loaded.adapter->name + "'", ids);
        have_expectations = true;
        if (!o.quiet) {
          std::cerr << "bufconf run: using the built-in expectations of '" << loaded.adapter->name
                    << "' (known deviations, docs/findings.md); --no-expectations to see them "
                       "fail\n";
        }
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "bufconf run: " << e.what() << "\n";
    return 2;
  }
  if (o.print_expectations) {
    // An --expectations file, or none: there is nothing built in to print.
    return 0;
  }
  suite::RunSettings settings;
  settings.seed = *ParseSeed(o.seed);
  settings.profile = o.profile;
  settings.examples = o.examples > 0 ? o.examples : (o.profile == "deep" ? 1000 : 100);
  settings.filter = o.filter;
  settings.shard = shard;
  settings.shard_rules = shard_rules;
  settings.timeout_seconds = o.timeout;
  settings.max_objects = o.max_objects;
  settings.isolate = !o.no_fork;
  settings.failures_dir = UserPath(o.failures_dir);
  settings.adapter_spec = ReplayableAdapter(o.adapter);
  settings.list_every_rule = true;
  settings.factory = o.factory;
  settings.python = HostedBy();
  settings.env_names = o.env;
  if (!o.quiet) {
    settings.progress = [](const std::string& line) { std::cerr << "  " << line << "\n"; };
  }
  // Every output is checked before the run: an unwritable one is a usage error, now.
  struct Output {
    const char* option;
    const std::string& shown;
    OutputFile file;
  };
  Output outputs[] = {
      {"--json", o.json_file, {}}, {"--junit", o.junit_file, {}}, {"--html", o.html_file, {}}};
  for (Output& out : outputs) {
    std::string error;
    if (!out.shown.empty() && !out.file.Open(out.shown, UserPath(out.shown), &error)) {
      std::cerr << "bufconf run: " << out.option << ": " << error << "\n";
      return 2;
    }
  }
  if (std::string error; !CheckOutputDirectory(o.failures_dir, settings.failures_dir, &error)) {
    std::cerr << "bufconf run: --failures-dir: " << error << "\n";
    return 2;
  }
  if (!o.quiet)
    std::cerr << "bufconf run: adapter " << loaded.adapter->name << ", seed " << settings.seed
              << ", " << settings.examples << " cases per rule\n";
  suite::RunReport report = suite::RunSuite(*loaded.adapter, settings);
  report.adapter_source = loaded.source;
  if ((loaded.adapter->capabilities & BUFCONF_CAP_VIA_INTERPRETER) != 0) {
    report.interpreter = suite::InterpreterFromVersion(report.adapter_version);
  }
  report.empty_run_fails = !o.allow_empty;
  if (have_expectations) {
    for (const std::string& w : expectations.warnings) report.warnings.push_back(w);
    suite::ApplyExpectations(expectations, report);
  }
  if (!suite::NothingTested(report) && suite::NoObjectJudged(report)) {
    report.warnings.push_back(
        "no object was judged: the adapter only enumerates, and all " +
        std::to_string(report.skipped_objects.size()) +
        " of its objects were skipped (see Skipped objects); the rules that passed judged the "
        "interpreter's algorithms, not the objects" +
        (o.allow_empty ? std::string("; --allow-empty: exit status 0")
                       : std::string("; exit status 1 (--allow-empty to accept)")));
  }
  if (suite::NothingTested(report)) {
    report.warnings.push_back(
        std::string("nothing was tested: no rule ran a single case (the adapter lacks the "
                    "functions, or answered BUFCONF_UNSUPPORTED to every case)") +
        (o.allow_empty ? "; --allow-empty: exit status 0"
                       : "; exit status 1 (--allow-empty to accept)"));
  }
  // A counterexample file the report names but the run could not write (a full disk) is an
  // output error, not a silent dangling name.
  std::vector<std::string> output_errors;
  for (const suite::RuleResult& r : report.results) {
    std::vector<std::string> files;
    if (!r.counterexample_file.empty()) files.push_back(r.counterexample_file);
    for (const suite::RuleFailure& f : r.failures) {
      if (!f.counterexample_file.empty() &&
          std::find(files.begin(), files.end(), f.counterexample_file) == files.end()) {
        files.push_back(f.counterexample_file);
      }
    }
    for (const std::string& file : files) {
      if (std::string error; !CheckWrittenFile(file, &error)) {
        output_errors.push_back("--failures-dir: " + error);
      }
    }
  }
  std::cout << suite::Banner(report) << "\n" << suite::ResultTable(report);
  if (std::string error; !FlushStdout(&error)) output_errors.push_back(error);
  for (const std::string& w : report.warnings) std::cerr << "warning: " << w << "\n";
  auto write = [&output_errors](Output& out, const std::function<std::string()>& contents) {
    if (out.shown.empty()) return;
    if (std::string error; !out.file.WriteAndClose(contents(), &error)) {
      output_errors.push_back(std::string(out.option) + ": " + error);
    }
  };
  write(outputs[0], [&] { return suite::ScorecardJson(report).dump(2) + "\n"; });
  write(outputs[1], [&] { return suite::JUnitXml(report); });
  write(outputs[2], [&] {
    suite::HtmlOptions html;
    html.generated_at = NowUtc();
    return suite::ScorecardHtml(report, DrawFailure, html);
  });
  if (!output_errors.empty()) {
    for (const std::string& e : output_errors) std::cerr << "bufconf run: " << e << "\n";
    return 2;
  }
  return suite::ExitStatus(report);
}

}  // namespace

void AddRunCommand(CLI::App& app, std::function<int()>* run) {
  auto o = std::make_shared<RunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Run the conformance suite against an implementation plugged in through an adapter; print "
      "the per-rule scorecard. Exit 0 all pass or expected, 1 a violation, 2 usage or adapter "
      "error (it does not load, or misbehaves: enumerate hangs or crashes, regions returns "
      "garbage), 3 bufconf could not judge everything (its own error or limit).");
  cmd->add_option("--adapter", o->adapter,
                  "a built-in adapter (python: CPython, its standard library and numpy; "
                  "reference: the oracle itself) or the path of an adapter .so")
      ->capture_default_str();
  cmd->add_option("--factory", o->factory,
                  "with --adapter python: package.module:callable returning the objects to test "
                  "(docs/python-factory.md)");
  cmd->add_flag("--no-expectations", o->no_expectations,
                "ignore the built-in expectations of the adapter");
  cmd->add_option("--seed", o->seed,
                  "RapidCheck seed, 0 to 2^64-1 (the same seed replays the same run)")
      ->check(SeedValidator())
      ->capture_default_str();
  cmd->add_option("--examples", o->examples,
                  "cases per rule, 1 to 10000000 (default: the profile's)")
      ->check(ExamplesValidator());
  cmd->add_option("--profile", o->profile, "quick (100 cases per rule) or deep (1000)")
      ->check(CLI::IsMember({"quick", "deep"}))
      ->capture_default_str();
  cmd->add_option("--filter", o->filter, "only rules whose ID matches this glob")
      ->capture_default_str();
  cmd->add_option("--shard", o->shard,
                  "judge one shard of the rules the filter selects: INDEX/COUNT, 0-based (the "
                  "rule at position i, in catalogue order, is in shard i % COUNT); without it, "
                  "Bazel's TEST_SHARD_INDEX/TEST_TOTAL_SHARDS when set")
      ->check(ShardValidator());
  cmd->add_option("--json", o->json_file, "write the scorecard as JSON to FILE");
  cmd->add_option("--junit", o->junit_file, "write JUnit XML to FILE");
  cmd->add_option("--html", o->html_file,
                  "write the scorecard as one self-contained HTML page to FILE (every failure "
                  "with its counterexample, a picture of the failing view and its replay "
                  "command)");
  cmd->add_option("--expectations", o->expectations_file,
                  "rules the implementation knowingly breaks: lines 'RULE-ID reason'")
      ->check(
          [](const std::string& path) {
            return path.empty() ? std::string("an empty path names no expectations file")
                                : std::string();
          },
          "PATH");
  cmd->add_option("--failures-dir", o->failures_dir, "where counterexample files go")
      ->capture_default_str();
  cmd->add_option("--env", o->env,
                  "an environment variable the implementation depends on (repeatable): its value "
                  "is recorded in every counterexample file and set again by bufconf replay")
      ->check(EnvNameValidator());
  cmd->add_option("--timeout", o->timeout,
                  "seconds one case may take before it is declared a hang (0 < S <= 86400)")
      ->check(TimeoutValidator())
      ->capture_default_str();
  cmd->add_option("--max-objects", o->max_objects,
                  "the most exporters an adapter's enumerate (or a python factory) may give, 1 "
                  "to 1000000; beyond it the rest are not judged and the report says so (exit 3)")
      ->check(MaxObjectsValidator())
      ->capture_default_str();
  cmd->add_option("--python", o->python,
                  "run the python adapter inside this CPython 3.8-3.13 (a path or a command "
                  "name such as python3.12; default: Debian's /usr/bin/python3, embedded): its "
                  "sys.path, site-packages and venv")
      ->check(
          [](const std::string& v) {
            return v.empty() ? std::string("an empty value names no interpreter") : std::string();
          },
          "INTERPRETER");
  cmd->add_flag("--no-fork", o->no_fork, "run in this process (a crash ends the run)");
  cmd->add_flag("--quiet", o->quiet, "no progress lines");
  cmd->add_flag("--print-expectations", o->print_expectations,
                "print the adapter's built-in expectations (an expectations file: copy lines "
                "from it into yours) and exit without running");
  cmd->add_flag("--allow-empty", o->allow_empty,
                "exit 0 even when no rule ran a single case (by default such a run exits 1: "
                "nothing was tested)");
  cmd->callback([o, run] { *run = [o] { return Run(*o); }; });
}

void AddReplayCommand(CLI::App& app, std::function<int()>* run) {
  auto file = std::make_shared<std::string>();
  auto adapter = std::make_shared<std::string>();
  auto factory = std::make_shared<std::string>();
  auto timeout = std::make_shared<double>(0);
  auto python = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "replay",
      "Re-run the counterexample of a failure file. Exit 1 when it fails again as recorded (a "
      "finding under the file's rule, or the recorded crash or hang), 0 when not, 2 when the "
      "file does not decode.");
  cmd->add_option("FILE", *file, "a counterexample file written by bufconf run")->required();
  cmd->add_option("--adapter", *adapter, "override the adapter named in the file");
  cmd->add_option(
      "--factory", *factory,
      "with the python adapter: the factory the failing run used (package.module:callable)");
  cmd->add_option("--timeout", *timeout,
                  "seconds before the case is declared a hang (default: the file's "
                  "timeout_seconds, the failing run's --timeout; 60 for older files)")
      ->check(TimeoutValidator());
  cmd->add_option("--python", *python,
                  "replay inside this CPython 3.8-3.13 (as bufconf run --python)")
      ->check(
          [](const std::string& v) {
            return v.empty() ? std::string("an empty value names no interpreter") : std::string();
          },
          "INTERPRETER");
  cmd->callback([file, adapter, factory, timeout, python, run] {
    *run = [file, adapter, factory, timeout, python]() -> int {
      if (!python->empty()) {
        if (!adapter->empty() && *adapter != "python") {
          std::cerr << "bufconf replay: --python replays with the python adapter inside that "
                       "interpreter; --adapter "
                    << *adapter << " is another adapter\n";
          return 2;
        }
        return RunInInterpreter(*python, "replay");
      }
      if (!factory->empty()) setenv("BUFCONF_PYTHON_FACTORY", factory->c_str(), 1);
      std::string contents, read_error;
      if (!ReadFileLimited(*file, UserPath(*file), kReplayFileLimit, "replay files", &contents,
                           &read_error)) {
        std::cerr << "bufconf replay: " << read_error << "\n";
        return 2;
      }
      try {
        // A file that does not decode is an error, never a reproduction.
        std::string expect;
        try {
          expect = suite::ReplayExpectation(contents);
        } catch (const std::exception& e) {
          std::cerr << "bufconf replay: " << *file
                    << ": not a counterexample file bufconf can replay: " << e.what() << "\n";
          return 2;
        }
        const nlohmann::json j = nlohmann::json::parse(contents);
        // A run hosted by another interpreter (--python) replays in it, unless --python (or
        // --adapter) says otherwise.
        if (HostedBy().empty() && adapter->empty() && j.contains("python") &&
            j["python"].is_string()) {
          return RunInInterpreter(j["python"].get<std::string>(), "replay",
                                  "the file's \"python\" (the interpreter the run was hosted by; "
                                  "--python names another)");
        }
        const std::string spec = adapter->empty() ? j.at("adapter").get<std::string>() : *adapter;
        // The factory the failing run used, unless --factory says otherwise.
        if (factory->empty() && j.contains("factory") && j["factory"].is_string()) {
          setenv("BUFCONF_PYTHON_FACTORY", j["factory"].get<std::string>().c_str(), 1);
        }
        // The environment the failing run recorded (--env NAME), before the adapter loads.
        if (j.contains("env") && j["env"].is_object()) {
          for (auto it = j["env"].begin(); it != j["env"].end(); ++it) {
            if (it.value().is_string()) {
              setenv(it.key().c_str(), it.value().get<std::string>().c_str(), 1);
            } else {
              unsetenv(it.key().c_str());
            }
          }
        }
        double limit = *timeout;
        if (limit <= 0) {
          limit = 60;
          if (j.contains("timeout_seconds") && j["timeout_seconds"].is_number() &&
              j["timeout_seconds"].get<double>() > 0) {
            limit = j["timeout_seconds"].get<double>();
          }
        }
        // A factory's objects up to the recorded one at least (the failing run may have had a
        // larger --max-objects).
        int64_t max_objects = suite::kDefaultMaxObjects;
        if (j.at("case").value("kind", "") == "enumerated" && j["case"].contains("index") &&
            j["case"]["index"].is_number_unsigned()) {
          max_objects = std::max<int64_t>(
              max_objects,
              std::min<uint64_t>(j["case"]["index"].get<uint64_t>(), kMaxObjects - 1) + 1);
        }
        SetAdapterLimits(max_objects, limit);
        conformance::LoadedAdapter loaded = conformance::LoadAdapter(AdapterArgument(spec));
        std::cout << "replaying " << j.at("rule").get<std::string>() << " against "
                  << loaded.adapter->name
                  << (HostedBy().empty() ? "" : " in the interpreter " + HostedBy())
                  << " (the failing run saw: " << expect << ")\n";
        // The child below calls after_fork before the case: asked alone first, so that its crash
        // or failure is the adapter's, never a reproduced crash of the implementation.
        suite::RunSettings probe;
        probe.timeout_seconds = limit;
        if (const std::optional<std::string> failed =
                suite::AfterForkError(*loaded.adapter, probe)) {
          std::cerr << "bufconf replay: " << *failed << ": the case was not run\n";
          return 2;
        }
        // In a child: a counterexample that crashed or hung the implementation does so again,
        // and that is the answer, not a crash of bufconf.
        const suite::IsolatedResult child = suite::RunIsolated(
            [&](suite::ChildChannel& channel) {
              const suite::ReplayOutcome out = suite::Replay(*loaded.adapter, contents);
              channel.Write(nlohmann::json({{"reproduced", out.reproduced},
                                            {"report", out.report},
                                            {"error", out.error}})
                                .dump());
            },
            limit,
            [&] {
              if (loaded.adapter->after_fork != nullptr) {
                loaded.adapter->after_fork(loaded.adapter->context);
              }
            });
        // A crash or hang reproduces only a crash or a hang.
        if (child.outcome == suite::IsolatedResult::Outcome::kTimedOut) {
          std::cout << "the implementation did not finish the case within " << limit
                    << " s (hang)\n";
          // A hang where a finding or a crash was recorded is no fix: the case still fails.
          std::cout << (expect == "hang" ? "reproduced\n"
                                         : "the case still fails, now with a hang (the failing "
                                           "run saw a " +
                                               expect + ")\n");
          return 1;
        }
        // exit() with a status of the implementation's own is a crash too; 3 is an exception
        // escaping the replay (bufconf's), below.
        if (child.outcome == suite::IsolatedResult::Outcome::kCrashed ||
            (child.outcome == suite::IsolatedResult::Outcome::kExited && child.exit_code != 3)) {
          std::cout << "the implementation " << suite::Describe(child) << "\n";
          std::cout << (expect == "crash" ? "reproduced\n"
                                          : "the case still fails, now with a crash (the failing "
                                            "run saw a " +
                                                expect + ")\n");
          return 1;
        }
        const nlohmann::json out =
            child.outcome == suite::IsolatedResult::Outcome::kOk && !child.payload.empty()
                ? nlohmann::json::parse(child.payload.substr(0, child.payload.find('\n')), nullptr,
                                        false)
                : nlohmann::json();
        if (!out.is_object()) {
          std::cerr << "bufconf replay: the replay did not finish: the child "
                    << suite::Describe(child) << "\n"
                    << child.stderr_tail << "\n";
          return 2;
        }
        if (!out.value("error", "").empty()) {
          std::cerr << "bufconf replay: " << *file << ": " << out.value("error", "") << "\n";
          return 2;
        }
        const bool reproduced = out.value("reproduced", false) && expect == "finding";
        std::cout << out.value("report", "");
        std::cout << (reproduced ? "reproduced\n" : "not reproduced\n");
        return reproduced ? 1 : 0;
      } catch (const std::exception& e) {
        std::cerr << "bufconf replay: " << *file << ": " << e.what() << "\n";
        return 2;
      }
    };
  });
}

}  // namespace bufconf::cli
