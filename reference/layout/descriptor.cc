#include "reference/layout/descriptor.h"

#include <iterator>
#include <string>

namespace bufconf::layout {
namespace {

std::string Hex(uint64_t v) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  do {
    s.insert(s.begin(), kDigits[v & 15]);
    v >>= 4;
  } while (v != 0);
  return "0x" + s;
}

}  // namespace

void Memory::AddRegion(Region region) {
  uint64_t end;
  if (__builtin_add_overflow(region.base, static_cast<uint64_t>(region.bytes.size()), &end)) {
    throw std::invalid_argument("region '" + region.name + "' wraps the address space");
  }
  // Two regions [b, e) and [r.base, r.end()) overlap iff b < r.end() && r.base < e. Among the
  // non-empty regions (disjoint, sorted by base) only the one with the greatest base < e can:
  // every earlier one ends at or before that one's base.
  auto conflict = [&](const Region& r) -> void {
    throw std::invalid_argument("region '" + region.name + "' overlaps region '" + r.name + "'");
  };
  auto after = nonempty_.lower_bound(end);
  if (after != nonempty_.begin()) {
    const Region& r = regions_[std::prev(after)->second];
    if (region.base < r.end()) conflict(r);
  }
  // An empty region [c, c) overlaps iff region.base < c < end.
  auto inside = empty_.upper_bound(region.base);
  if (inside != empty_.end() && inside->first < end) conflict(regions_[inside->second]);
  const bool empty = region.bytes.empty();
  const uint64_t base = region.base;
  regions_.push_back(std::move(region));
  (empty ? empty_ : nonempty_).emplace(base, regions_.size() - 1);
}

const Region* Memory::Find(uint64_t address, uint64_t size) const {
  // The non-empty region with the greatest base <= address: the only one that can hold a byte at
  // address, or (size 0) the one whose end is address.
  auto after = nonempty_.upper_bound(address);
  if (after != nonempty_.begin()) {
    const Region& r = regions_[std::prev(after)->second];
    if (address <= r.end() && size <= r.end() - address) return &r;
  }
  if (size == 0) {
    auto at = empty_.find(address);
    if (at != empty_.end()) return &regions_[at->second];
  }
  return nullptr;
}

bool Memory::Contains(uint64_t address, uint64_t size) const {
  return Find(address, size) != nullptr;
}

const uint8_t* Memory::Read(uint64_t address, uint64_t size) const {
  static const uint8_t kNothing = 0;
  if (size == 0) return &kNothing;  // reading no bytes reads no memory (an empty view at NULL)
  const Region* r = Find(address, size);
  if (r == nullptr) {
    throw MemoryFault("read of " + std::to_string(size) + " bytes at " + Hex(address) +
                      " is outside the exporter's memory");
  }
  return r->bytes.data() + (address - r->base);
}

uint8_t* Memory::Write(uint64_t address, uint64_t size) {
  return const_cast<uint8_t*>(Read(address, size));
}

uint64_t Memory::ReadPointer(uint64_t address) const {
  const uint8_t* p = Read(address, 8);
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

uint64_t Offset(uint64_t address, int64_t offset) {
  uint64_t r;
  bool overflow = offset >= 0 ? __builtin_add_overflow(address, static_cast<uint64_t>(offset), &r)
                              : __builtin_sub_overflow(address, -static_cast<uint64_t>(offset), &r);
  if (overflow)
    throw MemoryFault("address " + Hex(address) + " + " + std::to_string(offset) +
                      " leaves the address space");
  return r;
}

int64_t MulIndex(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) {
    throw MemoryFault(std::to_string(a) + " * " + std::to_string(b) + " overflows");
  }
  return r;
}

int64_t AddIndex(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) {
    throw MemoryFault(std::to_string(a) + " + " + std::to_string(b) + " overflows");
  }
  return r;
}

}  // namespace bufconf::layout
