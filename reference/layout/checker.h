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

// The rule IDs Validate can report (so tests can check each exists in the catalogue).
const std::vector<std::string>& CheckedRules();

}  // namespace bufconf::layout

#endif  // BUFCONF_REFERENCE_LAYOUT_CHECKER_H_
