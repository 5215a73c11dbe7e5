// The HTML scorecard: everything is there (every rule, every failure, pictures, counterexamples,
// replay commands), and nothing from the report can inject markup.
#include "conformance/suite/report_html.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "conformance/suite/report.h"

namespace bufconf::suite {
namespace {

const char kHostile[] = "</script><img src=x onerror=alert(1)><script>alert(2)</script>";

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string TempDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

std::string WriteFile(const std::string& name, const std::string& contents) {
  const std::string path = TempDir() + "/" + name;
  std::ofstream(path) << contents;
  return path;
}

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
  report.adapter_name = std::string("evil ") + kHostile;
  report.adapter_version = "1.0 \xff\xfe bad utf-8";
  report.adapter_source = "/tmp/it's \"here\".so";
  report.capabilities = {"make_exporter", "get_pointer"};
  report.suite_version = "bufconf 0.1";
  report.seed = 18446744073709551615ull;
  report.examples = 100;
  report.profile = "quick";
  report.filter = "*";
  report.seconds = 1.5;
  report.results.push_back(Result("FIELDS-OBJ", Status::kPass));
  report.results.push_back(Result("REQ-WRITABLE", Status::kPass));

  const std::string cx1 = WriteFile(
      "LAYOUT-LEN.json",
      R"({"bufconf_replay": 1, "rule": "LAYOUT-LEN", "message": "</pre><script>x()</script>",)"
      R"( "case": {"kind": "exporter", "flags": 284, "spec": {"format": "T{<i:a:}"}}})");
  const std::string cx2 = WriteFile("LAYOUT-LEN 2 'quoted'.json", "not json \xff <b>bold</b>");
  RuleResult fail = Result("LAYOUT-LEN", Status::kFail, "len is 12, expected 16");
  fail.statement = std::string("Statement with ") + kHostile;
  fail.counterexample_file = cx1;
  fail.replay_command = "bufconf replay " + cx1;
  fail.cases_to_failure = 17;
  fail.failures = {{"generated exporter", "len is 12, expected 16 <&>", cx1},
                   {"array.array('d') \"quoted\"", std::string("message ") + kHostile, cx2},
                   {"enumerated \xc3\x28 exporter", "no file for this one", ""}};
  report.results.push_back(fail);

  RuleResult algo = Result("ALGO-GET-POINTER", Status::kFail, "pointer off by 8");
  algo.failures = {{"generated view", "pointer off by 8 \x01\x7f control", ""}};
  report.results.push_back(algo);

  report.results.push_back(Result("MEMORY-SPAN", Status::kSkip, "no exporter side"));
  report.results.push_back(Result("FORMAT-SIZE", Status::kBlocked, "adapter crashed"));
  RuleResult xfail = Result("CONTIG-C", Status::kXfail, "known: bug 3: strides off");
  xfail.failures = {{"numpy", "strides off", ""}};
  report.results.push_back(xfail);
  report.results.push_back(
      Result("RELEASE-EXPORT-COUNT", Status::kXpass, "expected to fail (bug 4) but passed"));
  report.results.push_back(Result(std::string("ZZZ-\"><b>") + kHostile, Status::kPass));
  report.warnings.push_back(std::string("stale expectation for ") + kHostile);
  return report;
}

FailurePicture FakePicture(const RuleFailure& f) {
  if (f.where == "no picture please") return {};
  return {
      "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" "
      "height=\"40\" viewBox=\"0 0 200 40\"><defs><marker id=\"arrow\"/></defs><rect "
      "class=\"fake-picture\" width=\"200\" height=\"40\" marker-end=\"url(#arrow)\"/>"
      "<text x=\"4\" y=\"20\">" +
          XmlEscape(f.where) + "</text></svg>\n",
      "picture of " + f.where};
}

TEST(ReportHtml, EscapesHostileStrings) {
  const std::string html = ScorecardHtml(SampleReport(), FakePicture);
  const std::string lower = Lower(html);
  EXPECT_EQ(Count(lower, "<script"), 0u);
  EXPECT_EQ(Count(lower, "</script"), 0u);
  EXPECT_EQ(Count(lower, "<img"), 0u);
  EXPECT_EQ(Count(lower, "<b>"), 0u);
  EXPECT_EQ(Count(lower, "</pre><"), 0u);
  EXPECT_NE(html.find("&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
  // Valid UTF-8 throughout; bad bytes and control characters shown as \xNN.
  EXPECT_EQ(SanitizeUtf8(html), html);
  EXPECT_NE(html.find("1.0 \\xff\\xfe bad utf-8"), std::string::npos);
  EXPECT_NE(html.find("enumerated \\xc3( exporter"), std::string::npos);
  EXPECT_NE(html.find("pointer off by 8 \\x01\x7f control"), std::string::npos);
  // Attribute values cannot be broken out of.
  EXPECT_NE(html.find("data-rule=\"ZZZ-&quot;&gt;&lt;b&gt;"), std::string::npos);
  EXPECT_NE(html.find("id=\"rule-ZZZ-___b___"), std::string::npos);
  // The hostile counterexample file's contents are escaped, in their <details>.
  EXPECT_NE(html.find("&lt;/pre&gt;&lt;script&gt;x()&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("not json \\xff &lt;b&gt;bold&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("not valid JSON; shown as it is"), std::string::npos);
}

TEST(ReportHtml, EveryRuleAndEveryFailureIsThere) {
  const RunReport report = SampleReport();
  int calls = 0;
  const std::string html = ScorecardHtml(report, [&](const RuleFailure& f) {
    ++calls;
    return FakePicture(f);
  });
  for (const RuleResult& r : report.results) {
    EXPECT_NE(html.find("data-rule=\"" + XmlEscape(r.rule) + "\" data-status=\"" +
                        StatusName(r.status) + "\""),
              std::string::npos)
        << r.rule;
  }
  EXPECT_EQ(Count(html, "<tr class=\"rule "), report.results.size());
  // Failures: 3 places of LAYOUT-LEN, 1 of ALGO-GET-POINTER, the xpass, the xfail's place.
  EXPECT_EQ(Count(html, "<article class=\"failure "), 6u);
  for (const RuleResult& r : report.results) {
    for (const RuleFailure& f : r.failures) {
      EXPECT_NE(html.find(XmlEscape(f.message)), std::string::npos) << f.message;
      EXPECT_NE(html.find(XmlEscape(f.where)), std::string::npos) << f.where;
    }
  }
  EXPECT_NE(html.find("expected to fail (bug 4) but passed"), std::string::npos);
  // Pictures for fail and xpass rules (4 places + the xpass), none for the expected failure.
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(Count(html, "<figure class=\"picture\""), 5u);
  EXPECT_EQ(Count(html, "class=\"fake-picture\""), 5u);
  EXPECT_EQ(Count(html, "<?xml"), 0u);
  // Ids unique per picture, references rewritten alike.
  EXPECT_NE(html.find("<marker id=\"p1-arrow\"/>"), std::string::npos);
  EXPECT_NE(html.find("url(#p1-arrow)"), std::string::npos);
  EXPECT_NE(html.find("<marker id=\"p5-arrow\"/>"), std::string::npos);
  EXPECT_NE(html.find("picture of generated exporter"), std::string::npos);
  // Replay commands (a path with spaces and quotes as one shell word) and counterexamples.
  EXPECT_NE(html.find("<code class=\"replay\">bufconf replay " + XmlEscape(TempDir()) +
                      "/LAYOUT-LEN.json</code>"),
            std::string::npos);
  EXPECT_NE(html.find("bufconf replay &apos;" + XmlEscape(TempDir()) +
                      "/LAYOUT-LEN 2 &apos;\\&apos;&apos;quoted&apos;\\&apos;&apos;.json&apos;"),
            std::string::npos);
  EXPECT_NE(html.find("&quot;kind&quot;: &quot;exporter&quot;"), std::string::npos);
  EXPECT_EQ(Count(html, "<details class=\"counterexample\">"), 2u);
  // Totals and the verdict.
  EXPECT_NE(html.find("data-status=\"fail\" data-count=\"2\""), std::string::npos);
  EXPECT_NE(html.find("data-status=\"pass\" data-count=\"3\""), std::string::npos);
  EXPECT_NE(html.find("data-status=\"xpass\" data-count=\"1\""), std::string::npos);
  EXPECT_NE(html.find("data-exit-status=\"1\""), std::string::npos);
  // Areas in the fixed order, then the others.
  const std::vector<std::string> order = {"FIELDS", "LAYOUT", "MEMORY",  "FORMAT", "CONTIG",
                                          "REQ",    "ALGO",   "RELEASE", "ZZZ"};
  size_t at = 0;
  for (const std::string& area : order) {
    const size_t next = html.find("<section class=\"area\" id=\"area-" + area + "\"");
    ASSERT_NE(next, std::string::npos) << area;
    EXPECT_GT(next, at) << area;
    at = next;
  }
  // The adapter and the settings.
  EXPECT_NE(html.find("18446744073709551615"), std::string::npos);
  EXPECT_NE(html.find("make_exporter, get_pointer"), std::string::npos);
  EXPECT_NE(html.find("/tmp/it&apos;s &quot;here&quot;.so"), std::string::npos);
  EXPECT_NE(html.find("1.50 s"), std::string::npos);
  // Balanced structure.
  for (const char* tag : {"article", "details", "section", "pre", "table", "figure", "svg"}) {
    EXPECT_EQ(Count(html, std::string("<") + tag + " ") + Count(html, std::string("<") + tag + ">"),
              Count(html, std::string("</") + tag + ">"))
        << tag;
  }
}

TEST(ReportHtml, ActiveOrBrokenPicturesAreLeftOut) {
  RunReport report;
  report.adapter_name = "x";
  RuleResult r = Result("ALGO-GET-POINTER", Status::kFail, "off");
  for (const char* where :
       {"script", "handler", "foreign", "notsvg", "throws", "huge", "at-rule", "ok"}) {
    r.failures.push_back({where, std::string("message ") + where, ""});
  }
  report.results.push_back(r);
  const auto picture = [](const RuleFailure& f) -> FailurePicture {
    const std::string w = f.where;
    if (w == "script") return {"<svg><script>alert(1)</script></svg>", "c"};
    if (w == "handler") return {"<svg><rect width=\"1\"\n onload=\"alert(1)\"/></svg>", "c"};
    if (w == "foreign") return {"<svg><foreignObject></foreignObject></svg>", "c"};
    if (w == "notsvg") return {"<b>bold</b>", "c"};
    if (w == "throws") throw std::runtime_error("cannot read the file");
    if (w == "huge") return {"<svg>" + std::string(3 << 20, ' ') + "</svg>", "c"};
    if (w == "at-rule") return {"<svg><style>@import url(x.css); .a{fill:red}</style></svg>", "c"};
    return {"<svg class=\"good\"><text>on one =</text></svg>", "fine"};
  };
  const std::string html = ScorecardHtml(report, picture);
  EXPECT_EQ(Count(Lower(html), "<script"), 0u);
  EXPECT_EQ(Count(html, "onload"), 0u);
  EXPECT_EQ(Count(html, "<foreignObject"), 0u);
  EXPECT_EQ(Count(html, "<b>"), 0u);
  EXPECT_NE(html.find("it contains &lt;script"), std::string::npos);
  EXPECT_NE(html.find("event handler"), std::string::npos);
  EXPECT_NE(html.find("not an SVG document"), std::string::npos);
  EXPECT_NE(html.find("no picture: cannot read the file"), std::string::npos);
  EXPECT_NE(html.find("too large to include"), std::string::npos);
  EXPECT_NE(html.find("its stylesheet cannot be limited to the picture"), std::string::npos);
  EXPECT_EQ(Count(html, "x.css"), 0u);
  EXPECT_EQ(Count(html, "<svg"), 1u);
  EXPECT_NE(html.find("<svg data-picture=\"p6\" class=\"good\"><text>on one =</text></svg>"),
            std::string::npos);
}

TEST(ReportHtml, PictureStylesheetsApplyToTheirPictureOnly) {
  RunReport report;
  report.adapter_name = "x";
  RuleResult r = Result("ALGO-GET-POINTER", Status::kFail, "off");
  r.failures = {{"a", "m", ""}, {"b", "m", ""}};
  report.results.push_back(r);
  const auto picture = [](const RuleFailure&) -> FailurePicture {
    return {
        "<svg width=\"10\" height=\"10\"><defs><pattern id=\"grid\"/></defs><style "
        "type=\"text/css\"><![CDATA[ /* {comment} */ .note{fill:url(#grid)}\n"
        "text, .a > .b {font-size:9px} ]]></style><rect class=\"note\"/></svg>",
        "c"};
  };
  const std::string html = ScorecardHtml(report, picture);
  for (const std::string p : {"p1", "p2"}) {
    const std::string scope = "svg[data-picture=\"" + p + "\"]";
    EXPECT_NE(html.find("<svg data-picture=\"" + p + "\" width=\"10\""), std::string::npos);
    EXPECT_NE(html.find("<pattern id=\"" + p + "-grid\"/>"), std::string::npos);
    EXPECT_NE(
        html.find("<style type=\"text/css\">" + scope + " .note{fill:url(#" + p + "-grid)}\n" +
                  scope + " text," + scope + " .a > .b{font-size:9px}\n" + "</style>"),
        std::string::npos)
        << html;
  }
  EXPECT_EQ(Count(html, "comment"), 0u);
}

TEST(ReportHtml, PicturesAreCappedPerRuleAndOptional) {
  RunReport report;
  report.adapter_name = "x";
  RuleResult r = Result("REQ-CONTENTS", Status::kFail, "wrong");
  for (int i = 0; i < 12; ++i) r.failures.push_back({"exporter " + std::to_string(i), "m", ""});
  report.results.push_back(r);
  int calls = 0;
  HtmlOptions options;
  options.max_pictures_per_rule = 3;
  options.generated_at = "2024-05-01 12:00:00 UTC";
  std::string html = ScorecardHtml(
      report,
      [&](const RuleFailure& f) {
        ++calls;
        return FakePicture(f);
      },
      options);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(Count(html, "<article class=\"failure "), 12u);
  EXPECT_EQ(Count(html, "only the first 3 failures of a rule are drawn"), 9u);
  EXPECT_NE(html.find("2024-05-01 12:00:00 UTC"), std::string::npos);
  html = ScorecardHtml(report, nullptr);
  EXPECT_EQ(Count(html, "<svg"), 0u);
  EXPECT_EQ(Count(html, "<article class=\"failure "), 12u);
}

TEST(ReportHtml, PassingRunSaysSo) {
  RunReport report;
  report.adapter_name = "reference";
  report.results.push_back(Result("FIELDS-OBJ", Status::kPass));
  const std::string html = ScorecardHtml(report, FakePicture);
  EXPECT_NE(html.find("data-exit-status=\"0\""), std::string::npos);
  EXPECT_NE(html.find("No rule failed."), std::string::npos);
  EXPECT_EQ(Count(html, "<svg"), 0u);
}

}  // namespace
}  // namespace bufconf::suite
