// Differential test: bufconf's layout reference model (contiguity, memoryview flags, element
// addressing, PyBuffer_ToContiguous) against Debian's real CPython 3.11 buffer C-API (called
// through ctypes), numpy 1.24 and _testbuffer, on generated views.
//
// NumpyViews: numpy-expressible strided views (transposes, slices with negative steps, integer
// indexing, inserted extent-1 dimensions, as_strided views with zero strides and strides that are
// not multiples of the itemsize, empty and extent-1 dimensions; itemsizes 1, 2, 4, 8 and odd void
// ones) over one base byte buffer. The model sees the Py_buffer numpy exports for PyBUF_FULL_RO
// (numpy rewrites the strides of contiguous arrays) and, for numpy's own flags, the strides as
// stored.
//
// PilViews: _testbuffer.ndarray(..., flags=ND_PIL), optionally sliced (suboffsets, negative
// pointer-table strides); the model reads the pointer tables and data from the memory CPython's
// PyBuffer_GetPointer loop touches, copied out of the live process.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "conformance/generators/rc_support.h"
#include "conformance/testing/python_coprocess.h"
#include "reference/layout/addressing.h"
#include "reference/layout/contiguity.h"
#include "reference/layout/descriptor.h"
#include "reference/layout/mirror.h"
#include "reference/layout/request.h"

namespace bufconf::layout {
namespace {

using nlohmann::json;

std::string g_oracle_script;  // from argv[1]

testing::PythonCoprocess& Oracle() {
  static testing::PythonCoprocess oracle(g_oracle_script);
  return oracle;
}

constexpr char kOrders[] = {'C', 'F', 'A'};

using testing::Hex;
using testing::Unhex;

std::vector<int64_t> Ints(const json& j) { return j.get<std::vector<int64_t>>(); }

std::optional<std::vector<int64_t>> OptionalInts(const json& j) {
  if (j.is_null()) return std::nullopt;
  return Ints(j);
}

int64_t Product(const std::vector<int64_t>& shape) {
  return std::accumulate(shape.begin(), shape.end(), int64_t{1},
                         [](int64_t a, int64_t b) { return a * b; });
}

// ---------------------------------------------------------------------------------------------
// Generator of numpy views.

struct NumpyView {
  std::string dtype;  // numpy dtype string
  int64_t itemsize = 1;
  int64_t base_len = 0;  // bytes of the uint8 base array
  int64_t offset = 0;    // of the first element (buf) within the base
  std::vector<int64_t> shape;
  std::vector<int64_t> strides;
  std::string history;  // how it was built, for messages
};

json ToJson(const NumpyView& v) {
  return {{"dtype", v.dtype},    {"itemsize", v.itemsize}, {"base_len", v.base_len},
          {"offset", v.offset},  {"shape", v.shape},       {"strides", v.strides},
          {"history", v.history}};
}

rc::Gen<int64_t> Extent() {
  return rc::gen::weightedOneOf<int64_t>({{1, rc::gen::just<int64_t>(0)},
                                          {2, rc::gen::just<int64_t>(1)},
                                          {8, rc::gen::inRange<int64_t>(2, 6)}});
}

rc::Gen<std::vector<int64_t>> Shape(int min_ndim, int max_ndim) {
  return rc::gen::mapcat(rc::gen::inRange(min_ndim, max_ndim + 1), [](int n) {
    return rc::gen::container<std::vector<int64_t>>(n, Extent());
  });
}

// A slice bound in -limit..limit, or None.
rc::Gen<std::optional<int64_t>> Bound(int64_t limit) {
  return rc::gen::weightedOneOf<std::optional<int64_t>>(
      {{1, rc::gen::just(std::optional<int64_t>())},
       {3, rc::gen::map(rc::gen::inRange<int64_t>(0, 2 * limit + 1), [](int64_t k) {
          // 0, -1, 1, -2, 2, ...: shrinks towards 0.
          return std::optional<int64_t>(k % 2 == 1 ? -(k + 1) / 2 : k / 2);
        })}});
}

// Python's slice.indices(n) and the length of the slice.
void SliceIndices(int64_t n, std::optional<int64_t> start, std::optional<int64_t> stop,
                  int64_t step, int64_t& first, int64_t& length) {
  auto clamp = [&](std::optional<int64_t> v, int64_t fallback) {
    if (!v) return fallback;
    int64_t x = *v < 0 ? *v + n : *v;
    if (step > 0) return std::clamp<int64_t>(x, 0, n);
    return std::clamp<int64_t>(x, -1, n - 1);
  };
  first = clamp(start, step > 0 ? 0 : n - 1);
  const int64_t last = clamp(stop, step > 0 ? n : -1);
  if (step > 0) {
    length = last > first ? (last - first + step - 1) / step : 0;
  } else {
    length = first > last ? (first - last - step - 1) / -step : 0;
  }
}

// One numpy view operation applied in place (the bounds stay those of the base).
void ApplyOp(NumpyView& v) {
  const size_t n = v.shape.size();
  const int op = *rc::gen::weightedElement<int>({{3, 0}, {3, 1}, {1, 2}, {1, 3}});
  if (op == 0 && n >= 2) {  // a.transpose(perm)
    std::vector<size_t> perm(n);
    std::iota(perm.begin(), perm.end(), size_t{0});
    for (size_t i = n - 1; i > 0; --i)
      std::swap(perm[i], perm[*rc::gen::inRange<size_t>(0, i + 1)]);
    NumpyView t = v;
    for (size_t i = 0; i < n; ++i) {
      t.shape[i] = v.shape[perm[i]];
      t.strides[i] = v.strides[perm[i]];
    }
    v = t;
    v.history += " transpose";
  } else if (op == 1 && n >= 1) {  // a[..., start:stop:step, ...]
    const size_t d = *rc::gen::inRange<size_t>(0, n);
    // Mostly open-ended, so that most slices keep some elements.
    const std::optional<int64_t> start =
        *rc::gen::inRange(0, 2) == 0 ? *Bound(7) : std::optional<int64_t>();
    const std::optional<int64_t> stop =
        *rc::gen::inRange(0, 3) == 0 ? *Bound(7) : std::optional<int64_t>();
    const int64_t step = *rc::gen::elementOf(std::vector<int64_t>{1, 1, 2, 3, -1, -1, -2, -3});
    int64_t first = 0, length = 0;
    SliceIndices(v.shape[d], start, stop, step, first, length);
    if (length > 0) v.offset += first * v.strides[d];
    v.shape[d] = length;
    v.strides[d] *= step;
    v.history += " slice(dim " + std::to_string(d) + ", " +
                 (start ? std::to_string(*start) : "None") + ", " +
                 (stop ? std::to_string(*stop) : "None") + ", " + std::to_string(step) + ")";
  } else if (op == 2 && n >= 1 && v.shape[0] > 0) {  // a[i]
    const int64_t i = *rc::gen::inRange<int64_t>(0, v.shape[0]);
    v.offset += i * v.strides[0];
    v.shape.erase(v.shape.begin());
    v.strides.erase(v.strides.begin());
    v.history += " index(" + std::to_string(i) + ")";
  } else if (n < 4) {  // an extent-1 dimension with any stride (np.newaxis gives 0)
    const size_t d = *rc::gen::inRange<size_t>(0, n + 1);
    const int64_t stride = *rc::gen::elementOf(std::vector<int64_t>{0, 0, 1, -1, 5, 1000, -77});
    v.shape.insert(v.shape.begin() + static_cast<std::ptrdiff_t>(d), 1);
    v.strides.insert(v.strides.begin() + static_cast<std::ptrdiff_t>(d), stride);
    v.history += " newaxis(dim " + std::to_string(d) + ", stride " + std::to_string(stride) + ")";
  }
}

// RapidCheck scales inRange by the test size (small sizes pick the low end); these generators
// are bounded already, so they always use the full ranges.
constexpr int kFullSize = 100;

rc::Gen<NumpyView> NumpyViews() {
  return rc::gen::resize(
      kFullSize, rc::gen::exec([] {
        NumpyView v;
        std::tie(v.dtype, v.itemsize) =
            *rc::gen::elementOf(std::vector<std::pair<std::string, int64_t>>{
                {"u1", 1}, {"<u2", 2}, {"<u4", 4}, {"<u8", 8}, {"V3", 3}, {"V5", 5}, {"V12", 12}});
        if (*rc::gen::inRange(0, 3) != 0) {
          // A C-contiguous base array of some shape, seen as is or as its Fortran-order
          // reinterpretation (np.ndarray(shape, order='F') over the same bytes).
          v.shape = *Shape(0, 4);
          const char order = *rc::gen::elementOf(std::vector<char>{'C', 'F'});
          v.strides = FillContiguousStrides(v.shape, v.itemsize, order);
          v.base_len = std::max<int64_t>(Product(v.shape) * v.itemsize, 1);
          v.history = std::string("base ") + order;
        } else {
          // as_strided over a byte buffer: zero strides, strides not multiple of itemsize.
          v.shape = *Shape(0, 4);
          for (size_t i = 0; i < v.shape.size(); ++i) {
            v.strides.push_back(*rc::gen::weightedOneOf<int64_t>(
                {{1, rc::gen::just<int64_t>(0)},
                 {2, rc::gen::map(rc::gen::inRange<int64_t>(-3, 4),
                                  [itemsize = v.itemsize](int64_t k) { return k * itemsize; })},
                 {2, rc::gen::inRange<int64_t>(-20, 21)}}));
          }
          int64_t lo = 0, hi = 0;
          for (size_t i = 0; i < v.shape.size(); ++i) {
            const int64_t reach = (v.shape[i] - 1) * v.strides[i];
            (reach < 0 ? lo : hi) += reach;
          }
          const int64_t slack = *rc::gen::inRange<int64_t>(0, 4);
          if (Product(v.shape) == 0) {
            v.base_len = 1 + slack * 5;
            v.offset = *rc::gen::inRange<int64_t>(0, v.base_len + 1);
          } else {
            v.base_len = hi - lo + v.itemsize + slack;
            v.offset = -lo + *rc::gen::inRange<int64_t>(0, slack + 1);
          }
          v.history = "as_strided";
        }
        const int ops = *rc::gen::inRange(0, 5);
        for (int i = 0; i < ops; ++i) ApplyOp(v);
        // An empty view stays empty; numpy only requires its offset to lie within the base.
        if (Product(v.shape) == 0) v.offset = std::clamp<int64_t>(v.offset, 0, v.base_len);
        return v;
      }));
}

// The base bytes: distinct within any 256 consecutive bytes, varied by `seed`.
std::vector<uint8_t> BaseBytes(int64_t len, int seed) {
  std::vector<uint8_t> out(static_cast<size_t>(len));
  for (int64_t i = 0; i < len; ++i) {
    out[static_cast<size_t>(i)] = static_cast<uint8_t>(i * 167 + (i >> 8) * 29 + seed);
  }
  return out;
}

TEST(NumpyViews, ContiguityAndToContiguousAgreeWithCPythonAndNumpy) {
  gen::CheckAtLeast(1000, [] {
    const NumpyView v = *NumpyViews();
    const int seed = *rc::gen::inRange(0, 256);
    const uint64_t base_address = 0x7f0000000000u + 64 * *rc::gen::inRange<uint64_t>(0, 1000);
    const std::vector<uint8_t> base = BaseBytes(v.base_len, seed);
    const json theirs = Oracle().Ask({{"op", "numpy"},
                                      {"base", Hex(base)},
                                      {"offset", v.offset},
                                      {"dtype", v.dtype},
                                      {"shape", v.shape},
                                      {"strides", v.strides}});
    RC_LOG() << "view: " << ToJson(v).dump() << " seed " << seed
             << "\nCPython/numpy: " << theirs.dump() << "\n";
    RC_ASSERT(theirs["ok"].get<bool>());
    RC_TAG(Product(v.shape) == 0 ? "empty" : "non-empty", v.history.substr(0, 4));

    Memory memory;
    memory.AddRegion({base_address, base, "numpy base"});
    Descriptor stored;  // the strides numpy stores
    stored.buf = base_address + static_cast<uint64_t>(v.offset);
    stored.len = Product(v.shape) * v.itemsize;
    stored.itemsize = v.itemsize;
    stored.readonly = 1;
    stored.ndim = static_cast<int64_t>(v.shape.size());
    stored.shape = v.shape;
    stored.strides = v.strides;
    Descriptor exported = stored;  // the strides numpy exports for PyBUF_FULL_RO
    // numpy exports a 0-d array with NULL shape and strides.
    exported.shape = OptionalInts(theirs["shape"]);
    exported.strides = OptionalInts(theirs["strides"]);

    RC_ASSERT(theirs["buf_offset"].get<int64_t>() == v.offset);
    RC_ASSERT(theirs["len"].get<int64_t>() == stored.len);
    RC_ASSERT(theirs["itemsize"].get<int64_t>() == v.itemsize);
    RC_ASSERT(exported.shape.value_or(std::vector<int64_t>{}) == v.shape);
    RC_ASSERT(exported.strides.has_value() == !v.shape.empty());
    RC_ASSERT(theirs["suboffsets"].is_null());
    if (exported.strides.value_or(std::vector<int64_t>{}) != v.strides)
      RC_TAG("numpy rewrote the exported strides");

    for (char order : kOrders) {
      const std::string o(1, order);
      RC_LOG() << "order " << o << "\n";
      RC_ASSERT(IsContiguous(exported, order) == theirs["is_contiguous"][o].get<bool>());
      RC_ASSERT(IsContiguous(stored, order) == IsContiguous(exported, order));
      const std::string ours_exported = Hex(ToContiguous(exported, memory, exported.len, order));
      const std::string ours_stored = Hex(ToContiguous(stored, memory, stored.len, order));
      RC_LOG() << "bufconf ToContiguous: " << ours_exported << "\n";
      RC_ASSERT(ours_exported == theirs["to_contiguous"][o].get<std::string>());
      RC_ASSERT(ours_stored == ours_exported);
      // numpy's tobytes('A') is 'F' for an F- and not C-contiguous array, else 'C': the same as
      // PyBuffer_ToContiguous('A') (physical order when contiguous, C order otherwise).
      RC_ASSERT(ours_exported == theirs["tobytes"][o].get<std::string>());
    }
    // numpy's own flags (_UpdateContiguousFlags) follow the same rule as PyBuffer_IsContiguous
    // (extent-1 dimensions unconstrained, any zero extent contiguous) on the stored strides.
    RC_ASSERT(IsContiguous(stored, 'C') == theirs["numpy_flags"][0].get<bool>());
    RC_ASSERT(IsContiguous(stored, 'F') == theirs["numpy_flags"][1].get<bool>());
    const MemoryviewContiguity flags = MemoryviewFlags(exported);
    RC_ASSERT(flags.c == theirs["mv"][0].get<bool>());
    RC_ASSERT(flags.f == theirs["mv"][1].get<bool>());
  });
}

// ---------------------------------------------------------------------------------------------
// _testbuffer ND_PIL arrays.

struct PilCase {
  std::vector<int64_t> shape;
  std::string format;  // "B" or "i"
  bool writable = false;
  std::optional<std::vector<json>> slices;  // [start|null, stop|null, step] per dimension
};

rc::Gen<PilCase> PilCases() {
  return rc::gen::resize(
      kFullSize, rc::gen::exec([] {
        PilCase c;
        const int ndim = *rc::gen::inRange(1, 5);
        c.shape = *rc::gen::container<std::vector<int64_t>>(
            ndim, rc::gen::weightedOneOf<int64_t>({{1, rc::gen::just<int64_t>(0)},
                                                   {2, rc::gen::just<int64_t>(1)},
                                                   {10, rc::gen::inRange<int64_t>(2, 5)}}));
        c.format = *rc::gen::elementOf(std::vector<std::string>{"B", "i"});
        c.writable = *rc::gen::arbitrary<bool>();
        if (*rc::gen::inRange(0, 2) == 0) {
          std::vector<json> slices;
          const size_t n = *rc::gen::inRange<size_t>(1, c.shape.size() + 1);
          for (size_t d = 0; d < n; ++d) {
            // Mostly open-ended, so that most sliced views keep some elements.
            const std::optional<int64_t> start =
                *rc::gen::inRange(0, 2) == 0 ? *Bound(4) : std::optional<int64_t>();
            const std::optional<int64_t> stop =
                *rc::gen::inRange(0, 3) == 0 ? *Bound(4) : std::optional<int64_t>();
            const int64_t step = *rc::gen::elementOf(std::vector<int64_t>{1, 2, -1, -2, -3});
            slices.push_back(json::array(
                {start ? json(*start) : json(nullptr), stop ? json(*stop) : json(nullptr), step}));
          }
          c.slices = slices;
        }
        return c;
      }));
}

TEST(PilViews, AddressesAndToContiguousAgreeWithCPython) {
  gen::CheckAtLeast(1000, [] {
    const PilCase c = *PilCases();
    const int64_t count = Product(c.shape);
    std::vector<int64_t> items;
    for (int64_t i = 0; i < std::max<int64_t>(count, 1); ++i) {
      items.push_back(c.format == "B" ? (i * 37 + 11) % 256 : i * 1000003 - 500000);
    }
    json request = {{"op", "pil"},
                    {"items", items},
                    {"shape", c.shape},
                    {"format", c.format},
                    {"writable", c.writable}};
    request["slices"] = c.slices ? json(*c.slices) : json(nullptr);
    const json theirs = Oracle().Ask(request);
    RC_LOG() << "request: " << request.dump() << "\nCPython: " << theirs.dump() << "\n";
    RC_ASSERT(theirs["ok"].get<bool>());

    Descriptor view;
    view.buf = theirs["buf"].get<uint64_t>();
    view.len = theirs["len"].get<int64_t>();
    view.itemsize = theirs["itemsize"].get<int64_t>();
    view.readonly = c.writable ? 0 : 1;
    view.ndim = theirs["ndim"].get<int64_t>();
    view.format = c.format;
    view.shape = Ints(theirs["shape"]);
    view.strides = Ints(theirs["strides"]);
    if (!theirs["suboffsets"].is_null()) view.suboffsets = Ints(theirs["suboffsets"]);
    RC_ASSERT(view.suboffsets.has_value());
    RC_TAG(view.len == 0 ? "empty" : "non-empty", c.slices ? "sliced" : "unsliced",
           (*view.suboffsets)[0] > 0 ? "suboffset > 0" : "");
    Memory memory;
    for (const json& region : theirs["regions"]) {
      memory.AddRegion({region[0].get<uint64_t>(), Unhex(region[1].get<std::string>()), "touched"});
    }

    const FullView full = Expand(view);
    for (char order : {'C', 'F'}) {
      const std::vector<uint64_t> addresses = ElementAddresses(full, memory, order);
      const std::string key = order == 'C' ? "pointers_c" : "pointers_f";
      RC_ASSERT(addresses == theirs[key].get<std::vector<uint64_t>>());
    }
    for (char order : kOrders) {
      const std::string o(1, order);
      RC_LOG() << "order " << o << "\n";
      RC_ASSERT(IsContiguous(view, order) == theirs["is_contiguous"][o].get<bool>());
      RC_ASSERT(Hex(ToContiguous(view, memory, view.len, order)) ==
                theirs["to_contiguous"][o].get<std::string>());
    }
    RC_ASSERT(Hex(ToContiguous(view, memory, view.len, 'C')) ==
              theirs["tobytes"].get<std::string>());
    // ALGO-TOBYTES: memoryview.tobytes(order) is what the model's ToContiguous writes for that
    // order, None meaning 'C'.
    for (const char* o : {"C", "F", "A", "None"}) {
      const char order = o[0] == 'N' ? 'C' : o[0];
      RC_ASSERT(Hex(ToContiguous(view, memory, view.len, order)) ==
                theirs["mv_tobytes"][o].get<std::string>());
    }
    const MemoryviewContiguity flags = MemoryviewFlags(view);
    RC_ASSERT(flags.c == theirs["mv"][0].get<bool>());
    RC_ASSERT(flags.f == theirs["mv"][1].get<bool>());
  });
}

// ---------------------------------------------------------------------------------------------
// The request matrix of test_buffer's verify_getbuf (research notes, section 6.4):
// _testbuffer.ndarray(ex, getbuf=flags) for every flags value 0..0x3ff over generated exporters
// - bytes, bytearray, array.array, _testbuffer.ndarray (C, Fortran, PIL; writable or not) - seen
// directly or through chains of memoryview re-exports, toreadonly() and slices with steps and
// empty ranges, against Request(): a must-fail request fails with BufferError, a must-succeed
// one succeeds, a may-fail one does either, and every success has the fields Request() expects.
// The same exporters compare PyBuffer_IsContiguous and memoryview's c/f_contiguous with
// IsContiguous and MemoryviewFlags (CONTIG-MEMORYVIEW: 1-D empty views with a step).

json SliceJson(int64_t limit) {
  const std::optional<int64_t> start = *Bound(limit);
  const std::optional<int64_t> stop = *Bound(limit);
  // Steps other than 1, and empty ranges (stop before start), are what this test is about.
  const int64_t step = *rc::gen::elementOf(std::vector<int64_t>{1, 2, 3, -1, -2});
  return json::array(
      {start ? json(*start) : json(nullptr), stop ? json(*stop) : json(nullptr), step});
}

json GetbufRequest() {
  return *rc::gen::resize(
      kFullSize, rc::gen::exec([] {
        json base;
        const std::string kind = *rc::gen::weightedElement<std::string>(
            {{1, "bytes"}, {1, "bytearray"}, {1, "array"}, {4, "ndarray"}});
        base["kind"] = kind;
        size_t ndim = 1;
        if (kind == "ndarray") {
          const std::vector<int64_t> shape = *Shape(0, 3);
          ndim = shape.size();
          base["shape"] = shape;
          base["format"] = *rc::gen::elementOf(std::vector<std::string>{"B", "b", "i", "l", "?"});
          std::vector<std::string> flags;
          if (*rc::gen::arbitrary<bool>()) flags.push_back("WRITABLE");
          if (*rc::gen::inRange(0, 3) == 0) flags.push_back("FORTRAN");
          if (ndim > 0 && *rc::gen::inRange(0, 3) == 0) flags.push_back("PIL");
          base["flags"] = flags;
        } else {
          base["n"] = *rc::gen::inRange<int64_t>(0, 9);
          if (kind == "array") {
            base["typecode"] = *rc::gen::elementOf(std::vector<std::string>{"B", "h", "i", "d"});
          }
        }
        json chain = json::array();
        bool memoryview = false;
        if (kind != "ndarray") {  // slicing bytes or an array copies: view them first
          chain.push_back({{"op", "memoryview"}});
          memoryview = true;
        }
        const int steps = *rc::gen::inRange(0, 4);
        for (int i = 0; i < steps; ++i) {
          const int op = *rc::gen::inRange(0, 4);
          if (op == 0) {
            chain.push_back({{"op", "memoryview"}});
            memoryview = true;
          } else if (op == 1 && memoryview) {
            chain.push_back({{"op", "toreadonly"}});
          } else if (ndim > 0) {  // memoryview slices dimension 0 only
            json slices = json::array();
            const size_t n = memoryview ? 1 : *rc::gen::inRange<size_t>(1, ndim + 1);
            for (size_t d = 0; d < n; ++d) slices.push_back(SliceJson(5));
            chain.push_back({{"op", "slice"}, {"slices", slices}});
          }
        }
        return json{{"op", "getbuf"}, {"base", base}, {"chain", chain}};
      }));
}

// _testbuffer's view of a Py_buffer: [ndim, shape, strides, suboffsets, format, readonly,
// itemsize, nbytes], () for NULL arrays and '' for a NULL format.
json NdFields(const Descriptor& d) {
  auto array = [](const std::optional<std::vector<int64_t>>& a) {
    return json(a.value_or(std::vector<int64_t>{}));
  };
  return json::array({d.ndim, array(d.shape), array(d.strides), array(d.suboffsets),
                      d.format.value_or(""), d.readonly != 0, d.itemsize, d.len});
}

// Asks CPython for the matrix of `request` and compares; "" when everything agrees, else what
// differs. *divergent: PyBuffer_IsContiguous and memoryview's flags disagree on the exporter.
std::string CompareGetbuf(const json& request, bool* divergent) {
  const json theirs = Oracle().Ask(request);
  if (!theirs["ok"].get<bool>()) return "CPython: " + theirs.dump();
  const json& full = theirs["full"];
  Descriptor ex;
  ex.buf = 0x1000;
  ex.ndim = full[0].get<int64_t>();
  ex.shape = Ints(full[1]);
  ex.strides = Ints(full[2]);
  if (!full[3].empty()) ex.suboffsets = Ints(full[3]);
  ex.format = full[4].get<std::string>();
  ex.readonly = full[5].get<bool>() ? 1 : 0;
  ex.itemsize = full[6].get<int64_t>();
  ex.len = full[7].get<int64_t>();
  if (ex.ndim == 0) ex.shape = ex.strides = std::nullopt;  // () is NULL for a scalar
  const std::string where = "exporter " + NdFields(ex).dump() + ": ";
  for (char order : kOrders) {
    if (IsContiguous(ex, order) != theirs["is_contiguous"][std::string(1, order)].get<bool>()) {
      return where + "PyBuffer_IsContiguous " + std::string(1, order) + " differs";
    }
  }
  const MemoryviewContiguity mv = MemoryviewFlags(ex);
  if (mv.c != theirs["mv"][0].get<bool>() || mv.f != theirs["mv"][1].get<bool>()) {
    return where + "memoryview flags " + theirs["mv"].dump() + " differ";
  }
  *divergent = mv.c != IsContiguous(ex, 'C') || mv.f != IsContiguous(ex, 'F');
  for (int flags = 0; flags < 0x400; ++flags) {
    // REQ-READ-WRITE-FLAGS is CPython 3.13+; this is 3.11.
    if (flags == kRead || flags == kWrite) continue;
    const RequestOutcome ours = Request(ex, flags);
    const json& got = theirs["getbuf"][static_cast<size_t>(flags)];
    const std::string at = where + "flags " + std::to_string(flags) + ": CPython " + got.dump() +
                           ", Request() verdict " + std::to_string(static_cast<int>(ours.verdict)) +
                           " expected " + NdFields(ours.expected).dump();
    if (got.is_string()) {
      if (got.get<std::string>() != "BufferError") return at;
      if (ours.verdict == RequestOutcome::Verdict::kMustSucceed) return at;
      continue;
    }
    if (ours.verdict == RequestOutcome::Verdict::kMustFail) return at;
    if (got != NdFields(ours.expected)) return at;
  }
  return "";
}

TEST(GetbufMatrix, RequestOracleAgreesWithCPython) {
  gen::CheckAtLeast(300, [] {
    const json request = GetbufRequest();
    RC_LOG() << "request: " << request.dump() << "\n";
    bool divergent = false;
    const std::string difference = CompareGetbuf(request, &divergent);
    RC_LOG() << difference << "\n";
    RC_ASSERT(difference.empty());
    if (divergent) RC_TAG("CONTIG-MEMORYVIEW divergence");
  });
}

// The documented divergence, always: 1-D empty views with a step (memoryview refuses the
// contiguous requests, _testbuffer's ndarray grants them), and their step-1 neighbours.
TEST(GetbufMatrix, EmptyOneDimensionalViewsWithAStep) {
  const struct {
    const char* request;
    bool divergent;
  } kCases[] = {
      {R"({"op":"getbuf","base":{"kind":"bytes","n":4},
           "chain":[{"op":"memoryview"},{"op":"slice","slices":[[0,0,2]]}]})",
       true},
      {R"({"op":"getbuf","base":{"kind":"bytearray","n":4},
           "chain":[{"op":"memoryview"},{"op":"slice","slices":[[1,3,-2]]}]})",
       true},
      {R"({"op":"getbuf","base":{"kind":"array","typecode":"i","n":6},
           "chain":[{"op":"memoryview"},{"op":"slice","slices":[[0,0,3]]},
                    {"op":"memoryview"}]})",
       true},
      {R"({"op":"getbuf","base":{"kind":"ndarray","shape":[6],"format":"B","flags":[]},
           "chain":[{"op":"memoryview"},{"op":"slice","slices":[[0,0,2]]}]})",
       true},
      // _testbuffer's own slice: the same description, but ndarray grants every request.
      {R"({"op":"getbuf","base":{"kind":"ndarray","shape":[6],"format":"B","flags":[]},
           "chain":[{"op":"slice","slices":[[0,0,2]]}]})",
       true},
      {R"({"op":"getbuf","base":{"kind":"bytes","n":4},
           "chain":[{"op":"memoryview"},{"op":"slice","slices":[[2,2,1]]}]})",
       false},
      {R"({"op":"getbuf","base":{"kind":"ndarray","shape":[2,3],"format":"i","flags":[]},
           "chain":[{"op":"memoryview"},{"op":"slice","slices":[[0,0,2]]}]})",
       false},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.request);
    bool divergent = false;
    EXPECT_EQ(CompareGetbuf(json::parse(c.request), &divergent), "");
    EXPECT_EQ(divergent, c.divergent);
  }
}

}  // namespace
}  // namespace bufconf::layout

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PYTHON_LAYOUT_ORACLE_SCRIPT\n", argv[0]);
    return 2;
  }
  bufconf::layout::g_oracle_script = argv[1];
  return RUN_ALL_TESTS();
}
