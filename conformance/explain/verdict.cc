#include "conformance/explain/verdict.h"

namespace bufconf::explain {

int Judgement::ExitStatus() const {
  switch (kind) {
    case Kind::kValid:
      return 0;
    case Kind::kInvalid:
      return 1;
    case Kind::kNotChecked:
      return 2;
  }
  return 3;
}

Judgement Judge(const layout::Descriptor& view, const layout::Memory* memory, int64_t max_walk) {
  layout::Validation validation = layout::ValidateWithCoverage(view, memory, max_walk);
  Judgement j;
  j.violations = std::move(validation.violations);
  j.not_checked = std::move(validation.not_checked);
  bool valid = true;
  for (const layout::Violation& v : j.violations) {
    const rules::Rule* rule = rules::FindRule(v.rule);
    const rules::Level level = rule != nullptr ? rule->level : rules::Level::kMust;
    j.levels.push_back(level);
    if (level == rules::Level::kMust) valid = false;
  }
  j.kind = !j.not_checked.empty() ? Judgement::Kind::kNotChecked
           : valid                ? Judgement::Kind::kValid
                                  : Judgement::Kind::kInvalid;
  return j;
}

}  // namespace bufconf::explain
