#include "conformance/explain/explain.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "conformance/explain/verdict.h"
#include "conformance/suite/report.h"
#include "reference/format/dialect.h"
#include "reference/format/format_json.h"
#include "reference/format/layout.h"
#include "reference/layout/addressing.h"
#include "reference/layout/checker.h"
#include "reference/layout/contiguity.h"
#include "reference/rules/catalogue.h"

namespace bufconf::explain {
namespace {

using layout::Descriptor;
using layout::FullView;
using layout::Memory;
using layout::MemoryFault;
using layout::Region;
using i128 = __int128;
using u128 = unsigned __int128;

// Elements compared one by one for is_unique / is_exhaustive (as the checker's aliasing walk).
constexpr int64_t kWalkLimit = int64_t{1} << 16;
// Pointer reads recorded for the pointer tables (text and SVG).
constexpr size_t kMaxPointers = 20000;
// Elements drawn at each end of a summarised view.
constexpr int64_t kSummaryEnds = 64;
// Elements drawn one by one in the SVG at most (docs/explain.md): a view of more elements, even
// one within --max-elements, draws the summarised selection with a "... N more not drawn" note;
// the text walks every element up to --max-elements without keeping them.
constexpr int64_t kMaxDrawnElements = int64_t{1} << 14;
constexpr size_t kTextWidth = 100;

// ---------------------------------------------------------------------------------------------
// Small text helpers. Everything printed or drawn goes through Printable: ASCII only, so neither
// a terminal nor an XML parser ever sees a control character or a broken UTF-8 sequence.

std::string Printable(std::string_view s, size_t max_chars = 80) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (out.size() >= max_chars) {
      out += "...";
      break;
    }
    if (c == '\\') {
      out += "\\\\";
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string Dec(i128 v) {
  if (v == 0) return "0";
  const bool negative = v < 0;
  u128 u = negative ? -static_cast<u128>(v) : static_cast<u128>(v);
  std::string s;
  while (u != 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  return negative ? "-" + s : s;
}

std::string Hex(u128 v) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  do {
    s.insert(s.begin(), kDigits[static_cast<int>(v & 15)]);
    v >>= 4;
  } while (v != 0);
  return "0x" + s;
}

// An offset from buf: "buf+24", "buf-8".
std::string Rel(i128 offset) { return offset < 0 ? "buf" + Dec(offset) : "buf+" + Dec(offset); }

std::string Plural(i128 n, const char* word) { return Dec(n) + " " + word + (n == 1 ? "" : "s"); }

std::string IndexLabel(const std::vector<int64_t>& index) {
  std::string s = "(";
  for (size_t i = 0; i < index.size(); ++i) {
    if (i > 0) s += ",";
    s += std::to_string(index[i]);
    if (s.size() > 60) {
      s += ",...";
      break;
    }
  }
  return s + ")";
}

std::string Ints(const std::vector<int64_t>& v) {
  std::string s = "(";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(v[i]);
    if (s.size() > 60 && i + 1 < v.size()) {
      s += ", ...";
      break;
    }
  }
  return s + ")";
}

std::string OptInts(const std::optional<std::vector<int64_t>>& v) {
  return v ? Ints(*v) : std::string("NULL");
}

std::string Pad(const std::string& s, size_t width, bool right) {
  if (s.size() >= width) return s;
  return right ? std::string(width - s.size(), ' ') + s : s + std::string(width - s.size(), ' ');
}

// Wraps every line longer than kTextWidth at a space (or anywhere, if it has none); the
// continuation is indented four columns past the line's own indentation.
std::string WrapLines(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const size_t lead = line.find_first_not_of(' ');
    const size_t indent = std::min<size_t>(lead == std::string::npos ? 0 : lead, 40) + 4;
    bool first = true;
    while (line.size() > kTextWidth) {
      size_t cut = line.rfind(' ', kTextWidth);
      const size_t floor = first ? 0 : indent;
      if (cut == std::string::npos || cut <= floor + 10) cut = kTextWidth;
      out += line.substr(0, cut) + "\n";
      size_t rest = cut;
      while (rest < line.size() && line[rest] == ' ') ++rest;
      line = std::string(indent, ' ') + line.substr(rest);
      first = false;
    }
    out += line + "\n";
  }
  return out;
}

std::string RegionName(const Region& r) {
  return r.name.empty() ? "(unnamed)" : Printable(r.name, 40);
}

// ---------------------------------------------------------------------------------------------
// Contiguity with its reason, as PyBuffer_IsContiguous decides (reference/layout/contiguity.cc).

struct Verdict {
  bool value = false;
  std::string reason;
};

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

struct Element {
  std::vector<int64_t> index;
  bool placed = false;
  uint64_t addr = 0;
  std::string problem;   // why it cannot be placed
  bool outside = false;  // memory declared, and its bytes are not inside one region
};

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

struct TriState {
  std::string value;  // "yes", "no", "unknown", "n/a"
  std::string reason;
};

struct Analysis {
  const Descriptor* v = nullptr;
  const Memory* m = nullptr;
  std::optional<FullView> full;
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
  a.summarised = !a.count || *a.count > max_elements;
  const int64_t ends = std::clamp<int64_t>(max_elements / 2, 1, kSummaryEnds);
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

Analysis Analyse(const Descriptor& v, const Memory* m, const ExplainOptions& o) {
  Analysis a;
  a.v = &v;
  a.m = m;
  // The verdict is `bufconf check`'s (Judge): the same checker, limits and levels.
  try {
    Judgement j = Judge(v, m);
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

// ---------------------------------------------------------------------------------------------
// The terminal explanation.

std::string RenderText(const Analysis& a) {
  const Descriptor& v = *a.v;
  std::ostringstream os;
  std::string what = std::to_string(v.ndim) + "-D view";
  if (a.count) what += " of " + Plural(*a.count, "element");
  os << "bufconf explain: " << what << ", itemsize " << v.itemsize << ", format "
     << (v.format ? "\"" + Printable(*v.format, 40) + "\"" : std::string("NULL")) << "\n";
  os << "  buf " << Hex(v.buf) << (v.buf == 0 ? " (NULL)" : "") << "  len " << v.len
     << "  readonly " << v.readonly << "  ndim " << v.ndim << "\n";
  os << "  shape " << OptInts(v.shape) << "  strides " << OptInts(v.strides) << "  suboffsets "
     << OptInts(v.suboffsets) << "\n";
  os << "  " << a.format_line << "\n";
  os << "  " << a.len_line << "\n\n";

  // The dimension table.
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> notes;
  if (a.full) {
    const FullView& f = *a.full;
    for (size_t d = 0; d < f.shape.size(); ++d) {
      std::string extent = std::to_string(f.shape[d]);
      std::string stride = std::to_string(f.strides[d]);
      if (!v.shape) extent += "*";
      if (!v.strides) stride += "*";
      std::string items = "-";
      if (f.itemsize > 0 && f.strides[d] % f.itemsize == 0) {
        items = std::to_string(f.strides[d] / f.itemsize);
      }
      std::string sub = v.suboffsets ? std::to_string(f.suboffsets[d]) : "-";
      if (f.suboffsets[d] >= 0) sub += " (deref)";
      rows.push_back({std::to_string(d), extent, stride, sub, items});
    }
    if (!v.shape && !f.shape.empty()) notes.push_back("* shape NULL: len bytes, itemsize 1");
    if (!v.strides && !f.shape.empty()) notes.push_back("* strides NULL: the C strides");
  } else {
    size_t n = static_cast<size_t>(std::clamp<int64_t>(v.ndim, 0, layout::kMaxNdim));
    for (const auto* field : {&v.shape, &v.strides, &v.suboffsets}) {
      if (*field) n = std::max(n, (*field)->size());
    }
    n = std::min<size_t>(n, layout::kMaxNdim * 4);
    auto cell = [](const std::optional<std::vector<int64_t>>& field, size_t d) {
      if (!field) return std::string("-");
      return d < field->size() ? std::to_string((*field)[d]) : std::string("?");
    };
    for (size_t d = 0; d < n; ++d) {
      rows.push_back(
          {std::to_string(d), cell(v.shape, d), cell(v.strides, d), cell(v.suboffsets, d), "-"});
    }
    notes.push_back(a.structure_error + " (? = missing entry)");
  }
  if (rows.empty()) {
    os << "no dimensions (a scalar: one item at buf)\n";
  } else {
    const std::vector<std::string> head = {"dim", "extent", "stride", "suboffset",
                                           "stride/itemsize"};
    std::vector<size_t> width(head.size());
    for (size_t k = 0; k < head.size(); ++k) {
      width[k] = head[k].size();
      for (const auto& row : rows) width[k] = std::max(width[k], row[k].size());
    }
    auto line = [&](const std::vector<std::string>& row) {
      std::string s = " ";
      for (size_t k = 0; k < row.size(); ++k) s += " " + Pad(row[k], width[k], true);
      os << s << "\n";
    };
    line(head);
    for (const auto& row : rows) line(row);
  }
  for (const auto& note : notes) os << "  " << note << "\n";
  os << "\n";

  if (a.m != nullptr) {
    const auto& regions = a.m->regions();
    os << "memory: " << Plural(static_cast<int64_t>(regions.size()), "region") << "\n";
    std::vector<std::vector<std::string>> table;
    for (size_t k = 0; k < regions.size() && k < 12; ++k) {
      const Region& r = regions[k];
      table.push_back(
          {Hex(r.base) + ".." +
               (r.bytes.empty() ? std::string("(empty)") : Hex(static_cast<u128>(r.end()) - 1)),
           Plural(static_cast<int64_t>(r.bytes.size()), "byte"), RegionName(r)});
    }
    size_t w0 = 0, w1 = 0;
    for (const auto& row : table) {
      w0 = std::max(w0, row[0].size());
      w1 = std::max(w1, row[1].size());
    }
    for (const auto& row : table) {
      os << "  " << Pad(row[0], w0, false) << "  " << Pad(row[1], w1, true) << "  " << row[2]
         << "\n";
    }
    if (regions.size() > 12) os << "  ... " << regions.size() - 12 << " more\n";
  } else {
    os << "memory: not declared (the MEMORY-* rules are not checked)\n";
  }
  os << a.span_line << "\n";
  if (!a.span_memory_line.empty()) os << "  " << a.span_memory_line << "\n";
  if (a.indirect && a.full && a.placed > 0) {
    // Where the elements reached through the pointers are.
    os << "  the " << (a.summarised ? "elements drawn" : "elements") << " lie between "
       << Hex(a.placed_low) << " and " << Hex(a.placed_high - 1) << " (lowest and highest byte)\n";
  }
  if (a.m != nullptr && a.first_outside) {
    const Element& first = *a.first_outside;
    os << "  elements outside the declared memory: " << a.outside << " of the " << a.walked
       << " placed" << (a.summarised ? " (summarised)" : "") << ", e.g. " << IndexLabel(first.index)
       << " at " << Hex(first.addr) << " (" << Rel(static_cast<i128>(first.addr) - v.buf) << ")\n";
  }
  if (a.unplaced > 0) {
    os << "  " << Plural(static_cast<int64_t>(a.unplaced), "element") << " cannot be placed, e.g. "
       << a.first_problem << "\n";
  }
  os << "\n";

  os << "contiguity (as PyBuffer_IsContiguous decides):\n";
  for (auto [name, verdict] :
       {std::pair<const char*, const Verdict*>{"C", &a.c}, {"F", &a.f}, {"A", &a.a}}) {
    os << "  " << name << "  " << (verdict->value ? "yes" : "no ") << "  " << verdict->reason
       << "\n";
  }
  if (!a.memoryview_note.empty()) os << "  " << a.memoryview_note << "\n";
  os << "\n";

  os << "layout mapping (kokkos/mdspan vocabulary, on bytes):\n";
  os << "  is_unique      " << Pad(a.unique.value, 7, false) << "  " << a.unique.reason << "\n";
  os << "  is_exhaustive  " << Pad(a.exhaustive.value, 7, false) << "  " << a.exhaustive.reason
     << "\n";
  if (a.full) {
    os << "  is_strided     "
       << (a.indirect ? "no       suboffsets dereference pointers (array of arrays)"
                      : "yes      address = buf + sum(strides[i] * index[i])")
       << "\n";
  }
  os << "\n";

  if (!a.full || !a.indirect) {
    os << "array of arrays: no dimension dereferences"
       << (v.suboffsets ? " (every suboffset is negative)" : " (suboffsets NULL)") << "\n";
  } else {
    const FullView& f = *a.full;
    os << "array of arrays:\n";
    for (size_t d = 0; d < f.shape.size(); ++d) {
      if (f.suboffsets[d] < 0) continue;
      os << "  dim " << d << ": loads a pointer (8 bytes) every " << f.strides[d]
         << " bytes, then adds suboffset " << f.suboffsets[d] << "\n";
      size_t shown = 0, total = 0;
      for (const PointerRead& p : a.pointers) {
        if (p.dim != d) continue;
        ++total;
        if (shown >= 4) continue;
        ++shown;
        os << "    " << IndexLabel(p.prefix) << " pointer at " << Hex(p.at);
        if (!p.readable) {
          os << ": outside the declared memory\n";
          continue;
        }
        os << " = " << Hex(p.value);
        if (!p.target_valid) {
          os << ", + suboffset leaves the address space\n";
          continue;
        }
        os << " -> " << Hex(p.target) << " ";
        const Region* r = a.m->RegionOf(p.target);
        os << (r != nullptr && p.target_inside ? "in '" + RegionName(*r) + "'"
                                               : std::string("OUTSIDE the declared memory"))
           << "\n";
      }
      if (total > shown) os << "    ... " << total - shown << " more pointers read\n";
    }
    if (a.m == nullptr) os << "  (no memory declared: the pointers cannot be followed)\n";
  }
  os << "\n";

  if (a.violations.empty()) {
    os << "rules (layout::Validate): none broken\n";
  } else {
    os << "rules broken (layout::Validate):\n";
    for (size_t k = 0; k < a.violations.size(); ++k) {
      os << "  " << Printable(a.violations[k].rule, 60) << " [" << rules::LevelName(a.levels[k])
         << "]: " << Printable(a.violations[k].message, 300) << "\n";
    }
  }
  if (!a.not_checked.empty()) {
    os << "rules not checked (layout::ValidateWithCoverage):\n";
    for (const layout::Violation& n : a.not_checked) {
      os << "  " << Printable(n.rule, 60) << ": " << Printable(n.message, 300) << "\n";
    }
  }
  os << "verdict: "
     << (!a.not_checked.empty()
             ? "NOT CHECKED (too large to walk; as `bufconf check`, exit status 2)"
         : a.valid ? (a.violations.empty() ? "valid" : "valid (no MUST rule broken)")
                   : "INVALID (breaks a MUST rule)")
     << "\n";
  return WrapLines(os.str());
}

// ---------------------------------------------------------------------------------------------
// The JSON explanation.

std::string RenderJson(const Analysis& a) {
  using J = nlohmann::ordered_json;
  const Descriptor& v = *a.v;
  J j;
  j["valid"] = a.valid;
  J violations = J::array();
  for (size_t k = 0; k < a.violations.size(); ++k) {
    violations.push_back({{"rule", Printable(a.violations[k].rule, 60)},
                          {"level", rules::LevelName(a.levels[k])},
                          {"message", Printable(a.violations[k].message, 300)}});
  }
  j["violations"] = std::move(violations);
  if (!a.not_checked.empty()) {
    // Not checked is no verdict: "valid" is null, as `bufconf check` gives none (exit 2).
    j["valid"] = nullptr;
    J not_checked = J::array();
    for (const layout::Violation& n : a.not_checked) {
      not_checked.push_back(
          {{"rule", Printable(n.rule, 60)}, {"message", Printable(n.message, 300)}});
    }
    j["not_checked"] = std::move(not_checked);
  }
  j["itemsize"] = v.itemsize;
  j["format"] = v.format ? J(format::BytesToJsonText(*v.format)) : J(nullptr);
  j["format_note"] = a.format_line;
  j["len"] = {{"value", v.len}, {"note", a.len_line}};
  j["elements"] = a.count ? J(*a.count) : J(nullptr);
  J dims = J::array();
  if (a.full) {
    const FullView& f = *a.full;
    for (size_t d = 0; d < f.shape.size(); ++d) {
      J dim = {{"dim", d},
               {"extent", f.shape[d]},
               {"stride", f.strides[d]},
               {"suboffset", v.suboffsets ? J(f.suboffsets[d]) : J(nullptr)}};
      dim["stride_items"] = f.itemsize > 0 && f.strides[d] % f.itemsize == 0
                                ? J(f.strides[d] / f.itemsize)
                                : J(nullptr);
      dims.push_back(std::move(dim));
    }
  }
  j["dims"] = std::move(dims);
  if (!a.structure_error.empty()) j["structure_error"] = a.structure_error;
  if (a.has_span && a.hi_end > a.lo) {
    // Offsets from buf; beyond the int64 range (an itemsize near PY_SSIZE_T_MAX) as strings.
    auto number = [](i128 n) {
      return n >= INT64_MIN && n <= INT64_MAX ? J(static_cast<int64_t>(n)) : J(Dec(n));
    };
    j["span"] = {{"lowest", number(a.lo)},
                 {"highest", number(a.hi_end - 1)},
                 {"size", number(a.hi_end - a.lo)},
                 {"note", a.span_line}};
  } else {
    j["span"] = {{"note", a.span_line}};
  }
  if (!a.span_memory_line.empty()) j["span"]["memory"] = a.span_memory_line;
  J contiguous;
  for (auto [name, verdict] :
       {std::pair<const char*, const Verdict*>{"C", &a.c}, {"F", &a.f}, {"A", &a.a}}) {
    contiguous[name] = {{"value", verdict->value}, {"reason", verdict->reason}};
  }
  j["contiguous"] = std::move(contiguous);
  if (!a.memoryview_note.empty()) j["memoryview"] = a.memoryview_note;
  j["is_unique"] = {{"value", a.unique.value}, {"reason", a.unique.reason}};
  j["is_exhaustive"] = {{"value", a.exhaustive.value}, {"reason", a.exhaustive.reason}};
  J aoa = J::array();
  if (a.full && a.indirect) {
    for (size_t d = 0; d < a.full->shape.size(); ++d) {
      if (a.full->suboffsets[d] >= 0) {
        aoa.push_back(
            {{"dim", d}, {"stride", a.full->strides[d]}, {"suboffset", a.full->suboffsets[d]}});
      }
    }
  }
  j["array_of_arrays"] = std::move(aoa);
  return j.dump(2) + "\n";
}

// ---------------------------------------------------------------------------------------------
// The SVG memory map.

// XML text: the suite's escaping (strings here are already Printable ASCII).
std::string Esc(const std::string& s) { return suite::XmlEscape(s); }

std::string Num(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", x);
  std::string s = b;
  if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
  return s;
}

constexpr int kRowCells = 16;
constexpr double kCellW = 40;
constexpr double kLeft = 160;  // a multiple of kCellW: the grid pattern lines up
constexpr double kStripW = kRowCells * kCellW;
constexpr double kRight = 110;
constexpr double kWidth = kLeft + kStripW + kRight;
constexpr double kBand = 13;   // above the cells: region names, buf marker
constexpr double kCellH = 24;  // the cells
constexpr double kRowH = kBand + kCellH + 5;
constexpr double kGapH = 22;
constexpr size_t kMaxRows = 2048;
constexpr size_t kMaxSegments = 256;
constexpr size_t kMaxRegionsDrawn = 512;
constexpr u128 kAddressEnd = static_cast<u128>(1) << 64;

struct Interval {
  u128 start, end;  // [start, end), end > start
};

struct Segment {
  u128 start, end;  // multiples of the row size
  double y0 = 0;    // y of its first row
};

class SvgMap {
 public:
  explicit SvgMap(const Analysis& a) : a_(a) {}

  std::string Render() {
    CollectInterest();
    ChooseScale();
    std::vector<std::string> header = HeaderLines();
    const double legend_y = 14 + 16.0 * static_cast<double>(header.size()) + 6;
    double y = legend_y + Legend(legend_y, false) + 14;
    for (size_t k = 0; k < segments_.size(); ++k) {
      segments_[k].y0 = y;
      y += static_cast<double>((segments_[k].end - segments_[k].start) / row_bytes_) * kRowH;
      if (k + 1 < segments_.size()) y += kGapH;
    }
    if (segments_.empty()) y += 30;
    const double height = y + 20;

    out_ << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out_ << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << Num(kWidth) << "\" height=\""
         << Num(height) << "\" viewBox=\"0 0 " << Num(kWidth) << " " << Num(height)
         << "\" font-family=\"monospace\" font-size=\"10\">\n";
    out_ << "<title>" << Esc(header[0]) << "</title>\n";
    Defs();
    out_ << "<rect class=\"bg\" x=\"0\" y=\"0\" width=\"" << Num(kWidth) << "\" height=\""
         << Num(height) << "\"/>\n";
    for (size_t k = 0; k < header.size(); ++k) {
      out_ << "<text class=\"" << (k == 0 ? "h1" : "h2") << "\" x=\"10\" y=\""
           << Num(16 + 16.0 * static_cast<double>(k)) << "\">" << Esc(header[k]) << "</text>\n";
    }
    Legend(legend_y, true);
    if (segments_.empty()) {
      out_ << "<text class=\"note\" x=\"10\" y=\"" << Num(legend_y + 50)
           << "\">nothing to draw</text>\n";
    }
    Rows();
    Regions();
    Span();
    Pointers();
    Elements();
    out_ << labels_.str();  // on top of every cell, so overlapping elements keep their labels
    Arrows();
    BufMarker();
    out_ << "</svg>\n";
    return out_.str();
  }

 private:
  void Add(u128 start, u128 size) {
    if (size == 0) size = 1;
    u128 end = start + size;
    if (end > kAddressEnd) end = kAddressEnd;
    if (start >= end) return;
    interest_.push_back({start, end});
  }

  void CollectInterest() {
    Add(a_.v->buf, 1);
    const u128 itemsize = a_.full ? static_cast<u128>(a_.full->itemsize) : 1;
    for (const Element& e : a_.elements) {
      if (e.placed) Add(e.addr, itemsize);
    }
    for (const PointerRead& p : a_.pointers) {
      Add(p.at, 8);
      if (p.target_valid) Add(p.target, 1);
    }
    if (a_.m != nullptr) {
      size_t k = 0;
      for (const Region& r : a_.m->regions()) {
        if (k++ >= kMaxRegionsDrawn) break;
        const u128 size = r.bytes.size();
        if (size <= 4096) {
          Add(r.base, size);
        } else {
          Add(r.base, 64);
          Add(static_cast<u128>(r.end()) - 64, 64);
        }
      }
    }
    std::sort(interest_.begin(), interest_.end(),
              [](const Interval& x, const Interval& y) { return x.start < y.start; });
  }

  std::vector<Segment> Merge(u128 row_bytes) const {
    std::vector<Segment> out;
    for (const Interval& i : interest_) {
      const u128 s = i.start / row_bytes * row_bytes;
      u128 e = (i.end + row_bytes - 1) / row_bytes * row_bytes;
      if (!out.empty() && s <= out.back().end + 2 * row_bytes) {
        out.back().end = std::max(out.back().end, e);
      } else {
        out.push_back({s, e, 0});
      }
    }
    return out;
  }

  void ChooseScale() {
    for (unit_ = 1;; unit_ *= 2) {
      row_bytes_ = unit_ * kRowCells;
      segments_ = Merge(row_bytes_);
      u128 rows = 0;
      for (const Segment& s : segments_) rows += (s.end - s.start) / row_bytes_;
      if ((rows <= kMaxRows && segments_.size() <= kMaxSegments) || unit_ >= (u128{1} << 62)) {
        break;
      }
    }
  }

  // The segment holding address `x` (as a byte position), or null.
  const Segment* Find(u128 x) const {
    auto it = std::upper_bound(segments_.begin(), segments_.end(), x,
                               [](u128 value, const Segment& s) { return value < s.start; });
    if (it == segments_.begin()) return nullptr;
    --it;
    return x < it->end ? &*it : nullptr;
  }

  double X(const Segment& s, u128 x) const {
    const u128 col = (x - s.start) % row_bytes_;
    return kLeft + static_cast<double>(col) / static_cast<double>(unit_) * kCellW;
  }
  double RowY(const Segment& s, u128 x) const {
    return s.y0 + static_cast<double>((x - s.start) / row_bytes_) * kRowH;
  }

  // Rectangles covering [start, end) inside segment s, on the cell band offset by dy, height h:
  // at most three (first row, full middle rows as one block, last row), or with `block` false
  // one per row.
  void Pieces(const Segment& s, u128 start, u128 end, double dy, double h, const std::string& cls,
              const std::string& title = "", bool block = true) {
    start = std::max(start, s.start);
    end = std::min(end, s.end);
    if (start >= end) return;
    auto rect = [&](double x0, double x1, double y0, double height) {
      out_ << "<rect class=\"" << cls << "\" x=\"" << Num(x0) << "\" y=\"" << Num(y0)
           << "\" width=\"" << Num(std::max(x1 - x0, 1.5)) << "\" height=\"" << Num(height) << "\"";
      if (title.empty()) {
        out_ << "/>\n";
      } else {
        out_ << "><title>" << Esc(title) << "</title></rect>\n";
      }
    };
    const u128 r0 = (start - s.start) / row_bytes_;
    const u128 r1 = (end - 1 - s.start) / row_bytes_;
    const double y_first = RowY(s, start) + kBand + dy;
    const double x_end = kLeft + kStripW;
    if (r0 == r1) {
      const u128 col_end = end - s.start - r1 * row_bytes_;
      rect(X(s, start), kLeft + static_cast<double>(col_end) / static_cast<double>(unit_) * kCellW,
           y_first, h);
      return;
    }
    rect(X(s, start), x_end, y_first, h);
    if (r1 > r0 + 1 && block) {
      rect(kLeft, x_end, y_first + kRowH, static_cast<double>(r1 - r0 - 2) * kRowH + h);
    }
    for (u128 r = r0 + 1; r < r1 && !block; ++r) {
      rect(kLeft, x_end, y_first + static_cast<double>(r - r0) * kRowH, h);
    }
    const u128 col_end = end - s.start - r1 * row_bytes_;
    rect(kLeft, kLeft + static_cast<double>(col_end) / static_cast<double>(unit_) * kCellW,
         RowY(s, end - 1) + kBand + dy, h);
  }

  // Pieces of [start, end) in every segment it meets.
  void AllPieces(u128 start, u128 end, double dy, double h, const std::string& cls,
                 bool block = true) {
    for (const Segment& s : segments_) {
      if (s.end <= start) continue;
      if (s.start >= end) break;
      Pieces(s, start, end, dy, h, cls, "", block);
    }
  }

  std::vector<std::string> HeaderLines() const {
    const Descriptor& v = *a_.v;
    std::vector<std::string> h;
    std::string title = "bufconf explain: " + std::to_string(v.ndim) + "-D view";
    if (a_.count) title += " of " + Plural(*a_.count, "element");
    title += ", itemsize " + std::to_string(v.itemsize) + ", format " +
             (v.format ? "\"" + Printable(*v.format, 30) + "\"" : std::string("NULL"));
    h.push_back(title);
    h.push_back("buf " + Hex(v.buf) + ", len " + std::to_string(v.len) + ", shape " +
                OptInts(v.shape) + ", strides " + OptInts(v.strides) + ", suboffsets " +
                OptInts(v.suboffsets));
    h.push_back(std::string("contiguous: C ") + (a_.c.value ? "yes" : "no") + ", F " +
                (a_.f.value ? "yes" : "no") + ", A " + (a_.a.value ? "yes" : "no") +
                "; is_unique " + a_.unique.value + ", is_exhaustive " + a_.exhaustive.value);
    std::string rules;
    for (size_t k = 0; k < a_.violations.size(); ++k) {
      if (k > 0) rules += ", ";
      rules += Printable(a_.violations[k].rule, 40);
    }
    h.push_back(a_.violations.empty() ? std::string("valid: no rule broken")
                                      : std::string(a_.valid ? "valid (no MUST rule); findings: "
                                                             : "INVALID; breaks: ") +
                                            rules);
    std::string scale = unit_ == 1 ? "1 cell = 1 byte" : "1 cell = " + Dec(unit_) + " bytes";
    scale += ", " + Dec(row_bytes_) + " bytes per row";
    if (a_.m == nullptr) scale += "; no memory declared";
    h.push_back(scale);
    if (a_.summarised) {
      h.push_back((a_.count ? Dec(*a_.count) : std::string("more than 2^63")) +
                  " elements, summarised: " + std::to_string(a_.elements.size()) +
                  " drawn (the first and last in C order, and the ends of the span)");
    }
    if (a_.not_drawn > 0) {
      h.push_back(Dec(a_.walked) + " elements, " + std::to_string(a_.elements.size()) +
                  " drawn: ... " + Dec(a_.not_drawn) + " more not drawn (at most " +
                  Dec(kMaxDrawnElements) + " one by one)");
    }
    if (!a_.structure_error.empty()) h.push_back(a_.structure_error);
    if (a_.unplaced > 0) {
      h.push_back(Plural(static_cast<int64_t>(a_.unplaced), "element") +
                  " cannot be placed, e.g. " + a_.first_problem);
    }
    if (a_.pointers_truncated) h.push_back("pointer tables truncated");
    for (std::string& line : h) {
      if (line.size() > 140) line = line.substr(0, 137) + "...";
    }
    return h;
  }

  void Defs() {
    out_ << "<defs>\n"
         << "<pattern id=\"grid\" patternUnits=\"userSpaceOnUse\" width=\"" << Num(kCellW)
         << "\" height=\"10\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"10\" stroke=\"#d0d0d0\" "
            "stroke-width=\"1\"/></pattern>\n"
         << "<pattern id=\"hatch\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" "
            "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fcbba1\"/>"
            "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#cb181d\" stroke-width=\"3\"/>"
            "</pattern>\n"
         << "<pattern id=\"stray\" patternUnits=\"userSpaceOnUse\" width=\"8\" height=\"8\" "
            "patternTransform=\"rotate(-45)\"><rect width=\"8\" height=\"8\" fill=\"#f2f2f2\"/>"
            "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" stroke=\"#969696\" stroke-width=\"2\"/>"
            "</pattern>\n"
         << "<marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
            "markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" fill=\"#7f2704\"/>"
            "</marker>\n"
         << "<marker id=\"arrow-bad\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
            "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0L10,5L0,10z\" "
            "fill=\"#cb181d\"/></marker>\n"
         << "</defs>\n"
         << "<style>\n"
         << ".bg{fill:#ffffff}\n"
         << ".h1{font-family:sans-serif;font-size:13px;font-weight:bold}\n"
         << ".h2{font-family:sans-serif;font-size:11px}\n"
         << ".note{font-family:sans-serif;font-size:11px;fill:#555555}\n"
         << ".row{fill:#ffffff;stroke:#a0a0a0;stroke-width:0.6}\n"
         << ".grid{fill:url(#grid)}\n"
         << ".addr{font-size:9px;fill:#444444;text-anchor:end}\n"
         << ".gap{fill:#f4f4f4}\n"
         << ".gaptext{font-family:sans-serif;font-size:10px;fill:#666666;text-anchor:middle}\n"
         << ".region0{fill:#e5f5e0}.region1{fill:#deebf7}.region2{fill:#fff5d6}\n"
         << ".stray{fill:url(#stray)}\n"
         << ".boundary{stroke:#238b45;stroke-width:2}\n"
         << ".rname{font-family:sans-serif;font-size:9px;fill:#238b45}\n"
         << ".span{fill:#6a51a3}\n"
         << ".el0{fill:#6baed6;stroke:#08519c;stroke-width:0.8}\n"
         << ".el1{fill:#9ecae1;stroke:#08519c;stroke-width:0.8}\n"
         << ".outside{fill:#fd8d3c;stroke:#a63603;stroke-width:1.5}\n"
         << ".overlap{fill:url(#hatch);fill-opacity:0.75;stroke:#cb181d;stroke-width:1.5}\n"
         << ".ptr{fill:#fee391;stroke:#993404;stroke-width:0.8}\n"
         << ".ptrbad{fill:#fcbba1;stroke:#cb181d;stroke-width:1.5}\n"
         << ".lbl{font-size:10px;text-anchor:middle;fill:#08306b;paint-order:stroke;"
            "stroke:#ffffff;stroke-width:2.5px;stroke-opacity:0.8}\n"
         << ".arrow{fill:none;stroke:#7f2704;stroke-width:1.2}\n"
         << ".arrowbad{fill:none;stroke:#cb181d;stroke-width:1.2;stroke-dasharray:4 2}\n"
         << ".buf{fill:#000000}\n"
         << "</style>\n";
  }

  // The legend: swatches in rows of at most the drawing's width. Returns its height.
  double Legend(double y, bool draw) {
    struct Item {
      const char* cls;
      const char* text;
    };
    static const Item kItems[] = {{"el0", "element"},
                                  {"overlap", "overlapping element"},
                                  {"outside", "element outside declared memory"},
                                  {"ptr", "pointer-table entry"},
                                  {"arrow", "pointer + suboffset"},
                                  {"stray", "bytes outside any region"},
                                  {"region0", "declared region"},
                                  {"boundary", "region boundary"},
                                  {"span", "required span"}};
    double x = 10;
    double top = y;
    for (const Item& item : kItems) {
      const std::string cls = item.cls;
      const double w =
          24 + 5.6 * static_cast<double>(std::string(item.text).size()) + (cls == "arrow" ? 14 : 0);
      if (x + w > kWidth - 10) {
        x = 10;
        top += 20;
      }
      if (draw) {
        double text_x = x + 18;
        if (cls == "arrow") {
          out_ << "<path class=\"arrow\" d=\"M" << Num(x) << "," << Num(top + 7) << "H"
               << Num(x + 26) << "\" marker-end=\"url(#arrow)\"/>";
          text_x += 14;
        } else if (cls == "boundary") {
          out_ << "<line class=\"boundary\" x1=\"" << Num(x + 7) << "\" y1=\"" << Num(top)
               << "\" x2=\"" << Num(x + 7) << "\" y2=\"" << Num(top + 14) << "\"/>";
        } else {
          const bool thin = cls == "span";
          out_ << "<rect class=\"" << cls << "\" x=\"" << Num(x) << "\" y=\""
               << Num(top + (thin ? 5 : 0)) << "\" width=\"14\" height=\"" << (thin ? "4" : "14")
               << "\"/>";
        }
        out_ << "<text class=\"note\" x=\"" << Num(text_x) << "\" y=\"" << Num(top + 11) << "\">"
             << item.text << "</text>\n";
      }
      x += w;
    }
    return top + 20 - y;
  }

  void Rows() {
    const i128 buf = a_.v->buf;
    for (size_t k = 0; k < segments_.size(); ++k) {
      const Segment& s = segments_[k];
      for (u128 row = s.start; row < s.end; row += row_bytes_) {
        const double y = RowY(s, row) + kBand;
        out_ << "<rect class=\"row\" x=\"" << Num(kLeft) << "\" y=\"" << Num(y) << "\" width=\""
             << Num(kStripW) << "\" height=\"" << Num(kCellH) << "\"/>";
        if (unit_ == 1) {
          out_ << "<rect class=\"grid\" x=\"" << Num(kLeft) << "\" y=\"" << Num(y) << "\" width=\""
               << Num(kStripW) << "\" height=\"" << Num(kCellH) << "\"/>";
        }
        out_ << "<text class=\"addr\" x=\"" << Num(kLeft - 6) << "\" y=\"" << Num(y + 10) << "\">"
             << Hex(row) << "</text><text class=\"addr\" x=\"" << Num(kLeft - 6) << "\" y=\""
             << Num(y + 21) << "\">" << Rel(static_cast<i128>(row) - buf) << "</text>\n";
      }
      if (k + 1 < segments_.size()) {
        const Segment& next = segments_[k + 1];
        const double y = RowY(s, s.end - 1) + kRowH;
        out_ << "<rect class=\"gap\" x=\"10\" y=\"" << Num(y + 2) << "\" width=\""
             << Num(kWidth - 20) << "\" height=\"" << Num(kGapH - 4)
             << "\"/><text class=\"gaptext\" x=\"" << Num(kLeft + kStripW / 2) << "\" y=\""
             << Num(y + 15) << "\">... " << Dec(next.start - s.end) << " bytes not drawn ("
             << Hex(s.end) << ".." << Hex(next.start - 1) << ") ...</text>\n";
      }
    }
  }

  void Regions() {
    if (a_.m == nullptr) return;
    std::vector<const Region*> regions;
    for (const Region& r : a_.m->regions()) regions.push_back(&r);
    std::sort(regions.begin(), regions.end(),
              [](const Region* x, const Region* y) { return x->base < y->base; });
    // Bytes outside every region, then the regions, then their boundaries and names.
    for (const Segment& s : segments_) {
      u128 at = s.start;
      for (const Region* r : regions) {
        if (r->end() <= at || r->bytes.empty()) continue;
        if (r->base >= s.end) break;
        if (r->base > at) Pieces(s, at, r->base, 0, kCellH, "stray");
        at = std::max<u128>(at, r->end());
      }
      if (at < s.end) Pieces(s, at, s.end, 0, kCellH, "stray");
    }
    size_t k = 0;
    for (const Region* r : regions) {
      if (k >= kMaxRegionsDrawn) break;
      const std::string cls = "region" + std::to_string(k++ % 3);
      AllPieces(r->base, r->end(), 0, kCellH, cls);
    }
    k = 0;
    for (const Region* r : regions) {
      if (k++ >= kMaxRegionsDrawn) break;
      // The name where the region starts (or where it first appears in the drawing).
      const Segment* s = Find(r->base);
      u128 at = r->base;
      if (s == nullptr) {
        for (const Segment& seg : segments_) {
          if (seg.end > r->base && seg.start < r->end()) {
            s = &seg;
            at = seg.start;
            break;
          }
        }
      }
      if (s == nullptr) continue;
      const double x = X(*s, at);
      const double y = RowY(*s, at);
      const std::string name = RegionName(*r) + " (" + std::to_string(r->bytes.size()) + " B)";
      if (at == r->base) Boundary(x, y);
      out_ << "<text class=\"rname\" x=\"" << Num(x + 7) << "\" y=\"" << Num(y + kBand - 3) << "\">"
           << Esc(name) << "</text>\n";
      if (!r->bytes.empty()) {
        const u128 last = static_cast<u128>(r->end()) - 1;
        const Segment* e = Find(last);
        if (e != nullptr) Boundary(XEnd(*e, last + 1), RowY(*e, last));
      }
    }
  }

  // The x of the end of the byte range ending at `end` (drawn on the row of end - 1).
  double XEnd(const Segment& s, u128 end) const {
    const u128 col = end - s.start - (end - 1 - s.start) / row_bytes_ * row_bytes_;
    return kLeft + static_cast<double>(col) / static_cast<double>(unit_) * kCellW;
  }

  void Boundary(double x, double y) {
    out_ << "<line class=\"boundary\" x1=\"" << Num(x) << "\" y1=\"" << Num(y + 2) << "\" x2=\""
         << Num(x) << "\" y2=\"" << Num(y + kBand + kCellH + 2) << "\"/>\n";
  }

  void Span() {
    if (!a_.has_span || a_.indirect || a_.hi_end <= a_.lo) return;
    const i128 start = static_cast<i128>(a_.v->buf) + a_.lo;
    const i128 end = static_cast<i128>(a_.v->buf) + a_.hi_end;
    if (start < 0 || end > static_cast<i128>(kAddressEnd)) return;
    AllPieces(static_cast<u128>(start), static_cast<u128>(end), kCellH + 1, 3, "span", false);
  }

  void Pointers() {
    for (const PointerRead& p : a_.pointers) {
      const Segment* s = Find(p.at);
      if (s == nullptr) continue;
      std::string title = "pointer for " + IndexLabel(p.prefix) + " (dim " + std::to_string(p.dim) +
                          ") at " + Hex(p.at);
      if (!p.readable) {
        title += ": outside the declared memory";
      } else {
        title += " = " + Hex(p.value) + ", + suboffset " + std::to_string(p.suboffset);
        if (p.target_valid) title += " -> " + Hex(p.target);
        if (!p.target_inside) title += " (outside the declared memory)";
      }
      const bool bad = !p.readable || !p.target_inside;
      Pieces(*s, p.at, static_cast<u128>(p.at) + 8, 2, kCellH - 4, bad ? "ptrbad" : "ptr", title);
      Label(*s, p.at, 8, "*" + IndexLabel(p.prefix));
    }
  }

  // A label centred on the first row piece of [start, start + size), if it is wide and tall
  // enough (the cell band offset by dy, height h).
  void Label(const Segment& s, u128 start, u128 size, const std::string& text, double dy = 0,
             double h = kCellH) {
    const u128 row_end = s.start + ((start - s.start) / row_bytes_ + 1) * row_bytes_;
    const u128 end = std::min(std::min<u128>(start + std::max<u128>(size, 1), row_end), s.end);
    const double x0 = X(s, start);
    const double x1 = XEnd(s, end);
    if ((x1 - x0) < 6.2 * static_cast<double>(text.size()) + 2 || h < 10.5) return;
    labels_ << "<text class=\"lbl\" x=\"" << Num((x0 + x1) / 2) << "\" y=\""
            << Num(RowY(s, start) + kBand + dy + h / 2 + 3.5) << "\">" << Esc(text) << "</text>\n";
  }

  void Elements() {
    if (!a_.full) return;
    const u128 itemsize = static_cast<u128>(a_.full->itemsize);
    const u128 extent = std::max<u128>(itemsize, 1);
    // Elements at the same bytes are drawn once, with all their indices in the title.
    std::map<uint64_t, std::vector<const Element*>> groups;
    for (const Element& e : a_.elements) {
      if (e.placed && Find(e.addr) != nullptr) groups[e.addr].push_back(&e);
    }
    // Groups that share bytes with another group (sorted by address: a group before it reaches
    // past its start, or the next one starts before its end) go into lanes, one above the other,
    // so every overlapping element stays visible.
    std::vector<uint64_t> starts;
    for (const auto& group : groups) starts.push_back(group.first);
    std::vector<bool> intersects(starts.size(), false);
    std::vector<size_t> lane(starts.size(), 0);
    std::vector<u128> lane_end;  // the end of the last group in each lane
    constexpr size_t kMaxLanes = 4;
    u128 reach = 0;
    for (size_t k = 0; k < starts.size() && itemsize > 0; ++k) {
      const u128 at = starts[k];
      if (k > 0 && at < reach) intersects[k] = true;
      if (k + 1 < starts.size() && static_cast<u128>(starts[k + 1]) < at + itemsize) {
        intersects[k] = true;
      }
      reach = std::max(reach, at + itemsize);
      size_t j = 0;
      while (j < lane_end.size() && lane_end[j] > at) ++j;
      if (j == lane_end.size()) {
        if (lane_end.size() < kMaxLanes) {
          lane_end.push_back(0);
        } else {
          j = k % kMaxLanes;
        }
      }
      lane[k] = j;
      lane_end[j] = std::max(lane_end[j], at + itemsize);
    }
    const double lane_h = kCellH / static_cast<double>(std::max<size_t>(lane_end.size(), 1));
    size_t k = 0;
    for (const auto& [addr, members] : groups) {
      const bool overlap = intersects[k] || members.size() > 1;
      const double dy = intersects[k] ? static_cast<double>(lane[k]) * lane_h : 0;
      const double h = intersects[k] ? lane_h : kCellH;
      ++k;
      const Element& first = *members.front();
      std::string cls = "el" + std::to_string(k % 2);
      if (first.outside) cls = "outside";
      if (overlap) cls += " overlap";
      std::string title;
      for (size_t m = 0; m < members.size() && m < 6; ++m) {
        title += (m > 0 ? " " : "") + IndexLabel(members[m]->index);
      }
      if (members.size() > 6) title += " and " + std::to_string(members.size() - 6) + " more";
      title += " at " + Hex(addr) + " (" + Rel(static_cast<i128>(addr) - a_.v->buf) + "), " +
               Plural(static_cast<int64_t>(itemsize), "byte");
      if (first.outside) title += ", outside the declared memory";
      if (overlap) title += ", overlaps another element";
      const Segment& s = *Find(addr);
      Pieces(s, addr, static_cast<u128>(addr) + extent, dy, h, cls, title);
      std::string text = IndexLabel(first.index);
      if (members.size() > 1) text += "x" + std::to_string(members.size());
      Label(s, addr, itemsize, text, dy, h);
    }
  }

  void Arrows() {
    for (const PointerRead& p : a_.pointers) {
      if (!p.readable || !p.target_valid) continue;
      const Segment* from = Find(p.at);
      const Segment* to = Find(p.target);
      if (from == nullptr || to == nullptr) continue;
      // From the middle of the entry's first row piece, down (or up) to the target's cell.
      const u128 row_end = from->start + ((p.at - from->start) / row_bytes_ + 1) * row_bytes_;
      const double x1 =
          (X(*from, p.at) + XEnd(*from, std::min<u128>(static_cast<u128>(p.at) + 8, row_end))) / 2;
      const double row1 = RowY(*from, p.at);
      const double x2 = X(*to, p.target) + 1;
      const double row2 = RowY(*to, p.target);
      const bool down = row2 > row1;
      const double y1 = down ? row1 + kBand + kCellH - 2 : row1 + kBand + 2;
      const double y2 = down ? row2 + kBand : row2 + kBand + kCellH;
      const double pull = std::min(60.0, std::max(20.0, (down ? y2 - y1 : y1 - y2) / 2));
      const double c1 = down ? y1 + pull : y1 - pull;
      const double c2 = down ? y2 - pull : y2 + pull;
      const bool bad = !p.target_inside;
      out_ << "<path class=\"" << (bad ? "arrowbad" : "arrow") << "\" d=\"M" << Num(x1) << ","
           << Num(y1) << " C" << Num(x1) << "," << Num(c1) << " " << Num(x2) << "," << Num(c2)
           << " " << Num(x2) << "," << Num(y2) << "\" marker-end=\"url(#"
           << (bad ? "arrow-bad" : "arrow") << ")\"/>\n";
    }
  }

  void BufMarker() {
    const Segment* s = Find(a_.v->buf);
    if (s == nullptr) return;
    const double x = X(*s, a_.v->buf);
    const double y = RowY(*s, a_.v->buf) + kBand;
    out_ << "<path class=\"buf\" d=\"M" << Num(x) << "," << Num(y) << "l-4,-6h8z\"><title>buf "
         << Hex(a_.v->buf) << "</title></path>\n";
  }

  const Analysis& a_;
  std::vector<Interval> interest_;
  std::vector<Segment> segments_;
  u128 unit_ = 1;
  u128 row_bytes_ = kRowCells;
  std::ostringstream out_;
  std::ostringstream labels_;
};

}  // namespace

std::string ExplainText(const layout::Descriptor& view, const layout::Memory* memory,
                        const ExplainOptions& options) {
  return RenderText(Analyse(view, memory, options));
}

std::string ExplainSvg(const layout::Descriptor& view, const layout::Memory* memory,
                       const ExplainOptions& options) {
  const Analysis a = Analyse(view, memory, options);
  return SvgMap(a).Render();
}

std::string ExplainJson(const layout::Descriptor& view, const layout::Memory* memory,
                        const ExplainOptions& options) {
  return RenderJson(Analyse(view, memory, options));
}

int ExitStatus(const layout::Descriptor& view, const layout::Memory* memory) {
  return Judge(view, memory).ExitStatus();
}

bool IsValid(const layout::Descriptor& view, const layout::Memory* memory) {
  for (const layout::Violation& v : layout::Validate(view, memory)) {
    const rules::Rule* rule = rules::FindRule(v.rule);
    if (rule == nullptr || rule->level == rules::Level::kMust) return false;
  }
  return true;
}

}  // namespace bufconf::explain
