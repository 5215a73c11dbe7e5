// What every fuzz target checks. A violated expectation calls Fail(), which aborts: libFuzzer
// saves the input, and the replay tests (fuzz/replay_main.cc, //fuzz:<target>_replay) keep it
// fixed afterwards.
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

// The checker, contiguity and the request oracle (the usual flags, and `flags` when it is not -1)
// on any descriptor; on one the checker calls valid (no MUST rule broken, memory declared), the
// model's self-consistency: every element and pointer read inside the declared memory, C and F
// iteration visit the same elements, the iterator's addresses equal GetPointer of every index,
// ToContiguous(order) equals the items along ElementAddresses(order) concatenated, to/from
// contiguous round-trips, tolist decodes.
void CheckDescriptor(const layout::Descriptor& view, const layout::Memory* memory, int flags = -1);

// The checker walks every index prefix of an array-of-arrays view (up to 2^22 of them, checker.cc
// kMaxWalk): seconds under ASan for a view like 4096 x 4096 x 0. While fuzzing such views are
// skipped (WithinWalkBudget false: more than kWalkBudget prefixes), so the fuzzer spends its
// time elsewhere; the replay tests call SetExhaustive(true) and check them all.
inline constexpr uint64_t kWalkBudget = uint64_t{1} << 16;
bool WithinWalkBudget(const layout::Descriptor& view);
void SetExhaustive(bool exhaustive);

}  // namespace bufconf::fuzz

#endif  // BUFCONF_FUZZ_FUZZ_CHECKS_H_
