// The results of one conformance run and their three renderings: a human-readable banner and
// table, a JSON scorecard, and JUnit XML for CI systems.
#ifndef BUFCONF_CONFORMANCE_SUITE_REPORT_H_
#define BUFCONF_CONFORMANCE_SUITE_REPORT_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace bufconf::suite {

// kXfail: failed, as the expectations file says it does. kXpass: passed although the
// expectations file says it fails (the expectation is out of date: a failure of the run).
// kError: bufconf itself could not judge the rule (its own limit or bug): an error of the run,
// never a finding against the implementation.
enum class Status { kPass, kFail, kSkip, kBlocked, kXfail, kXpass, kError };

// "pass", "fail", "skip", "blocked", "xfail", "xpass", "error".
const char* StatusName(Status status);

// One place a rule failed: an enumerated exporter (its description), or "generated exporter" /
// "generated view" for generated cases.
struct RuleFailure {
  std::string where;
  std::string message;
  std::string counterexample_file;
};

struct RuleResult {
  std::string rule;       // catalogue ID, e.g. "REQ-WRITABLE"
  std::string level;      // "MUST" | "SHOULD" | "PORTABILITY"
  std::string party;      // who must keep it: "exporter" | "consumer" | "interpreter"
  std::string statement;  // one line
  Status status = Status::kSkip;
  int64_t cases = 0;                  // cases run for this rule
  int64_t unsupported = 0;            // generated cases the adapter could not express
  std::string reason;                 // skip/blocked/xfail reason, or the failure message
  std::string counterexample_file;    // path of the saved counterexample (failures)
  std::string replay_command;         // e.g. "bufconf replay bufconf-failures/REQ-WRITABLE.json"
  int64_t cases_to_failure = 0;       // cases until the first failure (failures)
  double seconds = 0;                 // time spent on this rule (JUnit `time`)
  std::vector<RuleFailure> failures;  // every place it failed (first one = reason above)
  int64_t blocked = 0;                // cases not judged: their exporter's full description broke
  std::string blocked_reason;         //   a MUST rule (the first one's reason)
  int64_t not_exercised = 0;          // cases run that could not break this rule
  int64_t minimum_cases = 0;          // the profile's minimum (fewer is said in `notes`)
  std::vector<std::string> notes;     // why CASES is what it is: blocked, not exercised, few
};

// A run of one shard of the rules (bufconf run --shard INDEX/COUNT, or Bazel's
// TEST_TOTAL_SHARDS/TEST_SHARD_INDEX): the report lists this shard's rules only, and says so.
struct ShardInfo {
  int64_t index = 0;   // 0-based
  int64_t count = 0;   // 0: the run is not sharded
  int64_t rules = 0;   // rules in this shard
  int64_t of = 0;      // rules the filter selects, all shards together
  std::string source;  // "--shard" or "TEST_TOTAL_SHARDS/TEST_SHARD_INDEX"
};

// The interpreter an adapter with via_interpreter runs in (the python adapter: embedded, or
// hosting bufconf with --python); empty when the adapter does not say.
struct InterpreterInfo {
  std::string implementation;  // "CPython"
  std::string version;         // "3.12.1"
  std::string path;            // "/root/.pyenv/versions/3.12.1/bin/python3.12"
};

// The interpreter named by an adapter version of the form "CPython 3.12.1 (hosted by PATH)..."
// or "CPython 3.11.2 (embedded PATH)..." (the python adapter's); empty fields otherwise.
InterpreterInfo InterpreterFromVersion(const std::string& adapter_version);

struct RunReport {
  std::string adapter_name, adapter_version, adapter_source;  // source: "built-in" or a path
  InterpreterInfo interpreter;
  std::vector<std::string> capabilities;  // names
  std::string suite_version;              // e.g. "bufconf 0.1"
  uint64_t seed = 0;
  int64_t examples = 0;
  std::string profile;
  std::string filter;
  ShardInfo shard;             // the rules of other shards are not in `results`
  double timeout_seconds = 0;  // the limit on one case (a hang costs this much)
  bool isolate = true;         // each rule in a forked child
  // ExitStatus is 1 when no rule ran a single case (an adapter that expresses nothing must not
  // look green); `bufconf run --allow-empty` clears it.
  bool empty_run_fails = false;
  double seconds = 0;
  std::vector<RuleResult> results;    // one per rule: the checked rules, then (bufconf run) the
                                      // catalogue rules the suite cannot check, as skips
  std::vector<std::string> warnings;  // e.g. stale expectations
  // bufconf's own errors (its limits, its bugs): the run is incomplete, exit status 3 unless a
  // rule failed.
  std::vector<std::string> errors;
  // The adapter misbehaving outside any rule (enumerate failing, hanging or crashing, regions
  // returning an impossible count): not a finding and not bufconf's own error; exit status 2.
  std::vector<std::string> adapter_errors;
  int64_t objects = 0;                                               // enumerated exporters judged
  std::vector<std::pair<std::string, std::string>> skipped_objects;  // (description, why)
  std::vector<std::pair<std::string, std::string>> object_notes;     // (description, note)
  std::vector<std::string> unfinished;  // objects a hang or crashes cut short
};

// How many results have each status.
struct Totals {
  int64_t pass = 0, fail = 0, skip = 0, blocked = 0, xfail = 0, xpass = 0, error = 0;
};
Totals CountResults(const RunReport& report);

// Several lines: adapter (name, version, source), capabilities, suite version, seed, settings,
// and for a sharded run "shard 2/3: N of M rules".
std::string Banner(const RunReport& report);

// The per-rule table (rule, level, status, cases); then every failure (and unexpected pass)
// with its message, counterexample file and one-line replay command; then the warnings; then
// the totals line "N pass, N fail, N skip, N blocked, N xfail, N xpass".
std::string ResultTable(const RunReport& report);

// Everything, machine-readable:
// {"suite_version", "adapter": {"name", "version", "source", "capabilities"},
//  "settings": {"seed", "examples", "profile", "filter", "timeout_seconds", "fork"},
//  "shard"? (a sharded run): {"index", "count", "rules", "of", "source", "note"?}, "seconds",
//  "totals": {"pass", "fail", "skip", "blocked", "xfail", "xpass"}, "exit_status",
//  "results": [{"rule", "level", "statement", "status", "cases", "unsupported", "seconds",
//               "reason"?,
//               "counterexample_file"?, "replay_command"?, "cases_to_failure"?}],
//  "warnings": [...]}
// Strings that are not valid UTF-8 have each bad byte replaced by the text "\xNN", so the
// result always dumps without throwing.
nlohmann::ordered_json ScorecardJson(const RunReport& report);

// JUnit XML: one <testsuite name="bufconf">, one <testcase> per rule with classname
// "bufconf.<area>" (the ID's prefix before the first '-', lowercased). fail and xpass are
// <failure>s, skip, blocked and xfail are <skipped>. All text is escaped; characters XML 1.0
// cannot represent (control characters, bad UTF-8) are written as the text "\xNN".
std::string JUnitXml(const RunReport& report);

// For a shard with no rule: why, and that it passes ("" otherwise).
std::string ShardNote(const ShardInfo& shard);

// True when no rule ran a single case (false for a shard with no rule: nothing was to be run).
bool NothingTested(const RunReport& report);

// True when the adapter only enumerates (no make_exporter: a python factory) and it gave objects
// but every one was skipped: no exporter was judged, and the rules that passed judged the
// interpreter's algorithms, not the objects. A vacuous pass otherwise (exit 1, as NothingTested).
bool NoObjectJudged(const RunReport& report);

// 2 when the adapter misbehaved outside any rule (adapter_errors); else 1 when a rule failed or
// passed unexpectedly (xpass), or (with `empty_run_fails`) no rule ran a case; else 3 when
// bufconf could not judge everything (an error status or a run error); else 0.
int ExitStatus(const RunReport& report);

// `text` as valid UTF-8: each byte that is not part of a valid sequence becomes "\xNN".
std::string SanitizeUtf8(const std::string& text);

// `text` escaped for XML 1.0 character data and attribute values (both quotes; tab, CR and LF
// as character references so attribute values keep them).
std::string XmlEscape(const std::string& text);

// Simple glob: '*' any run, '?' one character (rule filters, expectation scopes, zoo --only).
bool GlobMatch(const std::string& pattern, const std::string& text);

}  // namespace bufconf::suite

#endif  // BUFCONF_CONFORMANCE_SUITE_REPORT_H_
