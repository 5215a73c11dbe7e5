// bufconf mirror: the API's argument checks and edge cases, and each kernel (transposes of
// every specialised item size with ragged edges, reversed lines, broadcasts) against a plain
// element loop. mirror_properties_test compares everything with the reference model.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <utility>
#include <vector>

#include "mirror/bufconf_mirror.h"
#include "mirror/kernels.h"

namespace {

bufconf_view View(void* buf, ptrdiff_t itemsize, std::vector<ptrdiff_t>& shape,
                  std::vector<ptrdiff_t>& strides, ptrdiff_t* suboffsets = nullptr) {
  bufconf_view v{};
  v.buf = buf;
  v.itemsize = itemsize;
  v.ndim = static_cast<int>(shape.size());
  v.shape = shape.data();
  v.strides = strides.data();
  v.suboffsets = suboffsets;
  v.len = itemsize;  // product(shape) * itemsize (tests of huge shapes set len themselves)
  for (ptrdiff_t e : shape) {
    if (__builtin_mul_overflow(v.len, e, &v.len)) v.len = 0;
  }
  return v;
}

std::vector<uint8_t> Iota(size_t n) {
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(i * 7 + i / 251);
  return v;
}

TEST(Mirror, Strerror) {
  for (int code = 0; code <= 5; ++code) EXPECT_NE(bufconf_mirror_strerror(code), nullptr);
  EXPECT_STRNE(bufconf_mirror_strerror(BUFCONF_MIRROR_EOVERFLOW),
               bufconf_mirror_strerror(BUFCONF_MIRROR_EINVAL));
}

TEST(Mirror, RefusesBadArguments) {
  std::vector<uint8_t> data = Iota(64), out(64);
  std::vector<ptrdiff_t> shape = {4, 4}, strides = {1, 4};
  bufconf_view v = View(data.data(), 1, shape, strides);
  EXPECT_EQ(bufconf_to_contiguous(out.data(), &v, 16, 'X'), BUFCONF_MIRROR_EINVAL);
  EXPECT_EQ(bufconf_to_contiguous(out.data(), &v, 15, 'C'), BUFCONF_MIRROR_EINVAL);
  EXPECT_EQ(bufconf_to_contiguous(out.data(), nullptr, 16, 'C'), BUFCONF_MIRROR_EINVAL);
  EXPECT_EQ(bufconf_from_contiguous(&v, out.data(), 17, 'C'), BUFCONF_MIRROR_EINVAL);
  EXPECT_EQ(bufconf_from_contiguous(&v, out.data(), 16, 'Z'), BUFCONF_MIRROR_EINVAL);
  bufconf_view bad = v;
  bad.ndim = 65;  // C-contiguous for PyBuffer_IsContiguous (arrays unread): copied as is
  EXPECT_EQ(bufconf_to_contiguous(out.data(), &bad, 16, 'C'), BUFCONF_MIRROR_OK);
  EXPECT_EQ(bufconf_to_contiguous(out.data(), &bad, 16, 'F'), BUFCONF_MIRROR_EINVAL);
  bad = v;
  bad.itemsize = -1;
  EXPECT_EQ(bufconf_to_contiguous(out.data(), &bad, 16, 'C'), BUFCONF_MIRROR_EINVAL);
  bad = v;
  bad.shape = nullptr;  // strides without shape
  EXPECT_EQ(bufconf_to_contiguous(out.data(), &bad, 16, 'F'), BUFCONF_MIRROR_EINVAL);
  std::vector<ptrdiff_t> negative = {-1, 4};
  bad = v;
  bad.shape = negative.data();
  EXPECT_EQ(bufconf_to_contiguous(out.data(), &bad, 16, 'C'), BUFCONF_MIRROR_EINVAL);
  bad = v;
  bad.len = 20;  // product(shape) * itemsize is 16
  EXPECT_EQ(bufconf_to_contiguous(out.data(), &bad, 20, 'C'), BUFCONF_MIRROR_EINVAL);
  EXPECT_EQ(bufconf_for_each(&v, 'C', nullptr, nullptr), BUFCONF_MIRROR_EINVAL);
  EXPECT_EQ(bufconf_for_each(
                &v, 'A', [](void*, void*, const ptrdiff_t*) { return 0; }, nullptr),
            BUFCONF_MIRROR_EINVAL);
  bufconf_mirror_plan* plan = reinterpret_cast<bufconf_mirror_plan*>(data.data());
  EXPECT_EQ(bufconf_mirror_plan_to_contiguous(&bad, 'C', &plan), BUFCONF_MIRROR_EINVAL);
  EXPECT_EQ(plan, nullptr);
  EXPECT_EQ(bufconf_mirror_plan_bytes(nullptr), 0);
  EXPECT_EQ(bufconf_mirror_run(nullptr, out.data(), data.data()), BUFCONF_MIRROR_EINVAL);
  bufconf_mirror_plan_free(nullptr);
}

TEST(Mirror, CopyDataRefusals) {
  std::vector<uint8_t> a = Iota(16), b(16);
  std::vector<ptrdiff_t> shape = {4, 4}, strides = {4, 1}, shape2 = {2, 8}, strides2 = {8, 1};
  bufconf_view src = View(a.data(), 1, shape, strides);
  bufconf_view dest = View(b.data(), 1, shape, strides);
  dest.readonly = 1;
  EXPECT_EQ(bufconf_copy_data(&dest, &src), BUFCONF_MIRROR_EREADONLY);
  dest.readonly = 0;
  bufconf_view other = View(b.data(), 1, shape2, strides2);
  EXPECT_EQ(bufconf_copy_data(&other, &src), BUFCONF_MIRROR_EINVAL);
  bufconf_view wide = View(b.data(), 2, shape2, strides2);
  wide.shape = shape.data();
  EXPECT_EQ(bufconf_copy_data(&wide, &src), BUFCONF_MIRROR_EINVAL);
  EXPECT_EQ(bufconf_copy_data(&dest, &src), BUFCONF_MIRROR_OK);
  EXPECT_EQ(a, b);
  // A NULL-shape view is len bytes: shape (16,), itemsize 1, like a flat 16-byte view.
  std::vector<ptrdiff_t> flat = {16}, unit = {1};
  bufconf_view bytes{};
  bytes.buf = b.data();
  bytes.len = 16;
  bytes.itemsize = 4;
  bytes.ndim = 1;
  bufconf_view flat_src = View(a.data(), 1, flat, unit);
  std::fill(b.begin(), b.end(), 0);
  EXPECT_EQ(bufconf_copy_data(&bytes, &flat_src), BUFCONF_MIRROR_OK);
  EXPECT_EQ(a, b);
}

TEST(Mirror, OverflowingLayoutsAreRefused) {
  std::vector<uint8_t> data(16), out(16);
  std::vector<ptrdiff_t> shape = {3}, strides = {PTRDIFF_MAX / 2 + 1};
  bufconf_view v = View(data.data(), 1, shape, strides);
  EXPECT_EQ(bufconf_to_contiguous(out.data(), &v, 3, 'C'), BUFCONF_MIRROR_EOVERFLOW);
  EXPECT_EQ(bufconf_from_contiguous(&v, out.data(), 3, 'C'), BUFCONF_MIRROR_EOVERFLOW);
  EXPECT_EQ(bufconf_copy_data(&v, &v), BUFCONF_MIRROR_EOVERFLOW);
  EXPECT_EQ(bufconf_for_each(
                &v, 'C', [](void*, void*, const ptrdiff_t*) { return 0; }, nullptr),
            BUFCONF_MIRROR_EOVERFLOW);
  // C strides of NULL-strides views are computed with checks (as CPython's would overflow).
  std::vector<ptrdiff_t> huge = {ptrdiff_t{1} << 62, 4}, none;
  bufconf_view h = View(data.data(), 1, huge, none);
  h.strides = nullptr;
  h.len = 16;
  EXPECT_EQ(bufconf_copy_data(&h, &h), BUFCONF_MIRROR_EOVERFLOW);
  EXPECT_EQ(bufconf_get_pointer(&h, std::vector<ptrdiff_t>{0, 0}.data()), nullptr);
  // An empty view computes no address: its strides may be anything.
  std::vector<ptrdiff_t> empty = {0, 3}, wild = {PTRDIFF_MAX, PTRDIFF_MIN};
  bufconf_view e = View(data.data(), 8, empty, wild);
  EXPECT_EQ(bufconf_to_contiguous(out.data(), &e, 0, 'F'), BUFCONF_MIRROR_OK);
  EXPECT_EQ(bufconf_copy_data(&e, &e), BUFCONF_MIRROR_OK);
}

TEST(Mirror, ZeroDimensionalAndEmpty) {
  double x = 1.5, y = 0;
  bufconf_view scalar{};
  scalar.buf = &x;
  scalar.len = 8;
  scalar.itemsize = 8;
  bufconf_view target = scalar;
  target.buf = &y;
  EXPECT_EQ(bufconf_copy_data(&target, &scalar), BUFCONF_MIRROR_OK);
  EXPECT_EQ(y, 1.5);
  double z = 0;
  EXPECT_EQ(bufconf_to_contiguous(&z, &scalar, 8, 'F'), BUFCONF_MIRROR_OK);
  EXPECT_EQ(z, 1.5);
  int calls = 0;
  EXPECT_EQ(bufconf_for_each(
                &scalar, 'C',
                [](void* c, void* item, const ptrdiff_t* index) {
                  ++*static_cast<int*>(c);
                  return index != nullptr && *static_cast<double*>(item) == 1.5 ? 0 : 9;
                },
                &calls),
            BUFCONF_MIRROR_OK);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(bufconf_get_pointer(&scalar, nullptr), &x);
}

// Suboffsets, even all negative, are never contiguous: an empty view takes the item path.
TEST(Mirror, EmptyViewsWithSuboffsets) {
  std::vector<uint8_t> data = Iota(8), out(8, 0xEE);
  std::vector<ptrdiff_t> shape = {5, 0, 4, 3}, strides = {-24, 24, 6, -2}, sub = {-1, -1, -1, -1};
  bufconf_view v = View(data.data() + 1, 1, shape, strides, sub.data());
  for (char order : {'C', 'F', 'A'}) {
    EXPECT_EQ(bufconf_to_contiguous(out.data(), &v, 0, order), BUFCONF_MIRROR_OK);
    EXPECT_EQ(bufconf_from_contiguous(&v, out.data(), 0, order), BUFCONF_MIRROR_OK);
    bufconf_mirror_plan* plan = nullptr;
    ASSERT_EQ(bufconf_mirror_plan_to_contiguous(&v, order, &plan), BUFCONF_MIRROR_OK);
    EXPECT_EQ(bufconf_mirror_run(plan, out.data(), v.buf), BUFCONF_MIRROR_OK);
    bufconf_mirror_plan_free(plan);
  }
  EXPECT_EQ(out, std::vector<uint8_t>(8, 0xEE));
  EXPECT_EQ(data, Iota(8));
  // Extents whose product overflows after the 0: nothing to compute, nothing to copy.
  std::vector<ptrdiff_t> huge = {0, ptrdiff_t{1} << 40, ptrdiff_t{1} << 40}, any = {1, 1, 1},
                         none = {-1, -1, -1};
  bufconf_view h = View(data.data(), 4, huge, any, none.data());
  h.len = 0;
  for (char order : {'C', 'F'}) {
    EXPECT_EQ(bufconf_to_contiguous(out.data(), &h, 0, order), BUFCONF_MIRROR_OK);
    EXPECT_EQ(bufconf_from_contiguous(&h, out.data(), 0, order), BUFCONF_MIRROR_OK);
  }
  EXPECT_EQ(bufconf_copy_data(&h, &h), BUFCONF_MIRROR_OK);
}

TEST(Mirror, ForEachStopsWhereTheCallbackSays) {
  std::vector<uint8_t> data = Iota(12);
  std::vector<ptrdiff_t> shape = {3, 4}, strides = {1, 3};
  bufconf_view v = View(data.data(), 1, shape, strides);
  std::vector<uint8_t> seen;
  EXPECT_EQ(bufconf_for_each(
                &v, 'F',
                [](void* c, void* item, const ptrdiff_t*) {
                  auto* s = static_cast<std::vector<uint8_t>*>(c);
                  s->push_back(*static_cast<uint8_t*>(item));
                  return s->size() == 5 ? 77 : 0;
                },
                &seen),
            77);
  EXPECT_EQ(seen, std::vector<uint8_t>(data.begin(), data.begin() + 5));  // F order = memory
}

TEST(Mirror, AsIsAndOrders) {
  // A Fortran-contiguous 3x4 int16 array: 'F' and 'A' copy memory as is, 'C' transposes.
  std::vector<int16_t> a(12);
  std::iota(a.begin(), a.end(), 0);
  std::vector<ptrdiff_t> shape = {3, 4}, strides = {2, 6};
  bufconf_view v = View(a.data(), 2, shape, strides);
  EXPECT_EQ(bufconf_is_contiguous(&v, 'F'), 1);
  EXPECT_EQ(bufconf_is_contiguous(&v, 'C'), 0);
  EXPECT_EQ(bufconf_is_contiguous(&v, 'A'), 1);
  std::vector<int16_t> out(12);
  for (char order : {'F', 'A'}) {
    EXPECT_EQ(bufconf_to_contiguous(out.data(), &v, 24, order), BUFCONF_MIRROR_OK);
    EXPECT_EQ(out, a);
  }
  EXPECT_EQ(bufconf_to_contiguous(out.data(), &v, 24, 'C'), BUFCONF_MIRROR_OK);
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 4; ++j) EXPECT_EQ(out[static_cast<size_t>(i * 4 + j)], i + 3 * j);
  }
  // Contiguity: len 0 always; extent-1 strides are free; suboffsets never (even all negative).
  std::vector<ptrdiff_t> one = {1, 4}, odd = {999, 2};
  bufconf_view w = View(a.data(), 2, one, odd);
  EXPECT_EQ(bufconf_is_contiguous(&w, 'C'), 1);
  std::vector<ptrdiff_t> negative = {-1, -1};
  w.suboffsets = negative.data();
  EXPECT_EQ(bufconf_is_contiguous(&w, 'C'), 0);
  w.len = 0;
  w.suboffsets = nullptr;
  w.strides = negative.data();
  EXPECT_EQ(bufconf_is_contiguous(&w, 'F'), 1);
  EXPECT_EQ(bufconf_is_contiguous(&w, 'x'), 0);
}

TEST(Mirror, FillContiguousStrides) {
  std::vector<ptrdiff_t> shape = {2, 3, 4}, strides(3);
  bufconf_fill_contiguous_strides(3, shape.data(), strides.data(), 8, 'C');
  EXPECT_EQ(strides, (std::vector<ptrdiff_t>{96, 32, 8}));
  bufconf_fill_contiguous_strides(3, shape.data(), strides.data(), 8, 'F');
  EXPECT_EQ(strides, (std::vector<ptrdiff_t>{8, 16, 48}));
  std::vector<ptrdiff_t> huge = {ptrdiff_t{1} << 62, 8, 2};
  bufconf_fill_contiguous_strides(3, huge.data(), strides.data(), 4, 'F');  // wraps, no UB
  EXPECT_EQ(strides, (std::vector<ptrdiff_t>{4, 0, 0}));                    // 4 * 2**62 wraps to 0
}

// Writes into items that share bytes: the last item written wins (C order, or F for 'F').
TEST(Mirror, FromContiguousIntoBroadcastWritesInOrder) {
  std::vector<uint8_t> data(4, 0);
  std::vector<ptrdiff_t> shape = {3, 4}, strides = {0, 1};
  bufconf_view v = View(data.data(), 1, shape, strides);
  const std::vector<uint8_t> src = Iota(12);
  EXPECT_EQ(bufconf_from_contiguous(&v, src.data(), 12, 'C'), BUFCONF_MIRROR_OK);
  EXPECT_EQ(data, std::vector<uint8_t>(src.begin() + 8, src.end()));
  EXPECT_EQ(bufconf_from_contiguous(&v, src.data(), 12, 'F'), BUFCONF_MIRROR_OK);
  for (size_t j = 0; j < 4; ++j) EXPECT_EQ(data[j], src[j * 3 + 2]);
  // Overlapping strides (items 2 bytes apart, 4 bytes each): in order, item by item.
  std::vector<uint8_t> mem(10, 0), expect(10, 0);
  std::vector<ptrdiff_t> s1 = {4}, t1 = {2};
  bufconf_view o = View(mem.data(), 4, s1, t1);
  const std::vector<uint8_t> items = Iota(16);
  for (size_t i = 0; i < 4; ++i) std::memcpy(&expect[i * 2], &items[i * 4], 4);
  EXPECT_EQ(bufconf_from_contiguous(&o, items.data(), 16, 'C'), BUFCONF_MIRROR_OK);
  EXPECT_EQ(mem, expect);
}

// The output buffer may overlap the view it mirrors.
TEST(Mirror, ToContiguousIntoTheViewsOwnMemory) {
  std::vector<uint8_t> data = Iota(1000), expect(1000);
  std::vector<ptrdiff_t> shape = {1000}, strides = {-1};
  bufconf_view v = View(data.data() + 999, 1, shape, strides);
  for (size_t i = 0; i < 1000; ++i) expect[i] = data[999 - i];
  EXPECT_EQ(bufconf_to_contiguous(data.data(), &v, 1000, 'C'), BUFCONF_MIRROR_OK);
  EXPECT_EQ(data, expect);
}

TEST(Mirror, CopyDataOntoItselfReversed) {
  std::vector<uint32_t> data(37 * 41);
  std::iota(data.begin(), data.end(), 0u);
  const std::vector<uint32_t> before = data;
  std::vector<ptrdiff_t> shape = {37, 41}, fwd = {41 * 4, 4}, rev = {-41 * 4, -4};
  bufconf_view src = View(data.data(), 4, shape, fwd);
  bufconf_view dst = View(data.data() + data.size() - 1, 4, shape, rev);
  EXPECT_EQ(bufconf_copy_data(&dst, &src), BUFCONF_MIRROR_OK);
  for (size_t i = 0; i < data.size(); ++i) EXPECT_EQ(data[i], before[data.size() - 1 - i]);
  EXPECT_EQ(bufconf_copy_data(&src, &src), BUFCONF_MIRROR_OK);  // the same view: nothing moves
}

TEST(Mirror, ArrayOfArraysGetPointerAndCopy) {
  // Three rows of 5 int32 each, anywhere; a table of row pointers (suboffset 4: each pointer is
  // 4 bytes before its row).
  std::vector<int32_t> rows[3];
  std::vector<char*> table(3);
  for (int r = 0; r < 3; ++r) {
    rows[r].resize(6);
    for (int c = 0; c < 6; ++c) rows[r][static_cast<size_t>(c)] = r * 10 + c;
    table[static_cast<size_t>(r)] = reinterpret_cast<char*>(rows[r].data());
  }
  std::vector<ptrdiff_t> shape = {3, 5}, strides = {static_cast<ptrdiff_t>(sizeof(char*)), 4},
                         sub = {4, -1};
  bufconf_view v = View(table.data(), 4, shape, strides, sub.data());
  std::vector<ptrdiff_t> index = {2, 3};
  EXPECT_EQ(bufconf_get_pointer(&v, index.data()), &rows[2][4]);
  EXPECT_EQ(bufconf_get_pointer(&v, nullptr), nullptr);
  std::vector<int32_t> out(15);
  EXPECT_EQ(bufconf_to_contiguous(out.data(), &v, 60, 'F'), BUFCONF_MIRROR_OK);
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 5; ++c) EXPECT_EQ(out[static_cast<size_t>(c * 3 + r)], r * 10 + c + 1);
  }
  std::vector<int32_t> fresh(15);
  std::iota(fresh.begin(), fresh.end(), 100);
  EXPECT_EQ(bufconf_from_contiguous(&v, fresh.data(), 60, 'C'), BUFCONF_MIRROR_OK);
  EXPECT_EQ(rows[1][1], 105);
  EXPECT_EQ(rows[1][0], 10);  // the byte before the row is not part of the view
}

// Rows of an array-of-arrays view that overlap (row pointers 2 items apart, rows of 4): writes
// go in C order, item by item, as CPython's do; likewise for rows that are the same row.
TEST(Mirror, ArrayOfArraysWithOverlappingRows) {
  for (const ptrdiff_t apart : {2, 0}) {
    std::vector<int16_t> data(16, -1), expect(16, -1);
    std::vector<char*> table(3);
    for (size_t r = 0; r < 3; ++r) table[r] = reinterpret_cast<char*>(&data[r * apart]);
    std::vector<ptrdiff_t> shape = {3, 4}, strides = {static_cast<ptrdiff_t>(sizeof(char*)), 2},
                           sub = {0, -1};
    bufconf_view v = View(table.data(), 2, shape, strides, sub.data());
    std::vector<int16_t> src(12);
    std::iota(src.begin(), src.end(), 100);
    for (const char order : {'C', 'F'}) {
      for (size_t e = 0; e < 12; ++e) {
        const size_t r = order == 'C' ? e / 4 : e % 3, c = order == 'C' ? e % 4 : e / 3;
        expect[r * static_cast<size_t>(apart) + c] = src[e];
      }
      EXPECT_EQ(bufconf_from_contiguous(&v, src.data(), 24, order), BUFCONF_MIRROR_OK);
      EXPECT_EQ(data, expect) << "rows " << apart << " items apart, order " << order;
    }
  }
}

// Each kernel against a plain loop: transposes (tiles, SIMD blocks and their ragged edges) for
// every specialised item size, reversed lines, broadcasts, runs.
template <typename Expect>
void CheckAgainstLoop(ptrdiff_t itemsize, std::vector<ptrdiff_t> shape,
                      std::vector<ptrdiff_t> strides, ptrdiff_t origin, size_t memory, char order,
                      Expect element_offset) {
  std::vector<uint8_t> data = Iota(memory);
  bufconf_view v = View(data.data() + origin, itemsize, shape, strides);
  std::vector<uint8_t> out(static_cast<size_t>(v.len) + 1, 0xEE), expect;
  ASSERT_EQ(bufconf_to_contiguous(out.data(), &v, v.len, order), BUFCONF_MIRROR_OK);
  ASSERT_EQ(out.back(), 0xEE);
  out.pop_back();
  const ptrdiff_t rows = shape[0], cols = shape.size() > 1 ? shape[1] : 1;
  for (ptrdiff_t e = 0; e < rows * cols; ++e) {
    const ptrdiff_t i = order == 'F' ? e % rows : e / cols, j = order == 'F' ? e / rows : e % cols;
    const uint8_t* p = data.data() + origin + element_offset(i, j);
    expect.insert(expect.end(), p, p + itemsize);
  }
  EXPECT_EQ(out, expect) << "itemsize " << itemsize << " shape " << rows << "x" << cols;
}

TEST(Mirror, KernelsAgreeWithALoop) {
  for (ptrdiff_t k : {1, 2, 3, 4, 5, 6, 8, 12, 16, 24, 32, 40}) {
    for (ptrdiff_t n : {1, 3, 4, 5, 33, 67}) {
      const ptrdiff_t m = n + 2;
      // A C array (m x n) read transposed: (n x m) with strides (k, n*k).
      CheckAgainstLoop(k, {n, m}, {k, n * k}, 0, static_cast<size_t>(n * m * k), 'C',
                       [&](ptrdiff_t i, ptrdiff_t j) { return i * k + j * n * k; });
      // Fortran order out of a C array.
      CheckAgainstLoop(k, {m, n}, {n * k, k}, 0, static_cast<size_t>(n * m * k), 'F',
                       [&](ptrdiff_t i, ptrdiff_t j) { return i * n * k + j * k; });
      // Reversed rows, every other column.
      CheckAgainstLoop(k, {m, n}, {-2 * n * k, 2 * k}, (m - 1) * 2 * n * k,
                       static_cast<size_t>(2 * n * m * k), 'C',
                       [&](ptrdiff_t i, ptrdiff_t j) { return -i * 2 * n * k + j * 2 * k; });
      // Reversed line; broadcast rows.
      CheckAgainstLoop(k, {n * m}, {-k}, (n * m - 1) * k, static_cast<size_t>(n * m * k), 'C',
                       [&](ptrdiff_t i, ptrdiff_t) { return -i * k; });
      CheckAgainstLoop(k, {m, n}, {0, k}, 0, static_cast<size_t>(n * k), 'C',
                       [&](ptrdiff_t, ptrdiff_t j) { return j * k; });
      CheckAgainstLoop(k, {m, n}, {k, 0}, 0, static_cast<size_t>(m * k), 'C',
                       [&](ptrdiff_t i, ptrdiff_t) { return i * k; });
    }
  }
}

// Every transpose kernel called directly (the one-shot calls only reach the variant this
// processor selects): ragged extents, and bases misaligned by 0..31 bytes on both sides.
TEST(Mirror, TransposeKernelsAgreeWithALoop) {
  using bufconf::mirror::Dim;
  using bufconf::mirror::PlaneFn;
  struct Kernel {
    const char* name;
    ptrdiff_t k;
    PlaneFn fn;
  };
  std::vector<Kernel> kernels = {{"TileK<4>", 4, bufconf::mirror::TileK<4>},
                                 {"TileAny(3)", 3, bufconf::mirror::TileAny}};
#if defined(__SSE2__)
  kernels.push_back({"Tile1Sse2", 1, bufconf::mirror::Tile1Sse2});
  kernels.push_back({"Tile2Sse2", 2, bufconf::mirror::Tile2Sse2});
  kernels.push_back({"Tile4Sse2", 4, bufconf::mirror::Tile4Sse2});
  kernels.push_back({"Tile8Sse2", 8, bufconf::mirror::Tile8Sse2});
#endif
#if defined(BUFCONF_MIRROR_AVX2)
  if (bufconf::mirror::HasAvx2()) {
    kernels.push_back({"Tile1Avx2", 1, bufconf::mirror::Tile1Avx2});
    kernels.push_back({"Tile2Avx2", 2, bufconf::mirror::Tile2Avx2});
    kernels.push_back({"Tile4Avx2", 4, bufconf::mirror::Tile4Avx2});
    kernels.push_back({"Tile8Avx2", 8, bufconf::mirror::Tile8Avx2});
  }
#endif
  for (const Kernel& kernel : kernels) {
    const ptrdiff_t k = kernel.k;
    for (const ptrdiff_t na : {1, 7, 8, 9, 70, 131}) {
      for (const ptrdiff_t nb : {1, 5, 16, 67, 140}) {
        for (const ptrdiff_t shift : {0, 1, 4, 8, 16, 20, 31}) {
          // Source: nb rows of na items (row pitch padded); destination: na rows of nb items.
          const ptrdiff_t spitch = na * k + 8 * k, dpitch = nb * k + 16 * k;
          std::vector<uint8_t> src = Iota(static_cast<size_t>(nb * spitch + 64));
          std::vector<uint8_t> dst(static_cast<size_t>(na * dpitch + 64), 0), expect = dst;
          const ptrdiff_t soff = shift, doff = (shift * 7) % 32;
          const Dim a = {na, dpitch, k}, b = {nb, k, spitch};
          for (ptrdiff_t i = 0; i < na; ++i) {
            for (ptrdiff_t j = 0; j < nb; ++j) {
              std::memcpy(&expect[static_cast<size_t>(doff + i * dpitch + j * k)],
                          &src[static_cast<size_t>(soff + j * spitch + i * k)],
                          static_cast<size_t>(k));
            }
          }
          kernel.fn(reinterpret_cast<char*>(dst.data()) + doff,
                    reinterpret_cast<const char*>(src.data()) + soff, a, b, k);
          ASSERT_EQ(dst, expect) << kernel.name << " " << na << "x" << nb << " shift " << shift;
        }
      }
    }
  }
}

#if defined(BUFCONF_MIRROR_AVX2)
// The packed transposes (L1 buffers, bands of destination lines, optional non-temporal stores)
// on line pitches that are multiples of 64 bytes, the only ones they take (others go whole to
// the direct kernel): full tiles, ragged tiles, several bands, and bases shifted by whole items
// (the destination's shift moves the grid; a shift that is not a multiple of 16 bytes keeps
// non-temporal stores out).
TEST(Mirror, PackedTransposeKernelsAgreeWithALoop) {
  using bufconf::mirror::Dim;
  using bufconf::mirror::PlaneFn;
  if (!bufconf::mirror::HasAvx2()) GTEST_SKIP() << "no AVX2 on this processor";
  struct Kernel {
    const char* name;
    ptrdiff_t k;
    PlaneFn fn;
  };
  const Kernel kernels[] = {
      {"Packed1Avx2<false>", 1, bufconf::mirror::Packed1Avx2<false>},
      {"Packed1Avx2<true>", 1, bufconf::mirror::Packed1Avx2<true>},
      {"Packed2Avx2<false>", 2, bufconf::mirror::Packed2Avx2<false>},
      {"Packed2Avx2<true>", 2, bufconf::mirror::Packed2Avx2<true>},
      {"Packed4Avx2<false>", 4, bufconf::mirror::Packed4Avx2<false>},
      {"Packed4Avx2<true>", 4, bufconf::mirror::Packed4Avx2<true>},
      {"Packed8Avx2<false>", 8, bufconf::mirror::Packed8Avx2<false>},
      {"Packed8Avx2<true>", 8, bufconf::mirror::Packed8Avx2<true>},
  };
  for (const Kernel& kernel : kernels) {
    const ptrdiff_t k = kernel.k;
    for (const ptrdiff_t na : {1, 31, 128, 129, 1100}) {
      for (const ptrdiff_t nb : {3, 128, 300}) {
        for (const ptrdiff_t shift : {0, 1, 3, 8}) {
          const ptrdiff_t spitch = (na * k + 63) / 64 * 64 + 64;
          const ptrdiff_t dpitch = (nb * k + 63) / 64 * 64 + 128;
          std::vector<uint8_t> src = Iota(static_cast<size_t>(nb * spitch + 64 * k));
          std::vector<uint8_t> dst(static_cast<size_t>(na * dpitch + 64 * k), 0), expect = dst;
          const ptrdiff_t soff = shift * k + 64, doff = (3 * shift % 8) * k + 64;
          const Dim a = {na, dpitch, k}, b = {nb, k, spitch};
          for (ptrdiff_t i = 0; i < na; ++i) {
            for (ptrdiff_t j = 0; j < nb; ++j) {
              std::memcpy(&expect[static_cast<size_t>(doff + i * dpitch + j * k)],
                          &src[static_cast<size_t>(soff + j * spitch + i * k)],
                          static_cast<size_t>(k));
            }
          }
          kernel.fn(reinterpret_cast<char*>(dst.data()) + doff,
                    reinterpret_cast<const char*>(src.data()) + soff, a, b, k);
          ASSERT_EQ(dst, expect) << kernel.name << " " << na << "x" << nb << " shift " << shift;
        }
      }
    }
  }
}
#endif

#if defined(__SSE2__)
// The gathers into contiguous lines, on every stride kind: positive, negative, zero, unaligned.
TEST(Mirror, GatherKernelsAgreeWithALoop) {
  using bufconf::mirror::Dim;
  using bufconf::mirror::PlaneFn;
  for (const auto& [k, fn] : {std::pair<ptrdiff_t, PlaneFn>{4, bufconf::mirror::PlaneGather4},
                              std::pair<ptrdiff_t, PlaneFn>{8, bufconf::mirror::PlaneGather8}}) {
    for (const ptrdiff_t stride : {2 * k, 3 * k + 1, -k, -2 * k, ptrdiff_t{0}, 17 * k}) {
      for (const ptrdiff_t n : {1, 3, 4, 5, 8, 9, 67}) {
        const ptrdiff_t lines = 3, reach = std::abs(stride) * n + k, pitch = reach + 5;
        std::vector<uint8_t> src = Iota(static_cast<size_t>(lines * pitch + 64));
        std::vector<uint8_t> dst(static_cast<size_t>(lines * n * k + 16), 9), expect = dst;
        const ptrdiff_t base = stride < 0 ? reach - k : 0;  // item 0's offset in a line
        for (ptrdiff_t i = 0; i < lines; ++i) {
          for (ptrdiff_t j = 0; j < n; ++j) {
            std::memcpy(&expect[static_cast<size_t>(i * n * k + j * k)],
                        &src[static_cast<size_t>(i * pitch + base + j * stride)],
                        static_cast<size_t>(k));
          }
        }
        fn(reinterpret_cast<char*>(dst.data()), reinterpret_cast<const char*>(src.data()) + base,
           Dim{lines, n * k, pitch}, Dim{n, k, stride}, k);
        ASSERT_EQ(dst, expect) << "k " << k << " stride " << stride << " n " << n;
      }
    }
  }
}

// Long runs with non-temporal stores: every length around the 64-byte steps, every alignment of
// the destination, and nothing written outside the runs.
TEST(Mirror, StreamingRunsAgreeWithMemcpy) {
  using bufconf::mirror::Dim;
  for (const ptrdiff_t k : {512, 513, 575, 4096 + 17, 4 * 4096, 3 * 16384 + 100}) {
    for (ptrdiff_t shift = 0; shift < 20; ++shift) {
      const ptrdiff_t lines = 3, pitch = k + 40;
      std::vector<uint8_t> src = Iota(static_cast<size_t>(lines * pitch + 64));
      std::vector<uint8_t> dst(static_cast<size_t>(lines * pitch + 64), 7), expect = dst;
      for (ptrdiff_t i = 0; i < lines; ++i) {
        std::memcpy(&expect[static_cast<size_t>(shift + i * pitch)],
                    &src[static_cast<size_t>(5 + i * pitch)], static_cast<size_t>(k));
      }
      bufconf::mirror::PlaneRunStream(reinterpret_cast<char*>(dst.data()) + shift,
                                      reinterpret_cast<const char*>(src.data()) + 5,
                                      Dim{lines, pitch, pitch}, Dim{1, 0, 0}, k);
      ASSERT_EQ(dst, expect) << "run of " << k << " bytes, destination shifted by " << shift;
    }
  }
}
#endif

}  // namespace
