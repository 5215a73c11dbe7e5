#include "reference/layout/contiguity.h"

#include <algorithm>

namespace bufconf::layout {
namespace {

// Dimensions to look at: ndim, but never past the shape or strides CPython would read.
size_t Dims(const Descriptor& v) {
  size_t n = static_cast<size_t>(std::clamp<int64_t>(v.ndim, 0, kMaxNdim));
  if (v.shape) n = std::min(n, v.shape->size());
  if (v.strides) n = std::min(n, v.strides->size());
  return n;
}

// The stride check shared by C and F: visiting dimensions in `order`, every dimension of extent
// > 1 has stride == itemsize * product(extents of the dimensions visited before it).
bool StridesAreContiguous(const Descriptor& v, bool fortran) {
  const size_t n = Dims(v);
  // itemsize * product(extents so far), exactly; once it leaves the int64 range no stride can
  // equal it (CPython's Py_ssize_t product would overflow there).
  __int128 expected = v.itemsize;
  bool beyond_int64 = false;
  for (size_t k = 0; k < n; ++k) {
    const size_t i = fortran ? k : n - 1 - k;
    const int64_t extent = (*v.shape)[i];
    if (extent > 1 && (beyond_int64 || (*v.strides)[i] != expected)) return false;
    if (!beyond_int64) {
      expected *= extent;  // |expected| <= 2**63 and |extent| <= 2**63: fits in __int128
      beyond_int64 = expected > INT64_MAX || expected < INT64_MIN;
    }
  }
  return true;
}

bool IsC(const Descriptor& v) {
  if (v.len == 0) return true;
  if (!v.strides) return true;
  if (!v.shape) return false;
  return StridesAreContiguous(v, /*fortran=*/false);
}

bool IsF(const Descriptor& v) {
  if (v.len == 0) return true;
  if (!v.strides) {
    if (v.ndim <= 1) return true;
    if (!v.shape) return false;
    size_t big = 0;
    for (size_t i = 0; i < Dims(v); ++i) big += (*v.shape)[i] > 1 ? 1 : 0;
    return big <= 1;
  }
  if (!v.shape) return false;
  return StridesAreContiguous(v, /*fortran=*/true);
}

}  // namespace

bool IsContiguous(const Descriptor& view, char order) {
  if (view.suboffsets) return false;
  switch (order) {
    case 'C':
      return IsC(view);
    case 'F':
      return IsF(view);
    case 'A':
      return IsC(view) || IsF(view);
    default:
      return false;
  }
}

MemoryviewContiguity MemoryviewFlags(const Descriptor& view) {
  if (view.suboffsets) return {false, false};
  if (view.ndim == 0) return {true, true};
  if (view.ndim == 1 && view.shape && !view.shape->empty()) {
    const bool contiguous = (*view.shape)[0] == 1 || !view.strides || view.strides->empty() ||
                            (*view.strides)[0] == view.itemsize;
    return {contiguous, contiguous};
  }
  return {IsContiguous(view, 'C'), IsContiguous(view, 'F')};
}

}  // namespace bufconf::layout
