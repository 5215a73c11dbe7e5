// bufconf mirror against the reference model (reference/layout/mirror.h), byte for byte, on
// generated layouts realized in real memory: large ones (thousands of elements, odd itemsizes,
// negative and zero strides, transposes, dimensions that merge or not, array-of-arrays), the
// conformance suite's algorithm cases (edge layouts, 0-d, empty), and NULL-shape views. One
// oracle, no hand-written expectations: every result is what the model computes on a snapshot
// of the same memory.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <numeric>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "conformance/adapter/real_layout.h"
#include "conformance/generators/layout_gen.h"
#include "conformance/generators/rc_support.h"
#include "conformance/suite/cases.h"
#include "mirror/bufconf_mirror.h"
#include "mirror/buffer_view.h"
#include "reference/layout/addressing.h"
#include "reference/layout/mirror.h"

namespace bufconf::mirror_test {
namespace {

using conformance::RealLayout;
using conformance::Snapshot;
using gen::Layout;

// ---- generators ----

int Choice(int n) { return *rc::gen::resize(100, rc::gen::inRange(0, n)); }

int64_t OddItemsize() {
  static const std::vector<int64_t> kSizes = {1, 2, 4, 8, 3, 5, 12, 16, 24};
  return kSizes[static_cast<size_t>(Choice(static_cast<int>(kSizes.size())))];
}

std::optional<std::string> FormatOf(int64_t itemsize) {
  return itemsize == 1 ? std::string("B") : std::to_string(itemsize) + "s";
}

// Thousands of elements in 1..5 dimensions, through layout_gen's physical arrangements (C,
// Fortran, permuted; padding, steps, negative and zero strides); a third made array-of-arrays.
rc::Gen<Layout> BigLayout() {
  return rc::gen::exec([] {
    const int ndim = 1 + Choice(5);
    const int64_t target = *rc::gen::inRange<int64_t>(1000, 20000);
    std::vector<int64_t> shape;
    int64_t product = 1;
    for (int d = 0; d < ndim; ++d) {
      int64_t extent = d + 1 == ndim ? std::max<int64_t>(1, target / product)
                                     : *rc::gen::inRange<int64_t>(1, 40);
      extent = std::min(extent, std::max<int64_t>(1, target / product));
      product *= extent;
      shape.push_back(extent);
    }
    // The big extent anywhere, not only last.
    std::rotate(shape.begin(), shape.begin() + Choice(ndim), shape.end());
    const int64_t itemsize = OddItemsize();
    gen::LayoutGenOptions options;
    options.max_elements = 1 << 20;
    Layout l = *gen::StridedLayoutOfShape(shape, itemsize, FormatOf(itemsize), options);
    if (Choice(3) == 0) l = *gen::ArrayOfArrays(l);
    return l;
  });
}

// Dimensions in consecutive groups that are contiguous inside (they merge), the groups in a
// random physical order (transposes), some groups reversed, some strides negative or zero, or
// small enough that items overlap.
rc::Gen<Layout> BlockedLayout() {
  return rc::gen::exec([] {
    const int ndim = 2 + Choice(5);
    std::vector<int64_t> shape(static_cast<size_t>(ndim));
    int64_t product = 1;
    for (int64_t& e : shape) {
      e = std::min<int64_t>(*rc::gen::inRange<int64_t>(1, 17),
                            std::max<int64_t>(1, 30000 / product));
      product *= e;
    }
    const int64_t itemsize = OddItemsize();
    // Groups: cut points between dimensions.
    std::vector<std::vector<int>> groups(1);
    for (int d = 0; d < ndim; ++d) {
      if (d > 0 && Choice(2) == 1) groups.emplace_back();
      groups.back().push_back(d);
    }
    for (auto& g : groups) {
      if (Choice(4) == 3) std::reverse(g.begin(), g.end());
    }
    for (size_t i = groups.size(); i > 1; --i) {
      std::swap(groups[i - 1], groups[static_cast<size_t>(Choice(static_cast<int>(i)))]);
    }
    std::vector<int> physical;  // outermost first
    for (const auto& g : groups) physical.insert(physical.end(), g.begin(), g.end());
    const int64_t pitch = itemsize + (Choice(4) == 3 ? 1 + Choice(3) : 0);
    std::vector<int64_t> strides(static_cast<size_t>(ndim));
    int64_t acc = pitch;
    for (size_t k = physical.size(); k-- > 0;) {
      const size_t d = static_cast<size_t>(physical[k]);
      strides[d] = acc;
      acc *= shape[d];
      if (Choice(6) == 5) acc += pitch;  // padding: this dimension does not merge outwards
    }
    for (int64_t& s : strides) {
      const int c = Choice(10);
      if (c < 2) s = -s;
      if (c == 2) s = 0;
    }
    // Sometimes a stride that makes items overlap (writes through the view alias).
    const bool overlapping = Choice(6) == 5;
    if (overlapping) {
      strides[static_cast<size_t>(Choice(ndim))] =
          *rc::gen::inRange<int64_t>(-2 * itemsize, 2 * itemsize + 1);
    }
    int64_t lo = 0, hi = 0;
    for (size_t d = 0; d < shape.size(); ++d) {
      const int64_t reach = strides[d] * (shape[d] - 1);
      (reach < 0 ? lo : hi) += reach;
    }
    hi += itemsize;
    const int64_t head = Choice(16);
    layout::Region data;
    data.base = 0x100000;
    data.name = "data";
    data.bytes = *gen::RandomBytes(static_cast<size_t>(hi - lo + head + Choice(16)));
    Layout l;
    l.view.buf = data.base + static_cast<uint64_t>(head - lo);
    l.view.itemsize = itemsize;
    l.view.len = product * itemsize;
    l.view.readonly = Choice(2);
    l.view.ndim = ndim;
    l.view.format = FormatOf(itemsize);
    l.view.shape = shape;
    l.view.strides = strides;
    l.memory.AddRegion(std::move(data));
    if (Choice(overlapping ? 2 : 4) == 0) l = *gen::ArrayOfArrays(l);
    return l;
  });
}

// Transposes of items of 1, 2, 4 or 8 bytes, large enough for several tiles and bands of the
// packed transpose kernels (up to 700 lines a side, at most 64 KiB), their lines often a
// multiple of 64 bytes (the pitches those kernels take), the source's pitch sometimes padded,
// sometimes under an outer dimension or as an array of arrays.
rc::Gen<Layout> TransposeLayout() {
  return rc::gen::exec([] {
    const int64_t k = int64_t{1} << Choice(4);
    const int64_t per_line = 64 / k;  // items in 64 bytes
    auto extent = [&] {
      const int64_t e = *rc::gen::inRange<int64_t>(1, 701);
      return Choice(2) == 0 ? std::max(per_line, e / per_line * per_line) : e;
    };
    const int64_t rows = extent();
    const int64_t cols = std::min(extent(), std::max<int64_t>(1, (64 << 10) / (k * rows)));
    const int64_t pitch = cols * k + (Choice(3) == 0 ? 64 * (1 + Choice(2)) : 0);
    const int64_t outer = Choice(4) == 0 ? 2 + Choice(2) : 1;
    const int64_t head = k * Choice(9);
    layout::Region data;
    data.base = 0x300000;
    data.name = "data";
    data.bytes = *gen::RandomBytes(static_cast<size_t>(outer * rows * pitch + head));
    Layout l;
    l.view.buf = data.base + static_cast<uint64_t>(head);
    l.view.itemsize = k;
    l.view.readonly = Choice(2);
    l.view.format = FormatOf(k);
    if (outer > 1) {
      l.view.ndim = 3;
      l.view.shape = std::vector<int64_t>{outer, cols, rows};
      l.view.strides = std::vector<int64_t>{rows * pitch, k, pitch};
    } else {
      l.view.ndim = 2;
      l.view.shape = std::vector<int64_t>{cols, rows};
      l.view.strides = std::vector<int64_t>{k, pitch};
    }
    l.view.len = outer * rows * cols * k;
    l.memory.AddRegion(std::move(data));
    if (Choice(5) == 0) l = *gen::ArrayOfArrays(l);
    return l;
  });
}

// shape NULL (ndim 1..3): len bytes, whatever itemsize says.
rc::Gen<Layout> NullShapeLayout() {
  return rc::gen::exec([] {
    const int64_t len = *rc::gen::inRange<int64_t>(0, 5000);
    layout::Region data;
    data.base = 0x200000;
    data.name = "data";
    const int slack = Choice(8);
    data.bytes = *gen::RandomBytes(static_cast<size_t>(len + slack));
    Layout l;
    l.view.buf = data.base + static_cast<uint64_t>(Choice(slack + 1));
    l.view.len = len;
    l.view.itemsize = OddItemsize();
    l.view.ndim = 1 + Choice(3);
    l.view.readonly = 0;
    l.memory.AddRegion(std::move(data));
    return l;
  });
}

rc::Gen<Layout> AnyLayoutOnce() {
  return rc::gen::weightedOneOf<Layout>({{3, BigLayout()},
                                         {3, BlockedLayout()},
                                         {1, TransposeLayout()},
                                         {3, rc::gen::map(suite::GenAlgorithmCase(),
                                                          [](const suite::AlgorithmCase& c) {
                                                            Layout l;
                                                            l.view = c.view;
                                                            l.memory = c.memory;
                                                            return l;
                                                          })},
                                         {1, NullShapeLayout()}});
}

// Any of the above; sometimes with all-negative suboffsets (no dereference, but never
// contiguous for PyBuffer_IsContiguous: the item path even for an empty view).
rc::Gen<Layout> AnyLayout() {
  return rc::gen::exec([] {
    Layout l = *AnyLayoutOnce();
    if (l.view.ndim > 0 && l.view.strides && !l.view.suboffsets && Choice(8) == 0) {
      l.view.suboffsets = std::vector<int64_t>(static_cast<size_t>(l.view.ndim), -1);
    }
    return l;
  });
}

// ---- real memory and the model ----

using bufconf::mirror::ViewOf;

Snapshot Snap(const RealLayout& r) {
  return conformance::TakeSnapshot(r.view, r.regions.data(), r.regions.size());
}

// The bytes of every region of `r` now.
std::vector<std::vector<uint8_t>> Contents(const RealLayout& r) {
  std::vector<std::vector<uint8_t>> out;
  for (const bufconf_region& region : r.regions) {
    const auto* p = static_cast<const uint8_t*>(region.base);
    out.emplace_back(p, p + region.size);
  }
  return out;
}

// The model's memory after an operation, in the order of r.regions.
std::vector<std::vector<uint8_t>> Contents(const RealLayout& r, const layout::Memory& m) {
  std::vector<std::vector<uint8_t>> out;
  for (const bufconf_region& region : r.regions) {
    const uint64_t a = conformance::Address(region.base);
    const uint8_t* p = region.size > 0 ? m.Read(a, region.size) : nullptr;
    out.emplace_back(p, p + region.size);
  }
  return out;
}

// Different item bytes for the same layout (pointer tables kept).
Layout Refill(Layout l) {
  layout::Memory memory;
  for (layout::Region r : l.memory.regions()) {
    if (r.name.rfind("pointers", 0) != 0) r.bytes = *gen::RandomBytes(r.bytes.size());
    memory.AddRegion(std::move(r));
  }
  l.memory = std::move(memory);
  return l;
}

std::vector<uint8_t> ToContiguousWithSentinel(const bufconf_view& v, char order, int* rc) {
  std::vector<uint8_t> out(static_cast<size_t>(v.len) + 16, 0xA5);
  *rc = bufconf_to_contiguous(out.data(), &v, v.len, order);
  return out;
}

void AssertToContiguous(const RealLayout& real, const Snapshot& s, const std::string& what) {
  const bufconf_view v = ViewOf(real.view);
  for (const char order : {'C', 'F', 'A'}) {
    const std::vector<uint8_t> expected = layout::ToContiguous(s.view, s.memory, s.view.len, order);
    int rc;
    std::vector<uint8_t> got = ToContiguousWithSentinel(v, order, &rc);
    RC_ASSERT(rc == BUFCONF_MIRROR_OK);
    RC_ASSERT(std::all_of(got.end() - 16, got.end(), [](uint8_t b) { return b == 0xA5; }));
    got.resize(got.size() - 16);
    if (got != expected) RC_FAIL(what + ": to_contiguous order " + order + " differs");
  }
}

// ---- properties ----

TEST(MirrorProperties, ToContiguousEqualsTheModel) {
  gen::CheckAtLeast(300, [] {
    const Layout l = *AnyLayout();
    const std::unique_ptr<RealLayout> real = conformance::Realize(l.view, l.memory);
    AssertToContiguous(*real, Snap(*real), "one-shot");
  });
}

TEST(MirrorProperties, FromContiguousEqualsTheModel) {
  gen::CheckAtLeast(300, [] {
    const Layout l = *AnyLayout();
    const std::vector<uint8_t> bytes = *gen::RandomBytes(static_cast<size_t>(l.view.len));
    for (const char order : {'C', 'F', 'A'}) {
      const std::unique_ptr<RealLayout> real = conformance::Realize(l.view, l.memory);
      Snapshot expected = Snap(*real);
      layout::FromContiguous(expected.view, expected.memory, bytes, order);
      const bufconf_view v = ViewOf(real->view);
      const int rc =
          bufconf_from_contiguous(&v, bytes.data(), static_cast<ptrdiff_t>(bytes.size()), order);
      RC_ASSERT(rc == BUFCONF_MIRROR_OK);
      if (Contents(*real) != Contents(*real, expected.memory)) {
        RC_FAIL(std::string("from_contiguous order ") + order + " left other memory");
      }
    }
  });
}

// Into a view of another layout of the same shape, in its own memory.
TEST(MirrorProperties, CopyDataEqualsTheModel) {
  gen::CheckAtLeast(300, [] {
    const Layout src = *AnyLayout();
    const layout::FullView full = layout::Expand(src.view);
    const int64_t itemsize = full.itemsize;
    Layout dest;
    if (src.view.ndim == 0) {
      dest = src;
    } else {
      gen::LayoutGenOptions options;
      options.max_elements = 1 << 20;
      dest = *gen::StridedLayoutOfShape(full.shape, itemsize, FormatOf(itemsize), options);
      if (Choice(3) == 0) dest = *gen::ArrayOfArrays(dest);
    }
    dest.view.readonly = 0;
    const std::unique_ptr<RealLayout> d = conformance::Realize(dest.view, dest.memory);
    const std::unique_ptr<RealLayout> s = conformance::Realize(src.view, src.memory);
    Snapshot expected = Snap(*d);
    const Snapshot ss = Snap(*s);
    layout::CopyData(expected.view, expected.memory, ss.view, ss.memory);
    const bufconf_view dv = ViewOf(d->view), sv = ViewOf(s->view);
    RC_ASSERT(bufconf_copy_data(&dv, &sv) == BUFCONF_MIRROR_OK);
    RC_ASSERT(Contents(*d) == Contents(*d, expected.memory));
  });
}

// Both views over the same memory: the source, and the source with some dimensions reversed
// (an in-place reversal, overlapping everywhere), or the very same view.
TEST(MirrorProperties, OverlappingCopyDataEqualsTheModel) {
  gen::CheckAtLeast(300, [] {
    Layout l = *AnyLayout();
    l.view.readonly = 0;
    const std::unique_ptr<RealLayout> real = conformance::Realize(l.view, l.memory);
    const bufconf_view sv = ViewOf(real->view);
    bufconf_view dv = sv;
    std::vector<ptrdiff_t> strides;
    if (sv.ndim > 0 && sv.shape != nullptr && sv.strides != nullptr) {
      strides.assign(sv.strides, sv.strides + sv.ndim);
      // Reversible: dimensions up to the first that dereferences (the offset goes into buf).
      int limit = sv.ndim;
      if (sv.suboffsets != nullptr) {
        for (int i = 0; i < sv.ndim; ++i) {
          if (sv.suboffsets[i] >= 0) {
            limit = i + 1;
            break;
          }
        }
      }
      auto* buf = static_cast<char*>(sv.buf);
      for (int i = 0; i < limit; ++i) {
        if (sv.shape[i] > 0 && Choice(2) == 1) {
          buf += strides[static_cast<size_t>(i)] * (sv.shape[i] - 1);
          strides[static_cast<size_t>(i)] = -strides[static_cast<size_t>(i)];
        }
      }
      dv.buf = buf;
      dv.strides = strides.data();
    }
    const bool reversed_is_dest = Choice(2) == 0;
    const bufconf_view& to = reversed_is_dest ? dv : sv;
    const bufconf_view& from = reversed_is_dest ? sv : dv;
    Snapshot model = Snap(*real);
    // The same memory seen through both views, with real addresses.
    layout::Descriptor to_model = model.view, from_model = model.view;
    to_model.buf = conformance::Address(to.buf);
    from_model.buf = conformance::Address(from.buf);
    if (to_model.strides) to_model.strides->assign(to.strides, to.strides + to.ndim);
    if (from_model.strides) from_model.strides->assign(from.strides, from.strides + from.ndim);
    layout::CopyData(to_model, model.memory, from_model, model.memory);
    RC_ASSERT(bufconf_copy_data(&to, &from) == BUFCONF_MIRROR_OK);
    RC_ASSERT(Contents(*real) == Contents(*real, model.memory));
  });
}

struct Visit {
  uint64_t address;
  std::vector<int64_t> index;
  bool operator==(const Visit& o) const { return address == o.address && index == o.index; }
};

TEST(MirrorProperties, ForEachVisitsTheModelsElementsInOrder) {
  gen::CheckAtLeast(200, [] {
    const Layout l = *AnyLayout();
    const std::unique_ptr<RealLayout> real = conformance::Realize(l.view, l.memory);
    const Snapshot s = Snap(*real);
    const layout::FullView full = layout::Expand(s.view);
    const bufconf_view v = ViewOf(real->view);
    for (const char order : {'C', 'F'}) {
      std::vector<Visit> expected;
      const std::vector<uint64_t> addresses = layout::ElementAddresses(full, s.memory, order);
      layout::ForEachIndex(full.shape, order, [&](const std::vector<int64_t>& index) {
        expected.push_back({addresses[expected.size()], index});
      });
      struct Ctx {
        std::vector<Visit> visits;
        size_t ndim;
      } ctx{{}, full.shape.size()};
      const int rc = bufconf_for_each(
          &v, order,
          [](void* c, void* item, const ptrdiff_t* index) {
            auto* x = static_cast<Ctx*>(c);
            x->visits.push_back({conformance::Address(item), {index, index + x->ndim}});
            return 0;
          },
          &ctx);
      RC_ASSERT(rc == BUFCONF_MIRROR_OK);
      RC_ASSERT(ctx.visits == expected);
    }
  });
}

// Run options: 1 to 4 threads with blocks as small as one byte (the default 1 MiB would keep
// these layouts on one thread), non-temporal stores always, never or by default.
bufconf_mirror_options Options() {
  bufconf_mirror_options o{};
  o.threads = *rc::gen::inRange(0, 5);
  o.thread_min_bytes = *rc::gen::element<ptrdiff_t>(0, 1, 64, 4096);
  o.stream_min_bytes = *rc::gen::element<ptrdiff_t>(-1, 0, 1);
  return o;
}

// A plan made on one realization runs on another (other memory, other bytes), twice each, under
// run options of every kind (threads, non-temporal stores): the same bytes as the model.
TEST(MirrorProperties, PlansRunOnAnyBufferOfTheirLayout) {
  gen::CheckAtLeast(150, [] {
    const bufconf_mirror_options options = Options();
    const Layout l1 = *AnyLayout();
    const Layout l2 = Refill(l1);
    const std::unique_ptr<RealLayout> r1 = conformance::Realize(l1.view, l1.memory);
    const std::unique_ptr<RealLayout> r2 = conformance::Realize(l2.view, l2.memory);
    const bufconf_view v1 = ViewOf(r1->view), v2 = ViewOf(r2->view);
    const char order = *rc::gen::element('C', 'F', 'A');
    // to_contiguous
    bufconf_mirror_plan* plan = nullptr;
    RC_ASSERT(bufconf_mirror_plan_to_contiguous(&v1, order, &plan) == BUFCONF_MIRROR_OK);
    RC_ASSERT(bufconf_mirror_plan_bytes(plan) == v1.len);
    for (int round = 0; round < 2; ++round) {
      for (const RealLayout* r : {r2.get(), r1.get()}) {
        const Snapshot s = Snap(*r);
        std::vector<uint8_t> got(static_cast<size_t>(v1.len), 0);
        RC_ASSERT(bufconf_mirror_run_with(plan, got.data(), r->view.buf, &options) ==
                  BUFCONF_MIRROR_OK);
        RC_ASSERT(got == layout::ToContiguous(s.view, s.memory, s.view.len, order));
      }
    }
    bufconf_mirror_plan_free(plan);
    // from_contiguous
    const std::vector<uint8_t> bytes = *gen::RandomBytes(static_cast<size_t>(v1.len));
    RC_ASSERT(bufconf_mirror_plan_from_contiguous(&v2, order, &plan) == BUFCONF_MIRROR_OK);
    for (const RealLayout* r : {r1.get(), r2.get()}) {
      Snapshot expected = Snap(*r);
      layout::FromContiguous(expected.view, expected.memory, bytes, order);
      RC_ASSERT(bufconf_mirror_run_with(plan, r->view.buf, bytes.data(), &options) ==
                BUFCONF_MIRROR_OK);
      RC_ASSERT(Contents(*r) == Contents(*r, expected.memory));
    }
    bufconf_mirror_plan_free(plan);
    // copy: r2 (its bytes now) into r1 and back, with one plan each way
    bufconf_view w1 = v1, w2 = v2;
    w1.readonly = w2.readonly = 0;
    bufconf_mirror_plan* there = nullptr;
    bufconf_mirror_plan* back = nullptr;
    RC_ASSERT(bufconf_mirror_plan_copy(&w1, &w2, &there) == BUFCONF_MIRROR_OK);
    RC_ASSERT(bufconf_mirror_plan_copy(&w2, &w1, &back) == BUFCONF_MIRROR_OK);
    for (const auto& [plan_used, to, from] :
         {std::tuple{there, r1.get(), r2.get()}, std::tuple{back, r2.get(), r1.get()}}) {
      Snapshot expected = Snap(*to);
      const Snapshot source = Snap(*from);
      layout::CopyData(expected.view, expected.memory, source.view, source.memory);
      RC_ASSERT(bufconf_mirror_run_with(plan_used, to->view.buf, from->view.buf, &options) ==
                BUFCONF_MIRROR_OK);
      RC_ASSERT(Contents(*to) == Contents(*to, expected.memory));
    }
    bufconf_mirror_plan_free(there);
    bufconf_mirror_plan_free(back);
  });
}

}  // namespace
}  // namespace bufconf::mirror_test
