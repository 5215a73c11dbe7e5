#include "conformance/cli/format_command.h"

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "conformance/cli/bounded_read.h"
#include "conformance/cli/output_files.h"
#include "reference/format/format_json.h"
#include "reference/format/layout.h"
#include "reference/format/printer.h"

namespace bufconf::cli {
namespace {

using format::Dialect;
using format::FieldLayout;
using format::FormatResult;

struct FormatOptions {
  std::string dialect = "pep3118";
  bool json = false;
  std::string format;
};

std::string Printable(std::string_view bytes) {
  std::string out;
  char buf[8];
  for (char c : bytes) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '\\') {
      out += c;
    } else {
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    }
  }
  return out;
}

std::string ShapeText(const FieldLayout& f) {
  if (f.shape.empty()) return "";
  std::string s = "(";
  for (size_t i = 0; i < f.shape.size(); ++i) s += (i ? "," : "") + std::to_string(f.shape[i]);
  return s + ")";
}

void PrintFieldRows(const FieldLayout& f, int depth) {
  std::string what = std::string(2 * depth, ' ') + f.code;
  if (f.code == "t") what += "[" + std::to_string(f.bits) + " bits]";
  if (f.named) what += "  :" + Printable(f.name) + ":";
  if (f.padding) what += "  (padding)";
  std::printf("%10llu %10llu %10llu %6llu  %c %-6s %-12s %s\n",
              static_cast<unsigned long long>(f.offset), static_cast<unsigned long long>(f.extent),
              static_cast<unsigned long long>(f.size), static_cast<unsigned long long>(f.alignment),
              f.mode, f.byte_order == '<' ? "little" : "big", ShapeText(f).c_str(), what.c_str());
  for (const FieldLayout& m : f.members) PrintFieldRows(m, depth + 1);
  for (const FieldLayout& m : f.pointee) PrintFieldRows(m, depth + 1);
}

void PrintTable(std::string_view text, Dialect dialect, const FormatResult& r) {
  std::printf("format    '%s'  (dialect %s)\n", Printable(text).c_str(),
              format::DialectName(dialect));
  if (!r.ok()) {
    std::printf("%s at position %zu: %s\n", r.error().beyond_limit ? "not checked" : "error    ",
                r.error().position, Printable(r.error().message).c_str());
    std::printf("          %s\n          %s^\n", Printable(text).c_str(),
                std::string(Printable(text.substr(0, r.error().position)).size(), ' ').c_str());
    return;
  }
  const format::Layout& layout = r.layout();
  std::printf("itemsize  %llu\nalignment %llu\ncanonical '%s'\n\n",
              static_cast<unsigned long long>(layout.itemsize),
              static_cast<unsigned long long>(layout.alignment),
              Printable(format::Print(r.syntax)).c_str());
  std::printf("%10s %10s %10s %6s  %-8s %-12s %s\n", "offset", "extent", "size", "align", "order",
              "shape", "field (offsets relative to the enclosing struct)");
  for (const FieldLayout& f : layout.fields) PrintFieldRows(f, 0);
}

int RunOne(const FormatOptions& o, Dialect dialect) {
  FormatResult r = format::AnalyzeFormat(o.format, dialect);
  if (o.json) {
    std::cout << format::ResultToJson(o.format, dialect, r).dump() << "\n";
  } else {
    PrintTable(o.format, dialect, r);
  }
  // Beyond bufconf's limits is no verdict on the format: exit 2, like check's "not checked".
  return r.ok() ? 0 : r.error().beyond_limit ? 2 : 1;
}

// Batch mode: JSON Lines in, one JSON object per line out (each flushed: a coprocess reads it
// before it writes the next line), streamed. A line over the limit ends the batch (exit 2):
// skipping to its end could take forever (/dev/zero). Reading stops when stdout cannot be written.
int RunBatch(Dialect dialect) {
  int status = 0;
  std::string line;
  LineReader reader(0, "stdin", kFormatLineLimit, "format lines");
  for (;;) {
    const LineReader::Result got = reader.Next(&line);
    if (got == LineReader::Result::kEnd) {
      // No line at all (an empty or closed stdin): a producer that failed, not a batch that passed.
      if (reader.line_number() == 0) {
        std::cerr << "bufconf format: stdin: no input (expected JSON Lines, one format a line)\n";
        std::cout << nlohmann::ordered_json{{"input_error", "stdin: no input"}}.dump() << "\n";
        return 2;
      }
      break;
    }
    const size_t line_number = reader.line_number();
    if (got != LineReader::Result::kLine) {
      std::cerr << "bufconf format: " << reader.error()
                << (got == LineReader::Result::kTooLong ? "; the lines after it are not read" : "")
                << "\n";
      std::cout
          << nlohmann::ordered_json{{"line", line_number}, {"input_error", reader.error()}}.dump()
          << "\n";
      return 2;
    }
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    std::string message;
    std::optional<std::string> bytes;
    // nlohmann's lexer takes a NUL byte for the end of the input: what follows would be ignored.
    nlohmann::json parsed(nlohmann::json::value_t::discarded);
    if (const size_t nul = line.find('\0'); nul != std::string::npos) {
      message = "line is not valid JSON: a NUL byte at byte " + std::to_string(nul);
    } else {
      try {
        parsed = nlohmann::json::parse(line);
      } catch (const nlohmann::json::exception& e) {
        // "[json.exception.parse_error.101] parse error at line 1, ..." without the tag; 406 is a
        // number beyond a double.
        // Printable: nlohmann quotes the bytes last read, which may be no UTF-8.
        std::string what = Printable(e.what());
        if (const size_t at = what.find("] "); at != std::string::npos) what.erase(0, at + 2);
        message = "line is not valid JSON: " +
                  (e.id == 406 ? "a number out of range (" + what + ")" : what);
      }
    }
    if (message.empty() && !parsed.is_string()) {
      message = std::string("line holds a JSON ") + parsed.type_name() +
                "; expected a JSON string holding one format";
    } else if (message.empty()) {
      bytes = format::JsonTextToBytes(parsed.get<std::string>(), &message);
    }
    if (!bytes) {
      std::cerr << "bufconf format: stdin line " << line_number << ": " << message << "\n";
      std::cout << nlohmann::ordered_json{{"line", line_number}, {"input_error", message}}.dump()
                << "\n";
      status = 2;
    } else {
      FormatResult r = format::AnalyzeFormat(*bytes, dialect);
      std::cout << format::ResultToJson(*bytes, dialect, r).dump() << "\n";
      if (!r.ok()) status = std::max(status, r.error().beyond_limit ? 2 : 1);
    }
    if (!FlushStdoutLine()) return 2;  // main names stdout
  }
  return status;
}

}  // namespace

void AddFormatCommand(CLI::App& app, std::function<int()>* run) {
  auto options = std::make_shared<FormatOptions>();
  CLI::App* cmd = app.add_subcommand(
      "format",
      "Print the layout of a buffer format string: itemsize, alignment, and every field's "
      "offset, size, alignment, byte order, shape and name.");
  cmd->add_option("--dialect", options->dialect,
                  "struct (CPython 3.11 struct.calcsize), numpy (numpy's PEP 3118 reading), or "
                  "pep3118 (the whole PEP 3118 grammar; default)")
      ->check(CLI::IsMember({"struct", "numpy", "pep3118"}));
  cmd->add_flag("--json", options->json, "print one JSON object instead of a table");
  cmd->add_option("FORMAT", options->format,
                  "the format string, or '-' to read JSON Lines from stdin (each line a JSON "
                  "string holding one format; byte b is written as \\u00bb)")
      ->required();
  cmd->callback([options, run] {
    *run = [options] {
      Dialect dialect = *format::DialectFromName(options->dialect);
      if (options->format == "-") return RunBatch(dialect);
      return RunOne(*options, dialect);
    };
  });
}

}  // namespace bufconf::cli
