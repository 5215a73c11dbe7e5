// Where every element of a view is: the canonical element address of PEP 3118 (strides and
// suboffsets in any dimension, any number of levels deep), an element iterator in C and Fortran
// order, and contiguous strides.
#ifndef BUFCONF_REFERENCE_LAYOUT_ADDRESSING_H_
#define BUFCONF_REFERENCE_LAYOUT_ADDRESSING_H_

#include <cstdint>
#include <functional>
#include <vector>

#include "reference/layout/descriptor.h"

namespace bufconf::layout {

// A view with every field present, as a consumer reconstructs it (memoryobject.c
// init_shape_strides): NULL shape = len unsigned bytes, itemsize 1, as Doc/c-api/buffer.rst tells
// consumers (ndim 0: a scalar);
// NULL strides = C-contiguous strides; NULL suboffsets = no dereference (-1) in any dimension.
struct FullView {
  uint64_t buf = 0;
  int64_t itemsize = 1;
  std::vector<int64_t> shape;
  std::vector<int64_t> strides;
  std::vector<int64_t> suboffsets;
};
// Throws std::invalid_argument when the descriptor cannot be read consistently (ndim outside
// 0..64, shape/strides/suboffsets of another length than ndim, negative extent, itemsize < 0).
FullView Expand(const Descriptor& view);

// PyBuffer_FillContiguousStrides: C ('C', and any order but 'F') or Fortran ('F') strides.
std::vector<int64_t> FillContiguousStrides(const std::vector<int64_t>& shape, int64_t itemsize,
                                           char order);

// The number of elements: product(shape), 0 if any extent is 0. Throws on overflow.
int64_t ElementCount(const std::vector<int64_t>& shape);

// PyBuffer_GetPointer (PEP 3118 "canonical" loop): for each dimension, add stride * index, then,
// if suboffsets[i] >= 0, load the pointer stored there and add suboffsets[i]. Every pointer load
// is read through `memory` (MemoryFault outside it); every step is overflow-checked. Throws
// std::invalid_argument unless indices, strides and suboffsets each have one entry per dimension.
uint64_t GetPointer(const FullView& view, const Memory& memory,
                    const std::vector<int64_t>& indices);

// Calls fn(indices) for every index of `shape`, last index fastest ('C') or first ('F').
void ForEachIndex(const std::vector<int64_t>& shape, char order,
                  const std::function<void(const std::vector<int64_t>&)>& fn);

// The address of every element in C or Fortran order.
std::vector<uint64_t> ElementAddresses(const FullView& view, const Memory& memory, char order);

}  // namespace bufconf::layout

#endif  // BUFCONF_REFERENCE_LAYOUT_ADDRESSING_H_
