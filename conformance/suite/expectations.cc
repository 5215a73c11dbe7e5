#include "conformance/suite/expectations.h"

#include <fstream>
#include <set>
#include <sstream>
#include <utility>

namespace bufconf::suite {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

bool IsIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

std::string JoinLines(const std::vector<std::string>& lines) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) out += (i ? "\n" : "") + lines[i];
  return out;
}

}  // namespace

ExpectationsError::ExpectationsError(std::vector<std::string> messages)
    : std::runtime_error(JoinLines(messages)), messages_(std::move(messages)) {}

Expectations ParseExpectations(std::string_view text, const std::string& file_name,
                               const std::vector<std::string>& known_ids) {
  const std::set<std::string> known(known_ids.begin(), known_ids.end());
  std::map<std::string, int> first_line;
  std::vector<std::string> errors;
  Expectations result;
  int line_number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    const std::string where = file_name + ":" + std::to_string(line_number) + ": ";

    while (!line.empty() && (IsBlank(line.back()) || line.back() == '\r')) line.remove_suffix(1);
    while (!line.empty() && IsBlank(line.front())) line.remove_prefix(1);
    if (line.empty() || line.front() == '#') continue;

    size_t id_end = 0;
    while (id_end < line.size() && IsIdChar(line[id_end])) ++id_end;
    if (id_end == 0 || (id_end < line.size() && !IsBlank(line[id_end]))) {
      errors.push_back(where + "expected 'RULE-ID  reason', got '" + std::string(line) + "'");
      continue;
    }
    const std::string id(line.substr(0, id_end));
    std::string_view reason = line.substr(id_end);
    while (!reason.empty() && IsBlank(reason.front())) reason.remove_prefix(1);

    if (known.count(id) == 0) {
      errors.push_back(where + "unknown rule ID '" + id + "' (see `bufconf rules`)");
      continue;
    }
    if (reason.empty()) {
      errors.push_back(where + "expectation for " + id + " has no reason");
      continue;
    }
    const auto [it, inserted] = first_line.emplace(id, line_number);
    if (!inserted) {
      errors.push_back(where + "duplicate expectation for " + id + " (first on line " +
                       std::to_string(it->second) + ")");
      continue;
    }
    result.reasons[id] = std::string(reason);
  }
  if (!errors.empty()) throw ExpectationsError(std::move(errors));
  return result;
}

Expectations LoadExpectations(const std::string& path, const std::vector<std::string>& known_ids) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ExpectationsError({path + ": cannot read the expectations file"});
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ExpectationsError({path + ": cannot read the expectations file"});
  return ParseExpectations(text.str(), path, known_ids);
}

void ApplyExpectations(const Expectations& expectations, RunReport& report) {
  std::set<std::string> in_report;
  for (RuleResult& r : report.results) {
    in_report.insert(r.rule);
    const auto it = expectations.reasons.find(r.rule);
    if (it == expectations.reasons.end()) continue;
    const std::string& reason = it->second;
    switch (r.status) {
      case Status::kFail:
        r.status = Status::kXfail;
        r.reason = reason + ": " + r.reason;
        break;
      case Status::kPass:
        r.status = Status::kXpass;
        r.reason =
            "expected to fail (" + reason + ") but passed: remove the expectation for " + r.rule;
        break;
      case Status::kSkip:
      case Status::kBlocked:
        report.warnings.push_back("expectation for " + r.rule + " not checked (" +
                                  (r.status == Status::kSkip ? "skipped" : "blocked") + ")");
        break;
      case Status::kXfail:
      case Status::kXpass:
        break;  // already applied
    }
  }
  for (const auto& [id, reason] : expectations.reasons) {
    if (in_report.count(id) == 0) {
      report.warnings.push_back("stale expectation for " + id + ": the rule is not in this run (" +
                                reason + ")");
    }
  }
}

}  // namespace bufconf::suite
