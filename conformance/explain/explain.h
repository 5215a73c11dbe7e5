// `bufconf explain`: a Py_buffer description made visible. A terminal explanation (one row per
// dimension: extent, stride, suboffset; required span; contiguity C/F/A and why; the rules the
// view breaks) and an SVG memory map (the byte range as a strip, each element's bytes marked with
// its index, array-of-arrays pointer tables with arrows to their rows, overlaps and bytes outside
// the declared regions highlighted). Everything is computed by the reference model; nothing here
// reads memory outside the declared regions. Views beyond `max_elements` are summarised.
#ifndef BUFCONF_CONFORMANCE_EXPLAIN_EXPLAIN_H_
#define BUFCONF_CONFORMANCE_EXPLAIN_EXPLAIN_H_

#include <cstdint>
#include <string>

#include "reference/layout/checker.h"
#include "reference/layout/descriptor.h"

namespace bufconf::explain {

struct ExplainOptions {
  int64_t max_elements = 10000;  // beyond this, elements are summarised, not drawn one by one
  // The checker's walk limit for the verdict (Judge): the CLI keeps layout::kMaxWalk, as check;
  // tests use a small one to reach it cheaply.
  int64_t max_walk = layout::kMaxWalk;
};

// The terminal explanation (plain text, lines of at most 100 columns). `memory` may be null.
std::string ExplainText(const layout::Descriptor& view, const layout::Memory* memory,
                        const ExplainOptions& options = {});

// A self-contained SVG document (no scripts, no external references; width/height and viewBox
// set) drawing the memory map. `memory` may be null: then the strip covers the view's span.
std::string ExplainSvg(const layout::Descriptor& view, const layout::Memory* memory,
                       const ExplainOptions& options = {});

// The explanation as one JSON object (`bufconf explain --json`): fields, dims, span, contiguity
// with reasons, is_unique / is_exhaustive, array-of-arrays dimensions, violations, "valid".
std::string ExplainJson(const layout::Descriptor& view, const layout::Memory* memory,
                        const ExplainOptions& options = {});

// The exit status of `bufconf check` and `bufconf explain` (verdict.h, Judge): 0 the view breaks
// no MUST rule, 1 it breaks one, 2 not checked (an array-of-arrays view too large to walk).
// `max_walk` as ExplainOptions::max_walk.
int ExitStatus(const layout::Descriptor& view, const layout::Memory* memory,
               int64_t max_walk = layout::kMaxWalk);

// The view breaks no MUST rule that layout::Validate finds (SHOULD and PORTABILITY findings are
// explained but do not make it invalid). Rules not checked are ignored: the verdict of the
// commands is ExitStatus.
bool IsValid(const layout::Descriptor& view, const layout::Memory* memory);

}  // namespace bufconf::explain

#endif  // BUFCONF_CONFORMANCE_EXPLAIN_EXPLAIN_H_
