#include "reference/layout/checker.h"

#include <algorithm>
#include <functional>

#include "reference/format/layout.h"
#include "reference/layout/addressing.h"

namespace bufconf::layout {
namespace {

std::string Str(int64_t v) { return std::to_string(v); }

// Elements beyond this many are not walked one by one (a strided view's span is computed from
// its extremes instead; an array-of-arrays view this large is reported as not checked).
constexpr int64_t kMaxWalk = int64_t{1} << 22;

class Checker {
 public:
  Checker(const Descriptor& v, const Memory* m) : v_(v), m_(m) {}

  std::vector<Violation> Run() {
    CheckFields();
    if (!structure_ok_) return out_;
    CheckLayout();
    CheckFormat();
    if (m_ != nullptr) CheckMemory();
    return out_;
  }

 private:
  void Add(const char* rule, std::string message) { out_.push_back({rule, std::move(message)}); }

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
        Add("LAYOUT-LEN", "product(shape) * itemsize exceeds PY_SSIZE_T_MAX");
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

  void CheckFormat() {
    if (!v_.format) return;  // NULL means "B"; itemsize keeps its value without PyBUF_FORMAT
    const format::FormatResult pep = format::AnalyzeFormat(*v_.format, format::Dialect::kPep3118);
    if (!pep.ok()) {
      Add("FORMAT-PARSES", "format does not parse at position " +
                               Str(int64_t(pep.error().position)) + ": " + pep.error().message);
    } else if (static_cast<int64_t>(pep.layout().itemsize) != v_.itemsize) {
      Add("FORMAT-SIZE", "the format's size is " + Str(int64_t(pep.layout().itemsize)) +
                             " but itemsize is " + Str(v_.itemsize));
    }
    const struct {
      format::Dialect dialect;
      const char* rule;
    } kPortable[] = {{format::Dialect::kStruct, "FORMAT-SIZE-STRUCT"},
                     {format::Dialect::kNumpy, "FORMAT-SIZE-NUMPY"}};
    for (const auto& p : kPortable) {
      const format::FormatResult r = format::AnalyzeFormat(*v_.format, p.dialect);
      if (!r.ok()) {
        Add(p.dialect == format::Dialect::kStruct ? "FORMAT-PARSES-STRUCT" : "FORMAT-PARSES-NUMPY",
            std::string("the ") + format::DialectName(p.dialect) +
                " dialect rejects the format: " + r.error().message);
      }
      if (r.ok() && static_cast<int64_t>(r.layout().itemsize) != v_.itemsize) {
        Add(p.rule, std::string("under ") + format::DialectName(p.dialect) +
                        " the format's size is " + Str(int64_t(r.layout().itemsize)) +
                        " but itemsize is " + Str(v_.itemsize));
      }
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
    const uint64_t itemsize = static_cast<uint64_t>(full.itemsize);
    int64_t count;
    try {
      count = ElementCount(full.shape);
    } catch (const MemoryFault&) {
      return;  // LAYOUT-LEN reported it
    }
    const bool indirect = std::any_of(full.suboffsets.begin(), full.suboffsets.end(),
                                      [](int64_t s) { return s >= 0; });
    if (count == 0 && !indirect) return;
    CheckAliasing(full, count);
    if (!indirect) {
      // The required span: buf + the most negative and most positive offsets of any element.
      try {
        int64_t lo = 0, hi = 0;
        for (size_t i = 0; i < full.shape.size(); ++i) {
          const int64_t reach = MulIndex(full.strides[i], full.shape[i] - 1);
          (reach < 0 ? lo : hi) = AddIndex(reach < 0 ? lo : hi, reach);
        }
        const uint64_t start = Offset(full.buf, lo);
        const __int128 size = static_cast<__int128>(hi) - lo + full.itemsize;
        const Region* block = m_->RegionOf(v_.buf);
        if (block != nullptr && v_.itemsize > 0 &&
            (v_.buf - block->base) % static_cast<uint64_t>(v_.itemsize) != 0) {
          Add("LAYOUT-OFFSET-MULTIPLE", "buf is " + Str(int64_t(v_.buf - block->base)) +
                                            " bytes into its block, not a multiple of itemsize");
        }
        if (size > static_cast<__int128>(INT64_MAX) ||
            !m_->Contains(start, static_cast<uint64_t>(size))) {
          Add("MEMORY-SPAN", "the elements span " + Str(int64_t(size > INT64_MAX ? -1 : size)) +
                                 " bytes from buf" +
                                 (lo < 0 ? " - " + Str(-(lo + 1)) + " - 1" : "") +
                                 ", not inside one declared region");
        }
      } catch (const MemoryFault& e) {
        Add("MEMORY-SPAN", std::string("the span of the elements overflows: ") + e.what());
      }
      return;
    }
    // Walk dimension by dimension, as the C-API does: the pointers of every index prefix are
    // loaded, even when a later dimension is empty, so they must all be readable and lead into
    // the declared memory; the elements (when there are any) must lie inside it.
    bool reported = false;
    bool reported_alignment = false;
    int64_t visits = 0;
    std::function<void(size_t, uint64_t)> walk = [&](size_t dim, uint64_t p) {
      if (reported || ++visits > kMaxWalk) return;
      if (dim == full.shape.size()) {
        if (!m_->Contains(p, itemsize)) {
          Add("MEMORY-SPAN", "an element lies outside the declared memory");
          reported = true;
        }
        return;
      }
      for (int64_t j = 0; j < full.shape[dim] && !reported && visits <= kMaxWalk; ++j) {
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
            reported = true;
            return;
          }
          q = Offset(m_->ReadPointer(q), full.suboffsets[dim]);
          if (!m_->Contains(q, 0)) {
            Add("MEMORY-POINTER", "a pointer of dimension " + Str(int64_t(dim)) +
                                      " plus its suboffset leads outside the declared memory");
            reported = true;
            return;
          }
        }
        walk(dim + 1, q);
      }
    };
    try {
      walk(0, full.buf);
    } catch (const MemoryFault& e) {
      Add("MEMORY-POINTER", e.what());
    }
    if (visits > kMaxWalk && !reported) {
      Add("MEMORY-SPAN", "array-of-arrays view too large to walk (more than " + Str(kMaxWalk) +
                             " index prefixes)");
    }
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
  bool structure_ok_ = true;
  std::vector<Violation> out_;
};

}  // namespace

std::vector<Violation> Validate(const Descriptor& view, const Memory* memory) {
  return Checker(view, memory).Run();
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
                                                  "MEMORY-POINTER"};
  return kRules;
}

}  // namespace bufconf::layout
