// Contiguity exactly as CPython decides it.
#ifndef BUFCONF_REFERENCE_LAYOUT_CONTIGUITY_H_
#define BUFCONF_REFERENCE_LAYOUT_CONTIGUITY_H_

#include "reference/layout/descriptor.h"

namespace bufconf::layout {

// PyBuffer_IsContiguous(view, order) (Objects/abstract.c, bpo-22445): any non-NULL suboffsets
// (even all negative) is non-contiguous; len 0 is contiguous; NULL strides is C-contiguous (and
// Fortran-contiguous when at most one dimension has extent > 1); dimensions of extent <= 1 put
// no constraint on their stride. order 'A' is C or F; any other order is false.
// A descriptor on which CPython would read through NULL (strides without shape) is false.
bool IsContiguous(const Descriptor& view, char order);

// memoryview's c_contiguous / f_contiguous (Objects/memoryobject.c init_flags): as above except
// that a 1-D view is contiguous iff shape[0] == 1 or strides[0] == itemsize — so an empty 1-D
// view with another stride is not (CPython divergence, docs/layouts.md).
struct MemoryviewContiguity {
  bool c = false;
  bool f = false;
};
MemoryviewContiguity MemoryviewFlags(const Descriptor& view);

}  // namespace bufconf::layout

#endif  // BUFCONF_REFERENCE_LAYOUT_CONTIGUITY_H_
