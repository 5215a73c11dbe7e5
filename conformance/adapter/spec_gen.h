// Random bufconf_array_specs (with the storage they point into) for the adapter tests.
#ifndef BUFCONF_CONFORMANCE_ADAPTER_SPEC_GEN_H_
#define BUFCONF_CONFORMANCE_ADAPTER_SPEC_GEN_H_

#include <rapidcheck.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "conformance/adapter/bufconf_adapter.h"
#include "reference/layout/addressing.h"
#include "reference/layout/descriptor.h"

namespace bufconf::conformance {

// A spec and the arrays it points into.
struct OwnedSpec {
  std::string format;
  int64_t itemsize = 1;
  std::vector<bufconf_ssize_t> shape;
  std::vector<uint8_t> items;
  uint32_t layout = 0;
  std::vector<bufconf_ssize_t> steps;  // empty: NULL
  std::vector<uint8_t> indirect;       // empty: NULL

  bufconf_array_spec spec() const {
    bufconf_array_spec s{};
    s.format = format.c_str();
    s.itemsize = itemsize;
    s.ndim = static_cast<int>(shape.size());
    s.shape = shape.empty() ? nullptr : shape.data();
    s.items = items.data();
    s.layout = layout;
    s.steps = steps.empty() ? nullptr : steps.data();
    s.indirect = indirect.empty() ? nullptr : indirect.data();
    return s;
  }

  // The logical contents as a C-contiguous model layout (for ToList comparisons).
  layout::Descriptor ContiguousView() const {
    layout::Descriptor d;
    d.buf = 0x1000;
    d.itemsize = itemsize;
    d.ndim = static_cast<int64_t>(shape.size());
    d.len = static_cast<int64_t>(items.size());
    d.format = format;
    if (!shape.empty()) {
      d.shape = std::vector<int64_t>(shape.begin(), shape.end());
      d.strides = layout::FillContiguousStrides(*d.shape, itemsize, 'C');
    }
    return d;
  }
  layout::Memory ContiguousMemory() const {
    layout::Memory m;
    layout::Region r;
    r.base = 0x1000;
    r.bytes = items;
    r.name = "items";
    m.AddRegion(std::move(r));
    return m;
  }
};

inline void showValue(const OwnedSpec& s, std::ostream& os) {
  auto ints = [&](const char* name, const auto& v) {
    os << " " << name << "=(";
    for (size_t i = 0; i < v.size(); ++i) os << (i ? "," : "") << int64_t(v[i]);
    os << ")";
  };
  os << "format='" << s.format << "' itemsize=" << s.itemsize << " layout=" << s.layout;
  ints("shape", s.shape);
  if (!s.steps.empty()) ints("steps", s.steps);
  if (!s.indirect.empty()) ints("indirect", s.indirect);
}

// ndim 0..4, extents 0..4, itemsize 1, 2, 4, 8 or 3 ("B", "h", "i", "q", "3s"), C or Fortran
// order, readonly or not, steps (NULL, or each of -2, -1, 1, 2, 0) and indirect dimensions (NULL,
// or each 0 or 1); items random but equal along every dimension of step 0.
inline rc::Gen<OwnedSpec> ArraySpec() {
  return rc::gen::exec([] {
    OwnedSpec s;
    const int ndim = *rc::gen::inRange(0, 5);
    for (int i = 0; i < ndim; ++i) s.shape.push_back(*rc::gen::inRange(0, 5));
    static const int64_t kSizes[] = {1, 2, 4, 8, 3};
    static const char* const kFormats[] = {"B", "h", "i", "q", "3s"};
    const int kind = *rc::gen::inRange(0, 5);
    s.itemsize = kSizes[kind];
    s.format = kFormats[kind];
    s.layout = (*rc::gen::arbitrary<bool>() ? BUFCONF_LAYOUT_FORTRAN : 0u) |
               (*rc::gen::arbitrary<bool>() ? BUFCONF_LAYOUT_READONLY : 0u);
    if (ndim > 0 && *rc::gen::arbitrary<bool>()) {
      for (int i = 0; i < ndim; ++i)
        s.steps.push_back(*rc::gen::element<bufconf_ssize_t>(1, -1, 2, -2, 0));
    }
    if (ndim > 0 && *rc::gen::arbitrary<bool>()) {
      for (int i = 0; i < ndim; ++i) s.indirect.push_back(*rc::gen::inRange<uint8_t>(0, 2));
    }
    const std::vector<int64_t> shape(s.shape.begin(), s.shape.end());
    const int64_t count = layout::ElementCount(shape);
    s.items = *rc::gen::container<std::vector<uint8_t>>(static_cast<size_t>(count * s.itemsize),
                                                        rc::gen::arbitrary<uint8_t>());
    if (!s.steps.empty() && count > 0) {
      // Equal items along step-0 dimensions: copy each item from its index with those zeroed.
      const std::vector<int64_t> strides = layout::FillContiguousStrides(shape, 1, 'C');
      int64_t e = 0;
      layout::ForEachIndex(shape, 'C', [&](const std::vector<int64_t>& index) {
        int64_t from = 0;
        for (size_t i = 0; i < index.size(); ++i)
          from += s.steps[i] == 0 ? 0 : index[i] * strides[i];
        std::copy_n(s.items.begin() + from * s.itemsize, s.itemsize,
                    s.items.begin() + e * s.itemsize);
        ++e;
      });
    }
    return s;
  });
}

}  // namespace bufconf::conformance

#endif  // BUFCONF_CONFORMANCE_ADAPTER_SPEC_GEN_H_
