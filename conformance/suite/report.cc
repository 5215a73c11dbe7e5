#include "conformance/suite/report.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sstream>
#include <string>

namespace bufconf::suite {
namespace {

// Length of the valid UTF-8 sequence at s[i] (1-4), or 0 if the byte there does not start one.
// Rejects overlong forms, surrogates and code points above U+10FFFF; sets *code_point.
size_t Utf8SequenceAt(const std::string& s, size_t i, uint32_t* code_point) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    *code_point = b0;
    return 1;
  }
  size_t n;
  uint32_t cp;
  uint32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    n = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  *code_point = cp;
  return n;
}

std::string HexByte(unsigned char b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", b);
  return buf;
}

std::string Seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}

std::string PadRight(const std::string& s, size_t width) {
  return s.size() >= width ? s + " " : s + std::string(width - s.size(), ' ');
}

std::string FirstLine(const std::string& s, size_t max_chars) {
  std::string line = s.substr(0, s.find('\n'));
  if (line.size() > max_chars) line = line.substr(0, max_chars - 3) + "...";
  return line;
}

// Every line of `text` after the first indented by `indent`.
std::string Indented(const std::string& text, const std::string& indent) {
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out += indent;
  }
  return out;
}

bool IsFailure(Status s) { return s == Status::kFail || s == Status::kXpass; }

// "REQ-WRITABLE" -> "req".
std::string Area(const std::string& rule) {
  std::string area = rule.substr(0, rule.find('-'));
  for (char& c : area) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return area.empty() ? "unknown" : area;
}

std::string Attr(const std::string& name, const std::string& value) {
  return " " + name + "=\"" + XmlEscape(value) + "\"";
}

std::string Property(const std::string& name, const std::string& value) {
  return "<property" + Attr("name", name) + Attr("value", value) + "/>";
}

}  // namespace

const char* StatusName(Status status) {
  switch (status) {
    case Status::kPass:
      return "pass";
    case Status::kFail:
      return "fail";
    case Status::kSkip:
      return "skip";
    case Status::kBlocked:
      return "blocked";
    case Status::kXfail:
      return "xfail";
    case Status::kXpass:
      return "xpass";
    case Status::kError:
      return "error";
  }
  return "?";
}

Totals CountResults(const RunReport& report) {
  Totals t;
  for (const RuleResult& r : report.results) {
    switch (r.status) {
      case Status::kPass:
        ++t.pass;
        break;
      case Status::kFail:
        ++t.fail;
        break;
      case Status::kSkip:
        ++t.skip;
        break;
      case Status::kBlocked:
        ++t.blocked;
        break;
      case Status::kXfail:
        ++t.xfail;
        break;
      case Status::kXpass:
        ++t.xpass;
        break;
      case Status::kError:
        ++t.error;
        break;
    }
  }
  return t;
}

bool NothingTested(const RunReport& report) {
  if (report.shard.count > 0 && report.shard.rules == 0) return false;
  for (const RuleResult& r : report.results) {
    if (r.cases > 0) return false;
  }
  return true;
}

bool NoObjectJudged(const RunReport& report) {
  if (report.shard.count > 0 && report.shard.rules == 0) return false;
  const auto has = [&](const char* name) {
    return std::find(report.capabilities.begin(), report.capabilities.end(), name) !=
           report.capabilities.end();
  };
  return has("enumerate") && !has("make_exporter") && report.objects == 0 &&
         !report.skipped_objects.empty();
}

int ExitStatus(const RunReport& report) {
  const Totals t = CountResults(report);
  if (!report.adapter_errors.empty()) return 2;
  if (report.empty_run_fails && (NothingTested(report) || NoObjectJudged(report))) return 1;
  if (t.fail != 0 || t.xpass != 0) return 1;
  return t.error != 0 || !report.errors.empty() ? 3 : 0;
}

std::string SanitizeUtf8(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    uint32_t cp;
    const size_t n = Utf8SequenceAt(text, i, &cp);
    if (n == 0) {
      out += HexByte(static_cast<unsigned char>(text[i]));
      ++i;
    } else {
      out.append(text, i, n);
      i += n;
    }
  }
  return out;
}

std::string XmlEscape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    uint32_t cp;
    const size_t n = Utf8SequenceAt(text, i, &cp);
    if (n == 0) {
      out += HexByte(static_cast<unsigned char>(text[i]));
      ++i;
      continue;
    }
    switch (cp) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
        out += "&#9;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      default:
        if (cp < 0x20 || cp == 0xFFFE || cp == 0xFFFF) {
          // Not allowed in XML 1.0, not even as a character reference.
          for (size_t k = 0; k < n; ++k) out += HexByte(static_cast<unsigned char>(text[i + k]));
        } else {
          out.append(text, i, n);
        }
    }
    i += n;
  }
  return out;
}

namespace {

// "shard 2/3: 27 of 82 rules ..." for a sharded run, with why a shard has no rule.
std::string ShardLine(const ShardInfo& shard) {
  std::string line = "shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count) +
                     ": " + std::to_string(shard.rules) + " of " + std::to_string(shard.of) +
                     " rules (" + shard.source +
                     ", 0-based; the other shards judge the other rules)";
  if (shard.rules == 0) line += "; " + ShardNote(shard);
  return line;
}

}  // namespace

std::string ShardNote(const ShardInfo& shard) {
  if (shard.count == 0 || shard.rules > 0) return "";
  return "this shard has no rule (the filter selects " + std::to_string(shard.of) +
         (shard.of == 1 ? " rule" : " rules") + " for " + std::to_string(shard.count) +
         " shards): nothing to judge, it passes";
}

InterpreterInfo InterpreterFromVersion(const std::string& version) {
  InterpreterInfo info;
  const size_t space = version.find(' ');
  const size_t open = version.find(" (");
  if (space == std::string::npos || open == std::string::npos || open <= space) return info;
  const size_t close = version.find(')', open);
  if (close == std::string::npos) return info;
  std::string where = version.substr(open + 2, close - open - 2);
  for (const char* prefix : {"embedded ", "hosted by "}) {
    if (where.rfind(prefix, 0) == 0) {
      info.implementation = version.substr(0, space);
      info.version = version.substr(space + 1, open - space - 1);
      info.path = where.substr(std::string(prefix).size());
      return info;
    }
  }
  return info;
}

std::string Banner(const RunReport& report) {
  std::ostringstream out;
  out << report.suite_version << " conformance run\n";
  out << "  adapter:      " << report.adapter_name;
  if (!report.adapter_version.empty()) out << " " << report.adapter_version;
  if (!report.adapter_source.empty()) out << " (" << report.adapter_source << ")";
  out << "\n";
  if (!report.interpreter.implementation.empty()) {
    out << "  interpreter:  " << report.interpreter.implementation << " "
        << report.interpreter.version << " at " << report.interpreter.path << "\n";
  }
  out << "  capabilities: ";
  if (report.capabilities.empty()) out << "(none)";
  for (size_t i = 0; i < report.capabilities.size(); ++i) {
    out << (i ? ", " : "") << report.capabilities[i];
  }
  out << "\n";
  out << "  seed:         " << report.seed << "\n";
  out << "  settings:     examples=" << report.examples
      << " profile=" << (report.profile.empty() ? "default" : report.profile)
      << " filter=" << (report.filter.empty() ? "(all rules)" : report.filter) << "\n";
  if (report.shard.count > 0) out << "  " << ShardLine(report.shard) << "\n";
  char timeout[32];
  std::snprintf(timeout, sizeof timeout, "%g", report.timeout_seconds);
  out << "  isolation:    "
      << (report.isolate ? std::string("each rule in a forked child, ") + timeout +
                               " s per case before a hang is declared"
                         : std::string("off (--no-fork): a crash or hang ends the run"))
      << "\n";
  return out.str();
}

std::string ResultTable(const RunReport& report) {
  size_t rule_width = 4;
  for (const RuleResult& r : report.results) rule_width = std::max(rule_width, r.rule.size());
  rule_width += 2;
  std::ostringstream out;
  out << PadRight("RULE", rule_width) << PadRight("LEVEL", 13) << PadRight("STATUS", 9)
      << "   CASES  NOTE\n";
  for (const RuleResult& r : report.results) {
    char cases[32];
    std::snprintf(cases, sizeof cases, "%8lld", static_cast<long long>(r.cases));
    std::string line = PadRight(r.rule, rule_width) + PadRight(r.level, 13) +
                       PadRight(StatusName(r.status), 9) + cases;
    std::string note = IsFailure(r.status) ? "" : r.reason;
    if (r.unsupported > 0 && note.empty()) {
      note = std::to_string(r.unsupported) +
             " more cases unsupported (the adapter cannot express them)";
    }
    if (!note.empty()) line += "  " + FirstLine(note, 70);
    out << line << "\n";
    // Why CASES differs from the other rules' (blocked, not exercised, below the minimum).
    for (const std::string& n : r.notes) {
      out << std::string(rule_width + 13 + 9 + 8, ' ') << "  - " << FirstLine(n, 200) << "\n";
    }
  }

  bool header = false;
  for (const RuleResult& r : report.results) {
    if (!IsFailure(r.status)) continue;
    if (!header) out << "\nFailures:\n";
    header = true;
    out << "\n"
        << r.rule << " (" << r.level << (r.party.empty() ? "" : ", broken by the " + r.party)
        << "): " << r.statement << "\n";
    out << "  " << StatusName(r.status) << ": " << Indented(r.reason, "    ") << "\n";
    if (r.status == Status::kFail) {
      if (r.cases_to_failure > 0) out << "  failed after " << r.cases_to_failure << " cases\n";
      if (r.failures.size() > 1) {
        // The terminal abbreviates; --json, --junit and --html list every place.
        constexpr size_t kShown = 8;
        out << "  fails in " << r.failures.size() << " places:";
        for (size_t i = 0; i < r.failures.size() && i < kShown; ++i) {
          out << (i ? "; " : " ") << r.failures[i].where;
        }
        if (r.failures.size() > kShown) {
          out << "; and " << (r.failures.size() - kShown)
              << " more (every place is in --json, --junit and --html)";
        }
        out << "\n";
        // Crashes and hangs are always listed, each with its own counterexample.
        for (size_t i = 1; i < r.failures.size(); ++i) {
          const RuleFailure& f = r.failures[i];
          if (f.message.find("the implementation crashed") == std::string::npos &&
              f.message.find("the implementation hung") == std::string::npos &&
              f.message.find("the implementation exited") == std::string::npos) {
            continue;
          }
          out << "  also: " << FirstLine(f.message, 200) << "\n";
          if (!f.counterexample_file.empty()) {
            out << "    replay: bufconf replay " << f.counterexample_file << "\n";
          }
        }
      }
      if (!r.counterexample_file.empty()) {
        out << "  counterexample: " << r.counterexample_file << "\n";
      }
      if (!r.replay_command.empty()) out << "  replay: " << r.replay_command << "\n";
    }
  }

  if (!report.skipped_objects.empty()) {
    out << "\nSkipped objects (not judged):\n";
    for (const auto& [what, why] : report.skipped_objects) {
      // The adapter's description usually says why already ("...: skipped: ...").
      out << "  " << what << (what.find("skipped") != std::string::npos ? "" : ": " + why) << "\n";
    }
  }
  if (!report.object_notes.empty()) {
    out << "\nNotes:\n";
    for (const auto& [what, note] : report.object_notes)
      out << "  " << what << ": " << note << "\n";
  }
  if (!report.unfinished.empty()) {
    out << "\nCut short:\n";
    for (const std::string& u : report.unfinished) out << "  " << u << "\n";
  }
  if (!report.adapter_errors.empty()) {
    out << "\nAdapter errors (the adapter misbehaved; not findings, exit status 2):\n";
    for (const std::string& e : report.adapter_errors) out << "  " << e << "\n";
  }
  if (!report.errors.empty()) {
    out << "\nErrors of bufconf (not findings; the run is incomplete):\n";
    for (const std::string& e : report.errors) out << "  " << e << "\n";
  }
  if (!report.warnings.empty()) {
    out << "\nWarnings:\n";
    for (const std::string& w : report.warnings) out << "  " << w << "\n";
  }

  const Totals t = CountResults(report);
  out << "\n"
      << t.pass << " pass, " << t.fail << " fail, " << t.skip << " skip, " << t.blocked
      << " blocked, " << t.xfail << " xfail, " << t.xpass << " xpass";
  if (t.error > 0) out << ", " << t.error << " error";
  out << "\n";
  return out.str();
}

nlohmann::ordered_json ScorecardJson(const RunReport& report) {
  using nlohmann::ordered_json;
  const auto str = [](const std::string& s) { return SanitizeUtf8(s); };
  ordered_json j;
  j["suite_version"] = str(report.suite_version);
  ordered_json capabilities = ordered_json::array();
  for (const std::string& c : report.capabilities) capabilities.push_back(str(c));
  j["adapter"] = {{"name", str(report.adapter_name)},
                  {"version", str(report.adapter_version)},
                  {"source", str(report.adapter_source)},
                  {"capabilities", capabilities}};
  if (!report.interpreter.implementation.empty()) {
    j["interpreter"] = {{"implementation", str(report.interpreter.implementation)},
                        {"version", str(report.interpreter.version)},
                        {"path", str(report.interpreter.path)}};
  }
  j["settings"] = {{"seed", report.seed},
                   {"examples", report.examples},
                   {"profile", str(report.profile)},
                   {"filter", str(report.filter)},
                   {"timeout_seconds", report.timeout_seconds},
                   {"fork", report.isolate}};
  if (report.shard.count > 0) {
    j["shard"] = {{"index", report.shard.index},
                  {"count", report.shard.count},
                  {"rules", report.shard.rules},
                  {"of", report.shard.of},
                  {"source", report.shard.source}};
    if (report.shard.rules == 0) j["shard"]["note"] = ShardNote(report.shard);
  }
  j["seconds"] = report.seconds;
  const Totals t = CountResults(report);
  j["totals"] = {{"pass", t.pass},   {"fail", t.fail},   {"skip", t.skip},  {"blocked", t.blocked},
                 {"xfail", t.xfail}, {"xpass", t.xpass}, {"error", t.error}};
  j["exit_status"] = ExitStatus(report);
  ordered_json results = ordered_json::array();
  for (const RuleResult& r : report.results) {
    ordered_json o;
    o["rule"] = str(r.rule);
    o["level"] = str(r.level);
    o["party"] = str(r.party);
    o["statement"] = str(r.statement);
    o["status"] = StatusName(r.status);
    o["cases"] = r.cases;
    o["unsupported"] = r.unsupported;
    o["blocked"] = r.blocked;
    if (!r.blocked_reason.empty()) o["blocked_reason"] = str(r.blocked_reason);
    o["not_exercised"] = r.not_exercised;
    o["minimum_cases"] = r.minimum_cases;
    if (!r.notes.empty()) {
      o["notes"] = ordered_json::array();
      for (const std::string& n : r.notes) o["notes"].push_back(str(n));
    }
    o["seconds"] = r.seconds;
    if (!r.reason.empty()) o["reason"] = str(r.reason);
    if (!r.counterexample_file.empty()) o["counterexample_file"] = str(r.counterexample_file);
    if (!r.replay_command.empty()) o["replay_command"] = str(r.replay_command);
    if (r.cases_to_failure > 0) o["cases_to_failure"] = r.cases_to_failure;
    if (!r.failures.empty()) {
      o["failures"] = nlohmann::ordered_json::array();
      for (const RuleFailure& f : r.failures) {
        o["failures"].push_back({{"where", SanitizeUtf8(f.where)},
                                 {"message", SanitizeUtf8(f.message)},
                                 {"counterexample_file", SanitizeUtf8(f.counterexample_file)}});
      }
    }
    results.push_back(std::move(o));
  }
  j["results"] = std::move(results);
  ordered_json warnings = ordered_json::array();
  for (const std::string& w : report.warnings) warnings.push_back(str(w));
  j["warnings"] = std::move(warnings);
  ordered_json errors = ordered_json::array();
  for (const std::string& e : report.errors) errors.push_back(str(e));
  j["errors"] = std::move(errors);
  ordered_json adapter_errors = ordered_json::array();
  for (const std::string& e : report.adapter_errors) adapter_errors.push_back(str(e));
  j["adapter_errors"] = std::move(adapter_errors);
  j["objects"] = report.objects;
  ordered_json skipped = ordered_json::array();
  for (const auto& [what, why] : report.skipped_objects) {
    skipped.push_back({{"object", str(what)}, {"reason", str(why)}});
  }
  j["skipped_objects"] = std::move(skipped);
  ordered_json notes = ordered_json::array();
  for (const auto& [what, note] : report.object_notes) {
    notes.push_back({{"object", str(what)}, {"note", str(note)}});
  }
  j["object_notes"] = std::move(notes);
  ordered_json unfinished = ordered_json::array();
  for (const std::string& u : report.unfinished) unfinished.push_back(str(u));
  j["unfinished"] = std::move(unfinished);
  return j;
}

std::string JUnitXml(const RunReport& report) {
  const Totals t = CountResults(report);
  const std::string seed = std::to_string(report.seed);
  // Errors outside any rule (the adapter's misbehaviour, bufconf's own errors and limits) are a
  // test case each, so a CI dashboard that reads only JUnit sees them too.
  struct RunLevel {
    const char* name;
    const char* type;
    const char* message;
    const std::vector<std::string>& lines;
  };
  const RunLevel run_level[] = {
      {"adapter errors", "adapter-error", "the adapter misbehaved outside any rule (exit status 2)",
       report.adapter_errors},
      {"errors of bufconf", "bufconf-error",
       "bufconf could not judge everything: the run is incomplete", report.errors},
  };
  size_t extra = 0;
  for (const RunLevel& r : run_level) extra += r.lines.empty() ? 0 : 1;
  const std::string tests = std::to_string(report.results.size() + extra);
  const std::string errors = std::to_string(t.error + extra);
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites" << Attr("name", "bufconf") << Attr("tests", tests)
      << Attr("failures", std::to_string(t.fail + t.xpass)) << Attr("errors", errors)
      << Attr("time", Seconds(report.seconds)) << ">\n";
  out << "  <testsuite" << Attr("name", "bufconf") << Attr("tests", tests)
      << Attr("failures", std::to_string(t.fail + t.xpass))
      << Attr("skipped", std::to_string(t.skip + t.blocked + t.xfail)) << Attr("errors", errors)
      << Attr("time", Seconds(report.seconds)) << ">\n";
  out << "    <properties>\n";
  out << "      " << Property("adapter", report.adapter_name) << "\n";
  out << "      " << Property("adapter_version", report.adapter_version) << "\n";
  out << "      " << Property("adapter_source", report.adapter_source) << "\n";
  if (!report.interpreter.implementation.empty()) {
    out << "      "
        << Property("interpreter", report.interpreter.implementation + " " +
                                       report.interpreter.version + " at " +
                                       report.interpreter.path)
        << "\n";
  }
  out << "      " << Property("suite_version", report.suite_version) << "\n";
  out << "      " << Property("seed", seed) << "\n";
  out << "      " << Property("examples", std::to_string(report.examples)) << "\n";
  out << "      " << Property("profile", report.profile) << "\n";
  out << "      " << Property("filter", report.filter) << "\n";
  if (report.shard.count > 0) {
    out << "      "
        << Property("shard",
                    std::to_string(report.shard.index) + "/" + std::to_string(report.shard.count))
        << "\n";
    out << "      "
        << Property("shard_rules",
                    std::to_string(report.shard.rules) + " of " + std::to_string(report.shard.of))
        << "\n";
  }
  out << "      " << Property("timeout_seconds", std::to_string(report.timeout_seconds)) << "\n";
  out << "      " << Property("fork", report.isolate ? "true" : "false") << "\n";
  out << "    </properties>\n";
  for (const RuleResult& r : report.results) {
    out << "    <testcase" << Attr("classname", "bufconf." + Area(r.rule)) << Attr("name", r.rule)
        << Attr("time", Seconds(r.seconds)) << ">\n";
    out << "      <properties>" << Property("rule", r.rule) << Property("level", r.level)
        << Property("status", StatusName(r.status)) << Property("cases", std::to_string(r.cases))
        << Property("unsupported", std::to_string(r.unsupported))
        << Property("adapter", report.adapter_name) << Property("seed", seed) << "</properties>\n";
    switch (r.status) {
      case Status::kPass:
        break;
      case Status::kFail: {
        std::string details = r.rule + " (" + r.level + "): " + r.statement + "\n" + r.reason;
        if (r.cases_to_failure > 0) {
          details += "\nfailed after " + std::to_string(r.cases_to_failure) + " cases";
        }
        if (!r.counterexample_file.empty()) {
          details += "\ncounterexample: " + r.counterexample_file;
        }
        if (!r.replay_command.empty()) details += "\nreplay: " + r.replay_command;
        if (r.failures.size() > 1) {
          details += "\nfails in " + std::to_string(r.failures.size()) + " places:";
          for (const RuleFailure& f : r.failures) {
            details += "\n- " + f.where + ": " + f.message;
            if (!f.counterexample_file.empty()) {
              details += "\n  replay: bufconf replay " + f.counterexample_file;
            }
          }
        }
        out << "      <failure" << Attr("message", FirstLine(r.reason, 500)) << Attr("type", "fail")
            << ">" << XmlEscape(details) << "</failure>\n";
        break;
      }
      case Status::kXpass:
        out << "      <failure" << Attr("message", "unexpected pass: remove the expectation")
            << Attr("type", "xpass") << ">" << XmlEscape(r.reason) << "</failure>\n";
        break;
      case Status::kError:
        out << "      <error" << Attr("message", "bufconf could not judge this rule")
            << Attr("type", "bufconf-error") << ">" << XmlEscape(r.reason) << "</error>\n";
        break;
      case Status::kSkip:
      case Status::kBlocked:
      case Status::kXfail:
        out << "      <skipped"
            << Attr("message", std::string(StatusName(r.status)) + ": " + r.reason) << "/>\n";
        break;
    }
    out << "    </testcase>\n";
  }
  for (const RunLevel& r : run_level) {
    if (r.lines.empty()) continue;
    std::string details;
    for (const std::string& line : r.lines) details += (details.empty() ? "" : "\n") + line;
    out << "    <testcase" << Attr("classname", "bufconf.run") << Attr("name", r.name)
        << Attr("time", "0") << ">\n";
    out << "      <error" << Attr("message", r.message) << Attr("type", r.type) << ">"
        << XmlEscape(details) << "</error>\n";
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n";
  out << "</testsuites>\n";
  return out.str();
}

bool GlobMatch(const std::string& p, const std::string& t) {
  size_t pi = 0, ti = 0, star = std::string::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == t[ti])) {
      ++pi;
      ++ti;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (star != std::string::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace bufconf::suite
