// Fuzz target: the reference model's self-consistency on valid strided and array-of-arrays
// layouts built from the input (fuzz/recipe.h).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_checks.h"
#include "fuzz/recipe.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bufconf::layout::Descriptor view;
  bufconf::layout::Memory memory;
  if (!bufconf::fuzz::LayoutFromRecipe(data, size, &view, &memory)) return 0;
  bufconf::fuzz::CheckDescriptor(view, &memory);
  return 0;
}
