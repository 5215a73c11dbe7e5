// validate(descriptor[, memory]): which rules of the catalogue (reference/rules) a Py_buffer
// description breaks. Never reads outside the declared memory; overflow-checked throughout.
#ifndef BUFCONF_REFERENCE_LAYOUT_CHECKER_H_
#define BUFCONF_REFERENCE_LAYOUT_CHECKER_H_

#include <string>
#include <vector>

#include "reference/layout/descriptor.h"

namespace bufconf::layout {

struct Violation {
  std::string rule;  // a rule ID of the catalogue
  std::string message;
};

// Rules about the fields alone, and with `memory` (may be null) the MEMORY-* rules: every byte
// of every element, and every pointer a suboffset dereferences, lies inside a declared region.
std::vector<Violation> Validate(const Descriptor& view, const Memory* memory);

// Validate, plus the rules it could not check: an array-of-arrays view whose pointer walk needs
// more than kMaxWalk steps (index prefixes up to the last dimension with a suboffset >= 0, and
// elements of rows that do not lie inside one region) is "not checked" for MEMORY-SPAN and
// MEMORY-POINTER. Not checked is not a violation: Validate drops it.
struct Validation {
  std::vector<Violation> violations;
  std::vector<Violation> not_checked;  // rule IDs and why they were not checked
};
// The most pointer-walk steps ValidateWithCoverage takes before giving up ("not checked").
inline constexpr int64_t kMaxWalk = int64_t{1} << 22;

// `max_walk` (tests use a small one) replaces kMaxWalk.
Validation ValidateWithCoverage(const Descriptor& view, const Memory* memory,
                                int64_t max_walk = kMaxWalk);

// The rule IDs Validate can report (so tests can check each exists in the catalogue).
const std::vector<std::string>& CheckedRules();

}  // namespace bufconf::layout

#endif  // BUFCONF_REFERENCE_LAYOUT_CHECKER_H_
