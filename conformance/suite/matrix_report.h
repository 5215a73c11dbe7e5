// `bufconf matrix`: several conformance runs (one per interpreter) merged into one scorecard, and
// its renderings: a terminal table (100 columns for 6 interpreters), JSON and JUnit XML (the HTML
// page: matrix_html.h). The runs come in as the JSON scorecards `bufconf run --json` writes
// (conformance/suite/report.h, ScorecardJson); this library neither runs nor reads files.
//
// A column is one interpreter: it ran (its run's JSON, the run's exit status and its run-level
// problems: adapter errors, bufconf errors), or it could not run (not found, an unsupported
// version, a crash, no JSON, JSON that is no scorecard): a column "not run: REASON", never
// dropped. The rows are the rules; "changes" are the rules whose verdict differs between the
// columns that ran, with the messages of each cell.
#ifndef BUFCONF_CONFORMANCE_SUITE_MATRIX_REPORT_H_
#define BUFCONF_CONFORMANCE_SUITE_MATRIX_REPORT_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace bufconf::suite {

// One rule in one column: what the run said about it.
struct MatrixCell {
  bool present = false;  // false: the rule is not in this column's run (or the column did not run)
  std::string status;    // "pass", "fail", "skip", "blocked", "xfail", "xpass", "error"
  int64_t cases = 0;
  std::string reason;                 // skip/blocked/xfail reason, or the first failure message
  std::vector<std::string> messages;  // every failure's message ("where: message"), in order
  std::set<std::string> places;       // every failure's place, as MatrixPlace gives it
};

// A failure's place ("where") as the columns compare it: addresses ("0x7f...") are "0x?", and
// the interpreter's own place ("interpreter python CPython 3.12.1 (hosted by ...)") is
// "interpreter", which every column names differently.
std::string MatrixPlace(const std::string& where);

// One interpreter.
struct MatrixColumn {
  std::string given;   // what the user gave: the --python argument, or the --scorecard file
  std::string source;  // "--python" or "--scorecard"
  bool ran = false;
  std::string not_run;  // why not (when !ran)
  // From the run's JSON: "interpreter" {"implementation", "version", "path"} when present, else
  // the adapter's name and version.
  std::string implementation, version, path;
  std::string adapter_name, adapter_version;
  int exit_status = 2;                // the run's (2 when it did not run)
  nlohmann::json totals;              // the run's "totals" object (null when it did not run)
  nlohmann::json settings;            // the run's "settings" object (null when it did not run)
  std::vector<std::string> problems;  // adapter errors, bufconf errors, "exit status N: ..."
  std::vector<std::string> warnings;  // the run's warnings
  // rule ID -> cell, in the run's order.
  std::vector<std::pair<std::string, MatrixCell>> cells;
  // rule ID -> (level, statement), for the rows.
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> rule_info;
};

// A column from a run's JSON scorecard. Throws std::runtime_error naming the field when `run` is
// not one (no "results" array, a result without "rule" or with an unknown "status", "exit_status"
// not 0..3, ...). `exit_status`: the run's process exit status when known (a child run); it
// must agree with the JSON's "exit_status", or that disagreement is a problem of the column
// (status 2).
MatrixColumn ColumnFromRun(const std::string& given, const std::string& source,
                           const nlohmann::json& run, std::optional<int> exit_status = {});

// A column that did not run, with the reason ("interpreter not found: python3.99 ...").
MatrixColumn NotRunColumn(const std::string& given, const std::string& source,
                          const std::string& reason);

// The short header of a column, at most 9 characters: "cp3.12.1" (cpython 3.12.1), "pp7.3.15"
// (pypy), else the implementation's (adapter's) name and version cut to fit.
std::string ColumnShortName(const MatrixColumn& column);
// The long header: "cpython 3.12.1" (or the adapter's name and version), or "not run: GIVEN".
std::string ColumnTitle(const MatrixColumn& column);

// A cell in the terminal table, at most 9 characters: "pass 192", "FAIL 17", "xfail 32",
// "XPASS 5", "skip", "blkd 9" (blocked), "ERROR", "-" (not in that run), "n/a" (not run); a count
// that does not fit is in thousands, rounded down ("pass 16k").
std::string MatrixCellText(const MatrixColumn& column, const MatrixCell& cell);
// "40 pass, 1 fail, 39 skip, 0 blocked, 0 xfail, 0 xpass, 0 error" from a run's "totals".
std::string MatrixTotalsText(const nlohmann::json& totals);
// What a cell has to say: its failure messages, or else its reason (none for a plain pass).
std::vector<std::string> MatrixCellMessages(const MatrixCell& cell);

struct MatrixRule {
  std::string id, level, statement;
  std::vector<MatrixCell> cells;  // one per column
};

// A rule whose verdict differs between the columns that ran: its status, or, with the same
// status, the exporters it fails on (e.g. FORMAT-SIZE failing on ctypes Structures up to 3.11
// only, and on other exporters everywhere).
struct MatrixChange {
  std::string id;
  std::vector<std::string> statuses;  // one per column ("" for a column without the rule)
  bool places_only = false;           // the statuses agree; the failing places do not
  // Per column, the places it fails on that some other column (with the rule) does not.
  std::vector<std::vector<std::string>> only;
};

struct Matrix {
  std::string suite_version;  // "bufconf 0.1"
  std::vector<MatrixColumn> columns;
  std::vector<MatrixRule> rules;  // in the first column's order, then rules only later ones have
  std::vector<MatrixChange> changes;
  std::vector<std::string> warnings;  // the same interpreter twice, settings that differ, ...
};

// Merges the columns (in their order). Warns when the same interpreter (given or path) is given
// twice and when the columns that ran used different settings (seed, examples, profile, filter).
Matrix BuildMatrix(std::vector<MatrixColumn> columns);

// 2 when a column did not run or its run exited 2; else 1 when a run exited 1; else 3 when a run
// exited 3; else 0 (every column green). An empty matrix is 2.
int MatrixExitStatus(const Matrix& matrix);

// The terminal rendering: a legend of the columns (#N, title, path, exit status and totals, the
// column's problems), the table (RULE, then one MatrixCellText per column), the changes with each
// differing cell's messages, and a last line of the exit status. At most 100 characters a line for
// 6 columns (long messages and paths are cut).
std::string MatrixText(const Matrix& matrix);

// {"matrix": {"suite_version", "exit_status", "interpreters": [{"column", "given", "source",
//  "ran", "not_run"?, "implementation", "version", "path", "adapter": {"name", "version"},
//  "exit_status", "totals", "settings", "problems", "warnings"}], "rules": [{"id", "level",
//  "statement", "cells": [{"status", "cases", "reason"?, "messages"?} | {"status": null}]}],
//  "changes": [{"id", "cells": [{"column", "status", "messages"}]}], "warnings": [...]}}
// (docs/guide/reports.md, "bufconf matrix"). Strings are valid UTF-8 (SanitizeUtf8).
nlohmann::ordered_json MatrixJson(const Matrix& matrix);

// <testsuites>, one <testsuite> per column (name: the title and the given interpreter), one
// <testcase> per rule (classname "bufconf.<short name>.<area>"): fail and xpass are <failure>s
// with every message, error an <error>, skip, blocked and xfail <skipped>. A column that did not
// run is one <testcase name="not run"> with an <error>; a column's problems one testcase "run
// problems" with an <error>.
std::string MatrixJUnitXml(const Matrix& matrix);

}  // namespace bufconf::suite

#endif  // BUFCONF_CONFORMANCE_SUITE_MATRIX_REPORT_H_
