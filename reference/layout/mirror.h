// Contiguous mirroring and the logical contents of a view.
#ifndef BUFCONF_REFERENCE_LAYOUT_MIRROR_H_
#define BUFCONF_REFERENCE_LAYOUT_MIRROR_H_

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "reference/format/dialect.h"
#include "reference/format/value.h"
#include "reference/layout/descriptor.h"

namespace bufconf::layout {

// A call the C-API would refuse (ValueError / BufferError in CPython).
class ArgumentError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// PyBuffer_ToContiguous(buf, view, len, order): `len` must equal view.len (else ArgumentError).
// A view that is contiguous in `order` is copied as is (memcpy of len bytes from buf); otherwise
// its elements in C order ('C', 'A') or Fortran order ('F'). Every element read is checked.
std::vector<uint8_t> ToContiguous(const Descriptor& view, const Memory& memory, int64_t len,
                                  char order);

// PyBuffer_FromContiguous(view, buf, len, order), with one difference: a length other than
// view.len is an ArgumentError (CPython silently clamps it; docs/layouts.md). A view contiguous
// in `order` is written as is; otherwise element by element in Fortran order ('F') or C order
// ('C', 'A'). 'A' is therefore the physical order when the view is C- or F-contiguous.
void FromContiguous(const Descriptor& view, Memory& memory, const std::vector<uint8_t>& bytes,
                    char order);

// PyObject_CopyData(dest, src) on the logical contents: same shape and itemsize required
// (ArgumentError otherwise); correct when the two views overlap.
void CopyData(const Descriptor& dest, Memory& dest_memory, const Descriptor& src,
              const Memory& src_memory);

// The values of every element (like memoryview.tolist()): nested arrays by shape, each element
// decoded through its format (NULL: "B") in `dialect`; the format's itemsize must equal the
// view's (ArgumentError otherwise). A 0-d view gives its single element.
format::Value ToList(const Descriptor& view, const Memory& memory,
                     format::Dialect dialect = format::Dialect::kPep3118);

// Logical equality (memoryview ==): same ndim and shape, and equal element values compared by
// bits (NaN equals itself, unlike memoryview; docs/layouts.md).
bool LogicallyEqual(const Descriptor& a, const Memory& a_memory, const Descriptor& b,
                    const Memory& b_memory);

}  // namespace bufconf::layout

#endif  // BUFCONF_REFERENCE_LAYOUT_MIRROR_H_
