// The model behind `bufconf explain`: what the reference model says about a view (format, len,
// span, contiguity with reasons, is_unique / is_exhaustive, the verdict) and where its elements
// and pointer tables are, computed through the declared memory only. The renderers (text, JSON,
// SVG) only present an Analysis.
#ifndef BUFCONF_CONFORMANCE_EXPLAIN_ANALYSIS_H_
#define BUFCONF_CONFORMANCE_EXPLAIN_ANALYSIS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "conformance/explain/explain.h"
#include "conformance/explain/text_util.h"
#include "reference/layout/addressing.h"
#include "reference/layout/checker.h"
#include "reference/layout/descriptor.h"
#include "reference/rules/catalogue.h"

namespace bufconf::explain::internal {

// Elements drawn one by one in the SVG at most (docs/explain.md): a view of more elements, even
// one within --max-elements, draws the summarised selection with a "... N more not drawn" note;
// the text walks every element up to --max-elements without keeping them.
inline constexpr int64_t kMaxDrawnElements = int64_t{1} << 14;
// Elements walked one by one at most, whatever --max-elements says (docs/explain.md): a larger
// view is summarised, with a note, so the time stays bounded (about a second per 2^24 elements).
inline constexpr int64_t kMaxWalkedElements = int64_t{1} << 26;

// Contiguity with its reason, as PyBuffer_IsContiguous decides (reference/layout/contiguity.cc).
struct Verdict {
  bool value = false;
  std::string reason;
};

// One element, resolved as PyBuffer_GetPointer does (through the declared memory only).
struct Element {
  std::vector<int64_t> index;
  bool placed = false;
  uint64_t addr = 0;
  std::string problem;   // why it cannot be placed
  bool outside = false;  // memory declared, and its bytes are not inside one region
};

// One pointer an array-of-arrays view makes the consumer load.
struct PointerRead {
  size_t dim = 0;
  std::vector<int64_t> prefix;  // the indices of dims 0..dim
  uint64_t at = 0;
  int64_t suboffset = 0;
  bool readable = false;  // the 8 bytes lie inside the declared memory
  uint64_t value = 0;
  bool target_valid = false;  // value + suboffset stays in the address space
  uint64_t target = 0;
  bool target_inside = false;  // the target is inside (or at the end of) a region
};

struct TriState {
  std::string value;  // "yes", "no", "unknown", "n/a"
  std::string reason;
};

// Everything the renderers show.
struct Analysis {
  const layout::Descriptor* v = nullptr;
  const layout::Memory* m = nullptr;
  std::optional<layout::FullView> full;
  std::string structure_error;  // why the elements cannot be placed at all
  bool indirect = false;
  std::optional<int64_t> count;  // nullopt: no full view, or product(shape) overflows
  std::string format_line;
  std::string len_line;
  // The required span of a strided view, relative to buf: [lo, hi_end) bytes.
  bool has_span = false;
  i128 lo = 0;
  i128 hi_end = 0;
  std::string span_line;
  std::string span_memory_line;
  Verdict c, f, a;
  std::string memoryview_note;
  TriState unique, exhaustive;
  std::vector<layout::Violation> violations;
  std::vector<rules::Level> levels;
  std::vector<layout::Violation> not_checked;  // not empty: the verdict is "not checked"
  bool valid = true;
  // The elements walked (all of them, or the first/last when summarised): counted as they are
  // resolved, never kept all at once. `elements` holds those drawn: all walked, or the
  // summarised selection when more than kMaxDrawnElements were walked (`not_drawn` > 0).
  bool summarised = false;
  bool walk_capped = false;  // summarised although within --max-elements: kMaxWalkedElements
  std::vector<Element> elements;
  int64_t walked = 0;
  int64_t not_drawn = 0;
  std::vector<PointerRead> pointers;
  bool pointers_truncated = false;
  size_t unplaced = 0;
  std::string first_problem;
  size_t placed = 0;
  u128 placed_low = ~u128{0}, placed_high = 0;  // lowest byte, one past the highest
  size_t outside = 0;
  std::optional<Element> first_outside;
};

Analysis Analyse(const layout::Descriptor& v, const layout::Memory* m, const ExplainOptions& o);

}  // namespace bufconf::explain::internal

#endif  // BUFCONF_CONFORMANCE_EXPLAIN_ANALYSIS_H_
