#include "conformance/suite/report_html.h"

#include <cctype>
#include <cstdio>
#include <exception>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace bufconf::suite {
namespace {

std::string Esc(const std::string& text) { return XmlEscape(text); }

std::string Lower(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", s);
  return buf;
}

// A fragment identifier made of [A-Za-z0-9_.-] only.
std::string IdPart(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    out += ok && static_cast<unsigned char>(c) < 0x80 ? c : '_';
  }
  return out.empty() ? "_" : out;
}

// "REQ-WRITABLE" -> "REQ".
std::string AreaOf(const std::string& rule) {
  const std::string area = rule.substr(0, rule.find('-'));
  return area.empty() || area == rule ? "OTHER" : area;
}

const char* AreaTitle(const std::string& area) {
  static const std::map<std::string, const char*> kTitles = {
      {"FIELDS", "the Py_buffer fields"},
      {"LAYOUT", "layout: shape, strides, suboffsets, len"},
      {"MEMORY", "memory: the view stays inside the exporter's memory"},
      {"FORMAT", "format strings and itemsize"},
      {"CONTIG", "contiguity"},
      {"REQ", "requests: what each flags value must give"},
      {"ALGO", "algorithms: the consumer C-API functions"},
      {"RELEASE", "release and export counting"},
  };
  const auto it = kTitles.find(area);
  return it == kTitles.end() ? "other rules" : it->second;
}

const char* const kAreaOrder[] = {"FIELDS", "LAYOUT", "MEMORY", "FORMAT",
                                  "CONTIG", "REQ",    "ALGO",   "RELEASE"};

bool IsFailure(Status s) { return s == Status::kFail || s == Status::kXpass; }

std::string Badge(Status s) {
  const std::string name = StatusName(s);
  return "<span class=\"badge st-" + name + "\">" + name + "</span>";
}

// A path as one shell word.
std::string ShellWord(const std::string& s) {
  bool plain = !s.empty();
  for (char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string("_./-+:=@%,").find(c) == std::string::npos) {
      plain = false;
    }
  }
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The counterexample file, pretty-printed (or as it is when it is not JSON), at most `max` bytes.
std::string CounterexampleText(const std::string& path, size_t max, std::string* note) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    *note = "cannot read " + path;
    return "";
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_discarded()) {
    text = j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    *note = "not valid JSON; shown as it is";
  }
  if (text.size() > max) {
    const size_t more = text.size() - max;
    text.resize(max);
    text += "\n... (" + std::to_string(more) + " more bytes: see the file)";
  }
  return text;
}

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") + 1 - b);
}

// A stylesheet of an inline SVG applies to the whole page: each of its selectors is limited to
// descendants of `scope`. False for a sheet this cannot do (@-rules, nested or unbalanced braces).
bool ScopeCss(const std::string& css, const std::string& scope, std::string* out) {
  std::string text;  // without comments and CDATA markers
  for (size_t i = 0; i < css.size();) {
    if (css.compare(i, 2, "/*") == 0) {
      const size_t end = css.find("*/", i + 2);
      if (end == std::string::npos) return false;
      i = end + 2;
    } else if (css.compare(i, 9, "<![CDATA[") == 0) {
      i += 9;
    } else if (css.compare(i, 3, "]]>") == 0) {
      i += 3;
    } else {
      text += css[i++];
    }
  }
  if (text.find('@') != std::string::npos) return false;
  out->clear();
  for (size_t i = 0;;) {
    const size_t open = text.find('{', i);
    if (open == std::string::npos) return Trim(text.substr(i)).empty();
    const size_t close = text.find('}', open);
    if (close == std::string::npos || text.find('{', open + 1) < close) return false;
    const std::string selectors = text.substr(i, open - i);
    if (selectors.find('}') != std::string::npos) return false;
    std::string scoped;
    for (size_t s = 0;;) {
      const size_t comma = selectors.find(',', s);
      const std::string one =
          Trim(selectors.substr(s, comma == std::string::npos ? std::string::npos : comma - s));
      if (one.empty()) return false;
      scoped += (scoped.empty() ? "" : ",") + scope + " " + one;
      if (comma == std::string::npos) break;
      s = comma + 1;
    }
    *out += scoped + text.substr(open, close + 1 - open) + "\n";
    i = close + 1;
  }
}

// `svg` as one inline <svg> element, or "" (and *why) when it is not one or contains anything
// active. Made independent of the page and of other pictures: ids get the prefix `name` + "-"
// (and references to them), the root gets the attribute data-picture="name", and the selectors of
// its stylesheets are limited to that root.
std::string InlineSvg(const std::string& svg, const std::string& name, std::string* why) {
  const std::string prefix = name + "-";
  const std::string lower = Lower(svg);
  const size_t start = lower.find("<svg");
  const size_t end = lower.rfind("</svg>");
  if (start == std::string::npos || end == std::string::npos || end < start) {
    *why = "the picture is not an SVG document";
    return "";
  }
  const std::string body = svg.substr(start, end + 6 - start);
  const std::string low = lower.substr(start, end + 6 - start);
  for (const char* bad : {"<script", "<foreignobject", "javascript:", "<iframe", "<object",
                          "<embed", "<!entity", "<!doctype", "<?"}) {
    if (low.find(bad) != std::string::npos) {
      *why = std::string("the picture was left out: it contains ") + bad;
      return "";
    }
  }
  // Attribute names inside tags: no event handlers (on...).
  enum { kText, kTag, kQuoted } state = kText;
  char quote = 0;
  for (size_t i = 0; i < low.size(); ++i) {
    const char c = low[i];
    if (state == kText) {
      if (c == '<') state = kTag;
    } else if (state == kQuoted) {
      if (c == quote) state = kTag;
    } else if (c == '"' || c == '\'') {
      quote = c;
      state = kQuoted;
    } else if (c == '>') {
      state = kText;
    } else if (std::isspace(static_cast<unsigned char>(c)) || c == '/') {
      if (low.compare(i + 1, 2, "on") == 0) {
        *why = "the picture was left out: it has an event handler attribute";
        return "";
      }
    }
  }
  // Unique ids on the page: id="x" -> id="PREFIXx", url(#x) and href="#x" likewise.
  std::string out;
  out.reserve(body.size() + 64);
  for (size_t i = 0; i < body.size();) {
    bool matched = false;
    for (const char* pattern : {" id=\"", "url(#", "href=\"#"}) {
      const size_t n = std::char_traits<char>::length(pattern);
      if (low.compare(i, n, pattern) == 0) {
        out.append(body, i, n);
        out += prefix;
        i += n;
        matched = true;
        break;
      }
    }
    if (!matched) out += body[i++];
  }
  // The stylesheets, scoped.
  const std::string scope = "svg[data-picture=\"" + name + "\"]";
  std::string scoped;
  for (size_t i = 0;;) {
    const size_t start_tag = Lower(out).find("<style", i);
    if (start_tag == std::string::npos) {
      scoped += out.substr(i);
      break;
    }
    const size_t content = out.find('>', start_tag);
    const size_t end_tag =
        content == std::string::npos ? std::string::npos : Lower(out).find("</style>", content);
    std::string css;
    if (end_tag == std::string::npos ||
        !ScopeCss(out.substr(content + 1, end_tag - content - 1), scope, &css)) {
      *why = "the picture was left out: its stylesheet cannot be limited to the picture";
      return "";
    }
    scoped += out.substr(i, content + 1 - i) + css;
    i = end_tag;
  }
  return "<svg data-picture=\"" + name + "\"" + scoped.substr(4);
}

class Page {
 public:
  Page(const RunReport& report, const PictureFunction& picture, const HtmlOptions& options)
      : report_(report), picture_(picture), options_(options) {}

  std::string Render() {
    Head();
    out_ << "<main>\n";
    Header();
    Totals();
    Results();
    Failures();
    ExpectedFailures();
    Warnings();
    out_ << "<footer class=\"hint\">Generated by " << Esc(report_.suite_version)
         << ". The replay command under a failure re-runs its counterexample file against the "
            "adapter the file names (--adapter NAME|PATH to use another).</footer>\n";
    out_ << "</main>\n</body>\n</html>\n";
    return out_.str();
  }

 private:
  void Head() {
    out_ << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
         << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         << "<title>bufconf scorecard: " << Esc(report_.adapter_name) << "</title>\n"
         << "<style>\n"
         << kCss << "</style>\n</head>\n<body>\n";
  }

  void Header() {
    const suite::Totals t = CountResults(report_);
    const int exit_status = ExitStatus(report_);
    out_ << "<header>\n<h1>bufconf scorecard: " << Esc(report_.adapter_name) << "</h1>\n";
    out_ << "<p class=\"verdict " << (exit_status == 0 ? "verdict-pass" : "verdict-fail")
         << "\" id=\"verdict\" data-exit-status=\"" << exit_status << "\">";
    if (exit_status == 0) {
      out_ << "PASS: every rule passed or failed as expected (exit status 0)";
    } else if (exit_status == 2) {
      const size_t n = report_.adapter_errors.size();
      out_ << "FAIL: the adapter misbehaved: " << n << " adapter error" << (n == 1 ? "" : "s")
           << ", not findings";
      if (t.fail > 0) out_ << "; " << t.fail << " rule" << (t.fail == 1 ? "" : "s") << " failed";
      out_ << " (exit status 2)";
    } else if (exit_status == 3) {
      out_ << "INCOMPLETE: bufconf could not judge everything (its own error or limit, named "
              "below; exit status 3)";
    } else {
      out_ << "FAIL: " << t.fail << " rule" << (t.fail == 1 ? "" : "s") << " failed";
      if (t.xpass > 0) out_ << ", " << t.xpass << " passed unexpectedly";
      out_ << " (exit status 1)";
    }
    out_ << "</p>\n</header>\n";
    out_ << "<div class=\"cards\">\n<section class=\"card\" id=\"adapter\">\n<h2>Adapter</h2>\n"
         << "<dl class=\"facts\">\n";
    Fact("name", report_.adapter_name);
    Fact("version", report_.adapter_version);
    Fact("source", report_.adapter_source);
    if (!report_.interpreter.implementation.empty()) {
      Fact("interpreter", report_.interpreter.implementation + " " + report_.interpreter.version +
                              " at " + report_.interpreter.path);
    }
    std::string caps;
    for (size_t i = 0; i < report_.capabilities.size(); ++i) {
      caps += (i ? ", " : "") + report_.capabilities[i];
    }
    Fact("capabilities", caps.empty() ? "(none)" : caps);
    out_ << "</dl>\n</section>\n<section class=\"card\" id=\"settings\">\n<h2>Settings</h2>\n"
         << "<dl class=\"facts\">\n";
    Fact("suite", report_.suite_version);
    Fact("seed", std::to_string(report_.seed));
    Fact("examples", std::to_string(report_.examples) + " cases per rule");
    Fact("profile", report_.profile.empty() ? "default" : report_.profile);
    Fact("filter", report_.filter.empty() ? "(all rules)" : report_.filter);
    if (report_.shard.count > 0) {
      Fact("shard", std::to_string(report_.shard.index) + "/" +
                        std::to_string(report_.shard.count) + " (" + report_.shard.source +
                        ", 0-based): " + std::to_string(report_.shard.rules) + " of " +
                        std::to_string(report_.shard.of) +
                        " rules; the other shards judge the others" +
                        (report_.shard.rules == 0 ? "; " + ShardNote(report_.shard) : ""));
    }
    Fact("time", Seconds(report_.seconds) + " s");
    if (!options_.generated_at.empty()) Fact("generated", options_.generated_at);
    out_ << "</dl>\n</section>\n</div>\n";
  }

  void Fact(const std::string& name, const std::string& value) {
    out_ << "<dt>" << Esc(name) << "</dt><dd>" << Esc(value) << "</dd>\n";
  }

  void Totals() {
    const suite::Totals t = CountResults(report_);
    out_ << "<section id=\"totals\">\n<h2>Totals: " << report_.results.size() << " rules</h2>\n"
         << "<ul class=\"totals\">\n";
    const std::pair<Status, int64_t> kCounts[] = {
        {Status::kPass, t.pass},       {Status::kFail, t.fail},   {Status::kSkip, t.skip},
        {Status::kBlocked, t.blocked}, {Status::kXfail, t.xfail}, {Status::kXpass, t.xpass},
        {Status::kError, t.error}};
    for (const auto& [status, count] : kCounts) {
      const std::string name = StatusName(status);
      out_ << "<li class=\"total st-" << name << "\" data-status=\"" << name << "\" data-count=\""
           << count << "\"><span class=\"count\">" << count << "</span> " << name << "</li>\n";
    }
    out_ << "</ul>\n<p class=\"hint\">pass: judged on at least one case (generated or "
            "enumerated) and never broken; fail: broken, by the party named with it; skip: no "
            "case could break it (the adapter lacks that side or function, or no case exercised "
            "the rule: never a pass); blocked: every case that could judge it was on an exporter "
            "whose full description breaks a MUST rule, or the implementation crashes there; "
            "error: bufconf could not judge it (its own limit or bug, never a finding); xfail / "
            "xpass: listed in the expectations, failed / passed.</p>\n</section>\n";
  }

  // Areas in the fixed order, then any other prefix in order of appearance.
  std::vector<std::string> Areas() const {
    std::vector<std::string> areas;
    auto add = [&](const std::string& a) {
      for (const std::string& x : areas) {
        if (x == a) return;
      }
      areas.push_back(a);
    };
    for (const char* a : kAreaOrder) {
      for (const RuleResult& r : report_.results) {
        if (AreaOf(r.rule) == a) add(a);
      }
    }
    for (const RuleResult& r : report_.results) add(AreaOf(r.rule));
    return areas;
  }

  void Results() {
    out_ << "<section id=\"results\">\n<h2>Results by area</h2>\n";
    const std::vector<std::string> areas = Areas();
    out_ << "<nav class=\"areas\">";
    for (const std::string& area : areas) {
      out_ << "<a href=\"#area-" << IdPart(area) << "\">" << Esc(area) << "</a> ";
    }
    out_ << "</nav>\n";
    for (const std::string& area : areas) {
      std::map<std::string, int> counts;
      int n = 0;
      for (const RuleResult& r : report_.results) {
        if (AreaOf(r.rule) != area) continue;
        ++counts[StatusName(r.status)];
        ++n;
      }
      out_ << "<section class=\"area\" id=\"area-" << IdPart(area) << "\" data-area=\"" << Esc(area)
           << "\">\n<h3>" << Esc(area) << " <span class=\"area-title\">" << Esc(AreaTitle(area))
           << "</span> <span class=\"hint\">" << n << " rule" << (n == 1 ? "" : "s") << ":";
      bool first = true;
      for (const auto& [status, count] : counts) {
        out_ << (first ? " " : ", ") << count << " " << status;
        first = false;
      }
      out_ << "</span></h3>\n";
      out_ << "<table class=\"rules\">\n<colgroup><col class=\"c-rule\"><col class=\"c-level\">"
              "<col class=\"c-status\"><col class=\"c-cases\"><col class=\"c-statement\">"
              "</colgroup>\n<thead><tr><th>rule</th><th>level</th><th>status</th>"
              "<th class=\"num\">cases</th><th>statement</th></tr></thead>\n<tbody>\n";
      for (size_t i = 0; i < report_.results.size(); ++i) {
        const RuleResult& r = report_.results[i];
        if (AreaOf(r.rule) != area) continue;
        const std::string status = StatusName(r.status);
        out_ << "<tr class=\"rule row-" << status << "\" id=\"" << RuleId(i) << "\" data-rule=\""
             << Esc(r.rule) << "\" data-status=\"" << status << "\"><td class=\"rule-id\">";
        if (IsFailure(r.status) || r.status == Status::kXfail) {
          out_ << "<a href=\"#" << FailureId(i, 0) << "\">" << Esc(r.rule) << "</a>";
        } else {
          out_ << Esc(r.rule);
        }
        out_ << "</td><td>" << Esc(r.level) << "</td><td>" << Badge(r.status)
             << "</td><td class=\"num\">" << r.cases << "</td><td>" << Esc(r.statement);
        if (!r.reason.empty()) {
          out_ << "<div class=\"reason\">" << Esc(r.reason.substr(0, r.reason.find('\n')))
               << "</div>";
        }
        for (const std::string& note : r.notes) {
          out_ << "<div class=\"reason note\">" << Esc(note) << "</div>";
        }
        out_ << "</td></tr>\n";
      }
      out_ << "</tbody>\n</table>\n</section>\n";
    }
    out_ << "</section>\n";
  }

  std::string RuleId(size_t i) const { return "rule-" + IdPart(report_.results[i].rule); }
  std::string FailureId(size_t i, size_t k) const {
    return "failure-" + IdPart(report_.results[i].rule) + "-" + std::to_string(k + 1);
  }

  // The failures of result i: its places, or one made of its reason.
  static std::vector<RuleFailure> Places(const RuleResult& r) {
    if (!r.failures.empty()) return r.failures;
    return {{"", r.reason, r.counterexample_file}};
  }

  void Failures() {
    std::vector<size_t> failing;
    for (size_t i = 0; i < report_.results.size(); ++i) {
      if (IsFailure(report_.results[i].status)) failing.push_back(i);
    }
    out_ << "<section id=\"failures\">\n<h2>Failures (" << failing.size() << " rule"
         << (failing.size() == 1 ? "" : "s") << ")</h2>\n";
    if (failing.empty()) out_ << "<p>No rule failed.</p>\n";
    for (size_t i : failing) {
      const RuleResult& r = report_.results[i];
      const std::vector<RuleFailure> places = Places(r);
      for (size_t k = 0; k < places.size(); ++k) {
        FailureArticle(i, k, places[k], places.size(), k < options_.max_pictures_per_rule);
      }
    }
    out_ << "</section>\n";
  }

  void ExpectedFailures() {
    std::vector<size_t> expected;
    for (size_t i = 0; i < report_.results.size(); ++i) {
      if (report_.results[i].status == Status::kXfail) expected.push_back(i);
    }
    if (expected.empty()) return;
    out_ << "<section id=\"expected-failures\">\n<h2>Expected failures (" << expected.size()
         << " rule" << (expected.size() == 1 ? "" : "s")
         << ")</h2>\n<p class=\"hint\">Known deviations listed in the expectations: they do not "
            "fail the run.</p>\n";
    for (size_t i : expected) {
      const RuleResult& r = report_.results[i];
      const std::vector<RuleFailure> places = Places(r);
      out_ << "<details class=\"xfail-rule\"><summary>" << Esc(r.rule) << " " << Badge(r.status)
           << " " << places.size() << " place" << (places.size() == 1 ? "" : "s") << ": "
           << Esc(r.reason.substr(0, r.reason.find('\n'))) << "</summary>\n";
      for (size_t k = 0; k < places.size(); ++k) {
        FailureArticle(i, k, places[k], places.size(), false);
      }
      out_ << "</details>\n";
    }
    out_ << "</section>\n";
  }

  void FailureArticle(size_t i, size_t k, const RuleFailure& f, size_t n, bool draw) {
    const RuleResult& r = report_.results[i];
    const std::string status = StatusName(r.status);
    out_ << "<article class=\"failure st-border-" << status << "\" id=\"" << FailureId(i, k)
         << "\" data-rule=\"" << Esc(r.rule) << "\" data-status=\"" << status << "\">\n";
    out_ << "<h3><a href=\"#" << RuleId(i) << "\">" << Esc(r.rule) << "</a> " << Badge(r.status)
         << " <span class=\"level\">" << Esc(r.level) << "</span>";
    if (n > 1) out_ << " <span class=\"hint\">place " << k + 1 << " of " << n << "</span>";
    out_ << "</h3>\n<p class=\"statement\">" << Esc(r.statement) << "</p>\n";
    out_ << "<dl class=\"facts\">\n";
    if (!f.where.empty()) Fact("where", f.where);
    if (k == 0 && r.cases_to_failure > 0) {
      Fact("found after", std::to_string(r.cases_to_failure) + " cases");
    }
    out_ << "</dl>\n";
    const std::string& message = f.message.empty() ? r.reason : f.message;
    out_ << "<pre class=\"message\">" << Esc(message) << "</pre>\n";
    if (r.status == Status::kXpass && !f.message.empty() && f.message != r.reason) {
      out_ << "<p class=\"hint\">" << Esc(r.reason) << "</p>\n";
    }
    if (draw && picture_) {
      Picture(i, k, f);
    } else if (!draw && r.status != Status::kXfail && picture_) {
      out_ << "<p class=\"hint\">No picture: only the first " << options_.max_pictures_per_rule
           << " failures of a rule are drawn.</p>\n";
    }
    if (!f.counterexample_file.empty()) {
      out_ << "<p class=\"replay\">Replay: <code class=\"replay\">bufconf replay "
           << Esc(ShellWord(f.counterexample_file)) << "</code></p>\n";
      std::string note;
      const std::string text =
          CounterexampleText(f.counterexample_file, options_.max_json_bytes, &note);
      out_ << "<details class=\"counterexample\"><summary>Counterexample: <code>"
           << Esc(f.counterexample_file) << "</code>";
      if (!note.empty()) out_ << " <span class=\"hint\">(" << Esc(note) << ")</span>";
      out_ << "</summary>\n";
      if (!text.empty()) out_ << "<pre class=\"json\">" << Esc(text) << "</pre>\n";
      out_ << "</details>\n";
    } else if (r.status != Status::kXpass) {
      out_ << "<p class=\"hint\">No counterexample was saved for this failure.</p>\n";
    }
    out_ << "</article>\n";
  }

  void Picture(size_t i, size_t k, const RuleFailure& f) {
    FailurePicture p;
    try {
      p = picture_(f);
    } catch (const std::exception& e) {
      p.svg.clear();
      p.caption = std::string("no picture: ") + e.what();
    } catch (...) {
      p.svg.clear();
      p.caption = "no picture: unknown error";
    }
    std::string svg;
    if (!p.svg.empty()) {
      if (p.svg.size() > options_.max_picture_bytes) {
        p.caption += (p.caption.empty() ? "" : "; ") + std::string("the picture (") +
                     std::to_string(p.svg.size()) + " bytes) was too large to include";
      } else {
        std::string why;
        svg = InlineSvg(p.svg, "p" + std::to_string(++pictures_), &why);
        if (svg.empty()) p.caption += (p.caption.empty() ? "" : "; ") + why;
      }
    }
    if (svg.empty()) {
      if (!p.caption.empty()) out_ << "<p class=\"hint no-picture\">" << Esc(p.caption) << "</p>\n";
      return;
    }
    out_ << "<figure class=\"picture\" id=\"" << FailureId(i, k) << "-picture\">\n"
         << "<div class=\"picture-box\">" << svg << "</div>\n";
    if (!p.caption.empty()) out_ << "<figcaption>" << Esc(p.caption) << "</figcaption>\n";
    out_ << "</figure>\n";
  }

  void Warnings() {
    const auto list = [&](const char* id, const char* title,
                          const std::vector<std::string>& items) {
      if (items.empty()) return;
      out_ << "<section id=\"" << id << "\">\n<h2>" << title << "</h2>\n<ul>\n";
      for (const std::string& w : items) out_ << "<li>" << Esc(w) << "</li>\n";
      out_ << "</ul>\n</section>\n";
    };
    std::vector<std::string> skipped, notes;
    for (const auto& [what, why] : report_.skipped_objects) {
      // The adapter's description usually says why already ("...: skipped: ...").
      skipped.push_back(what.find("skipped") != std::string::npos ? what : what + ": " + why);
    }
    for (const auto& [what, note] : report_.object_notes) notes.push_back(what + ": " + note);
    list("adapter-errors", "Adapter errors (the adapter misbehaved; not findings)",
         report_.adapter_errors);
    list("errors", "Errors of bufconf (not findings; the run is incomplete)", report_.errors);
    list("skipped-objects", "Skipped objects (not judged)", skipped);
    list("unfinished", "Cut short", report_.unfinished);
    list("object-notes", "Notes", notes);
    list("warnings", "Warnings", report_.warnings);
  }

  static constexpr const char* kCss = R"css(*{box-sizing:border-box}
body{margin:0;background:#eef1f4;color:#1f2328;
font:15px/1.45 "DejaVu Sans","Liberation Sans",Arial,Helvetica,sans-serif}
main{max-width:1200px;margin:0 auto;padding:12px 24px 40px;background:#fff;min-height:100vh}
h1{font-size:1.6em;margin:.3em 0}
h2{font-size:1.3em;margin:1.2em 0 .5em;padding-bottom:.2em;border-bottom:1px solid #d0d7de}
h3{font-size:1.05em;margin:.2em 0 .4em;overflow-wrap:anywhere}
a{color:#0550ae}
code,pre{font-family:"DejaVu Sans Mono","Liberation Mono",Menlo,Consolas,monospace;font-size:13px}
pre{white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word;max-width:100%;
background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:8px 10px;margin:.4em 0}
pre.json{max-height:36em;overflow:auto}
.hint{color:#57606a;font-size:.9em}
.verdict{font-size:1.15em;font-weight:bold;padding:6px 12px;border-radius:6px;display:inline-block}
.verdict-pass{background:#dafbe1;color:#116329}
.verdict-fail{background:#ffebe9;color:#a40e26}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:16px}
.card{border:1px solid #d0d7de;border-radius:6px;padding:4px 14px 10px;min-width:0}
.card h2{margin-top:.4em}
dl.facts{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 14px;margin:.3em 0}
dl.facts dt{font-weight:bold;color:#57606a}
dl.facts dd{margin:0;min-width:0;overflow-wrap:anywhere}
ul.totals{list-style:none;display:flex;flex-wrap:wrap;gap:8px;padding:0;margin:.4em 0}
ul.totals li{border-radius:6px;padding:4px 14px;min-width:6.5em;text-align:center}
ul.totals .count{display:block;font-size:1.7em;font-weight:bold}
.st-pass{background:#dafbe1;color:#116329}
.st-fail{background:#ffebe9;color:#a40e26}
.st-skip{background:#eaeef2;color:#424a53}
.st-blocked{background:#fff1e5;color:#953800}
.st-xfail{background:#f5ebff;color:#6e40c9}
.st-xpass{background:#fff8c5;color:#7d4e00}
.st-error{background:#ffe0e0;color:#8b0000}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-weight:bold;font-size:.85em}
nav.areas a{margin-right:.6em}
.area-title{font-weight:normal;color:#57606a}
table.rules{width:100%;border-collapse:collapse;table-layout:fixed;margin-bottom:.6em}
table.rules th,table.rules td{text-align:left;vertical-align:top;padding:4px 6px;
border-bottom:1px solid #d0d7de;overflow-wrap:anywhere;min-width:0}
table.rules th{background:#f6f8fa}
table.rules .num{text-align:right}
col.c-rule{width:25%}col.c-level{width:9em}col.c-status{width:6em}col.c-cases{width:5em}
tr.row-fail td:first-child,tr.row-xpass td:first-child{border-left:4px solid #cf222e}
tr.row-fail{background:#fff5f5}
.reason{color:#57606a;font-size:.88em}
.failure{border:1px solid #d0d7de;border-left:6px solid #cf222e;border-radius:6px;
padding:8px 14px;margin:12px 0;min-width:0;max-width:100%}
.st-border-xpass{border-left-color:#bf8700}
.st-border-xfail{border-left-color:#8250df}
.statement{margin:.2em 0}
.level{color:#57606a;font-weight:normal}
figure.picture{margin:.5em 0}
.picture-box{overflow:auto;max-width:100%;max-height:48em;border:1px solid #d0d7de;
border-radius:6px;background:#fff;padding:6px}
.picture-box svg{display:block;max-width:none}
figcaption{color:#57606a;font-size:.9em;margin-top:.2em}
code.replay{display:inline-block;max-width:100%;white-space:pre-wrap;overflow-wrap:anywhere;
user-select:all;-webkit-user-select:all;background:#f6f8fa;border:1px solid #d0d7de;
border-radius:4px;padding:1px 6px}
details{margin:.3em 0}
details>summary{cursor:pointer;overflow-wrap:anywhere}
details.xfail-rule{border:1px solid #d0d7de;border-radius:6px;padding:4px 10px;margin:6px 0}
footer{margin-top:2em}
)css";

  const RunReport& report_;
  const PictureFunction& picture_;
  const HtmlOptions& options_;
  std::ostringstream out_;
  int pictures_ = 0;
};

}  // namespace

std::string ScorecardHtml(const RunReport& report, const PictureFunction& picture,
                          const HtmlOptions& options) {
  return Page(report, picture, options).Render();
}

}  // namespace bufconf::suite
