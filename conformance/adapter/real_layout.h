// Buffer layouts in real memory, and the way back to the reference model.
//
// Materialize builds the physical layout a bufconf_array_spec asks for (C or Fortran order,
// slicing steps, PIL-style indirect dimensions) in fresh memory; Realize copies a virtual layout
// of the reference model (layout::Descriptor + layout::Memory, e.g. from layout_gen) into real
// memory; TakeSnapshot converts what an exporter handed out (a bufconf_buffer and the regions it
// declared) back into the reference model, with real addresses as the model's addresses.
#ifndef BUFCONF_CONFORMANCE_ADAPTER_REAL_LAYOUT_H_
#define BUFCONF_CONFORMANCE_ADAPTER_REAL_LAYOUT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "conformance/adapter/bufconf_adapter.h"
#include "reference/layout/descriptor.h"

namespace bufconf::conformance {

// Limits on what Materialize, Realize and TakeSnapshot accept.
inline constexpr size_t kMaxFormatLength = size_t{64} << 10;  // 64 KiB, without the NUL
inline constexpr uint64_t kMaxMemory = uint64_t{256} << 20;   // 256 MiB of blocks in all

// One block of real memory, 16-byte aligned (plus an optional phase), owned, between guard
// bytes: an implementation that writes outside the block's `size` bytes (by up to
// kGuardBytes) is seen by GuardsIntact.
class RealBlock {
 public:
  static constexpr size_t kGuardBytes = 64;  // on each side (a multiple of 16)
  static constexpr uint8_t kGuardByte = 0xCB;

  // `size` bytes filled with `fill`, starting `phase` (0..15) bytes after a 16-byte boundary.
  RealBlock(size_t size, size_t phase, uint8_t fill);
  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  // Whether every guard byte before and after the block still holds kGuardByte.
  bool GuardsIntact() const;

 private:
  struct Free {
    void operator()(void* p) const;
  };
  std::unique_ptr<void, Free> storage_;
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t total_ = 0;
};

// A buffer layout in real memory. `view`'s format, shape, strides and suboffsets point into
// storage this object owns (on the heap: moving the object keeps them valid).
struct RealLayout {
  RealLayout();
  RealLayout(const RealLayout&) = delete;
  RealLayout& operator=(const RealLayout&) = delete;
  RealLayout(RealLayout&&) = default;
  RealLayout& operator=(RealLayout&&) = default;
  ~RealLayout();

  bufconf_buffer view{};
  std::vector<bufconf_region> regions;  // one per block, pointer tables included
  std::vector<RealBlock> blocks;

  // Whether no byte next to any block was written (RealBlock::GuardsIntact).
  bool GuardsIntact() const;

  // Storage of the view's arrays.
  struct Fields {
    std::optional<std::string> format;
    std::vector<bufconf_ssize_t> shape, strides, suboffsets;
  };
  std::unique_ptr<Fields> fields;

  // Points view.format/shape/strides/suboffsets at `fields` (shape/strides empty with ndim 0 are
  // NULL; suboffsets NULL when empty).
  void BindFields(bool has_shape, bool has_strides, bool has_suboffsets);
};

// The physical layout `spec` asks for, in fresh memory, holding spec.items (C-order logical
// contents). Throws std::invalid_argument for an invalid spec (ndim outside 0..64, negative
// itemsize or extent, a format longer than 64 KiB, sizes that overflow or exceed 256 MiB of
// memory, items missing, items that differ along a dimension of step 0).
std::unique_ptr<RealLayout> Materialize(const bufconf_array_spec& spec);

// The same layout as `view` over `memory` (the reference model's virtual addresses) in real
// memory: one block per region, buf translated, and every pointer the canonical address loop
// dereferences rewritten to the real address of its target. Throws std::invalid_argument when
// the layout cannot be translated (a pointer whose target is in no region, a bogus descriptor).
std::unique_ptr<RealLayout> Realize(const layout::Descriptor& view, const layout::Memory& memory);

// What an exporter handed out, in the reference model (addresses are real addresses).
struct Snapshot {
  layout::Descriptor view;
  layout::Memory memory;
};

// Copies `view`'s fields (format up to 64 KiB; shape/strides/suboffsets only when 0 <= ndim <= 64,
// else left NULL for the checker to report FIELDS-NDIM-RANGE) and the bytes of the `n` regions
// (overlapping regions are merged; 256 MiB at most). Reads the view's arrays through its pointers
// (trusted) and item memory only through the regions. Throws std::invalid_argument for a format
// that is too long, a region with a NULL base or one that wraps the address space, or too much
// memory.
Snapshot TakeSnapshot(const bufconf_buffer& view, const bufconf_region* regions, size_t n);

// Only the fields (no memory) of `view`, as TakeSnapshot converts them.
layout::Descriptor DescriptorOf(const bufconf_buffer& view);

// The real address of a model address, and back.
inline uint64_t Address(const void* p) {
  return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p));
}
inline void* Pointer(uint64_t address) {
  return reinterpret_cast<void*>(static_cast<uintptr_t>(address));
}

}  // namespace bufconf::conformance

#endif  // BUFCONF_CONFORMANCE_ADAPTER_REAL_LAYOUT_H_
