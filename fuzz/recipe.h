// A valid strided or array-of-arrays layout decoded from fuzz bytes (like the RapidCheck
// generators, but driven by libFuzzer's bytes), over memory that holds exactly what it needs:
//
//   item kind (B h i q 3s Zd T{...}), ndim (0..5), extents (0..4; at most 1,024 elements),
//   a physical order of the dimensions, a step per dimension (1, 2, -1, -2, 0, 3), a padding per
//   element (odd strides), slack after each block, readonly, an option byte, the indirect
//   dimensions (a bit mask: any dimension, any number of levels), a suboffset per indirect
//   dimension, then the item bytes.
//
// Every indirect dimension ends a group of dimensions whose elements are pointers: each index
// prefix up to it holds a pointer to its own sub-array (rows, planes, items), which lie in
// separate regions (option bit 0) or one after the other in one region per level; pointer tables
// are 8-aligned. Option bit 1 leaves strides NULL (and, for a 1-d 'B' view, shape too) when the
// layout is C-contiguous; bit 2 leaves a 'B' format NULL. Regions are placed one after another
// from 0x10000 with a page between them, so no block, however large, reaches another.
#ifndef BUFCONF_FUZZ_RECIPE_H_
#define BUFCONF_FUZZ_RECIPE_H_

#include <cstddef>
#include <cstdint>

#include "reference/layout/descriptor.h"

namespace bufconf::fuzz {

// False when the recipe asks for too much (more than 1,024 elements or 4 MiB of memory). `used`
// (optional): how many input bytes the recipe took (the rest is left to the caller).
bool LayoutFromRecipe(const uint8_t* data, size_t size, layout::Descriptor* view,
                      layout::Memory* memory, size_t* used = nullptr);

}  // namespace bufconf::fuzz

#endif  // BUFCONF_FUZZ_RECIPE_H_
