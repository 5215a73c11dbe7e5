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
// view's (ArgumentError otherwise). A 0-d view gives its single element. memoryview.tolist of
// 3.11 accepts only one native code of "cbBhHiIlLqQnNfd?P" (optionally after '@'; no 'e') and
// gives the same values, a '?' as the truth of its byte (kept here as the byte itself).
format::Value ToList(const Descriptor& view, const Memory& memory,
                     format::Dialect dialect = format::Dialect::kPep3118);

// memoryview == of CPython 3.11 (Objects/memoryobject.c, memory_richcompare) on the two
// Py_buffers it compares (a memoryview's own view, or what PyBUF_FULL_RO gives for the other
// operand); docs/layouts.md lists every choice. In order:
// - ndim must be equal, and the extents equal up to and including the first 0 (equiv_shape:
//   (1, 0, 5) == (1, 0, 7)).
// - Formats (NULL: "B"; read up to the first NUL, as a C string) that are the same native code
//   of "cbBhHiIlLqQnNfd?P", optionally after '@': the fast path compares the code's native size
//   of bytes at every element, whatever the itemsize: float and double by value (NaN != NaN,
//   -0.0 == 0.0), every other code by its bytes ('?' 2 != '?' 1).
// - Otherwise the struct module: a format struct rejects makes the views unequal (even a view
//   and itself); each element is unpacked from `itemsize` bytes into a flat tuple and the tuples
//   compared with Python == (int vs float exactly, bool as 0/1, bytes only with bytes, 'p'
//   Pascal strings by their used bytes). An empty view needs no unpacking.
// Elements pair up in C order; the first unequal pair decides. Throws ArgumentError where == of
// CPython raises: an element to unpack when the struct size exceeds its view's itemsize
// (struct.error), or a '0p' field (SystemError).
bool MemoryviewEqual(const Descriptor& a, const Memory& a_memory, const Descriptor& b,
                     const Memory& b_memory);

// The model's own equality: same shape, and ToList values equal by bits and format codes (NaN
// equals itself, -0.0 != 0.0, 'B' 1 != 'b' 1). Not memoryview == (MemoryviewEqual is); used for
// properties that a layout change preserves the values exactly.
bool BitwiseEqual(const Descriptor& a, const Memory& a_memory, const Descriptor& b,
                  const Memory& b_memory);

}  // namespace bufconf::layout

#endif  // BUFCONF_REFERENCE_LAYOUT_MIRROR_H_
