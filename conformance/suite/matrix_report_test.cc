// `bufconf matrix` merging: three small run scorecards (two interpreters that ran, one that did
// not) give one table, the changes between them, JSON, JUnit (checked with a real XML parser) and
// HTML; scorecards that are not scorecards are refused naming the field.
#include "conformance/suite/matrix_report.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>

#include "conformance/suite/matrix_html.h"

namespace bufconf::suite {
namespace {

nlohmann::json Result(const std::string& rule, const std::string& status, int64_t cases,
                      const std::string& reason = "") {
  nlohmann::json r = {{"rule", rule},        {"level", "MUST"},
                      {"party", "exporter"}, {"statement", "Statement of " + rule + "."},
                      {"status", status},    {"cases", cases},
                      {"unsupported", 0},    {"seconds", 0.5}};
  if (!reason.empty()) r["reason"] = reason;
  return r;
}

nlohmann::json RunJson(const std::string& version, int exit_status) {
  nlohmann::json run = {
      {"suite_version", "bufconf 0.1"},
      {"adapter", {{"name", "python"}, {"version", "CPython " + version}, {"source", "built-in"}}},
      {"interpreter",
       {{"implementation", "cpython"},
        {"version", version},
        {"path", "/root/.pyenv/versions/" + version + "/bin/python3"}}},
      {"settings",
       {{"seed", 1}, {"examples", 100}, {"profile", "quick"}, {"filter", "*"}, {"fork", true}}},
      {"totals", {{"pass", 2}, {"fail", 0}, {"skip", 1}}},
      {"exit_status", exit_status},
      {"results", nlohmann::json::array()},
      {"warnings", nlohmann::json::array()},
      {"errors", nlohmann::json::array()},
      {"adapter_errors", nlohmann::json::array()}};
  return run;
}

// 3.11: REQ-READ-WRITE-FLAGS xfail (a known deviation); 3.12: it passes, LAYOUT-LEN fails in two
// places; 3.99 could not run.
Matrix Sample() {
  nlohmann::json a = RunJson("3.11.2", 0);
  a["results"] = {
      Result("REQ-GRANT", "pass", 192),
      Result("REQ-READ-WRITE-FLAGS", "xfail", 1, "CPython before 3.13 lets PyBUF_READ through"),
      Result("LAYOUT-LEN", "pass", 16417), Result("FIELDS-OBJ", "skip", 0, "n/c")};
  nlohmann::json b = RunJson("3.12.1", 1);
  nlohmann::json len = Result("LAYOUT-LEN", "fail", 17, "len is 6, expected 24");
  len["failures"] = {{{"where", "bytearray(b'ab')"}, {"message", "len is 6, expected 24"}},
                     {{"where", "generated exporter"}, {"message", "len is 1, expected 4"}}};
  b["results"] = {Result("REQ-GRANT", "pass", 192), Result("REQ-READ-WRITE-FLAGS", "pass", 1), len,
                  Result("FIELDS-OBJ", "skip", 0, "n/c")};
  return BuildMatrix({ColumnFromRun("python3.11", "--python", a, 0),
                      ColumnFromRun("python3.12", "--python", b, 1),
                      NotRunColumn("python3.99", "--python",
                                   "bufconf run exited 2 without a scorecard: cannot find "
                                   "interpreter python3.99")});
}

TEST(MatrixReport, RowsCellsAndChanges) {
  const Matrix m = Sample();
  ASSERT_EQ(m.columns.size(), 3u);
  ASSERT_EQ(m.rules.size(), 4u);
  EXPECT_EQ(m.rules[0].id, "REQ-GRANT");
  EXPECT_EQ(m.rules[2].cells[1].status, "fail");
  EXPECT_EQ(m.rules[2].cells[1].messages.size(), 2u);
  EXPECT_FALSE(m.rules[2].cells[2].present);
  ASSERT_EQ(m.changes.size(), 2u);  // not-run columns do not count as a change
  EXPECT_EQ(m.changes[0].id, "REQ-READ-WRITE-FLAGS");
  EXPECT_EQ(m.changes[1].id, "LAYOUT-LEN");
  EXPECT_EQ(m.changes[1].statuses, (std::vector<std::string>{"pass", "fail", ""}));
  EXPECT_EQ(ColumnShortName(m.columns[0]), "cp3.11.2");
  EXPECT_EQ(ColumnTitle(m.columns[1]), "cpython 3.12.1");
  EXPECT_EQ(ColumnShortName(m.columns[2]), "n/a");
  EXPECT_EQ(MatrixExitStatus(m), 2);  // a column did not run
}

// The same status in every column, on other exporters: ctypes' unpadded Structure formats up to
// 3.11, fixed in 3.12, while a Union fails everywhere. Addresses and the interpreter's own place
// (named differently by each column) do not count as differences.
TEST(MatrixReport, SameStatusOnOtherExportersIsAChange) {
  const auto column = [](const std::string& version, std::vector<std::string> wheres) {
    nlohmann::json run = RunJson(version, 0);
    nlohmann::json size = Result("FORMAT-SIZE", "xfail", 90, "expected");
    size["failures"] = nlohmann::json::array();
    for (const std::string& w : wheres)
      size["failures"].push_back({{"where", w}, {"message", "m"}});
    nlohmann::json flags = Result("REQ-READ-WRITE-FLAGS", "xfail", 1, "expected");
    flags["failures"] = {
        {{"where", "interpreter python CPython " + version + " (hosted by x)"}, {"message", "m"}}};
    run["results"] = {size, flags};
    return ColumnFromRun("python" + version, "--python", run);
  };
  const Matrix m = BuildMatrix(
      {column("3.11.7", {"ctypes Structure {c_char a; c_int b}", "ctypes Union at 0x7f00aa"}),
       column("3.12.1", {"ctypes Union at 0x7f11bb"})});
  ASSERT_EQ(m.changes.size(), 1u);
  const MatrixChange& ch = m.changes[0];
  EXPECT_EQ(ch.id, "FORMAT-SIZE");
  EXPECT_TRUE(ch.places_only);
  EXPECT_EQ(ch.only[0], (std::vector<std::string>{"ctypes Structure {c_char a; c_int b}"}));
  EXPECT_TRUE(ch.only[1].empty());
  EXPECT_EQ(MatrixPlace("ctypes Union at 0x7f11bb"), "ctypes Union at 0x?");
  const std::string text = MatrixText(m);
  EXPECT_NE(text.find("FORMAT-SIZE"), std::string::npos) << text;
  EXPECT_NE(text.find("other exporters fail"), std::string::npos) << text;
  EXPECT_NE(text.find("only: ctypes Structure {c_char a; c_int b}"), std::string::npos) << text;
  const nlohmann::json j = MatrixJson(m);
  EXPECT_EQ(j["matrix"]["changes"][0]["kind"], "exporters");
  EXPECT_EQ(j["matrix"]["changes"][0]["cells"][0]["only"][0],
            "ctypes Structure {c_char a; c_int b}");
}

TEST(MatrixReport, ExitStatusIsTheWorstColumn) {
  nlohmann::json green = RunJson("3.11.2", 0);
  green["results"] = {Result("REQ-GRANT", "pass", 1)};
  nlohmann::json red = green, incomplete = green;
  red["exit_status"] = 1;
  incomplete["exit_status"] = 3;
  const auto status = [](std::vector<MatrixColumn> cols) {
    return MatrixExitStatus(BuildMatrix(std::move(cols)));
  };
  EXPECT_EQ(status({ColumnFromRun("a", "--python", green)}), 0);
  EXPECT_EQ(
      status({ColumnFromRun("a", "--python", green), ColumnFromRun("b", "--python", incomplete)}),
      3);
  EXPECT_EQ(
      status({ColumnFromRun("a", "--python", incomplete), ColumnFromRun("b", "--python", red)}), 1);
  EXPECT_EQ(status({ColumnFromRun("a", "--python", red), NotRunColumn("b", "--python", "gone")}),
            2);
  EXPECT_EQ(status({}), 2);
  // The process said 1, its scorecard 0: a problem of the column, exit 2.
  const MatrixColumn odd = ColumnFromRun("a", "--python", green, 1);
  EXPECT_EQ(odd.exit_status, 2);
  ASSERT_EQ(odd.problems.size(), 1u);
  EXPECT_NE(odd.problems[0].find("exited with status 1"), std::string::npos);
}

TEST(MatrixReport, TextFitsOneHundredColumnsForSixInterpreters) {
  std::vector<MatrixColumn> cols;
  for (int k = 0; k < 6; ++k) {
    nlohmann::json run = RunJson("3.1" + std::to_string(k) + ".10", k % 2);
    run["results"] = {
        Result("RELEASE-RESIZE-WHILE-EXPORTED-XXXXXX", k % 2 ? "fail" : "pass", 1234567),
        Result("ALGO-COPY-DATA", k % 2 ? "xpass" : "xfail", 9999),
        Result("REQ-GRANT", "blocked", 12345)};
    run["interpreter"]["path"] = "/very/long/path/" + std::string(200, 'p') + "/python";
    run["results"][0]["failures"] = {{{"where", std::string(300, 'w')}, {"message", "m"}}};
    cols.push_back(ColumnFromRun("python3.1" + std::to_string(k), "--python", run));
  }
  cols.push_back(NotRunColumn(std::string(300, 'x'), "--python", std::string(300, 'y')));
  cols.erase(cols.begin() + 5);  // six columns, one not run
  const std::string text = MatrixText(BuildMatrix(std::move(cols)));
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    EXPECT_LE(line.size(), 100u) << line;
  }
  EXPECT_NE(text.find("RELEASE-RESIZE-WHILE-EXPORTED-XXXXXX  pass 1M   FAIL 1M"), std::string::npos)
      << text;
  EXPECT_NE(text.find("xfail 9k  XPASS 9k"), std::string::npos) << text;
  EXPECT_NE(text.find("blkd 12k"), std::string::npos) << text;
  EXPECT_NE(text.find("n/a"), std::string::npos) << text;
  EXPECT_NE(text.find("matrix exit status 2"), std::string::npos) << text;
}

TEST(MatrixReport, TextNamesColumnsChangesAndMessages) {
  const std::string text = MatrixText(Sample());
  EXPECT_NE(text.find("#1  cp3.11.2  cpython 3.11.2  /root/.pyenv/versions/3.11.2/bin/python3"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("exit 1: 2 pass, 0 fail, 1 skip"), std::string::npos) << text;
  EXPECT_NE(text.find("#3  NOT RUN: python3.99"), std::string::npos) << text;
  EXPECT_NE(text.find("cannot find interpreter python3.99"), std::string::npos) << text;
  EXPECT_NE(text.find("LAYOUT-LEN            pass 16k  FAIL 17   n/a"), std::string::npos) << text;
  EXPECT_NE(text.find("changed between the columns: 2 rules"), std::string::npos) << text;
  EXPECT_NE(text.find("REQ-READ-WRITE-FLAGS  #1: xfail, #2: pass"), std::string::npos) << text;
  EXPECT_NE(text.find("#1 xfail: CPython before 3.13 lets PyBUF_READ through"), std::string::npos)
      << text;
  EXPECT_NE(text.find("#2 fail: bytearray(b'ab'): len is 6, expected 24"), std::string::npos)
      << text;
  EXPECT_NE(text.find("#2 fail: generated exporter: len is 1, expected 4"), std::string::npos)
      << text;
  EXPECT_NE(text.find("matrix exit status 2 (#1: exit 0, #2: exit 1, #3: not run)"),
            std::string::npos)
      << text;
}

TEST(MatrixReport, SameInterpreterTwiceAndOtherSettingsAreSaid) {
  nlohmann::json a = RunJson("3.11.2", 0);
  a["results"] = {Result("REQ-GRANT", "pass", 1)};
  nlohmann::json b = a;
  b["settings"]["seed"] = 2;
  const Matrix m = BuildMatrix(
      {ColumnFromRun("python3.11", "--python", a), ColumnFromRun("python3.11", "--python", b)});
  ASSERT_EQ(m.warnings.size(), 2u);
  EXPECT_NE(m.warnings[0].find("#1 and #2 are the same: --python python3.11 is given twice"),
            std::string::npos);
  EXPECT_NE(m.warnings[1].find("#2 ran with other settings (seed=2"), std::string::npos);
  const Matrix same_path = BuildMatrix(
      {ColumnFromRun("python3.11", "--python", a), ColumnFromRun("python3", "--python", a)});
  ASSERT_EQ(same_path.warnings.size(), 1u);
  EXPECT_NE(same_path.warnings[0].find("#1 and #2 are the same interpreter"), std::string::npos);
  // Scorecards of one interpreter (before and after a fix) are what --scorecard is for.
  EXPECT_TRUE(BuildMatrix({ColumnFromRun("before.json", "--scorecard", a),
                           ColumnFromRun("after.json", "--scorecard", a)})
                  .warnings.empty());
}

TEST(MatrixReport, MessageThatNamesItsPlaceIsNotPrefixedAgain) {
  nlohmann::json run = RunJson("3.11.2", 1);
  nlohmann::json r = Result("REQ-WRITABLE", "fail", 3);
  r["failures"] = {{{"where", "Matrix(3, 3)"}, {"message", "Matrix(3, 3): granted"}},
                   {{"where", "generated exporter"}, {"message", "refused"}},
                   {{"where", ""}, {"message", "no place"}}};
  run["results"] = {r};
  const MatrixColumn c = ColumnFromRun("p", "--python", run);
  EXPECT_EQ(c.cells[0].second.messages,
            (std::vector<std::string>{"Matrix(3, 3): granted", "generated exporter: refused",
                                      "no place"}));
}

TEST(MatrixReport, JsonSchema) {
  const nlohmann::json j = nlohmann::json::parse(MatrixJson(Sample()).dump());
  const nlohmann::json& m = j.at("matrix");
  EXPECT_EQ(m.at("exit_status"), 2);
  ASSERT_EQ(m.at("interpreters").size(), 3u);
  EXPECT_EQ(m["interpreters"][0].at("column"), 1);
  EXPECT_EQ(m["interpreters"][0].at("implementation"), "cpython");
  EXPECT_EQ(m["interpreters"][0].at("version"), "3.11.2");
  EXPECT_EQ(m["interpreters"][1].at("exit_status"), 1);
  EXPECT_EQ(m["interpreters"][2].at("ran"), false);
  EXPECT_NE(m["interpreters"][2].at("not_run").get<std::string>().find("python3.99"),
            std::string::npos);
  EXPECT_TRUE(m["interpreters"][0].at("not_run").is_null());
  ASSERT_EQ(m.at("rules").size(), 4u);
  const nlohmann::json& len = m["rules"][2];
  EXPECT_EQ(len.at("id"), "LAYOUT-LEN");
  EXPECT_EQ(len.at("cells")[0].at("status"), "pass");
  EXPECT_EQ(len["cells"][0].at("cases"), 16417);
  EXPECT_EQ(len["cells"][1].at("messages").size(), 2u);
  EXPECT_TRUE(len["cells"][2].at("status").is_null());
  ASSERT_EQ(m.at("changes").size(), 2u);
  EXPECT_EQ(m["changes"][1].at("id"), "LAYOUT-LEN");
  ASSERT_EQ(m["changes"][1].at("cells").size(), 2u);
  EXPECT_EQ(m["changes"][1]["cells"][1].at("column"), 2);
  EXPECT_EQ(m["changes"][1]["cells"][1].at("messages")[1],
            "generated exporter: len is 1, expected 4");
  EXPECT_TRUE(m["changes"][1]["cells"][0].at("messages").empty());
}

bool ParsesAsXml(const std::string& xml, const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(dir ? dir : "/tmp") + "/" + name;
  std::ofstream(path, std::ios::binary) << xml;
  const std::string command =
      "/usr/bin/python3 -c 'import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])' " +
      path;
  return std::system(command.c_str()) == 0;
}

TEST(MatrixReport, JUnitOneSuitePerInterpreter) {
  Matrix m = Sample();
  m.columns[1].problems.push_back("adapter error: enumerate hung <&\x01>");
  const std::string xml = MatrixJUnitXml(m);
  EXPECT_TRUE(ParsesAsXml(xml, "matrix_junit.xml")) << xml;
  EXPECT_NE(xml.find("<testsuite name=\"#1 cpython 3.11.2 (python3.11)\" tests=\"4\" "
                     "failures=\"0\" errors=\"0\" skipped=\"2\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testsuite name=\"#2 cpython 3.12.1 (python3.12)\" tests=\"5\" "
                     "failures=\"1\" errors=\"1\" skipped=\"1\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("classname=\"bufconf.2_cp3_12_1.layout\" name=\"LAYOUT-LEN\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<failure message=\"bytearray(b&apos;ab&apos;): len is 6, expected 24\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("- generated exporter: len is 1, expected 4"), std::string::npos) << xml;
  EXPECT_NE(xml.find("name=\"run problems\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<testcase classname=\"bufconf.3_n_a.run\" name=\"not run\""),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("cannot find interpreter python3.99"), std::string::npos) << xml;
}

TEST(MatrixReport, HtmlIsOnePageWithCellsAndChanges) {
  Matrix m = Sample();
  m.columns[0].given = "<script>alert(1)</script>";
  const std::string html = MatrixHtml(m, "2026-12-06 18:00:00 UTC");
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_NE(html.find("data-exit-status=\"2\""), std::string::npos);
  EXPECT_NE(html.find("<td class=\"cell st-fail\" data-status=\"fail\""), std::string::npos)
      << html;
  EXPECT_NE(html.find(">pass 16417</td>"), std::string::npos) << html;  // not abbreviated
  EXPECT_NE(html.find(">n/a</td>"), std::string::npos);
  EXPECT_NE(html.find("id=\"change-LAYOUT-LEN\""), std::string::npos);
  EXPECT_NE(html.find("<li>bytearray(b&apos;ab&apos;): len is 6, expected 24</li>"),
            std::string::npos);
  EXPECT_NE(html.find("class=\"card not-run\""), std::string::npos);
  EXPECT_NE(html.find("2026-12-06 18:00:00 UTC"), std::string::npos);
  EXPECT_EQ(html.rfind("</html>\n"), html.size() - 8);
}

TEST(MatrixReport, NotAScorecardIsRefusedNamingTheField) {
  const auto error = [](const nlohmann::json& j) {
    try {
      ColumnFromRun("x", "--scorecard", j);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(error(nlohmann::json::array()), "the scorecard: not a JSON object");
  EXPECT_EQ(error({{"a", 1}}), "results: missing (not a `bufconf run --json` scorecard)");
  EXPECT_EQ(error(MatrixJson(Sample())),
            "results: missing: this is the JSON of bufconf matrix; give the runs' (bufconf run "
            "--json)");
  nlohmann::json run = RunJson("3.11.2", 0);
  run["exit_status"] = 7;
  EXPECT_EQ(error(run), "exit_status: 7 is not 0, 1, 2 or 3");
  run = RunJson("3.11.2", 0);
  run["results"] = {Result("REQ-GRANT", "pass", 1), Result("X", "maybe", 1)};
  EXPECT_EQ(error(run),
            "results[1].status: \"maybe\" is not one of pass, fail, skip, blocked, xfail, xpass, "
            "error");
  run["results"] = {Result("REQ-GRANT", "pass", 1), Result("REQ-GRANT", "fail", 1)};
  EXPECT_EQ(error(run), "results[1].rule: 'REQ-GRANT' is listed twice");
  run["results"] = {Result("REQ-GRANT", "pass", -1)};
  EXPECT_EQ(error(run), "results[0].cases: -1 is not a count");
  run["results"] = {Result("REQ-GRANT", "pass", 1)};
  run["adapter_errors"] = {1};
  EXPECT_EQ(error(run), "adapter_errors[0]: not a string");
}

TEST(MatrixReport, ScorecardWithoutInterpreterUsesTheAdapter) {
  nlohmann::json run = RunJson("3.11.2", 2);
  run.erase("interpreter");
  run["adapter"] = {{"name", "reference"}, {"version", "bufconf-reference 0.1"}};
  run["adapter_errors"] = {"enumerate crashed"};
  run["results"] = {Result("REQ-GRANT", "pass", 1)};
  const MatrixColumn c = ColumnFromRun("ref.json", "--scorecard", run);
  EXPECT_EQ(ColumnTitle(c), "reference bufconf-reference 0.1");
  EXPECT_EQ(ColumnShortName(c), "reference");
  EXPECT_EQ(c.problems, (std::vector<std::string>{"adapter error: enumerate crashed"}));
  // The python adapter's version names the interpreter.
  run["adapter"] = {{"name", "python-factory"},
                    {"version", "CPython 3.11.2 (embedded /usr/bin/python3), factory f:g"}};
  const MatrixColumn embedded = ColumnFromRun("score.json", "--scorecard", run);
  EXPECT_EQ(ColumnTitle(embedded), "cpython 3.11.2");
  EXPECT_EQ(embedded.path, "/usr/bin/python3");
  run["adapter"]["version"] =
      "CPython 3.12.1 (hosted by /root/.pyenv/versions/3.12.1/bin/python3) with its stdlib";
  const MatrixColumn hosted = ColumnFromRun("python3.12", "--python", run);
  EXPECT_EQ(ColumnShortName(hosted), "cp3.12.1");
  EXPECT_EQ(hosted.path, "/root/.pyenv/versions/3.12.1/bin/python3");
  run["adapter"] = {{"name", "python-factory"}, {"version", "1.0"}};
  EXPECT_EQ(ColumnShortName(ColumnFromRun("x", "--scorecard", run)), "python-fa");
}

}  // namespace
}  // namespace bufconf::suite
