#include "reference/layout/descriptor_codec.h"

#include <cstring>

namespace bufconf::layout {
namespace {

constexpr size_t kMaxRegions = 8;
constexpr uint64_t kMaxRegionSize = 1 << 16;
constexpr uint64_t kMaxFormat = 1 << 12;

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool Byte(uint8_t* out) {
    if (pos_ >= size_) return false;
    *out = data_[pos_++];
    return true;
  }
  bool Varint(uint64_t* out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b;
      if (!Byte(&b)) return false;
      v |= uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) {
        *out = v;
        return true;
      }
    }
    return false;
  }
  bool Zigzag(int64_t* out) {
    uint64_t v;
    if (!Varint(&v)) return false;
    *out = static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
    return true;
  }
  bool Bytes(uint64_t n, std::vector<uint8_t>* out) {
    if (n > size_ - pos_) return false;
    out->assign(data_ + pos_, data_ + pos_ + n);
    pos_ += n;
    return true;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

void PutVarint(std::vector<uint8_t>& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<uint8_t>(v));
}

void PutZigzag(std::vector<uint8_t>& out, int64_t v) {
  PutVarint(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

}  // namespace

std::optional<CodecDescriptor> DecodeDescriptor(const uint8_t* data, size_t size,
                                                std::string* error) {
  auto fail = [&](const char* why) -> std::optional<CodecDescriptor> {
    if (error != nullptr) *error = why;
    return std::nullopt;
  };
  Reader r(data, size);
  CodecDescriptor d;
  uint8_t ndim, present;
  if (!r.Byte(&ndim) || !r.Byte(&present)) return fail("truncated header");
  if (ndim > kMaxNdim) return fail("ndim above 64");
  d.view.ndim = ndim;
  int64_t readonly, buf;
  if (!r.Zigzag(&d.view.len) || !r.Zigzag(&d.view.itemsize) || !r.Zigzag(&readonly) ||
      !r.Zigzag(&buf)) {
    return fail("truncated fields");
  }
  d.view.readonly = static_cast<int>(readonly);
  d.view.buf = static_cast<uint64_t>(buf);
  auto read_array = [&](std::optional<std::vector<int64_t>>* out) {
    std::vector<int64_t> a(ndim);
    for (int64_t& v : a) {
      if (!r.Zigzag(&v)) return false;
    }
    *out = a;
    return true;
  };
  if ((present & 1) && !read_array(&d.view.shape)) return fail("truncated shape");
  if ((present & 2) && !read_array(&d.view.strides)) return fail("truncated strides");
  if ((present & 4) && !read_array(&d.view.suboffsets)) return fail("truncated suboffsets");
  if (present & 8) {
    uint64_t n;
    std::vector<uint8_t> bytes;
    if (!r.Varint(&n) || n > kMaxFormat || !r.Bytes(n, &bytes)) return fail("bad format");
    d.view.format = std::string(bytes.begin(), bytes.end());
  }
  uint8_t regions = 0;
  if (r.Byte(&regions)) {
    if (regions > kMaxRegions) return fail("too many regions");
    for (uint8_t i = 0; i < regions; ++i) {
      Region region;
      uint64_t region_size;
      if (!r.Varint(&region.base) || !r.Varint(&region_size) || region_size > kMaxRegionSize ||
          !r.Bytes(region_size, &region.bytes)) {
        return fail("bad region");
      }
      region.name = "region " + std::to_string(i);
      try {
        d.memory.AddRegion(std::move(region));
      } catch (const std::invalid_argument&) {
        return fail("overlapping regions");
      }
    }
  }
  return d;
}

std::vector<uint8_t> EncodeDescriptor(const Descriptor& v, const Memory& memory) {
  std::vector<uint8_t> out;
  out.push_back(static_cast<uint8_t>(v.ndim));
  out.push_back(static_cast<uint8_t>((v.shape ? 1 : 0) | (v.strides ? 2 : 0) |
                                     (v.suboffsets ? 4 : 0) | (v.format ? 8 : 0)));
  PutZigzag(out, v.len);
  PutZigzag(out, v.itemsize);
  PutZigzag(out, v.readonly);
  PutZigzag(out, static_cast<int64_t>(v.buf));
  // Arrays are written with exactly ndim entries (the form can hold nothing else).
  const size_t n = static_cast<size_t>(static_cast<uint8_t>(v.ndim));
  for (const auto* a : {&v.shape, &v.strides, &v.suboffsets}) {
    if (!*a) continue;
    for (size_t i = 0; i < n; ++i) PutZigzag(out, i < (*a)->size() ? (**a)[i] : 0);
  }
  if (v.format) {
    PutVarint(out, v.format->size());
    out.insert(out.end(), v.format->begin(), v.format->end());
  }
  out.push_back(static_cast<uint8_t>(memory.regions().size()));
  for (const Region& region : memory.regions()) {
    PutVarint(out, region.base);
    PutVarint(out, region.bytes.size());
    out.insert(out.end(), region.bytes.begin(), region.bytes.end());
  }
  return out;
}

}  // namespace bufconf::layout
