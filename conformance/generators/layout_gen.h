// RapidCheck generators of buffer layouts for the layout reference model's properties.
//
// Every layout is built valid by construction (never filtered), so it shrinks towards small
// shapes: a descriptor plus the memory it points into (random bytes at a random base address).
// Strided layouts cover C, Fortran and permuted physical orders, slices, negative and zero
// strides and strides that are not multiples of the itemsize; ArrayOfArrays turns one into an
// equivalent PIL-style layout with suboffsets in any dimensions, any number of levels deep.
#ifndef BUFCONF_CONFORMANCE_GENERATORS_LAYOUT_GEN_H_
#define BUFCONF_CONFORMANCE_GENERATORS_LAYOUT_GEN_H_

#include <rapidcheck.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "reference/layout/descriptor.h"

namespace bufconf::gen {

// A descriptor and the memory it points into (the descriptor's addresses are in `memory`).
struct Layout {
  layout::Descriptor view;
  layout::Memory memory;
};

// A readable rendering: fields of the descriptor and the regions of memory (not their bytes).
std::string Describe(const Layout& layout);
void showValue(const Layout& layout, std::ostream& os);  // for RapidCheck counterexamples

struct LayoutGenOptions {
  int max_ndim = 4;             // usually; sometimes up to max_rare_ndim
  int max_rare_ndim = 8;        //
  int64_t max_elements = 2000;  // product(shape) stays at or below this
  bool zero_strides = true;     // broadcast dimensions (stride 0) allowed
};

// A strided layout (suboffsets NULL): ndim 0..8, extents 0..5, itemsize 1, 2, 3, 4, 8 or 16 with
// a matching format ("B", "h", "3s", "i", "q", "16s"; NULL sometimes for itemsize 1); strides NULL
// sometimes when they are the C strides; readonly random; len = product(shape) * itemsize.
rc::Gen<Layout> StridedLayout(LayoutGenOptions options = {});

// A strided layout of the given shape and itemsize (and format), in fresh memory of its own.
rc::Gen<Layout> StridedLayoutOfShape(const std::vector<int64_t>& shape, int64_t itemsize,
                                     const std::optional<std::string>& format,
                                     LayoutGenOptions options = {});

// The C-contiguous layout with the same shape, itemsize and format as `view`, in fresh memory
// filled with `fill` (strides present).
Layout ContiguousLike(const layout::Descriptor& view, uint8_t fill);

// How to make a strided layout indirect.
struct IndirectPlan {
  std::vector<size_t> dims;            // dimensions that dereference, strictly increasing
  std::vector<int64_t> suboffsets;     // one per entry of dims, >= 0
  std::vector<int64_t> entry_pitches;  // one per entry of dims: bytes between pointers, >= 8
  int64_t unused_suboffset = -1;       // the (negative) suboffset of the other dimensions
};

// An equivalent array-of-arrays layout: the same logical contents (the elements stay where they
// are in `strided`'s memory), reached through tables of 8-byte little-endian pointers (one region
// "pointers level k" per dereferencing dimension). Each table entry points at its sub-array
// minus the suboffset. With no dims, the suboffsets are all negative (redundant). A 0-d layout is
// returned unchanged.
Layout MakeIndirect(const Layout& strided, const IndirectPlan& plan);

// A random plan for `strided` (the last dimension and several levels included) applied to it.
rc::Gen<Layout> ArrayOfArrays(const Layout& strided);

// `n` random bytes (drawn as a seed, so large buffers are cheap and shrink at once).
rc::Gen<std::vector<uint8_t>> RandomBytes(size_t n);

// A request flags value: named PyBUF_* combinations, mostly; sometimes illegal bits (PyBUF_READ,
// PyBUF_WRITE, a contiguity bit without PyBUF_STRIDES, unknown bits).
rc::Gen<int> RequestFlags();

}  // namespace bufconf::gen

#endif  // BUFCONF_CONFORMANCE_GENERATORS_LAYOUT_GEN_H_
