// Fuzz target: the format model in all three dialects (fuzz_checks.h CheckFormat).
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  bufconf::fuzz::CheckFormat(data, size);
  return 0;
}
