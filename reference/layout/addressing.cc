#include "reference/layout/addressing.h"

#include <stdexcept>
#include <string>

namespace bufconf::layout {

FullView Expand(const Descriptor& v) {
  if (v.ndim < 0 || v.ndim > kMaxNdim) {
    throw std::invalid_argument("ndim " + std::to_string(v.ndim) + " is outside 0..64");
  }
  if (v.itemsize < 0) throw std::invalid_argument("itemsize is negative");
  const size_t n = static_cast<size_t>(v.ndim);
  FullView f;
  f.buf = v.buf;
  f.itemsize = v.itemsize;
  if (v.shape) {
    if (v.shape->size() != n) throw std::invalid_argument("shape does not have ndim entries");
    f.shape = *v.shape;
    for (int64_t extent : f.shape) {
      if (extent < 0) throw std::invalid_argument("shape has a negative extent");
    }
  } else if (n > 0) {
    if (v.strides) throw std::invalid_argument("strides without shape");
    // A SIMPLE-style buffer (LAYOUT-LEN-SIMPLE): buffer.rst, "the consumer must disregard
    // itemsize and assume itemsize == 1": len unsigned bytes.
    f.itemsize = 1;
    f.shape = {v.len};
  }
  const size_t dims = f.shape.size();
  if (v.strides) {
    if (v.strides->size() != dims)
      throw std::invalid_argument("strides does not have ndim entries");
    f.strides = *v.strides;
  } else {
    f.strides = FillContiguousStrides(f.shape, f.itemsize, 'C');
  }
  if (v.suboffsets) {
    if (v.suboffsets->size() != dims) {
      throw std::invalid_argument("suboffsets does not have ndim entries");
    }
    f.suboffsets = *v.suboffsets;
  } else {
    f.suboffsets.assign(dims, -1);
  }
  return f;
}

std::vector<int64_t> FillContiguousStrides(const std::vector<int64_t>& shape, int64_t itemsize,
                                           char order) {
  std::vector<int64_t> strides(shape.size());
  int64_t sd = itemsize;
  for (size_t k = 0; k < shape.size(); ++k) {
    const size_t i = order == 'F' ? k : shape.size() - 1 - k;
    strides[i] = sd;
    sd = MulIndex(sd, shape[i]);
  }
  return strides;
}

int64_t ElementCount(const std::vector<int64_t>& shape) {
  for (int64_t extent : shape) {
    if (extent == 0) return 0;
  }
  int64_t n = 1;
  for (int64_t extent : shape) n = MulIndex(n, extent);
  return n;
}

uint64_t GetPointer(const FullView& view, const Memory& memory,
                    const std::vector<int64_t>& indices) {
  if (indices.size() != view.shape.size() || view.strides.size() != view.shape.size() ||
      view.suboffsets.size() != view.shape.size()) {
    throw std::invalid_argument("GetPointer: " + std::to_string(indices.size()) +
                                " indices for a view of " + std::to_string(view.shape.size()) +
                                " dimensions (strides " + std::to_string(view.strides.size()) +
                                ", suboffsets " + std::to_string(view.suboffsets.size()) + ")");
  }
  uint64_t p = view.buf;
  for (size_t i = 0; i < view.shape.size(); ++i) {
    p = Offset(p, MulIndex(view.strides[i], indices[i]));
    if (view.suboffsets[i] >= 0) p = Offset(memory.ReadPointer(p), view.suboffsets[i]);
  }
  return p;
}

void ForEachIndex(const std::vector<int64_t>& shape, char order,
                  const std::function<void(const std::vector<int64_t>&)>& fn) {
  const int64_t count = ElementCount(shape);
  std::vector<int64_t> index(shape.size(), 0);
  const size_t n = shape.size();
  for (int64_t e = 0; e < count; ++e) {
    fn(index);
    // Odometer increment: the fastest index first.
    for (size_t k = 0; k < n; ++k) {
      const size_t i = order == 'F' ? k : n - 1 - k;
      if (++index[i] < shape[i]) break;
      index[i] = 0;
    }
  }
}

std::vector<uint64_t> ElementAddresses(const FullView& view, const Memory& memory, char order) {
  std::vector<uint64_t> out;
  ForEachIndex(view.shape, order, [&](const std::vector<int64_t>& index) {
    out.push_back(GetPointer(view, memory, index));
  });
  return out;
}

}  // namespace bufconf::layout
