// Rendering of a run: the table, the JSON scorecard and JUnit XML (checked with a real parser).
#include "conformance/suite/report.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace bufconf::suite {
namespace {

RuleResult Result(const std::string& rule, Status status, const std::string& reason = "") {
  RuleResult r;
  r.rule = rule;
  r.level = "MUST";
  r.statement = "Statement of " + rule + ".";
  r.status = status;
  r.cases = 100;
  r.reason = reason;
  return r;
}

RunReport SampleReport() {
  RunReport report;
  report.adapter_name = "numpy";
  report.adapter_version = "1.24.2";
  report.adapter_source = "built-in";
  report.capabilities = {"exporter", "algorithms"};
  report.suite_version = "bufconf 0.1";
  report.seed = 18446744073709551615ull;
  report.examples = 100;
  report.profile = "ci";
  report.seconds = 1.5;
  report.results.push_back(Result("REQ-WRITABLE", Status::kPass));
  RuleResult fail = Result("LAYOUT-LEN", Status::kFail, "len is 12, expected 16");
  fail.counterexample_file = "bufconf-failures/LAYOUT-LEN.json";
  fail.replay_command = "bufconf replay bufconf-failures/LAYOUT-LEN.json";
  fail.cases_to_failure = 17;
  fail.cases = 17;
  report.results.push_back(fail);
  report.results.push_back(Result("FIELDS-OBJ", Status::kSkip, "no exporter side"));
  report.results.push_back(Result("FIELDS-BUF-NONNULL", Status::kBlocked, "adapter crashed"));
  report.results.push_back(Result("LAYOUT-STRIDES-ANY", Status::kXfail, "known: bug 3"));
  report.results.push_back(Result("REQ-FORMAT", Status::kXpass, "expected to fail"));
  report.warnings.push_back("stale expectation for X");
  return report;
}

TEST(Report, StatusNames) {
  EXPECT_STREQ(StatusName(Status::kPass), "pass");
  EXPECT_STREQ(StatusName(Status::kFail), "fail");
  EXPECT_STREQ(StatusName(Status::kSkip), "skip");
  EXPECT_STREQ(StatusName(Status::kBlocked), "blocked");
  EXPECT_STREQ(StatusName(Status::kXfail), "xfail");
  EXPECT_STREQ(StatusName(Status::kXpass), "xpass");
}

TEST(Report, BannerNamesAdapterSeedAndSettings) {
  const std::string banner = Banner(SampleReport());
  EXPECT_NE(banner.find("numpy 1.24.2 (built-in)"), std::string::npos) << banner;
  EXPECT_NE(banner.find("exporter, algorithms"), std::string::npos) << banner;
  EXPECT_NE(banner.find("bufconf 0.1"), std::string::npos) << banner;
  EXPECT_NE(banner.find("18446744073709551615"), std::string::npos) << banner;
  EXPECT_NE(banner.find("profile=ci"), std::string::npos) << banner;
}

// The interpreter of the python adapter's version string, embedded or hosting bufconf (--python):
// in the banner, the JSON and the JUnit properties; nothing for other version strings.
TEST(Report, InterpreterFromTheAdapterVersion) {
  const InterpreterInfo hosted = InterpreterFromVersion(
      "CPython 3.12.1 (hosted by /opt/py/bin/python3.12) with its standard library, _testbuffer");
  EXPECT_EQ(hosted.implementation, "CPython");
  EXPECT_EQ(hosted.version, "3.12.1");
  EXPECT_EQ(hosted.path, "/opt/py/bin/python3.12");
  const InterpreterInfo embedded =
      InterpreterFromVersion("CPython 3.11.2 (embedded /usr/bin/python3), factory f:g");
  EXPECT_EQ(embedded.version, "3.11.2");
  EXPECT_EQ(embedded.path, "/usr/bin/python3");
  for (const char* other : {"1.24.2", "", "mine 2.0 (fast)", "CPython 3.11 (", "x (hosted by"}) {
    EXPECT_TRUE(InterpreterFromVersion(other).implementation.empty()) << other;
  }
  RunReport report = SampleReport();
  report.interpreter = hosted;
  EXPECT_NE(Banner(report).find("interpreter:  CPython 3.12.1 at /opt/py/bin/python3.12"),
            std::string::npos);
  const auto j = ScorecardJson(report);
  EXPECT_EQ(j["interpreter"]["version"], "3.12.1");
  EXPECT_EQ(j["interpreter"]["path"], "/opt/py/bin/python3.12");
  EXPECT_NE(JUnitXml(report).find("name=\"interpreter\" value=\"CPython 3.12.1 at /opt/py"),
            std::string::npos);
  EXPECT_FALSE(ScorecardJson(SampleReport()).contains("interpreter"));
}

// A factory whose every object was skipped judged no exporter: the passes are the interpreter's
// algorithms. Exit 1 like a run that tested nothing, unless --allow-empty (empty_run_fails off);
// an adapter that also makes exporters, or judged one object, is not such a run.
TEST(Report, NoObjectJudgedIsNotAPass) {
  RunReport report = SampleReport();
  report.results = {Result("CONTIG-C", Status::kPass)};
  report.capabilities = {"enumerate", "via_interpreter", "is_contiguous"};
  report.skipped_objects = {{"f:g[0] int", "does not support the buffer protocol"}};
  report.empty_run_fails = true;
  EXPECT_FALSE(NothingTested(report));
  EXPECT_TRUE(NoObjectJudged(report));
  EXPECT_EQ(ExitStatus(report), 1);
  report.empty_run_fails = false;
  EXPECT_EQ(ExitStatus(report), 0);
  report.empty_run_fails = true;
  report.objects = 1;
  EXPECT_FALSE(NoObjectJudged(report));
  EXPECT_EQ(ExitStatus(report), 0);
  report.objects = 0;
  report.capabilities.push_back("make_exporter");
  EXPECT_FALSE(NoObjectJudged(report));
}

TEST(Report, TableShowsFailureWithReplayCommandAndTotals) {
  const std::string table = ResultTable(SampleReport());
  EXPECT_NE(table.find("REQ-WRITABLE"), std::string::npos) << table;
  EXPECT_NE(table.find("len is 12, expected 16"), std::string::npos) << table;
  EXPECT_NE(table.find("counterexample: bufconf-failures/LAYOUT-LEN.json"), std::string::npos)
      << table;
  EXPECT_NE(table.find("replay: bufconf replay bufconf-failures/LAYOUT-LEN.json\n"),
            std::string::npos)
      << table;
  EXPECT_NE(table.find("stale expectation for X"), std::string::npos) << table;
  EXPECT_NE(table.find("\n1 pass, 1 fail, 1 skip, 1 blocked, 1 xfail, 1 xpass\n"),
            std::string::npos)
      << table;
}

TEST(Report, ExitStatus) {
  RunReport report = SampleReport();
  EXPECT_EQ(ExitStatus(report), 1);
  report.results[1].status = Status::kXfail;
  EXPECT_EQ(ExitStatus(report), 1);  // the xpass remains
  report.results[5].status = Status::kPass;
  EXPECT_EQ(ExitStatus(report), 0);
  EXPECT_EQ(ExitStatus(RunReport{}), 0);
}

TEST(Report, JsonRoundTripsCounts) {
  const RunReport report = SampleReport();
  const nlohmann::json j = nlohmann::json::parse(ScorecardJson(report).dump());
  EXPECT_EQ(j["totals"]["pass"], 1);
  EXPECT_EQ(j["totals"]["fail"], 1);
  EXPECT_EQ(j["totals"]["skip"], 1);
  EXPECT_EQ(j["totals"]["blocked"], 1);
  EXPECT_EQ(j["totals"]["xfail"], 1);
  EXPECT_EQ(j["totals"]["xpass"], 1);
  EXPECT_EQ(j["exit_status"], 1);
  EXPECT_EQ(j["settings"]["seed"].get<uint64_t>(), report.seed);
  EXPECT_EQ(j["adapter"]["name"], "numpy");
  ASSERT_EQ(j["results"].size(), report.results.size());
  for (size_t i = 0; i < report.results.size(); ++i) {
    EXPECT_EQ(j["results"][i]["rule"], report.results[i].rule);
    EXPECT_EQ(j["results"][i]["status"], StatusName(report.results[i].status));
    EXPECT_EQ(j["results"][i]["cases"], report.results[i].cases);
  }
  EXPECT_EQ(j["results"][1]["replay_command"], "bufconf replay bufconf-failures/LAYOUT-LEN.json");
  EXPECT_EQ(j["results"][1]["cases_to_failure"], 17);
  EXPECT_EQ(j["warnings"].size(), 1u);
}

TEST(Report, JsonSurvivesInvalidUtf8) {
  RunReport report = SampleReport();
  report.results[1].reason = "bad \xff byte";
  const nlohmann::json j = nlohmann::json::parse(ScorecardJson(report).dump());
  EXPECT_EQ(j["results"][1]["reason"], "bad \\xff byte");
}

TEST(Report, XmlEscape) {
  EXPECT_EQ(XmlEscape("<&\"\x01'>"), "&lt;&amp;&quot;\\x01&apos;&gt;");
  EXPECT_EQ(XmlEscape("a\tb\nc"), "a&#9;b&#10;c");
  EXPECT_EQ(XmlEscape("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(XmlEscape("\xc3"), "\\xc3");                    // truncated sequence
  EXPECT_EQ(XmlEscape("\xef\xbf\xbf"), "\\xef\\xbf\\xbf");  // U+FFFF
  EXPECT_EQ(XmlEscape("\xed\xa0\x80"), "\\xed\\xa0\\x80");  // a surrogate
}

// Writes `xml` to a file and parses it with Python's minidom.
bool ParsesAsXml(const std::string& xml, const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(dir ? dir : "/tmp") + "/" + name;
  std::ofstream(path, std::ios::binary) << xml;
  const std::string command =
      "/usr/bin/python3 -c 'import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])' " +
      path;
  return std::system(command.c_str()) == 0;
}

TEST(Report, JUnitIsWellFormedAndEscaped) {
  RunReport report = SampleReport();
  report.adapter_name = "my<adapter>&'co'";
  report.results[1].reason = "message <&\"\x01 with\ttab\nand a second line \xff\x1b[0m";
  report.results[1].statement = "]]> <![CDATA[";
  const std::string xml = JUnitXml(report);
  EXPECT_TRUE(ParsesAsXml(xml, "junit.xml")) << xml;
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
  EXPECT_EQ(xml.find('\x1b'), std::string::npos);
  EXPECT_NE(xml.find("message &lt;&amp;&quot;\\x01 with&#9;tab"), std::string::npos) << xml;
  EXPECT_NE(xml.find("tests=\"6\" failures=\"2\" skipped=\"3\" errors=\"0\""), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("classname=\"bufconf.layout\" name=\"LAYOUT-LEN\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("replay: bufconf replay bufconf-failures/LAYOUT-LEN.json"), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<failure message=\"unexpected pass: remove the expectation\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<skipped message=\"blocked: adapter crashed\"/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<property name=\"seed\" value=\"18446744073709551615\"/>"), std::string::npos)
      << xml;
}

TEST(Report, TheXmlCheckRejectsBadXml) {
  EXPECT_FALSE(ParsesAsXml("<a>&</a>", "bad.xml"));
  EXPECT_FALSE(ParsesAsXml("<a>\x01</a>", "control.xml"));
}

TEST(Report, JUnitOfAnEmptyRunIsWellFormed) {
  EXPECT_TRUE(ParsesAsXml(JUnitXml(RunReport{}), "empty.xml"));
}

// bufconf's own errors: status "error" and run errors give exit status 3 (a failure still wins),
// and every rendering says they are bufconf's; skipped objects and notes are listed.
TEST(Report, ErrorsOfBufconfAreTheirOwnStatus) {
  RunReport report;
  report.results.push_back(Result("REQ-GRANT", Status::kPass));
  RuleResult error = Result("MEMORY-SPAN", Status::kError, "bufconf could not judge 2 cases");
  report.results.push_back(error);
  report.skipped_objects.push_back({"entry 3: skipped: no bf_getbuffer", "BUFCONF_SKIPPED"});
  report.object_notes.push_back({"a memoryview", "CPython's memoryview is judged"});
  EXPECT_EQ(ExitStatus(report), 3);
  const nlohmann::ordered_json json = ScorecardJson(report);
  EXPECT_EQ(json["totals"]["error"], 1);
  EXPECT_EQ(json["exit_status"], 3);
  EXPECT_EQ(json["skipped_objects"][0]["object"], "entry 3: skipped: no bf_getbuffer");
  EXPECT_EQ(json["object_notes"][0]["note"], "CPython's memoryview is judged");
  const std::string junit = JUnitXml(report);
  EXPECT_NE(junit.find("<error message=\"bufconf could not judge this rule\""), std::string::npos)
      << junit;
  EXPECT_TRUE(ParsesAsXml(junit, "errors.xml"));
  const std::string table = ResultTable(report);
  EXPECT_NE(table.find("1 error"), std::string::npos) << table;
  EXPECT_NE(table.find("Skipped objects (not judged):\n  entry 3: skipped: no bf_getbuffer\n"),
            std::string::npos)
      << table;
  report.errors.push_back("bufconf could not ask the adapter for enumerated exporter 4");
  EXPECT_NE(ResultTable(report).find("Errors of bufconf (not findings"), std::string::npos);
  report.results[1].status = Status::kPass;
  EXPECT_EQ(ExitStatus(report), 3);  // a run error alone
  report.results[0].status = Status::kFail;
  EXPECT_EQ(ExitStatus(report), 1);  // a failure wins
}

// The adapter misbehaving outside any rule (enumerate hanging, regions returning garbage) is
// neither a finding nor bufconf's own error: its own section, JSON key and exit status 2, which
// wins over a failure and over bufconf's errors.
TEST(Report, AdapterErrorsAreExitStatusTwo) {
  RunReport report = SampleReport();
  report.errors.push_back("enumerate: the adapter has more than 3 objects");
  report.adapter_errors.push_back("the adapter's enumerate(1) did not return within 2 s");
  EXPECT_EQ(ExitStatus(report), 2);
  const std::string table = ResultTable(report);
  EXPECT_NE(table.find("Adapter errors (the adapter misbehaved; not findings, exit status 2):\n"
                       "  the adapter's enumerate(1) did not return within 2 s\n"),
            std::string::npos)
      << table;
  const nlohmann::ordered_json json = ScorecardJson(report);
  ASSERT_EQ(json["adapter_errors"].size(), 1u);
  EXPECT_EQ(json["exit_status"], 2);
  // JUnit: one error test case each for the adapter's errors and bufconf's, counted as errors.
  const std::string junit = JUnitXml(report);
  EXPECT_TRUE(ParsesAsXml(junit, "adapter_errors.xml"));
  EXPECT_NE(junit.find("name=\"adapter errors\""), std::string::npos) << junit;
  EXPECT_NE(junit.find("type=\"adapter-error\">the adapter&apos;s enumerate(1) did not return"),
            std::string::npos)
      << junit;
  EXPECT_NE(junit.find("name=\"errors of bufconf\""), std::string::npos) << junit;
  report.adapter_errors.clear();
  EXPECT_EQ(ScorecardJson(report)["adapter_errors"].size(), 0u);
  EXPECT_NE(ExitStatus(report), 2);
}

}  // namespace
}  // namespace bufconf::suite
