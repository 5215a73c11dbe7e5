#include "conformance/cli/zoo_command.h"

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "conformance/cli/option_checks.h"
#include "conformance/cli/output_files.h"
#include "conformance/suite/report.h"
#include "conformance/zoo/zoo.h"
#include "conformance/zoo/zoo_runner.h"

namespace bufconf::cli {
namespace {

struct ZooOptions {
  std::string seed = "1";  // checked by SeedValidator
  int seeds = 1;
  std::string profile = "quick";
  int64_t examples = 0;
  std::string only = "*";
  bool all_rules = false;
  double timeout = 10;
  std::string json_file;
  std::string failures_dir = "bufconf-zoo-failures";
  bool quiet = false;
};

int Zoo(const ZooOptions& o) {
  const uint64_t first = *ParseSeed(o.seed);
  if (first > UINT64_MAX - static_cast<uint64_t>(o.seeds - 1)) {
    std::cerr << "bufconf zoo: --seed " << o.seed << " with --seeds " << o.seeds
              << ": the last seed would pass 18446744073709551615\n";
    return 2;
  }
  bool any_entry = false;
  for (const zoo::ZooEntry& entry : zoo::ZooEntries()) {
    any_entry = any_entry || suite::GlobMatch(o.only, entry.name);
  }
  if (!any_entry) {
    std::cerr << "bufconf zoo: no entry matches '" << o.only << "'\n";
    return 2;
  }
  zoo::ZooSettings s;
  s.seeds.clear();
  for (int i = 0; i < o.seeds; ++i) s.seeds.push_back(first + static_cast<uint64_t>(i));
  s.profile = o.profile;
  s.examples = o.examples;
  s.only = o.only;
  s.all_rules = o.all_rules;
  s.timeout_seconds = o.timeout;
  s.failures_dir = UserPath(o.failures_dir);
  // Every output is checked before the run: an unwritable one is a usage error, now.
  OutputFile json;
  if (std::string error;
      !o.json_file.empty() && !json.Open(o.json_file, UserPath(o.json_file), &error)) {
    std::cerr << "bufconf zoo: --json: " << error << "\n";
    return 2;
  }
  if (std::string error; !CheckOutputDirectory(o.failures_dir, s.failures_dir, &error)) {
    std::cerr << "bufconf zoo: --failures-dir: " << error << "\n";
    return 2;
  }
  if (!o.quiet) s.progress = [](const std::string& line) { std::cerr << "  " << line << "\n"; };
  const zoo::ZooReport report = zoo::RunZoo(s);
  if (report.entries.empty()) {
    std::cerr << "bufconf zoo: no entry matches '" << o.only << "'\n";
    return 2;
  }
  // A counterexample file the table names but the run could not write is an output error.
  std::vector<std::string> output_errors;
  for (const zoo::ZooEntryResult& e : report.entries) {
    for (const zoo::ZooKill& k : e.kills) {
      if (std::string error;
          !k.counterexample_file.empty() && !CheckWrittenFile(k.counterexample_file, &error)) {
        output_errors.push_back("--failures-dir: " + error);
      }
    }
  }
  std::cout << zoo::ZooTable(report);
  if (std::string error; !FlushStdout(&error)) output_errors.push_back(error);
  if (std::string error;
      json.is_open() && !json.WriteAndClose(zoo::ZooJson(report).dump(2) + "\n", &error)) {
    output_errors.push_back("--json: " + error);
  }
  if (!output_errors.empty()) {
    for (const std::string& e : output_errors) std::cerr << "bufconf zoo: " << e << "\n";
    return 2;
  }
  // 1 when any entry was not caught at some seed.
  return zoo::ZooExitStatus(report);
}

}  // namespace

void AddZooCommand(CLI::App& app, std::function<int()>* run) {
  auto o = std::make_shared<ZooOptions>();
  CLI::App* cmd = app.add_subcommand(
      "zoo",
      "Run the conformance suite against every entry of the bug zoo (faulty adapters re-enacting "
      "historical bugs) and print the kill table. Exit 0 every entry caught at every seed, 1 "
      "otherwise, 2 usage errors or an output that cannot be written.");
  cmd->add_option("--seed", o->seed, "the first RapidCheck seed, 0 to 2^64-1")
      ->check(SeedValidator())
      ->capture_default_str();
  cmd->add_option("--seeds", o->seeds, "how many seeds (seed, seed+1, ...)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--profile", o->profile, "quick (100 cases per rule) or deep (1000)")
      ->check(CLI::IsMember({"quick", "deep"}))
      ->capture_default_str();
  cmd->add_option("--examples", o->examples,
                  "cases per rule, 1 to 10000000 (default: the profile's)")
      ->check(ExamplesValidator());
  cmd->add_option("--only", o->only, "only entries whose name matches this glob")
      ->capture_default_str();
  cmd->add_flag("--all-rules", o->all_rules,
                "run every rule of the catalogue on each entry (default: the rules it declares)");
  cmd->add_option("--timeout", o->timeout,
                  "seconds one case may take before it is declared a hang (0 < S <= 86400)")
      ->check(TimeoutValidator())
      ->capture_default_str();
  cmd->add_option("--json", o->json_file, "write the kill table as JSON to FILE");
  cmd->add_option("--failures-dir", o->failures_dir, "where counterexample files go")
      ->capture_default_str();
  cmd->add_flag("--quiet", o->quiet, "no progress lines");
  cmd->callback([o, run] { *run = [o] { return Zoo(*o); }; });
}

}  // namespace bufconf::cli
