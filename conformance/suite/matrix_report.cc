#include "conformance/suite/matrix_report.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "conformance/suite/report.h"

namespace bufconf::suite {
namespace {

constexpr size_t kLineWidth = 100;
constexpr size_t kCellWidth = 10;  // 9 characters and a space
constexpr size_t kMessagesShown = 3;

const char* const kStatuses[] = {"pass", "fail", "skip", "blocked", "xfail", "xpass", "error"};

bool IsStatus(const std::string& s) {
  return std::find(std::begin(kStatuses), std::end(kStatuses), s) != std::end(kStatuses);
}

[[noreturn]] void Bad(const std::string& field, const std::string& what) {
  throw std::runtime_error(field + ": " + what);
}

const nlohmann::json* Member(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// An optional string member ("" when absent); present, it must be a string.
std::string OptionalString(const nlohmann::json& object, const char* key,
                           const std::string& field) {
  const nlohmann::json* v = Member(object, key);
  if (v == nullptr || v->is_null()) return "";
  if (!v->is_string()) Bad(field + "." + key, "not a string");
  return SanitizeUtf8(v->get<std::string>());
}

// An optional array of strings.
std::vector<std::string> OptionalStrings(const nlohmann::json& object, const char* key,
                                         const std::string& field) {
  std::vector<std::string> out;
  const nlohmann::json* v = Member(object, key);
  if (v == nullptr) return out;
  if (!v->is_array()) Bad(field + key, "not an array");
  for (size_t i = 0; i < v->size(); ++i) {
    if (!(*v)[i].is_string()) Bad(field + key + "[" + std::to_string(i) + "]", "not a string");
    out.push_back(SanitizeUtf8((*v)[i].get<std::string>()));
  }
  return out;
}

std::string PadRight(const std::string& s, size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

// At most `width` bytes: cut with "..." at the end.
std::string Cut(const std::string& s, size_t width) {
  std::string line = s.substr(0, s.find('\n'));
  if (line.size() <= width) return line;
  size_t n = width - 3;
  // Not inside a UTF-8 sequence.
  while (n > 0 && (static_cast<unsigned char>(line[n]) & 0xC0) == 0x80) --n;
  return line.substr(0, n) + "...";
}

// `text` (its first line) as lines of at most kLineWidth bytes, each starting with `indent`, broken
// at spaces; at most `max_lines`, the last cut with "...".
std::string Wrapped(const std::string& text, const std::string& indent, size_t max_lines) {
  std::string rest = text.substr(0, text.find('\n'));
  const size_t room = kLineWidth - indent.size();
  std::string out;
  for (size_t n = 1; !rest.empty(); ++n) {
    if (rest.size() <= room || n == max_lines) {
      out += Cut(indent + rest, kLineWidth) + "\n";
      break;
    }
    size_t at = rest.rfind(' ', room);
    if (at == std::string::npos || at < room / 2) at = room;
    // Not inside a UTF-8 sequence.
    while (at > 0 && (static_cast<unsigned char>(rest[at]) & 0xC0) == 0x80) --at;
    out += indent + rest.substr(0, at) + "\n";
    rest = rest.substr(at);
    rest.erase(0, rest.find_first_not_of(' '));
  }
  return out;
}

// At most `width` bytes: a long path keeps its end ("...versions/3.12.1/bin/python3.12").
std::string CutFront(const std::string& s, size_t width) {
  if (s.size() <= width) return s;
  size_t start = s.size() - (width - 3);
  while (start < s.size() && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) ++start;
  return "..." + s.substr(start);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "REQ-WRITABLE" -> "req".
std::string Area(const std::string& rule) {
  const std::string area = Lower(rule.substr(0, rule.find('-')));
  return area.empty() ? "unknown" : area;
}

std::string Attr(const std::string& name, const std::string& value) {
  return " " + name + "=\"" + XmlEscape(value) + "\"";
}

std::string Property(const std::string& name, const std::string& value) {
  return "<property" + Attr("name", name) + Attr("value", value) + "/>";
}

std::string Column(size_t index) { return "#" + std::to_string(index + 1); }

// "9999", "16k", "2M": at most `room` characters when possible.
std::string Count(int64_t n, size_t room) {
  std::string text = std::to_string(n);
  if (text.size() <= room) return text;
  text = std::to_string(n / 1000) + "k";
  if (text.size() <= room) return text;
  return std::to_string(n / 1000000) + "M";
}

std::string SettingsText(const nlohmann::json& s) {
  if (!s.is_object()) return "";
  std::string out;
  for (const char* key : {"seed", "examples", "profile", "filter"}) {
    const nlohmann::json* v = Member(s, key);
    if (v == nullptr) continue;
    out += (out.empty() ? "" : " ") + std::string(key) + "=" +
           (v->is_string() ? v->get<std::string>() : v->dump());
  }
  return out;
}

// A scorecard without "interpreter" (bufconf before run --python): the python adapter's version
// says "CPython 3.11.2 (embedded /usr/bin/python3) ..." or "... (hosted by PATH) ...".
void FromAdapterVersion(MatrixColumn* c) {
  const std::string& v = c->adapter_version;
  for (const char* impl : {"CPython ", "PyPy "}) {
    const std::string prefix = impl;
    if (v.compare(0, prefix.size(), prefix) != 0) continue;
    const size_t end = v.find_first_of(" (", prefix.size());
    c->implementation = Lower(prefix.substr(0, prefix.size() - 1));
    c->version = v.substr(prefix.size(), end == std::string::npos ? end : end - prefix.size());
    for (const std::string marker : {"(embedded ", "(hosted by "}) {
      const size_t at = v.find(marker);
      if (at == std::string::npos) continue;
      const size_t close = v.find(')', at);
      if (close != std::string::npos)
        c->path = v.substr(at + marker.size(), close - at - marker.size());
    }
    return;
  }
}

}  // namespace

std::string MatrixCellText(const MatrixColumn& column, const MatrixCell& cell) {
  if (!column.ran) return "n/a";
  if (!cell.present) return "-";
  std::string word = cell.status;
  bool count = true;
  if (cell.status == "fail") word = "FAIL";
  if (cell.status == "xpass") word = "XPASS";
  if (cell.status == "error") word = "ERROR", count = false;
  if (cell.status == "skip") count = cell.cases > 0;
  if (cell.status == "blocked") {
    word = cell.cases > 0 ? "blkd" : "blocked";
    count = cell.cases > 0;
  }
  if (!count) return word;
  return word + " " + Count(cell.cases, kCellWidth - 2 - word.size());
}

std::string MatrixTotalsText(const nlohmann::json& totals) {
  if (!totals.is_object()) return "";
  std::string out;
  for (const char* name : kStatuses) {
    const nlohmann::json* v = Member(totals, name);
    if (v == nullptr || !v->is_number_integer()) continue;
    out += (out.empty() ? "" : ", ") + std::to_string(v->get<int64_t>()) + " " + name;
  }
  return out;
}

// What a cell says about itself: its failure messages, or else its reason.
std::vector<std::string> MatrixCellMessages(const MatrixCell& cell) {
  if (!cell.messages.empty()) return cell.messages;
  if (!cell.reason.empty()) return {cell.reason};
  return {};
}

MatrixColumn ColumnFromRun(const std::string& given, const std::string& source,
                           const nlohmann::json& run, std::optional<int> exit_status) {
  MatrixColumn c;
  c.given = given;
  c.source = source;
  if (!run.is_object()) Bad("the scorecard", "not a JSON object");
  const nlohmann::json* results = Member(run, "results");
  if (results == nullptr && Member(run, "matrix") != nullptr) {
    Bad("results",
        "missing: this is the JSON of bufconf matrix; give the runs' (bufconf run --json)");
  }
  if (results == nullptr) Bad("results", "missing (not a `bufconf run --json` scorecard)");
  if (!results->is_array()) Bad("results", "not an array");
  const nlohmann::json* status = Member(run, "exit_status");
  if (status == nullptr) Bad("exit_status", "missing");
  if (!status->is_number_integer() || status->get<int64_t>() < 0 || status->get<int64_t>() > 3) {
    Bad("exit_status", status->dump() + " is not 0, 1, 2 or 3");
  }
  c.exit_status = status->get<int>();
  const nlohmann::json* adapter = Member(run, "adapter");
  if (adapter == nullptr || !adapter->is_object()) Bad("adapter", "missing or not an object");
  c.adapter_name = OptionalString(*adapter, "name", "adapter");
  c.adapter_version = OptionalString(*adapter, "version", "adapter");
  if (const nlohmann::json* interpreter = Member(run, "interpreter");
      interpreter != nullptr && !interpreter->is_null()) {
    if (!interpreter->is_object()) Bad("interpreter", "not an object");
    c.implementation = OptionalString(*interpreter, "implementation", "interpreter");
    c.version = OptionalString(*interpreter, "version", "interpreter");
    c.path = OptionalString(*interpreter, "path", "interpreter");
  }
  if (c.implementation.empty()) FromAdapterVersion(&c);
  if (c.implementation.empty()) c.implementation = c.adapter_name;
  if (c.version.empty() && c.implementation == c.adapter_name) c.version = c.adapter_version;
  if (const nlohmann::json* t = Member(run, "totals"); t != nullptr && t->is_object()) {
    c.totals = *t;
  }
  if (const nlohmann::json* s = Member(run, "settings"); s != nullptr && s->is_object()) {
    c.settings = *s;
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < results->size(); ++i) {
    const nlohmann::json& r = (*results)[i];
    const std::string field = "results[" + std::to_string(i) + "]";
    if (!r.is_object()) Bad(field, "not an object");
    const nlohmann::json* rule = Member(r, "rule");
    if (rule == nullptr || !rule->is_string() || rule->get<std::string>().empty()) {
      Bad(field + ".rule", "missing or not a rule ID");
    }
    const std::string id = SanitizeUtf8(rule->get<std::string>());
    if (!seen.insert(id).second) Bad(field + ".rule", "'" + id + "' is listed twice");
    const nlohmann::json* st = Member(r, "status");
    if (st == nullptr || !st->is_string() || !IsStatus(st->get<std::string>())) {
      Bad(field + ".status", (st == nullptr ? std::string("missing") : st->dump()) +
                                 " is not one of pass, fail, skip, blocked, xfail, xpass, error");
    }
    MatrixCell cell;
    cell.present = true;
    cell.status = st->get<std::string>();
    if (const nlohmann::json* cases = Member(r, "cases"); cases != nullptr) {
      if (!cases->is_number_integer() || cases->get<int64_t>() < 0) {
        Bad(field + ".cases", cases->dump() + " is not a count");
      }
      cell.cases = cases->get<int64_t>();
    }
    cell.reason = OptionalString(r, "reason", field);
    if (const nlohmann::json* failures = Member(r, "failures"); failures != nullptr) {
      if (!failures->is_array()) Bad(field + ".failures", "not an array");
      for (size_t k = 0; k < failures->size(); ++k) {
        const nlohmann::json& f = (*failures)[k];
        const std::string ff = field + ".failures[" + std::to_string(k) + "]";
        if (!f.is_object()) Bad(ff, "not an object");
        const std::string where = OptionalString(f, "where", ff);
        const std::string message = OptionalString(f, "message", ff);
        // The runner's messages often start with the place already.
        const bool named = where.empty() || message.compare(0, where.size(), where) == 0;
        cell.messages.push_back(named ? message : where + ": " + message);
        if (!where.empty()) cell.places.insert(MatrixPlace(where));
      }
    }
    c.rule_info.push_back(
        {id, {OptionalString(r, "level", field), OptionalString(r, "statement", field)}});
    c.cells.push_back({id, std::move(cell)});
  }
  for (const std::string& e : OptionalStrings(run, "adapter_errors", "")) {
    c.problems.push_back("adapter error: " + e);
  }
  for (const std::string& e : OptionalStrings(run, "errors", "")) {
    c.problems.push_back("bufconf error: " + e);
  }
  c.warnings = OptionalStrings(run, "warnings", "");
  c.ran = true;
  if (exit_status && *exit_status != c.exit_status) {
    c.problems.push_back("the run exited with status " + std::to_string(*exit_status) +
                         " but its scorecard says " + std::to_string(c.exit_status));
    c.exit_status = 2;
  } else if (c.exit_status == 2 && c.problems.empty()) {
    c.problems.push_back(
        "exit status 2: a usage, adapter or output error (the run's messages say which)");
  }
  return c;
}

MatrixColumn NotRunColumn(const std::string& given, const std::string& source,
                          const std::string& reason) {
  MatrixColumn c;
  c.given = SanitizeUtf8(given);
  c.source = source;
  c.ran = false;
  c.not_run = SanitizeUtf8(reason);
  c.exit_status = 2;
  return c;
}

std::string ColumnShortName(const MatrixColumn& column) {
  if (!column.ran) return "n/a";
  const std::string impl = Lower(column.implementation);
  std::string name;
  if (impl == "cpython") {
    name = "cp" + column.version;
  } else if (impl == "pypy") {
    name = "pp" + column.version;
  } else if (impl == "graalpy" || impl == "graalpython") {
    name = "gp" + column.version;
  } else {
    name = column.implementation;
  }
  return name.substr(0, 9);
}

std::string ColumnTitle(const MatrixColumn& column) {
  if (!column.ran) return "not run: " + column.given;
  std::string title = column.implementation;
  if (!column.version.empty()) title += " " + column.version;
  return title.empty() ? column.given : title;
}

std::string MatrixPlace(const std::string& where) {
  if (where.rfind("interpreter ", 0) == 0) return "interpreter";
  std::string out;
  for (size_t i = 0; i < where.size();) {
    if (where.compare(i, 2, "0x") == 0 && i + 2 < where.size() &&
        std::isxdigit(static_cast<unsigned char>(where[i + 2]))) {
      out += "0x?";
      i += 2;
      while (i < where.size() && std::isxdigit(static_cast<unsigned char>(where[i]))) ++i;
      continue;
    }
    out += where[i++];
  }
  return out;
}

Matrix BuildMatrix(std::vector<MatrixColumn> columns) {
  Matrix m;
  m.suite_version = "bufconf 0.1";
  m.columns = std::move(columns);
  std::map<std::string, size_t> row_of;
  for (const MatrixColumn& c : m.columns) {
    for (const auto& [id, info] : c.rule_info) {
      if (row_of.count(id)) continue;
      row_of[id] = m.rules.size();
      m.rules.push_back({id, info.first, info.second, {}});
    }
  }
  for (MatrixRule& r : m.rules) r.cells.resize(m.columns.size());
  for (size_t k = 0; k < m.columns.size(); ++k) {
    for (const auto& [id, cell] : m.columns[k].cells) m.rules[row_of[id]].cells[k] = cell;
  }
  for (const MatrixRule& r : m.rules) {
    std::set<std::string> verdicts;
    std::set<std::set<std::string>> place_sets;
    MatrixChange change{r.id, {}, false, std::vector<std::vector<std::string>>(m.columns.size())};
    for (size_t k = 0; k < m.columns.size(); ++k) {
      const bool counted = m.columns[k].ran && r.cells[k].present;
      change.statuses.push_back(counted ? r.cells[k].status : "");
      if (counted) {
        verdicts.insert(r.cells[k].status);
        place_sets.insert(r.cells[k].places);
      }
    }
    if (verdicts.size() <= 1 && place_sets.size() <= 1) continue;
    change.places_only = verdicts.size() <= 1;
    for (size_t k = 0; k < m.columns.size(); ++k) {
      if (change.statuses[k].empty()) continue;
      for (const std::string& place : r.cells[k].places) {
        for (size_t o = 0; o < m.columns.size(); ++o) {
          if (change.statuses[o].empty() || r.cells[o].places.count(place) != 0) continue;
          change.only[k].push_back(place);
          break;
        }
      }
    }
    m.changes.push_back(std::move(change));
  }
  // The same interpreter twice: both run (a flaky verdict shows as a change), but say it.
  for (size_t a = 0; a < m.columns.size(); ++a) {
    for (size_t b = a + 1; b < m.columns.size(); ++b) {
      const MatrixColumn& x = m.columns[a];
      const MatrixColumn& y = m.columns[b];
      if (x.source == y.source && x.given == y.given) {
        m.warnings.push_back(Column(a) + " and " + Column(b) + " are the same: " + x.source + " " +
                             x.given + " is given twice (" +
                             (x.source == "--python" ? "it runs" : "it is") + " in both columns)");
      } else if (x.source == "--python" && y.source == "--python" && !x.path.empty() &&
                 x.path == y.path) {
        m.warnings.push_back(Column(a) + " and " + Column(b) + " are the same interpreter (" +
                             x.path + ")");
      }
    }
  }
  // Runs with different settings judge different cases: a change may come from that.
  const MatrixColumn* first = nullptr;
  for (size_t k = 0; k < m.columns.size(); ++k) {
    const MatrixColumn& c = m.columns[k];
    if (!c.ran || !c.settings.is_object()) continue;
    if (first == nullptr) {
      first = &c;
      continue;
    }
    if (SettingsText(c.settings) != SettingsText(first->settings)) {
      m.warnings.push_back(Column(k) + " ran with other settings (" + SettingsText(c.settings) +
                           ") than the first column (" + SettingsText(first->settings) +
                           "): a change may come from that");
    }
  }
  return m;
}

int MatrixExitStatus(const Matrix& matrix) {
  if (matrix.columns.empty()) return 2;
  bool one = false, three = false;
  for (const MatrixColumn& c : matrix.columns) {
    if (!c.ran || c.exit_status == 2) return 2;
    one = one || c.exit_status == 1;
    three = three || c.exit_status == 3;
  }
  return one ? 1 : three ? 3 : 0;
}

std::string MatrixText(const Matrix& m) {
  std::ostringstream out;
  const size_t n = m.columns.size();
  out << m.suite_version << " matrix: " << n << " interpreter" << (n == 1 ? "" : "s");
  for (const MatrixColumn& c : m.columns) {
    if (c.ran && c.settings.is_object()) {
      out << ", " << SettingsText(c.settings);
      break;
    }
  }
  out << "\n";
  for (size_t k = 0; k < n; ++k) {
    const MatrixColumn& c = m.columns[k];
    const std::string head = "  " + PadRight(Column(k), 4);
    const std::string indent(head.size(), ' ');
    if (!c.ran) {
      out << Wrapped("NOT RUN: " + c.given, head, 3);
      out << Wrapped(c.not_run, indent, 4);
      continue;
    }
    std::string line = head + PadRight(ColumnShortName(c), 10) + ColumnTitle(c);
    const std::string where = !c.path.empty() ? c.path : c.given;
    if (line.size() + 2 < kLineWidth) line += "  " + CutFront(where, kLineWidth - line.size() - 2);
    out << line << "\n";
    out << Cut(indent + "exit " + std::to_string(c.exit_status) + ": " + MatrixTotalsText(c.totals),
               kLineWidth)
        << "\n";
    for (const std::string& p : c.problems) out << Wrapped(p, indent, 3);
  }
  size_t rule_width = 4;
  for (const MatrixRule& r : m.rules) rule_width = std::max(rule_width, r.id.size());
  rule_width += 2;
  std::string header = PadRight("RULE", rule_width), names(rule_width, ' ');
  for (size_t k = 0; k < n; ++k) {
    header += PadRight(Column(k), kCellWidth);
    names += PadRight(ColumnShortName(m.columns[k]), kCellWidth);
  }
  const auto trimmed = [](std::string s) {
    s.erase(s.find_last_not_of(' ') + 1);
    return s;
  };
  out << "\n" << trimmed(header) << "\n" << trimmed(names) << "\n";
  for (const MatrixRule& r : m.rules) {
    std::string row = PadRight(r.id, rule_width);
    for (size_t k = 0; k < n; ++k) {
      row += PadRight(MatrixCellText(m.columns[k], r.cells[k]), kCellWidth);
    }
    out << trimmed(row) << "\n";
  }
  out << "(cells: status and cases; k: thousands; -: not in that run; n/a: not run)\n";
  out << "\n";
  if (m.changes.empty()) {
    out << "changed between the columns: nothing (every rule has one verdict in every column "
           "that ran)\n";
  } else {
    out << "changed between the columns: " << m.changes.size() << " rule"
        << (m.changes.size() == 1 ? "" : "s") << "\n";
  }
  for (const MatrixChange& ch : m.changes) {
    std::string line = "  " + ch.id + " ";
    for (size_t k = 0; k < n; ++k) {
      if (ch.statuses[k].empty()) continue;
      line += (line.back() == ' ' ? " " : ", ") + Column(k) + ": " + ch.statuses[k];
    }
    if (ch.places_only) line += " (the same status; other exporters fail)";
    out << Cut(line, kLineWidth) << "\n";
    const MatrixRule& r = *std::find_if(m.rules.begin(), m.rules.end(),
                                        [&](const MatrixRule& x) { return x.id == ch.id; });
    if (ch.places_only) {
      for (size_t k = 0; k < n; ++k) {
        for (size_t i = 0; i < ch.only[k].size() && i < kMessagesShown; ++i) {
          out << Cut("    " + Column(k) + " only: " + ch.only[k][i], kLineWidth) << "\n";
        }
        if (ch.only[k].size() > kMessagesShown) {
          out << "    " << Column(k) << " and " << ch.only[k].size() - kMessagesShown
              << " more (--json, --junit, --html list every one)\n";
        }
      }
      continue;
    }
    for (size_t k = 0; k < n; ++k) {
      if (ch.statuses[k].empty() || ch.statuses[k] == "pass") continue;
      const std::vector<std::string> messages = MatrixCellMessages(r.cells[k]);
      for (size_t i = 0; i < messages.size() && i < kMessagesShown; ++i) {
        out << Cut("    " + Column(k) + " " + ch.statuses[k] + ": " + messages[i], kLineWidth)
            << "\n";
      }
      if (messages.size() > kMessagesShown) {
        out << "    " << Column(k) << " and " << messages.size() - kMessagesShown
            << " more (--json, --junit, --html list every one)\n";
      }
    }
  }
  for (const std::string& w : m.warnings) out << Wrapped("warning: " + w, "", 3);
  const int status = MatrixExitStatus(m);
  std::string verdict;
  for (size_t k = 0; k < n; ++k) {
    const MatrixColumn& c = m.columns[k];
    verdict += (k ? ", " : "") + Column(k) + ": " +
               (!c.ran ? std::string("not run") : "exit " + std::to_string(c.exit_status));
  }
  out << Cut("matrix exit status " + std::to_string(status) + " (" + verdict + ")", kLineWidth)
      << "\n";
  return out.str();
}

nlohmann::ordered_json MatrixJson(const Matrix& m) {
  using nlohmann::ordered_json;
  const auto str = [](const std::string& s) { return SanitizeUtf8(s); };
  const auto strings = [&](const std::vector<std::string>& v) {
    ordered_json a = ordered_json::array();
    for (const std::string& s : v) a.push_back(str(s));
    return a;
  };
  ordered_json interpreters = ordered_json::array();
  for (size_t k = 0; k < m.columns.size(); ++k) {
    const MatrixColumn& c = m.columns[k];
    ordered_json o;
    o["column"] = k + 1;
    o["given"] = str(c.given);
    o["source"] = str(c.source);
    o["ran"] = c.ran;
    o["not_run"] = c.ran ? ordered_json() : ordered_json(str(c.not_run));
    o["title"] = str(ColumnTitle(c));
    o["short"] = str(ColumnShortName(c));
    o["implementation"] = str(c.implementation);
    o["version"] = str(c.version);
    o["path"] = str(c.path);
    o["adapter"] = {{"name", str(c.adapter_name)}, {"version", str(c.adapter_version)}};
    o["exit_status"] = c.exit_status;
    o["totals"] = ordered_json::parse(
        c.totals.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    o["settings"] = ordered_json::parse(
        c.settings.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    o["problems"] = strings(c.problems);
    o["warnings"] = strings(c.warnings);
    interpreters.push_back(std::move(o));
  }
  ordered_json rules = ordered_json::array();
  for (const MatrixRule& r : m.rules) {
    ordered_json cells = ordered_json::array();
    for (size_t k = 0; k < m.columns.size(); ++k) {
      const MatrixCell& cell = r.cells[k];
      if (!m.columns[k].ran || !cell.present) {
        cells.push_back({{"status", nullptr}});
        continue;
      }
      ordered_json o;
      o["status"] = cell.status;
      o["cases"] = cell.cases;
      if (!cell.reason.empty()) o["reason"] = str(cell.reason);
      if (!cell.messages.empty()) o["messages"] = strings(cell.messages);
      cells.push_back(std::move(o));
    }
    rules.push_back({{"id", str(r.id)},
                     {"level", str(r.level)},
                     {"statement", str(r.statement)},
                     {"cells", std::move(cells)}});
  }
  ordered_json changes = ordered_json::array();
  for (const MatrixChange& ch : m.changes) {
    const MatrixRule& r = *std::find_if(m.rules.begin(), m.rules.end(),
                                        [&](const MatrixRule& x) { return x.id == ch.id; });
    ordered_json cells = ordered_json::array();
    for (size_t k = 0; k < m.columns.size(); ++k) {
      if (ch.statuses[k].empty()) continue;
      cells.push_back(
          {{"column", k + 1},
           {"status", ch.statuses[k]},
           {"messages", strings(ch.statuses[k] == "pass" ? std::vector<std::string>{}
                                                         : MatrixCellMessages(r.cells[k]))},
           {"only", strings(ch.only[k])}});
    }
    changes.push_back({{"id", str(ch.id)},
                       {"kind", ch.places_only ? "exporters" : "status"},
                       {"cells", std::move(cells)}});
  }
  ordered_json matrix;
  matrix["suite_version"] = str(m.suite_version);
  matrix["exit_status"] = MatrixExitStatus(m);
  matrix["interpreters"] = std::move(interpreters);
  matrix["rules"] = std::move(rules);
  matrix["changes"] = std::move(changes);
  matrix["warnings"] = strings(m.warnings);
  return {{"matrix", std::move(matrix)}};
}

std::string MatrixJUnitXml(const Matrix& m) {
  struct Counts {
    int64_t tests = 0, failures = 0, errors = 0, skipped = 0;
  };
  std::vector<std::string> suites;
  Counts all;
  for (size_t k = 0; k < m.columns.size(); ++k) {
    const MatrixColumn& c = m.columns[k];
    std::string cls = Column(k).substr(1) + "_" + ColumnShortName(c);
    for (char& ch : cls) {
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-') ch = '_';
    }
    cls = "bufconf." + cls;
    Counts n;
    std::ostringstream cases;
    const auto error_case = [&](const std::string& name, const std::string& type,
                                const std::string& message, const std::string& details) {
      ++n.tests, ++n.errors;
      cases << "    <testcase" << Attr("classname", cls + ".run") << Attr("name", name)
            << Attr("time", "0") << ">\n      <error" << Attr("message", Cut(message, 500))
            << Attr("type", type) << ">" << XmlEscape(details) << "</error>\n    </testcase>\n";
    };
    if (!c.ran) {
      error_case("not run", "not-run", "not run: " + c.not_run, c.given + ": " + c.not_run);
    } else {
      for (const MatrixRule& r : m.rules) {
        const MatrixCell& cell = r.cells[k];
        if (!cell.present) continue;
        ++n.tests;
        cases << "    <testcase" << Attr("classname", cls + "." + Area(r.id)) << Attr("name", r.id)
              << Attr("time", "0") << ">\n";
        cases << "      <properties>" << Property("status", cell.status)
              << Property("cases", std::to_string(cell.cases)) << "</properties>\n";
        std::string details = r.id + " (" + r.level + "): " + r.statement;
        for (const std::string& msg : MatrixCellMessages(cell)) details += "\n- " + msg;
        if (cell.status == "fail" || cell.status == "xpass") {
          ++n.failures;
          const std::vector<std::string> msgs = MatrixCellMessages(cell);
          cases << "      <failure"
                << Attr("message", cell.status == "xpass"
                                       ? std::string("unexpected pass: remove the expectation")
                                       : Cut(msgs.empty() ? "" : msgs.front(), 500))
                << Attr("type", cell.status) << ">" << XmlEscape(details) << "</failure>\n";
        } else if (cell.status == "error") {
          ++n.errors;
          cases << "      <error" << Attr("message", "bufconf could not judge this rule")
                << Attr("type", "bufconf-error") << ">" << XmlEscape(details) << "</error>\n";
        } else if (cell.status != "pass") {
          ++n.skipped;
          cases << "      <skipped" << Attr("message", cell.status + ": " + Cut(cell.reason, 500))
                << "/>\n";
        }
        cases << "    </testcase>\n";
      }
      if (!c.problems.empty()) {
        std::string details;
        for (const std::string& p : c.problems) details += (details.empty() ? "" : "\n") + p;
        error_case("run problems", "run-problem",
                   "the run exited " + std::to_string(c.exit_status) + ": " + c.problems.front(),
                   details);
      }
    }
    std::ostringstream suite;
    suite << "  <testsuite" << Attr("name", Column(k) + " " + ColumnTitle(c) + " (" + c.given + ")")
          << Attr("tests", std::to_string(n.tests)) << Attr("failures", std::to_string(n.failures))
          << Attr("errors", std::to_string(n.errors)) << Attr("skipped", std::to_string(n.skipped))
          << ">\n";
    suite << "    <properties>\n";
    suite << "      " << Property("interpreter", c.given) << "\n";
    suite << "      " << Property("implementation", c.implementation) << "\n";
    suite << "      " << Property("version", c.version) << "\n";
    suite << "      " << Property("path", c.path) << "\n";
    suite << "      " << Property("exit_status", std::to_string(c.exit_status)) << "\n";
    suite << "    </properties>\n";
    suite << cases.str() << "  </testsuite>\n";
    suites.push_back(suite.str());
    all.tests += n.tests, all.failures += n.failures, all.errors += n.errors,
        all.skipped += n.skipped;
  }
  std::ostringstream out;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites" << Attr("name", "bufconf matrix") << Attr("tests", std::to_string(all.tests))
      << Attr("failures", std::to_string(all.failures))
      << Attr("errors", std::to_string(all.errors)) << ">\n";
  for (const std::string& s : suites) out << s;
  out << "</testsuites>\n";
  return out.str();
}

}  // namespace bufconf::suite
