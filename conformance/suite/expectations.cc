#include "conformance/suite/expectations.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <set>
#include <utility>

#include "conformance/cli/bounded_read.h"

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
    std::string scope;
    if (!reason.empty() && reason.front() == '@') {
      size_t scope_end = 1;
      while (scope_end < reason.size() && !IsBlank(reason[scope_end])) ++scope_end;
      scope = std::string(reason.substr(1, scope_end - 1));
      reason.remove_prefix(scope_end);
      while (!reason.empty() && IsBlank(reason.front())) reason.remove_prefix(1);
      if (scope.empty()) {
        errors.push_back(where + "empty scope after '@'");
        continue;
      }
    }
    std::string message;
    if (!reason.empty() && reason.front() == '~') {
      size_t stop = 1;
      if (reason.size() > 1 && reason[1] == '"') {
        stop = reason.find('"', 2);
        if (stop == std::string_view::npos) {
          errors.push_back(where + "unterminated message pattern after '~\"'");
          continue;
        }
        message = std::string(reason.substr(2, stop - 2));
        ++stop;
      } else {
        while (stop < reason.size() && !IsBlank(reason[stop])) ++stop;
        message = std::string(reason.substr(1, stop - 1));
      }
      reason.remove_prefix(stop);
      while (!reason.empty() && IsBlank(reason.front())) reason.remove_prefix(1);
      if (message.empty()) {
        errors.push_back(where + "empty message pattern after '~'");
        continue;
      }
      if (scope.empty()) scope = "*";
    }

    if (reason.empty()) {
      errors.push_back(where + "expectation for " + id + " has no reason");
      continue;
    }
    if (known.count(id) == 0) {
      // A rule that was renamed or removed: the line can do nothing, but it must not stop CI.
      result.warnings.push_back(where + "unknown rule ID '" + id +
                                "' (see `bufconf rules`): the line is ignored");
      continue;
    }
    const std::string key =
        (scope.empty() ? id : id + " @" + scope) + (message.empty() ? "" : " ~" + message);
    const auto [it, inserted] = first_line.emplace(key, line_number);
    if (!inserted) {
      errors.push_back(where + "duplicate expectation for " + key + " (first on line " +
                       std::to_string(it->second) + ")");
      continue;
    }
    if (scope.empty()) {
      result.reasons[id] = std::string(reason);
    } else {
      result.scoped.push_back({id, scope, std::string(reason), message});
    }
  }
  if (!errors.empty()) throw ExpectationsError(std::move(errors));
  return result;
}

Expectations LoadExpectations(const std::string& path, const std::vector<std::string>& known_ids) {
  const auto fail = [&](const std::string& why) -> ExpectationsError {
    return ExpectationsError({path + ": cannot read the expectations file: " + why});
  };
  if (path.empty()) throw fail("an empty path");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw fail(std::strerror(errno));
  std::string text;
  int failure = 0;
  const cli::ReadOutcome read = cli::ReadAllLimited(fd, kExpectationsFileLimit, &text, &failure);
  ::close(fd);
  if (read == cli::ReadOutcome::kError) throw fail(std::strerror(failure));
  if (read == cli::ReadOutcome::kTooLarge) {
    throw ExpectationsError({path + ": the expectations file is larger than the " +
                             cli::LimitText(kExpectationsFileLimit) +
                             " limit for expectations files"});
  }
  return ParseExpectations(text, path, known_ids);
}

void ApplyExpectations(const Expectations& expectations, RunReport& report) {
  std::set<std::string> in_report;
  for (RuleResult& r : report.results) {
    in_report.insert(r.rule);
    const auto whole = expectations.reasons.find(r.rule);
    std::vector<const Expectation*> scoped;
    for (const Expectation& e : expectations.scoped) {
      if (e.rule == r.rule) scoped.push_back(&e);
    }
    if (whole == expectations.reasons.end() && scoped.empty()) continue;
    if (r.status == Status::kSkip || r.status == Status::kBlocked || r.status == Status::kError) {
      report.warnings.push_back("expectation for " + r.rule + " not checked (" +
                                StatusName(r.status) + ")");
      continue;
    }
    if (r.status == Status::kXfail || r.status == Status::kXpass) continue;  // already applied
    // Which failure places are covered, and which scoped expectations were used.
    std::vector<RuleFailure> places = r.failures;
    if (places.empty() && r.status == Status::kFail) places.push_back({"", r.reason, ""});
    std::vector<bool> used(scoped.size(), false);
    const RuleFailure* uncovered = nullptr;
    std::string reasons;
    for (const RuleFailure& f : places) {
      bool covered = whole != expectations.reasons.end();
      for (size_t i = 0; i < scoped.size(); ++i) {
        if (GlobMatch(scoped[i]->scope, f.where) &&
            (scoped[i]->message.empty() || GlobMatch(scoped[i]->message, f.message))) {
          covered = true;
          if (!used[i]) reasons += (reasons.empty() ? "" : "; ") + scoped[i]->reason;
          used[i] = true;
        }
      }
      if (!covered && uncovered == nullptr) uncovered = &f;
    }
    if (whole != expectations.reasons.end()) reasons = whole->second;
    std::string stale;
    for (size_t i = 0; i < scoped.size(); ++i) {
      if (!used[i]) {
        stale += (stale.empty() ? "@" : ", @") + scoped[i]->scope +
                 (scoped[i]->message.empty() ? "" : " ~\"" + scoped[i]->message + "\"");
      }
    }
    if (r.status == Status::kFail && uncovered != nullptr) {
      r.reason = uncovered->where.empty() ? r.reason : uncovered->message;
      if (!uncovered->counterexample_file.empty()) {
        r.counterexample_file = uncovered->counterexample_file;
        r.replay_command = "bufconf replay " + r.counterexample_file;
      }
      if (!stale.empty()) {
        report.warnings.push_back("expectation for " + r.rule + " " + stale +
                                  " matched no failure");
      }
      continue;  // a failure no expectation covers: still a failure
    }
    if (r.status == Status::kFail && stale.empty()) {
      r.status = Status::kXfail;
      r.reason = reasons + ": " + r.reason;
      continue;
    }
    const bool failed = r.status == Status::kFail;
    r.status = Status::kXpass;
    r.reason =
        failed || !stale.empty()
            ? "expected failures did not happen (" + (stale.empty() ? r.rule : stale) +
                  "): remove or narrow the expectation"
            : "expected to fail (" + reasons + ") but passed: remove the expectation for " + r.rule;
  }
  // Not stale: a rule --filter leaves out (the built-in expectations cover every rule; a run of
  // one rule warned about all the others), or, in a sharded run, a rule the filter selects that
  // is another shard's (judged there, its expectation applied there).
  const auto not_in_run = [&](const std::string& id) {
    const bool selected = report.filter.empty() || GlobMatch(report.filter, id);
    return in_report.count(id) == 0 && selected && report.shard.count == 0;
  };
  for (const auto& [id, reason] : expectations.reasons) {
    if (not_in_run(id)) {
      report.warnings.push_back("stale expectation for " + id + ": the rule is not in this run (" +
                                reason + ")");
    }
  }
  for (const Expectation& e : expectations.scoped) {
    if (not_in_run(e.rule)) {
      report.warnings.push_back("stale expectation for " + e.rule + " @" + e.scope +
                                ": the rule is not in this run (" + e.reason + ")");
    }
  }
}

}  // namespace bufconf::suite
