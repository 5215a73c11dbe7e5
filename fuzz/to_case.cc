// to_case: writes a fuzz input as a `bufconf replay` file (the envelope `bufconf run` writes
// around a shrunk counterexample, with the case in the suite's own JSON: suite::ToJson), so a
// crashing or interesting input of a fuzz target is replayed like any counterexample
// (docs/fuzzing.md):
//
//   bazel-bin/fuzz/to_case --target differential_fuzzer --rule ALGO-GET-POINTER crash-1 case.json
//   tools/bufconf replay case.json --adapter reference
//
// --rule (required) names the rule the replay judges, a rule of the catalogue (the differential
// target prints the rule of each disagreement; `bufconf rules` lists them): a replay file names
// one, and `bufconf replay` refuses a file without it. --adapter names the adapter the file
// records (default "reference"; replay --adapter overrides). The input is decoded exactly as the
// target decodes it (fuzz/fuzz_input.h); it is read up to 256 MiB (the replay files' limit,
// docs/guide/reports.md). Exit status: 0 the case was written; 1 the input does not decode to a
// case for that target; 2 a usage error or an unreadable, too large or unwritable file.

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "conformance/cli/bounded_read.h"
#include "conformance/suite/cases.h"
#include "fuzz/fuzz_input.h"
#include "reference/rules/catalogue.h"

namespace {

// Reads all of `path`, at most a replay file's limit (bufconf replay reads what to_case writes).
// False and `error` when it cannot.
bool ReadInput(const std::string& path, std::vector<char>* bytes, std::string* error) {
  std::string text;
  if (!bufconf::cli::ReadFileLimited(path, path, bufconf::cli::kReplayFileLimit, "replay files",
                                     &text, error)) {
    return false;
  }
  bytes->assign(text.begin(), text.end());
  return true;
}

int Usage() {
  std::fprintf(stderr,
               "usage: to_case --target descriptor_fuzzer|model_fuzzer|differential_fuzzer|"
               "mirror_fuzzer --rule RULE [--adapter NAME] INPUT [OUTPUT]\n"
               "Writes the fuzz input INPUT as a bufconf replay file (JSON) to OUTPUT or "
               "stdout.\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string target_name, input, output, rule, adapter = "reference";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--target" && i + 1 < argc) {
      target_name = argv[++i];
    } else if (arg.rfind("--target=", 0) == 0) {
      target_name = arg.substr(9);
    } else if (arg == "--rule" && i + 1 < argc) {
      rule = argv[++i];
    } else if (arg == "--adapter" && i + 1 < argc) {
      adapter = argv[++i];
    } else if (arg == "-h" || arg == "--help") {
      Usage();
      return 0;
    } else if (!arg.empty() && arg[0] == '-' && arg != "-") {
      std::fprintf(stderr, "to_case: unknown option '%s'\n", arg.c_str());
      return Usage();
    } else if (input.empty()) {
      input = arg;
    } else if (output.empty()) {
      output = arg;
    } else {
      return Usage();
    }
  }
  if (target_name.empty() || input.empty()) return Usage();
  if (rule.empty()) {
    std::fprintf(stderr,
                 "to_case: --rule RULE is required: a replay file names the rule it judges (the "
                 "differential target prints it; `bufconf rules` lists the IDs)\n");
    return 2;
  }
  if (bufconf::rules::FindRule(rule) == nullptr) {
    std::fprintf(stderr, "to_case: --rule: '%s' is not a rule of the catalogue (`bufconf rules`)\n",
                 rule.c_str());
    return 2;
  }
  const std::optional<bufconf::fuzz::Target> target = bufconf::fuzz::TargetNamed(target_name);
  if (!target) {
    std::fprintf(stderr,
                 "to_case: '%s' is not a target whose inputs are cases (format_fuzzer inputs are "
                 "format strings: try `bufconf format`)\n",
                 target_name.c_str());
    return 2;
  }
  std::vector<char> bytes;
  if (std::string error; !ReadInput(input, &bytes, &error)) {
    std::fprintf(stderr, "to_case: %s\n", error.c_str());
    return 2;
  }
  bufconf::fuzz::FuzzCase decoded;
  if (!bufconf::fuzz::DecodeTargetInput(*target, reinterpret_cast<const uint8_t*>(bytes.data()),
                                        bytes.size(), &decoded)) {
    std::fprintf(stderr, "to_case: %s does not decode to a case for %s\n", input.c_str(),
                 target_name.c_str());
    return 1;
  }
  if (!decoded.has_memory) {
    std::fprintf(stderr, "to_case: note: %s declares no memory; the case has none\n",
                 input.c_str());
  }
  const nlohmann::ordered_json file = {
      {"bufconf_replay", 1},
      {"rule", rule},
      {"adapter", adapter},
      {"message", "fuzz input " + input + " (" + target_name + ")"},
      {"case", bufconf::suite::ToJson(decoded.c)}};
  const std::string text = file.dump(2) + "\n";
  if (output.empty()) {
    std::cout << text;
    return std::cout ? 0 : 2;
  }
  std::ofstream out(output, std::ios::binary);
  out << text;
  if (!out) {
    std::fprintf(stderr, "to_case: cannot write %s\n", output.c_str());
    return 2;
  }
  return 0;
}
