// Fuzz target: the descriptor readers (JSON form and binary codec) and the checker on anything;
// the model's self-consistency on what the checker calls valid. A structure-aware mutator
// changes shape, strides, suboffsets, itemsize and format of decodable binary inputs.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "fuzz/fuzz_checks.h"
#include "reference/layout/descriptor_codec.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 1 << 17) return 0;
  bufconf::layout::Descriptor view;
  bufconf::layout::Memory memory;
  bool has_memory = false;
  if (!bufconf::fuzz::DecodeInput(data, size, &view, &memory, &has_memory)) return 0;
  bufconf::fuzz::CheckDescriptor(view, has_memory ? &memory : nullptr);
  return 0;
}

#ifdef BUFCONF_CUSTOM_MUTATOR
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  auto decoded = bufconf::layout::DecodeDescriptor(data, size);
  if (!decoded || seed % 4 == 0) return LLVMFuzzerMutate(data, size, max_size);
  bufconf::layout::Descriptor& v = decoded->view;
  const size_t n = static_cast<size_t>(v.ndim);
  const unsigned what = (seed >> 2) % 7;
  const size_t dim = n > 0 ? (seed >> 5) % n : 0;
  const int64_t delta = static_cast<int64_t>((seed >> 9) % 5) - 2;
  // Wrapping arithmetic: the mutated values may be anything, the mutator must not overflow.
  auto bump = [](int64_t& value, int64_t by) {
    value = static_cast<int64_t>(static_cast<uint64_t>(value) + static_cast<uint64_t>(by));
  };
  const int64_t unit = v.itemsize != 0 ? v.itemsize : 1;
  switch (what) {
    case 0:
      if (v.shape && n > 0) bump((*v.shape)[dim], delta);
      break;
    case 1:
      if (v.strides && n > 0)
        bump((*v.strides)[dim],
             static_cast<int64_t>(static_cast<uint64_t>(delta) * static_cast<uint64_t>(unit)));
      break;
    case 2:
      if (v.suboffsets) {
        v.suboffsets.reset();
      } else if (v.strides && n > 0) {
        v.suboffsets = std::vector<int64_t>(n, -1);
        (*v.suboffsets)[dim] = delta < 0 ? 0 : delta;
      }
      break;
    case 3:
      bump(v.itemsize, delta);
      break;
    case 4:
      bump(v.len, static_cast<int64_t>(static_cast<uint64_t>(delta) * static_cast<uint64_t>(unit)));
      break;
    case 5:
      v.readonly = !v.readonly;
      break;
    case 6:
      v.buf += static_cast<uint64_t>(delta);
      break;
  }
  const std::vector<uint8_t> encoded = bufconf::layout::EncodeDescriptor(v, decoded->memory);
  if (encoded.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, encoded.data(), encoded.size());
  return encoded.size();
}
#endif
