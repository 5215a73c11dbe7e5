// Properties of the layout reference model's own consistency: contiguous mirroring, element
// addressing (strides and suboffsets), contiguity, array-of-arrays equivalence, the request
// oracle and CopyData, on generated strided and PIL-style layouts.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "conformance/generators/layout_gen.h"
#include "conformance/generators/rc_support.h"
#include "reference/layout/addressing.h"
#include "reference/layout/contiguity.h"
#include "reference/layout/descriptor.h"
#include "reference/layout/mirror.h"
#include "reference/layout/request.h"

namespace bufconf::layout {
namespace {

using gen::CheckAtLeast;
using gen::Layout;
using Chunk = std::vector<uint8_t>;

// A strided layout, or (half the time) an array-of-arrays version of one.
Layout AnyLayout() {
  Layout l = *gen::StridedLayout();
  if (*rc::gen::arbitrary<bool>()) l = *gen::ArrayOfArrays(l);
  RC_LOG() << "layout: " << gen::Describe(l) << "\n";
  return l;
}

std::vector<uint64_t> Addresses(const Layout& l, char order) {
  return ElementAddresses(Expand(l.view), l.memory, order);
}

// The bytes of the elements at `addresses`, concatenated.
std::vector<uint8_t> Gather(const Memory& memory, const std::vector<uint64_t>& addresses,
                            int64_t itemsize) {
  std::vector<uint8_t> out;
  for (uint64_t a : addresses) {
    const uint8_t* p = memory.Read(a, static_cast<uint64_t>(itemsize));
    out.insert(out.end(), p, p + itemsize);
  }
  return out;
}

std::vector<Chunk> SortedChunks(const std::vector<uint8_t>& bytes, int64_t itemsize) {
  std::vector<Chunk> chunks;
  for (size_t at = 0; at < bytes.size(); at += static_cast<size_t>(itemsize)) {
    chunks.emplace_back(bytes.begin() + static_cast<long>(at),
                        bytes.begin() + static_cast<long>(at) + itemsize);
  }
  std::sort(chunks.begin(), chunks.end());
  return chunks;
}

// No two elements share a byte.
bool Disjoint(std::vector<uint64_t> addresses, int64_t itemsize) {
  std::sort(addresses.begin(), addresses.end());
  for (size_t i = 1; i < addresses.size(); ++i) {
    if (addresses[i] - addresses[i - 1] < static_cast<uint64_t>(itemsize)) return false;
  }
  return true;
}

// An element walk written independently of addressing.cc: nested loops, one per dimension, each
// adding index * stride and then following the pointer when the suboffset is >= 0.
void Walk(const FullView& v, const Memory& memory, size_t dim, uint64_t p,
          std::vector<uint64_t>& out) {
  if (dim == v.shape.size()) {
    out.push_back(p);
    return;
  }
  for (int64_t i = 0; i < v.shape[dim]; ++i) {
    uint64_t q = p + static_cast<uint64_t>(i * v.strides[dim]);
    if (v.suboffsets[dim] >= 0)
      q = memory.ReadPointer(q) + static_cast<uint64_t>(v.suboffsets[dim]);
    Walk(v, memory, dim + 1, q, out);
  }
}

// The position of `index` in C or Fortran order.
size_t Linear(const std::vector<int64_t>& shape, const std::vector<int64_t>& index, char order) {
  size_t at = 0;
  for (size_t k = 0; k < shape.size(); ++k) {
    const size_t i = order == 'F' ? shape.size() - 1 - k : k;
    at = at * static_cast<size_t>(shape[i]) + static_cast<size_t>(index[i]);
  }
  return at;
}

// The contiguity definition of PyBuffer_IsContiguous, stated as: the strides (explicit, or the
// C strides a NULL means) agree with the contiguous strides of `order` on every dimension of
// extent > 1.
bool ExpectedContiguous(const Descriptor& v, char order) {
  if (v.suboffsets) return false;
  if (v.len == 0) return true;
  if (!v.strides && order == 'C') return true;
  const FullView full = Expand(v);
  const std::vector<int64_t> want = FillContiguousStrides(full.shape, v.itemsize, order);
  for (size_t i = 0; i < full.shape.size(); ++i) {
    if (full.shape[i] > 1 && full.strides[i] != want[i]) return false;
  }
  return true;
}

// (1) FromContiguous then ToContiguous in the same order gives back the bytes, when no two
// elements share a byte (strided and array-of-arrays layouts; orders C, F, A).
TEST(LayoutMirror, FromThenToContiguousRoundTrips) {
  CheckAtLeast(300, [] {
    const Layout l = AnyLayout();
    RC_PRE(Disjoint(Addresses(l, 'C'), l.view.itemsize));
    const char order = *rc::gen::element('C', 'F', 'A');
    const std::vector<uint8_t> bytes = *gen::RandomBytes(static_cast<size_t>(l.view.len));
    RC_LOG() << "order " << order << "\n";
    Memory memory = l.memory;
    FromContiguous(l.view, memory, bytes, order);
    RC_ASSERT(ToContiguous(l.view, memory, l.view.len, order) == bytes);
  });
}

// (2) Mirroring reads every element once: ToContiguous in C and F order are the elements read
// at ElementAddresses in that order (so the two are permutations of the same itemsize chunks),
// and 'A' is one of them.
TEST(LayoutMirror, ToContiguousIsAPermutationOfTheElements) {
  CheckAtLeast(300, [] {
    const Layout l = AnyLayout();
    const int64_t itemsize = l.view.itemsize;
    const std::vector<uint8_t> c = ToContiguous(l.view, l.memory, l.view.len, 'C');
    const std::vector<uint8_t> f = ToContiguous(l.view, l.memory, l.view.len, 'F');
    const std::vector<uint8_t> a = ToContiguous(l.view, l.memory, l.view.len, 'A');
    RC_ASSERT(c.size() == static_cast<size_t>(l.view.len));
    RC_ASSERT(c == Gather(l.memory, Addresses(l, 'C'), itemsize));
    RC_ASSERT(f == Gather(l.memory, Addresses(l, 'F'), itemsize));
    RC_ASSERT(SortedChunks(c, itemsize) == SortedChunks(f, itemsize));
    RC_ASSERT(a == c || a == f);
  });
}

// (3) An independent nested-loop walk visits exactly ElementAddresses(view, 'C') in order, and
// ElementAddresses(view, 'F') holds the same address for each index at its Fortran position.
TEST(LayoutAddressing, ElementAddressesMatchAnIndependentWalk) {
  CheckAtLeast(300, [] {
    const Layout l = AnyLayout();
    const FullView full = Expand(l.view);
    std::vector<uint64_t> walked;
    Walk(full, l.memory, 0, full.buf, walked);
    const std::vector<uint64_t> c = ElementAddresses(full, l.memory, 'C');
    const std::vector<uint64_t> f = ElementAddresses(full, l.memory, 'F');
    RC_ASSERT(walked == c);
    RC_ASSERT(f.size() == c.size());
    ForEachIndex(full.shape, 'C', [&](const std::vector<int64_t>& index) {
      RC_ASSERT(f[Linear(full.shape, index, 'F')] == c[Linear(full.shape, index, 'C')]);
    });
    for (uint64_t a : c) RC_ASSERT(l.memory.Contains(a, static_cast<uint64_t>(l.view.itemsize)));
  });
}

// (4) IsContiguous(view, C/F) is "len 0, or the strides (NULL: the C strides) are the contiguous
// strides of that order on every dimension of extent > 1"; 'A' is C or F; non-NULL suboffsets
// (even all negative) are never contiguous; other orders are never contiguous.
TEST(LayoutContiguity, IsContiguousMatchesTheDefinition) {
  CheckAtLeast(500, [] {
    const Layout l = AnyLayout();
    const Descriptor& v = l.view;
    const bool c = IsContiguous(v, 'C');
    const bool f = IsContiguous(v, 'F');
    RC_ASSERT(c == ExpectedContiguous(v, 'C'));
    RC_ASSERT(f == ExpectedContiguous(v, 'F'));
    RC_ASSERT(IsContiguous(v, 'A') == (c || f));
    RC_ASSERT(!IsContiguous(v, 'X'));
    if (v.suboffsets) RC_ASSERT(!c && !f);
  });
}

// (5) An array-of-arrays version of a strided layout has the same values, the same C and F
// mirrors, and is logically equal to it.
TEST(LayoutIndirect, ArrayOfArraysIsEquivalent) {
  CheckAtLeast(300, [] {
    const Layout s = *gen::StridedLayout();
    const Layout a = *gen::ArrayOfArrays(s);
    RC_LOG() << "strided: " << gen::Describe(s) << "\nindirect: " << gen::Describe(a) << "\n";
    RC_ASSERT(ToList(a.view, a.memory) == ToList(s.view, s.memory));
    RC_ASSERT(ToContiguous(a.view, a.memory, a.view.len, 'C') ==
              ToContiguous(s.view, s.memory, s.view.len, 'C'));
    RC_ASSERT(ToContiguous(a.view, a.memory, a.view.len, 'F') ==
              ToContiguous(s.view, s.memory, s.view.len, 'F'));
    RC_ASSERT(BitwiseEqual(a.view, a.memory, s.view, s.memory));
    RC_ASSERT(BitwiseEqual(s.view, s.memory, a.view, a.memory));
  });
}

// (6) The request oracle: it must fail exactly under verify_getbuf's conditions (a)-(f)
// (contiguity as PyBuffer_IsContiguous, as _testbuffer's ndarray reports it) or when the flags
// are exactly PyBUF_READ or PyBUF_WRITE (abstract.c 3.13+); (g) FORMAT without ND may fail.
// On success the consumer's fields follow the request tables, and they describe the same
// elements as the exporter's (same C mirror).
TEST(LayoutRequest, RequestOutcomeFollowsTheFlags) {
  CheckAtLeast(500, [] {
    const Layout l = AnyLayout();
    const Descriptor& ex = l.view;
    const int flags = *gen::RequestFlags();
    RC_LOG() << "flags 0x" << std::hex << flags << std::dec << "\n";
    const RequestOutcome out = Request(ex, flags);
    const bool c = IsContiguous(ex, 'C');
    const bool f = IsContiguous(ex, 'F');
    const bool must_fail = (ex.readonly && Has(flags, kWritable)) ||     // (a)
                           (Has(flags, kCContiguous) && !c) ||           // (b)
                           (Has(flags, kFContiguous) && !f) ||           // (c)
                           (Has(flags, kAnyContiguous) && !c && !f) ||   // (d)
                           (!Has(flags, kIndirect) && ex.suboffsets) ||  // (e)
                           (!Has(flags, kStrides) && !c) ||              // (f)
                           flags == kRead || flags == kWrite;            // abstract.c 3.13+
    const MemoryviewContiguity mv = MemoryviewFlags(ex);                 // CONTIG-MEMORYVIEW
    const bool may_fail = (!Has(flags, kNd) && Has(flags, kFormat)) ||   // (g)
                          ((Has(flags, kCContiguous) || !Has(flags, kStrides)) && !mv.c) ||
                          (Has(flags, kFContiguous) && !mv.f) ||
                          (Has(flags, kAnyContiguous) && !mv.c && !mv.f);
    RC_ASSERT((out.verdict == RequestOutcome::Verdict::kMustFail) == must_fail);
    if (must_fail) {
      RC_ASSERT(!out.reasons.empty());
      return;
    }
    RC_ASSERT((out.verdict == RequestOutcome::Verdict::kMayFail) == may_fail);
    const Descriptor& e = out.expected;
    RC_ASSERT(e.buf == ex.buf);
    RC_ASSERT(e.len == ex.len);
    RC_ASSERT(e.itemsize == ex.itemsize);
    RC_ASSERT(e.readonly == (Has(flags, kWritable) ? 0 : ex.readonly));
    if (Has(flags, kFormat)) {
      RC_ASSERT(e.format == ex.format.value_or("B"));  // NULL means "B": the true format
    } else {
      RC_ASSERT(!e.format);
    }
    if (Has(flags, kNd)) {
      RC_ASSERT(e.ndim == ex.ndim);
      RC_ASSERT(e.shape == ex.shape);
    } else {
      RC_ASSERT(e.ndim == 1);
      RC_ASSERT(!e.shape);
    }
    // PyBUF_STRIDES: strides filled in (NULL only for a 0-d view, which has none).
    RC_ASSERT(e.strides.has_value() == (Has(flags, kStrides) && ex.ndim > 0));
    if (e.strides) RC_ASSERT(*e.strides == Expand(ex).strides);
    if (e.suboffsets) RC_ASSERT(Has(flags, kIndirect));
    if (Has(flags, kIndirect)) RC_ASSERT(e.suboffsets == ex.suboffsets);
    RC_ASSERT(ToContiguous(e, l.memory, e.len, 'C') == ToContiguous(ex, l.memory, ex.len, 'C'));
  });
}

// (7) CopyData between a generated layout and another of the same shape and itemsize (its
// C-contiguous copy in fresh memory, or another generated layout) makes the values equal.
TEST(LayoutCopy, CopyDataMakesTheValuesEqual) {
  CheckAtLeast(300, [] {
    const Layout l = AnyLayout();
    // Out of the generated layout into a contiguous one.
    Layout copy = gen::ContiguousLike(l.view, 0);
    CopyData(copy.view, copy.memory, l.view, l.memory);
    RC_ASSERT(ToList(copy.view, copy.memory) == ToList(l.view, l.memory));
    RC_ASSERT(copy.memory.regions()[0].bytes == ToContiguous(l.view, l.memory, l.view.len, 'C'));
    // Into the generated layout (when its elements are distinct) from another one.
    RC_PRE(Disjoint(Addresses(l, 'C'), l.view.itemsize));
    Layout src = *gen::StridedLayoutOfShape(Expand(l.view).shape, l.view.itemsize, l.view.format);
    if (*rc::gen::arbitrary<bool>()) src = *gen::ArrayOfArrays(src);
    RC_LOG() << "source: " << gen::Describe(src) << "\n";
    Layout dest = l;
    CopyData(dest.view, dest.memory, src.view, src.memory);
    RC_ASSERT(ToList(dest.view, dest.memory) == ToList(src.view, src.memory));
    RC_ASSERT(BitwiseEqual(dest.view, dest.memory, src.view, src.memory));
  });
}

// (8) CONTIG-MEMORYVIEW, from the element addresses instead of IsContiguous: memoryview's
// c_contiguous (f_contiguous) says the elements, enumerated in C (Fortran) order, are the
// consecutive items buf, buf + itemsize, ... - except that suboffsets make both false, a 0-d
// view is both, and a 1-D view of extent 0 is contiguous only with stride itemsize (CPython's
// MV_CONTIGUOUS_NDIM1 looks at the stride alone: memoryview(b'abcd')[0:0:2] is not).
bool ConsecutiveItems(const Layout& l, char order) {
  const std::vector<uint64_t> addresses = Addresses(l, order);
  for (size_t k = 0; k < addresses.size(); ++k) {
    if (addresses[k] != l.view.buf + k * static_cast<uint64_t>(l.view.itemsize)) return false;
  }
  return true;
}

TEST(LayoutContiguity, MemoryviewFlagsFollowTheElementAddresses) {
  CheckAtLeast(500, [] {
    const Layout l = AnyLayout();
    const Descriptor& v = l.view;
    bool c = ConsecutiveItems(l, 'C');
    bool f = ConsecutiveItems(l, 'F');
    if (v.suboffsets) {
      c = f = false;
    } else if (v.ndim == 0) {
      c = f = true;
    } else if (v.ndim == 1 && v.shape && (*v.shape)[0] == 0) {
      c = f = !v.strides || (*v.strides)[0] == v.itemsize;
    }
    RC_LOG() << "expected c " << c << " f " << f << "\n";
    const MemoryviewContiguity mv = MemoryviewFlags(v);
    RC_ASSERT(mv.c == c);
    RC_ASSERT(mv.f == f);
  });
}

// The same on hand-made views whose flags were read from Debian's CPython 3.11 and numpy 1.24:
// memoryview(x).c_contiguous and .f_contiguous of the Python expression x given.
TEST(LayoutContiguity, MemoryviewFlagsOfKnownViews) {
  const auto view = [](int64_t itemsize, std::vector<int64_t> shape,
                       std::optional<std::vector<int64_t>> strides) {
    Descriptor d;
    d.buf = 0x1000;
    d.itemsize = itemsize;
    d.ndim = static_cast<int>(shape.size());
    int64_t n = itemsize;
    for (int64_t e : shape) n *= e;
    d.len = n;
    d.format = "B";
    d.shape = std::move(shape);
    d.strides = std::move(strides);
    return d;
  };
  const struct {
    const char* python;
    Descriptor view;
    bool c, f;
  } kViews[] = {
      {"memoryview(b'abcd')", view(1, {4}, std::vector<int64_t>{1}), true, true},
      {"memoryview(b'abcd')[::2]", view(1, {2}, std::vector<int64_t>{2}), false, false},
      {"memoryview(b'abcd')[0:0:2]", view(1, {0}, std::vector<int64_t>{2}), false, false},
      {"memoryview(b'abcd')[0:1:2]", view(1, {1}, std::vector<int64_t>{2}), true, true},
      {"memoryview(b'abcd')[::-1]", view(1, {4}, std::vector<int64_t>{-1}), false, false},
      {"memoryview(bytes(6)).cast('B', (2, 3))", view(1, {2, 3}, std::vector<int64_t>{3, 1}), true,
       false},
      {"numpy.zeros((2, 3), 'B', order='F').data", view(1, {2, 3}, std::vector<int64_t>{1, 2}),
       false, true},
      {"numpy.zeros((2, 3), 'B')[:, ::2].data", view(1, {2, 2}, std::vector<int64_t>{3, 2}), false,
       false},
      {"_testbuffer.ndarray(list(range(200)), shape=[1, 3], strides=[99, 1], format='B')",
       view(1, {1, 3}, std::vector<int64_t>{99, 1}), true, true},
      {"numpy.zeros((0, 3), 'B').data", view(1, {0, 3}, std::vector<int64_t>{3, 1}), true, true},
      {"memoryview(numpy.float64(1))", view(8, {}, std::nullopt), true, true},
  };
  for (const auto& k : kViews) {
    const MemoryviewContiguity mv = MemoryviewFlags(k.view);
    EXPECT_EQ(mv.c, k.c) << k.python;
    EXPECT_EQ(mv.f, k.f) << k.python;
  }
}

// (9) ALGO-UNIT-EXTENT-STRIDES: the stride of a dimension of extent 0 or 1 changes no result:
// contiguity, the mirrors, the element addresses and the values stay the same whatever it is.
TEST(LayoutAddressing, StridesOfUnitExtentsChangeNothing) {
  CheckAtLeast(300, [] {
    const Layout l = AnyLayout();
    const std::vector<int64_t> shape = Expand(l.view).shape;
    const bool unit = std::any_of(shape.begin(), shape.end(), [](int64_t n) { return n <= 1; });
    RC_TAG(unit ? "unit extents" : "none");
    if (!unit || !l.view.strides) return;  // nothing to change (NULL strides: C strides)
    Layout m = l;
    for (size_t i = 0; i < shape.size(); ++i) {
      if (shape[i] <= 1) (*m.view.strides)[i] = *rc::gen::inRange<int64_t>(-100, 101);
    }
    RC_LOG() << "ALGO-UNIT-EXTENT-STRIDES broken by: " << gen::Describe(m) << "\n";
    for (char order : {'C', 'F', 'A'}) {
      RC_ASSERT(IsContiguous(m.view, order) == IsContiguous(l.view, order));
      RC_ASSERT(ToContiguous(m.view, m.memory, m.view.len, order) ==
                ToContiguous(l.view, l.memory, l.view.len, order));
    }
    RC_ASSERT(Addresses(m, 'C') == Addresses(l, 'C'));
    RC_ASSERT(ToList(m.view, m.memory) == ToList(l.view, l.memory));
  });
}

// (10) FORMAT-NULL-IS-B: a NULL format reads as "B", unsigned bytes (0xff is 255, not -1); with
// itemsize 2 a NULL format describes no item, and tolist refuses the view.
TEST(LayoutValues, NullFormatIsUnsignedBytes) {
  Descriptor v;
  v.buf = 0x1000;
  v.len = 2;
  v.itemsize = 1;
  v.ndim = 1;
  v.shape = std::vector<int64_t>{2};
  Memory memory;
  memory.AddRegion({0x1000, {0xff, 0x01}, "data"});
  Descriptor unsigned_bytes = v;
  unsigned_bytes.format = "B";
  Descriptor signed_bytes = v;
  signed_bytes.format = "b";
  SCOPED_TRACE("FORMAT-NULL-IS-B");
  EXPECT_EQ(ToList(v, memory), ToList(unsigned_bytes, memory));
  EXPECT_NE(ToList(v, memory), ToList(signed_bytes, memory));
  Descriptor wide = v;
  wide.itemsize = 2;
  wide.shape = std::vector<int64_t>{1};
  EXPECT_THROW(ToList(wide, memory), ArgumentError);
}

// (11) ALGO-NDIM-64: the algorithms handle ndim 64 (PyBUF_MAX_NDIM): a 64-d view whose first and
// last dimensions have extent 2 (the others 1) is contiguous, addressed, mirrored in C and
// Fortran order and listed; ndim 65 is refused.
TEST(LayoutLimits, SixtyFourDimensions) {
  Descriptor v;
  v.buf = 0x1000;
  v.len = 4;
  v.itemsize = 1;
  v.ndim = 64;
  v.format = "B";
  std::vector<int64_t> shape(64, 1);
  shape.front() = 2;
  shape.back() = 2;
  v.shape = shape;
  v.strides = FillContiguousStrides(shape, 1, 'C');
  Memory memory;
  memory.AddRegion({0x1000, {1, 2, 3, 4}, "data"});
  SCOPED_TRACE("ALGO-NDIM-64");
  EXPECT_TRUE(IsContiguous(v, 'C'));
  EXPECT_FALSE(IsContiguous(v, 'F'));
  EXPECT_EQ(ElementAddresses(Expand(v), memory, 'C'),
            (std::vector<uint64_t>{0x1000, 0x1001, 0x1002, 0x1003}));
  EXPECT_EQ(ToContiguous(v, memory, 4, 'C'), (std::vector<uint8_t>{1, 2, 3, 4}));
  EXPECT_EQ(ToContiguous(v, memory, 4, 'F'), (std::vector<uint8_t>{1, 3, 2, 4}));
  Descriptor copy = v;
  Memory copy_memory;
  copy_memory.AddRegion({0x1000, {0, 0, 0, 0}, "copy"});
  CopyData(copy, copy_memory, v, memory);
  EXPECT_EQ(ToList(copy, copy_memory), ToList(v, memory));
  Descriptor too_many = v;
  too_many.ndim = 65;
  too_many.shape->push_back(1);
  too_many.strides->push_back(1);
  EXPECT_THROW(Expand(too_many), std::invalid_argument);
}

}  // namespace
}  // namespace bufconf::layout
