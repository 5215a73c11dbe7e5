#include "conformance/cli/check_command.h"

#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "conformance/cli/bounded_read.h"
#include "conformance/cli/output_files.h"
#include "conformance/explain/verdict.h"
#include "reference/layout/checker.h"
#include "reference/layout/contiguity.h"
#include "reference/layout/descriptor_json.h"
#include "reference/rules/catalogue.h"

namespace bufconf::cli {
namespace {

struct CheckOptions {
  bool json = false;
  std::string file;
};

// The verdict `bufconf explain` gives (conformance/explain/verdict.h). When the checker could not
// check some rules (an array-of-arrays view too large to walk, a format beyond the model's
// limits) there is no verdict: "valid" is null and "not_checked" lists them (exit status 2).
nlohmann::ordered_json Verdict(const layout::DescriptorFile& d) {
  const explain::Judgement judgement = explain::Judge(d.view, d.memory ? &*d.memory : nullptr);
  nlohmann::ordered_json j;
  // Valid: no MUST rule is broken. SHOULD and PORTABILITY findings are listed all the same.
  const bool valid = judgement.kind == explain::Judgement::Kind::kValid;
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (size_t k = 0; k < judgement.violations.size(); ++k) {
    const layout::Violation& v = judgement.violations[k];
    list.push_back({{"rule", v.rule},
                    {"level", rules::LevelName(judgement.levels[k])},
                    {"message", v.message}});
  }
  j["valid"] = valid;
  if (judgement.kind == explain::Judgement::Kind::kNotChecked) {
    j["valid"] = nullptr;
    nlohmann::ordered_json not_checked = nlohmann::ordered_json::array();
    for (const layout::Violation& n : judgement.not_checked) {
      not_checked.push_back({{"rule", n.rule}, {"message", n.message}});
    }
    j["not_checked"] = std::move(not_checked);
  }
  j["violations"] = std::move(list);
  j["contiguous"] = {{"C", layout::IsContiguous(d.view, 'C')},
                     {"F", layout::IsContiguous(d.view, 'F')},
                     {"A", layout::IsContiguous(d.view, 'A')}};
  return j;
}

void PrintHuman(const nlohmann::ordered_json& v, const std::string& what) {
  if (v["valid"].is_null()) {
    std::cout << what << ": NOT CHECKED (bufconf's limits, no verdict; exit status 2)\n";
    for (const auto& n : v["not_checked"]) {
      std::cout << "  " << n["rule"].get<std::string>()
                << " not checked: " << n["message"].get<std::string>() << "\n";
    }
  } else {
    std::cout << what << ": " << (v["valid"].get<bool>() ? "valid" : "INVALID") << "\n";
  }
  for (const auto& violation : v["violations"]) {
    std::cout << "  " << violation["rule"].get<std::string>() << " ["
              << violation["level"].get<std::string>()
              << "]: " << violation["message"].get<std::string>() << "\n";
  }
  std::cout << "  contiguous: C " << v["contiguous"]["C"] << ", F " << v["contiguous"]["F"]
            << ", A " << v["contiguous"]["A"] << "\n";
}

// One descriptor: 0 valid, 1 invalid, 2 not checked; -1 when it cannot be read (printed).
int CheckText(const std::string& text, const std::string& what, bool json, bool lines) {
  std::string error;
  nlohmann::ordered_json verdict;
  try {
    // Not a JSON document: a pointer table of 3 M entries would take 250 MB as one.
    std::string json_error;
    const std::optional<layout::DescriptorFile> d =
        layout::DescriptorFromJsonText(text, &json_error);
    if (d) {
      verdict = Verdict(*d);
    } else {
      error = "not valid JSON: " + json_error;
    }
  } catch (const layout::DescriptorJsonError& e) {
    error = std::string("field ") + e.what();
  }
  if (!error.empty()) {
    std::cerr << "bufconf check: " << what << ": " << error << "\n";
    if (lines) std::cout << nlohmann::ordered_json{{"input_error", error}}.dump() << "\n";
    return -1;
  }
  if (json || lines) {
    std::cout << verdict.dump(lines ? -1 : 2) << "\n";
  } else {
    PrintHuman(verdict, what);
  }
  if (verdict["valid"].is_null()) return 2;  // no verdict: 2 wins over 1
  return verdict["valid"].get<bool>() ? 0 : 1;
}

int Run(const CheckOptions& o) {
  if (o.file == "-") {
    // JSON Lines, streamed: one verdict out per line in, each flushed (a coprocess reads it before
    // it writes the next line); reading stops when stdout cannot be written.
    int status = 0;
    LineReader reader(0, "stdin", kDescriptorLimit, "descriptors");
    std::string line;
    for (;;) {
      const LineReader::Result got = reader.Next(&line);
      if (got == LineReader::Result::kEnd) {
        // No line at all (an empty or closed stdin): a producer that failed, not a batch that
        // passed.
        if (reader.line_number() == 0) {
          std::cerr << "bufconf check: stdin: no input (expected JSON Lines, one descriptor a "
                       "line)\n";
          std::cout << nlohmann::ordered_json{{"input_error", "stdin: no input"}}.dump() << "\n";
          return 2;
        }
        break;
      }
      if (got != LineReader::Result::kLine) {
        std::cerr << "bufconf check: " << reader.error()
                  << (got == LineReader::Result::kTooLong ? "; the lines after it are not read"
                                                          : "")
                  << "\n";
        std::cout << nlohmann::ordered_json{{"input_error", reader.error()}}.dump() << "\n";
        return 2;
      }
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      const int r =
          CheckText(line, "stdin line " + std::to_string(reader.line_number()), o.json, true);
      if (r < 0 || r == 2) status = 2;
      if (r == 1 && status == 0) status = 1;
      if (!FlushStdoutLine()) return 2;  // main names stdout
    }
    return status;
  }
  std::string path = o.file;
  if (const char* cwd = std::getenv("BUILD_WORKING_DIRECTORY");
      cwd && !path.empty() && path[0] != '/') {
    path = std::string(cwd) + "/" + path;
  }
  std::string text, error;
  if (!ReadFileLimited(o.file, path, kDescriptorLimit, "descriptors", &text, &error)) {
    std::cerr << "bufconf check: " << error << "\n";
    return 2;
  }
  const int r = CheckText(text, o.file, o.json, false);
  return r < 0 ? 2 : r;  // 2 also when not checked
}

}  // namespace

void AddCheckCommand(CLI::App& app, std::function<int()>* run) {
  auto options = std::make_shared<CheckOptions>();
  CLI::App* cmd = app.add_subcommand(
      "check",
      "Check a Py_buffer descriptor (JSON, docs/descriptor.md): the rules it breaks and its "
      "contiguity. Exit 0 valid, 1 invalid, 2 unreadable input.");
  cmd->add_flag("--json", options->json, "print the verdict as JSON");
  cmd->add_option("FILE", options->file,
                  "a descriptor file, or '-' for JSON Lines on stdin (one descriptor per line, "
                  "one verdict per line out)")
      ->required();
  cmd->callback([options, run] { *run = [options] { return Run(*options); }; });
}

}  // namespace bufconf::cli
