// bufconf mirror: planning and running copies between any two layouts of the same shape.
//
// A copy is planned as an Engine over two sides (destination 0, source 1), each a view or a
// contiguous buffer:
//   - outer dimensions: 0 .. the last dimension where either side dereferences a suboffset. At
//     run time every index prefix of them is walked once, before anything is written, giving one
//     "leaf" base address per side (pointers loaded, suboffsets added, overflow-checked);
//   - inner dimensions: direct on both sides, simplified once at plan time: extent-1 dimensions
//     dropped, destination zero strides collapsed to their last index (the last write wins, in C
//     and in Fortran order), negative destination strides flipped, dimensions sorted by
//     destination stride and merged where both sides are contiguous across them, and a
//     contiguous innermost dimension folded into the item (a run copied by one memcpy);
//   - a kernel for the two innermost dimensions (kernels.h): item-size-specialised planes,
//     reversed lines, a broadcast fill, or cache-blocked tiles when the source's fast axis is
//     not the destination's (transposes).
// Reordering writes is only done when no two destination items share a byte (checked at plan
// time for direct views, at run time for the leaves of array-of-arrays views); otherwise items
// are written one by one in the order CPython (and the reference model) writes them. Reads are
// never affected by writes: overlapping source and destination memory goes through a temporary.
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <new>
#include <system_error>
#include <thread>

#include "mirror/bufconf_mirror.h"
#include "mirror/kernels.h"

namespace bufconf::mirror {
namespace {

constexpr int kMaxDims = 64;                               // PyBUF_MAX_NDIM
constexpr int kMaxThreads = 64;                            // bufconf_mirror_options.threads
constexpr ptrdiff_t kThreadMinBytes = ptrdiff_t{1} << 20;  // per thread, by default

constexpr int kOk = BUFCONF_MIRROR_OK;
constexpr int kInval = BUFCONF_MIRROR_EINVAL;
constexpr int kOverflow = BUFCONF_MIRROR_EOVERFLOW;
constexpr int kNoMem = BUFCONF_MIRROR_ENOMEM;
constexpr int kReadOnly = BUFCONF_MIRROR_EREADONLY;
// Outcomes of an engine run that make the caller take another path (nothing was written).
constexpr int kOverlap = -1;  // the destination's bytes meet the source's: stage the source
constexpr int kAlias = -2;    // destination items may share bytes: write them in order

// ---- checked and wrapping address arithmetic ----

inline bool Mul(ptrdiff_t a, ptrdiff_t b, ptrdiff_t* r) { return !__builtin_mul_overflow(a, b, r); }
inline bool Add(ptrdiff_t a, ptrdiff_t b, ptrdiff_t* r) { return !__builtin_add_overflow(a, b, r); }

// p + off in the address space; false when the result leaves it.
inline bool Step(uintptr_t p, ptrdiff_t off, uintptr_t* out) {
  if (off >= 0) return !__builtin_add_overflow(p, static_cast<uintptr_t>(off), out);
  const uintptr_t back = uintptr_t{0} - static_cast<uintptr_t>(off);
  if (p < back) return false;
  *out = p - back;
  return true;
}

// p + off for offsets known to stay inside the view (plan-time checked).
inline uintptr_t Wrap(uintptr_t p, ptrdiff_t off) { return p + static_cast<uintptr_t>(off); }

inline uintptr_t Address(const void* p) { return reinterpret_cast<uintptr_t>(p); }
inline char* Ptr(uintptr_t a) { return reinterpret_cast<char*>(a); }

inline uintptr_t LoadPointer(uintptr_t at) {
  uintptr_t v;
  std::memcpy(&v, reinterpret_cast<const void*>(at), sizeof v);
  return v;
}

// A stack buffer for small scratch arrays, the heap beyond it.
class Scratch {
 public:
  Scratch() = default;
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() { std::free(heap_); }
  // `count` objects of `size` bytes, or null (overflow or no memory).
  void* Get(size_t count, size_t size) {
    size_t bytes;
    if (__builtin_mul_overflow(count, size, &bytes)) return nullptr;
    if (bytes <= sizeof stack_) return stack_;
    heap_ = std::malloc(bytes);
    return heap_;
  }

 private:
  alignas(16) unsigned char stack_[2048];
  void* heap_ = nullptr;
};

// ---- a view as consumers read it ----

struct Layout {
  int ndim;
  int last_indirect;  // the last dimension with suboffsets[i] >= 0, or -1
  ptrdiff_t itemsize;
  ptrdiff_t count;   // product(shape) (Count)
  ptrdiff_t lo, hi;  // direct views with elements: their bytes are [buf + lo, buf + hi) (Count)
  ptrdiff_t shape[kMaxDims];
  ptrdiff_t strides[kMaxDims];
  ptrdiff_t sub[kMaxDims];
};

// The full view (memoryobject.c init_shape_strides; the reference model's Expand): NULL shape is
// len bytes, NULL strides are C strides (overflow-checked, every product as CPython computes
// them), NULL suboffsets dereference nothing.
int Expand(const bufconf_view* v, Layout* l) {
  if (v == nullptr || v->ndim < 0 || v->ndim > kMaxDims || v->itemsize < 0) return kInval;
  int n = v->ndim;
  l->itemsize = v->itemsize;
  if (v->shape != nullptr) {
    for (int i = 0; i < n; ++i) {
      if (v->shape[i] < 0) return kInval;
      l->shape[i] = v->shape[i];
    }
  } else if (n > 0) {
    // PyBUF_SIMPLE: "the consumer must disregard itemsize and assume itemsize == 1".
    if (v->strides != nullptr || (v->suboffsets != nullptr && n != 1) || v->len < 0) {
      return kInval;
    }
    l->itemsize = 1;
    n = 1;
    l->shape[0] = v->len;
  }
  l->ndim = n;
  if (v->strides != nullptr) {
    for (int i = 0; i < n; ++i) l->strides[i] = v->strides[i];
  } else {
    ptrdiff_t sd = l->itemsize;
    for (int i = n - 1; i >= 0; --i) {
      l->strides[i] = sd;
      if (!Mul(sd, l->shape[i], &sd)) return kOverflow;
    }
  }
  l->last_indirect = -1;
  for (int i = 0; i < n; ++i) {
    l->sub[i] = v->suboffsets != nullptr ? v->suboffsets[i] : -1;
    if (l->sub[i] >= 0) l->last_indirect = i;
  }
  l->count = 0;
  return kOk;
}

// The element count, then the byte reach: every stride * (extent - 1), and their absolute sum
// plus the itemsize, must fit in ptrdiff_t (only for views with elements: an empty view has no
// address to compute).
int Count(Layout* l) {
  l->count = 0;
  l->lo = l->hi = 0;
  for (int i = 0; i < l->ndim; ++i) {
    if (l->shape[i] == 0) return kOk;
  }
  ptrdiff_t c = 1;
  for (int i = 0; i < l->ndim; ++i) {
    if (!Mul(c, l->shape[i], &c)) return kOverflow;
  }
  ptrdiff_t total = l->itemsize, lo = 0, hi = 0;
  for (int i = 0; i < l->ndim; ++i) {
    ptrdiff_t reach;
    if (!Mul(l->strides[i], l->shape[i] - 1, &reach) || reach == PTRDIFF_MIN ||
        !Add(total, reach < 0 ? -reach : reach, &total)) {
      return kOverflow;
    }
    (reach < 0 ? lo : hi) += reach;  // |lo| + hi <= total
  }
  l->count = c;
  l->lo = lo;
  l->hi = hi + l->itemsize;
  return kOk;
}

int ExpandAndCount(const bufconf_view* v, Layout* l) {
  const int rc = Expand(v, l);
  return rc != kOk ? rc : Count(l);
}

// A contiguous buffer with the shape and itemsize of `like`, in order 'C' or 'F'. The strides
// are exact when count * itemsize fits (every view with items); an empty view's may wrap (they
// are never used).
void Contiguous(const Layout& like, char order, Layout* c) {
  const int n = like.ndim;
  c->ndim = n;
  c->last_indirect = -1;
  c->itemsize = like.itemsize;
  c->count = like.count;
  c->lo = 0;
  c->hi = like.count * like.itemsize;
  uint64_t sd = static_cast<uint64_t>(like.itemsize);
  for (int k = 0; k < n; ++k) {
    const int i = order == 'F' ? k : n - 1 - k;
    c->shape[i] = like.shape[i];
    c->strides[i] = static_cast<ptrdiff_t>(sd);
    c->sub[i] = -1;
    sd *= static_cast<uint64_t>(like.shape[i]);
  }
}

bool SameShape(const Layout& a, const Layout& b) {
  if (a.ndim != b.ndim) return false;
  for (int i = 0; i < a.ndim; ++i) {
    if (a.shape[i] != b.shape[i]) return false;
  }
  return true;
}

bool SameLayout(const Layout& a, const Layout& b) {
  if (!SameShape(a, b) || a.itemsize != b.itemsize) return false;
  for (int i = 0; i < a.ndim; ++i) {
    if (a.strides[i] != b.strides[i] || a.sub[i] != b.sub[i]) return false;
  }
  return true;
}

// ---- contiguity (PyBuffer_IsContiguous, exactly as the reference model decides it) ----

bool StridesAreContiguous(const bufconf_view* v, bool fortran) {
  const int n = v->ndim;
  __int128 expected = v->itemsize;
  bool beyond = false;  // itemsize * product(extents so far) left the ptrdiff_t range
  for (int k = 0; k < n; ++k) {
    const int i = fortran ? k : n - 1 - k;
    const ptrdiff_t extent = v->shape[i];
    if (extent > 1 && (beyond || v->strides[i] != expected)) return false;
    if (!beyond) {
      expected *= extent;
      beyond = expected > PTRDIFF_MAX || expected < PTRDIFF_MIN;
    }
  }
  return true;
}

bool IsC(const bufconf_view* v, bool fields) {
  if (v->len == 0) return true;
  if (!fields || v->strides == nullptr) return true;
  if (v->shape == nullptr) return false;
  return StridesAreContiguous(v, false);
}

bool IsF(const bufconf_view* v, bool fields) {
  if (v->len == 0) return true;
  if (!fields || v->strides == nullptr) {
    if (v->ndim <= 1) return true;
    if (!fields || v->shape == nullptr) return false;
    int big = 0;
    for (int i = 0; i < v->ndim; ++i) big += v->shape[i] > 1 ? 1 : 0;
    return big <= 1;
  }
  if (v->shape == nullptr) return false;
  return StridesAreContiguous(v, true);
}

bool IsContiguous(const bufconf_view* v, char order) {
  if (v == nullptr) return false;
  // Outside 0..64 dimensions the arrays are not read (as if NULL).
  const bool fields = v->ndim >= 0 && v->ndim <= kMaxDims;
  if (fields && v->suboffsets != nullptr) return false;
  switch (order) {
    case 'C':
      return IsC(v, fields);
    case 'F':
      return IsF(v, fields);
    case 'A':
      return IsC(v, fields) || IsF(v, fields);
    default:
      return false;
  }
}

bool ValidOrder(char order) { return order == 'C' || order == 'F' || order == 'A'; }

// ---- engines ----

enum class Kernel : uint8_t { kNone, kItem, kPlane };
enum class Alias : uint8_t {
  kDisjoint,     // no two destination items share a byte
  kCheckLeaves,  // within a leaf they do not; leaves are checked at run time
  kMayAlias,     // they may: write item by item in order (Faithful)
};

struct Engine {
  Kernel kernel;
  Alias alias;
  ptrdiff_t k;  // bytes per kernel item (the itemsize, or a contiguous run of items)
  // Outer dimensions, walked per leaf: index start, extent; per side stride and suboffset.
  int nouter;
  ptrdiff_t leaves;
  ptrdiff_t o_start[kMaxDims];
  ptrdiff_t o_n[kMaxDims];
  ptrdiff_t o_stride[2][kMaxDims];
  ptrdiff_t o_sub[2][kMaxDims];
  ptrdiff_t off[2];        // added to each side's leaf base (flips, collapses)
  ptrdiff_t lo[2], hi[2];  // the bytes of one leaf: [base + lo, base + hi)
  // The kernel: a plane (a, b) per index of the odometer dimensions.
  PlaneFn fn;
  PlaneFn fn_stream;  // the same copy with non-temporal stores (fn when there is none)
  Dim a, b;
  int nodo;
  Dim odo[kMaxDims];
};

// True when items of `k` bytes at the offsets of these dimensions never share a byte (sorted by
// |stride|, each stride clears everything the smaller ones reach; sufficient, not necessary).
bool Disjoint(Dim* dims, int n, ptrdiff_t k) {
  for (int i = 1; i < n; ++i) {
    const Dim x = dims[i];
    int j = i;
    while (j > 0 && dims[j - 1].d > x.d) {
      dims[j] = dims[j - 1];
      --j;
    }
    dims[j] = x;
  }
  ptrdiff_t reach = k;
  for (int i = 0; i < n; ++i) {
    if (dims[i].n <= 1) continue;
    if (dims[i].d < reach) return false;
    reach += dims[i].d * (dims[i].n - 1);  // within the checked span
  }
  return true;
}

PlaneFn ChoosePlane(ptrdiff_t k, const Dim& b) {
  if (b.d == k && b.s == -k) {
    if (k == 1) return PlaneReverse<1>;
    if (k == 2) return PlaneReverse<2>;
    if (k == 4) return PlaneReverse<4>;
  }
  if (k == 1 && b.d == 1 && b.s == 0) return PlaneFill1;
#if defined(__SSE2__)
  if (k == 8 && b.d == 8 && b.n >= 4) return PlaneGather8;
  if (k == 4 && b.d == 4 && b.n >= 4) return PlaneGather4;
#endif
  switch (k) {
    case 1:
      return PlaneK<1>;
    case 2:
      return PlaneK<2>;
    case 3:
      return PlaneK<3>;
    case 4:
      return PlaneK<4>;
    case 5:
      return PlaneK<5>;
    case 6:
      return PlaneK<6>;
    case 8:
      return PlaneK<8>;
    case 12:
      return PlaneK<12>;
    case 16:
      return PlaneK<16>;
    case 24:
      return PlaneK<24>;
    case 32:
      return PlaneK<32>;
    default:
      return PlaneAny;
  }
}

// A transpose kernel; *stream: the same with non-temporal stores (or the kernel itself).
PlaneFn ChooseTile(ptrdiff_t k, Dim a, Dim b, PlaneFn* stream) {
  const bool simd = b.d == k && a.s == k;
#if defined(BUFCONF_MIRROR_AVX2)
  if (simd && HasAvx2()) {
    switch (k) {
      case 1:
        *stream = Packed1Avx2<true>;
        return Packed1Avx2<false>;
      case 2:
        *stream = Packed2Avx2<true>;
        return Packed2Avx2<false>;
      case 4:
        *stream = Packed4Avx2<true>;
        return Packed4Avx2<false>;
      case 8:
        *stream = Packed8Avx2<true>;
        return Packed8Avx2<false>;
      default:
        break;
    }
  }
#endif
  *stream = nullptr;
#if defined(__SSE2__)
  if (simd && k == 1) return Tile1Sse2;
  if (simd && k == 2) return Tile2Sse2;
  if (simd && k == 4) return Tile4Sse2;
  if (simd && k == 8) return Tile8Sse2;
#endif
  (void)simd;
  (void)a;
  (void)b;
  switch (k) {
    case 1:
      return TileK<1>;
    case 2:
      return TileK<2>;
    case 4:
      return TileK<4>;
    case 8:
      return TileK<8>;
    case 16:
      return TileK<16>;
    default:
      return TileAny;
  }
}

inline ptrdiff_t Abs(ptrdiff_t x) { return x < 0 ? -x : x; }

// Plans copying src (side 1) into dst (side 0): same shape and itemsize, counts and spans checked
// (Count) on both. `walk` is the order in which writes to items that share bytes must land.
void BuildEngine(const Layout& dl, const Layout& sl, char walk, Engine* e) {
  const ptrdiff_t item = dl.itemsize;
  e->kernel = Kernel::kNone;
  e->alias = Alias::kDisjoint;
  e->nouter = 0;
  e->leaves = 1;
  e->nodo = 0;
  e->k = item;
  if (dl.count == 0 || item == 0) return;
  const int n = dl.ndim;
  const int m = std::max(dl.last_indirect, sl.last_indirect) + 1;
  const Layout* side[2] = {&dl, &sl};
  e->nouter = m;
  Dim dst_dims[kMaxDims];  // every destination dimension, for the aliasing check
  int ndst = 0;
  for (int i = 0; i < m; ++i) {
    ptrdiff_t extent = dl.shape[i], start = 0;
    if (dl.strides[i] == 0 && extent > 1) {  // the last index wins
      start = extent - 1;
      extent = 1;
    }
    e->o_start[i] = start;
    e->o_n[i] = extent;
    for (int w = 0; w < 2; ++w) {
      e->o_stride[w][i] = side[w]->strides[i];
      e->o_sub[w][i] = side[w]->sub[i];
    }
    e->leaves *= extent;
    dst_dims[ndst++] = {extent, Abs(dl.strides[i]), 0};
  }
  e->off[0] = e->off[1] = 0;
  Dim dims[kMaxDims];
  int nd = 0;
  for (int i = m; i < n; ++i) {
    const ptrdiff_t extent = dl.shape[i];
    if (extent == 1) continue;
    ptrdiff_t d = dl.strides[i], s = sl.strides[i];
    if (d == 0) {  // every index writes the same bytes: only the last one counts
      e->off[1] += s * (extent - 1);
      continue;
    }
    if (d < 0) {
      e->off[0] += d * (extent - 1);
      e->off[1] += s * (extent - 1);
      d = -d;
      s = -s;
    }
    dims[nd++] = {extent, d, s};
  }
  // Destination order: largest destination stride first (stable).
  for (int i = 1; i < nd; ++i) {
    const Dim x = dims[i];
    int j = i;
    while (j > 0 && dims[j - 1].d < x.d) {
      dims[j] = dims[j - 1];
      --j;
    }
    dims[j] = x;
  }
  for (int w = 0; w < 2; ++w) {
    ptrdiff_t lo = 0, hi = 0;
    for (int i = 0; i < nd; ++i) {
      const ptrdiff_t reach = (w == 0 ? dims[i].d : dims[i].s) * (dims[i].n - 1);
      (reach < 0 ? lo : hi) += reach;
    }
    e->lo[w] = lo;
    e->hi[w] = hi + item;
  }
  // Aliasing of the destination.
  for (int i = 0; i < nd; ++i) dst_dims[ndst++] = {dims[i].n, dims[i].d, 0};
  if (dl.last_indirect < 0) {
    e->alias = Disjoint(dst_dims, ndst, item) ? Alias::kDisjoint : Alias::kMayAlias;
  } else {
    // Leaves are written one after the other in C order of the outer indices: where they share
    // bytes, that is the order of C-order writes, not of Fortran-order ones.
    Dim inner[kMaxDims];
    std::copy(dims, dims + nd, inner);
    e->alias = !Disjoint(inner, nd, item) ? Alias::kMayAlias
               : walk == 'C'              ? Alias::kDisjoint
                                          : Alias::kCheckLeaves;
  }
  // Merge dimensions contiguous with each other on both sides.
  int nm = 0;
  for (int i = 0; i < nd; ++i) {
    ptrdiff_t dn, sn;
    if (nm > 0 && Mul(dims[i].d, dims[i].n, &dn) && Mul(dims[i].s, dims[i].n, &sn) &&
        dims[nm - 1].d == dn && dims[nm - 1].s == sn) {
      dims[nm - 1] = {dims[nm - 1].n * dims[i].n, dims[i].d, dims[i].s};
    } else {
      dims[nm++] = dims[i];
    }
  }
  // A contiguous innermost dimension becomes part of the item (one memcpy per run).
  ptrdiff_t k = item;
  while (nm > 0 && dims[nm - 1].d == k && dims[nm - 1].s == k) {
    k *= dims[nm - 1].n;
    --nm;
  }
  e->k = k;
  if (nm == 0) {
    e->kernel = Kernel::kItem;
    return;
  }
  e->kernel = Kernel::kPlane;
  const Dim b = dims[nm - 1];
  // A transpose: the destination's fast axis is slow in the source, another axis is fast there.
  int t = -1;
  for (int i = 0; i + 1 < nm; ++i) {
    if (t < 0 || Abs(dims[i].s) < Abs(dims[t].s)) t = i;
  }
  const bool tile = t >= 0 && k <= 16 && Abs(b.s) >= 64 && Abs(dims[t].s) <= 32 &&
                    Abs(dims[t].s) < Abs(b.s) && b.n >= 4 && dims[t].n >= 4;
  if (tile) {
    const Dim a = dims[t];
    for (int i = t; i + 2 < nm; ++i) dims[i] = dims[i + 1];
    dims[nm - 2] = a;
    e->fn = ChooseTile(k, a, b, &e->fn_stream);
  } else {
    e->fn = ChoosePlane(k, b);
    e->fn_stream = e->fn == PlaneAny && k >= kStreamRun ? PlaneRunStream : nullptr;
  }
  if (e->fn_stream == nullptr) e->fn_stream = e->fn;
  e->b = b;
  if (nm >= 2) {
    e->a = dims[nm - 2];
    e->nodo = nm - 2;
  } else {
    e->a = {1, 0, 0};
    e->nodo = 0;
  }
  std::copy(dims, dims + e->nodo, e->odo);
}

// Calls f(doff, soff) for every index of dims[0..n), the last fastest.
template <typename F>
inline void Odometer(int n, const Dim* dims, F&& f) {
  if (n == 0) {
    f(ptrdiff_t{0}, ptrdiff_t{0});
    return;
  }
  const Dim& last = dims[n - 1];
  if (n == 1) {
    for (ptrdiff_t i = 0; i < last.n; ++i) f(i * last.d, i * last.s);
    return;
  }
  ptrdiff_t idx[kMaxDims];
  for (int i = 0; i < n; ++i) idx[i] = 0;
  ptrdiff_t doff = 0, soff = 0;
  for (;;) {
    for (ptrdiff_t i = 0; i < last.n; ++i) f(doff + i * last.d, soff + i * last.s);
    int k = n - 2;
    for (; k >= 0; --k) {
      if (++idx[k] < dims[k].n) {
        doff += dims[k].d;
        soff += dims[k].s;
        break;
      }
      idx[k] = 0;
      doff -= dims[k].d * (dims[k].n - 1);
      soff -= dims[k].s * (dims[k].n - 1);
    }
    if (k < 0) return;
  }
}

// How a run executes (bufconf_mirror_options, resolved for the copy at hand).
struct Exec {
  int threads = 1;                         // threads the copy may use
  ptrdiff_t thread_min = kThreadMinBytes;  // bytes a thread must have at least
  ptrdiff_t bytes = 0;                     // bytes the copy moves (the plan's)
  bool stream = false;                     // non-temporal stores where a kernel has them
};

// The dimension a direct copy is split along for threads: the bytes of its one run (kItem),
// its first (outermost) odometer dimension, the lines of its plane (a), or, for a plane of one
// line, the items of that line (b); with the grain that keeps parts whole (pages of a run, whole
// tiles of a transpose, 64 bytes of a line).
ptrdiff_t SplitExtent(const Engine& e, ptrdiff_t* grain) {
  if (e.kernel == Kernel::kItem) {
    *grain = 4096;
    return e.k;
  }
  if (e.nodo > 0) {
    *grain = 1;
    return e.odo[0].n;
  }
  *grain = e.a.n > 1 ? 128 : std::max<ptrdiff_t>(1, 64 / e.k);
  return e.a.n > 1 ? e.a.n : e.b.n;
}

// Copies the part [lo, hi) of a direct copy's split dimension (SplitExtent) from s to d.
void RunPart(const Engine& e, char* d, const char* s, bool stream, ptrdiff_t lo, ptrdiff_t hi) {
  if (e.kernel == Kernel::kItem) {
    if (stream && hi - lo >= kStreamRun) {
      CopyStream(d + lo, s + lo, hi - lo);
      StoreFence();
    } else {
      std::memcpy(d + lo, s + lo, static_cast<size_t>(hi - lo));
    }
    return;
  }
  const PlaneFn fn = stream ? e.fn_stream : e.fn;
  if (e.nodo == 0 && e.a.n > 1) {
    Dim a = e.a;
    a.n = hi - lo;
    fn(d + lo * a.d, s + lo * a.s, a, e.b, e.k);
    return;
  }
  if (e.nodo == 0) {
    Dim b = e.b;
    b.n = hi - lo;
    fn(d + lo * b.d, s + lo * b.s, e.a, b, e.k);
    return;
  }
  Dim odo[kMaxDims];
  std::copy(e.odo, e.odo + e.nodo, odo);
  odo[0].n = hi - lo;
  d += lo * odo[0].d;
  s += lo * odo[0].s;
  Odometer(e.nodo, odo,
           [&](ptrdiff_t doff, ptrdiff_t soff) { fn(d + doff, s + soff, e.a, e.b, e.k); });
}

inline void RunInner(const Engine& e, char* d, const char* s, bool stream) {
  ptrdiff_t grain;
  RunPart(e, d, s, stream, 0, SplitExtent(e, &grain));
}

// How many parts a copy of x.bytes over `extent` indices (in grains) is split into.
int Parts(const Exec& x, ptrdiff_t extent, ptrdiff_t grain) {
  if (x.threads <= 1) return 1;
  ptrdiff_t parts = std::min<ptrdiff_t>(x.threads, x.bytes / std::max<ptrdiff_t>(x.thread_min, 1));
  parts = std::min(parts, (extent + grain - 1) / grain);
  return static_cast<int>(std::max<ptrdiff_t>(parts, 1));
}

// Part p of `parts` of [0, n): its bounds rounded to the grain (the last part ends at n).
void PartRange(ptrdiff_t n, int parts, int p, ptrdiff_t grain, ptrdiff_t* lo, ptrdiff_t* hi) {
  const ptrdiff_t grains = (n + grain - 1) / grain;
  *lo = std::min(n, grains * p / parts * grain);
  *hi = p + 1 == parts ? n : std::min(n, grains * (p + 1) / parts * grain);
}

// Runs f(0) .. f(parts - 1): part 0 on the calling thread, the others on threads of their own
// (a part whose thread cannot be started runs on the calling thread), all joined on return.
template <typename F>
void Parallel(int parts, const F& f) {
  if (parts <= 1) {
    f(0);
    return;
  }
  std::thread threads[kMaxThreads];
  for (int p = 1; p < parts; ++p) {
    try {
      threads[p] = std::thread([&f, p] { f(p); });
    } catch (const std::system_error&) {
      f(p);
    }
  }
  f(0);
  for (int p = 1; p < parts; ++p) {
    if (threads[p].joinable()) threads[p].join();
  }
}

// Walks dimensions [0, m) from `buf` in C order (index start[i] .. start[i] + n[i] - 1, start
// may be null for 0): out[leaf] = the address after dimension m - 1 (pointers loaded and
// suboffsets added where sub[i] >= 0) + off. False when an address step leaves the address space.
bool Resolve(int m, const ptrdiff_t* start, const ptrdiff_t* n, const ptrdiff_t* stride,
             const ptrdiff_t* sub, uintptr_t buf, ptrdiff_t off, uintptr_t* out) {
  uintptr_t p[kMaxDims + 1];
  ptrdiff_t idx[kMaxDims];
  p[0] = buf;
  auto level = [&](int i) {
    const ptrdiff_t index = (start != nullptr ? start[i] : 0) + idx[i];
    uintptr_t q;
    if (!Step(p[i], index * stride[i], &q)) return false;
    if (sub[i] >= 0 && !Step(LoadPointer(q), sub[i], &q)) return false;
    p[i + 1] = q;
    return true;
  };
  for (int i = 0; i < m; ++i) {
    idx[i] = 0;
    if (!level(i)) return false;
  }
  size_t leaf = 0;
  for (;;) {
    out[leaf++] = Wrap(p[m], off);
    int i = m - 1;
    while (i >= 0 && ++idx[i] == n[i]) idx[i--] = 0;
    if (i < 0) return true;
    for (int j = i; j < m; ++j) {
      if (!level(j)) return false;
    }
  }
}

enum : unsigned { kCheckOverlap = 1 };

inline bool Meet(uintptr_t a0, uintptr_t a1, uintptr_t b0, uintptr_t b1) {
  return a0 < b1 && b0 < a1;
}

// Runs an engine: kOk, kOverlap / kAlias (nothing written), kOverflow, kNoMem. Parts of the copy
// run on threads of their own as x allows (destination items never share bytes here: kMayAlias
// returned above, kCheckLeaves checked before any part starts).
int RunEngine(const Engine& e, char* dbuf, const char* sbuf, unsigned checks, const Exec& x) {
  if (e.kernel == Kernel::kNone) return kOk;
  if (e.alias == Alias::kMayAlias) return kAlias;
  if (e.nouter == 0) {
    const uintptr_t d = Wrap(Address(dbuf), e.off[0]), s = Wrap(Address(sbuf), e.off[1]);
    if ((checks & kCheckOverlap) &&
        Meet(Wrap(d, e.lo[0]), Wrap(d, e.hi[0]), Wrap(s, e.lo[1]), Wrap(s, e.hi[1]))) {
      return kOverlap;
    }
    ptrdiff_t grain;
    const ptrdiff_t n = SplitExtent(e, &grain);
    const int parts = Parts(x, n, grain);
    Parallel(parts, [&](int p) {
      ptrdiff_t lo, hi;
      PartRange(n, parts, p, grain, &lo, &hi);
      RunPart(e, Ptr(d), Ptr(s), x.stream, lo, hi);
    });
    return kOk;
  }
  const size_t leaves = static_cast<size_t>(e.leaves);
  Scratch scratch;
  auto* base = static_cast<uintptr_t*>(scratch.Get(leaves, 2 * sizeof(uintptr_t)));
  if (base == nullptr) return kNoMem;
  uintptr_t* dl = base;
  uintptr_t* sl = base + leaves;
  if (!Resolve(e.nouter, e.o_start, e.o_n, e.o_stride[0], e.o_sub[0], Address(dbuf), e.off[0],
               dl) ||
      !Resolve(e.nouter, e.o_start, e.o_n, e.o_stride[1], e.o_sub[1], Address(sbuf), e.off[1],
               sl)) {
    return kOverflow;
  }
  if (checks & kCheckOverlap) {
    const auto [dmin, dmax] = std::minmax_element(dl, dl + leaves);
    const auto [smin, smax] = std::minmax_element(sl, sl + leaves);
    if (Meet(Wrap(*dmin, e.lo[0]), Wrap(*dmax, e.hi[0]), Wrap(*smin, e.lo[1]),
             Wrap(*smax, e.hi[1]))) {
      return kOverlap;
    }
  }
  // Leaves written in parallel, or in an order other than C order (kCheckLeaves), must not
  // share bytes; leaves written one after the other in C order may (the last write wins, as in
  // C-order item-by-item writes).
  int parts = Parts(x, e.leaves, 1);
  if ((e.alias == Alias::kCheckLeaves || parts > 1) && leaves > 1) {
    Scratch sorted_scratch;
    auto* sorted = static_cast<uintptr_t*>(sorted_scratch.Get(leaves, sizeof(uintptr_t)));
    if (sorted == nullptr) return kNoMem;
    std::copy(dl, dl + leaves, sorted);
    std::sort(sorted, sorted + leaves);
    const uintptr_t span = static_cast<uintptr_t>(e.hi[0] - e.lo[0]);
    for (size_t i = 1; i < leaves; ++i) {
      if (sorted[i] - sorted[i - 1] < span) {
        if (e.alias == Alias::kCheckLeaves) return kAlias;
        parts = 1;
        break;
      }
    }
  }
  Parallel(parts, [&](int p) {
    ptrdiff_t lo, hi;
    PartRange(e.leaves, parts, p, 1, &lo, &hi);
    for (ptrdiff_t i = lo; i < hi; ++i) RunInner(e, Ptr(dl[i]), Ptr(sl[i]), x.stream);
  });
  return kOk;
}

// Writes `src` (the view's items contiguous in `walk` order, 'C' or 'F') into the view `l` at
// dbuf one item at a time in that order, every pointer loaded first: what CPython and the
// reference model do, for views whose items share bytes.
int Faithful(const Layout& l, char walk, char* dbuf, const char* src) {
  const ptrdiff_t item = l.itemsize;
  if (l.count == 0 || item == 0) return kOk;
  const int n = l.ndim, m = l.last_indirect + 1;
  ptrdiff_t leaves = 1;
  ptrdiff_t weight[kMaxDims];  // C-order weights of the outer dimensions
  for (int i = m - 1; i >= 0; --i) {
    weight[i] = leaves;
    leaves *= l.shape[i];
  }
  Scratch scratch;
  auto* leaf = static_cast<uintptr_t*>(scratch.Get(static_cast<size_t>(leaves), sizeof(uintptr_t)));
  if (leaf == nullptr) return kNoMem;
  if (!Resolve(m, nullptr, l.shape, l.strides, l.sub, Address(dbuf), 0, leaf)) return kOverflow;
  ptrdiff_t idx[kMaxDims];
  for (int i = 0; i < n; ++i) idx[i] = 0;
  ptrdiff_t outer = 0, inner = 0;
  const size_t size = static_cast<size_t>(item);
  for (ptrdiff_t e = 0; e < l.count; ++e) {
    std::memcpy(Ptr(Wrap(leaf[outer], inner)), src + e * item, size);
    for (int k = 0; k < n; ++k) {
      const int i = walk == 'F' ? k : n - 1 - k;
      const ptrdiff_t step = i < m ? weight[i] : l.strides[i];
      if (++idx[i] < l.shape[i]) {
        (i < m ? outer : inner) += step;
        break;
      }
      idx[i] = 0;
      (i < m ? outer : inner) -= step * (l.shape[i] - 1);
    }
  }
  return kOk;
}

}  // namespace
}  // namespace bufconf::mirror

using bufconf::mirror::Engine;
using bufconf::mirror::Layout;

struct bufconf_mirror_plan {
  enum Kind { kTo, kFrom, kCopy } kind;
  char walk;       // order of item-by-item writes ('C' or 'F')
  bool as_is;      // to/from: the view is contiguous in the order asked: one memmove
  bool identical;  // copy: both views have the same layout (same buf: nothing to do)
  ptrdiff_t bytes;
  Layout dest;             // from/copy: the destination view (for Faithful)
  Engine main;             // to/from: view <-> contiguous; copy: src -> dest
  Engine gather, scatter;  // copy through a temporary: src -> C buffer -> dest
};

namespace bufconf::mirror {
namespace {

using Plan = bufconf_mirror_plan;

// ---- planning ----

// Checks a to/from-contiguous call and reads the view: *as_is when the view is contiguous in
// `order` (then *l is not read: a contiguous view is copied as is, whatever its fields say);
// otherwise *l, whose count * itemsize is len (0 is possible: an empty view with suboffsets).
int PrepareContiguous(const bufconf_view* v, ptrdiff_t len, char order, bool* as_is, Layout* l) {
  if (v == nullptr || !ValidOrder(order) || len != v->len || len < 0) return kInval;
  *as_is = IsContiguous(v, order);
  if (*as_is) return kOk;
  const int rc = ExpandAndCount(v, l);
  if (rc != kOk) return rc;
  ptrdiff_t bytes;
  if (!Mul(l->count, l->itemsize, &bytes)) return kOverflow;
  return bytes == len ? kOk : kInval;
}

// The plan of a to (to_buffer) or from contiguous call on the view `l` (PrepareContiguous).
void PlanContiguous(const Layout& l, bool to_buffer, Plan* p) {
  Layout c;
  Contiguous(l, p->walk, &c);
  if (to_buffer) {
    BuildEngine(c, l, 'C', &p->main);
  } else {
    p->dest = l;
    BuildEngine(l, c, p->walk, &p->main);
  }
}

int PlanTo(const bufconf_view* src, ptrdiff_t len, char order, Plan* p) {
  p->kind = Plan::kTo;
  p->bytes = len;
  p->walk = order == 'F' ? 'F' : 'C';
  Layout s;
  const int rc = PrepareContiguous(src, len, order, &p->as_is, &s);
  if (rc == kOk && !p->as_is) PlanContiguous(s, true, p);
  return rc;
}

int PlanFrom(const bufconf_view* dest, ptrdiff_t len, char order, Plan* p) {
  p->kind = Plan::kFrom;
  p->bytes = len;
  p->walk = order == 'F' ? 'F' : 'C';
  Layout d;
  const int rc = PrepareContiguous(dest, len, order, &p->as_is, &d);
  if (rc == kOk && !p->as_is) PlanContiguous(d, false, p);
  return rc;
}

int PlanCopy(const bufconf_view* dest, const bufconf_view* src, Plan* p) {
  if (dest == nullptr || src == nullptr) return kInval;
  if (dest->readonly != 0) return kReadOnly;
  p->kind = Plan::kCopy;
  p->walk = 'C';
  p->as_is = false;
  Layout s, c;
  int rc = ExpandAndCount(dest, &p->dest);
  if (rc == kOk) rc = ExpandAndCount(src, &s);
  if (rc != kOk) return rc;
  if (!SameShape(p->dest, s) || p->dest.itemsize != s.itemsize) return kInval;
  if (!Mul(s.count, s.itemsize, &p->bytes)) return kOverflow;
  p->identical = SameLayout(p->dest, s);
  BuildEngine(p->dest, s, 'C', &p->main);
  if (p->bytes > 0) {
    Contiguous(s, 'C', &c);
    BuildEngine(c, s, 'C', &p->gather);
    BuildEngine(p->dest, c, 'C', &p->scatter);
  }
  return kOk;
}

// ---- running ----

// A temporary of `bytes` bytes (freed with the object).
class Temp {
 public:
  explicit Temp(ptrdiff_t bytes)
      : p_(static_cast<char*>(std::malloc(static_cast<size_t>(bytes)))) {}
  Temp(const Temp&) = delete;
  Temp& operator=(const Temp&) = delete;
  ~Temp() { std::free(p_); }
  char* get() const { return p_; }

 private:
  char* p_;
};

int RunAsIs(const Plan& p, void* dst, const void* src) {
  if (p.bytes > 0) std::memmove(dst, src, static_cast<size_t>(p.bytes));
  return kOk;
}

int RunTo(const Plan& p, char* dst, const char* src, const Exec& x) {
  if (p.as_is) return RunAsIs(p, dst, src);
  int rc = RunEngine(p.main, dst, src, kCheckOverlap, x);
  if (rc != kOverlap) return rc;
  Temp temp(p.bytes);
  if (temp.get() == nullptr) return kNoMem;
  rc = RunEngine(p.main, temp.get(), src, 0, x);
  if (rc == kOk) std::memcpy(dst, temp.get(), static_cast<size_t>(p.bytes));
  return rc;
}

int RunFrom(const Plan& p, char* dst, const char* src, const Exec& x) {
  if (p.as_is) return RunAsIs(p, dst, src);
  int rc = RunEngine(p.main, dst, src, kCheckOverlap, x);
  if (rc != kOverlap && rc != kAlias) return rc;
  // The source may overlap the view: read it all first.
  Temp temp(p.bytes);
  if (temp.get() == nullptr) return kNoMem;
  std::memcpy(temp.get(), src, static_cast<size_t>(p.bytes));
  if (rc == kOverlap) rc = RunEngine(p.main, dst, temp.get(), 0, x);
  if (rc == kAlias) rc = Faithful(p.dest, p.walk, dst, temp.get());
  return rc;
}

int RunCopy(const Plan& p, char* dst, const char* src, const Exec& x) {
  if (p.identical && dst == src) return kOk;  // every item is written over itself
  int rc = RunEngine(p.main, dst, src, kCheckOverlap, x);
  if (rc != kOverlap && rc != kAlias) return rc;
  Temp temp(p.bytes);
  if (temp.get() == nullptr) return kNoMem;
  rc = RunEngine(p.gather, temp.get(), src, 0, x);
  if (rc == kOk) rc = RunEngine(p.scatter, dst, temp.get(), 0, x);
  if (rc == kAlias) rc = Faithful(p.dest, 'C', dst, temp.get());
  return rc;
}

int Run(const Plan& p, void* dst, const void* src, const Exec& x) {
  char* d = static_cast<char*>(dst);
  const char* s = static_cast<const char*>(src);
  switch (p.kind) {
    case Plan::kTo:
      return RunTo(p, d, s, x);
    case Plan::kFrom:
      return RunFrom(p, d, s, x);
    case Plan::kCopy:
      return RunCopy(p, d, s, x);
  }
  return kInval;
}

// The size of the last-level cache as the system reports it (sysconf: L4, else L3, else L2), or
// 32 MiB when it reports none: copies moving at least this much store non-temporally by default.
ptrdiff_t LastLevelCacheBytes() {
  static const ptrdiff_t bytes = [] {
#if defined(_SC_LEVEL3_CACHE_SIZE)
    for (const int name : {_SC_LEVEL4_CACHE_SIZE, _SC_LEVEL3_CACHE_SIZE, _SC_LEVEL2_CACHE_SIZE}) {
      const long size = sysconf(name);
      if (size > 0) return static_cast<ptrdiff_t>(size);
    }
#endif
    return ptrdiff_t{32} << 20;
  }();
  return bytes;
}

// The execution of a copy of `bytes` bytes under `o` (NULL: the defaults); EINVAL for options
// out of range.
int MakeExec(const bufconf_mirror_options* o, ptrdiff_t bytes, Exec* x) {
  x->bytes = bytes;
  ptrdiff_t stream_min = 0;
  if (o != nullptr) {
    if (o->threads < 0 || o->threads > kMaxThreads || o->thread_min_bytes < 0 ||
        o->stream_min_bytes < -1) {
      return kInval;
    }
    x->threads = o->threads == 0 ? 1 : o->threads;
    x->thread_min = o->thread_min_bytes == 0 ? kThreadMinBytes : o->thread_min_bytes;
    stream_min = o->stream_min_bytes;
  }
  if (stream_min == 0) stream_min = LastLevelCacheBytes();
  x->stream = stream_min > 0 && bytes >= stream_min;
  return kOk;
}

template <typename MakePlan>
int MakeHeapPlan(bufconf_mirror_plan** out, MakePlan&& make) {
  if (out == nullptr) return kInval;
  *out = nullptr;
  auto* p = new (std::nothrow) Plan;
  if (p == nullptr) return kNoMem;
  const int rc = make(p);
  if (rc != kOk) {
    delete p;
    return rc;
  }
  *out = p;
  return kOk;
}

// ---- small direct views: one walk, no plan ----

// Views at most this big (and direct) are copied by SmallWalk in one-shot calls.
constexpr ptrdiff_t kSmallBytes = 1024;
constexpr ptrdiff_t kSmallCount = 128;

bool IsSmall(const Layout& l, ptrdiff_t bytes) {
  return l.last_indirect < 0 && bytes <= kSmallBytes && l.count <= kSmallCount;
}

// Copies every item of the direct view `l` at `view` to (kTo) or from the contiguous `buf`, in
// C or Fortran order, one after the other: the order CPython writes them in. `buf` must not
// overlap the view's bytes. K is the itemsize (0: l.itemsize at run time).
template <int K, bool kTo>
void Walk(const Layout& l, bool fortran, char* view, char* buf) {
  const size_t k = K != 0 ? static_cast<size_t>(K) : static_cast<size_t>(l.itemsize);
  const int n = l.ndim;
  if (n == 0) {
    kTo ? std::memcpy(buf, view, k) : std::memcpy(view, buf, k);
    return;
  }
  const int in = fortran ? 0 : n - 1;  // the fastest dimension
  const ptrdiff_t ni = l.shape[in], si = l.strides[in];
  ptrdiff_t idx[kMaxDims];
  for (int i = 0; i < n; ++i) idx[i] = 0;
  ptrdiff_t off = 0;
  for (;;) {
    for (ptrdiff_t j = 0; j < ni; ++j) {
      char* item = view + off + j * si;
      kTo ? std::memcpy(buf, item, k) : std::memcpy(item, buf, k);
      buf += k;
    }
    int step = 1;
    for (; step < n; ++step) {
      const int i = fortran ? step : n - 1 - step;
      if (++idx[i] < l.shape[i]) {
        off += l.strides[i];
        break;
      }
      idx[i] = 0;
      off -= l.strides[i] * (l.shape[i] - 1);
    }
    if (step == n) return;
  }
}

template <bool kTo>
void SmallWalk(const Layout& l, bool fortran, char* view, char* buf) {
  switch (l.itemsize) {
    case 1:
      return Walk<1, kTo>(l, fortran, view, buf);
    case 2:
      return Walk<2, kTo>(l, fortran, view, buf);
    case 4:
      return Walk<4, kTo>(l, fortran, view, buf);
    case 8:
      return Walk<8, kTo>(l, fortran, view, buf);
    case 16:
      return Walk<16, kTo>(l, fortran, view, buf);
    default:
      return Walk<0, kTo>(l, fortran, view, buf);
  }
}

// Copies a direct view of at most three dimensions item by item, C order over (n0, n1, n2) with
// view strides (s0, s1, s2) (the caller lists the dimensions reversed for Fortran order), to
// (kTo) or from the contiguous `buf`, which must not overlap the view's bytes.
template <int K, bool kTo>
__attribute__((noinline)) void Walk3(ptrdiff_t k_any, ptrdiff_t n0, ptrdiff_t s0, ptrdiff_t n1,
                                     ptrdiff_t s1, ptrdiff_t n2, ptrdiff_t s2, char* view,
                                     char* buf) {
  const size_t k = K != 0 ? static_cast<size_t>(K) : static_cast<size_t>(k_any);
  for (ptrdiff_t i0 = 0; i0 < n0; ++i0) {
    char* p0 = view + i0 * s0;
    for (ptrdiff_t i1 = 0; i1 < n1; ++i1) {
      char* p1 = p0 + i1 * s1;
      for (ptrdiff_t i2 = 0; i2 < n2; ++i2) {
        char* item = p1 + i2 * s2;
        kTo ? std::memcpy(buf, item, k) : std::memcpy(item, buf, k);
        buf += k;
      }
    }
  }
}

template <bool kTo>
void SmallWalk3(ptrdiff_t k, ptrdiff_t n0, ptrdiff_t s0, ptrdiff_t n1, ptrdiff_t s1, ptrdiff_t n2,
                ptrdiff_t s2, char* view, char* buf) {
  switch (k) {
    case 1:
      return Walk3<1, kTo>(k, n0, s0, n1, s1, n2, s2, view, buf);
    case 2:
      return Walk3<2, kTo>(k, n0, s0, n1, s1, n2, s2, view, buf);
    case 4:
      return Walk3<4, kTo>(k, n0, s0, n1, s1, n2, s2, view, buf);
    case 8:
      return Walk3<8, kTo>(k, n0, s0, n1, s1, n2, s2, view, buf);
    case 16:
      return Walk3<16, kTo>(k, n0, s0, n1, s1, n2, s2, view, buf);
    default:
      return Walk3<0, kTo>(k, n0, s0, n1, s1, n2, s2, view, buf);
  }
}

// The general one-shot path (OneShotContiguous): kept out of line, so that the fast path does not
// carry its large stack frame.
__attribute__((noinline)) int OneShotGeneral(const bufconf_view* v, void* buf, ptrdiff_t len,
                                             char order, bool to_buffer);

// kDone: the fast path made the copy; kGeneral: the general path decides everything again.
enum class Fast : uint8_t { kDone, kGeneral };

// The one-shot fast path for small direct views with shape and strides, 1 to 3 dimensions, all
// extents >= 1 and len > 0: validation, contiguity (as IsContiguous decides it), the element
// count and byte reach (as Count checks them) in one pass over the fields. Anything else, any
// error included, is left to the general path, which decides it again from the start.
__attribute__((always_inline)) inline Fast OneShotFast(const bufconf_view* v, char* b,
                                                       ptrdiff_t len, char order, bool to_buffer) {
  const int nd = v->ndim;
  const ptrdiff_t item = v->itemsize;
  if (nd < 1 || nd > 3 || v->shape == nullptr || v->strides == nullptr ||
      v->suboffsets != nullptr || item <= 0 || len <= 0 || len != v->len) {
    return Fast::kGeneral;
  }
  if (order != 'C' && order != 'F' && order != 'A') return Fast::kGeneral;
  // Dimensions in C order, padded in front with extent 1 (stride 0) up to three.
  const ptrdiff_t* shape = v->shape;
  const ptrdiff_t* strides = v->strides;
  ptrdiff_t n0 = 1, n1 = 1, n2, s0 = 0, s1 = 0, s2;
  if (nd == 1) {
    n2 = shape[0];
    s2 = strides[0];
  } else if (nd == 2) {
    n1 = shape[0];
    n2 = shape[1];
    s1 = strides[0];
    s2 = strides[1];
  } else {
    n0 = shape[0];
    n1 = shape[1];
    n2 = shape[2];
    s0 = strides[0];
    s1 = strides[1];
    s2 = strides[2];
  }
  // The element count, at most kSmallCount (no product below can overflow: every extent is
  // 1..kSmallCount, and every product with the itemsize is at most bytes, which is checked).
  if (n0 < 1 || n1 < 1 || n2 < 1 || n0 > kSmallCount || n1 > kSmallCount || n2 > kSmallCount) {
    return Fast::kGeneral;
  }
  const ptrdiff_t c12 = n1 * n2, count = n0 * c12;
  ptrdiff_t bytes;
  if (count > kSmallCount || !Mul(count, item, &bytes)) return Fast::kGeneral;
  const ptrdiff_t ec1 = item * n2, ec0 = item * c12, ef1 = item * n0, ef2 = ef1 * n1;
  // Contiguity as StridesAreContiguous decides it: extent-1 dimensions constrain nothing.
  const bool c_contig = (n2 <= 1 || s2 == item) && (n1 <= 1 || s1 == ec1) && (n0 <= 1 || s0 == ec0);
  const bool f_contig = (n0 <= 1 || s0 == item) && (n1 <= 1 || s1 == ef1) && (n2 <= 1 || s2 == ef2);
  const bool as_is = order == 'C' ? c_contig : order == 'F' ? f_contig : (c_contig || f_contig);
  char* view = static_cast<char*>(v->buf);
  if (as_is) {
    to_buffer ? std::memmove(b, view, static_cast<size_t>(len))
              : std::memmove(view, b, static_cast<size_t>(len));
    return Fast::kDone;
  }
  // Count: count * itemsize == len, every reach and their sum fit (else the general path's error).
  if (bytes != len || bytes > kSmallBytes) return Fast::kGeneral;
  ptrdiff_t r0, r1, r2, total;
  if (!Mul(s0, n0 - 1, &r0) || !Mul(s1, n1 - 1, &r1) || !Mul(s2, n2 - 1, &r2) ||
      r0 == PTRDIFF_MIN || r1 == PTRDIFF_MIN || r2 == PTRDIFF_MIN || !Add(item, Abs(r0), &total) ||
      !Add(total, Abs(r1), &total) || !Add(total, Abs(r2), &total)) {
    return Fast::kGeneral;
  }
  // The view's bytes: [view + lo, view + hi), with |lo| + hi <= total.
  const ptrdiff_t lo =
      std::min<ptrdiff_t>(r0, 0) + std::min<ptrdiff_t>(r1, 0) + std::min<ptrdiff_t>(r2, 0);
  const ptrdiff_t hi =
      item + std::max<ptrdiff_t>(r0, 0) + std::max<ptrdiff_t>(r1, 0) + std::max<ptrdiff_t>(r2, 0);
  const uintptr_t at = Address(view);
  if (Meet(Wrap(at, lo), Wrap(at, hi), Address(b), Wrap(Address(b), len))) {
    return Fast::kGeneral;
  }
  if (order == 'F') {
    std::swap(n0, n2);
    std::swap(s0, s2);
  }
  to_buffer ? SmallWalk3<true>(item, n0, s0, n1, s1, n2, s2, view, b)
            : SmallWalk3<false>(item, n0, s0, n1, s1, n2, s2, view, b);
  return Fast::kDone;
}

// A one-shot to (to_buffer) or from contiguous call.
int OneShotContiguous(const bufconf_view* v, void* buf, ptrdiff_t len, char order, bool to_buffer) {
  if (v != nullptr &&
      OneShotFast(v, static_cast<char*>(buf), len, order, to_buffer) == Fast::kDone) {
    return kOk;
  }
  return OneShotGeneral(v, buf, len, order, to_buffer);
}

int OneShotGeneral(const bufconf_view* v, void* buf, ptrdiff_t len, char order, bool to_buffer) {
  bool as_is;
  Layout l;
  int rc = PrepareContiguous(v, len, order, &as_is, &l);
  if (rc != kOk) return rc;
  char* view = static_cast<char*>(v->buf);
  char* b = static_cast<char*>(buf);
  if (len == 0) return kOk;  // as is or not (suboffsets, even all negative, are not contiguous)
  if (as_is) {
    to_buffer ? std::memmove(b, view, static_cast<size_t>(len))
              : std::memmove(view, b, static_cast<size_t>(len));
    return kOk;
  }
  const uintptr_t at = Address(view);
  if (IsSmall(l, len) && !Meet(Wrap(at, l.lo), Wrap(at, l.hi), Address(b), Wrap(Address(b), len))) {
    to_buffer ? SmallWalk<true>(l, order == 'F', view, b)
              : SmallWalk<false>(l, order == 'F', view, b);
    return kOk;
  }
  Plan plan;  // on the stack, not initialized beyond what planning sets: no heap, no memset
  plan.kind = to_buffer ? Plan::kTo : Plan::kFrom;
  plan.bytes = len;
  plan.walk = order == 'F' ? 'F' : 'C';
  plan.as_is = false;
  PlanContiguous(l, to_buffer, &plan);
  Exec x;
  MakeExec(nullptr, plan.bytes, &x);
  return to_buffer ? RunTo(plan, b, view, x) : RunFrom(plan, view, b, x);
}

// ---- for_each ----

int ForEach(const bufconf_view* view, char order, bufconf_element_fn fn, void* ctx) {
  if (fn == nullptr || (order != 'C' && order != 'F')) return kInval;
  Layout l;
  const int rc = ExpandAndCount(view, &l);
  if (rc != kOk) return rc;
  if (l.count == 0) return kOk;
  const int n = l.ndim;
  const bool fortran = order == 'F';
  ptrdiff_t idx[kMaxDims + 1];
  for (int i = 0; i <= n; ++i) idx[i] = 0;
  if (n == 0) return fn(ctx, view->buf, idx);
  // The innermost dimension (n - 1 in C order, 0 in Fortran order) runs in a loop of its own,
  // its extent and stride in registers; the odometer over the other dimensions runs once per row.
  const int in = fortran ? 0 : n - 1;
  const ptrdiff_t extent = l.shape[in];
  const ptrdiff_t stride = l.strides[in];
  if (l.last_indirect < 0) {
    uintptr_t p = Address(view->buf);  // the row's first item
    for (;;) {
      uintptr_t q = p;
      for (ptrdiff_t j = 0; j < extent; ++j) {
        idx[in] = j;
        const int r = fn(ctx, Ptr(q), idx);
        if (r != 0) return r;
        q = Wrap(q, stride);
      }
      idx[in] = 0;
      int k = 1;
      for (; k < n; ++k) {
        const int i = fortran ? k : n - 1 - k;
        if (++idx[i] < l.shape[i]) {
          p = Wrap(p, l.strides[i]);
          break;
        }
        idx[i] = 0;
        p = Wrap(p, -(l.strides[i] * (l.shape[i] - 1)));
      }
      if (k == n) return kOk;
    }
  }
  // Array of arrays: p[i] is the address before dimension i is applied.
  uintptr_t p[kMaxDims + 1];
  p[0] = Address(view->buf);
  auto level = [&](int i) {
    uintptr_t q;
    if (!Step(p[i], idx[i] * l.strides[i], &q)) return false;
    if (l.sub[i] >= 0 && !Step(LoadPointer(q), l.sub[i], &q)) return false;
    p[i + 1] = q;
    return true;
  };
  for (int i = 0; i < n; ++i) {
    if (!level(i)) return kOverflow;
  }
  // C order with a direct innermost dimension (the usual array of row pointers): the row's items
  // are p[n - 1] + j * stride, and when its last item's address is in the address space so are
  // all of them (one check per row instead of one per item; a row that leaves it is walked item
  // by item, so the callbacks before the error are the same).
  const bool rows = !fortran && l.sub[in] < 0;
  for (;;) {
    if (rows) {
      uintptr_t q = p[in], end;
      if (Step(q, (extent - 1) * stride, &end)) {
        for (ptrdiff_t j = 0; j < extent; ++j) {
          idx[in] = j;
          const int r = fn(ctx, Ptr(q), idx);
          if (r != 0) return r;
          q = Wrap(q, stride);
        }
      } else {
        for (ptrdiff_t j = 0; j < extent; ++j) {
          idx[in] = j;
          if (!Step(p[in], j * stride, &q)) return kOverflow;
          const int r = fn(ctx, Ptr(q), idx);
          if (r != 0) return r;
        }
      }
      idx[in] = 0;
    } else {
      const int r = fn(ctx, Ptr(p[n]), idx);
      if (r != 0) return r;
    }
    int changed = n;
    for (int k = rows ? 1 : 0; k < n; ++k) {
      const int i = fortran ? k : n - 1 - k;
      if (++idx[i] < l.shape[i]) {
        changed = i;
        break;
      }
      idx[i] = 0;
    }
    if (changed == n) return kOk;
    // C order: dimensions changed..n-1 changed (the row's own, n - 1, is walked above);
    // Fortran order: 0..changed.
    const int top = rows ? n - 1 : n;
    for (int i = fortran ? 0 : changed; i < top; ++i) {
      if (!level(i)) return kOverflow;
    }
  }
}

// ---- PyBuffer_GetPointer ----

void* GetPointer(const bufconf_view* view, const ptrdiff_t* indices) {
  Layout l;
  if (Expand(view, &l) != kOk) return nullptr;
  if (l.ndim > 0 && indices == nullptr) return nullptr;
  uintptr_t p = Address(view->buf);
  for (int i = 0; i < l.ndim; ++i) {
    ptrdiff_t off;
    if (!Mul(l.strides[i], indices[i], &off) || !Step(p, off, &p)) return nullptr;
    if (l.sub[i] >= 0 && !Step(LoadPointer(p), l.sub[i], &p)) return nullptr;
  }
  return Ptr(p);
}

}  // namespace
}  // namespace bufconf::mirror

// ---- the C API ----

using bufconf::mirror::Plan;

extern "C" {

const char* bufconf_mirror_strerror(int code) {
  switch (code) {
    case BUFCONF_MIRROR_OK:
      return "success";
    case BUFCONF_MIRROR_EINVAL:
      return "invalid argument (order, length, shape, or a view that cannot be read)";
    case BUFCONF_MIRROR_EOVERFLOW:
      return "the layout's byte offsets overflow ptrdiff_t";
    case BUFCONF_MIRROR_ENOMEM:
      return "out of memory";
    case BUFCONF_MIRROR_EREADONLY:
      return "the destination view is read-only";
    default:
      return "unknown bufconf mirror error";
  }
}

int bufconf_to_contiguous(void* buf, const bufconf_view* src, ptrdiff_t len, char order) {
  return bufconf::mirror::OneShotContiguous(src, buf, len, order, true);
}

int bufconf_from_contiguous(const bufconf_view* view, const void* buf, ptrdiff_t len, char order) {
  // The buffer is only read (the cast serves the shared code path).
  return bufconf::mirror::OneShotContiguous(view, const_cast<void*>(buf), len, order, false);
}

int bufconf_copy_data(const bufconf_view* dest, const bufconf_view* src) {
  Plan plan;
  const int rc = bufconf::mirror::PlanCopy(dest, src, &plan);
  if (rc != BUFCONF_MIRROR_OK) return rc;
  bufconf::mirror::Exec x;
  bufconf::mirror::MakeExec(nullptr, plan.bytes, &x);
  return bufconf::mirror::Run(plan, dest->buf, src->buf, x);
}

int bufconf_for_each(const bufconf_view* view, char order, bufconf_element_fn fn, void* ctx) {
  return bufconf::mirror::ForEach(view, order, fn, ctx);
}

int bufconf_is_contiguous(const bufconf_view* view, char order) {
  return bufconf::mirror::IsContiguous(view, order) ? 1 : 0;
}

void* bufconf_get_pointer(const bufconf_view* view, const ptrdiff_t* indices) {
  return bufconf::mirror::GetPointer(view, indices);
}

void bufconf_fill_contiguous_strides(int ndim, const ptrdiff_t* shape, ptrdiff_t* strides,
                                     int itemsize, char order) {
  if (ndim <= 0 || shape == nullptr || strides == nullptr) return;
  // Unsigned: CPython's products wrap around without a check; so do these (no UB).
  uint64_t sd = static_cast<uint64_t>(static_cast<int64_t>(itemsize));
  for (int k = 0; k < ndim; ++k) {
    const int i = order == 'F' ? k : ndim - 1 - k;
    strides[i] = static_cast<ptrdiff_t>(sd);
    sd *= static_cast<uint64_t>(shape[i]);
  }
}

int bufconf_mirror_plan_to_contiguous(const bufconf_view* src, char order,
                                      bufconf_mirror_plan** plan) {
  return bufconf::mirror::MakeHeapPlan(plan, [&](Plan* p) {
    return bufconf::mirror::PlanTo(src, src != nullptr ? src->len : 0, order, p);
  });
}

int bufconf_mirror_plan_from_contiguous(const bufconf_view* dest, char order,
                                        bufconf_mirror_plan** plan) {
  return bufconf::mirror::MakeHeapPlan(plan, [&](Plan* p) {
    return bufconf::mirror::PlanFrom(dest, dest != nullptr ? dest->len : 0, order, p);
  });
}

int bufconf_mirror_plan_copy(const bufconf_view* dest, const bufconf_view* src,
                             bufconf_mirror_plan** plan) {
  return bufconf::mirror::MakeHeapPlan(
      plan, [&](Plan* p) { return bufconf::mirror::PlanCopy(dest, src, p); });
}

ptrdiff_t bufconf_mirror_plan_bytes(const bufconf_mirror_plan* plan) {
  return plan != nullptr ? plan->bytes : 0;
}

int bufconf_mirror_run(const bufconf_mirror_plan* plan, void* dst, const void* src) {
  return bufconf_mirror_run_with(plan, dst, src, nullptr);
}

int bufconf_mirror_run_with(const bufconf_mirror_plan* plan, void* dst, const void* src,
                            const bufconf_mirror_options* options) {
  if (plan == nullptr) return BUFCONF_MIRROR_EINVAL;
  bufconf::mirror::Exec x;
  const int rc = bufconf::mirror::MakeExec(options, plan->bytes, &x);
  return rc != BUFCONF_MIRROR_OK ? rc : bufconf::mirror::Run(*plan, dst, src, x);
}

void bufconf_mirror_plan_free(bufconf_mirror_plan* plan) { delete plan; }

}  // extern "C"
