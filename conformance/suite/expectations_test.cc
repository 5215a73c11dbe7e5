// The expectations file: parsing (with errors by line) and applying it to a run.
#include "conformance/suite/expectations.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace bufconf::suite {
namespace {

const std::vector<std::string> kKnown = {"REQ-WRITABLE", "LAYOUT-LEN", "FIELDS-OBJ",
                                         "FIELDS-BUF-NONNULL", "REQ-FORMAT"};

// The messages ParseExpectations throws for `text` (empty if it parses).
std::vector<std::string> Errors(const std::string& text) {
  try {
    ParseExpectations(text, "exp.txt", kKnown);
  } catch (const ExpectationsError& e) {
    return e.messages();
  }
  return {};
}

RuleResult Result(const std::string& rule, Status status, const std::string& reason = "") {
  RuleResult r;
  r.rule = rule;
  r.level = "MUST";
  r.status = status;
  r.reason = reason;
  return r;
}

TEST(Expectations, Parses) {
  const Expectations e = ParseExpectations(
      "# Known failures of the foo exporter.\n"
      "\n"
      "REQ-WRITABLE   ignores PyBUF_WRITABLE (issue #12)  \r\n"
      "  LAYOUT-LEN\tlen counts padding\n"
      "   # indented comment\n"
      "FIELDS-OBJ no trailing newline",
      "exp.txt", kKnown);
  ASSERT_EQ(e.reasons.size(), 3u);
  EXPECT_EQ(e.reasons.at("REQ-WRITABLE"), "ignores PyBUF_WRITABLE (issue #12)");
  EXPECT_EQ(e.reasons.at("LAYOUT-LEN"), "len counts padding");
  EXPECT_EQ(e.reasons.at("FIELDS-OBJ"), "no trailing newline");
  EXPECT_TRUE(ParseExpectations("", "exp.txt", kKnown).reasons.empty());
}

TEST(Expectations, ErrorsHaveFileAndLine) {
  EXPECT_EQ(Errors("REQ-WRITABLE ok\nNO-SUCH-RULE\n"),
            std::vector<std::string>{"exp.txt:2: expectation for NO-SUCH-RULE has no reason"});
  EXPECT_EQ(Errors("REQ-WRITABLE one\n\nREQ-WRITABLE two\n"),
            std::vector<std::string>{
                "exp.txt:3: duplicate expectation for REQ-WRITABLE (first on line 1)"});
  EXPECT_EQ(Errors("# c\nLAYOUT-LEN   \n"),
            std::vector<std::string>{"exp.txt:2: expectation for LAYOUT-LEN has no reason"});
  EXPECT_EQ(Errors("REQ-WRITABLE: reason\n"),
            std::vector<std::string>{"exp.txt:1: expected 'RULE-ID  reason', got "
                                     "'REQ-WRITABLE: reason'"});
  EXPECT_EQ(Errors("* REQ-WRITABLE reason\n").size(), 1u);
}

// An unknown rule ID (renamed or removed) is a warning naming the line, not an error: the line
// is ignored and the other lines still apply.
TEST(Expectations, UnknownRuleIsAWarning) {
  const Expectations e =
      ParseExpectations("REQ-WRITABLE ok\nNO-SUCH-RULE reason\n", "exp.txt", kKnown);
  EXPECT_EQ(e.reasons.size(), 1u);
  EXPECT_EQ(e.reasons.count("REQ-WRITABLE"), 1u);
  EXPECT_EQ(e.warnings, std::vector<std::string>{"exp.txt:2: unknown rule ID 'NO-SUCH-RULE' (see "
                                                 "`bufconf rules`): the line is ignored"});
}

TEST(Expectations, ReportsEveryError) {
  const std::vector<std::string> errors =
      Errors("X-1 a b\nREQ-FORMAT b\nX-2: c\nREQ-FORMAT d\n: e\n");
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].rfind("exp.txt:3:", 0), 0u);
  EXPECT_EQ(errors[1].rfind("exp.txt:4:", 0), 0u);
  EXPECT_EQ(errors[2].rfind("exp.txt:5:", 0), 0u);
  try {
    ParseExpectations("X-1: a\nX-2: c\n", "exp.txt", kKnown);
    FAIL();
  } catch (const ExpectationsError& e) {
    EXPECT_NE(std::string(e.what()).find("exp.txt:1:"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("\nexp.txt:2:"), std::string::npos);
  }
}

// The one message LoadExpectations throws for `path` (empty if it loads).
std::string LoadError(const std::string& path) {
  try {
    LoadExpectations(path, kKnown);
  } catch (const ExpectationsError& e) {
    return e.what();
  }
  return "";
}

std::string TempDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

TEST(Expectations, UnreadableFile) {
  EXPECT_THROW(LoadExpectations("/nonexistent/expectations.txt", kKnown), ExpectationsError);
  // Every file that cannot be read is an error naming it and why, never no expectations.
  EXPECT_EQ(LoadError("/nonexistent/expectations.txt"),
            "/nonexistent/expectations.txt: cannot read the expectations file: No such file or "
            "directory");
  EXPECT_EQ(LoadError(TempDir()),
            TempDir() + ": cannot read the expectations file: Is a directory");
  EXPECT_EQ(LoadError(""), ": cannot read the expectations file: an empty path");
}

TEST(Expectations, FileLimit) {
  // /dev/zero is read up to the limit, not to the end of memory.
  EXPECT_EQ(LoadError("/dev/zero"),
            "/dev/zero: the expectations file is larger than the 16777216-byte (16 MiB) limit for "
            "expectations files");
  // A regular file: measured, and a file of exactly the limit is read.
  const std::string path = TempDir() + "/expectations-at-limit.txt";
  std::string text = "REQ-WRITABLE  a reason\n";
  text.resize(kExpectationsFileLimit, '#');  // the rest: one comment line
  { std::ofstream(path, std::ios::binary) << text; }
  EXPECT_EQ(LoadError(path), "");
  { std::ofstream(path, std::ios::binary | std::ios::app) << "\n"; }
  EXPECT_EQ(LoadError(path), path +
                                 ": the expectations file is larger than the 16777216-byte (16 "
                                 "MiB) limit for expectations files");
  std::remove(path.c_str());
}

TEST(Expectations, Apply) {
  RunReport report;
  RuleResult fail = Result("LAYOUT-LEN", Status::kFail, "len is 12");
  fail.counterexample_file = "bufconf-failures/LAYOUT-LEN.json";
  fail.replay_command = "bufconf replay bufconf-failures/LAYOUT-LEN.json";
  report.results = {Result("REQ-WRITABLE", Status::kPass), fail,
                    Result("FIELDS-OBJ", Status::kSkip, "no exporter"),
                    Result("FIELDS-BUF-NONNULL", Status::kFail, "NULL buf"),
                    Result("REQ-FORMAT", Status::kBlocked, "crashed")};
  Expectations e;
  e.reasons = {{"REQ-WRITABLE", "ignores the flag"},
               {"LAYOUT-LEN", "counts padding"},
               {"FIELDS-OBJ", "obj is NULL"},
               {"REQ-FORMAT", "bad formats"},
               {"NOT-RUN", "filtered out"}};
  ApplyExpectations(e, report);

  EXPECT_EQ(report.results[0].status, Status::kXpass);
  EXPECT_NE(report.results[0].reason.find("ignores the flag"), std::string::npos);
  EXPECT_EQ(report.results[1].status, Status::kXfail);
  EXPECT_EQ(report.results[1].reason, "counts padding: len is 12");
  EXPECT_EQ(report.results[1].counterexample_file, "bufconf-failures/LAYOUT-LEN.json");
  EXPECT_EQ(report.results[1].replay_command, "bufconf replay bufconf-failures/LAYOUT-LEN.json");
  EXPECT_EQ(report.results[2].status, Status::kSkip);
  EXPECT_EQ(report.results[3].status, Status::kFail);  // not expected: stays a failure
  EXPECT_EQ(report.results[4].status, Status::kBlocked);
  ASSERT_EQ(report.warnings.size(), 3u);
  EXPECT_EQ(report.warnings[0], "expectation for FIELDS-OBJ not checked (skip)");
  EXPECT_EQ(report.warnings[1], "expectation for REQ-FORMAT not checked (blocked)");
  EXPECT_NE(report.warnings[2].find("stale expectation for NOT-RUN"), std::string::npos);
  EXPECT_EQ(ExitStatus(report), 1);
}

// A rule --filter leaves out is not in the run by the user's choice: its expectation is not
// stale (the built-in expectations cover every rule; a run of one rule warned about the rest).
// A rule the filter selects that is not in the report still is.
TEST(Expectations, RulesTheFilterLeavesOutAreNotStale) {
  RunReport report;
  report.filter = "REQ-*";
  report.results = {Result("REQ-WRITABLE", Status::kPass)};
  Expectations e;
  e.reasons = {{"LAYOUT-LEN", "counts padding"}, {"REQ-NO-SUCH", "a typo"}};
  ApplyExpectations(e, report);
  ASSERT_EQ(report.warnings.size(), 1u);
  EXPECT_NE(report.warnings[0].find("stale expectation for REQ-NO-SUCH"), std::string::npos);
}

TEST(Expectations, AllExpectedFailuresPassTheRun) {
  RunReport report;
  report.results = {Result("REQ-WRITABLE", Status::kPass),
                    Result("LAYOUT-LEN", Status::kFail, "len is 12")};
  Expectations e;
  e.reasons = {{"LAYOUT-LEN", "counts padding"}};
  EXPECT_EQ(ExitStatus(report), 1);
  ApplyExpectations(e, report);
  EXPECT_EQ(ExitStatus(report), 0);
  EXPECT_TRUE(report.warnings.empty());
}

TEST(ScopedExpectations, CoverOnlyTheirPlaces) {
  const Expectations e =
      ParseExpectations("FORMAT-SIZE  @ctypes*  ctypes writes no padding\n", "f", {"FORMAT-SIZE"});
  ASSERT_EQ(e.scoped.size(), 1u);
  RunReport covered;
  RuleResult r;
  r.rule = "FORMAT-SIZE";
  r.status = Status::kFail;
  r.reason = "first";
  r.failures = {{"ctypes Structure a", "m1", "f1"}, {"ctypes Structure b", "m2", "f2"}};
  covered.results.push_back(r);
  ApplyExpectations(e, covered);
  EXPECT_EQ(covered.results[0].status, Status::kXfail);

  RunReport uncovered;
  r.failures.push_back({"numpy int32", "m3", "f3"});
  uncovered.results.push_back(r);
  ApplyExpectations(e, uncovered);
  EXPECT_EQ(uncovered.results[0].status, Status::kFail);
  EXPECT_EQ(uncovered.results[0].reason, "m3");
  EXPECT_EQ(uncovered.results[0].counterexample_file, "f3");

  RunReport passed;
  r.status = Status::kPass;
  r.failures.clear();
  passed.results.push_back(r);
  ApplyExpectations(e, passed);
  EXPECT_EQ(passed.results[0].status, Status::kXpass);
}

// A message pattern expects one known deviation: a new failure of the same rule at the same
// place (another exception, say) still fails the run.
TEST(ScopedExpectations, AMessagePatternExpectsOnlyThatDeviation) {
  const Expectations e = ParseExpectations(
      "REQ-FAIL-BUFFERERROR  @numpy*  ~\"*raised ValueError: *\"  numpy #3634\n"
      "FORMAT-SIZE  ~*padding*  any place, that message\n",
      "f", {"REQ-FAIL-BUFFERERROR", "FORMAT-SIZE"});
  ASSERT_EQ(e.scoped.size(), 2u);
  EXPECT_EQ(e.scoped[0].scope, "numpy*");
  EXPECT_EQ(e.scoped[0].message, "*raised ValueError: *");
  EXPECT_EQ(e.scoped[0].reason, "numpy #3634");
  EXPECT_EQ(e.scoped[1].scope, "*");
  EXPECT_EQ(e.scoped[1].message, "*padding*");
  RuleResult r;
  r.rule = "REQ-FAIL-BUFFERERROR";
  r.status = Status::kFail;
  r.failures = {{"numpy a", "it raised ValueError: not C-contiguous", "f1"}};
  RunReport known;
  known.results.push_back(r);
  ApplyExpectations(e, known);
  EXPECT_EQ(known.results[0].status, Status::kXfail);

  r.failures.push_back({"numpy b", "it raised TypeError: new", "f2"});
  RunReport fresh;
  fresh.results.push_back(r);
  ApplyExpectations(e, fresh);
  EXPECT_EQ(fresh.results[0].status, Status::kFail);
  EXPECT_EQ(fresh.results[0].reason, "it raised TypeError: new");
  EXPECT_THROW(ParseExpectations("FORMAT-SIZE ~\"open reason\n", "f", {"FORMAT-SIZE"}),
               ExpectationsError);
  EXPECT_THROW(ParseExpectations("FORMAT-SIZE @x ~ reason\n", "f", {"FORMAT-SIZE"}),
               ExpectationsError);
}

TEST(ScopedExpectations, EmptyScopeIsAnError) {
  EXPECT_THROW(ParseExpectations("FORMAT-SIZE @ reason\n", "f", {"FORMAT-SIZE"}),
               ExpectationsError);
}

}  // namespace
}  // namespace bufconf::suite
