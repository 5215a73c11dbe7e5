// Expectations: the rules an implementation knowingly breaks, so CI can pass while they are
// being fixed (and fail as soon as one is fixed, until the expectation is removed).
//
// File format (UTF-8 text, one expectation a line, meant to be reviewed in pull requests):
//
//   # Comments start with '#' as the first non-blank character of a line.
//   REQ-WRITABLE        readonly exporters ignore PyBUF_WRITABLE (issue #12)
//   LAYOUT-LEN-SIMPLE   len counts padding bytes
//   FORMAT-SIZE  @ctypes*Structure*  ctypes 3.11 writes no struct padding (bpo-32780)
//
// - An optional scope after the ID, '@GLOB' ('*' and '?' wildcards, no blanks), limits the
//   expectation to failures whose place matches: an enumerated exporter's description, or
//   "generated exporter" / "generated view". A failure anywhere else still fails the run.
// - After the scope, an optional message pattern, '~GLOB' (no blanks) or '~"GLOB"' (blanks
//   allowed, no '"'), limits it further to failures whose message matches, so a known deviation
//   is expected and a new one of the same rule at the same place still fails:
//     REQ-FAIL-BUFFERERROR  @numpy*  ~"*raised ValueError: *"  numpy #3634
// - A line is a rule ID (an ID of the rules catalogue: letters, digits and '-'), then at least
//   one space or tab, then the reason: free text to the end of the line (it may contain '#').
// - Blank lines and comment lines are ignored; leading and trailing blanks are ignored.
// - Errors, each reported as "FILE:LINE: message" (the runner exits with status 2): a line that
//   does not start with a rule ID, an ID listed twice, an ID without a reason, an empty scope.
// - Warnings, "FILE:LINE: message" (the line is ignored, the run goes on): an ID that is not a
//   rule of the catalogue (renamed or removed).
#ifndef BUFCONF_CONFORMANCE_SUITE_EXPECTATIONS_H_
#define BUFCONF_CONFORMANCE_SUITE_EXPECTATIONS_H_

#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "conformance/suite/report.h"

namespace bufconf::suite {

struct Expectation {
  std::string rule;
  std::string scope;  // glob over failure places; empty: the whole rule
  std::string reason;
  std::string message;  // glob over the failure's message; empty: any
};

struct Expectations {
  std::map<std::string, std::string> reasons;  // rule ID -> reason (whole-rule entries)
  std::vector<Expectation> scoped;             // entries with a scope
  std::vector<std::string> warnings;           // lines ignored: unknown rule IDs
};

// Every problem of an expectations file (or its not being readable). what() is all the
// messages, one a line; the runner exits with status 2.
class ExpectationsError : public std::runtime_error {
 public:
  explicit ExpectationsError(std::vector<std::string> messages);
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  std::vector<std::string> messages_;
};

// Parses the text of an expectations file. `file_name` is used in messages only; `known_ids`
// are the rule IDs an expectation may name. Throws ExpectationsError listing every error.
Expectations ParseExpectations(std::string_view text, const std::string& file_name,
                               const std::vector<std::string>& known_ids);

// The most an expectations file may hold: 16 MiB, some 100,000 lines of scoped expectations.
inline constexpr size_t kExpectationsFileLimit = size_t{1} << 24;

// Reads and parses the file at `path`. Throws ExpectationsError naming the path when it cannot be
// read (missing, a directory, unreadable, a read error) or holds more than
// kExpectationsFileLimit bytes.
Expectations LoadExpectations(const std::string& path, const std::vector<std::string>& known_ids);

// Applies expectations to a run:
//   fail of an expected rule    -> xfail when every failure place is covered (the whole rule,
//                                  or a scope matching it), else it stays a fail naming the
//                                  first uncovered place; reason "<expectation reason>: <failure
//                                  message>" (counterexample and replay command kept);
//   pass of an expected rule    -> xpass (a failure of the run: the expectation is stale), also
//                                  when a scoped expectation matches no failure place;
//   skip/blocked expected rule  -> warning "expectation for X not checked (skipped|blocked)";
//   expectation for a rule that is not in the report -> warning (stale expectation), unless
//                                  --filter leaves the rule out, or the run is a shard and the
//                                  rule is another shard's.
void ApplyExpectations(const Expectations& expectations, RunReport& report);

}  // namespace bufconf::suite

#endif  // BUFCONF_CONFORMANCE_SUITE_EXPECTATIONS_H_
