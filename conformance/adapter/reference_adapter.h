// The built-in adapter "reference": both sides of the ABI implemented by the reference model.
//
// Exporter side: make_exporter materializes the spec in real memory (real_layout.h); get_buffer
// answers every flags value as the request oracle (layout::Request) says, refusing what it must
// or may refuse (like memoryview); enumerate gives three fixed exporters with expected contents.
// References: each exporter has a reference count (1, its own, plus one per live view, whose obj
// names it); release_buffer acts as PyBuffer_Release (the adapter declares VIA_INTERPRETER).
// fill_info is the model of PyBuffer_FillInfo (reference/layout/fill_info.h).
// Consumer side (reference_consumers.cc): a fixed table of consumers, each requesting a view from
// the provider, reading a snapshot of it with the model and writing what the model says.
// Algorithm side: each function snapshots the view it is given (the regions it touches, found by
// walking it) and runs the model (IsContiguous, GetPointer, ToContiguous, FromContiguous, ...).
#ifndef BUFCONF_CONFORMANCE_ADAPTER_REFERENCE_ADAPTER_H_
#define BUFCONF_CONFORMANCE_ADAPTER_REFERENCE_ADAPTER_H_

#include <cstddef>
#include <vector>

#include "conformance/adapter/bufconf_adapter.h"

namespace bufconf::conformance {

// The adapter (static storage; never NULL).
const bufconf_adapter* ReferenceAdapter();

// The consumer side: the adapter's `consumer` and `consume` (reference_consumers.cc).
int ReferenceConsumer(void* ctx, size_t index, bufconf_consumer_info* info);
int ReferenceConsume(void* ctx, size_t index, const bufconf_provider* a, const bufconf_provider* b,
                     const bufconf_sink* out, char* message, size_t message_size);

// Moves a reference exporter's memory: the same layout and contents in fresh blocks, the old ones
// freed (what a realloc that moves does). BUFCONF_OK, or BUFCONF_ERROR with the message. The
// adapter's resize does it only when no export is live; the bug zoo calls it regardless.
int ReferenceReallocate(void* exporter, char* message, size_t message_size);

// The memory a real view touches, as disjoint regions sorted by address: for a strided view the
// span from its extremes (and [buf, buf + len) when it is contiguous), for suboffsets every pointer
// slot and (with `items`) every element the canonical loop reaches; a zero-size region at buf.
// The view is trusted (pointers are followed). Throws std::invalid_argument for a view whose
// fields cannot be read consistently.
std::vector<bufconf_region> TouchedRegions(const bufconf_buffer& view, bool items = true);

}  // namespace bufconf::conformance

#endif  // BUFCONF_CONFORMANCE_ADAPTER_REFERENCE_ADAPTER_H_
