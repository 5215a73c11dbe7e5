#include "reference/layout/checker.h"

#include <algorithm>
#include <exception>
#include <functional>
#include <utility>

#include "reference/format/layout.h"
#include "reference/layout/addressing.h"
#include "reference/layout/contiguity.h"

namespace bufconf::layout {
namespace {

std::string Str(int64_t v) { return std::to_string(v); }

// The lowest and highest byte offset, relative to the address of index 0, of an element start
// in the strided dimensions [from, to) of `full` (every extent in that range >= 1). Throws
// MemoryFault when a stride * (extent - 1) or their sum overflows int64.
std::pair<int64_t, int64_t> Reach(const FullView& full, size_t from, size_t to) {
  int64_t lo = 0, hi = 0;
  for (size_t i = from; i < to; ++i) {
    const int64_t reach = MulIndex(full.strides[i], full.shape[i] - 1);
    (reach < 0 ? lo : hi) = AddIndex(reach < 0 ? lo : hi, reach);
  }
  return {lo, hi};
}

class Checker {
 public:
  Checker(const Descriptor& v, const Memory* m, int64_t max_walk)
      : v_(v), m_(m), max_walk_(max_walk) {}

  Validation Run() {
    CheckFields();
    if (!structure_ok_) return {out_, not_checked_};
    CheckLayout();
    CheckFormat();
    if (!structure_ok_) return {out_, not_checked_};
    CheckMemoryviewContiguity();
    if (m_ != nullptr) {
      CheckMemory();
    } else {
      CheckAddressArithmetic();
    }
    return {out_, not_checked_};
  }

 private:
  void Add(const char* rule, std::string message) { out_.push_back({rule, std::move(message)}); }
  void NotChecked(const char* rule, std::string message) {
    not_checked_.push_back({rule, std::move(message)});
  }

  size_t Ndim() const { return static_cast<size_t>(v_.ndim); }

  void CheckFields() {
    if (v_.ndim < 0 || v_.ndim > kMaxNdim) {
      Add("FIELDS-NDIM-RANGE", "ndim is " + Str(v_.ndim) + "; it must be 0..64");
      structure_ok_ = false;
      return;
    }
    if (v_.ndim == 0 && (v_.shape || v_.strides || v_.suboffsets)) {
      Add("FIELDS-SCALAR-NULLS", "ndim is 0 but shape, strides or suboffsets is not NULL");
    }
    auto check_length = [&](const std::optional<std::vector<int64_t>>& a, const char* name) {
      if (a && v_.ndim > 0 && a->size() != Ndim()) {
        Add("FIELDS-ARRAY-LENGTH", std::string(name) + " has " + Str(int64_t(a->size())) +
                                       " entries but ndim is " + Str(v_.ndim));
        structure_ok_ = false;
      }
    };
    check_length(v_.shape, "shape");
    check_length(v_.strides, "strides");
    check_length(v_.suboffsets, "suboffsets");
    if (v_.strides && !v_.shape) {
      Add("FIELDS-SHAPE-PRESENT-STRIDES", "strides is set but shape is NULL");
      structure_ok_ = false;
    }
    if (v_.suboffsets && !v_.strides) {
      Add("FIELDS-SUBOFFSETS-NEED-STRIDES", "suboffsets is set but strides is NULL");
      structure_ok_ = false;
    }
    if (v_.shape) {
      for (size_t i = 0; i < v_.shape->size(); ++i) {
        if ((*v_.shape)[i] < 0) {
          Add("FIELDS-SHAPE-NONNEG", "shape[" + Str(int64_t(i)) + "] is " + Str((*v_.shape)[i]));
          structure_ok_ = false;
        }
      }
    }
    if (v_.readonly != 0 && v_.readonly != 1) {
      Add("FIELDS-READONLY-BOOL", "readonly is " + Str(v_.readonly) + "; use 0 or 1");
    }
    if (v_.itemsize < 0) {
      Add("FIELDS-ITEMSIZE-NONNEG", "itemsize is negative: " + Str(v_.itemsize));
      structure_ok_ = false;
    } else if (v_.itemsize == 0) {
      Add("FIELDS-ITEMSIZE-POSITIVE", "itemsize is 0 (CPython's _testbuffer refuses it)");
    }
    if (v_.buf == 0) Add("FIELDS-BUF-NONNULL", "buf is NULL");
    if (v_.len < 0) {
      Add("FIELDS-LEN-NONNEG", "len is negative: " + Str(v_.len));
      structure_ok_ = false;
    }
  }

  void CheckLayout() {
    if (v_.shape || v_.ndim == 0) {  // a scalar (ndim 0) is one item: len == itemsize
      try {
        const int64_t expected =
            MulIndex(ElementCount(v_.shape.value_or(std::vector<int64_t>{})), v_.itemsize);
        if (v_.len != expected) {
          Add("LAYOUT-LEN",
              "len is " + Str(v_.len) + " but product(shape) * itemsize is " + Str(expected));
        }
      } catch (const MemoryFault&) {
        Add("LAYOUT-LEN",
            "product(shape) * itemsize (fields shape, itemsize) overflows 64-bit arithmetic: no "
            "len can equal it");
        structure_ok_ = false;
      }
    }
    if (v_.suboffsets && std::all_of(v_.suboffsets->begin(), v_.suboffsets->end(),
                                     [](int64_t s) { return s < 0; })) {
      Add("LAYOUT-SUBOFFSETS-ALL-NEGATIVE-NULL",
          "every suboffset is negative: suboffsets must then be NULL");
    }
    if (v_.strides && v_.itemsize > 0) {
      for (size_t i = 0; i < v_.strides->size(); ++i) {
        if ((*v_.strides)[i] % v_.itemsize != 0) {
          Add("LAYOUT-STRIDES-MULTIPLE", "strides[" + Str(int64_t(i)) +
                                             "] = " + Str((*v_.strides)[i]) +
                                             " is not a multiple of itemsize " + Str(v_.itemsize));
          break;
        }
      }
    }
  }

  // FORMAT-SIZE (MUST): itemsize is the format's size in at least one dialect that parses it;
  // the dialects that parse it with another size are PORTABILITY findings (struct, numpy).
  void CheckFormat() {
    if (!v_.format) return;  // NULL means "B"; itemsize keeps its value without PyBUF_FORMAT
    const struct {
      format::Dialect dialect;
      const char* parses_rule;  // reported when the dialect rejects the format
      const char* size_rule;    // reported when its size is not itemsize ("" for pep3118)
    } kDialects[] = {
        {format::Dialect::kPep3118, "FORMAT-PARSES", ""},
        {format::Dialect::kStruct, "FORMAT-PARSES-STRUCT", "FORMAT-SIZE-STRUCT"},
        {format::Dialect::kNumpy, "FORMAT-PARSES-NUMPY", "FORMAT-SIZE-NUMPY"},
    };
    bool some_dialect_parses = false;
    bool some_size_matches = false;
    bool beyond_limit = false;  // a dialect gave up at bufconf's own limits: no claim from it
    std::string sizes;          // "pep3118 8, struct 5"
    for (const auto& d : kDialects) {
      const format::FormatResult r = format::AnalyzeFormat(*v_.format, d.dialect);
      const std::string name = format::DialectName(d.dialect);
      if (!r.ok() && r.error().beyond_limit) {
        beyond_limit = true;
        NotChecked(d.parses_rule, "the " + name + " dialect was not checked: " + r.error().message);
        if (*d.size_rule != '\0')
          NotChecked(d.size_rule, "not checked: see " + std::string(d.parses_rule));
        continue;
      }
      if (!r.ok()) {
        Add(d.parses_rule,
            d.dialect == format::Dialect::kPep3118
                ? "format does not parse at position " + Str(int64_t(r.error().position)) + ": " +
                      r.error().message
                : "the " + name + " dialect rejects the format: " + r.error().message);
        continue;
      }
      const int64_t size = static_cast<int64_t>(r.layout().itemsize);
      some_dialect_parses = true;
      some_size_matches = some_size_matches || size == v_.itemsize;
      sizes += (sizes.empty() ? "" : ", ") + name + " " + Str(size);
      if (size != v_.itemsize && *d.size_rule != '\0') {
        Add(d.size_rule, "under " + name + " the format's size is " + Str(size) +
                             " but itemsize is " + Str(v_.itemsize));
      }
    }
    if (beyond_limit && !some_size_matches) {
      NotChecked("FORMAT-SIZE", "not checked: a dialect's format model is beyond bufconf's limits");
    } else if (some_dialect_parses && !some_size_matches) {
      Add("FORMAT-SIZE", "itemsize is " + Str(v_.itemsize) +
                             " but no dialect gives the format that size (" + sizes + ")");
    }
  }

  // CONTIG-MEMORYVIEW: PyBuffer_IsContiguous and memoryview's flags disagree (an empty 1-D view
  // whose stride is not itemsize): memoryview refuses contiguous requests and casts on it.
  void CheckMemoryviewContiguity() {
    const MemoryviewContiguity mv = MemoryviewFlags(v_);
    const bool c = IsContiguous(v_, 'C'), f = IsContiguous(v_, 'F');
    if (mv.c != c || mv.f != f) {
      Add("CONTIG-MEMORYVIEW", std::string("PyBuffer_IsContiguous says C ") +
                                   (c ? "true" : "false") + ", F " + (f ? "true" : "false") +
                                   " but memoryview's c_contiguous/f_contiguous say " +
                                   (mv.c ? "true" : "false") + "/" + (mv.f ? "true" : "false") +
                                   " (a 1-D empty view: give it strides[0] == itemsize)");
    }
  }

  // Without memory: every element address must still be computable in 64 bits. For each run
  // of strided dimensions (up to and between dimensions with suboffsets >= 0), stride * (extent
  // - 1) and their sums must fit in int64, and for the first run buf + the lowest offset and
  // buf + the highest offset + itemsize must fit in the address space.
  void CheckAddressArithmetic() {
    FullView full;
    try {
      full = Expand(v_);
      if (ElementCount(full.shape) == 0) return;
    } catch (const std::exception&) {
      return;  // already reported by the field and LAYOUT-LEN rules
    }
    size_t from = 0;
    for (size_t i = 0; i <= full.shape.size(); ++i) {
      if (i < full.shape.size() && full.suboffsets[i] < 0) continue;
      // dimensions [from, i] are strided (i itself steps before its pointer load)
      const size_t to = std::min(i + 1, full.shape.size());
      try {
        const auto [lo, hi] = Reach(full, from, to);
        if (from == 0) {  // the bytes read at the far end: a pointer, or an element
          const int64_t width = i < full.shape.size() ? 8 : full.itemsize;
          Offset(full.buf, lo);
          Offset(full.buf, AddIndex(hi, width));
        }
      } catch (const MemoryFault& e) {
        Add("MEMORY-SPAN", "the element addresses overflow 64-bit arithmetic (strides, shape" +
                               std::string(from == 0 ? ", buf" : "") + " of dimensions " +
                               Str(int64_t(from)) + ".." + Str(int64_t(to) - 1) + "): " + e.what());
        return;
      }
      from = i + 1;
    }
  }

  void CheckMemory() {
    FullView full;
    try {
      full = Expand(v_);
    } catch (const std::invalid_argument&) {
      return;  // already reported by the field rules
    } catch (const MemoryFault& e) {
      Add("MEMORY-SPAN", std::string("the element addresses cannot be computed: ") + e.what());
      return;
    }
    int64_t count;
    try {
      count = ElementCount(full.shape);
    } catch (const MemoryFault&) {
      return;  // LAYOUT-LEN reported it
    }
    // The last dimension whose values are pointers; the dimensions after it are plain strides.
    size_t tail = 0;
    for (size_t i = 0; i < full.suboffsets.size(); ++i) {
      if (full.suboffsets[i] >= 0) tail = i + 1;
    }
    if (count == 0 && tail == 0) return;
    CheckAliasing(full, count);
    if (tail == 0) {
      const Region* block = m_->RegionOf(v_.buf);
      if (block != nullptr && v_.itemsize > 0 &&
          (v_.buf - block->base) % static_cast<uint64_t>(v_.itemsize) != 0) {
        Add("LAYOUT-OFFSET-MULTIPLE", "buf is " + Str(int64_t(v_.buf - block->base)) +
                                          " bytes into its block, not a multiple of itemsize");
      }
      CheckStridedSpan(full, full.buf, 0, /*walk_elements=*/false);
      return;
    }
    // Walk the index prefixes of dimensions 0..tail-1, as the C-API does: the pointers of every
    // prefix are loaded, even when a later dimension is empty, so they must all be readable and
    // lead into the declared memory. After the last pointer the remaining dimensions are strided:
    // their span is computed from its extremes. A dimension with stride 0 leads to the same
    // address for every index, so it is walked once.
    bool reported_alignment = false;
    std::function<bool(size_t, uint64_t)> walk = [&](size_t dim, uint64_t p) -> bool {
      if (dim == tail) return count == 0 || CheckStridedSpan(full, p, tail, true);
      const int64_t distinct =
          full.strides[dim] == 0 ? std::min<int64_t>(full.shape[dim], 1) : full.shape[dim];
      for (int64_t j = 0; j < distinct; ++j) {
        if (steps_ >= max_walk_) {
          exhausted_ = true;
          return false;
        }
        ++steps_;
        uint64_t q = Offset(p, MulIndex(full.strides[dim], j));
        if (full.suboffsets[dim] >= 0) {
          if (q % 8 != 0 && !reported_alignment) {
            Add("MEMORY-POINTER-ALIGNED", "a pointer of dimension " + Str(int64_t(dim)) +
                                              " is stored at an address that is not 8-aligned");
            reported_alignment = true;
          }
          if (!m_->Contains(q, 8)) {
            Add("MEMORY-POINTER", "the pointer for dimension " + Str(int64_t(dim)) +
                                      " is read outside the declared memory");
            return false;
          }
          q = Offset(m_->ReadPointer(q), full.suboffsets[dim]);
          if (!m_->Contains(q, 0)) {
            Add("MEMORY-POINTER", "a pointer of dimension " + Str(int64_t(dim)) +
                                      " plus its suboffset leads outside the declared memory");
            return false;
          }
        }
        if (!walk(dim + 1, q)) return false;
      }
      return true;
    };
    try {
      walk(0, full.buf);
    } catch (const MemoryFault& e) {
      Add("MEMORY-POINTER", e.what());
    }
    if (exhausted_) {
      NotChecked("MEMORY-POINTER",
                 "array-of-arrays view too large to walk (more than " + Str(max_walk_) +
                     " steps over the index prefixes up to the last dimension with a suboffset)");
      NotChecked("MEMORY-SPAN", "not walked: see MEMORY-POINTER");
    }
  }

  // MEMORY-SPAN for the elements at p + the offsets of the strided dimensions [from, ndim) (all
  // extents >= 1): the whole span inside one region. For the rows of an array-of-arrays view
  // (walk_elements), a span that is not inside one region is accepted when every element of it
  // is inside some region, as the statement of MEMORY-SPAN asks. False when it reported a
  // violation or ran out of steps.
  bool CheckStridedSpan(const FullView& full, uint64_t p, size_t from, bool walk_elements) {
    try {
      const auto [lo, hi] = Reach(full, from, full.shape.size());
      const uint64_t start = Offset(p, lo);
      const __int128 size = static_cast<__int128>(hi) - lo + full.itemsize;
      if (size <= static_cast<__int128>(INT64_MAX) &&
          m_->Contains(start, static_cast<uint64_t>(size))) {
        return true;
      }
      // The elements at the lowest and highest offsets exist: if either is outside, so is
      // the view, whatever the others.
      const bool extremes_inside =
          m_->Contains(start, static_cast<uint64_t>(full.itemsize)) &&
          m_->Contains(Offset(p, hi), static_cast<uint64_t>(full.itemsize));
      if (walk_elements && extremes_inside && size <= static_cast<__int128>(INT64_MAX)) {
        bool inside = true;
        std::vector<int64_t> shape(full.shape.begin() + static_cast<std::ptrdiff_t>(from),
                                   full.shape.end());
        const int64_t elements = ElementCount(shape);
        if (elements > max_walk_ - steps_) {  // steps_ <= max_walk_: no overflow
          exhausted_ = true;
          return false;
        }
        steps_ += elements;
        ForEachIndex(shape, 'C', [&](const std::vector<int64_t>& index) {
          uint64_t q = p;
          for (size_t k = 0; k < index.size(); ++k) {
            q = Offset(q, MulIndex(full.strides[from + k], index[k]));
          }
          inside = inside && m_->Contains(q, static_cast<uint64_t>(full.itemsize));
        });
        if (inside) return true;
        Add("MEMORY-SPAN", "an element lies outside the declared memory");
        return false;
      }
      Add("MEMORY-SPAN", "the elements span " + Str(int64_t(size > INT64_MAX ? -1 : size)) +
                             " bytes from " + (from == 0 ? "buf" : "a row pointer") +
                             (lo < 0 ? " - " + Str(-(lo + 1)) + " - 1" : "") +
                             ", not inside one declared region");
    } catch (const MemoryFault& e) {
      Add("MEMORY-SPAN", std::string("the span of the elements overflows: ") + e.what());
    }
    return false;
  }

  // MEMORY-OVERLAP-WRITABLE: a writable view whose elements share bytes. Views above
  // kMaxAliasingWalk elements are not walked for this PORTABILITY rule (sorting their addresses
  // would dominate the check; found by the descriptor fuzzer).
  void CheckAliasing(const FullView& full, int64_t count) {
    constexpr int64_t kMaxAliasingWalk = int64_t{1} << 16;
    if (v_.readonly != 0 || count < 2 || count > kMaxAliasingWalk || full.itemsize == 0) return;
    std::vector<uint64_t> addresses;
    try {
      addresses = ElementAddresses(full, *m_, 'C');
    } catch (const MemoryFault&) {
      return;  // MEMORY-POINTER reports it
    }
    std::sort(addresses.begin(), addresses.end());
    for (size_t i = 1; i < addresses.size(); ++i) {
      if (addresses[i] - addresses[i - 1] < static_cast<uint64_t>(full.itemsize)) {
        Add("MEMORY-OVERLAP-WRITABLE", "the view is writable but two elements share bytes");
        return;
      }
    }
  }

  const Descriptor& v_;
  const Memory* m_;
  const int64_t max_walk_;  // kMaxWalk unless a test asks for less
  bool structure_ok_ = true;
  int64_t steps_ = 0;       // pointer-walk steps taken, at most max_walk_
  bool exhausted_ = false;  // the walk needed more than max_walk_ steps
  std::vector<Violation> out_;
  std::vector<Violation> not_checked_;
};

}  // namespace

Validation ValidateWithCoverage(const Descriptor& view, const Memory* memory, int64_t max_walk) {
  return Checker(view, memory, max_walk).Run();
}

std::vector<Violation> Validate(const Descriptor& view, const Memory* memory) {
  return ValidateWithCoverage(view, memory).violations;
}

const std::vector<std::string>& CheckedRules() {
  static const std::vector<std::string> kRules = {"FIELDS-NDIM-RANGE",
                                                  "FIELDS-SCALAR-NULLS",
                                                  "FIELDS-ARRAY-LENGTH",
                                                  "FIELDS-SHAPE-PRESENT-STRIDES",
                                                  "FIELDS-SUBOFFSETS-NEED-STRIDES",
                                                  "FIELDS-SHAPE-NONNEG",
                                                  "FIELDS-READONLY-BOOL",
                                                  "FIELDS-ITEMSIZE-NONNEG",
                                                  "FIELDS-LEN-NONNEG",
                                                  "FIELDS-BUF-NONNULL",
                                                  "FORMAT-PARSES-STRUCT",
                                                  "FORMAT-PARSES-NUMPY",
                                                  "MEMORY-POINTER-ALIGNED",
                                                  "MEMORY-OVERLAP-WRITABLE",
                                                  "LAYOUT-OFFSET-MULTIPLE",
                                                  "FIELDS-ITEMSIZE-POSITIVE",
                                                  "LAYOUT-LEN",
                                                  "LAYOUT-SUBOFFSETS-ALL-NEGATIVE-NULL",
                                                  "LAYOUT-STRIDES-MULTIPLE",
                                                  "FORMAT-PARSES",
                                                  "FORMAT-SIZE",
                                                  "FORMAT-SIZE-STRUCT",
                                                  "FORMAT-SIZE-NUMPY",
                                                  "MEMORY-SPAN",
                                                  "MEMORY-POINTER",
                                                  "CONTIG-MEMORYVIEW"};
  return kRules;
}

}  // namespace bufconf::layout
