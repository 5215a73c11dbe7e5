// The consumer faults of the bug zoo. Each adapter is the reference adapter (its exporter and
// algorithm sides stay correct) with BUFCONF_CAP_CONSUMERS and a table of one consumer, written
// here in plain C style on the provider: get a view with some flags, read it with a small loop
// that carries the historical mistake, write what it read to the sink, release the view.
//
// A faulty loop may compute addresses outside the memory the view spans. In C that reads garbage
// or crashes; here such a byte reads as 0 (Readable), so the fault is a wrong answer that replays
// the same way, never undefined behaviour in the suite's process.
#include "conformance/zoo/consumer_entries.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "conformance/adapter/reference_adapter.h"
#include "reference/format/dialect.h"
#include "reference/layout/descriptor.h"
#include "reference/layout/mirror.h"
#include "reference/layout/values_json.h"

namespace bufconf::zoo {
namespace {

using ssize = bufconf_ssize_t;
using Index = std::vector<ssize>;

const bufconf_adapter& Ref() { return *conformance::ReferenceAdapter(); }

constexpr int kSimple = BUFCONF_PYBUF_SIMPLE;
constexpr int kNd = BUFCONF_PYBUF_ND;
constexpr int kRecordsRo = BUFCONF_PYBUF_STRIDES | BUFCONF_PYBUF_FORMAT;
constexpr int kFullRo = BUFCONF_PYBUF_FULL_RO;

void SetMessage(char* message, size_t size, const std::string& text) {
  if (message == nullptr || size == 0) return;
  std::snprintf(message, size, "%s", text.c_str());
}

uintptr_t Addr(const void* p) { return reinterpret_cast<uintptr_t>(p); }

// p + offset, wrapping as the machine's pointer arithmetic does (offsets may be negative).
uintptr_t Advance(uintptr_t p, ssize offset) { return p + static_cast<uintptr_t>(offset); }

// ---- reading a provided view --------------------------------------------------------------

// The memory a view may be read in: what its canonical loop touches (the items, the pointer
// tables, [buf, buf + len) when it is contiguous). A byte outside reads as 0.
class Readable {
 public:
  explicit Readable(const bufconf_buffer& view) {
    try {
      regions_ = conformance::TouchedRegions(view);
    } catch (const std::exception&) {
      // A view without shape is the block buf[0..len) (the provider grants it only then).
      if (view.shape == nullptr && view.len > 0) {
        regions_.push_back({view.buf, static_cast<size_t>(view.len)});
      }
    }
  }

  void Read(uintptr_t p, ssize size, std::string& out) const {
    for (ssize i = 0; i < size; ++i) {
      const uintptr_t a = Advance(p, i);
      out.push_back(Contains(a) ? *reinterpret_cast<const char*>(a) : '\0');
    }
  }

 private:
  bool Contains(uintptr_t a) const {
    auto it =
        std::upper_bound(regions_.begin(), regions_.end(), a,
                         [](uintptr_t x, const bufconf_region& r) { return x < Addr(r.base); });
    if (it == regions_.begin()) return false;
    --it;
    return a - Addr(it->base) < it->size;
  }

  std::vector<bufconf_region> regions_;  // sorted by address, disjoint
};

Index ShapeOf(const bufconf_buffer& v) {
  if (v.ndim <= 0) return {};
  if (v.shape != nullptr) return Index(v.shape, v.shape + v.ndim);
  return {v.itemsize > 0 ? v.len / v.itemsize : 0};
}

// The contiguous strides of `shape` in order 'C' or 'F'.
Index ContiguousStrides(const Index& shape, ssize itemsize, char order) {
  Index strides(shape.size());
  ssize sd = itemsize;
  for (size_t k = 0; k < shape.size(); ++k) {
    const size_t i = order == 'F' ? k : shape.size() - 1 - k;
    strides[i] = sd;
    sd *= shape[i];
  }
  return strides;
}

// The view's strides; NULL strides are the C ones (PEP 3118).
Index StridesOf(const bufconf_buffer& v) {
  if (v.strides != nullptr && v.ndim > 0) return Index(v.strides, v.strides + v.ndim);
  return ContiguousStrides(ShapeOf(v), v.itemsize, 'C');
}

// Calls f(index) for every index of `shape`, in C order (the last index fastest) or Fortran
// order; never when an extent is 0, once (the empty index) when ndim is 0.
template <typename F>
void ForEachIndex(const Index& shape, bool fortran, F f) {
  for (ssize e : shape) {
    if (e <= 0) return;
  }
  Index index(shape.size(), 0);
  const size_t n = shape.size();
  while (true) {
    f(index);
    size_t k = 0;
    for (; k < n; ++k) {
      const size_t d = fortran ? k : n - 1 - k;
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
    if (k == n) return;
  }
}

// The element's address as PEP 3118's canonical loop finds it: each stride, then the suboffset.
uintptr_t Canonical(const bufconf_buffer& v, const Index& strides, const Index& index) {
  uintptr_t p = Addr(v.buf);
  for (size_t i = 0; i < index.size(); ++i) {
    p = Advance(p, strides[i] * index[i]);
    if (v.suboffsets != nullptr && v.suboffsets[i] >= 0) {
      const char* next;
      std::memcpy(&next, reinterpret_cast<const void*>(p), sizeof next);
      p = Advance(Addr(next), v.suboffsets[i]);
    }
  }
  return p;
}

// The items' bytes, in C index order (Fortran with `fortran`), each read at where(index).
template <typename Where>
std::string ReadItems(const bufconf_buffer& v, bool fortran, Where where) {
  const Readable readable(v);
  std::string out;
  ForEachIndex(ShapeOf(v), fortran,
               [&](const Index& index) { readable.Read(where(index), v.itemsize, out); });
  return out;
}

// Read right: every element at its canonical address.
std::string ReadCanonical(const bufconf_buffer& v, bool fortran) {
  const Index strides = StridesOf(v);
  return ReadItems(v, fortran, [&](const Index& index) { return Canonical(v, strides, index); });
}

// ---- talking to the provider --------------------------------------------------------------

// bf_getbuffer through the provider: BUFCONF_OK, BUFCONF_REFUSED (the exporter refused; its
// message is kept), or BUFCONF_ERROR.
int Get(const bufconf_provider& p, int flags, bufconf_buffer* view, char* message, size_t size) {
  *view = bufconf_buffer{};
  const int rc = p.get_buffer(p.ctx, view, flags, message, size);
  if (rc == BUFCONF_OK || rc == BUFCONF_REFUSED) return rc;
  SetMessage(message, size, "the provider's get_buffer returned " + std::to_string(rc));
  return BUFCONF_ERROR;
}

void Release(const bufconf_provider& p, bufconf_buffer* view) { p.release_buffer(p.ctx, view); }

void Write(const bufconf_sink& out, const std::string& bytes) {
  if (!bytes.empty()) out.write(out.ctx, bytes.data(), bytes.size());
}

// ---- the faulty consumers -----------------------------------------------------------------

// numpy #9456: PyBUF_FULL_RO requested (INDIRECT included), the elements then read as from a
// strided array: buf + sum(index * stride), suboffsets never applied.
int IgnoresSuboffsets(const bufconf_provider& a, const bufconf_provider*, const bufconf_sink& out,
                      char* m, size_t n) {
  bufconf_buffer v;
  const int rc = Get(a, kFullRo, &v, m, n);
  if (rc != BUFCONF_OK) return rc;
  const Index strides = StridesOf(v);
  const std::string bytes = ReadItems(v, false, [&](const Index& index) {
    uintptr_t p = Addr(v.buf);
    for (size_t i = 0; i < index.size(); ++i) p = Advance(p, strides[i] * index[i]);
    return p;
  });
  Release(a, &v);
  Write(out, bytes);
  return BUFCONF_OK;
}

// Strides assumed positive: each dimension walked by |stride| from buf, as if buf were the lowest
// address of the block.
int AbsStrides(const bufconf_provider& a, const bufconf_provider*, const bufconf_sink& out, char* m,
               size_t n) {
  bufconf_buffer v;
  const int rc = Get(a, kRecordsRo, &v, m, n);
  if (rc != BUFCONF_OK) return rc;
  const Index strides = StridesOf(v);
  const std::string bytes = ReadItems(v, false, [&](const Index& index) {
    uintptr_t p = Addr(v.buf);
    for (size_t i = 0; i < index.size(); ++i) {
      const ssize stride = strides[i] < 0 ? -strides[i] : strides[i];
      p = Advance(p, stride * index[i]);
    }
    return p;
  });
  Release(a, &v);
  Write(out, bytes);
  return BUFCONF_OK;
}

// An early return for an empty view, before the release.
int ReleaseSkippedWhenEmpty(const bufconf_provider& a, const bufconf_provider*,
                            const bufconf_sink& out, char* m, size_t n) {
  bufconf_buffer v;
  const int rc = Get(a, kFullRo, &v, m, n);
  if (rc != BUFCONF_OK) return rc;
  if (v.len == 0) return BUFCONF_OK;  // nothing to copy (and the view is never released)
  const std::string bytes = ReadCanonical(v, false);
  Release(a, &v);
  Write(out, bytes);
  return BUFCONF_OK;
}

// The strides of extent-1 dimensions "cleaned" to their C values in the array the exporter
// handed out (numpy cleans them, on its own copy, for the views it exports: numpy #16934).
int NormalizesStridesInPlace(const bufconf_provider& a, const bufconf_provider*,
                             const bufconf_sink& out, char* m, size_t n) {
  bufconf_buffer v;
  const int rc = Get(a, kFullRo, &v, m, n);
  if (rc != BUFCONF_OK) return rc;
  if (v.strides != nullptr && v.shape != nullptr) {
    const Index c = ContiguousStrides(ShapeOf(v), v.itemsize, 'C');
    for (int i = 0; i < v.ndim; ++i) {
      if (v.shape[i] == 1) v.strides[i] = c[static_cast<size_t>(i)];
    }
  }
  const std::string bytes = ReadCanonical(v, false);
  Release(a, &v);
  Write(out, bytes);
  return BUFCONF_OK;
}

// tolist reading element k (C order) at buf + k * itemsize, whatever the strides.
int TolistIgnoresStrides(const bufconf_provider& a, const bufconf_provider*,
                         const bufconf_sink& out, char* m, size_t n) {
  bufconf_buffer v;
  const int rc = Get(a, kRecordsRo, &v, m, n);
  if (rc != BUFCONF_OK) return rc;
  const Index shape = ShapeOf(v);
  const std::string bytes = ReadItems(v, false, [&](const Index& index) {
    ssize k = 0;
    for (size_t i = 0; i < index.size(); ++i) k = k * shape[i] + index[i];
    return Advance(Addr(v.buf), k * v.itemsize);
  });
  // What it read, as a C-contiguous array of the view's shape and format, decoded by the model.
  layout::Descriptor d;
  d.buf = 0x1000;
  d.itemsize = v.itemsize;
  d.len = static_cast<int64_t>(bytes.size());
  d.readonly = 1;
  d.ndim = v.ndim;
  d.format = v.format != nullptr ? std::string(v.format) : std::string("B");
  if (v.ndim > 0) {
    d.shape = std::vector<int64_t>(shape.begin(), shape.end());
    const Index c = ContiguousStrides(shape, v.itemsize, 'C');
    d.strides = std::vector<int64_t>(c.begin(), c.end());
  }
  Release(a, &v);
  layout::Memory memory;
  memory.AddRegion({0x1000, std::vector<uint8_t>(bytes.begin(), bytes.end()), "read"});
  try {
    Write(out, layout::ValuesJson(layout::ToList(d, memory, format::Dialect::kStruct)).dump());
  } catch (const layout::ArgumentError& e) {
    SetMessage(m, n, std::string("struct.error: ") + e.what());
    return BUFCONF_REFUSED;
  }
  return BUFCONF_OK;
}

// memoryview == before bpo-15573: the two views' bytes compared (C order), whatever the format.
int EqualRawBytes(const bufconf_provider& a, const bufconf_provider* b, const bufconf_sink& out,
                  char* m, size_t n) {
  bufconf_buffer x, y;
  int rc = Get(a, kFullRo, &x, m, n);
  if (rc != BUFCONF_OK) return rc;
  rc = Get(*b, kFullRo, &y, m, n);
  if (rc != BUFCONF_OK) {
    Release(a, &x);
    return rc;
  }
  // equiv_shape: ndim equal, extents equal up to and including the first 0.
  bool equal = x.ndim == y.ndim;
  const Index sx = ShapeOf(x), sy = ShapeOf(y);
  for (size_t i = 0; equal && i < sx.size(); ++i) {
    if (sx[i] != sy[i]) equal = false;
    if (sx[i] == 0) break;
  }
  equal = equal && ReadCanonical(x, false) == ReadCanonical(y, false);
  Release(*b, &y);
  Release(a, &x);
  Write(out, std::string(1, equal ? '\1' : '\0'));
  return BUFCONF_OK;
}

// numpy before 2.0: NPY_MAXDIMS 32.
int MaxDims32(const bufconf_provider& a, const bufconf_provider*, const bufconf_sink& out, char* m,
              size_t n) {
  bufconf_buffer v;
  const int rc = Get(a, kFullRo, &v, m, n);
  if (rc != BUFCONF_OK) return rc;
  if (v.ndim > 32) {
    const int ndim = v.ndim;
    Release(a, &v);
    SetMessage(m, n,
               "ValueError: maximum supported dimension for an ndarray is 32, found " +
                   std::to_string(ndim));
    return BUFCONF_REFUSED;
  }
  const std::string bytes = ReadCanonical(v, false);
  Release(a, &v);
  Write(out, bytes);
  return BUFCONF_OK;
}

// PyBUF_SIMPLE, and len taken for a count of items: len / itemsize bytes copied.
int SimpleLenOverItemsize(const bufconf_provider& a, const bufconf_provider*,
                          const bufconf_sink& out, char* m, size_t n) {
  bufconf_buffer v;
  const int rc = Get(a, kSimple, &v, m, n);
  if (rc != BUFCONF_OK) return rc;
  const ssize count = v.itemsize > 0 ? v.len / v.itemsize : 0;
  const Readable readable(v);
  std::string bytes;
  readable.Read(Addr(v.buf), count, bytes);
  Release(a, &v);
  Write(out, bytes);
  return BUFCONF_OK;
}

// PyBUF_ND, and NULL strides taken for Fortran order.
int NdNullStridesFortran(const bufconf_provider& a, const bufconf_provider*,
                         const bufconf_sink& out, char* m, size_t n) {
  bufconf_buffer v;
  const int rc = Get(a, kNd, &v, m, n);
  if (rc != BUFCONF_OK) return rc;
  const Index strides =
      v.strides != nullptr ? StridesOf(v) : ContiguousStrides(ShapeOf(v), v.itemsize, 'F');
  const std::string bytes =
      ReadItems(v, false, [&](const Index& index) { return Canonical(v, strides, index); });
  Release(a, &v);
  Write(out, bytes);
  return BUFCONF_OK;
}

// tobytes('A'): a contiguous view is copied in the order it is stored in, guessed from its outer
// strides (Fortran when strides[0] < strides[ndim-1]).
int TobytesAByOuterStrides(const bufconf_provider& a, const bufconf_provider*,
                           const bufconf_sink& out, char* m, size_t n) {
  bufconf_buffer v;
  const int rc = Get(a, kFullRo, &v, m, n);
  if (rc != BUFCONF_OK) return rc;
  const Index strides = StridesOf(v);
  const bool contiguous = Ref().is_contiguous(Ref().context, &v, 'A') != 0;
  const bool fortran = contiguous && v.ndim >= 2 && strides.front() < strides.back();
  const std::string bytes = ReadCanonical(v, fortran);
  Release(a, &v);
  Write(out, bytes);
  return BUFCONF_OK;
}

// PyMemoryView_GetContiguous(obj, PyBUF_READ, 'F'): the view itself (its bytes as they lie) when
// it is contiguous in any order, else a copy in Fortran order.
int GetContiguousAnyOrder(const bufconf_provider& a, const bufconf_provider*,
                          const bufconf_sink& out, char* m, size_t n) {
  bufconf_buffer v;
  const int rc = Get(a, kFullRo, &v, m, n);
  if (rc != BUFCONF_OK) return rc;
  std::string bytes;
  if (Ref().is_contiguous(Ref().context, &v, 'A') != 0) {
    Readable(v).Read(Addr(v.buf), v.len, bytes);
  } else {
    bytes = ReadCanonical(v, true);
  }
  Release(a, &v);
  Write(out, bytes);
  return BUFCONF_OK;
}

// ---- the adapters -------------------------------------------------------------------------

using RunFn = int (*)(const bufconf_provider& a, const bufconf_provider* b, const bufconf_sink& out,
                      char* message, size_t message_size);

struct FaultyConsumer {
  const char* entry;  // the zoo entry's (and adapter's) name
  const char* name;   // bufconf_consumer_info.name
  uint32_t kind;      // BUFCONF_CONSUME_*
  const char* rule;   // bufconf_consumer_info.rule ("" = ALGO-READ-ELEMENTS)
  RunFn run;
};

template <const FaultyConsumer& C>
int ConsumerInfo(void*, size_t index, bufconf_consumer_info* info) {
  if (index != 0) return BUFCONF_UNSUPPORTED;
  if (info != nullptr) {
    std::memset(info, 0, sizeof *info);
    SetMessage(info->name, sizeof info->name, C.name);
    info->kind = C.kind;
    SetMessage(info->rule, sizeof info->rule, C.rule);
  }
  return BUFCONF_OK;
}

template <const FaultyConsumer& C>
int Consume(void*, size_t index, const bufconf_provider* a, const bufconf_provider* b,
            const bufconf_sink* out, char* message, size_t message_size) {
  if (index != 0) return BUFCONF_UNSUPPORTED;
  if (a == nullptr || out == nullptr || out->write == nullptr ||
      (C.kind == BUFCONF_CONSUME_EQUAL && b == nullptr)) {
    SetMessage(message, message_size, "consume: a provider or the sink is missing");
    return BUFCONF_ERROR;
  }
  try {
    return C.run(*a, b, *out, message, message_size);
  } catch (const std::exception& e) {
    SetMessage(message, message_size, std::string("the zoo consumer failed: ") + e.what());
    return BUFCONF_ERROR;
  }
}

template <const FaultyConsumer& C>
const bufconf_adapter* ConsumerAdapter() {
  static const bufconf_adapter adapter = [] {
    bufconf_adapter a = Ref();
    a.name = C.entry;
    a.version = "bufconf-zoo 0.1";
    a.capabilities |= BUFCONF_CAP_CONSUMERS;
    a.consumer = ConsumerInfo<C>;
    a.consume = Consume<C>;
    return a;
  }();
  return &adapter;
}

constexpr FaultyConsumer kIgnoresSuboffsets = {
    "numpy-asarray-ignores-suboffsets",
    "numpy.asarray(x).tobytes() (PyBUF_FULL_RO, suboffsets ignored)", BUFCONF_CONSUME_BYTES_C, "",
    IgnoresSuboffsets};
constexpr FaultyConsumer kAbsStrides = {"consumer-strides-assumed-positive",
                                        "bytes via |stride| loop (PyBUF_RECORDS_RO)",
                                        BUFCONF_CONSUME_BYTES_C, "", AbsStrides};
constexpr FaultyConsumer kReleaseSkipped = {"consumer-release-skipped-when-empty",
                                            "bytes, early return when empty (PyBUF_FULL_RO)",
                                            BUFCONF_CONSUME_BYTES_C, "", ReleaseSkippedWhenEmpty};
constexpr FaultyConsumer kNormalizesStrides = {
    "consumer-cleans-strides-in-place", "bytes, extent-1 strides cleaned (PyBUF_FULL_RO)",
    BUFCONF_CONSUME_BYTES_C, "", NormalizesStridesInPlace};
constexpr FaultyConsumer kTolistIgnoresStrides = {
    "tolist-ignores-strides", "tolist as if C-contiguous (PyBUF_RECORDS_RO)",
    BUFCONF_CONSUME_VALUES, "ALGO-TOLIST", TolistIgnoresStrides};
constexpr FaultyConsumer kEqualRawBytes = {"equal-compares-raw-bytes",
                                           "== by bytes (PyBUF_FULL_RO, before bpo-15573)",
                                           BUFCONF_CONSUME_EQUAL, "ALGO-EQUAL", EqualRawBytes};
constexpr FaultyConsumer kMaxDims32 = {"numpy-maxdims-32",
                                       "numpy.asarray(x).tobytes() (NPY_MAXDIMS 32)",
                                       BUFCONF_CONSUME_BYTES_C, "", MaxDims32};
constexpr FaultyConsumer kSimpleLen = {"simple-copies-len-over-itemsize",
                                       "bytes of len / itemsize (PyBUF_SIMPLE)",
                                       BUFCONF_CONSUME_BYTES_C, "", SimpleLenOverItemsize};
constexpr FaultyConsumer kNdFortran = {"nd-null-strides-as-fortran",
                                       "bytes, NULL strides as Fortran (PyBUF_ND)",
                                       BUFCONF_CONSUME_BYTES_C, "", NdNullStridesFortran};
constexpr FaultyConsumer kTobytesA = {
    "tobytes-a-order-by-outer-strides", "tobytes('A'), order from strides[0] < strides[-1]",
    BUFCONF_CONSUME_BYTES_A, "ALGO-TOBYTES", TobytesAByOuterStrides};
constexpr FaultyConsumer kGetContiguous = {
    "get-contiguous-any-order", "PyMemoryView_GetContiguous 'F', any contiguity",
    BUFCONF_CONSUME_BYTES_F, "ALGO-GET-CONTIGUOUS", GetContiguousAnyOrder};

}  // namespace

std::vector<ZooEntry> ConsumerZooEntries() {
  return {
      {"numpy-asarray-ignores-suboffsets",
       "numpy/numpy #9456",
       "a consumer that requests PyBUF_INDIRECT follows the suboffsets it is given",
       {"ALGO-READ-ELEMENTS", "ALGO-INDIRECT-HANDLED"},
       ConsumerAdapter<kIgnoresSuboffsets>},
      {"consumer-strides-assumed-positive",
       "classic fault (strides walked as |stride| from buf)",
       "a negative stride steps back from buf, the address of the first element",
       {"ALGO-READ-ELEMENTS", "LAYOUT-STRIDES-ANY"},
       ConsumerAdapter<kAbsStrides>},
      {"consumer-release-skipped-when-empty",
       "classic fault (an early return before PyBuffer_Release)",
       "every view a consumer gets is released exactly once, empty ones included",
       {"RELEASE-PAIRED"},
       ConsumerAdapter<kReleaseSkipped>},
      {"consumer-cleans-strides-in-place",
       "classic fault (numpy cleans extent-1 strides on its own copy, numpy/numpy #16934; here "
       "a consumer does it in the array it was handed)",
       "a consumer never writes into the fields or arrays of a view it got",
       {"FIELDS-CONSUMER-NO-MODIFY"},
       ConsumerAdapter<kNormalizesStrides>},
      {"tolist-ignores-strides",
       "classic fault (tolist written for contiguous memory; cf. numpy/numpy #19536)",
       "tolist reads each element at its strided address",
       {"ALGO-TOLIST", "LAYOUT-STRIDES-ANY"},
       ConsumerAdapter<kTolistIgnoresStrides>},
      {"equal-compares-raw-bytes",
       "python/cpython bpo-15573 (memoryview == compared bytes before 3.3)",
       "== compares values as struct unpacks them: formats struct rejects, and NaN, are unequal",
       {"ALGO-EQUAL"},
       ConsumerAdapter<kEqualRawBytes>},
      {"numpy-maxdims-32",
       "numpy NPY_MAXDIMS = 32 (numpy < 2.0; 64 since 2.0)",
       "a consumer handles every ndim up to PyBUF_MAX_NDIM (64)",
       {"ALGO-NDIM-64"},
       ConsumerAdapter<kMaxDims32>},
      {"simple-copies-len-over-itemsize",
       "classic fault (len taken for an item count; a PyBUF_SIMPLE consumer assumes itemsize 1)",
       "a view without shape is the len bytes at buf",
       {"ALGO-READ-ELEMENTS", "LAYOUT-LEN-SIMPLE"},
       ConsumerAdapter<kSimpleLen>},
      {"nd-null-strides-as-fortran",
       "classic fault (NULL strides read as Fortran order)",
       "strides NULL means C-contiguous",
       {"ALGO-READ-ELEMENTS", "LAYOUT-STRIDES-NULL-C"},
       ConsumerAdapter<kNdFortran>},
      {"tobytes-a-order-by-outer-strides",
       "classic fault (storage order guessed from strides[0] < strides[-1]; cf. "
       "python/cpython bpo-22445)",
       "'A' is Fortran only for a view F- and not C-contiguous, whatever its extent-1 strides",
       {"ALGO-TOBYTES", "ALGO-UNIT-EXTENT-STRIDES"},
       ConsumerAdapter<kTobytesA>},
      {"get-contiguous-any-order",
       "classic fault (PyMemoryView_GetContiguous testing contiguity in any order)",
       "GetContiguous returns the view itself only when it is contiguous in the order asked",
       {"ALGO-GET-CONTIGUOUS"},
       ConsumerAdapter<kGetContiguous>},
  };
}

}  // namespace bufconf::zoo
