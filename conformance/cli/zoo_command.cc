#include "conformance/cli/zoo_command.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "conformance/zoo/zoo_runner.h"

namespace bufconf::cli {
namespace {

struct ZooOptions {
  uint64_t seed = 1;
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

// Paths the user typed are relative to where they ran the command (bazel run changes it).
std::string UserPath(const std::string& path) {
  const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY");
  if (cwd == nullptr || path.empty() || path[0] == '/') return path;
  return std::string(cwd) + "/" + path;
}

int Zoo(const ZooOptions& o) {
  zoo::ZooSettings s;
  s.seeds.clear();
  for (int i = 0; i < o.seeds; ++i) s.seeds.push_back(o.seed + static_cast<uint64_t>(i));
  s.profile = o.profile;
  s.examples = o.examples;
  s.only = o.only;
  s.all_rules = o.all_rules;
  s.timeout_seconds = o.timeout;
  s.failures_dir = UserPath(o.failures_dir);
  if (!o.quiet) s.progress = [](const std::string& line) { std::cerr << "  " << line << "\n"; };
  const zoo::ZooReport report = zoo::RunZoo(s);
  if (report.entries.empty()) {
    std::cerr << "bufconf zoo: no entry matches '" << o.only << "'\n";
    return 2;
  }
  std::cout << zoo::ZooTable(report);
  if (!o.json_file.empty()) {
    std::ofstream out(UserPath(o.json_file));
    out << zoo::ZooJson(report).dump(2) << "\n";
    if (!out) {
      std::cerr << "bufconf zoo: cannot write " << o.json_file << "\n";
      return 2;
    }
  }
  return zoo::ZooExitStatus(report);
}

}  // namespace

void AddZooCommand(CLI::App& app, std::function<int()>* run) {
  auto o = std::make_shared<ZooOptions>();
  CLI::App* cmd = app.add_subcommand(
      "zoo",
      "Run the conformance suite against every entry of the bug zoo (faulty adapters re-enacting "
      "historical bugs) and print the kill table. Exit 0 every entry caught at every seed, 1 "
      "otherwise, 2 usage errors.");
  cmd->add_option("--seed", o->seed, "the first RapidCheck seed")->capture_default_str();
  cmd->add_option("--seeds", o->seeds, "how many seeds (seed, seed+1, ...)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--profile", o->profile, "quick (100 cases per rule) or deep (1000)")
      ->check(CLI::IsMember({"quick", "deep"}))
      ->capture_default_str();
  cmd->add_option("--examples", o->examples, "cases per rule (default: the profile's)");
  cmd->add_option("--only", o->only, "only entries whose name matches this glob")
      ->capture_default_str();
  cmd->add_flag("--all-rules", o->all_rules,
                "run every rule of the catalogue on each entry (default: the rules it declares)");
  cmd->add_option("--timeout", o->timeout, "seconds per rule before a hang is declared")
      ->capture_default_str();
  cmd->add_option("--json", o->json_file, "write the kill table as JSON to FILE");
  cmd->add_option("--failures-dir", o->failures_dir, "where counterexample files go")
      ->capture_default_str();
  cmd->add_flag("--quiet", o->quiet, "no progress lines");
  cmd->callback([o, run] { *run = [o] { return Zoo(*o); }; });
}

}  // namespace bufconf::cli
