// A valid strided or array-of-arrays layout decoded from fuzz bytes (like the RapidCheck
// generators, but driven by libFuzzer's bytes): shape, itemsize, physical order, steps (negative,
// zero, odd pitches) and indirect dimensions, over memory that holds exactly what it needs.
#ifndef BUFCONF_FUZZ_RECIPE_H_
#define BUFCONF_FUZZ_RECIPE_H_

#include <cstddef>
#include <cstdint>

#include "reference/layout/descriptor.h"

namespace bufconf::fuzz {

bool LayoutFromRecipe(const uint8_t* data, size_t size, layout::Descriptor* view,
                      layout::Memory* memory);

}  // namespace bufconf::fuzz

#endif  // BUFCONF_FUZZ_RECIPE_H_
