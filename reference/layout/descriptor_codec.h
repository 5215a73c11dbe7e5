// A compact binary form of a descriptor and its memory, for fuzzing: every byte string decodes
// to *some* descriptor (or a clear error), and Encode(Decode(x)) decodes to the same thing, so
// libFuzzer's mutations and the structure-aware mutator (fuzz/) move between real layouts.
//
//   u8  ndim (0..64 as given; the decoder refuses more)        u8  presence bits:
//   zigzag varint: len, itemsize, readonly, buf                   1 shape, 2 strides,
//   [shape: ndim varints] [strides: ndim zigzag] [suboffsets]     4 suboffsets, 8 format
//   [format: varint length + bytes]
//   u8 region count (<= 8); per region: varint base, varint size (<= 64 KiB), bytes
#ifndef BUFCONF_REFERENCE_LAYOUT_DESCRIPTOR_CODEC_H_
#define BUFCONF_REFERENCE_LAYOUT_DESCRIPTOR_CODEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "reference/layout/descriptor.h"

namespace bufconf::layout {

struct CodecDescriptor {
  Descriptor view;
  Memory memory;
};

// Returns nullopt (with a message) for input that does not decode; never reads past `size`.
std::optional<CodecDescriptor> DecodeDescriptor(const uint8_t* data, size_t size,
                                                std::string* error = nullptr);
std::vector<uint8_t> EncodeDescriptor(const Descriptor& view, const Memory& memory);

}  // namespace bufconf::layout

#endif  // BUFCONF_REFERENCE_LAYOUT_DESCRIPTOR_CODEC_H_
