#include "conformance/adapter/real_layout.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

#include "reference/layout/addressing.h"

namespace bufconf::conformance {
namespace {

using layout::Descriptor;
using layout::Memory;
using layout::Region;

constexpr int64_t kPointerSize = 8;  // the reference ABI: 8-byte little-endian pointers

[[noreturn]] void InvalidSpec(const std::string& message) {
  throw std::invalid_argument("invalid array spec: " + message);
}

int64_t SpecMul(int64_t a, int64_t b, const char* what) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) InvalidSpec(std::string(what) + " overflows");
  return r;
}

int64_t SpecAdd(int64_t a, int64_t b, const char* what) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) InvalidSpec(std::string(what) + " overflows");
  return r;
}

void PutPointer(uint8_t* at, uint64_t value) {
  for (int i = 0; i < 8; ++i) at[i] = static_cast<uint8_t>(value >> (8 * i));
}

uint64_t LoadPointer(const uint8_t* at) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | at[i];
  return v;
}

std::string FormatCopy(const char* format, const char* what) {
  const size_t n = strnlen(format, kMaxFormatLength + 1);
  if (n > kMaxFormatLength) {
    throw std::invalid_argument(std::string(what) + " is longer than 64 KiB (no NUL in its first " +
                                std::to_string(kMaxFormatLength + 1) + " bytes)");
  }
  return std::string(format, n);
}

// The address of element `index` of a real view by the canonical loop (the view is trusted).
uint8_t* RealElement(const bufconf_buffer& v, const std::vector<int64_t>& index) {
  uint64_t p = Address(v.buf);
  for (size_t i = 0; i < index.size(); ++i) {
    p += static_cast<uint64_t>(v.strides[i] * index[i]);
    if (v.suboffsets != nullptr && v.suboffsets[i] >= 0) {
      p = LoadPointer(static_cast<const uint8_t*>(Pointer(p))) +
          static_cast<uint64_t>(v.suboffsets[i]);
    }
  }
  return static_cast<uint8_t*>(Pointer(p));
}

// Logical index of physical position b (0 <= b < base extent) of a dimension with this extent
// and step, or -1 when no logical element is there.
int64_t LogicalIndex(int64_t b, int64_t extent, int64_t step) {
  if (extent == 0) return -1;
  if (step == 0) return b == 0 ? 0 : -1;
  const int64_t a = step < 0 ? -step : step;
  if (b % a != 0) return -1;
  return step > 0 ? b / a : extent - 1 - b / a;
}

}  // namespace

void RealBlock::Free::operator()(void* p) const { std::free(p); }

RealBlock::RealBlock(size_t size, size_t phase, uint8_t fill) {
  phase %= 16;
  if (size > kMaxMemory) throw std::bad_alloc();
  total_ = (kGuardBytes + phase + size + kGuardBytes + 15) / 16 * 16;
  void* p = std::aligned_alloc(16, total_);
  if (p == nullptr) throw std::bad_alloc();
  storage_.reset(p);
  std::memset(p, kGuardByte, total_);
  data_ = static_cast<uint8_t*>(p) + kGuardBytes + phase;
  if (size > 0) std::memset(data_, fill, size);
  size_ = size;
}

bool RealBlock::GuardsIntact() const {
  const uint8_t* begin = static_cast<const uint8_t*>(storage_.get());
  const uint8_t* end = begin + total_;
  const auto intact = [](const uint8_t* from, const uint8_t* to) {
    return std::all_of(from, to, [](uint8_t b) { return b == kGuardByte; });
  };
  return intact(begin, data_) && intact(data_ + size_, end);
}

bool RealLayout::GuardsIntact() const {
  return std::all_of(blocks.begin(), blocks.end(),
                     [](const RealBlock& b) { return b.GuardsIntact(); });
}

RealLayout::RealLayout() : fields(std::make_unique<Fields>()) {
  // Non-NULL data() even when empty (a 0-d view may have a non-NULL, empty shape).
  fields->shape.reserve(1);
  fields->strides.reserve(1);
  fields->suboffsets.reserve(1);
}

RealLayout::~RealLayout() = default;

void RealLayout::BindFields(bool has_shape, bool has_strides, bool has_suboffsets) {
  view.format = fields->format ? fields->format->data() : nullptr;
  view.shape = has_shape ? fields->shape.data() : nullptr;
  view.strides = has_strides ? fields->strides.data() : nullptr;
  view.suboffsets = has_suboffsets ? fields->suboffsets.data() : nullptr;
}

std::unique_ptr<RealLayout> Materialize(const bufconf_array_spec& spec) {
  if (spec.ndim < 0 || spec.ndim > layout::kMaxNdim) {
    InvalidSpec("ndim " + std::to_string(spec.ndim) + " is outside 0..64");
  }
  if (spec.itemsize < 0) InvalidSpec("itemsize " + std::to_string(spec.itemsize) + " is negative");
  const size_t n = static_cast<size_t>(spec.ndim);
  if (n > 0 && spec.shape == nullptr) InvalidSpec("shape is NULL but ndim is " + std::to_string(n));
  const int64_t itemsize = spec.itemsize;
  std::vector<int64_t> shape(n), steps(n, 1);
  std::vector<bool> indirect(n, false);
  for (size_t i = 0; i < n; ++i) {
    shape[i] = spec.shape[i];
    if (shape[i] < 0) InvalidSpec("shape[" + std::to_string(i) + "] is negative");
    if (spec.steps != nullptr) steps[i] = spec.steps[i];
    if (steps[i] == INT64_MIN) InvalidSpec("steps[" + std::to_string(i) + "] overflows");
    if (spec.indirect != nullptr) {
      if (spec.indirect[i] > 1) InvalidSpec("indirect[" + std::to_string(i) + "] is not 0 or 1");
      indirect[i] = spec.indirect[i] == 1;
    }
  }
  int64_t count = 1;
  for (int64_t extent : shape) count = SpecMul(count, extent, "the number of items");
  const int64_t len = SpecMul(count, itemsize, "len (items * itemsize)");
  if (static_cast<uint64_t>(len) > kMaxMemory) InvalidSpec("the items exceed 256 MiB");
  if (len > 0 && spec.items == nullptr) InvalidSpec("items is NULL");

  auto out = std::make_unique<RealLayout>();
  if (spec.format != nullptr) out->fields->format = FormatCopy(spec.format, "format");

  // The larger parent array the spec's steps slice: base extents, then contiguous strides.
  std::vector<int64_t> base(n), pitch(n), data_strides(n);
  for (size_t i = 0; i < n; ++i) {
    const int64_t a = steps[i] < 0 ? -steps[i] : steps[i];
    base[i] = (shape[i] == 0 || a == 0)
                  ? 1
                  : SpecAdd(SpecMul(shape[i] - 1, a, "the parent array"), 1, "the parent array");
  }
  const bool fortran = (spec.layout & BUFCONF_LAYOUT_FORTRAN) != 0;
  // An empty array has an empty parent: its strides are the parent's (numpy's for the same
  // shape), but no byte is allocated, however large its other extents ((2**58, 0)). Not with
  // pointer tables: their pointers lead into the parent even when no element exists.
  bool any_indirect = false;
  for (size_t i = 0; i < n; ++i) any_indirect = any_indirect || indirect[i];
  const bool empty_parent = count == 0 && !any_indirect;
  int64_t acc = itemsize;
  for (size_t k = 0; k < n; ++k) {
    const size_t i = fortran ? k : n - 1 - k;
    pitch[i] = acc;
    acc = SpecMul(acc, base[i], "the parent array");
    if (!empty_parent && static_cast<uint64_t>(acc) > kMaxMemory) {
      InvalidSpec("the parent array exceeds 256 MiB");
    }
  }
  const int64_t data_bytes = empty_parent ? 0 : acc;
  int64_t data_offset = 0;
  for (size_t i = 0; i < n; ++i) {
    data_strides[i] = SpecMul(pitch[i], steps[i], "a stride");
    if (steps[i] < 0 && shape[i] > 0) data_offset += (shape[i] - 1) * -data_strides[i];
  }
  int64_t total = data_bytes;

  // Pointer tables: level k walks dimensions first[k]..dims[k] (C order, 8-byte entries).
  std::vector<size_t> dims, first;
  for (size_t i = 0; i < n; ++i) {
    if (indirect[i]) {
      first.push_back(dims.empty() ? 0 : dims.back() + 1);
      dims.push_back(i);
    }
  }
  const size_t m = dims.size();
  std::vector<int64_t> view_strides = data_strides;
  std::vector<int64_t> sub_bytes(m), sub_slots(m), sub_count(m), neg_offset(m), suboffset(m);
  for (size_t k = 0; k < m; ++k) {
    int64_t slots = 1;
    for (size_t i = dims[k] + 1; i-- > first[k];) {
      view_strides[i] = SpecMul(SpecMul(slots, kPointerSize, "a table"), steps[i], "a stride");
      slots = SpecMul(slots, base[i], "a pointer table");
      if (steps[i] < 0 && shape[i] > 0) neg_offset[k] += (shape[i] - 1) * -view_strides[i];
    }
    sub_slots[k] = slots;
    sub_bytes[k] = SpecMul(slots, kPointerSize, "a pointer table");
    sub_count[k] = k == 0 ? 1 : SpecMul(sub_count[k - 1], sub_slots[k - 1], "a pointer table");
    total = SpecAdd(total, SpecMul(sub_count[k], sub_bytes[k], "a pointer table"), "memory");
    if (static_cast<uint64_t>(total) > kMaxMemory) InvalidSpec("the layout exceeds 256 MiB");
    suboffset[k] = k % 2 == 0 ? 0 : 16;  // 16: pointers point 16 bytes before their sub-array
  }

  out->blocks.emplace_back(static_cast<size_t>(data_bytes), 0, 0xcd);
  for (size_t k = 0; k < m; ++k) {
    out->blocks.emplace_back(static_cast<size_t>(sub_count[k] * sub_bytes[k]), 0, 0);
  }
  const uint64_t data = Address(out->blocks[0].data());
  const uint64_t data_buf = data + static_cast<uint64_t>(data_offset);

  // Fill table level k, sub-table `sub`, for the logical prefix `prefix` (of first[k] indices;
  // `gap`: no logical element lies under it).
  std::function<void(size_t, int64_t, std::vector<int64_t>&, bool)> fill =
      [&](size_t k, int64_t sub, std::vector<int64_t>& prefix, bool gap) {
        uint8_t* table = out->blocks[1 + k].data() + sub * sub_bytes[k];
        std::vector<int64_t> b(dims[k] + 1 - first[k], 0);  // physical position, C order
        for (int64_t slot = 0; slot < sub_slots[k]; ++slot) {
          bool slot_gap = gap;
          const size_t before = prefix.size();
          for (size_t i = first[k]; i <= dims[k]; ++i) {
            const int64_t j = LogicalIndex(b[i - first[k]], shape[i], steps[i]);
            slot_gap = slot_gap || j < 0;
            prefix.push_back(j < 0 ? 0 : j);
          }
          uint64_t target;
          if (k + 1 == m) {
            target = data_buf;
            if (slot_gap) {
              target = data;
            } else {
              for (size_t i = 0; i <= dims[k]; ++i) {
                target += static_cast<uint64_t>(prefix[i] * data_strides[i]);
              }
            }
          } else {
            const int64_t child = sub * sub_slots[k] + slot;
            target = Address(out->blocks[2 + k].data()) +
                     static_cast<uint64_t>(child * sub_bytes[k + 1] + neg_offset[k + 1]);
            fill(k + 1, child, prefix, slot_gap);
          }
          PutPointer(table + slot * kPointerSize, target - static_cast<uint64_t>(suboffset[k]));
          prefix.resize(before);
          for (size_t i = b.size(); i-- > 0;) {  // odometer over the walked dimensions
            if (++b[i] < base[first[k] + i]) break;
            b[i] = 0;
          }
        }
      };
  if (m > 0) {
    std::vector<int64_t> prefix;
    fill(0, 0, prefix, false);
  }

  bufconf_buffer& v = out->view;
  v.buf = Pointer(m > 0 ? Address(out->blocks[1].data()) + static_cast<uint64_t>(neg_offset[0])
                        : data_buf);
  v.obj = nullptr;
  v.len = len;
  v.itemsize = itemsize;
  v.readonly = (spec.layout & BUFCONF_LAYOUT_READONLY) ? 1 : 0;
  v.ndim = spec.ndim;
  v.internal = nullptr;
  RealLayout::Fields& f = *out->fields;
  f.shape.assign(shape.begin(), shape.end());
  f.strides.assign(view_strides.begin(), view_strides.end());
  if (m > 0) {
    f.suboffsets.assign(n, -1);
    for (size_t k = 0; k < m; ++k) f.suboffsets[dims[k]] = suboffset[k];
  }
  out->BindFields(n > 0, n > 0, m > 0);
  for (const RealBlock& block : out->blocks) {
    out->regions.push_back(bufconf_region{block.data(), block.size()});
  }

  // Write the items through the view, then read them back: a step-0 dimension along which the
  // items differ cannot be represented.
  if (itemsize > 0 && count > 0) {
    const auto* items = static_cast<const uint8_t*>(spec.items);
    for (int pass = 0; pass < 2; ++pass) {
      int64_t e = 0;
      layout::ForEachIndex(shape, 'C', [&](const std::vector<int64_t>& index) {
        uint8_t* p = RealElement(v, index);
        const uint8_t* item = items + e++ * itemsize;
        if (pass == 0) {
          std::memcpy(p, item, static_cast<size_t>(itemsize));
        } else if (std::memcmp(p, item, static_cast<size_t>(itemsize)) != 0) {
          InvalidSpec("the items differ along a dimension of step 0");
        }
      });
    }
  }
  return out;
}

std::unique_ptr<RealLayout> Realize(const Descriptor& view, const Memory& memory) {
  layout::FullView full;
  int64_t count = 0;
  try {
    full = layout::Expand(view);
    count = layout::ElementCount(full.shape);
  } catch (const layout::MemoryFault& e) {
    throw std::invalid_argument(std::string("cannot realize the layout: ") + e.what());
  }
  uint64_t total = 0;
  for (const Region& r : memory.regions()) {
    total += r.bytes.size();
    if (total > kMaxMemory) throw std::invalid_argument("cannot realize more than 256 MiB");
  }
  auto out = std::make_unique<RealLayout>();
  const std::vector<Region>& regions = memory.regions();
  for (const Region& r : regions) {
    out->blocks.emplace_back(r.bytes.size(), static_cast<size_t>(r.base % 16), 0);
    if (!r.bytes.empty()) std::memcpy(out->blocks.back().data(), r.bytes.data(), r.bytes.size());
    out->regions.push_back(bufconf_region{out->blocks.back().data(), r.bytes.size()});
  }
  // The block holding virtual [address, address + size), or -1.
  // An address at the end of one region may be the start of the next (a PIL array's rows right
  // after its pointer table): a region the address lies strictly inside wins over one it ends.
  auto block_of = [&](uint64_t address, uint64_t size) -> long {
    long at_end = -1;
    for (size_t i = 0; i < regions.size(); ++i) {
      const Region& r = regions[i];
      if (address >= r.base && address <= r.end() && size <= r.end() - address) {
        if (address < r.end() || r.bytes.empty()) return static_cast<long>(i);
        if (at_end < 0) at_end = static_cast<long>(i);
      }
    }
    return at_end;
  };
  auto translate = [&](uint64_t address, long block) {
    return address - regions[static_cast<size_t>(block)].base +
           Address(out->blocks[static_cast<size_t>(block)].data());
  };

  bufconf_buffer& v = out->view;
  if (view.buf != 0) {
    long block = block_of(view.buf, 0);
    if (block < 0) {
      if (count > 0 || regions.empty()) {
        throw std::invalid_argument("cannot realize the layout: buf is in no region");
      }
      block = 0;  // an empty view: buf is never dereferenced; keep its offset from region 0
    }
    v.buf = Pointer(translate(view.buf, block));
  }

  // Rewrite every pointer the canonical loop loads (each slot once; values read from `memory`).
  std::map<uint64_t, uint64_t> rewrites;  // real slot address -> real pointer value
  const size_t n = full.shape.size();
  const bool indirect =
      std::any_of(full.suboffsets.begin(), full.suboffsets.end(), [](int64_t s) { return s >= 0; });
  if (indirect) {  // also for empty views: the C-API loads the pointers of every index prefix
    // loads[d]: whether the loop loads a pointer at dimension d or later (an indirect dimension
    // reached through extents > 0). Below that, addresses are never dereferenced and need not be
    // computed: in an empty view they may leave the address space (a negative stride before an
    // extent 0), which is legal.
    std::vector<bool> loads(n + 1, false);
    for (size_t d = n; d-- > 0;) {
      loads[d] = full.shape[d] > 0 && (full.suboffsets[d] >= 0 || loads[d + 1]);
    }
    try {
      std::function<void(size_t, uint64_t)> walk = [&](size_t dim, uint64_t p) {
        if (!loads[dim]) return;
        for (int64_t j = 0; j < full.shape[dim]; ++j) {
          uint64_t q = layout::Offset(p, layout::MulIndex(full.strides[dim], j));
          if (full.suboffsets[dim] >= 0) {
            const long slot_block = block_of(q, 8);
            if (slot_block < 0) throw layout::MemoryFault("a pointer slot is outside the regions");
            const uint64_t pointer = memory.ReadPointer(q);
            const uint64_t target = layout::Offset(pointer, full.suboffsets[dim]);
            const long target_block = block_of(target, 0);
            if (target_block < 0) {
              throw layout::MemoryFault("a pointer leads outside the regions");
            }
            rewrites[translate(q, slot_block)] = translate(pointer, target_block);
            q = target;
          }
          walk(dim + 1, q);
        }
      };
      walk(0, full.buf);
    } catch (const layout::MemoryFault& e) {
      throw std::invalid_argument(std::string("cannot realize the layout: ") + e.what());
    }
  }
  for (const auto& [slot, value] : rewrites) {
    PutPointer(static_cast<uint8_t*>(Pointer(slot)), value);
  }

  v.obj = nullptr;
  v.len = view.len;
  v.itemsize = view.itemsize;
  v.readonly = view.readonly;
  v.ndim = static_cast<int>(view.ndim);
  v.internal = nullptr;
  RealLayout::Fields& f = *out->fields;
  f.format = view.format;
  if (view.shape) f.shape.assign(view.shape->begin(), view.shape->end());
  if (view.strides) f.strides.assign(view.strides->begin(), view.strides->end());
  if (view.suboffsets) f.suboffsets.assign(view.suboffsets->begin(), view.suboffsets->end());
  out->BindFields(view.shape.has_value(), view.strides.has_value(), view.suboffsets.has_value());
  return out;
}

Descriptor DescriptorOf(const bufconf_buffer& view) {
  Descriptor d;
  d.buf = Address(view.buf);
  d.len = view.len;
  d.itemsize = view.itemsize;
  d.readonly = view.readonly;
  d.ndim = view.ndim;
  if (view.format != nullptr) d.format = FormatCopy(view.format, "the view's format");
  if (view.ndim >= 0 && view.ndim <= layout::kMaxNdim) {
    const size_t n = static_cast<size_t>(view.ndim);
    auto copy = [n](const bufconf_ssize_t* p) {
      return p == nullptr ? std::nullopt
                          : std::optional<std::vector<int64_t>>(std::in_place, p, p + n);
    };
    d.shape = copy(view.shape);
    d.strides = copy(view.strides);
    d.suboffsets = copy(view.suboffsets);
  }
  return d;
}

Snapshot TakeSnapshot(const bufconf_buffer& view, const bufconf_region* regions, size_t n) {
  Snapshot s;
  s.view = DescriptorOf(view);
  struct Span {
    uint64_t base, end;
  };
  std::vector<Span> spans;
  for (size_t i = 0; i < n; ++i) {
    const uint64_t base = Address(regions[i].base);
    uint64_t end;
    if (base == 0) {
      if (regions[i].size == 0) continue;
      throw std::invalid_argument("region " + std::to_string(i) + " has a NULL base");
    }
    if (__builtin_add_overflow(base, static_cast<uint64_t>(regions[i].size), &end)) {
      throw std::invalid_argument("region " + std::to_string(i) + " wraps the address space");
    }
    spans.push_back({base, end});
  }
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
    return a.base != b.base ? a.base < b.base : a.end < b.end;
  });
  std::vector<Span> merged;
  for (const Span& sp : spans) {
    // Overlap as Memory::AddRegion defines it.
    if (!merged.empty() && sp.base < merged.back().end && merged.back().base < sp.end) {
      merged.back().end = std::max(merged.back().end, sp.end);
    } else {
      merged.push_back(sp);
    }
  }
  uint64_t total = 0;
  for (const Span& sp : merged) {
    total += sp.end - sp.base;
    if (total > kMaxMemory) {
      throw std::invalid_argument("the regions hold more than 256 MiB");
    }
  }
  for (size_t i = 0; i < merged.size(); ++i) {
    Region r;
    r.base = merged[i].base;
    r.name = "region " + std::to_string(i);
    const auto* p = static_cast<const uint8_t*>(Pointer(merged[i].base));
    r.bytes.assign(p, p + (merged[i].end - merged[i].base));
    s.memory.AddRegion(std::move(r));
  }
  return s;
}

}  // namespace bufconf::conformance
