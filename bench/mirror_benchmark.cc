// Contiguous mirroring (PyBuffer_ToContiguous, order 'C') of strided views, five implementations
// in one process, with a ratio table at the end (docs/performance.md):
//   bazel run -c opt //bench:mirror [-- --benchmark_filter=/transpose_f32]
//
// Benchmarks are named <impl>/<layout>[/<variant>]:
//   bufconf   bufconf_to_contiguous (mirror/bufconf_mirror.h), one shot: plans and runs per call
//             (variant /plan: bufconf_mirror_run of a plan made once, outside the timing;
//             on every layout but the tiny one, variant /stream: such a plan run with
//             non-temporal stores whatever the size (bufconf_mirror_options.stream_min_bytes 1),
//             and variants /threads:1 and /threads:2: bufconf_mirror_run_with of such a plan on
//             1 or 2 threads, timed in wall time)
//   oracle    bufconf::layout::ToContiguous, the reference model, on a Memory copy of the data
//   cpython   PyBuffer_ToContiguous of the embedded CPython 3.11, on a Py_buffer of the view
//   numpy     numpy.copyto(dst, a) called as a Python function (looked up once, called with a
//             prebuilt argument tuple): a numpy 1.24 array over the same memory with the same
//             strides, copied into a C array over the preallocated destination, like for like
//             with bufconf (variant /ascontiguousarray: numpy.ascontiguousarray(a), which
//             allocates its result on each call, as the function does)
//   memcpy    memcpy of the view's logical byte count from a contiguous source
// Every implementation reads the same source memory (the oracle a copy of it). bufconf (all
// variants), cpython, numpy.copyto and memcpy write the same preallocated destination, assigned
// (so already faulted in) when the layout is prepared; numpy.ascontiguousarray and the oracle
// allocate their results. Each result is compared with CPython's (before the timing; the
// oracle's after it), and a wrong one is an error, not a number. Layouts are made on first use
// and kept to the end (about 200 MiB each), so random interleaving does not rebuild them.
//
// Layouts: 64 MiB views (transposes of 1-, 2-, 4- and 8-byte items, strided rows and columns, a
// reversed vector, a 3-D slice, an array of arrays) and one tiny view (latency).
//
// The run of docs/performance.md (several minutes; the oracle takes seconds per 64 MiB view):
//   bazel run -c opt //bench:mirror -- --benchmark_repetitions=3
//     --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true
// A short run without the oracle:
//   bazel run -c opt //bench:mirror -- --benchmark_min_time=0.05
//     --benchmark_filter='^(bufconf|numpy|cpython|memcpy)/'
// bench/mirror_benchmark_test.sh runs a filtered table and checks that docs/performance.md shows
// the table header this binary prints.
//
// The ratio table goes to stderr after the run, so `--benchmark_format=json` output on stdout
// stays pure JSON. A ratio is the other implementation's time over bufconf's (the one-shot
// bufconf_to_contiguous): 2.0 means bufconf takes half the time. Times are CPU times (the
// benchmark thread's user + system time, which bytes_per_second also uses), so what other
// processes take of a shared machine does not count; except the /threads:N variants, timed in
// wall time (CPU time would count only the calling thread), whose column "2 thr" is the wall
// time on 1 thread over the wall time on 2. With --benchmark_repetitions, the median repetition.
// The targets column checks, per layout, ratios from the same run: cpython >= 1 everywhere,
// numpy (copyto) >= 1 wherever numpy can express the view, memcpy >= 0.5 on the large
// transposes and >= 0.85 where the inner contiguous runs are >= 4 KiB.
// Errors (a wrong result, an unavailable implementation) are listed under the table.
#include <Python.h>
// Python.h first.
#include <benchmark/benchmark.h>
#include <numpy/arrayobject.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_support.h"
#include "mirror/bufconf_mirror.h"
#include "reference/layout/descriptor.h"
#include "reference/layout/mirror.h"

namespace {

using bufconf::bench::FormatTime;
using bufconf::bench::TakePythonError;
using bufconf::bench::Times;

constexpr ptrdiff_t kMiB = ptrdiff_t{1} << 20;

// ---- layouts ----

struct LayoutSpec {
  std::string name;
  std::string description;
  const char* format;
  ptrdiff_t itemsize;
  int numpy_type;        // -1: numpy cannot express the layout
  bool tiny;             // latency: nanoseconds, normal iteration counts for the oracle too,
                         // no /threads:N variants
  bool large_transpose;  // a 64 MiB transpose; target: >= 0.5x memcpy
  bool long_runs;        // inner contiguous runs >= 4 KiB; target: >= 0.85x memcpy
};

// A live layout: the source memory and the view over it.
struct Layout {
  const LayoutSpec* spec = nullptr;
  uint8_t* data = nullptr;  // the contiguous source block (64 MiB, or the tiny array)
  size_t data_size = 0;
  std::vector<void*> row_table;                       // array-of-arrays: pointers to the rows
  char* buf = nullptr;                                // the view's buf
  ptrdiff_t len = 0;                                  // the view's logical bytes
  std::vector<ptrdiff_t> shape, strides, suboffsets;  // suboffsets empty: NULL

  Layout() = default;
  Layout(const Layout&) = delete;
  Layout& operator=(const Layout&) = delete;
  ~Layout() { std::free(data); }

  void Allocate(size_t size) {
    data_size = size;
    data = static_cast<uint8_t*>(std::aligned_alloc(64, (size + 63) / 64 * 64));
    if (data == nullptr) std::abort();
    // A pseudo-random pattern, so a wrong copy cannot pass the comparison by accident.
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < size; i += 8) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      std::memcpy(data + i, &x, std::min<size_t>(8, size - i));
    }
  }
};

const std::vector<LayoutSpec>& Specs() {
  static const std::vector<LayoutSpec> specs = {
      {"transpose_u8", "uint8 8192x8192 C array, transposed (strides 1, 8192)", "B", 1, NPY_UINT8,
       false, true, false},
      {"transpose_u16", "uint16 8192x4096 C array, transposed (4096x8192, strides 2, 8192)", "H", 2,
       NPY_UINT16, false, true, false},
      {"transpose_f32", "float32 4096x4096 C array, transposed (strides 4, 16384)", "f", 4,
       NPY_FLOAT32, false, true, false},
      {"transpose_f64", "float64 4096x2048 C array, transposed (2048x4096, strides 8, 16384)", "d",
       8, NPY_FLOAT64, false, true, false},
      {"rows_every_other_f32", "float32 4096x4096, a[::2] (2048x4096, runs 16 KiB)", "f", 4,
       NPY_FLOAT32, false, false, true},
      {"cols_every_other_f64", "float64 4096x2048, a[:, ::2] (4096x1024, stride 16)", "d", 8,
       NPY_FLOAT64, false, false, false},
      {"reversed_u8", "uint8 64 MiB, a[::-1] (stride -1)", "B", 1, NPY_UINT8, false, false, false},
      // Its 1 KiB rows are adjacent: contiguous runs of 1022 KiB.
      {"slice3d_i16", "int16 64x1024x512, a[:, 1:-1, :] (64x1022x512, rows 1 KiB)", "h", 2,
       NPY_INT16, false, false, true},
      {"pil_rows_u8", "array of arrays: 4096 row pointers to 16 KiB rows (shuffled), uint8", "B", 1,
       -1, false, false, true},
      {"tiny_f64_transposed", "float64 4x3 C array, transposed (3x4, 96 bytes)", "d", 8,
       NPY_FLOAT64, true, false, false},
  };
  return specs;
}

std::unique_ptr<Layout> Build(const LayoutSpec& spec) {
  auto l = std::make_unique<Layout>();
  l->spec = &spec;
  const std::string& n = spec.name;
  if (n == "transpose_u8") {
    l->Allocate(64 * kMiB);
    l->shape = {8192, 8192};
    l->strides = {1, 8192};
    l->buf = reinterpret_cast<char*>(l->data);
  } else if (n == "transpose_u16") {
    l->Allocate(64 * kMiB);
    l->shape = {4096, 8192};
    l->strides = {2, 4096 * 2};
    l->buf = reinterpret_cast<char*>(l->data);
  } else if (n == "transpose_f64") {
    l->Allocate(64 * kMiB);
    l->shape = {2048, 4096};
    l->strides = {8, 2048 * 8};
    l->buf = reinterpret_cast<char*>(l->data);
  } else if (n == "transpose_f32") {
    l->Allocate(64 * kMiB);
    l->shape = {4096, 4096};
    l->strides = {4, 4096 * 4};
    l->buf = reinterpret_cast<char*>(l->data);
  } else if (n == "rows_every_other_f32") {
    l->Allocate(64 * kMiB);
    l->shape = {2048, 4096};
    l->strides = {2 * 4096 * 4, 4};
    l->buf = reinterpret_cast<char*>(l->data);
  } else if (n == "cols_every_other_f64") {
    l->Allocate(64 * kMiB);
    l->shape = {4096, 1024};
    l->strides = {2048 * 8, 16};
    l->buf = reinterpret_cast<char*>(l->data);
  } else if (n == "reversed_u8") {
    l->Allocate(64 * kMiB);
    l->shape = {64 * kMiB};
    l->strides = {-1};
    l->buf = reinterpret_cast<char*>(l->data) + 64 * kMiB - 1;
  } else if (n == "slice3d_i16") {
    l->Allocate(64 * kMiB);
    l->shape = {64, 1022, 512};
    l->strides = {1024 * 512 * 2, 512 * 2, 2};
    l->buf = reinterpret_cast<char*>(l->data) + 512 * 2;
  } else if (n == "pil_rows_u8") {
    l->Allocate(64 * kMiB);
    l->shape = {4096, 16384};
    l->strides = {sizeof(void*), 1};
    l->suboffsets = {0, -1};
    // Row i lives in block (i * 2654435761) mod 4096: a fixed permutation of the 4096 blocks.
    l->row_table.resize(4096);
    for (size_t i = 0; i < 4096; ++i) {
      l->row_table[i] = l->data + (i * 2654435761u % 4096) * 16384;
    }
    l->buf = reinterpret_cast<char*>(l->row_table.data());
  } else if (n == "tiny_f64_transposed") {
    l->Allocate(4 * 3 * 8);
    l->shape = {3, 4};
    l->strides = {8, 3 * 8};
    l->buf = reinterpret_cast<char*>(l->data);
  } else {
    std::abort();
  }
  l->len = spec.itemsize;
  for (ptrdiff_t extent : l->shape) l->len *= extent;
  return l;
}

// The view as a Py_buffer and as a bufconf_view (the same fields; filled separately).
Py_buffer AsPyBuffer(Layout& l) {
  Py_buffer view{};
  view.buf = l.buf;
  view.len = l.len;
  view.itemsize = l.spec->itemsize;
  view.readonly = 1;
  view.ndim = static_cast<int>(l.shape.size());
  view.format = const_cast<char*>(l.spec->format);
  view.shape = l.shape.data();
  view.strides = l.strides.data();
  view.suboffsets = l.suboffsets.empty() ? nullptr : l.suboffsets.data();
  return view;
}

bufconf_view AsBufconfView(Layout& l) {
  bufconf_view view{};
  view.buf = l.buf;
  view.len = l.len;
  view.itemsize = l.spec->itemsize;
  view.readonly = 1;
  view.ndim = static_cast<int>(l.shape.size());
  view.format = const_cast<char*>(l.spec->format);
  view.shape = l.shape.data();
  view.strides = l.strides.data();
  view.suboffsets = l.suboffsets.empty() ? nullptr : l.suboffsets.data();
  return view;
}

// ---- a prepared layout and its buffers (made on first use, kept to the end: about 200 MiB
// each, so that --benchmark_enable_random_interleaving does not rebuild them) ----

struct Current {
  std::unique_ptr<Layout> layout;
  std::vector<uint8_t> dst;       // preallocated, touched destination
  std::vector<uint8_t> expected;  // CPython's PyBuffer_ToContiguous result
  std::string error;              // why the layout could not be prepared
  PyObject* numpy_src = nullptr;  // numpy array over the source (NULL: not applicable)
  PyObject* numpy_dst = nullptr;  // numpy C array over dst

  Current() = default;
  Current(const Current&) = delete;
  Current& operator=(const Current&) = delete;
  ~Current() {
    Py_XDECREF(numpy_src);
    Py_XDECREF(numpy_dst);
  }
};

std::map<const LayoutSpec*, std::unique_ptr<Current>>& Prepared() {
  static std::map<const LayoutSpec*, std::unique_ptr<Current>> prepared;
  return prepared;
}

PyObject* NumpyArray(Layout& l, char* data, bool use_strides) {
  std::vector<npy_intp> dims(l.shape.begin(), l.shape.end());
  std::vector<npy_intp> strides(l.strides.begin(), l.strides.end());
  return PyArray_New(&PyArray_Type, static_cast<int>(dims.size()), dims.data(), l.spec->numpy_type,
                     use_strides ? strides.data() : nullptr, data, 0,
                     use_strides ? 0 : NPY_ARRAY_CARRAY, nullptr);
}

Current& Prepare(const LayoutSpec& spec) {
  std::unique_ptr<Current>& slot = Prepared()[&spec];
  if (slot != nullptr) return *slot;
  slot = std::make_unique<Current>();
  Current& c = *slot;
  c.layout = Build(spec);
  Layout& l = *c.layout;
  c.dst.assign(static_cast<size_t>(l.len), 1);
  c.expected.assign(static_cast<size_t>(l.len), 0);
  Py_buffer view = AsPyBuffer(l);
  if (PyBuffer_ToContiguous(c.expected.data(), &view, l.len, 'C') != 0) {
    c.error = "PyBuffer_ToContiguous failed: " + TakePythonError();
    return c;
  }
  if (spec.numpy_type >= 0) {
    c.numpy_src = NumpyArray(l, l.buf, true);
    c.numpy_dst = NumpyArray(l, reinterpret_cast<char*>(c.dst.data()), false);
    if (c.numpy_src == nullptr || c.numpy_dst == nullptr) {
      c.error = "numpy array: " + TakePythonError();
    }
  }
  return c;
}

void Prepare(benchmark::State& state, const LayoutSpec& spec, Current*& out) {
  out = &Prepare(spec);
  if (!out->error.empty()) state.SkipWithError(out->error.c_str());
}

bool SameAsExpected(const Current& c, const void* result, ptrdiff_t size) {
  return size == static_cast<ptrdiff_t>(c.expected.size()) &&
         std::memcmp(result, c.expected.data(), c.expected.size()) == 0;
}

void Finish(benchmark::State& state, const Current& c) {
  state.SetBytesProcessed(state.iterations() * c.layout->len);
}

// ---- implementations ----

void Bufconf(benchmark::State& state, const LayoutSpec& spec) {
  Current* c;
  Prepare(state, spec, c);
  if (state.error_occurred()) return;
  const bufconf_view view = AsBufconfView(*c->layout);
  std::fill(c->dst.begin(), c->dst.end(), 0);
  int rc = bufconf_to_contiguous(c->dst.data(), &view, c->layout->len, 'C');
  if (rc != BUFCONF_MIRROR_OK) {
    state.SkipWithError(bufconf_mirror_strerror(rc));
    return;
  }
  if (!SameAsExpected(*c, c->dst.data(), c->layout->len)) {
    state.SkipWithError("bufconf_to_contiguous: result differs from PyBuffer_ToContiguous");
    return;
  }
  for (auto _ : state) {
    rc = bufconf_to_contiguous(c->dst.data(), &view, c->layout->len, 'C');
    benchmark::DoNotOptimize(rc);
    benchmark::ClobberMemory();
  }
  Finish(state, *c);
}

void BufconfPlan(benchmark::State& state, const LayoutSpec& spec) {
  Current* c;
  Prepare(state, spec, c);
  if (state.error_occurred()) return;
  const bufconf_view view = AsBufconfView(*c->layout);
  bufconf_mirror_plan* plan = nullptr;
  int rc = bufconf_mirror_plan_to_contiguous(&view, 'C', &plan);
  if (rc != BUFCONF_MIRROR_OK) {
    state.SkipWithError(bufconf_mirror_strerror(rc));
    return;
  }
  std::fill(c->dst.begin(), c->dst.end(), 0);
  rc = bufconf_mirror_run(plan, c->dst.data(), c->layout->buf);
  if (rc != BUFCONF_MIRROR_OK || bufconf_mirror_plan_bytes(plan) != c->layout->len ||
      !SameAsExpected(*c, c->dst.data(), c->layout->len)) {
    bufconf_mirror_plan_free(plan);
    state.SkipWithError("bufconf_mirror_run: fails or differs from PyBuffer_ToContiguous");
    return;
  }
  for (auto _ : state) {
    rc = bufconf_mirror_run(plan, c->dst.data(), c->layout->buf);
    benchmark::DoNotOptimize(rc);
    benchmark::ClobberMemory();
  }
  bufconf_mirror_plan_free(plan);
  Finish(state, *c);
}

// bufconf_mirror_run_with of a plan made once, under `options`.
void BufconfWith(benchmark::State& state, const LayoutSpec& spec,
                 const bufconf_mirror_options& options) {
  Current* c;
  Prepare(state, spec, c);
  if (state.error_occurred()) return;
  const bufconf_view view = AsBufconfView(*c->layout);
  bufconf_mirror_plan* plan = nullptr;
  int rc = bufconf_mirror_plan_to_contiguous(&view, 'C', &plan);
  if (rc != BUFCONF_MIRROR_OK) {
    state.SkipWithError(bufconf_mirror_strerror(rc));
    return;
  }
  std::fill(c->dst.begin(), c->dst.end(), 0);
  rc = bufconf_mirror_run_with(plan, c->dst.data(), c->layout->buf, &options);
  if (rc != BUFCONF_MIRROR_OK || !SameAsExpected(*c, c->dst.data(), c->layout->len)) {
    bufconf_mirror_plan_free(plan);
    state.SkipWithError("bufconf_mirror_run_with: fails or differs from PyBuffer_ToContiguous");
    return;
  }
  for (auto _ : state) {
    rc = bufconf_mirror_run_with(plan, c->dst.data(), c->layout->buf, &options);
    benchmark::DoNotOptimize(rc);
    benchmark::ClobberMemory();
  }
  bufconf_mirror_plan_free(plan);
  Finish(state, *c);
}

// Wall time on 1 and 2 threads (the default thread_min_bytes, 1 MiB).
void BufconfThreads1(benchmark::State& state, const LayoutSpec& spec) {
  BufconfWith(state, spec, bufconf_mirror_options{1, 0, 0});
}

void BufconfThreads2(benchmark::State& state, const LayoutSpec& spec) {
  BufconfWith(state, spec, bufconf_mirror_options{2, 0, 0});
}

// Non-temporal stores whatever the size (stream_min_bytes 1), one thread, CPU time.
void BufconfStream(benchmark::State& state, const LayoutSpec& spec) {
  BufconfWith(state, spec, bufconf_mirror_options{1, 0, 1});
}

void Oracle(benchmark::State& state, const LayoutSpec& spec) {
  Current* c;
  Prepare(state, spec, c);
  if (state.error_occurred()) return;
  Layout& l = *c->layout;
  // The oracle's own copy of the memory (made for each benchmark run, outside the timing), at
  // the same addresses as the real memory, so the row table's pointers are valid as they are.
  bufconf::layout::Memory memory;
  bufconf::layout::Descriptor view;
  {
    memory.AddRegion({reinterpret_cast<uint64_t>(l.data),
                      std::vector<uint8_t>(l.data, l.data + l.data_size), "data"});
    if (!l.row_table.empty()) {
      const auto* table = reinterpret_cast<const uint8_t*>(l.row_table.data());
      memory.AddRegion({reinterpret_cast<uint64_t>(table),
                        std::vector<uint8_t>(table, table + l.row_table.size() * sizeof(void*)),
                        "row pointers"});
    }
    view.buf = reinterpret_cast<uint64_t>(l.buf);
    view.len = l.len;
    view.itemsize = l.spec->itemsize;
    view.readonly = 1;
    view.ndim = static_cast<int64_t>(l.shape.size());
    view.format = l.spec->format;
    view.shape = std::vector<int64_t>(l.shape.begin(), l.shape.end());
    view.strides = std::vector<int64_t>(l.strides.begin(), l.strides.end());
    if (!l.suboffsets.empty()) {
      view.suboffsets = std::vector<int64_t>(l.suboffsets.begin(), l.suboffsets.end());
    }
  }
  std::vector<uint8_t> out;
  try {
    for (auto _ : state) {
      out = bufconf::layout::ToContiguous(view, memory, l.len, 'C');
      benchmark::DoNotOptimize(out.data());
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
    return;
  }
  if (!SameAsExpected(*c, out.data(), static_cast<ptrdiff_t>(out.size()))) {
    state.SkipWithError("oracle ToContiguous: result differs from PyBuffer_ToContiguous");
    return;
  }
  Finish(state, *c);
}

void CPython(benchmark::State& state, const LayoutSpec& spec) {
  Current* c;
  Prepare(state, spec, c);
  if (state.error_occurred()) return;
  Py_buffer view = AsPyBuffer(*c->layout);
  for (auto _ : state) {
    const int rc = PyBuffer_ToContiguous(c->dst.data(), &view, c->layout->len, 'C');
    benchmark::DoNotOptimize(rc);
    benchmark::ClobberMemory();
  }
  Finish(state, *c);
}

// numpy.<name>, looked up once (NULL, with the Python error set, if numpy lacks it).
PyObject* NumpyFunction(const char* name) {
  PyObject* numpy = PyImport_ImportModule("numpy");
  PyObject* f = numpy != nullptr ? PyObject_GetAttrString(numpy, name) : nullptr;
  Py_XDECREF(numpy);
  return f;
}

PyObject* CopytoFunction() {
  static PyObject* fn = NumpyFunction("copyto");
  return fn;
}

PyObject* AscontiguousarrayFunction() {
  static PyObject* fn = NumpyFunction("ascontiguousarray");
  return fn;
}

// numpy.copyto(dst, a): the view's array copied into the C array over the preallocated dst.
void Numpy(benchmark::State& state, const LayoutSpec& spec) {
  Current* c;
  Prepare(state, spec, c);
  if (state.error_occurred()) return;
  PyObject* fn = CopytoFunction();
  PyObject* args = fn != nullptr ? PyTuple_Pack(2, c->numpy_dst, c->numpy_src) : nullptr;
  std::fill(c->dst.begin(), c->dst.end(), 0);
  PyObject* result = args != nullptr ? PyObject_Call(fn, args, nullptr) : nullptr;
  if (result == nullptr) {
    Py_XDECREF(args);
    state.SkipWithError(("numpy.copyto: " + TakePythonError()).c_str());
    return;
  }
  Py_DECREF(result);
  if (!SameAsExpected(*c, c->dst.data(), c->layout->len)) {
    Py_DECREF(args);
    state.SkipWithError("numpy.copyto: result differs from PyBuffer_ToContiguous");
    return;
  }
  for (auto _ : state) {
    result = PyObject_Call(fn, args, nullptr);
    benchmark::DoNotOptimize(result);
    Py_XDECREF(result);
    benchmark::ClobberMemory();
  }
  Py_DECREF(args);
  Finish(state, *c);
}

// numpy.ascontiguousarray(a): allocates its result on each call.
void NumpyAscontiguousarray(benchmark::State& state, const LayoutSpec& spec) {
  Current* c;
  Prepare(state, spec, c);
  if (state.error_occurred()) return;
  PyObject* fn = AscontiguousarrayFunction();
  PyObject* result = fn != nullptr ? PyObject_CallOneArg(fn, c->numpy_src) : nullptr;
  if (result == nullptr) {
    state.SkipWithError(("numpy.ascontiguousarray: " + TakePythonError()).c_str());
    return;
  }
  auto* array = reinterpret_cast<PyArrayObject*>(result);
  const bool ok = PyArray_IS_C_CONTIGUOUS(array) &&
                  SameAsExpected(*c, PyArray_DATA(array), PyArray_NBYTES(array));
  Py_DECREF(result);
  if (!ok) {
    state.SkipWithError("numpy.ascontiguousarray: result differs from PyBuffer_ToContiguous");
    return;
  }
  for (auto _ : state) {
    result = PyObject_CallOneArg(fn, c->numpy_src);
    benchmark::DoNotOptimize(result);
    Py_DECREF(result);
  }
  Finish(state, *c);
}

void Memcpy(benchmark::State& state, const LayoutSpec& spec) {
  Current* c;
  Prepare(state, spec, c);
  if (state.error_occurred()) return;
  for (auto _ : state) {
    std::memcpy(c->dst.data(), c->layout->data, static_cast<size_t>(c->layout->len));
    benchmark::ClobberMemory();
  }
  Finish(state, *c);
}

// ---- the copy-size sweep: where the cache ends, and what non-temporal stores give ----
//
// sweep/memcpy/<N>MiB: memcpy of N MiB between two pre-faulted buffers; sweep/stream/<N>MiB: the
// same copy by bufconf with non-temporal stores (a copy plan of one contiguous run, run with
// stream_min_bytes 1). Buffers are made (and touched) per benchmark, outside the timing.
constexpr int kSweepMiB[] = {4, 16, 32, 64, 128, 256};

void Sweep(benchmark::State& state, int mib, bool stream) {
  const ptrdiff_t bytes = ptrdiff_t{mib} * kMiB;
  std::vector<uint8_t> src(static_cast<size_t>(bytes), 3), dst(static_cast<size_t>(bytes), 1);
  bufconf_mirror_plan* plan = nullptr;
  if (stream) {
    ptrdiff_t shape[1] = {bytes};
    bufconf_view d{}, s{};
    d.buf = dst.data();
    s.buf = src.data();
    d.len = s.len = bytes;
    d.itemsize = s.itemsize = 1;
    d.ndim = s.ndim = 1;
    d.shape = s.shape = shape;
    if (bufconf_mirror_plan_copy(&d, &s, &plan) != BUFCONF_MIRROR_OK) {
      state.SkipWithError("bufconf_mirror_plan_copy failed");
      return;
    }
  }
  const bufconf_mirror_options options = {1, 0, 1};
  for (auto _ : state) {
    if (stream) {
      benchmark::DoNotOptimize(bufconf_mirror_run_with(plan, dst.data(), src.data(), &options));
    } else {
      std::memcpy(dst.data(), src.data(), static_cast<size_t>(bytes));
    }
    benchmark::ClobberMemory();
  }
  bufconf_mirror_plan_free(plan);
  if (dst != src) state.SkipWithError("the copy differs from its source");
  state.SetBytesProcessed(state.iterations() * bytes);
}

void RegisterSweep() {
  for (const int mib : kSweepMiB) {
    for (const bool stream : {false, true}) {
      const std::string name =
          std::string("sweep/") + (stream ? "stream/" : "memcpy/") + std::to_string(mib) + "MiB";
      benchmark::RegisterBenchmark(name.c_str(), [mib, stream](benchmark::State& state) {
        Sweep(state, mib, stream);
      })->Unit(benchmark::kMillisecond);
    }
  }
}

void RegisterAll() {
  RegisterSweep();
  using Fn = void (*)(benchmark::State&, const LayoutSpec&);
  struct Impl {
    const char* impl;     // <impl>
    const char* variant;  // "" or /<variant>
    Fn fn;
    bool numpy;
    bool threads;  // a /threads:N variant: not on tiny layouts, timed in wall time
    bool large;    // not on tiny layouts
  };
  const Impl impls[] = {
      {"bufconf", "", Bufconf, false, false, false},
      {"bufconf", "/plan", BufconfPlan, false, false, false},
      {"bufconf", "/stream", BufconfStream, false, false, true},
      {"bufconf", "/threads:1", BufconfThreads1, false, true, true},
      {"bufconf", "/threads:2", BufconfThreads2, false, true, true},
      {"oracle", "", Oracle, false, false, false},
      {"cpython", "", CPython, false, false, false},
      {"numpy", "", Numpy, true, false, false},
      {"numpy", "/ascontiguousarray", NumpyAscontiguousarray, true, false, false},
      {"memcpy", "", Memcpy, false, false, false},
  };
  for (const LayoutSpec& spec : Specs()) {
    for (const Impl& impl : impls) {
      if (impl.numpy && spec.numpy_type < 0) continue;  // not applicable: not registered
      if ((impl.threads || impl.large) && spec.tiny) continue;
      const std::string name = std::string(impl.impl) + "/" + spec.name + impl.variant;
      const Fn fn = impl.fn;
      const LayoutSpec* s = &spec;
      auto* b = benchmark::RegisterBenchmark(name.c_str(),
                                             [fn, s](benchmark::State& state) { fn(state, *s); });
      b->Unit(spec.tiny ? benchmark::kNanosecond : benchmark::kMillisecond);
      // CPU time would count the calling thread only.
      if (impl.threads) b->UseRealTime();
      // The oracle checks every read and builds an address list: seconds per 64 MiB view.
      if (fn == Oracle && !spec.tiny) b->Iterations(1);
    }
  }
}

// ---- the tables (bench_support's TableReporter prints them after the run) ----

// The copy-size sweep, when it ran: GB/s of memcpy and of bufconf's streaming copy per size.
void PrintSweep(const Times& times, std::FILE* out) {
  bool header = false;
  for (const int mib : kSweepMiB) {
    const std::string size = std::to_string(mib) + "MiB";
    const double m = times.Cpu("sweep/memcpy/" + size), s = times.Cpu("sweep/stream/" + size);
    if (m <= 0 && s <= 0) continue;
    if (!header) {
      std::fprintf(out, "\ncopy size sweep (GB/s: 10^9 bytes copied per CPU second)\n");
      std::fprintf(out, "%-8s %8s %8s %8s\n", "size", "memcpy", "stream", "ratio");
      header = true;
    }
    const double bytes = static_cast<double>(mib) * static_cast<double>(kMiB);
    char gm[32] = "-", gs[32] = "-", ratio[32] = "-";
    if (m > 0) std::snprintf(gm, sizeof gm, "%.2f", bytes / m / 1e9);
    if (s > 0) std::snprintf(gs, sizeof gs, "%.2f", bytes / s / 1e9);
    if (m > 0 && s > 0) std::snprintf(ratio, sizeof ratio, "%.2fx", m / s);
    std::fprintf(out, "%-8s %8s %8s %8s\n", size.c_str(), gm, gs, ratio);
  }
  if (header) std::fprintf(out, "ratio: memcpy's time / the streaming copy's\n");
}

// The ratio table, then the sweep (stderr, after the run).
void PrintTables(const Times& times, std::FILE* out) {
  std::fprintf(out,
               "\nbufconf speed-up: the other implementation's CPU time / "
               "bufconf_to_contiguous's (same run); 2 thr: wall time on 1 thread / on 2\n");
  std::fprintf(out, "%-21s %10s %6s %7s %11s %8s %7s %8s %6s %6s %6s  %s\n", "layout", "bufconf",
               "GB/s", "numpy", "np-ascontig", "cpython", "memcpy", "oracle", "plan", "stream",
               "2 thr",
               "targets (cpython>=1, numpy>=1, memcpy>=0.5 if large transpose, memcpy>=0.85 "
               "if runs>=4KiB)");
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
        const bool inapplicable = spec.numpy_type < 0 && name.rfind("numpy/", 0) == 0;
        std::snprintf(text, sizeof text, "%s", inapplicable ? "n/a" : "-");
        return -1.0;
      }
      std::snprintf(text, sizeof text, "%.2fx", other / t);
      return other / t;
    };
    // a / b of two times, printed into text ("-" when either did not run).
    auto quotient = [](double a, double b, char(&text)[32]) {
      if (a > 0 && b > 0) {
        std::snprintf(text, sizeof text, "%.2fx", a / b);
      } else {
        std::snprintf(text, sizeof text, "-");
      }
    };
    char numpy[32], ascontig[32], cpython[32], memcpy[32], oracle[32], plan[32], stream[32],
        threads[32];
    const double r_numpy = ratio("numpy/" + spec.name, numpy);
    ratio("numpy/" + spec.name + "/ascontiguousarray", ascontig);
    const double r_cpython = ratio("cpython/" + spec.name, cpython);
    const double r_memcpy = ratio("memcpy/" + spec.name, memcpy);
    ratio("oracle/" + spec.name, oracle);
    quotient(t, times.Cpu(bufconf + "/plan"), plan);
    quotient(t, times.Cpu(bufconf + "/stream"), stream);
    quotient(times.Real(bufconf + "/threads:1"), times.Real(bufconf + "/threads:2"), threads);
    std::string targets;
    auto check = [&](const char* what, double r, double want) {
      if (r < 0) return;
      targets += std::string(targets.empty() ? "" : ", ") + what + (r >= want ? " ok" : " MISS");
    };
    check("cpython", r_cpython, 1.0);
    check("numpy", r_numpy, 1.0);
    if (spec.large_transpose) check("memcpy", r_memcpy, 0.5);
    if (spec.long_runs) check("memcpy", r_memcpy, 0.85);
    const std::string time = FormatTime(t, spec.tiny);
    std::fprintf(out, "%-21s %10s %6.2f %7s %11s %8s %7s %8s %6s %6s %6s  %s\n", spec.name.c_str(),
                 time.c_str(), times.Rate(bufconf) / 1e9, numpy, ascontig, cpython, memcpy, oracle,
                 plan, stream, threads, targets.c_str());
  }
  std::fprintf(out,
               "numpy: numpy.copyto into a preallocated C array; np-ascontig: "
               "numpy.ascontiguousarray (allocates its result); plan: one-shot time / "
               "plan-reuse time; stream: one-shot time / time with non-temporal stores "
               "(bufconf_mirror_options.stream_min_bytes 1); 2 thr: bufconf_mirror_run_with's "
               "wall time on 1 thread / on 2; n/a: numpy cannot express an array of arrays\n");
  PrintSweep(times, out);
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
      PrintTables);
  Prepared().clear();
  return rc;
}
