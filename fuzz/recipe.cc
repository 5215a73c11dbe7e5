#include "fuzz/recipe.h"

#include <algorithm>
#include <cstdlib>
#include <numeric>
#include <string>
#include <vector>

namespace bufconf::fuzz {
namespace {

class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t Next() { return pos_ < size_ ? data_[pos_++] : 0; }
  size_t used() const { return pos_; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// Dimensions [first, last] of the view, laid out in one block per instance: the elements are
// items (the last group) or pointers (a group ending at an indirect dimension).
struct Group {
  int first = 0, last = -1;       // last < first: no dimensions (an item behind a pointer)
  int64_t element = 0;            // bytes per element: itemsize, or 8 for a pointer
  int64_t lo = 0;                 // lowest byte offset from the origin (<= 0)
  int64_t span = 0;               // bytes of one instance
  int64_t instances = 0;          // one per index prefix of the dimensions before `first`
  std::vector<uint64_t> origins;  // per instance
  std::vector<size_t> regions;    // per instance: its region's index
};

constexpr uint64_t kBase = 0x10000;
constexpr uint64_t kPage = 0x1000;
constexpr int64_t kMaxMemory = int64_t{4} << 20;

}  // namespace

bool LayoutFromRecipe(const uint8_t* data, size_t size, layout::Descriptor* view,
                      layout::Memory* memory, size_t* used) {
  Bytes in(data, size);
  static const struct {
    int64_t itemsize;
    const char* format;
  } kItems[] = {
      {1, "B"}, {2, "h"}, {4, "i"}, {8, "q"}, {3, "3s"}, {16, "Zd"}, {8, "T{b:a:xxxi:b:}"}};
  const auto item = kItems[in.Next() % 7];
  const int ndim = in.Next() % 6;
  std::vector<int64_t> shape(ndim);
  int64_t count = 1;
  for (int64_t& d : shape) {
    d = in.Next() % 5;
    count *= std::max<int64_t>(d, 1);
  }
  if (count > 1024) return false;
  // Physical order: a permutation of the dimensions; per-dimension step; padding per element.
  std::vector<int> order(ndim);
  std::iota(order.begin(), order.end(), 0);
  for (int i = ndim - 1; i > 0; --i) std::swap(order[i], order[in.Next() % (i + 1)]);
  static const int64_t kSteps[] = {1, 1, 2, -1, -2, 0, 3};
  std::vector<int64_t> steps(ndim);
  for (int64_t& s : steps) s = kSteps[in.Next() % 7];
  const int64_t pad = in.Next() % 3;
  const int64_t slack = in.Next() % 4;
  const int readonly = in.Next() % 2;
  const uint8_t options = in.Next();
  const uint8_t indirect_mask = ndim > 0 ? in.Next() & ((1u << ndim) - 1) : 0;
  std::vector<int64_t> suboffsets(ndim, -1);
  for (int i = 0; i < ndim; ++i) {
    if ((indirect_mask >> i) & 1) suboffsets[i] = in.Next() % 8;
  }

  // The groups: split after every indirect dimension.
  std::vector<Group> groups;
  {
    Group g;
    g.first = 0;
    for (int i = 0; i < ndim; ++i) {
      if (suboffsets[i] >= 0) {
        g.last = i;
        g.element = 8;
        groups.push_back(g);
        g = Group();
        g.first = i + 1;
      }
    }
    g.last = ndim - 1;
    g.element = item.itemsize;
    groups.push_back(g);
  }
  // Strides: within each group, its dimensions in the physical order, pointers 8-aligned.
  std::vector<int64_t> strides(ndim, 0);
  int64_t instances = 1, total = 0;
  for (Group& g : groups) {
    const bool pointers = &g != &groups.back();
    int64_t pitch = g.element + (pointers ? 8 * pad : pad);
    for (int k = ndim - 1; k >= 0; --k) {
      const int i = order[k];
      if (i < g.first || i > g.last) continue;
      strides[i] = pitch * steps[i];
      pitch *= std::max<int64_t>(shape[i], 1) * std::max<int64_t>(std::abs(steps[i]), 1);
    }
    int64_t hi = 0;
    for (int i = g.first; i <= g.last; ++i) {
      const int64_t reach = strides[i] * std::max<int64_t>(shape[i] - 1, 0);
      (reach < 0 ? g.lo : hi) += reach;
    }
    g.span = hi - g.lo + g.element + slack;
    g.instances = instances;
    total += g.instances * (g.span + static_cast<int64_t>(kPage));
    if (total > kMaxMemory) return false;
    for (int i = g.first; i <= g.last; ++i) instances *= shape[i];
  }
  // Regions: one per instance (separate rows) or one per group, a page apart.
  const bool separate = (options & 1) != 0;
  uint64_t next = kBase;
  std::vector<layout::Region> regions;
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    Group& g = groups[gi];
    const std::string name = gi + 1 < groups.size() ? "pointers " + std::to_string(gi) : "data";
    const int64_t n = std::max<int64_t>(g.instances, gi == 0 ? 1 : 0);
    for (int64_t k = 0; k < n; ++k) {
      if (separate || k == 0) {
        regions.push_back({next, {}, separate ? name + " #" + std::to_string(k) : name});
      }
      layout::Region& r = regions.back();
      g.regions.push_back(regions.size() - 1);
      g.origins.push_back(r.base + r.bytes.size() + static_cast<uint64_t>(-g.lo));
      r.bytes.resize(r.bytes.size() + static_cast<size_t>(g.span), 0xEE);
      if (separate || k + 1 == n) next = (r.base + r.bytes.size() + 2 * kPage - 1) / kPage * kPage;
    }
  }
  // Pointers: instance j of a pointer group, local index `local` (C order over its dimensions),
  // points to instance j * (elements of the group) + local of the next group, minus the suboffset.
  for (size_t gi = 0; gi + 1 < groups.size(); ++gi) {
    const Group& g = groups[gi];
    const Group& child = groups[gi + 1];
    std::vector<int64_t> dims(shape.begin() + g.first, shape.begin() + g.last + 1);
    int64_t per = 1;
    for (int64_t d : dims) per *= d;
    for (int64_t j = 0; j < g.instances; ++j) {
      for (int64_t local = 0; local < per; ++local) {
        int64_t rest = local, offset = 0;
        for (int i = g.last; i >= g.first; --i) {
          offset += strides[i] * (rest % shape[i]);
          rest /= shape[i];
        }
        const uint64_t slot = g.origins[j] + static_cast<uint64_t>(offset);
        const uint64_t target =
            child.origins[j * per + local] - static_cast<uint64_t>(suboffsets[g.last]);
        layout::Region& r = regions[g.regions[j]];
        for (int b = 0; b < 8; ++b) {
          r.bytes[slot - r.base + b] = static_cast<uint8_t>(target >> (8 * b));
        }
      }
    }
  }
  // Item bytes: the data blocks, from the input.
  for (layout::Region& r : regions) {
    if (r.name.rfind("data", 0) != 0) continue;
    for (uint8_t& b : r.bytes) b = in.Next();
  }
  view->buf = groups.front().origins.front();
  view->itemsize = item.itemsize;
  view->format = item.format;
  view->ndim = ndim;
  view->len = item.itemsize;
  for (int64_t d : shape) view->len *= d;
  view->readonly = readonly;
  view->shape.reset();
  view->strides.reset();
  view->suboffsets.reset();
  if (ndim > 0) {
    view->shape = shape;
    view->strides = strides;
    if (indirect_mask != 0) view->suboffsets = suboffsets;
  }
  // NULL strides (and shape) for a C-contiguous direct layout, NULL format for 'B'.
  if ((options & 2) != 0 && ndim > 0 && indirect_mask == 0) {
    int64_t expect = item.itemsize;
    bool c_contiguous = true;
    for (int i = ndim - 1; i >= 0; --i) {
      if (shape[i] > 1 && strides[i] != expect) c_contiguous = false;
      expect *= shape[i];
    }
    if (c_contiguous) {
      view->strides.reset();
      if (ndim == 1 && item.itemsize == 1) view->shape.reset();
    }
  }
  if ((options & 4) != 0 && item.itemsize == 1) view->format.reset();
  for (layout::Region& r : regions) memory->AddRegion(std::move(r));
  if (used != nullptr) *used = in.used();
  return true;
}

}  // namespace bufconf::fuzz
