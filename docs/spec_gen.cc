// spec_gen: renders docs/spec.md, the specification page of the rules catalogue with its
// traceability: for every rule, what can report it broken (the conformance suite, the checker,
// tests that name it) and the bug-zoo entries that break it.
//
//   spec_gen --sources MANIFEST [--out FILE] [--check]
//
// MANIFEST is written by the spec_sources rule (docs/spec.bzl): one line per file of every test,
// "<test label> TAB <1|0: the test exercises a judging component> TAB <path>", paths relative to
// the working directory. The page goes to FILE (default: standard output). Every rule that
// nothing can violate, and every stale entry of kKnownGaps, is listed on standard error; with
// --check they make the exit status 1. Exit status 2: usage or unreadable input.
//
// The output depends only on the catalogue, the suite's and the checker's rule tables, the zoo
// table and the scanned files: sorted, no timestamps, no absolute paths.
#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "conformance/suite/checks.h"
#include "conformance/suite/known_gaps.h"
#include "conformance/zoo/zoo.h"
#include "reference/layout/checker.h"
#include "reference/rules/catalogue.h"

namespace bufconf::docs {
namespace {

// Rules that no check, checker rule or test can violate yet, and why. The list can only shrink:
// spec_test fails for a rule that is covered and still listed here, and for an uncovered rule
// that is not listed.
// The known gaps are the suite's own list (conformance/suite/known_gaps.h): `bufconf run` shows
// each as a skip with the same reason.
const std::vector<suite::KnownGap>& kKnownGaps = suite::KnownGaps();

struct ManifestLine {
  std::string test;
  bool judges = false;
  std::string path;  // empty: the test has no source files
};

// What can violate one rule.
struct Trace {
  std::string suite;  // "", "exporter", "exporter, basic", "algorithm"
  bool checker = false;
  std::map<std::string, std::set<std::string>> tests;  // test label -> files naming the rule
  std::vector<const zoo::ZooEntry*> zoo;
  const char* gap = nullptr;  // kKnownGaps reason
  bool covered() const { return !suite.empty() || checker || !tests.empty(); }
};

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

// Every catalogue ID `text` names: maximal runs of [A-Z0-9-] with leading and trailing '-'
// dropped, so "LAYOUT-LEN" is not found in "LAYOUT-LEN-SIMPLE", and a regression file named
// "LAYOUT-LEN-SIMPLE-null-shape" names LAYOUT-LEN-SIMPLE.
std::set<std::string> NamedRules(const std::string& text) {
  std::set<std::string> out;
  auto in_id = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'; };
  for (size_t i = 0; i < text.size();) {
    if (!in_id(text[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && in_id(text[j])) ++j;
    size_t a = i, b = j;
    while (a < b && text[a] == '-') ++a;
    while (b > a && text[b - 1] == '-') --b;
    if (b > a) {
      const std::string token = text.substr(a, b - a);
      if (rules::FindRule(token) != nullptr) out.insert(token);
    }
    i = j;
  }
  return out;
}

// The code of a test's source file, comments blanked out: a rule ID in a comment, in a file's
// name or in a data file (JSON, corpora) is not a check that can fail. C and C++ sources: // and
// /* */ comments; shell and Python: # to the end of the line (a Python docstring counts as a
// comment too). String literals are kept (an assertion names the ID in one) and followed, so a
// comment marker inside one is not taken for a comment. Other files: "" (data).
std::string CodeOf(const std::string& path, const std::string& text) {
  auto ends = [&](const char* suffix) {
    const size_t n = std::strlen(suffix);
    return path.size() >= n && path.compare(path.size() - n, n, suffix) == 0;
  };
  const bool c_like = ends(".cc") || ends(".h") || ends(".c");
  const bool python = ends(".py");
  const bool hash = python || ends(".sh") || ends(".bash");
  if (!c_like && !hash) return "";
  const std::string kDocstring(3, '"');
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (python && text.compare(i, 3, kDocstring) == 0) {
      const size_t close = text.find(kDocstring, i + 3);
      i = close == std::string::npos ? text.size() : close + 3;
      out += ' ';
      continue;
    }
    if (c_like && text.compare(i, 2, "//") == 0) {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    if (c_like && text.compare(i, 2, "/*") == 0) {
      const size_t close = text.find("*/", i + 2);
      i = close == std::string::npos ? text.size() : close + 2;
      out += ' ';
      continue;
    }
    if (hash && c == '#' && (i == 0 || std::isspace(static_cast<unsigned char>(text[i - 1])))) {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    if (c == '"' || (c == '\'' && hash)) {
      // A one-line string literal (C++ raw strings are scanned as code: the embedded Python or
      // JSON of a test is what it checks).
      out += c;
      ++i;
      while (i < text.size() && text[i] != c && text[i] != '\n') {
        if (text[i] == '\\' && i + 1 < text.size()) out += text[i++];
        out += text[i++];
      }
      if (i < text.size()) out += text[i++];
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

// Markdown text: characters that could format are escaped: '_' only at a word's edge (inside a
// word, as in PyBUF_ND, it never emphasizes), '<' only where it could open a tag or autolink,
// '>' only at the start (a block quote).
std::string Md(const std::string& text) {
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char next = i + 1 < text.size() ? text[i + 1] : ' ';
    bool escape = std::strchr("\\`*_[]|", c) != nullptr;
    if (c == '_' && i > 0 && alnum(text[i - 1]) && alnum(next)) escape = false;
    if (c == '<')
      escape = std::isalpha(static_cast<unsigned char>(next)) || next == '/' || next == '!' ||
               next == '?';
    if (c == '>') escape = i == 0;
    if (escape) out += '\\';
    out += c;
  }
  return out;
}

// The GitHub anchor of a rule's heading: "LAYOUT-LEN" -> "layout-len".
std::string Anchor(const std::string& id) {
  std::string out;
  for (char c : id) out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

std::string Code(const std::string& text) { return "`" + text + "`"; }

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

std::string SuiteText(const std::string& suite) {
  if (suite == "exporter, basic") {
    return "`bufconf run`, exporter side (`suite::ExporterRules()`), a basic rule: judged on "
           "the exporter's full description";
  }
  if (suite == "exporter") {
    return "`bufconf run`, exporter side (`suite::ExporterRules()`): judged on the responses to "
           "requests";
  }
  if (suite == "consumer") {
    return "`bufconf run`, consumer side (`suite::ConsumerPrincipalRules()`, consumer_checks.cc): "
           "the consumers that name this rule read exporters the suite provides, against the "
           "model";
  }
  if (suite == "consumer, feature") {
    return "`bufconf run`, consumer side (`suite::ConsumerFeatureRules()`, consumer_checks.cc): "
           "every consumer, on the cases with this rule's feature (a wrong reading is filed here "
           "when a control case without the feature reads right)";
  }
  return "`bufconf run`, algorithm side (`suite::AlgorithmRules()`): the implementation's "
         "function against the model on the same memory";
}

void Header(std::ostream& out, const std::vector<std::string>& scanned,
            const std::vector<std::string>& unscanned, const std::set<std::string>& zoo_only) {
  out << "# The buffer-protocol rules\n\n"
      << "<!-- Generated by tools/gen-spec (docs/spec_gen.cc); do not edit. -->\n\n"
      << "Every rule of bufconf's catalogue (`reference/rules/catalogue.cc`, also `bufconf "
         "rules`): its ID, level, area, statement, source and the source's own words, what can "
         "report it broken, and the bug-zoo entries that break it. Link a rule as "
         "`docs/spec.md#layout-len`. Levels: **MUST** (a violation is a conformance failure), "
         "**SHOULD** (recommended, or enforced by CPython without the docs requiring it), "
         "**PORTABILITY** (not required, but real consumers or exporters break without it).\n\n"
      << "## How \"violable by\" is derived\n\n"
      << "Mechanically, from the code; nothing here is a hand-written list except the known "
         "gaps, which can only shrink.\n\n"
      << "- **suite**: `bufconf run` reports the rule. The runner runs one property per rule of "
         "`suite::ExporterRules()` (judged by `CheckExporterCase`/`CheckEnumeratedCase`) and of "
         "`suite::AlgorithmRules()` (judged by `CheckAlgorithmCase`), and reports nothing "
         "else.\n"
      << "- **checker**: `bufconf check` reports the rule: it is in `layout::CheckedRules()` "
         "(`checker_test` holds a violating descriptor for each).\n"
      << "- **tests**: a test's code names the rule's ID as a whole token (a maximal run of "
         "`A-Z`, `0-9`, `-`), in an assertion or the expected values it compares with: C and "
         "C++, shell and Python sources with their comments (and Python docstrings) left out; "
         "file names and data files (JSON, corpora) do not count. Only tests that exercise a "
         "judging component "
         "count: those that depend, through deps or data, on the reference model or the "
         "suite's checks (`JUDGES` in `docs/spec.bzl`); tests of the catalogue, the report or "
         "the expectations use IDs as data.\n"
      << "- **zoo**: `ZooEntries()[i].rules`, listed for each rule but not counted on their "
         "own: `zoo_test` requires every entry to be caught by one of its rules, not by each.";
  if (zoo_only.empty()) {
    out << " Every rule a zoo entry names is a suite rule.\n\n";
  } else {
    std::vector<std::string> ids(zoo_only.begin(), zoo_only.end());
    out << " Zoo entries name rules the suite does not report: " << Join(ids, ", ") << ".\n\n";
  }
  out << "A rule is *covered* when the suite, the checker or a test can violate it. `bazel test "
         "//docs:spec_test` fails when a rule is not covered and is not a known gap, when a "
         "known gap is covered (remove it from `conformance/suite/known_gaps.cc`), and when "
         "this page differs from the generated one (run `tools/gen-spec`).\n\n";
  out << "Tests scanned (`docs/spec_tests.bzl`, refreshed by `tools/gen-spec` from `bazel query "
         "'tests(//...)'`):\n\n";
  for (const std::string& t : scanned) out << "- " << Code(t) << "\n";
  out << "\nTests not scanned (they exercise no judging component):\n\n";
  for (const std::string& t : unscanned) out << "- " << Code(t) << "\n";
  out << "\n";
}

int Main(int argc, char** argv) {
  std::string sources, out_path;
  bool check = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--sources" && i + 1 < argc) {
      sources = argv[++i];
    } else if (arg == "--out" && i + 1 < argc) {
      out_path = argv[++i];
    } else if (arg == "--check") {
      check = true;
    } else {
      std::cerr << "usage: spec_gen --sources MANIFEST [--out FILE] [--check]\n";
      return 2;
    }
  }
  std::string manifest_text;
  if (sources.empty() || !ReadFile(sources, &manifest_text)) {
    std::cerr << "spec_gen: cannot read the manifest '" << sources << "'\n";
    return 2;
  }

  std::map<std::string, Trace> traces;
  for (const rules::Rule& r : rules::Catalogue()) traces[r.id];
  for (const std::string& id : suite::ExporterRules()) {
    traces.at(id).suite = suite::IsBasicExporterRule(id) ? "exporter, basic" : "exporter";
  }
  const std::vector<std::string>& principal = suite::ConsumerPrincipalRules();
  for (const suite::AlgorithmRule& r : suite::AlgorithmRules()) {
    if (r.capability != BUFCONF_CAP_CONSUMERS) {
      traces.at(r.rule).suite = "algorithm";
    } else if (std::find(principal.begin(), principal.end(), r.rule) != principal.end()) {
      traces.at(r.rule).suite = "consumer";
    } else {
      traces.at(r.rule).suite = "consumer, feature";
    }
  }
  for (const std::string& id : layout::CheckedRules()) traces.at(id).checker = true;
  std::set<std::string> zoo_only;
  for (const zoo::ZooEntry& e : zoo::ZooEntries()) {
    for (const std::string& id : e.rules) {
      traces.at(id).zoo.push_back(&e);
      if (traces.at(id).suite.empty()) zoo_only.insert(id);
    }
  }
  for (const suite::KnownGap& g : kKnownGaps) {
    const auto it = traces.find(g.rule);
    if (it != traces.end()) it->second.gap = g.reason;
  }

  // The manifest: scan every file of every test that exercises a judging component.
  std::set<std::string> scanned, unscanned;
  std::istringstream lines(manifest_text);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    const size_t t1 = line.find('\t');
    const size_t t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string::npos) {
      std::cerr << "spec_gen: bad manifest line '" << line << "'\n";
      return 2;
    }
    ManifestLine m{line.substr(0, t1), line.substr(t1 + 1, t2 - t1 - 1) == "1",
                   line.substr(t2 + 1)};
    (m.judges ? scanned : unscanned).insert(m.test);
    if (!m.judges || m.path.empty()) continue;
    std::string text;
    if (!ReadFile(m.path, &text)) {
      std::cerr << "spec_gen: cannot read '" << m.path << "' (of " << m.test << ")\n";
      return 2;
    }
    // Only the code counts: not comments, file names or data files.
    for (const std::string& id : NamedRules(CodeOf(m.path, text))) {
      traces.at(id).tests[m.test].insert(m.path);
    }
  }

  // Coverage problems.
  std::vector<std::string> problems;
  for (const rules::Rule& r : rules::Catalogue()) {
    const Trace& t = traces.at(r.id);
    if (!t.covered() && t.gap == nullptr) {
      problems.push_back(std::string(r.id) +
                         ": nothing can violate it (no suite check, checker rule or test names "
                         "it)");
    }
    if (t.covered() && t.gap != nullptr) {
      problems.push_back(std::string(r.id) +
                         ": listed in conformance/suite/known_gaps.cc but covered; remove it");
    }
  }
  for (const suite::KnownGap& g : kKnownGaps) {
    if (rules::FindRule(g.rule) == nullptr) {
      problems.push_back(std::string(g.rule) +
                         ": in conformance/suite/known_gaps.cc but not in the catalogue");
    }
  }

  std::ostringstream out;
  Header(out, std::vector<std::string>(scanned.begin(), scanned.end()),
         std::vector<std::string>(unscanned.begin(), unscanned.end()), zoo_only);

  // Summary.
  size_t by_suite = 0, by_checker = 0, by_tests = 0, covered = 0, gaps = 0;
  for (const auto& [id, t] : traces) {
    by_suite += !t.suite.empty();
    by_checker += t.checker;
    by_tests += !t.tests.empty();
    covered += t.covered();
    gaps += !t.covered() && t.gap != nullptr;
  }
  out << "## Summary\n\n"
      << rules::Catalogue().size() << " rules: " << covered << " covered (" << by_suite
      << " by the suite, " << by_checker << " by the checker, " << by_tests << " named by tests), "
      << gaps << " known gaps.\n\n"
      << "| Rule | Level | Area | Suite | Checker | Tests | Zoo entries |\n"
      << "| --- | --- | --- | --- | --- | --- | --- |\n";
  for (const rules::Rule& r : rules::Catalogue()) {
    const Trace& t = traces.at(r.id);
    out << "| [" << r.id << "](#" << Anchor(r.id) << ") | " << rules::LevelName(r.level) << " | "
        << rules::AreaName(r.area) << " | " << (t.suite.empty() ? "-" : t.suite) << " | "
        << (t.checker ? "yes" : "-") << " | "
        << (t.tests.empty() ? "-" : std::to_string(t.tests.size())) << " | "
        << (t.zoo.empty() ? "-" : std::to_string(t.zoo.size())) << " |\n";
  }
  out << "\n";

  out << "## Known gaps\n\n"
      << "Rules that nothing in bufconf can report broken yet (`KnownGaps()` in "
         "`docs/spec_gen.cc`).\n\n"
      << "| Rule | Why |\n| --- | --- |\n";
  for (const rules::Rule& r : rules::Catalogue()) {
    const Trace& t = traces.at(r.id);
    if (!t.covered() && t.gap != nullptr) {
      out << "| [" << r.id << "](#" << Anchor(r.id) << ") | " << Md(t.gap) << " |\n";
    }
  }
  out << "\n";

  // The rules, by area.
  for (rules::Area area : rules::kAllAreas) {
    out << "## Area: " << rules::AreaName(area) << "\n";
    for (const rules::Rule& r : rules::Catalogue()) {
      if (r.area != area) continue;
      const Trace& t = traces.at(r.id);
      out << "\n### " << r.id << "\n\n"
          << "**" << rules::LevelName(r.level) << "**, area " << rules::AreaName(r.area) << "\n\n"
          << Md(r.statement) << "\n\n"
          << "- **Source:** " << Md(r.source) << "\n";
      if (r.quote[0] != '\0') out << "- **Quote:** \"" << Md(r.quote) << "\"\n";
      out << "- **Violable by:**";
      if (!t.covered()) {
        out << (t.gap != nullptr ? " nothing yet (known gap: " + Md(t.gap) + ")"
                                 : std::string(" nothing (a coverage failure)"))
            << "\n";
      } else {
        out << "\n";
        if (!t.suite.empty()) out << "  - suite: " << SuiteText(t.suite) << "\n";
        if (t.checker) out << "  - checker: `bufconf check` (`layout::Validate`)\n";
        for (const auto& [test, files] : t.tests) {
          std::vector<std::string> paths;
          for (const std::string& f : files) paths.push_back(Code(f));
          out << "  - test " << Code(test) << ": " << Join(paths, ", ") << "\n";
        }
      }
      if (!t.zoo.empty()) {
        out << "- **Zoo entries that break it:**\n";
        for (const zoo::ZooEntry* e : t.zoo) {
          out << "  - " << Code(e->name) << " (" << Md(e->source) << "): " << Md(e->invariant)
              << "\n";
        }
      }
    }
    out << "\n";
  }

  std::string page = out.str();
  while (page.size() >= 2 && page[page.size() - 1] == '\n' && page[page.size() - 2] == '\n') {
    page.pop_back();
  }
  if (out_path.empty()) {
    std::cout << page;
  } else {
    std::ofstream file(out_path, std::ios::binary);
    file << page;
    if (!file) {
      std::cerr << "spec_gen: cannot write '" << out_path << "'\n";
      return 2;
    }
  }
  for (const std::string& p : problems) std::cerr << "spec_gen: " << p << "\n";
  return check && !problems.empty() ? 1 : 0;
}

}  // namespace
}  // namespace bufconf::docs

int main(int argc, char** argv) { return bufconf::docs::Main(argc, argv); }
