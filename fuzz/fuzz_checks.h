// What every fuzz target checks. A violated expectation calls Fail(), which aborts: libFuzzer
// saves the input, and the replay tests (fuzz/replay_test.cc) keep it fixed afterwards.
#ifndef BUFCONF_FUZZ_FUZZ_CHECKS_H_
#define BUFCONF_FUZZ_FUZZ_CHECKS_H_

#include <cstddef>
#include <cstdint>

#include "reference/layout/descriptor.h"

namespace bufconf::fuzz {

[[noreturn]] void Fail(const char* what);

// The format model on any bytes, in every dialect: an answer (layout or error with an in-range
// position), never a crash or hang; an accepted format printed and parsed again has the same
// layout; a small accepted layout decodes and encodes back.
void CheckFormat(const uint8_t* data, size_t size);

// The checker and contiguity on any descriptor; on one the checker calls valid (no MUST rule
// broken, memory declared), the model's self-consistency: every element and pointer read inside
// the declared memory, the iterator equals an independent walk, to/from contiguous round-trips,
// tolist decodes.
void CheckDescriptor(const layout::Descriptor& view, const layout::Memory* memory);

// A valid, small descriptor from the input (or false): the shared entry of the model and the
// differential targets. Bytes starting with '{' are the JSON form, others the binary codec.
bool DecodeInput(const uint8_t* data, size_t size, layout::Descriptor* view, layout::Memory* memory,
                 bool* has_memory);

}  // namespace bufconf::fuzz

#endif  // BUFCONF_FUZZ_FUZZ_CHECKS_H_
