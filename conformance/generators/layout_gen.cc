#include "conformance/generators/layout_gen.h"

#include <algorithm>
#include <numeric>
#include <sstream>
#include <utility>

#include "conformance/generators/weighted.h"
#include "reference/layout/addressing.h"
#include "reference/layout/request.h"

namespace bufconf::gen {
namespace {

using layout::Descriptor;
using layout::Memory;
using layout::Region;

constexpr uint64_t kPage = 0x1000;
// Above this many bytes of parent array, slicing steps and padding are dropped.
constexpr int64_t kMaxBlock = int64_t{1} << 20;

std::string Hex(uint64_t v) {
  std::ostringstream os;
  os << "0x" << std::hex << v;
  return os.str();
}

void ShowInts(std::ostream& os, const char* name, const std::optional<std::vector<int64_t>>& v) {
  os << " " << name << "=";
  if (!v) {
    os << "NULL";
    return;
  }
  os << "(";
  for (size_t i = 0; i < v->size(); ++i) os << (i ? "," : "") << (*v)[i];
  os << ")";
}

// Deterministic random bytes (splitmix64): one drawn seed instead of a drawn byte vector, so
// large blocks are cheap and shrinking does not dwell on contents.
std::vector<uint8_t> FillRandom(size_t n, uint64_t seed) {
  std::vector<uint8_t> out(n);
  uint64_t x = seed;
  for (size_t i = 0; i < n; ++i) {
    if (i % 8 == 0) {
      x += 0x9e3779b97f4a7c15ull;
      uint64_t z = x;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      seed = z ^ (z >> 31);
    }
    out[i] = static_cast<uint8_t>(seed >> (8 * (i % 8)));
  }
  return out;
}

uint64_t EndOfMemory(const Memory& memory) {
  uint64_t end = 0;
  for (const Region& r : memory.regions()) end = std::max(end, r.end());
  return end;
}

uint64_t NextFreePage(const Memory& memory) {
  return (EndOfMemory(memory) + 2 * kPage - 1) / kPage * kPage;
}

void PutPointer(std::vector<uint8_t>& bytes, size_t at, uint64_t value) {
  for (int i = 0; i < 8; ++i)
    bytes[at + static_cast<size_t>(i)] = static_cast<uint8_t>(value >> (8 * i));
}

int64_t Product(const std::vector<int64_t>& shape, size_t from, size_t to) {  // [from, to)
  int64_t p = 1;
  for (size_t i = from; i < to; ++i) p *= shape[i];
  return p;
}

// A choice among n, uniform whatever the size, shrinking towards 0 (the plainest option).
int Choice(int n) { return *rc::gen::resize(100, rc::gen::inRange(0, n)); }

std::optional<std::string> FormatFor(int64_t itemsize) {
  switch (itemsize) {
    case 1:
      if (Choice(4) == 3) return std::nullopt;
      return std::string("B");
    case 2:
      return std::string("h");
    case 4:
      return std::string("i");
    case 8:
      return std::string("q");
    default:
      return std::to_string(itemsize) + "s";
  }
}

// Draws the physical arrangement of a view of `shape` and allocates memory for it. Must run
// inside a generator (rc::gen::exec).
Layout DrawStrided(const std::vector<int64_t>& shape, int64_t itemsize,
                   const std::optional<std::string>& format, const LayoutGenOptions& options) {
  const size_t n = shape.size();
  // Physical order, outermost dimension first: C, Fortran, or a random permutation.
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  const int kind = Choice(3);
  if (kind == 1) std::reverse(order.begin(), order.end());
  if (kind == 2) {
    for (size_t i = n; i > 1; --i)
      std::swap(order[i - 1], order[static_cast<size_t>(Choice(static_cast<int>(i)))]);
  }
  // Element pitch: the itemsize, or more (then strides need not be multiples of the itemsize).
  const int64_t pitch =
      itemsize + (Choice(5) == 4 ? 1 + Choice(static_cast<int>(itemsize) + 2) : 0);
  std::vector<int64_t> step(n, 1), pad(n, 0);
  for (size_t d = 0; d < n; ++d) {
    step[d] = Choice(5) == 4 ? 2 + Choice(2) : 1;
    pad[d] = Choice(6) == 5 ? 1 : 0;
  }
  int64_t volume = pitch;
  for (size_t d = 0; d < n; ++d) volume *= std::max<int64_t>(1, shape[d] * step[d] + pad[d]);
  if (volume > kMaxBlock) {
    std::fill(step.begin(), step.end(), 1);
    std::fill(pad.begin(), pad.end(), 0);
  }
  std::vector<int64_t> strides(n);
  int64_t acc = pitch;
  for (size_t k = n; k-- > 0;) {
    const size_t d = order[k];
    strides[d] = acc * step[d];
    acc *= std::max<int64_t>(1, shape[d] * step[d] + pad[d]);
  }
  for (size_t d = 0; d < n; ++d) {
    const int change = Choice(18);
    if (change >= 12 && change < 16)
      strides[d] = -strides[d];  // buf moves towards the end of the block
    if (change >= 16 && options.zero_strides) strides[d] = 0;  // broadcast
  }
  // The span of all elements, [lo, hi) relative to buf.
  int64_t lo = 0, hi = 0;
  if (layout::ElementCount(shape) > 0) {
    for (size_t d = 0; d < n; ++d) {
      const int64_t reach = strides[d] * (shape[d] - 1);
      lo += std::min<int64_t>(0, reach);
      hi += std::max<int64_t>(0, reach);
    }
    hi += itemsize;
  }
  const int64_t head = *rc::gen::inRange<int64_t>(0, 17);
  const int64_t tail = *rc::gen::inRange<int64_t>(0, 17);
  Region data;
  data.base = 0x10000 + kPage * *rc::gen::inRange<uint64_t>(0, 16);
  data.name = "data";
  data.bytes =
      FillRandom(static_cast<size_t>(hi - lo + head + tail), *rc::gen::arbitrary<uint64_t>());

  Layout out;
  Descriptor& v = out.view;
  v.buf = data.base + static_cast<uint64_t>(head - lo);
  v.itemsize = itemsize;
  v.len = layout::ElementCount(shape) * itemsize;
  v.readonly = *rc::gen::arbitrary<bool>() ? 1 : 0;
  v.ndim = static_cast<int64_t>(n);
  v.format = format;
  if (n > 0) {
    v.shape = shape;
    v.strides = strides;
    if (strides == layout::FillContiguousStrides(shape, itemsize, 'C') && Choice(3) == 2) {
      v.strides = std::nullopt;
    }
  }
  out.memory.AddRegion(std::move(data));
  return out;
}

}  // namespace

std::string Describe(const Layout& layout) {
  const Descriptor& v = layout.view;
  std::ostringstream os;
  os << "buf=" << Hex(v.buf) << " len=" << v.len << " itemsize=" << v.itemsize
     << " readonly=" << v.readonly << " ndim=" << v.ndim
     << " format=" << (v.format ? "'" + *v.format + "'" : std::string("NULL"));
  ShowInts(os, "shape", v.shape);
  ShowInts(os, "strides", v.strides);
  ShowInts(os, "suboffsets", v.suboffsets);
  os << " memory:";
  for (const Region& r : layout.memory.regions()) {
    os << " [" << r.name << " " << Hex(r.base) << "+" << r.bytes.size() << "]";
  }
  return os.str();
}

void showValue(const Layout& layout, std::ostream& os) { os << Describe(layout); }

rc::Gen<Layout> StridedLayoutOfShape(const std::vector<int64_t>& shape, int64_t itemsize,
                                     const std::optional<std::string>& format,
                                     LayoutGenOptions options) {
  return rc::gen::exec(
      [shape, itemsize, format, options] { return DrawStrided(shape, itemsize, format, options); });
}

rc::Gen<Layout> StridedLayout(LayoutGenOptions options) {
  return rc::gen::exec([options] {
    // Weighted (0-d rare, above max_ndim rarer), not size-scaled. The shape is one pick: it
    // shrinks by dropping dimensions (keeping the others), and each extent towards 1.
    std::vector<std::pair<size_t, size_t>> lengths;
    for (int d = 0; d <= options.max_ndim; ++d)
      lengths.push_back({d == 0 ? 2 : 6, static_cast<size_t>(d)});
    for (int d = options.max_ndim + 1; d <= options.max_rare_ndim; ++d)
      lengths.push_back({1, static_cast<size_t>(d)});
    // 1 (what a shrink ends on), 0 (empty), 2..5.
    std::vector<int64_t> shape = *WeightedLengthVector<int64_t>(
        lengths, WeightedElement<int64_t>({{3, 1}, {1, 0}, {3, 2}, {3, 3}, {2, 4}, {2, 5}}));
    int64_t product = 1;
    for (int64_t& extent : shape) {
      if (extent > 0) {
        extent = std::min(extent, options.max_elements / product);
        product *= extent;
      }
    }
    static const int64_t kItemsizes[] = {1, 2, 4, 8, 3, 16};
    const int64_t itemsize = kItemsizes[Choice(6)];
    return DrawStrided(shape, itemsize, FormatFor(itemsize), options);
  });
}

Layout ContiguousLike(const Descriptor& view, uint8_t fill) {
  const layout::FullView full = layout::Expand(view);
  Layout out;
  out.view = view;
  out.view.suboffsets = std::nullopt;
  out.view.readonly = 0;
  Region data;
  data.base = 0x800000;
  data.name = "copy";
  data.bytes.assign(static_cast<size_t>(layout::ElementCount(full.shape) * view.itemsize), fill);
  out.view.buf = data.base;
  out.view.len = static_cast<int64_t>(data.bytes.size());
  if (view.ndim > 0) {
    out.view.shape = full.shape;
    out.view.strides = layout::FillContiguousStrides(full.shape, view.itemsize, 'C');
  }
  out.memory.AddRegion(std::move(data));
  return out;
}

Layout MakeIndirect(const Layout& strided, const IndirectPlan& plan) {
  const layout::FullView full = layout::Expand(strided.view);
  const size_t n = full.shape.size();
  if (n == 0) return strided;
  Layout out = strided;
  Descriptor& v = out.view;
  v.shape = full.shape;
  v.strides = full.strides;
  v.suboffsets = std::vector<int64_t>(n, plan.unused_suboffset);
  const size_t m = plan.dims.size();
  if (m == 0) return out;
  // Table k (one per dereferencing dimension dims[k]) is a C array of pointers indexed by
  // (i_0, ..., i_dims[k]), entry_pitches[k] bytes apart.
  std::vector<uint64_t> table_base(m);
  std::vector<Region> tables(m);
  for (size_t k = 0; k < m; ++k) {
    const std::vector<int64_t> prefix(full.shape.begin(),
                                      full.shape.begin() + static_cast<long>(plan.dims[k]) + 1);
    tables[k].name = "pointers level " + std::to_string(plan.dims[k]);
    tables[k].bytes.assign(
        static_cast<size_t>(layout::ElementCount(prefix) * plan.entry_pitches[k]), 0);
    tables[k].base =
        k == 0 ? NextFreePage(out.memory)
               : (tables[k - 1].base + tables[k - 1].bytes.size() + 2 * kPage) / kPage * kPage;
    table_base[k] = tables[k].base;
  }
  std::vector<int64_t>& strides = *v.strides;
  size_t first = 0;  // the first dimension walked in table k
  for (size_t k = 0; k < m; ++k) {
    const size_t d = plan.dims[k];
    for (size_t i = first; i <= d; ++i) {
      strides[i] = plan.entry_pitches[k] * Product(full.shape, i + 1, d + 1);
    }
    (*v.suboffsets)[d] = plan.suboffsets[k];
    const std::vector<int64_t> prefix(full.shape.begin(),
                                      full.shape.begin() + static_cast<long>(d) + 1);
    int64_t linear = 0;
    layout::ForEachIndex(prefix, 'C', [&](const std::vector<int64_t>& index) {
      uint64_t target;
      if (k + 1 < m) {
        // The start of this prefix's sub-table in the next level.
        const int64_t inner = Product(full.shape, d + 1, plan.dims[k + 1] + 1);
        target =
            table_base[k + 1] + static_cast<uint64_t>(plan.entry_pitches[k + 1] * linear * inner);
      } else {
        // The start of the sub-array in the original data.
        target = full.buf;
        for (size_t i = 0; i <= d; ++i) target += static_cast<uint64_t>(full.strides[i] * index[i]);
        // An empty sub-array has no start in the data; its pointer must still lead into memory
        // (the C-API loads every prefix's pointer): point it at the data's first byte.
        if (!strided.memory.Contains(target, 0) && !strided.memory.regions().empty()) {
          target = strided.memory.regions()[0].base;
        }
      }
      PutPointer(tables[k].bytes, static_cast<size_t>(linear * plan.entry_pitches[k]),
                 target - static_cast<uint64_t>(plan.suboffsets[k]));
      ++linear;
    });
    first = d + 1;
  }
  v.buf = table_base[0];
  for (Region& r : tables) out.memory.AddRegion(std::move(r));
  return out;
}

rc::Gen<Layout> ArrayOfArrays(const Layout& strided) {
  return rc::gen::exec([strided] {
    const size_t n = static_cast<size_t>(strided.view.ndim);
    IndirectPlan plan;
    static const int64_t kUnused[] = {-1, -1, -1, -1, -2, -1000};
    static const int64_t kPitches[] = {8, 8, 8, 8, 12, 16};
    plan.unused_suboffset = kUnused[Choice(6)];
    const bool last = n > 0 && Choice(3) == 2;
    for (size_t d = 0; d < n; ++d) {
      if ((d + 1 == n && last) || Choice(3) == 2) {
        plan.dims.push_back(d);
        plan.suboffsets.push_back(Choice(2) == 0 ? 0 : 1 + Choice(64));
        plan.entry_pitches.push_back(kPitches[Choice(6)]);
      }
    }
    return MakeIndirect(strided, plan);
  });
}

rc::Gen<std::vector<uint8_t>> RandomBytes(size_t n) {
  return rc::gen::map(rc::gen::arbitrary<uint64_t>(),
                      [n](uint64_t seed) { return FillRandom(n, seed); });
}

rc::Gen<int> RequestFlags() {
  using namespace layout;
  static const std::vector<int> kNamed = {
      kSimple,      kWritable,      kFormat,    kNd,     kStrides,  kCContiguous,
      kFContiguous, kAnyContiguous, kIndirect,  kContig, kContigRo, kStrided,
      kStridedRo,   kRecords,       kRecordsRo, kFull,   kFullRo};
  const auto named = rc::gen::elementOf(kNamed);
  return WeightedOneOf<int>({{5, named},
                             {4, rc::gen::exec([named] { return *named | *named | *named; })},
                             {2, rc::gen::exec([named] {
                                return *named | *rc::gen::element(0x2, 0x20, 0x40, 0x80, 0x100,
                                                                  0x200, 0x300, 0x400, 0x10000,
                                                                  0x40000000);
                              })},
                             {1, rc::gen::element(0x2, 0x20, 0x40, 0x80, 0x100, 0x200, 0x300)}});
}

}  // namespace bufconf::gen
