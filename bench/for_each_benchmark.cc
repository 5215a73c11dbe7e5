// Element iteration (bufconf_for_each, order 'C') over strided views, three implementations in
// one process, with a ratio table at the end (docs/performance.md):
//   bazel run -c opt //bench:for_each [-- --benchmark_filter=/transposed_f32]
//
// Benchmarks are named <impl>/<layout>[/<variant>]:
//   bufconf   bufconf_for_each(view, 'C', fn, ctx) (mirror/bufconf_mirror.h)
//   cloop     a plain C loop over the same view, as one writes it for any strided view: an
//             odometer over the outer dimensions (row pointers recomputed from the strides, and
//             suboffsets followed, when an outer index changes), an inner loop over the last
//             dimension, the index array kept up to date, the callback called per element
//   nditer    numpy's iterator through its C API (numpy 1.24 in the embedded CPython 3.11):
//             NpyIter_New(READONLY | MULTI_INDEX, NPY_CORDER, NPY_NO_CASTING) on a numpy array
//             over the same memory with the same strides, then the iternext loop, with
//             NpyIter_GetMultiIndex into an npy_intp index per element and the callback on the
//             data pointer. The iterator is made in every call, as bufconf plans in every call.
//             Variant /external_loop_noindex (NOT like for like): NPY_ITER_EXTERNAL_LOOP, numpy
//             hands out inner runs and no index, so the callback gets a zero index; its result
//             is checked against the same walk with a zero index.
// Per element every implementation makes one indirect call of the same callback, Visit (never
// inlined; its address is read from a volatile global), which adds the item's value and
// index[ndim - 1] to a sum, folds the value's bits into an order-sensitive hash and counts.
// Before the timing each implementation's sum, hash and count are compared with a reference
// walk (every element's address computed from its index); a difference is an error, not a
// number. Layouts are made on first use and kept (16 to 32 MiB each).
//
// The run of docs/performance.md:
//   bazel run -c opt //bench:for_each -- --benchmark_min_time=0.1
// (with --benchmark_repetitions=N the table uses the median repetition).
//
// The ratio table goes to stderr after the run, so `--benchmark_format=json` output on stdout
// stays pure JSON. A ratio is the other implementation's time over bufconf's: 2.0 means bufconf
// takes half the time, 1.0 the same. Times are CPU times (the benchmark thread's user + system
// time; everything here is single-threaded), so what other processes take of a shared machine
// does not count. Errors (a wrong result, an unavailable implementation) are listed under the
// table as "error:" lines.
#include <Python.h>
// Python.h first.
#include <benchmark/benchmark.h>
#include <numpy/arrayobject.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include "bench/bench_support.h"
#include "mirror/bufconf_mirror.h"

static_assert(std::is_same_v<npy_intp, ptrdiff_t>, "npy_intp is ptrdiff_t on this platform");

namespace {

using bufconf::bench::FormatTime;
using bufconf::bench::TakePythonError;
using bufconf::bench::Times;

// ---- the per-element work ----

struct Acc {
  double sum = 0;                       // values + index[last]
  uint64_t hash = 0xcbf29ce484222325u;  // FNV-1a over the values' bits, in visiting order
  int64_t count = 0;                    // elements visited
  int last = 0;                         // ndim - 1
  ptrdiff_t itemsize = 4;               // 4: float32, 8: float64

  bool operator==(const Acc& o) const {
    // The values are multiples of 1/4 below 2^12 and the indices below 2^23: every partial sum
    // is exact in a double, so equal walks give bit-equal sums.
    return sum == o.sum && hash == o.hash && count == o.count;
  }
};

__attribute__((noinline)) int Visit(void* ctx, void* item, const ptrdiff_t* index) {
  Acc* a = static_cast<Acc*>(ctx);
  double v;
  if (a->itemsize == 4) {
    float f;
    std::memcpy(&f, item, sizeof f);
    v = f;
  } else {
    std::memcpy(&v, item, sizeof v);
  }
  a->sum += v + static_cast<double>(index[a->last]);
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  a->hash = (a->hash ^ bits) * 0x100000001b3u;
  ++a->count;
  return 0;
}

// Every implementation reads the callback from here, so the compiler cannot inline it or see
// which function it is: one indirect call per element everywhere.
bufconf_element_fn volatile g_visit = Visit;

// ---- layouts ----

struct LayoutSpec {
  std::string name;
  std::string description;
  ptrdiff_t itemsize;
  int numpy_type;      // -1: numpy cannot express the layout
  bool tiny;           // latency: nanoseconds
  bool target;         // target: bufconf >= 1.0x cloop
  ptrdiff_t elements;  // product(shape)
};

// A live layout: the source memory and the view over it.
struct Layout {
  const LayoutSpec* spec = nullptr;
  uint8_t* data = nullptr;                            // the block the view reads
  std::vector<void*> row_table;                       // array-of-arrays: pointers to the rows
  char* buf = nullptr;                                // the view's buf
  ptrdiff_t count = 0;                                // product(shape)
  std::vector<ptrdiff_t> shape, strides, suboffsets;  // suboffsets empty: NULL

  Layout() = default;
  Layout(const Layout&) = delete;
  Layout& operator=(const Layout&) = delete;
  ~Layout() { std::free(data); }

  // `items` items of spec->itemsize, each a multiple of 1/4 in [0, 1024) (exact sums, no NaN).
  void Allocate(size_t items) {
    const size_t size = items * static_cast<size_t>(spec->itemsize);
    data = static_cast<uint8_t*>(std::aligned_alloc(64, (size + 63) / 64 * 64));
    if (data == nullptr) std::abort();
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < items; ++i) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      const double v = static_cast<double>(x % 4096) * 0.25;
      if (spec->itemsize == 4) {
        const float f = static_cast<float>(v);
        std::memcpy(data + i * 4, &f, 4);
      } else {
        std::memcpy(data + i * 8, &v, 8);
      }
    }
  }
};

const std::vector<LayoutSpec>& Specs() {
  static const std::vector<LayoutSpec> specs = {
      {"c_contiguous_f32", "float32 2048x2048 C array (explicit C strides)", 4, NPY_FLOAT32, false,
       true, 2048 * 2048},
      {"transposed_f32", "float32 2048x2048 C array, transposed (strides 4, 8192)", 4, NPY_FLOAT32,
       false, false, 2048 * 2048},
      {"rows_every_other_f32", "float32 4096x2048, a[::2] (2048x2048)", 4, NPY_FLOAT32, false,
       false, 2048 * 2048},
      {"reversed_f32", "float32 4 Mi, a[::-1] (stride -4)", 4, NPY_FLOAT32, false, false, 4 << 20},
      {"slice3d_f32", "float32 64x256x256, a[:, 1:-1, ::2] (64x254x128)", 4, NPY_FLOAT32, false,
       false, 64 * 254 * 128},
      {"pil_rows_f32", "array of arrays: 2048 row pointers (shuffled) to 2048-float32 rows", 4, -1,
       false, false, 2048 * 2048},
      {"tiny_f64_transposed", "float64 4x3 C array, transposed (3x4)", 8, NPY_FLOAT64, true, false,
       12},
  };
  return specs;
}

std::unique_ptr<Layout> Build(const LayoutSpec& spec) {
  auto l = std::make_unique<Layout>();
  l->spec = &spec;
  const std::string& n = spec.name;
  if (n == "c_contiguous_f32") {
    l->Allocate(2048 * 2048);
    l->shape = {2048, 2048};
    l->strides = {2048 * 4, 4};
    l->buf = reinterpret_cast<char*>(l->data);
  } else if (n == "transposed_f32") {
    l->Allocate(2048 * 2048);
    l->shape = {2048, 2048};
    l->strides = {4, 2048 * 4};
    l->buf = reinterpret_cast<char*>(l->data);
  } else if (n == "rows_every_other_f32") {
    l->Allocate(4096 * 2048);
    l->shape = {2048, 2048};
    l->strides = {2 * 2048 * 4, 4};
    l->buf = reinterpret_cast<char*>(l->data);
  } else if (n == "reversed_f32") {
    const ptrdiff_t items = ptrdiff_t{4} << 20;
    l->Allocate(static_cast<size_t>(items));
    l->shape = {items};
    l->strides = {-4};
    l->buf = reinterpret_cast<char*>(l->data) + (items - 1) * 4;
  } else if (n == "slice3d_f32") {
    l->Allocate(64 * 256 * 256);
    l->shape = {64, 254, 128};
    l->strides = {256 * 256 * 4, 256 * 4, 2 * 4};
    l->buf = reinterpret_cast<char*>(l->data) + 256 * 4;
  } else if (n == "pil_rows_f32") {
    l->Allocate(2048 * 2048);
    l->shape = {2048, 2048};
    l->strides = {sizeof(void*), 4};
    l->suboffsets = {0, -1};
    // Row i lives in block (i * 2654435761) mod 2048: a fixed permutation of the 2048 blocks.
    l->row_table.resize(2048);
    for (size_t i = 0; i < 2048; ++i) {
      l->row_table[i] = l->data + (i * 2654435761u % 2048) * 2048 * 4;
    }
    l->buf = reinterpret_cast<char*>(l->row_table.data());
  } else if (n == "tiny_f64_transposed") {
    l->Allocate(4 * 3);
    l->shape = {3, 4};
    l->strides = {8, 3 * 8};
    l->buf = reinterpret_cast<char*>(l->data);
  } else {
    std::abort();
  }
  l->count = 1;
  for (ptrdiff_t extent : l->shape) l->count *= extent;
  return l;
}

bufconf_view AsBufconfView(Layout& l) {
  bufconf_view view{};
  view.buf = l.buf;
  view.len = l.count * l.spec->itemsize;
  view.itemsize = l.spec->itemsize;
  view.readonly = 1;
  view.ndim = static_cast<int>(l.shape.size());
  view.format = const_cast<char*>(l.spec->itemsize == 4 ? "f" : "d");
  view.shape = l.shape.data();
  view.strides = l.strides.data();
  view.suboffsets = l.suboffsets.empty() ? nullptr : l.suboffsets.data();
  return view;
}

Acc NewAcc(const Layout& l) {
  Acc a;
  a.last = static_cast<int>(l.shape.size()) - 1;
  a.itemsize = l.spec->itemsize;
  return a;
}

// The reference walk (not timed): element e's index unravelled in C order, its address computed
// from the index as PyBuffer_GetPointer does. With zero_index the callback gets a zero index
// (what nditer's external-loop variant passes).
Acc Reference(const Layout& l, bool zero_index) {
  Acc a = NewAcc(l);
  const size_t n = l.shape.size();
  std::vector<ptrdiff_t> index(n, 0), zeros(n, 0);
  for (ptrdiff_t e = 0; e < l.count; ++e) {
    ptrdiff_t rest = e;
    for (size_t i = n; i-- > 0;) {
      index[i] = rest % l.shape[i];
      rest /= l.shape[i];
    }
    char* p = l.buf;
    for (size_t i = 0; i < n; ++i) {
      p += index[i] * l.strides[i];
      if (!l.suboffsets.empty() && l.suboffsets[i] >= 0) {
        p = *reinterpret_cast<char**>(p) + l.suboffsets[i];
      }
    }
    Visit(&a, p, zero_index ? zeros.data() : index.data());
  }
  return a;
}

// ---- a prepared layout (made on first use, kept to the end) ----

struct Current {
  std::unique_ptr<Layout> layout;
  Acc expected;                   // the reference walk
  Acc expected_zero_index;        // the reference walk with a zero index
  std::string error;              // why the layout could not be prepared
  PyObject* numpy_src = nullptr;  // numpy array over the view's memory (NULL: not applicable)

  Current() = default;
  Current(const Current&) = delete;
  Current& operator=(const Current&) = delete;
  ~Current() { Py_XDECREF(numpy_src); }
};

std::map<const LayoutSpec*, std::unique_ptr<Current>>& Prepared() {
  static std::map<const LayoutSpec*, std::unique_ptr<Current>> prepared;
  return prepared;
}

Current& Prepare(const LayoutSpec& spec) {
  std::unique_ptr<Current>& slot = Prepared()[&spec];
  if (slot != nullptr) return *slot;
  slot = std::make_unique<Current>();
  Current& c = *slot;
  c.layout = Build(spec);
  Layout& l = *c.layout;
  c.expected = Reference(l, false);
  c.expected_zero_index = Reference(l, true);
  if (l.count != spec.elements || c.expected.count != l.count) {
    c.error = "the layout or the reference walk has the wrong element count";
  }
  if (spec.numpy_type >= 0) {
    std::vector<npy_intp> dims(l.shape.begin(), l.shape.end());
    std::vector<npy_intp> strides(l.strides.begin(), l.strides.end());
    // Flags 0: read-only; numpy computes alignment and contiguity itself.
    c.numpy_src = PyArray_New(&PyArray_Type, static_cast<int>(dims.size()), dims.data(),
                              spec.numpy_type, strides.data(), l.buf, 0, 0, nullptr);
    if (c.numpy_src == nullptr) c.error = "numpy array: " + TakePythonError();
  }
  return c;
}

void Prepare(benchmark::State& state, const LayoutSpec& spec, Current*& out) {
  out = &Prepare(spec);
  if (!out->error.empty()) state.SkipWithError(out->error.c_str());
}

// The check before the timing: one walk's result against the reference's.
bool Check(benchmark::State& state, const char* what, const Acc& got, const Acc& want) {
  if (got == want) return true;
  char text[256];
  std::snprintf(text, sizeof text,
                "%s: result differs from the reference walk (count %lld vs %lld, sum %.17g vs "
                "%.17g, hash %016llx vs %016llx)",
                what, static_cast<long long>(got.count), static_cast<long long>(want.count),
                got.sum, want.sum, static_cast<unsigned long long>(got.hash),
                static_cast<unsigned long long>(want.hash));
  state.SkipWithError(text);
  return false;
}

void Finish(benchmark::State& state, const Current& c) {
  state.SetItemsProcessed(state.iterations() * c.layout->count);
}

// ---- implementations ----

void Bufconf(benchmark::State& state, const LayoutSpec& spec) {
  Current* c;
  Prepare(state, spec, c);
  if (state.error_occurred()) return;
  const bufconf_view view = AsBufconfView(*c->layout);
  const bufconf_element_fn fn = g_visit;
  Acc acc = NewAcc(*c->layout);
  int rc = bufconf_for_each(&view, 'C', fn, &acc);
  if (rc != BUFCONF_MIRROR_OK) {
    state.SkipWithError(bufconf_mirror_strerror(rc));
    return;
  }
  if (!Check(state, "bufconf_for_each", acc, c->expected)) return;
  for (auto _ : state) {
    rc = bufconf_for_each(&view, 'C', fn, &acc);
    benchmark::DoNotOptimize(rc);
    benchmark::DoNotOptimize(acc);
  }
  Finish(state, *c);
}

// The plain C loop: what a C programmer writes for a generic strided view with suboffsets
// (shape and strides given, as in every layout here).
int CLoop(const bufconf_view* v, bufconf_element_fn fn, void* ctx) {
  const int n = v->ndim;
  const ptrdiff_t* shape = v->shape;
  const ptrdiff_t* strides = v->strides;
  const ptrdiff_t* sub = v->suboffsets;
  ptrdiff_t index[64];
  char* base[65];  // base[i]: the address before dimension i is applied
  if (n == 0) {
    index[0] = 0;
    return fn(ctx, v->buf, index);
  }
  for (int i = 0; i < n; ++i) {
    if (shape[i] == 0) return 0;
    index[i] = 0;
  }
  base[0] = static_cast<char*>(v->buf);
  int from = 0;  // the outer dimensions from here on changed index
  const int last = n - 1;
  const ptrdiff_t extent = shape[last];
  const ptrdiff_t stride = strides[last];
  const bool last_indirect = sub != nullptr && sub[last] >= 0;
  for (;;) {
    for (int i = from; i < last; ++i) {
      char* p = base[i] + index[i] * strides[i];
      if (sub != nullptr && sub[i] >= 0) p = *reinterpret_cast<char**>(p) + sub[i];
      base[i + 1] = p;
    }
    char* row = base[last];
    if (!last_indirect) {
      for (ptrdiff_t j = 0; j < extent; ++j) {
        index[last] = j;
        const int r = fn(ctx, row + j * stride, index);
        if (r != 0) return r;
      }
    } else {
      for (ptrdiff_t j = 0; j < extent; ++j) {
        index[last] = j;
        const int r = fn(ctx, *reinterpret_cast<char**>(row + j * stride) + sub[last], index);
        if (r != 0) return r;
      }
    }
    index[last] = 0;
    int i = last - 1;
    while (i >= 0 && ++index[i] == shape[i]) {
      index[i] = 0;
      --i;
    }
    if (i < 0) return 0;
    from = i;
  }
}

void CLoopBench(benchmark::State& state, const LayoutSpec& spec) {
  Current* c;
  Prepare(state, spec, c);
  if (state.error_occurred()) return;
  const bufconf_view view = AsBufconfView(*c->layout);
  const bufconf_element_fn fn = g_visit;
  Acc acc = NewAcc(*c->layout);
  int rc = CLoop(&view, fn, &acc);
  if (rc != 0 || !Check(state, "cloop", acc, c->expected)) {
    if (!state.error_occurred()) state.SkipWithError("cloop: the callback failed");
    return;
  }
  for (auto _ : state) {
    rc = CLoop(&view, fn, &acc);
    benchmark::DoNotOptimize(rc);
    benchmark::DoNotOptimize(acc);
  }
  Finish(state, *c);
}

// One nditer walk with the multi-index; -1 (and a Python error) if the iterator cannot be made.
int NditerWalk(PyArrayObject* array, bufconf_element_fn fn, void* ctx) {
  NpyIter* it = NpyIter_New(array, NPY_ITER_READONLY | NPY_ITER_MULTI_INDEX, NPY_CORDER,
                            NPY_NO_CASTING, nullptr);
  if (it == nullptr) return -1;
  NpyIter_IterNextFunc* iternext = NpyIter_GetIterNext(it, nullptr);
  NpyIter_GetMultiIndexFunc* get_multi_index = NpyIter_GetGetMultiIndex(it, nullptr);
  if (iternext == nullptr || get_multi_index == nullptr) {
    NpyIter_Deallocate(it);
    return -1;
  }
  char** data = NpyIter_GetDataPtrArray(it);
  npy_intp index[NPY_MAXDIMS];
  int r = 0;
  do {
    get_multi_index(it, index);
    r = fn(ctx, data[0], index);
  } while (r == 0 && iternext(it));
  NpyIter_Deallocate(it);
  return r;
}

// One nditer walk with NPY_ITER_EXTERNAL_LOOP: inner runs, no index (a zero index is passed).
int NditerExternalWalk(PyArrayObject* array, bufconf_element_fn fn, void* ctx) {
  NpyIter* it = NpyIter_New(array, NPY_ITER_READONLY | NPY_ITER_EXTERNAL_LOOP, NPY_CORDER,
                            NPY_NO_CASTING, nullptr);
  if (it == nullptr) return -1;
  NpyIter_IterNextFunc* iternext = NpyIter_GetIterNext(it, nullptr);
  if (iternext == nullptr) {
    NpyIter_Deallocate(it);
    return -1;
  }
  char** data = NpyIter_GetDataPtrArray(it);
  const npy_intp* stride = NpyIter_GetInnerStrideArray(it);
  const npy_intp* size = NpyIter_GetInnerLoopSizePtr(it);
  static const npy_intp kZeros[NPY_MAXDIMS] = {};
  int r = 0;
  do {
    char* p = data[0];
    const npy_intp s = stride[0];
    for (npy_intp k = *size; k > 0 && r == 0; --k, p += s) r = fn(ctx, p, kZeros);
  } while (r == 0 && iternext(it));
  NpyIter_Deallocate(it);
  return r;
}

template <bool kExternal>
void Nditer(benchmark::State& state, const LayoutSpec& spec) {
  Current* c;
  Prepare(state, spec, c);
  if (state.error_occurred()) return;
  auto* array = reinterpret_cast<PyArrayObject*>(c->numpy_src);
  auto walk = kExternal ? NditerExternalWalk : NditerWalk;
  const char* what = kExternal ? "nditer external loop" : "nditer";
  const bufconf_element_fn fn = g_visit;
  Acc acc = NewAcc(*c->layout);
  int rc = walk(array, fn, &acc);
  if (rc != 0) {
    state.SkipWithError((std::string(what) + ": " + TakePythonError()).c_str());
    return;
  }
  if (!Check(state, what, acc, kExternal ? c->expected_zero_index : c->expected)) return;
  for (auto _ : state) {
    rc = walk(array, fn, &acc);
    benchmark::DoNotOptimize(rc);
    benchmark::DoNotOptimize(acc);
  }
  Finish(state, *c);
}

void RegisterAll() {
  using Fn = void (*)(benchmark::State&, const LayoutSpec&);
  struct Impl {
    const char* impl;     // <impl>
    const char* variant;  // "" or /<variant>
    Fn fn;
    bool numpy;
  };
  const Impl impls[] = {
      {"bufconf", "", Bufconf, false},
      {"cloop", "", CLoopBench, false},
      {"nditer", "", Nditer<false>, true},
      {"nditer", "/external_loop_noindex", Nditer<true>, true},
  };
  for (const LayoutSpec& spec : Specs()) {
    for (const Impl& impl : impls) {
      if (impl.numpy && spec.numpy_type < 0) continue;  // not applicable: not registered
      const std::string name = std::string(impl.impl) + "/" + spec.name + impl.variant;
      const Fn fn = impl.fn;
      const LayoutSpec* s = &spec;
      auto* b = benchmark::RegisterBenchmark(name.c_str(),
                                             [fn, s](benchmark::State& state) { fn(state, *s); });
      b->Unit(spec.tiny ? benchmark::kNanosecond : benchmark::kMillisecond);
    }
  }
}

// ---- the table (bench_support's TableReporter prints it after the run) ----

// The ratio table (stderr, after the run).
void PrintTable(const Times& times, std::FILE* out) {
  std::fprintf(out,
               "\nbufconf_for_each against the others: the other implementation's CPU time / "
               "bufconf_for_each's (same run)\n");
  std::fprintf(out, "%-21s %8s %10s %7s %7s %9s  %s\n", "layout", "ns/elem", "bufconf", "cloop",
               "nditer", "nditer-xl", "targets (bufconf>=1.0x cloop on c_contiguous_f32)");
  for (const LayoutSpec& spec : Specs()) {
    const std::string bufconf = "bufconf/" + spec.name;
    const double t = times.Cpu(bufconf);
    if (t <= 0) {
      auto e = times.errors().find(bufconf);
      if (e != times.errors().end()) {
        std::fprintf(out, "%-21s bufconf: %s\n", spec.name.c_str(), e->second.c_str());
      }
      continue;
    }
    // other / bufconf, printed into text; negative when `name` did not run.
    auto ratio = [&](const std::string& name, char(&text)[32]) {
      const double other = times.Cpu(name);
      if (other <= 0) {
        const bool inapplicable = spec.numpy_type < 0 && name.rfind("nditer/", 0) == 0;
        std::snprintf(text, sizeof text, "%s", inapplicable ? "n/a" : "-");
        return -1.0;
      }
      std::snprintf(text, sizeof text, "%.2fx", other / t);
      return other / t;
    };
    char cloop[32], nditer[32], external[32];
    const double r_cloop = ratio("cloop/" + spec.name, cloop);
    ratio("nditer/" + spec.name, nditer);
    ratio("nditer/" + spec.name + "/external_loop_noindex", external);
    std::string targets;
    if (spec.target && r_cloop >= 0) {
      targets = std::string("cloop") + (r_cloop >= 1.0 ? " ok" : " MISS");
    }
    const std::string time = FormatTime(t, spec.tiny);
    char row[256];
    std::snprintf(row, sizeof row, "%-21s %8.2f %10s %7s %7s %9s  %s", spec.name.c_str(),
                  t * 1e9 / static_cast<double>(spec.elements), time.c_str(), cloop, nditer,
                  external, targets.c_str());
    std::string line = row;
    line.erase(line.find_last_not_of(' ') + 1);
    std::fprintf(out, "%s\n", line.c_str());
  }
  std::fprintf(out,
               "ns/elem, bufconf: bufconf_for_each's CPU time per element and per call; cloop: "
               "plain C loop; nditer: NpyIter with MULTI_INDEX, made per call; nditer-xl: "
               "NpyIter with EXTERNAL_LOOP and no index (not like for like); n/a: numpy cannot "
               "express an array of arrays\n");
}

}  // namespace

int main(int argc, char** argv) {
  const int rc = bufconf::bench::Main(
      argc, argv,
      [] {
        if (_import_array() < 0) return "numpy's C API does not import: " + TakePythonError();
        RegisterAll();
        return std::string();
      },
      PrintTable);
  Prepared().clear();
  return rc;
}
