// The one verdict of `bufconf check` and `bufconf explain` on a descriptor (docs/descriptor.md):
// valid (no MUST rule broken), invalid (a MUST rule broken) or not checked (the checker could not
// check every rule: an array-of-arrays view too large to walk), and the exit status the README's
// table gives it. Both commands call Judge, so they cannot disagree.
#ifndef BUFCONF_CONFORMANCE_EXPLAIN_VERDICT_H_
#define BUFCONF_CONFORMANCE_EXPLAIN_VERDICT_H_

#include <cstdint>
#include <vector>

#include "reference/layout/checker.h"
#include "reference/layout/descriptor.h"
#include "reference/rules/catalogue.h"

namespace bufconf::explain {

struct Judgement {
  enum class Kind { kValid, kInvalid, kNotChecked };
  Kind kind = Kind::kValid;
  std::vector<layout::Violation> violations;   // as layout::ValidateWithCoverage reports them
  std::vector<rules::Level> levels;            // one per violation (unknown rules: MUST)
  std::vector<layout::Violation> not_checked;  // the rules the checker could not check

  // 0 valid, 1 invalid, 2 not checked (an input too large to walk: 2 wins over 1).
  int ExitStatus() const;
};

// layout::ValidateWithCoverage with the checker's limits (`max_walk`: tests use a small one).
Judgement Judge(const layout::Descriptor& view, const layout::Memory* memory,
                int64_t max_walk = layout::kMaxWalk);

}  // namespace bufconf::explain

#endif  // BUFCONF_CONFORMANCE_EXPLAIN_VERDICT_H_
