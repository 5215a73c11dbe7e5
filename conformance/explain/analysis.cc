#include "conformance/explain/analysis.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "conformance/explain/verdict.h"
#include "reference/format/dialect.h"
#include "reference/format/layout.h"
#include "reference/layout/contiguity.h"

namespace bufconf::explain::internal {

using layout::Descriptor;
using layout::FullView;
using layout::Memory;
using layout::MemoryFault;
using layout::Region;

namespace {

// Elements compared one by one for is_unique / is_exhaustive (as the checker's aliasing walk).
constexpr int64_t kWalkLimit = int64_t{1} << 16;
// Pointer reads recorded for the pointer tables (text and SVG).
constexpr size_t kMaxPointers = 20000;
// Elements drawn at each end of a summarised view.
constexpr int64_t kSummaryEnds = 64;

// ---------------------------------------------------------------------------------------------
// Contiguity with its reason, as PyBuffer_IsContiguous decides (reference/layout/contiguity.cc).

size_t ContigDims(const Descriptor& v) {
  size_t n = static_cast<size_t>(std::clamp<int64_t>(v.ndim, 0, layout::kMaxNdim));
  if (v.shape) n = std::min(n, v.shape->size());
  if (v.strides) n = std::min(n, v.strides->size());
  return n;
}

Verdict StrideWalk(const Descriptor& v, bool fortran) {
  const size_t n = ContigDims(v);
  i128 expected = v.itemsize;
  bool beyond = false;
  std::vector<std::string> ignored;
  for (size_t k = 0; k < n; ++k) {
    const size_t i = fortran ? k : n - 1 - k;
    const int64_t extent = (*v.shape)[i];
    const int64_t stride = (*v.strides)[i];
    const std::string dim = "dim " + std::to_string(i);
    if (extent > 1) {
      if (beyond) {
        return {false, dim + ": itemsize x the extents before it exceeds the int64 range"};
      }
      if (stride != expected) {
        return {false,
                dim + ": stride " + std::to_string(stride) + " != expected " + Dec(expected)};
      }
    } else if (beyond || stride != expected) {
      ignored.push_back(dim + " (extent " + std::to_string(extent) + ", stride " +
                        std::to_string(stride) + ")");
    }
    if (!beyond) {
      expected *= extent;
      beyond = expected > INT64_MAX || expected < INT64_MIN;
    }
  }
  std::string reason = fortran ? "strides are the Fortran strides" : "strides are the C strides";
  if (!ignored.empty()) {
    reason += "; ignored as size-1/empty: " + ignored[0];
    if (ignored.size() > 1) reason += " and " + std::to_string(ignored.size() - 1) + " more";
  }
  return {true, reason};
}

Verdict ContiguityReason(const Descriptor& v, char order) {
  if (v.suboffsets) return {false, "suboffsets is not NULL (even all-negative is not contiguous)"};
  if (order == 'A') {
    const Verdict c = ContiguityReason(v, 'C');
    if (c.value) return {true, "C-contiguous"};
    const Verdict f = ContiguityReason(v, 'F');
    if (f.value) return {true, "Fortran-contiguous"};
    return {false, "neither C- nor Fortran-contiguous"};
  }
  if (v.len == 0) return {true, "len is 0: an empty view is contiguous"};
  if (order == 'C') {
    if (!v.strides) return {true, "strides is NULL: the C strides are implied"};
    if (!v.shape) return {false, "strides without shape (CPython would read NULL)"};
    return StrideWalk(v, false);
  }
  if (!v.strides) {
    if (v.ndim <= 1) return {true, "strides is NULL and ndim <= 1: C and Fortran agree"};
    if (!v.shape) return {false, "strides and shape are NULL with ndim > 1"};
    std::vector<size_t> big;
    for (size_t i = 0; i < ContigDims(v); ++i) {
      if ((*v.shape)[i] > 1) big.push_back(i);
    }
    if (big.size() <= 1) {
      return {true, "strides is NULL (C strides) and at most one extent is > 1"};
    }
    return {false, "strides is NULL (C strides) and dims " + std::to_string(big[0]) + " and " +
                       std::to_string(big[1]) + " have extent > 1"};
  }
  if (!v.shape) return {false, "strides without shape (CPython would read NULL)"};
  return StrideWalk(v, true);
}

// ---------------------------------------------------------------------------------------------
// Where the elements are.

// Resolves indices to addresses as PyBuffer_GetPointer does, through the checked memory only.
class Resolver {
 public:
  Resolver(const FullView& full, const Memory* memory, bool record)
      : f_(full), m_(memory), record_(record) {}

  Element Resolve(const std::vector<int64_t>& index) {
    Element e;
    e.index = index;
    uint64_t p = f_.buf;
    try {
      for (size_t d = 0; d < f_.shape.size(); ++d) {
        p = layout::Offset(p, layout::MulIndex(f_.strides[d], index[d]));
        if (f_.suboffsets[d] < 0) continue;
        const std::string dim = std::to_string(d);
        if (m_ == nullptr) {
          e.problem = "no memory declared: the pointer of dim " + dim + " cannot be read";
          return e;
        }
        Record(d, index, p);
        if (!m_->Contains(p, 8)) {
          e.problem = "the pointer of dim " + dim + " at " + Hex(p) + " is outside the memory";
          return e;
        }
        p = layout::Offset(m_->ReadPointer(p), f_.suboffsets[d]);
      }
    } catch (const MemoryFault& ex) {
      e.problem = Printable(ex.what(), 120);
      return e;
    }
    e.placed = true;
    e.addr = p;
    e.outside = m_ != nullptr && !m_->Contains(p, static_cast<uint64_t>(f_.itemsize));
    return e;
  }

  std::vector<PointerRead> pointers;
  bool pointers_truncated = false;

 private:
  void Record(size_t d, const std::vector<int64_t>& index, uint64_t at) {
    if (!record_ || seen_.count({at, d}) > 0) return;
    if (pointers.size() >= kMaxPointers) {
      pointers_truncated = true;
      return;
    }
    seen_.insert({{at, d}, pointers.size()});
    PointerRead r;
    r.dim = d;
    r.prefix.assign(index.begin(), index.begin() + static_cast<std::ptrdiff_t>(d) + 1);
    r.at = at;
    r.suboffset = f_.suboffsets[d];
    r.readable = m_->Contains(at, 8);
    if (r.readable) {
      r.value = m_->ReadPointer(at);
      try {
        r.target = layout::Offset(r.value, r.suboffset);
        r.target_valid = true;
        r.target_inside = m_->Contains(r.target, 0);
      } catch (const MemoryFault&) {
      }
    }
    pointers.push_back(std::move(r));
  }

  const FullView& f_;
  const Memory* m_;
  bool record_;
  std::map<std::pair<uint64_t, size_t>, size_t> seen_;
};

// Odometer steps in C order (last index fastest), forwards or backwards; false after the last.
bool Next(std::vector<int64_t>& index, const std::vector<int64_t>& shape) {
  for (size_t k = index.size(); k-- > 0;) {
    if (++index[k] < shape[k]) return true;
    index[k] = 0;
  }
  return false;
}

bool Prev(std::vector<int64_t>& index, const std::vector<int64_t>& shape) {
  for (size_t k = index.size(); k-- > 0;) {
    if (--index[k] >= 0) return true;
    index[k] = shape[k] - 1;
  }
  return false;
}

void DescribeFormat(Analysis& a) {
  const Descriptor& v = *a.v;
  if (!v.format) {
    a.format_line = "format NULL: unsigned bytes ('B')";
    return;
  }
  const std::string shown = "\"" + Printable(*v.format, 60) + "\"";
  const format::FormatResult r = format::AnalyzeFormat(*v.format, format::Dialect::kPep3118);
  if (!r.ok()) {
    a.format_line = "format " + shown + " does not parse (pep3118) at position " +
                    std::to_string(r.error().position) + ": " + Printable(r.error().message);
  } else if (static_cast<i128>(r.layout().itemsize) == v.itemsize) {
    a.format_line = "format " + shown + ": size " + std::to_string(r.layout().itemsize) +
                    " under pep3118, matches itemsize";
  } else {
    a.format_line = "format " + shown + ": size " + std::to_string(r.layout().itemsize) +
                    " under pep3118, but itemsize is " + std::to_string(v.itemsize);
  }
}

void DescribeLen(Analysis& a) {
  const Descriptor& v = *a.v;
  if (!v.shape && v.ndim > 0) {
    a.len_line = "shape NULL: consumers see len = " + std::to_string(v.len) +
                 " unsigned bytes (itemsize taken as 1)";
    return;
  }
  if (!a.count) {
    a.len_line = "len " + std::to_string(v.len) + ": product(shape) cannot be computed (" +
                 (a.full ? "it overflows int64" : "the shape is unreadable") + ")";
    return;
  }
  const i128 expected = static_cast<i128>(*a.count) * v.itemsize;
  const std::string product =
      Plural(*a.count, "element") + " x itemsize " + std::to_string(v.itemsize);
  if (expected == v.len) {
    a.len_line = "len " + std::to_string(v.len) + " = " + product + ": matches";
  } else {
    a.len_line =
        "len " + std::to_string(v.len) + " does not match " + product + " = " + Dec(expected);
  }
}

void ComputeSpan(Analysis& a) {
  if (!a.full || a.indirect) {
    if (a.indirect) {
      a.span_line =
          "required span: none relative to buf (array of arrays: the elements are "
          "reached through pointers)";
    } else {
      a.span_line = "required span: unknown (" + a.structure_error + ")";
    }
    return;
  }
  if (!a.count || *a.count == 0) {
    a.span_line = a.count ? "required span: empty (no elements): 0 bytes"
                          : "required span: unknown (product(shape) overflows int64)";
    if (a.count) a.has_span = true;
    return;
  }
  const FullView& f = *a.full;
  try {
    int64_t lo = 0, hi = 0;
    for (size_t i = 0; i < f.shape.size(); ++i) {
      const int64_t reach = layout::MulIndex(f.strides[i], f.shape[i] - 1);
      (reach < 0 ? lo : hi) = layout::AddIndex(reach < 0 ? lo : hi, reach);
    }
    a.lo = lo;
    a.hi_end = static_cast<i128>(hi) + f.itemsize;
    a.has_span = true;
  } catch (const MemoryFault& e) {
    a.span_line = "required span: overflows (" + Printable(e.what()) + ")";
    return;
  }
  const i128 size = a.hi_end - a.lo;
  const i128 start = static_cast<i128>(f.buf) + a.lo;
  const i128 end = static_cast<i128>(f.buf) + a.hi_end;
  const bool in_space = start >= 0 && end <= (static_cast<i128>(1) << 64);
  if (f.itemsize == 0) {
    a.span_line = "required span: " + Plural(size, "byte") + " (itemsize 0: the elements " +
                  "have no bytes; their addresses run from " + Rel(a.lo) + " to " + Rel(a.hi_end) +
                  ")";
  } else {
    a.span_line = "required span: " + Plural(size, "byte") + ", lowest byte " + Rel(a.lo) +
                  ", highest byte " + Rel(a.hi_end - 1);
    if (in_space) {
      a.span_line +=
          " (" + Hex(static_cast<u128>(start)) + ".." + Hex(static_cast<u128>(end - 1)) + ")";
    }
  }
  if (!in_space) {
    a.span_line += "; it leaves the 64-bit address space";
  } else if (a.m != nullptr && size > 0) {
    const uint64_t s = static_cast<uint64_t>(start);
    if (a.m->Contains(s, static_cast<uint64_t>(size))) {
      a.span_memory_line = "inside region '" + RegionName(*a.m->RegionOf(s)) + "'";
    } else {
      a.span_memory_line = "NOT inside one declared region";
    }
  }
}

// is_unique (no two elements share a byte) and is_exhaustive (every byte of the span belongs to
// an element), the kokkos/mdspan layout-mapping properties, on bytes.
void ComputeMapping(Analysis& a) {
  if (!a.full || !a.count) {
    const std::string why = a.full ? "product(shape) overflows" : a.structure_error;
    a.unique = {"unknown", why};
    a.exhaustive = {"unknown", why};
    return;
  }
  const FullView& f = *a.full;
  const int64_t count = *a.count;
  if (count == 0) {
    a.unique = {"yes", "no elements"};
    a.exhaustive = {a.indirect ? "n/a" : "yes", a.indirect ? "no span" : "no elements, no span"};
    return;
  }
  if (f.itemsize == 0) {
    a.unique = {"n/a", "itemsize 0: the elements have no bytes"};
    a.exhaustive = {"n/a", "itemsize 0: the elements have no bytes"};
    return;
  }
  if (!a.indirect && !a.has_span) {
    a.unique = {"unknown", "the span overflows"};
    a.exhaustive = {"unknown", "the span overflows"};
    return;
  }
  const i128 itemsize = f.itemsize;
  const i128 bytes = static_cast<i128>(count) * itemsize;
  const i128 span = a.hi_end - a.lo;
  if (count <= kWalkLimit) {
    // Every element, sorted by address (relative to buf for a strided view).
    std::vector<std::pair<i128, int64_t>> at;  // (address, ordinal in C order)
    at.reserve(static_cast<size_t>(count));
    std::vector<int64_t> index(f.shape.size(), 0);
    Resolver resolver(f, a.m, /*record=*/false);
    int64_t ordinal = 0;
    size_t unplaced = 0;
    do {
      if (a.indirect) {
        const Element e = resolver.Resolve(index);
        if (e.placed) {
          at.push_back({e.addr, ordinal});
        } else {
          ++unplaced;
        }
      } else {
        i128 offset = 0;
        for (size_t d = 0; d < index.size(); ++d)
          offset += static_cast<i128>(f.strides[d]) * index[d];
        at.push_back({offset, ordinal});
      }
      ++ordinal;
    } while (Next(index, f.shape));
    if (unplaced > 0) {
      a.unique = {"unknown",
                  Plural(static_cast<int64_t>(unplaced), "element") + " cannot be placed"};
      a.exhaustive = {"n/a", "array of arrays: no single span"};
      return;
    }
    std::sort(at.begin(), at.end());
    auto label = [&](int64_t ord) {
      std::vector<int64_t> idx(f.shape.size());
      for (size_t k = f.shape.size(); k-- > 0;) {
        idx[k] = ord % f.shape[k];
        ord /= f.shape[k];
      }
      return IndexLabel(idx);
    };
    auto where = [&](i128 address) {
      return a.indirect ? Hex(static_cast<u128>(address)) : Rel(address);
    };
    i128 end = at[0].first + itemsize;
    int64_t owner = at[0].second;
    i128 covered = itemsize;
    std::optional<std::pair<i128, i128>> hole;
    std::string clash;
    for (size_t k = 1; k < at.size(); ++k) {
      const i128 s = at[k].first;
      if (s < end) {
        if (clash.empty()) {
          clash = "elements " + label(owner) + " and " + label(at[k].second) + " share bytes (at " +
                  where(s) + ")";
        }
        if (s + itemsize > end) covered += s + itemsize - end;
      } else {
        if (s > end && !hole) hole = {end, s};
        covered += itemsize;
      }
      if (s + itemsize > end) {
        end = s + itemsize;
        owner = at[k].second;
      }
    }
    a.unique =
        clash.empty() ? TriState{"yes", "no two elements share a byte"} : TriState{"no", clash};
    if (a.indirect) {
      a.exhaustive = {"n/a", "array of arrays: no single span"};
    } else if (covered == span) {
      a.exhaustive = {"yes", "every byte of the " + Dec(span) + "-byte span belongs to an element"};
    } else {
      std::string r = "the span is " + Dec(span) + " bytes, the elements cover " + Dec(covered);
      if (hole) r += "; first hole " + Rel(hole->first) + ".." + Rel(hole->second - 1);
      a.exhaustive = {"no", r};
    }
    return;
  }
  const std::string many = Dec(count) + " elements: too many to compare one by one";
  if (a.indirect) {
    a.unique = {"unknown", many};
    a.exhaustive = {"n/a", "array of arrays: no single span"};
    return;
  }
  for (size_t d = 0; d < f.shape.size(); ++d) {
    if (f.shape[d] > 1 && f.strides[d] == 0) {
      a.unique = {"no", "dim " + std::to_string(d) + " has stride 0 and extent " +
                            std::to_string(f.shape[d]) + " (broadcast): its elements coincide"};
      a.exhaustive = {"unknown", many};
      return;
    }
  }
  if (span < bytes) {
    a.unique = {"no", "the span (" + Dec(span) + " bytes) is smaller than the elements' " +
                          Dec(bytes) + " bytes"};
    a.exhaustive = {"unknown", many};
    return;
  }
  // Sufficient: sorted by |stride|, each stride clears the whole block of the smaller ones.
  std::vector<std::pair<i128, int64_t>> dims;
  for (size_t d = 0; d < f.shape.size(); ++d) {
    if (f.shape[d] > 1) {
      const i128 s = f.strides[d] < 0 ? -static_cast<i128>(f.strides[d]) : f.strides[d];
      dims.push_back({s, f.shape[d]});
    }
  }
  std::sort(dims.begin(), dims.end());
  i128 block = itemsize;
  bool nested = true;
  for (const auto& [stride, extent] : dims) {
    if (stride < block) {
      nested = false;
      break;
    }
    block = stride * (extent - 1) + block;
  }
  if (!nested) {
    a.unique = {"unknown", many};
    a.exhaustive = {"unknown", many};
    return;
  }
  a.unique = {"yes", "each |stride| clears the block of the smaller ones"};
  a.exhaustive = span == bytes ? TriState{"yes", "the span is exactly " + Dec(bytes) + " bytes"}
                               : TriState{"no", "the span is " + Dec(span) + " bytes, the " +
                                                    "elements cover " + Dec(bytes)};
}

// The summarised selection: the first and last `ends` elements in C order and, for a strided
// view, the two at the ends of the span.
std::vector<std::vector<int64_t>> SummaryIndices(const Analysis& a, int64_t ends) {
  const FullView& f = *a.full;
  std::vector<std::vector<int64_t>> indices;
  std::vector<int64_t> index(f.shape.size(), 0);
  for (int64_t k = 0; k < ends; ++k) {
    indices.push_back(index);
    if (!Next(index, f.shape)) break;
  }
  std::vector<std::vector<int64_t>> last;
  for (size_t d = 0; d < f.shape.size(); ++d) index[d] = f.shape[d] - 1;
  for (int64_t k = 0; k < ends; ++k) {
    last.push_back(index);
    if (!Prev(index, f.shape)) break;
  }
  if (!a.indirect) {  // the lowest and highest elements: the ends of the span
    std::vector<int64_t> low(f.shape.size()), high(f.shape.size());
    for (size_t d = 0; d < f.shape.size(); ++d) {
      low[d] = f.strides[d] < 0 ? f.shape[d] - 1 : 0;
      high[d] = f.strides[d] > 0 ? f.shape[d] - 1 : 0;
    }
    for (const auto& extreme : {low, high}) {
      if (std::find(indices.begin(), indices.end(), extreme) == indices.end() &&
          std::find(last.begin(), last.end(), extreme) == last.end()) {
        indices.push_back(extreme);
      }
    }
  }
  indices.insert(indices.end(), last.rbegin(), last.rend());
  return indices;
}

// Counts one resolved element into the analysis (placed, outside, unplaced: what the text says).
void CountElement(Analysis& a, const Element& e) {
  ++a.walked;
  if (!e.placed) {
    ++a.unplaced;
    if (a.first_problem.empty()) a.first_problem = IndexLabel(e.index) + ": " + e.problem;
    return;
  }
  ++a.placed;
  a.placed_low = std::min<u128>(a.placed_low, e.addr);
  a.placed_high =
      std::max<u128>(a.placed_high, static_cast<u128>(e.addr) +
                                        static_cast<u128>(std::max<int64_t>(a.full->itemsize, 1)));
  if (a.m != nullptr && e.outside) {
    ++a.outside;
    if (!a.first_outside) a.first_outside = e;
  }
}

void CollectElements(Analysis& a, const ExplainOptions& o) {
  if (!a.full) return;
  const FullView& f = *a.full;
  for (int64_t extent : f.shape) {
    if (extent == 0) return;
  }
  const int64_t max_elements = std::max<int64_t>(o.max_elements, 1);
  const int64_t walk_limit = std::min(max_elements, kMaxWalkedElements);
  a.summarised = !a.count || *a.count > walk_limit;
  a.walk_capped = a.count && *a.count <= max_elements && *a.count > kMaxWalkedElements;
  const int64_t ends = std::clamp<int64_t>(walk_limit / 2, 1, kSummaryEnds);
  Resolver resolver(f, a.m, /*record=*/true);
  if (a.summarised) {
    for (const auto& idx : SummaryIndices(a, ends)) {
      Element e = resolver.Resolve(idx);
      CountElement(a, e);
      a.elements.push_back(std::move(e));
    }
  } else {
    // Every element, streamed: only those drawn are kept.
    const bool keep = *a.count <= kMaxDrawnElements;
    std::vector<int64_t> index(f.shape.size(), 0);
    do {
      Element e = resolver.Resolve(index);
      CountElement(a, e);
      if (keep) a.elements.push_back(std::move(e));
    } while (Next(index, f.shape));
    if (!keep) {
      Resolver draw(f, a.m, /*record=*/false);
      for (const auto& idx : SummaryIndices(a, kSummaryEnds)) {
        a.elements.push_back(draw.Resolve(idx));
      }
      a.not_drawn = a.walked - static_cast<int64_t>(a.elements.size());
    }
  }
  a.pointers = std::move(resolver.pointers);
  a.pointers_truncated = resolver.pointers_truncated;
}

}  // namespace

Analysis Analyse(const Descriptor& v, const Memory* m, const ExplainOptions& o) {
  Analysis a;
  a.v = &v;
  a.m = m;
  // The verdict is `bufconf check`'s (Judge): the same checker, limits and levels. Nothing else
  // here decides it: the element walks below are for the picture only.
  try {
    Judgement j = Judge(v, m, o.max_walk);
    a.violations = std::move(j.violations);
    a.levels = std::move(j.levels);
    a.not_checked = std::move(j.not_checked);
    a.valid = j.kind == Judgement::Kind::kValid;
  } catch (const std::exception& e) {
    a.violations.push_back({"(checker)", std::string("the checker failed: ") + e.what()});
    a.levels.push_back(rules::Level::kMust);
    a.valid = false;
  }
  try {
    a.full = layout::Expand(v);
    for (int64_t extent : a.full->shape) {
      if (extent < 0) throw std::invalid_argument("a negative extent (len < 0 with NULL shape)");
    }
    if (a.full->itemsize < 0) throw std::invalid_argument("itemsize is negative");
  } catch (const std::exception& e) {
    a.full.reset();
    a.structure_error = "the elements cannot be placed: " + Printable(e.what());
  }
  if (a.full) {
    a.indirect = std::any_of(a.full->suboffsets.begin(), a.full->suboffsets.end(),
                             [](int64_t s) { return s >= 0; });
    try {
      a.count = layout::ElementCount(a.full->shape);
    } catch (const MemoryFault&) {
    }
  }
  DescribeFormat(a);
  DescribeLen(a);
  ComputeSpan(a);
  a.c = ContiguityReason(v, 'C');
  a.f = ContiguityReason(v, 'F');
  a.a = ContiguityReason(v, 'A');
  // The verdicts are the model's; the reasons restate its decision.
  for (auto [verdict, order] : {std::pair<Verdict*, char>{&a.c, 'C'}, {&a.f, 'F'}, {&a.a, 'A'}}) {
    const bool model = layout::IsContiguous(v, order);
    if (model != verdict->value) {
      verdict->reason += std::string(" (the model says ") + (model ? "yes" : "no") + ")";
      verdict->value = model;
    }
  }
  const layout::MemoryviewContiguity mv = layout::MemoryviewFlags(v);
  if (mv.c != a.c.value || mv.f != a.f.value) {
    a.memoryview_note = std::string("memoryview disagrees: c_contiguous ") +
                        (mv.c ? "True" : "False") + ", f_contiguous " + (mv.f ? "True" : "False") +
                        " (a 1-D view: shape[0] == 1 or strides[0] == itemsize; "
                        "CONTIG-MEMORYVIEW)";
  }
  ComputeMapping(a);
  CollectElements(a, o);
  return a;
}

}  // namespace bufconf::explain::internal
