#include "conformance/cli/explain_command.h"

#include <cstdlib>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "conformance/cli/bounded_read.h"
#include "conformance/cli/option_checks.h"
#include "conformance/cli/output_files.h"
#include "conformance/explain/explain.h"
#include "reference/layout/descriptor_json.h"

namespace bufconf::cli {
namespace {

struct ExplainCommandOptions {
  std::string file;
  std::string svg;
  bool json = false;
  int64_t max_elements = explain::ExplainOptions{}.max_elements;
};

int Run(const ExplainCommandOptions& o) {
  // The picture's file is opened first: a path that cannot be written is found before any work.
  const bool svg_to_stdout = o.svg == "-";
  OutputFile svg_file;
  if (!o.svg.empty() && !svg_to_stdout) {
    // Not the descriptor itself: opening and writing the picture would replace its input.
    std::vector<NamedFile> files = {{"--svg", o.svg, UserPath(o.svg), true}};
    if (o.file != "-") files.push_back({"DESCRIPTOR", o.file, UserPath(o.file), false});
    if (std::string error; !CheckDistinctFiles(files, &error)) {
      std::cerr << "bufconf explain: " << error << "\n";
      return 2;
    }
    if (std::string open_error; !svg_file.Open(o.svg, UserPath(o.svg), &open_error)) {
      std::cerr << "bufconf explain: --svg: " << open_error << "\n";
      return 2;
    }
  }
  std::string text, error;
  const bool read = o.file == "-"
                        ? ReadFdLimited(0, "stdin", kDescriptorLimit, "descriptors", &text, &error)
                        : ReadFileLimited(o.file, UserPath(o.file), kDescriptorLimit, "descriptors",
                                          &text, &error);
  if (!read) {
    std::cerr << "bufconf explain: " << error << "\n";
    return 2;
  }
  const std::string what = o.file == "-" ? "stdin" : o.file;
  layout::DescriptorFile d;
  try {
    // Not a JSON document: a pointer table of 3 M entries would take 250 MB as one.
    std::string json_error;
    std::optional<layout::DescriptorFile> read_d =
        layout::DescriptorFromJsonText(text, &json_error);
    if (!read_d) {
      std::cerr << "bufconf explain: " << what << ": not valid JSON: " << json_error << "\n";
      return 2;
    }
    d = std::move(*read_d);
  } catch (const layout::DescriptorJsonError& e) {
    std::cerr << "bufconf explain: " << what << ": field " << e.what() << "\n";
    return 2;
  }
  const layout::Memory* memory = d.memory ? &*d.memory : nullptr;
  explain::ExplainOptions options;
  options.max_elements = o.max_elements;
  if (!o.svg.empty()) {
    const std::string svg = explain::ExplainSvg(d.view, memory, options);
    if (svg_to_stdout) {
      std::cout << svg;
    } else if (!svg_file.WriteAndClose(svg, &error)) {
      std::cerr << "bufconf explain: --svg: " << error << "\n";
      return 2;
    }
  }
  if (!svg_to_stdout) {
    std::cout << (o.json ? explain::ExplainJson(d.view, memory, options)
                         : explain::ExplainText(d.view, memory, options));
  }
  return explain::ExitStatus(d.view, memory);  // `bufconf check`'s verdict (explain/verdict.h)
}

}  // namespace

void AddExplainCommand(CLI::App& app, std::function<int()>* run) {
  auto options = std::make_shared<ExplainCommandOptions>();
  CLI::App* cmd = app.add_subcommand(
      "explain",
      "Explain a Py_buffer descriptor (JSON, docs/descriptor.md): dimensions, span, contiguity "
      "and why, overlaps, pointer tables, the rules it breaks; --svg draws its memory map. Exit "
      "0 valid, 1 invalid, 2 unreadable input or a view too large to walk (as check).");
  cmd->add_option("DESCRIPTOR", options->file, "a descriptor file, or '-' for one on stdin")
      ->required();
  cmd->add_option("--svg", options->svg, "write the memory map as SVG to FILE ('-': stdout)")
      ->type_name("FILE");
  cmd->add_flag("--json", options->json, "print the explanation as JSON");
  cmd->add_option("--max-elements", options->max_elements,
                  "draw at most this many elements; beyond, summarise (default 10000; a view of "
                  "more than 2^26 elements is summarised whatever this says)")
      ->check(MaxElementsValidator());
  cmd->callback([options, run] { *run = [options] { return Run(*options); }; });
}

}  // namespace bufconf::cli
