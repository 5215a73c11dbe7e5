#include "conformance/cli/matrix_command.h"

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "conformance/cli/bounded_read.h"
#include "conformance/cli/option_checks.h"
#include "conformance/cli/output_files.h"
#include "conformance/suite/matrix_html.h"
#include "conformance/suite/matrix_report.h"
#include "conformance/suite/report.h"
#include "reference/rules/catalogue.h"

namespace bufconf::cli {
namespace {

// A scorecard a run writes is some hundreds of KiB (every failing place of every rule); 256 MiB
// bounds a file that is not one.
constexpr size_t kScorecardLimit = size_t{1} << 28;

struct MatrixOptions {
  std::vector<std::string> pythons, scorecards;
  // The options of `bufconf run` passed through to every run (only those given).
  std::string factory, seed, profile, filter, expectations_file;
  int64_t examples = 0, max_objects = 0;
  double timeout = 0;
  std::vector<std::string> env;
  bool no_expectations = false, no_fork = false, allow_empty = false;
  std::string failures_dir = "bufconf-failures";
  std::string json_file, junit_file, html_file;
  bool quiet = false;
  // The columns in the order given: (true: --python, false: --scorecard, index in its list).
  std::vector<std::pair<bool, size_t>> order;
  std::vector<std::string> pass_through;  // "--seed", "7", "--no-fork", ...
};

// A column's counterexample directory under --failures-dir: "1-python3.12" (the given name's last
// path component, characters other than [A-Za-z0-9._-] as '_').
std::string ColumnDirectory(size_t index, const std::string& given) {
  std::string base =
      given.substr(given.find_last_of('/') == std::string::npos ? 0 : given.find_last_of('/') + 1);
  if (base.empty() || base == "." || base == "..") base = "python";
  for (char& c : base) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) c = '_';
  }
  return std::to_string(index + 1) + "-" + base.substr(0, 64);
}

// The last few lines a child wrote on stderr (what it said when it gave up), as one line.
std::string StderrTail(const std::string& path) {
  std::string text;
  int reason = 0;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  struct stat st {};
  if (::fstat(fd, &st) == 0 && st.st_size > 4096) ::lseek(fd, st.st_size - 4096, SEEK_SET);
  ReadAllLimited(fd, 4096, &text, &reason);
  ::close(fd);
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (line.find_first_not_of(" \t\r") != std::string::npos) lines.push_back(line);
    start = end + 1;
  }
  // bufconf's own lines say what went wrong ("bufconf: python adapter: ...: cannot import module
  // 'm'"); a Python traceback's last lines in between say less, so they are left out when there
  // are such lines.
  std::vector<std::string> own;
  for (const std::string& line : lines) {
    if (line.rfind("bufconf", 0) == 0) own.push_back(line);
  }
  if (!own.empty()) lines = own;
  std::string out;
  const size_t first = lines.size() > 3 ? lines.size() - 3 : 0;
  for (size_t i = first; i < lines.size(); ++i) out += (out.empty() ? "" : " / ") + lines[i];
  if (out.size() > 600) out = out.substr(0, 597) + "...";
  return suite::SanitizeUtf8(out);
}

std::string SignalText(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  return "signal " + std::to_string(sig) + (abbrev ? std::string(", SIG") + abbrev : "");
}

// A scorecard's text parsed; false and `error` when it is not JSON.
// As replay files are read (conformance/suite/replay.cc): a NUL byte is invalid (nlohmann would
// stop there), nlohmann's message without its tag and with the bytes it quotes printable, 1e400 "a
// number out of range".
bool ParseScorecard(const std::string& text, nlohmann::json* out, std::string* error) {
  if (const size_t nul = text.find('\0'); nul != std::string::npos) {
    *error = "not valid JSON: a NUL byte at byte " + std::to_string(nul);
    return false;
  }
  try {
    *out = nlohmann::json::parse(text);
    return true;
  } catch (const nlohmann::json::exception& e) {
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
    *error = "not valid JSON: " + what;
    return false;
  }
}

// One `bufconf run --python INTERPRETER` as a child of this bufconf: its column.
suite::MatrixColumn RunColumn(const MatrixOptions& o, size_t index, const std::string& python,
                              const std::string& scratch) {
  const std::string json_path = scratch + "/run-" + std::to_string(index + 1) + ".json";
  const std::string err_path = scratch + "/run-" + std::to_string(index + 1) + ".stderr";
  std::vector<std::string> args = {"bufconf",
                                   "run",
                                   "--python",
                                   python,
                                   "--json",
                                   json_path,
                                   "--quiet",
                                   "--failures-dir",
                                   o.failures_dir + "/" + ColumnDirectory(index, python)};
  args.insert(args.end(), o.pass_through.begin(), o.pass_through.end());
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    return suite::NotRunColumn(python, "--python",
                               std::string("cannot start bufconf run: fork: ") + strerror(errno));
  }
  if (pid == 0) {
    // The child's table is not wanted (the matrix is the table); its stderr says why it gave up.
    const int out = ::open("/dev/null", O_WRONLY);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out >= 0) ::dup2(out, 1);
    if (err >= 0) ::dup2(err, 2);
    ::signal(SIGPIPE, SIG_DFL);
    ::execv("/proc/self/exe", argv.data());
    std::fprintf(stderr, "cannot run /proc/self/exe: %s\n", strerror(errno));
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return suite::NotRunColumn(python, "--python",
                                 std::string("cannot wait for bufconf run: ") + strerror(errno));
    }
  }
  const std::string said = StderrTail(err_path);
  const std::string tail = said.empty() ? "" : ": " + said;
  if (WIFSIGNALED(status)) {
    return suite::NotRunColumn(
        python, "--python", "bufconf run was killed (" + SignalText(WTERMSIG(status)) + ")" + tail);
  }
  const int code = WEXITSTATUS(status);
  std::string text, error;
  struct stat st {};
  if (::stat(json_path.c_str(), &st) != 0 || st.st_size == 0) {
    return suite::NotRunColumn(
        python, "--python",
        "bufconf run exited " + std::to_string(code) + " without writing its scorecard" + tail);
  }
  if (!ReadFileLimited("its scorecard", json_path, kScorecardLimit, "scorecards", &text, &error)) {
    return suite::NotRunColumn(python, "--python",
                               "bufconf run exited " + std::to_string(code) + ": " + error);
  }
  nlohmann::json run;
  if (!ParseScorecard(text, &run, &error)) {
    return suite::NotRunColumn(
        python, "--python",
        "bufconf run exited " + std::to_string(code) + " and its scorecard is " + error);
  }
  try {
    return suite::ColumnFromRun(python, "--python", run, code);
  } catch (const std::runtime_error& e) {
    return suite::NotRunColumn(python, "--python",
                               "bufconf run exited " + std::to_string(code) +
                                   " and its scorecard is not one: " + e.what());
  }
}

int Matrix(const MatrixOptions& o) {
  if (o.order.empty()) {
    std::cerr << "bufconf matrix: no interpreter: give --python INTERPRETER once per column "
                 "(or --scorecard FILE of an earlier bufconf run --json)\n";
    return 2;
  }
  for (const std::string& p : o.pythons) {
    if (p.empty()) {
      std::cerr << "bufconf matrix: --python: an empty name is no interpreter\n";
      return 2;
    }
  }
  bool any_rule = false;
  for (const rules::Rule& r : rules::Catalogue()) {
    any_rule = any_rule || suite::GlobMatch(o.filter.empty() ? "*" : o.filter, r.id);
  }
  if (!any_rule) {
    std::cerr << "bufconf matrix: --filter '" << o.filter
              << "' matches no rule (see `bufconf rules` for the IDs)\n";
    return 2;
  }
  // No output over an input or another output (as bufconf run), before anything is opened.
  {
    std::vector<NamedFile> files;
    for (const auto& [option, shown] :
         {std::pair<const char*, const std::string&>{"--json", o.json_file},
          {"--junit", o.junit_file},
          {"--html", o.html_file}}) {
      if (!shown.empty()) files.push_back({option, shown, UserPath(shown), true});
    }
    for (const std::string& s : o.scorecards) {
      files.push_back({"--scorecard", s, UserPath(s), false});
    }
    if (!o.expectations_file.empty()) {
      files.push_back(
          {"--expectations", o.expectations_file, UserPath(o.expectations_file), false});
    }
    if (std::string error; !CheckDistinctFiles(files, &error)) {
      std::cerr << "bufconf matrix: " << error << "\n";
      return 2;
    }
  }
  // The scorecards given are read before any interpreter runs: a bad one is an input error.
  std::vector<suite::MatrixColumn> from_files;
  for (const std::string& s : o.scorecards) {
    std::string text, error;
    nlohmann::json run;
    if (!ReadFileLimited(s, UserPath(s), kScorecardLimit, "scorecards", &text, &error)) {
      std::cerr << "bufconf matrix: --scorecard: " << error << "\n";
      return 2;
    }
    if (!ParseScorecard(text, &run, &error)) {
      std::cerr << "bufconf matrix: --scorecard " << s << ": " << error << "\n";
      return 2;
    }
    try {
      from_files.push_back(suite::ColumnFromRun(s, "--scorecard", run));
    } catch (const std::runtime_error& e) {
      std::cerr << "bufconf matrix: --scorecard " << s
                << ": not a bufconf run scorecard: " << e.what() << "\n";
      return 2;
    }
  }
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
      std::cerr << "bufconf matrix: " << out.option << ": " << error << "\n";
      return 2;
    }
  }
  if (!o.pythons.empty()) {
    if (std::string error;
        !CheckOutputDirectory(o.failures_dir, UserPath(o.failures_dir), &error)) {
      std::cerr << "bufconf matrix: --failures-dir: " << error << "\n";
      return 2;
    }
  }
  for (size_t a = 0; a < o.pythons.size(); ++a) {
    for (size_t b = 0; b < a; ++b) {
      if (o.pythons[a] == o.pythons[b] && !o.quiet) {
        std::cerr << "bufconf matrix: note: --python " << o.pythons[a]
                  << " is given more than once: it runs once per column\n";
        break;
      }
    }
  }
  // Scratch space for the runs' scorecards and messages.
  std::string scratch;
  if (!o.pythons.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/bufconf-matrix-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::cerr << "bufconf matrix: cannot make a scratch directory " << pattern << ": "
                << strerror(errno) << "\n";
      return 2;
    }
    scratch = pattern;
  }
  std::vector<suite::MatrixColumn> columns;
  for (size_t k = 0; k < o.order.size(); ++k) {
    const auto [python, i] = o.order[k];
    if (!python) {
      columns.push_back(from_files[i]);
      continue;
    }
    const std::string& given = o.pythons[i];
    if (!o.quiet) {
      std::cerr << "bufconf matrix: #" << k + 1 << " of " << o.order.size()
                << ": bufconf run --python " << given << " ...\n";
    }
    const auto start = std::chrono::steady_clock::now();
    columns.push_back(RunColumn(o, k, given, scratch));
    if (!o.quiet) {
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const suite::MatrixColumn& c = columns.back();
      char took[32];
      std::snprintf(took, sizeof took, "%.1f", seconds);
      std::cerr << "bufconf matrix: #" << k + 1 << " "
                << (c.ran ? "exit " + std::to_string(c.exit_status) : "not run: " + c.not_run)
                << " (" << took << " s)\n";
    }
  }
  if (!scratch.empty()) {
    for (size_t k = 0; k < o.order.size(); ++k) {
      for (const char* ext : {".json", ".stderr"}) {
        ::unlink((scratch + "/run-" + std::to_string(k + 1) + ext).c_str());
      }
    }
    ::rmdir(scratch.c_str());
  }
  const suite::Matrix matrix = suite::BuildMatrix(std::move(columns));
  std::vector<std::string> output_errors;
  std::cout << suite::MatrixText(matrix);
  if (std::string error; !FlushStdout(&error)) output_errors.push_back(error);
  auto write = [&output_errors](Output& out, const std::function<std::string()>& contents) {
    if (out.shown.empty()) return;
    if (std::string error; !out.file.WriteAndClose(contents(), &error)) {
      output_errors.push_back(std::string(out.option) + ": " + error);
    }
  };
  write(outputs[0], [&] { return suite::MatrixJson(matrix).dump(2) + "\n"; });
  write(outputs[1], [&] { return suite::MatrixJUnitXml(matrix); });
  write(outputs[2], [&] { return suite::MatrixHtml(matrix, NowUtc()); });
  if (!output_errors.empty()) {
    for (const std::string& e : output_errors) std::cerr << "bufconf matrix: " << e << "\n";
    return 2;
  }
  return suite::MatrixExitStatus(matrix);
}

}  // namespace

void AddMatrixCommand(CLI::App& app, std::function<int()>* run) {
  auto o = std::make_shared<MatrixOptions>();
  CLI::App* cmd = app.add_subcommand(
      "matrix",
      "Run the conformance suite under several Python interpreters (one bufconf run --python "
      "each, one after the other) and print one scorecard: rules by interpreters, and what "
      "changed between them. Exit 0 every run green, 1 a rule failed under some interpreter, 2 "
      "an interpreter that did not run or a usage/adapter error, 3 bufconf could not judge "
      "everything.");
  CLI::Option* python =
      cmd->add_option("--python", o->pythons,
                      "an interpreter, a path or a command name such as python3.12: one column "
                      "(repeatable; the same one twice runs twice)")
          ->expected(1)
          ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  CLI::Option* scorecard =
      cmd->add_option("--scorecard", o->scorecards,
                      "the JSON of an earlier bufconf run --json as one more column (repeatable)")
          ->expected(1)
          ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  // Passed through to every run.
  std::vector<CLI::Option*> through = {
      cmd->add_option("--factory", o->factory,
                      "package.module:callable returning the objects to test"),
      cmd->add_flag("--no-expectations", o->no_expectations,
                    "ignore the built-in expectations of the adapter"),
      cmd->add_option("--seed", o->seed, "RapidCheck seed, 0 to 2^64-1")->check(SeedValidator()),
      cmd->add_option("--examples", o->examples, "cases per rule, 1 to 10000000")
          ->check(ExamplesValidator()),
      cmd->add_option("--profile", o->profile, "quick or deep")
          ->check(CLI::IsMember({"quick", "deep"})),
      cmd->add_option("--filter", o->filter, "only rules whose ID matches this glob"),
      cmd->add_option("--expectations", o->expectations_file,
                      "rules the implementation knowingly breaks: lines 'RULE-ID reason'")
          ->check(
              [](const std::string& path) {
                return path.empty() ? std::string("an empty path names no expectations file")
                                    : std::string();
              },
              "PATH"),
      cmd->add_option("--env", o->env,
                      "an environment variable recorded in every counterexample file "
                      "(repeatable)")
          ->check(EnvNameValidator()),
      cmd->add_option("--timeout", o->timeout, "seconds one case may take (0 < S <= 86400)")
          ->check(TimeoutValidator()),
      cmd->add_option("--max-objects", o->max_objects,
                      "the most exporters an adapter or factory may give, 1 to 1000000")
          ->check(MaxObjectsValidator()),
      cmd->add_flag("--no-fork", o->no_fork, "run each run's rules in its own process"),
      cmd->add_flag("--allow-empty", o->allow_empty, "a run in which no rule ran a case exits 0"),
  };
  cmd->add_option("--failures-dir", o->failures_dir,
                  "counterexample files go to DIR/N-NAME, one directory per column")
      ->capture_default_str();
  cmd->add_option("--json", o->json_file, "write the matrix as JSON to FILE");
  cmd->add_option("--junit", o->junit_file,
                  "write JUnit XML to FILE (one testsuite per interpreter)");
  cmd->add_option("--html", o->html_file, "write the matrix as one self-contained HTML page");
  cmd->add_flag("--quiet", o->quiet, "no progress lines");
  cmd->callback([o, cmd, python, scorecard, through, run] {
    size_t p = 0, s = 0;
    for (const CLI::Option* opt : cmd->parse_order()) {
      if (opt == python && p < o->pythons.size()) o->order.push_back({true, p++});
      if (opt == scorecard && s < o->scorecards.size()) o->order.push_back({false, s++});
    }
    for (; p < o->pythons.size(); ++p) o->order.push_back({true, p});
    for (; s < o->scorecards.size(); ++s) o->order.push_back({false, s});
    for (const CLI::Option* opt : through) {
      if (opt->count() == 0) continue;
      const std::string name = opt->get_name();
      if (name == "--no-expectations" || name == "--no-fork" || name == "--allow-empty") {
        o->pass_through.push_back(name);
        continue;
      }
      for (const std::string& value : opt->results()) {
        o->pass_through.push_back(name);
        o->pass_through.push_back(value);
      }
    }
    *run = [o] { return Matrix(*o); };
  });
}

}  // namespace bufconf::cli
