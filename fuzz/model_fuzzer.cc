// Fuzz target: the reference model's self-consistency (fuzz_checks.h CheckDescriptor) on cases
// decoded from the input (fuzz/fuzz_input.h): a bufconf case file or descriptor JSON, else a
// recipe (fuzz/recipe.h: strided and array-of-arrays layouts valid by construction).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_checks.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 17)) return 0;
  bufconf::fuzz::FuzzCase f;
  if (!bufconf::fuzz::DecodeTargetInput(bufconf::fuzz::Target::kModel, data, size, &f)) return 0;
  bufconf::fuzz::CheckDescriptor(f.c.view, f.has_memory ? &f.c.memory : nullptr,
                                 f.flags.value_or(-1));
  return 0;
}
