// A Py_buffer as data, and the memory behind it.
//
// Descriptor mirrors the fields of Py_buffer (Include/pybuffer.h), with NULL distinct from empty.
// Memory is the set of regions an exporter declares it owns (base address, contents); every read
// the reference model makes goes through Memory and is bounds-checked against those regions.
#ifndef BUFCONF_REFERENCE_LAYOUT_DESCRIPTOR_H_
#define BUFCONF_REFERENCE_LAYOUT_DESCRIPTOR_H_

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bufconf::layout {

inline constexpr int64_t kMaxNdim = 64;  // PyBUF_MAX_NDIM

struct Descriptor {
  uint64_t buf = 0;  // an address in Memory's address space; 0 is NULL
  int64_t len = 0;
  int64_t itemsize = 1;
  int readonly = 0;
  int64_t ndim = 1;
  std::optional<std::string> format;               // nullopt: NULL ("B")
  std::optional<std::vector<int64_t>> shape;       // nullopt: NULL
  std::optional<std::vector<int64_t>> strides;     // nullopt: NULL
  std::optional<std::vector<int64_t>> suboffsets;  // nullopt: NULL
};

// A read or address computation outside the exporter's declared memory.
class MemoryFault : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Region {
  uint64_t base = 0;
  std::vector<uint8_t> bytes;
  std::string name;  // for messages: "data", "row pointers", ...
  uint64_t end() const { return base + bytes.size(); }
};

class Memory {
 public:
  // Throws std::invalid_argument if the region overlaps another or wraps the address space.
  void AddRegion(Region region);
  const std::vector<Region>& regions() const { return regions_; }

  // True when [address, address + size) lies inside one region (size 0: address inside or at
  // the end of a region).
  bool Contains(uint64_t address, uint64_t size) const;
  // The bytes at [address, address + size); throws MemoryFault outside the regions.
  const uint8_t* Read(uint64_t address, uint64_t size) const;
  uint8_t* Write(uint64_t address, uint64_t size);
  // The region holding `address`, or null.
  const Region* RegionOf(uint64_t address) const { return Find(address, 0); }
  // A pointer stored at `address` (8 bytes, little-endian: the reference ABI).
  uint64_t ReadPointer(uint64_t address) const;

 private:
  const Region* Find(uint64_t address, uint64_t size) const;
  std::vector<Region> regions_;  // in the order they were added
  // Indexes into regions_ by base address: the non-empty regions (which never overlap, so at
  // most one can hold a byte), and the empty ones (the first added at a base is kept).
  std::map<uint64_t, size_t> nonempty_;
  std::map<uint64_t, size_t> empty_;
};

// address + offset, checked: throws MemoryFault if the result leaves the 64-bit address space.
uint64_t Offset(uint64_t address, int64_t offset);
// a * b and a + b on strides and indices, checked: throw MemoryFault on overflow.
int64_t MulIndex(int64_t a, int64_t b);
int64_t AddIndex(int64_t a, int64_t b);

}  // namespace bufconf::layout

#endif  // BUFCONF_REFERENCE_LAYOUT_DESCRIPTOR_H_
