#include "fuzz/recipe.h"

#include <algorithm>
#include <numeric>
#include <vector>

#include "reference/layout/addressing.h"

namespace bufconf::fuzz {
namespace {

class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  uint8_t Next() { return pos_ < size_ ? data_[pos_++] : 0; }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace

bool LayoutFromRecipe(const uint8_t* data, size_t size, layout::Descriptor* view,
                      layout::Memory* memory) {
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
  // Physical order: a permutation of the dimensions; per-dimension step and padding.
  std::vector<int> order(ndim);
  std::iota(order.begin(), order.end(), 0);
  for (int i = ndim - 1; i > 0; --i) std::swap(order[i], order[in.Next() % (i + 1)]);
  static const int64_t kSteps[] = {1, 1, 2, -1, -2, 0, 3};
  std::vector<int64_t> steps(ndim);
  for (int64_t& s : steps) s = kSteps[in.Next() % 7];
  const int64_t pad = in.Next() % 3;  // extra bytes per element: odd strides
  std::vector<int64_t> strides(ndim);
  int64_t pitch = item.itemsize + pad;
  for (int k = ndim - 1; k >= 0; --k) {
    const int i = order[k];
    strides[i] = pitch * steps[i];
    pitch *= std::max<int64_t>(shape[i], 1) * std::max<int64_t>(std::abs(steps[i]), 1);
  }
  // Place buf so that every element lands inside one block.
  int64_t lo = 0, hi = 0;
  for (int i = 0; i < ndim; ++i) {
    const int64_t reach = strides[i] * std::max<int64_t>(shape[i] - 1, 0);
    (reach < 0 ? lo : hi) += reach;
  }
  const uint64_t base = 0x10000;
  const int64_t slack = in.Next() % 4;
  std::vector<uint8_t> block(static_cast<size_t>(hi - lo + item.itemsize + slack));
  for (size_t i = 0; i < block.size(); ++i) block[i] = in.Next();
  view->buf = base + static_cast<uint64_t>(-lo);
  view->itemsize = item.itemsize;
  view->format = item.format;
  view->ndim = ndim;
  view->len = item.itemsize;
  for (int64_t d : shape) view->len *= d;
  view->readonly = in.Next() % 2;
  if (ndim > 0) {
    view->shape = shape;
    view->strides = strides;
  }
  memory->AddRegion({base, block, "data"});
  // Optionally make the first dimension indirect: a table of row pointers.
  if (ndim > 0 && in.Next() % 3 == 0 && shape[0] > 0) {
    const int64_t suboffset = in.Next() % 8;
    // The table goes after the data block, a page apart (a large block must not reach it).
    const uint64_t table = (base + block.size() + 0x1fff) / 0x1000 * 0x1000;
    std::vector<uint8_t> pointers;
    for (int64_t r = 0; r < shape[0]; ++r) {
      const uint64_t row = view->buf + static_cast<uint64_t>(strides[0] * r) - suboffset;
      for (int b = 0; b < 8; ++b) pointers.push_back(static_cast<uint8_t>(row >> (8 * b)));
    }
    memory->AddRegion({table, pointers, "pointers"});
    view->buf = table;
    (*view->strides)[0] = 8;
    std::vector<int64_t> suboffsets(ndim, -1);
    suboffsets[0] = suboffset;
    view->suboffsets = suboffsets;
  }
  return true;
}

}  // namespace bufconf::fuzz
