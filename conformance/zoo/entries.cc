// The entries of the bug zoo. Each is the reference adapter with one or two functions wrapped or
// replaced: exporter faults wrap get_buffer (and sometimes release_buffer, regions, export_count,
// make_exporter) around the reference's; algorithm faults replace one consumer function with a
// small C-style implementation that carries the historical mistake. The table at the end
// (ZooEntries) documents every entry: name, source, the invariant it breaks, the rules it breaks.
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "conformance/adapter/reference_adapter.h"
#include "conformance/zoo/consumer_entries.h"
#include "conformance/zoo/zoo.h"
#include "reference/format/ast.h"
#include "reference/format/parser.h"
#include "reference/format/printer.h"

namespace bufconf::zoo {
namespace {

using ssize = bufconf_ssize_t;

const bufconf_adapter& Ref() { return *conformance::ReferenceAdapter(); }

// "flags contains request": every bit of it is set (CPython's REQ_* macros).
bool Has(int flags, int request) { return (flags & request) == request; }

// ---------------------------------------------------------------------------------------------
// Exporter-side plumbing: every zoo export wraps the reference export so an entry can point
// rewritten fields at storage that lives until release.

struct Fix {
  void* ref_internal = nullptr;
  std::vector<ssize> shape, strides, suboffsets;
  std::string format;
};

Fix* FixOf(bufconf_buffer* view) { return static_cast<Fix*>(view->internal); }

// The reference get_buffer, with the export wrapped in a Fix.
int RefGet(void* ctx, void* exporter, bufconf_buffer* view, int flags, char* message, size_t size) {
  const int rc = Ref().get_buffer(ctx, exporter, view, flags, message, size);
  if (rc == BUFCONF_OK) {
    Fix* fix = new Fix;
    fix->ref_internal = view->internal;
    view->internal = fix;
  }
  return rc;
}

void ZooRelease(void* ctx, void* exporter, bufconf_buffer* view) {
  Fix* fix = FixOf(view);
  view->internal = fix->ref_internal;
  delete fix;
  Ref().release_buffer(ctx, exporter, view);
}

// The exporter's complete view (PyBUF_FULL_RO) from the reference, released at once; the arrays
// are copied.
struct FullCopy {
  bool ok = false;
  bufconf_buffer view{};
  std::vector<ssize> shape, strides, suboffsets;
  std::string format;
};

FullCopy GetFull(void* ctx, void* exporter) {
  FullCopy f;
  char message[256] = {0};
  if (Ref().get_buffer(ctx, exporter, &f.view, BUFCONF_PYBUF_FULL_RO, message, sizeof message) !=
      BUFCONF_OK) {
    return f;
  }
  const int n = f.view.ndim;
  if (f.view.shape != nullptr) f.shape.assign(f.view.shape, f.view.shape + n);
  if (f.view.strides != nullptr) f.strides.assign(f.view.strides, f.view.strides + n);
  if (f.view.suboffsets != nullptr) f.suboffsets.assign(f.view.suboffsets, f.view.suboffsets + n);
  if (f.view.format != nullptr) f.format = f.view.format;
  Ref().release_buffer(ctx, exporter, &f.view);
  f.view.shape = f.view.shape != nullptr ? f.shape.data() : nullptr;
  f.view.strides = f.view.strides != nullptr ? f.strides.data() : nullptr;
  f.view.suboffsets = f.view.suboffsets != nullptr ? f.suboffsets.data() : nullptr;
  f.view.format = f.view.format != nullptr ? &f.format[0] : nullptr;
  f.ok = true;
  return f;
}

ssize* Store(std::vector<ssize>& storage, std::vector<ssize> values) {
  storage = std::move(values);
  storage.reserve(1);
  return storage.data();
}

// Contiguity as CPython tested it before bpo-22445: every dimension's stride must be the
// canonical one, extent-1 dimensions included (only a zero extent ends the test early).
bool StrictContiguous(const bufconf_buffer& v, char order) {
  if (v.suboffsets != nullptr) return false;
  if (v.strides == nullptr || v.ndim == 0) return Ref().is_contiguous(nullptr, &v, order) != 0;
  auto test = [&](bool fortran) {
    ssize sd = v.itemsize;
    for (int k = 0; k < v.ndim; ++k) {
      const int i = fortran ? k : v.ndim - 1 - k;
      if (v.shape[i] == 0) return true;
      if (v.strides[i] != sd) return false;
      sd *= v.shape[i];
    }
    return true;
  };
  if (order == 'C') return test(false);
  if (order == 'F') return test(true);
  return test(false) || test(true);
}

// ---- the format rewrites of the ctypes / numpy exporters ----

bool IsPad(const format::Item& item) {
  return !item.is_order() && item.element.kind == format::Element::Kind::kCode &&
         item.element.code == "x" && !item.name;
}

// Rewrites every seq of a parsed format (depth first); returns the format unchanged when it does
// not parse.
template <typename Edit>
std::string RewriteFormat(const char* text, Edit edit) {
  try {
    format::Seq seq = format::Parse(text, format::Dialect::kPep3118);
    std::function<void(format::Seq&, bool)> walk = [&](format::Seq& s, bool in_struct) {
      for (format::Item& item : s) {
        if (item.element.kind == format::Element::Kind::kStruct) walk(item.element.members, true);
        if (item.element.kind == format::Element::Kind::kPointer) walk(item.element.pointee, false);
      }
      edit(s, in_struct);
    };
    walk(seq, false);
    return format::Print(seq);
  } catch (const std::exception&) {
    return text;
  }
}

template <typename Edit>
int GetWithFormat(void* ctx, void* exporter, bufconf_buffer* view, int flags, char* message,
                  size_t size, Edit edit) {
  const int rc = RefGet(ctx, exporter, view, flags, message, size);
  if (rc == BUFCONF_OK && view->format != nullptr) {
    Fix* fix = FixOf(view);
    fix->format = RewriteFormat(view->format, edit);
    view->format = &fix->format[0];
  }
  return rc;
}

// ---------------------------------------------------------------------------------------------
// Exporter faults.

// bpo-22445 (exporter side, cf. cython #1074): contiguity requests judged by the strict test.
int ContigStrictGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  const struct {
    int flag;
    char order;
  } kOrders[] = {{BUFCONF_PYBUF_C_CONTIGUOUS, 'C'},
                 {BUFCONF_PYBUF_F_CONTIGUOUS, 'F'},
                 {BUFCONF_PYBUF_ANY_CONTIGUOUS, 'A'}};
  for (const auto& k : kOrders) {
    if (!Has(flags, k.flag)) continue;
    const FullCopy full = GetFull(ctx, ex);
    if (full.ok && !StrictContiguous(full.view, k.order)) return BUFCONF_REFUSED;
  }
  return RefGet(ctx, ex, view, flags, m, n);
}

// bpo-32780: ctypes struct formats without padding, every field with '<' standard sizes.
int CtypesStructGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  return GetWithFormat(ctx, ex, view, flags, m, n, [](format::Seq& s, bool in_struct) {
    if (!in_struct) return;
    format::Seq out;
    for (format::Item& item : s) {
      if (IsPad(item)) continue;
      if (!item.is_order() && item.prefix_order == 0) item.prefix_order = '<';
      out.push_back(item);
    }
    s = out;
  });
}

// bpo-10746: ctypes exported '<l' for an 8-byte native long.
int CtypesLongGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  return GetWithFormat(ctx, ex, view, flags, m, n, [](format::Seq& s, bool) {
    char order = '@';
    for (format::Item& item : s) {
      if (item.is_order()) {
        order = item.order;
        continue;
      }
      const std::string& code = item.element.code;
      const bool native = (order == '@' || order == '^') && item.prefix_order == 0;
      if (native && item.element.kind == format::Element::Kind::kCode &&
          (code == "l" || code == "L" || code == "q" || code == "Q")) {
        item.element.code = (code == "l" || code == "q") ? "l" : "L";
        item.prefix_order = '<';
      }
    }
  });
}

// numpy void scalars (formats.md vector 67, numpy N2): the format printed without its
// byte-order and packing marks, so its native layout disagrees with itemsize or byte order.
int VoidScalarGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  return GetWithFormat(ctx, ex, view, flags, m, n, [](format::Seq& s, bool) {
    format::Seq out;
    for (format::Item& item : s) {
      if (item.is_order()) continue;
      item.prefix_order = 0;
      out.push_back(item);
    }
    s = out;
  });
}

// numpy #7797: trailing padding of a struct is not exported.
int TrailingPadGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  return GetWithFormat(ctx, ex, view, flags, m, n, [](format::Seq& s, bool) {
    while (!s.empty() && (IsPad(s.back()) || s.back().is_order())) s.pop_back();
  });
}

// pypy #2873: PyBUF_ANY_CONTIGUOUS tested with "and" (C and F) instead of "or".
int AnyAndGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  if (Has(flags, BUFCONF_PYBUF_ANY_CONTIGUOUS)) {
    const FullCopy full = GetFull(ctx, ex);
    if (full.ok &&
        !(Ref().is_contiguous(ctx, &full.view, 'C') && Ref().is_contiguous(ctx, &full.view, 'F'))) {
      return BUFCONF_REFUSED;
    }
  }
  return RefGet(ctx, ex, view, flags, m, n);
}

// pypy #3871: PyBUF_C_CONTIGUOUS ignored.
int CIgnoredGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  if (Has(flags, BUFCONF_PYBUF_C_CONTIGUOUS)) flags &= ~0x20;
  return RefGet(ctx, ex, view, flags, m, n);
}

// numpy #3827: F_CONTIGUOUS answered with the C-contiguity test.
int FByCGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  if (Has(flags, BUFCONF_PYBUF_F_CONTIGUOUS)) flags = (flags & ~0x40) | 0x20;
  return RefGet(ctx, ex, view, flags, m, n);
}

// pybind11 #5407: ndim, shape, strides and format filled whatever the flags.
int FieldsAlwaysGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  const int rc = RefGet(ctx, ex, view, flags, m, n);
  if (rc != BUFCONF_OK) return rc;
  const FullCopy full = GetFull(ctx, ex);
  if (!full.ok) return rc;
  Fix* fix = FixOf(view);
  view->ndim = full.view.ndim;
  view->shape = full.view.shape != nullptr ? Store(fix->shape, full.shape) : nullptr;
  view->strides = full.view.strides != nullptr ? Store(fix->strides, full.strides) : nullptr;
  fix->format = full.format;
  view->format = full.view.format != nullptr ? &fix->format[0] : nullptr;
  return rc;
}

// Shape filled without PyBUF_ND (ndim and shape of the full view in a SIMPLE response).
int ShapeWithoutNdGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  const int rc = RefGet(ctx, ex, view, flags, m, n);
  if (rc != BUFCONF_OK || Has(flags, BUFCONF_PYBUF_ND)) return rc;
  const FullCopy full = GetFull(ctx, ex);
  if (!full.ok || full.view.shape == nullptr) return rc;
  view->ndim = full.view.ndim;
  view->shape = Store(FixOf(view)->shape, full.shape);
  return rc;
}

// bpo-10451: a read-only buffer re-exported as writable (WRITABLE not checked).
int WritableGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  const bool writable = Has(flags, BUFCONF_PYBUF_WRITABLE);
  const int rc = RefGet(ctx, ex, view, flags & ~BUFCONF_PYBUF_WRITABLE, m, n);
  if (rc == BUFCONF_OK && writable) view->readonly = 0;
  return rc;
}

// PyBuffer_FillInfo's `readonly == 1` test (cpython.md §7.3): readonly stored as 2 passes it.
int Readonly2Get(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  const int rc = RefGet(ctx, ex, view, flags & ~BUFCONF_PYBUF_WRITABLE, m, n);
  if (rc == BUFCONF_OK && view->readonly != 0) view->readonly = 2;
  return rc;
}

// A reversed (negative-stride) dimension exported with buf at the start of the block instead
// of at the first element.
int NegativeBaseGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  const int rc = RefGet(ctx, ex, view, flags, m, n);
  if (rc != BUFCONF_OK || view->strides == nullptr || view->shape == nullptr) return rc;
  char* buf = static_cast<char*>(view->buf);
  for (int i = 0; i < view->ndim; ++i) {
    if (view->strides[i] < 0 && view->shape[i] > 0) buf += view->strides[i] * (view->shape[i] - 1);
  }
  view->buf = buf;
  return rc;
}

// len not updated after slicing: the size of the whole block the view was sliced from.
int SliceLenGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  const int rc = RefGet(ctx, ex, view, flags, m, n);
  if (rc != BUFCONF_OK) return rc;
  std::vector<bufconf_region> regions(64);
  const size_t count = Ref().regions(ctx, ex, regions.data(), regions.size());
  for (size_t i = 0; i < count && i < regions.size(); ++i) {
    const char* base = static_cast<const char*>(regions[i].base);
    const char* buf = static_cast<const char*>(view->buf);
    if (buf >= base && buf < base + regions[i].size) {
      view->len = static_cast<ssize>(regions[i].size);
    }
  }
  return rc;
}

// Strides never filled (NULL: "C order"), whatever the memory's layout.
int NullStridesGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  const int rc = RefGet(ctx, ex, view, flags, m, n);
  if (rc == BUFCONF_OK) view->strides = nullptr;
  return rc;
}

// gh-114685 / gh-126980: PyBUF_READ / PyBUF_WRITE accepted as request flags.
int ReadWriteGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  if (flags == 0x100 || flags == 0x200) flags = BUFCONF_PYBUF_SIMPLE;
  return RefGet(ctx, ex, view, flags, m, n);
}

// Suboffsets handed to consumers that did not ask for PyBUF_INDIRECT.
int IndirectNotNeededGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  if (Has(flags, BUFCONF_PYBUF_STRIDES)) flags |= BUFCONF_PYBUF_INDIRECT;
  return RefGet(ctx, ex, view, flags, m, n);
}

// cython #367's exporter: all-negative suboffsets instead of NULL.
int NegativeSuboffsetsGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  const int rc = RefGet(ctx, ex, view, flags, m, n);
  if (rc == BUFCONF_OK && Has(flags, BUFCONF_PYBUF_INDIRECT) && view->suboffsets == nullptr &&
      view->ndim > 0) {
    view->suboffsets = Store(FixOf(view)->suboffsets, std::vector<ssize>(view->ndim, -1));
  }
  return rc;
}

// PyBuffer_FillInfo's itemsize 1 kept for typed exporters when FORMAT is not requested.
int Itemsize1Get(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  const int rc = RefGet(ctx, ex, view, flags, m, n);
  if (rc == BUFCONF_OK && !Has(flags, BUFCONF_PYBUF_FORMAT)) view->itemsize = 1;
  return rc;
}

// Format left NULL for 1-byte items although PyBUF_FORMAT was requested ("NULL means B").
int NullFormatGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  const int rc = RefGet(ctx, ex, view, flags, m, n);
  if (rc == BUFCONF_OK && view->itemsize == 1) view->format = nullptr;
  return rc;
}

// suboffsets written only when the layout has them: the exporter relies on the consumer having
// zeroed the Py_buffer (a consumer's stack Py_buffer is not).
int SuboffsetsOnlyWhenNeededGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m,
                                size_t n) {
  bufconf_ssize_t* const before = view->suboffsets;
  const int rc = RefGet(ctx, ex, view, flags, m, n);
  if (rc == BUFCONF_OK && view->suboffsets == nullptr) view->suboffsets = before;
  return rc;
}

// A typed array exported through PyBuffer_FillInfo: bytes ('B', itemsize 1, 1-D).
int FillInfoTypedGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  const int rc = RefGet(ctx, ex, view, flags, m, n);
  if (rc != BUFCONF_OK) return rc;
  Fix* fix = FixOf(view);
  view->itemsize = 1;
  if (view->format != nullptr) {
    fix->format = "B";
    view->format = &fix->format[0];
  }
  view->ndim = 1;
  if (view->shape != nullptr) view->shape = Store(fix->shape, {view->len});
  if (view->strides != nullptr) view->strides = Store(fix->strides, {1});
  view->suboffsets = nullptr;
  return rc;
}

// An infinite loop when a dimension has extent 0: rows are "validated" stepping by the row size.
int HangGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  const int rc = RefGet(ctx, ex, view, flags, m, n);
  if (rc != BUFCONF_OK) return rc;
  ssize row = view->itemsize;
  if (view->shape != nullptr) {
    for (int i = 0; i < view->ndim; ++i) row *= view->shape[i];
  } else if (view->ndim > 0) {
    row = view->len;
  }
  volatile ssize rows = 0;
  for (ssize off = 0; off < view->itemsize; off += row) rows = rows + 1;
  return rc;
}

// A segfault on one shape: a two-slot cache of extents written past its end when ndim == 3.
int SegfaultGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  const int rc = RefGet(ctx, ex, view, flags, m, n);
  if (rc == BUFCONF_OK && view->ndim == 3 && view->shape != nullptr) {
    volatile ssize* volatile cache = nullptr;  // volatile: the store is not optimized away
    cache[2] = view->shape[2];
  }
  return rc;
}

// Exports never released: release_buffer frees the export but the count is not decremented.
std::map<void*, ssize>& Unreleased() {
  static std::map<void*, ssize> m;
  return m;
}
void LeakyRelease(void* ctx, void* ex, bufconf_buffer* view) {
  ZooRelease(ctx, ex, view);
  ++Unreleased()[ex];
}
ssize LeakyCount(void* ctx, void* ex) {
  const auto it = Unreleased().find(ex);
  return Ref().export_count(ctx, ex) + (it == Unreleased().end() ? 0 : it->second);
}
void LeakyDestroy(void* ctx, void* ex) {
  Unreleased().erase(ex);
  Ref().destroy_exporter(ctx, ex);
}

// Resizing reallocates the memory whether or not exports are live (ctypes.resize: the block moves
// and a live view keeps pointing at the freed one).
int ResizeIgnoringExports(void*, void* ex, char* message, size_t message_size) {
  return conformance::ReferenceReallocate(ex, message, message_size);
}

// The pointer tables of an array-of-arrays exporter not declared (only its largest block).
size_t TablesMissingRegions(void* ctx, void* ex, bufconf_region* out, size_t capacity) {
  std::vector<bufconf_region> all(Ref().regions(ctx, ex, nullptr, 0));
  if (all.empty()) return 0;
  Ref().regions(ctx, ex, all.data(), all.size());
  size_t best = 0;
  for (size_t i = 1; i < all.size(); ++i) {
    if (all[i].size > all[best].size) best = i;
  }
  if (capacity >= 1) out[0] = all[best];
  return 1;
}

// A slicing step applied to the shape but not to the stride.
std::map<void*, std::vector<ssize>>& Steps() {
  static std::map<void*, std::vector<ssize>> m;
  return m;
}
int StepsMake(void* ctx, const bufconf_array_spec* spec, void** ex, char* m, size_t n) {
  const int rc = Ref().make_exporter(ctx, spec, ex, m, n);
  if (rc == BUFCONF_OK && spec->steps != nullptr) {
    Steps()[*ex].assign(spec->steps, spec->steps + spec->ndim);
  }
  return rc;
}
void StepsDestroy(void* ctx, void* ex) {
  Steps().erase(ex);
  Ref().destroy_exporter(ctx, ex);
}
int StepsGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  const int rc = RefGet(ctx, ex, view, flags, m, n);
  const auto it = Steps().find(ex);
  if (rc != BUFCONF_OK || it == Steps().end() || view->strides == nullptr) return rc;
  for (int i = 0; i < view->ndim && i < static_cast<int>(it->second.size()); ++i) {
    const ssize step = it->second[i] < 0 ? -it->second[i] : it->second[i];
    if (step > 1) view->strides[i] /= step;
  }
  return rc;
}

// ---------------------------------------------------------------------------------------------
// Algorithm-side plumbing: a view expanded like memoryobject.c's init_shape_strides, the
// canonical address loop and CPython's odometers.

struct Full {
  char* buf = nullptr;
  ssize itemsize = 0, len = 0;
  std::vector<ssize> shape, strides, suboffsets;
};

Full ExpandView(const bufconf_buffer& v) {
  Full f;
  f.buf = static_cast<char*>(v.buf);
  f.itemsize = v.itemsize;
  f.len = v.len;
  if (v.ndim == 0) return f;
  if (v.shape != nullptr) {
    f.shape.assign(v.shape, v.shape + v.ndim);
  } else {
    f.shape = {v.itemsize > 0 ? v.len / v.itemsize : 0};
  }
  const size_t nd = f.shape.size();
  if (v.strides != nullptr && v.shape != nullptr) {
    f.strides.assign(v.strides, v.strides + nd);
  } else {
    f.strides.assign(nd, 0);
    ssize sd = v.itemsize;
    for (size_t k = nd; k-- > 0;) {
      f.strides[k] = sd;
      sd *= f.shape[k];
    }
  }
  if (v.suboffsets != nullptr) {
    f.suboffsets.assign(v.suboffsets, v.suboffsets + nd);
  } else {
    f.suboffsets.assign(nd, -1);
  }
  return f;
}

ssize Count(const Full& f) {
  ssize n = 1;
  for (ssize d : f.shape) n *= d;
  return n;
}

char* Deref(char* p, ssize suboffset) {
  char* q;
  std::memcpy(&q, p, sizeof q);
  return q + suboffset;
}

// PEP 3118's canonical loop.
char* Addr(const Full& f, const std::vector<ssize>& idx) {
  char* p = f.buf;
  for (size_t i = 0; i < f.shape.size(); ++i) {
    p += f.strides[i] * idx[i];
    if (f.suboffsets[i] >= 0) p = Deref(p, f.suboffsets[i]);
  }
  return p;
}

// _Py_add_one_to_index_C / _F. `dims` limits the dimensions the F odometer turns (off by one).
void AddOne(std::vector<ssize>& idx, const std::vector<ssize>& shape, char order,
            size_t dims = SIZE_MAX) {
  const size_t nd = shape.size();
  if (order == 'F') {
    for (size_t k = 0; k < nd && k < dims; ++k) {
      if (++idx[k] < shape[k]) return;
      idx[k] = 0;
    }
  } else {
    for (size_t k = nd; k-- > 0;) {
      if (++idx[k] < shape[k]) return;
      idx[k] = 0;
    }
  }
}

struct CopyFaults {
  bool rotate = false;           // cython #367: the odometer turns before the copy
  size_t f_dims = SIZE_MAX;      // F odometer limited to these dimensions
  bool a_is_c = false;           // 'A' always C order, even for F-contiguous views
  bool refuse_negative = false;  // negative strides refused (unsigned strides)
  bool memcpy_always = false;    // strides ignored: one memcpy of len bytes
};

int ToContiguousWith(const bufconf_buffer& src, void* buf, ssize len, char order,
                     const CopyFaults& f) {
  if (len != src.len) return BUFCONF_REFUSED;
  if (f.memcpy_always) {
    if (len > 0) std::memcpy(buf, src.buf, static_cast<size_t>(len));
    return BUFCONF_OK;
  }
  const Full v = ExpandView(src);
  if (f.refuse_negative) {
    for (ssize s : v.strides) {
      if (static_cast<size_t>(s) > static_cast<size_t>(PTRDIFF_MAX)) return BUFCONF_REFUSED;
    }
  }
  if (f.a_is_c && order == 'A') order = 'C';
  if (Ref().is_contiguous(nullptr, &src, order)) {
    if (len > 0) std::memcpy(buf, src.buf, static_cast<size_t>(len));
    return BUFCONF_OK;
  }
  const char walk = order == 'F' ? 'F' : 'C';
  char* out = static_cast<char*>(buf);
  std::vector<ssize> idx(v.shape.size(), 0);
  for (ssize k = Count(v); k > 0; --k) {
    if (f.rotate) AddOne(idx, v.shape, walk, f.f_dims);
    std::memcpy(out, Addr(v, idx), static_cast<size_t>(v.itemsize));
    out += v.itemsize;
    if (!f.rotate) AddOne(idx, v.shape, walk, f.f_dims);
  }
  return BUFCONF_OK;
}

int RotatedTo(void*, void* buf, const bufconf_buffer* src, ssize len, char order) {
  CopyFaults f;
  f.rotate = true;
  return ToContiguousWith(*src, buf, len, order, f);
}
int FOffByOneTo(void*, void* buf, const bufconf_buffer* src, ssize len, char order) {
  CopyFaults f;
  const size_t nd = src->ndim > 0 ? static_cast<size_t>(src->ndim) : 1;
  f.f_dims = nd - 1;
  return ToContiguousWith(*src, buf, len, order, f);
}
int AAsCTo(void*, void* buf, const bufconf_buffer* src, ssize len, char order) {
  CopyFaults f;
  f.a_is_c = true;
  return ToContiguousWith(*src, buf, len, order, f);
}
int UnsignedStridesTo(void*, void* buf, const bufconf_buffer* src, ssize len, char order) {
  CopyFaults f;
  f.refuse_negative = true;
  return ToContiguousWith(*src, buf, len, order, f);
}
int MemcpyTo(void*, void* buf, const bufconf_buffer* src, ssize len, char order) {
  CopyFaults f;
  f.memcpy_always = true;
  return ToContiguousWith(*src, buf, len, order, f);
}

// PyBuffer_FromContiguous, with its silent clamp computed from the first dimension
// (shape[0] * strides[0]) or 'A' walked in Fortran order.
int FromContiguousWith(const bufconf_buffer* view, const void* buf, ssize len, char order,
                       bool clamp_first_dim, bool a_is_f) {
  if (len < 0 || len != view->len) return BUFCONF_REFUSED;
  const Full v = ExpandView(*view);
  if (clamp_first_dim && !v.shape.empty()) {
    ssize bound = v.shape[0] * v.strides[0];
    if (bound < 0) bound = 0;
    if (len > bound) len = bound;
  }
  if (Ref().is_contiguous(nullptr, view, order)) {
    if (len > 0) std::memcpy(view->buf, buf, static_cast<size_t>(len));
    return BUFCONF_OK;
  }
  const char walk = (order == 'F' || (a_is_f && order == 'A')) ? 'F' : 'C';
  const char* in = static_cast<const char*>(buf);
  std::vector<ssize> idx(v.shape.size(), 0);
  for (ssize k = v.itemsize > 0 ? len / v.itemsize : 0; k > 0; --k) {
    std::memcpy(Addr(v, idx), in, static_cast<size_t>(v.itemsize));
    in += v.itemsize;
    AddOne(idx, v.shape, walk);
  }
  return BUFCONF_OK;
}
int ClampFrom(void*, const bufconf_buffer* view, const void* buf, ssize len, char order) {
  return FromContiguousWith(view, buf, len, order, true, false);
}
int AAsFFrom(void*, const bufconf_buffer* view, const void* buf, ssize len, char order) {
  return FromContiguousWith(view, buf, len, order, false, true);
}

// get_pointer variants.
void* NoSuboffsetsPtr(void*, const bufconf_buffer* view, const ssize* indices) {
  const Full v = ExpandView(*view);
  char* p = v.buf;
  for (size_t i = 0; i < v.shape.size(); ++i) p += v.strides[i] * indices[i];
  return p;
}
void* ElementStridesPtr(void*, const bufconf_buffer* view, const ssize* indices) {
  const Full v = ExpandView(*view);
  char* p = v.buf;
  for (size_t i = 0; i < v.shape.size(); ++i) {
    const ssize elements = v.itemsize > 0 ? v.strides[i] / v.itemsize : v.strides[i];
    p += (v.itemsize > 0 ? elements * v.itemsize : elements) * indices[i];
    if (v.suboffsets[i] >= 0) p = Deref(p, v.suboffsets[i]);
  }
  return p;
}
void* SuboffsetFirstPtr(void*, const bufconf_buffer* view, const ssize* indices) {
  const Full v = ExpandView(*view);
  char* p = v.buf;
  for (size_t i = 0; i < v.shape.size(); ++i) {
    if (v.suboffsets[i] >= 0) p = Deref(p, v.suboffsets[i]);
    p += v.strides[i] * indices[i];
  }
  return p;
}

// is_contiguous variants.
int StrictIsContiguous(void*, const bufconf_buffer* view, char order) {
  return StrictContiguous(*view, order) ? 1 : 0;
}
int MemoryviewIsContiguous(void* ctx, const bufconf_buffer* view, char order) {
  if (view->ndim == 1 && view->strides != nullptr && view->shape != nullptr &&
      view->suboffsets == nullptr) {
    return view->shape[0] == 1 || view->strides[0] == view->itemsize;
  }
  return Ref().is_contiguous(ctx, view, order);
}
int SuboffsetsIgnoredIsContiguous(void* ctx, const bufconf_buffer* view, char order) {
  bufconf_buffer direct = *view;
  direct.suboffsets = nullptr;
  return Ref().is_contiguous(ctx, &direct, order);
}
int AAndIsContiguous(void* ctx, const bufconf_buffer* view, char order) {
  if (order == 'A') {
    return Ref().is_contiguous(ctx, view, 'C') && Ref().is_contiguous(ctx, view, 'F');
  }
  return Ref().is_contiguous(ctx, view, order);
}

// fill_contiguous_strides: anything but 'C' filled in Fortran order.
void AAsFFill(void* ctx, int ndim, const ssize* shape, ssize* strides, int itemsize, char order) {
  Ref().fill_contiguous_strides(ctx, ndim, shape, strides, itemsize, order == 'C' ? 'C' : 'F');
}

// size_from_format with standard sizes and no alignment ('=' for the native '@').
ssize StandardSizeFromFormat(void* ctx, const char* format) {
  if (format == nullptr) return -1;
  std::string text = format;
  if (!text.empty() && text[0] == '@') {
    text[0] = '=';
  } else if (text.empty() || std::strchr("=<>!", text[0]) == nullptr) {
    text = "=" + text;
  }
  return Ref().size_from_format(ctx, text.c_str());
}

// PyObject_CopyData's memcpy fast path taken when both views are contiguous in any orders.
int AnyContiguousCopy(void* ctx, const bufconf_buffer* dest, const bufconf_buffer* src) {
  if (dest->readonly) return BUFCONF_REFUSED;
  if (dest->len >= src->len && Ref().is_contiguous(ctx, dest, 'A') &&
      Ref().is_contiguous(ctx, src, 'A')) {
    if (src->len > 0) std::memcpy(dest->buf, src->buf, static_cast<size_t>(src->len));
    return BUFCONF_OK;
  }
  return Ref().copy_data(ctx, dest, src);
}

// ---- references (ABI 3): the reference exporter counts them; these entries report a count that
// is off by the references a fault lost ----

// References lost per object (the reference exporter is its own obj): the count reported is the
// reference's count minus these.
std::map<const void*, ssize>& Lost() {
  static std::map<const void*, ssize> m;
  return m;
}
ssize LostCount(void* ctx, const void* obj) {
  const auto it = Lost().find(obj);
  return Ref().reference_count(ctx, obj) - (it == Lost().end() ? 0 : it->second);
}
void LostDestroy(void* ctx, void* ex) {
  Lost().erase(Ref().exporter_object(ctx, ex));
  Ref().destroy_exporter(ctx, ex);
}

// bf_releasebuffer that DECREFs view->obj, after which PyBuffer_Release DECREFs it again.
void DecrefRelease(void* ctx, void* ex, bufconf_buffer* view) {
  const void* const obj = view->obj;
  ZooRelease(ctx, ex, view);
  if (obj != nullptr) ++Lost()[obj];
}

// bf_getbuffer that sets view->obj without Py_INCREF: the view borrows a reference that
// PyBuffer_Release will drop.
int NoIncrefGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  const int rc = RefGet(ctx, ex, view, flags, m, n);
  if (rc == BUFCONF_OK && view->obj != nullptr) ++Lost()[view->obj];
  return rc;
}

// PyBuffer_Release that drops the view's reference but leaves view->obj set (Py_DECREF where
// Py_CLEAR was due). A second release of the same view does nothing here.
void KeepObjRelease(void* ctx, void* ex, bufconf_buffer* view) {
  if (view->internal == nullptr) return;
  void* const obj = view->obj;
  ZooRelease(ctx, ex, view);
  view->obj = obj;
}

// PyBuffer_FillInfo without its PyBUF_ND / PyBUF_STRIDES tests: shape and strides point at the
// view's len and itemsize whatever the flags (a SIMPLE request included).
int FillInfoAllFields(void* ctx, bufconf_buffer* view, void* obj, void* buf, ssize len,
                      int readonly, int flags, char* m, size_t n) {
  const int rc = Ref().fill_info(ctx, view, obj, buf, len, readonly, flags, m, n);
  if (rc == BUFCONF_OK) {
    view->shape = &view->len;
    view->strides = &view->itemsize;
  }
  return rc;
}

// ---------------------------------------------------------------------------------------------
// The adapters.

bufconf_adapter Base(const char* name) {
  bufconf_adapter a = Ref();
  a.name = name;
  a.version = "bufconf-zoo 0.1";
  a.get_buffer = RefGet;
  a.release_buffer = ZooRelease;
  return a;
}

#define ZOO_ADAPTER(fn, name, edits)            \
  const bufconf_adapter* fn() {                 \
    static const bufconf_adapter adapter = [] { \
      bufconf_adapter a = Base(name);           \
      edits;                                    \
      return a;                                 \
    }();                                        \
    return &adapter;                            \
  }

ZOO_ADAPTER(ContigStrict, "contig-request-strict-size1", a.get_buffer = ContigStrictGet)
ZOO_ADAPTER(CtypesStruct, "ctypes-struct-no-padding", a.get_buffer = CtypesStructGet)
ZOO_ADAPTER(CtypesLong, "ctypes-long-as-standard-l", a.get_buffer = CtypesLongGet)
ZOO_ADAPTER(VoidScalar, "numpy-void-format-native", a.get_buffer = VoidScalarGet)
ZOO_ADAPTER(TrailingPad, "numpy-trailing-padding-dropped", a.get_buffer = TrailingPadGet)
ZOO_ADAPTER(AnyAnd, "any-contiguous-with-and", a.get_buffer = AnyAndGet)
ZOO_ADAPTER(CIgnored, "c-contiguous-ignored", a.get_buffer = CIgnoredGet)
ZOO_ADAPTER(FByC, "f-contiguous-by-c-test", a.get_buffer = FByCGet)
ZOO_ADAPTER(FieldsAlways, "fields-whatever-the-flags", a.get_buffer = FieldsAlwaysGet)
ZOO_ADAPTER(ShapeWithoutNd, "shape-without-nd", a.get_buffer = ShapeWithoutNdGet)
ZOO_ADAPTER(Writable, "readonly-exported-writable", a.get_buffer = WritableGet)
ZOO_ADAPTER(Readonly2, "fillinfo-readonly-eq-1", a.get_buffer = Readonly2Get)
ZOO_ADAPTER(NegativeBase, "negative-stride-wrong-base", a.get_buffer = NegativeBaseGet)
ZOO_ADAPTER(SliceLen, "len-not-updated-after-slicing", a.get_buffer = SliceLenGet)
ZOO_ADAPTER(NullStrides, "null-strides-non-contiguous", a.get_buffer = NullStridesGet)
// An interpreter whose PyObject_GetBuffer lets PyBUF_READ / PyBUF_WRITE through (CPython before
// 3.13): its get_buffer is the interpreter's entry point, so the rule is judged, on the
// interpreter.
ZOO_ADAPTER(ReadWrite, "read-write-flags-accepted", a.get_buffer = ReadWriteGet;
            a.capabilities |= BUFCONF_CAP_VIA_INTERPRETER)
ZOO_ADAPTER(IndirectNotNeeded, "suboffsets-without-indirect", a.get_buffer = IndirectNotNeededGet)
ZOO_ADAPTER(NegativeSuboffsets, "all-negative-suboffsets", a.get_buffer = NegativeSuboffsetsGet)
ZOO_ADAPTER(Itemsize1, "itemsize-1-without-format", a.get_buffer = Itemsize1Get)
ZOO_ADAPTER(NullFormat, "format-null-for-bytes", a.get_buffer = NullFormatGet)
ZOO_ADAPTER(FillInfoTyped, "fillinfo-typed-array", a.get_buffer = FillInfoTypedGet)
ZOO_ADAPTER(SuboffsetsUnwritten, "suboffsets-left-unwritten",
            a.get_buffer = SuboffsetsOnlyWhenNeededGet)
ZOO_ADAPTER(Hang, "hang-on-extent-0", a.get_buffer = HangGet)
ZOO_ADAPTER(Segfault, "segfault-on-ndim-3", a.get_buffer = SegfaultGet)
ZOO_ADAPTER(Leaky, "exports-never-released", a.release_buffer = LeakyRelease;
            a.export_count = LeakyCount; a.destroy_exporter = LeakyDestroy)
ZOO_ADAPTER(ResizeExported, "resize-while-exported", a.resize = ResizeIgnoringExports)
ZOO_ADAPTER(TablesMissing, "pointer-tables-not-declared", a.regions = TablesMissingRegions)
ZOO_ADAPTER(StepStride, "slice-step-not-in-stride", a.make_exporter = StepsMake;
            a.get_buffer = StepsGet; a.destroy_exporter = StepsDestroy)
ZOO_ADAPTER(DecrefInRelease, "releasebuffer-decrefs-obj", a.release_buffer = DecrefRelease;
            a.reference_count = LostCount; a.destroy_exporter = LostDestroy)
ZOO_ADAPTER(NoIncref, "getbuffer-obj-without-incref", a.get_buffer = NoIncrefGet;
            a.reference_count = LostCount; a.destroy_exporter = LostDestroy)
ZOO_ADAPTER(KeepObj, "release-leaves-obj-set", a.release_buffer = KeepObjRelease)

ZOO_ADAPTER(PtrNoSuboffsets, "get-pointer-ignores-suboffsets", a.get_pointer = NoSuboffsetsPtr)
ZOO_ADAPTER(PtrElementStrides, "get-pointer-element-strides", a.get_pointer = ElementStridesPtr)
ZOO_ADAPTER(PtrSuboffsetFirst, "get-pointer-suboffset-before-stride",
            a.get_pointer = SuboffsetFirstPtr)
ZOO_ADAPTER(Rotated, "to-contiguous-rotated", a.to_contiguous = RotatedTo)
ZOO_ADAPTER(FOffByOne, "to-contiguous-f-off-by-one", a.to_contiguous = FOffByOneTo)
ZOO_ADAPTER(AAsC, "to-contiguous-a-as-c", a.to_contiguous = AAsCTo)
ZOO_ADAPTER(UnsignedStrides, "to-contiguous-unsigned-strides", a.to_contiguous = UnsignedStridesTo)
ZOO_ADAPTER(Memcpy, "to-contiguous-ignores-strides", a.to_contiguous = MemcpyTo)
ZOO_ADAPTER(Clamp, "from-contiguous-clamps-to-first-dim", a.from_contiguous = ClampFrom)
ZOO_ADAPTER(AAsF, "from-contiguous-a-as-f", a.from_contiguous = AAsFFrom)
ZOO_ADAPTER(Strict, "is-contiguous-strict-size1", a.is_contiguous = StrictIsContiguous)
ZOO_ADAPTER(Memoryview1d, "is-contiguous-memoryview-1d", a.is_contiguous = MemoryviewIsContiguous)
ZOO_ADAPTER(SuboffsetsIgnored, "is-contiguous-ignores-suboffsets",
            a.is_contiguous = SuboffsetsIgnoredIsContiguous)
ZOO_ADAPTER(AAnd, "is-contiguous-a-with-and", a.is_contiguous = AAndIsContiguous)
ZOO_ADAPTER(FillAAsF, "fill-strides-a-as-f", a.fill_contiguous_strides = AAsFFill)
ZOO_ADAPTER(StandardSize, "size-from-format-standard-sizes",
            a.size_from_format = StandardSizeFromFormat)
ZOO_ADAPTER(CopyAny, "copy-data-memcpy-any-contiguous", a.copy_data = AnyContiguousCopy)
ZOO_ADAPTER(FillInfoFields, "fillinfo-shape-strides-always", a.fill_info = FillInfoAllFields)

#undef ZOO_ADAPTER

}  // namespace

// The zoo. Rules: those the suite must report broken (the runner judges each with its general
// properties; none of them was written for one entry).
const std::vector<ZooEntry>& ZooEntries() {
  static const std::vector<ZooEntry> kEntries = [] {
    std::vector<ZooEntry> entries = {
        // ---- exporter faults ----
        {"contig-request-strict-size1",
         "python/cpython bpo-22445 (exporter side; cython #1074)",
         "extent-1 (and empty) dimensions put no constraint on strides when judging contiguity",
         {"REQ-GRANT"},
         ContigStrict},
        {"ctypes-struct-no-padding",
         "python/cpython bpo-32780 (gh-76961)",
         "calcsize(format) == itemsize: struct padding must be in the format",
         {"FORMAT-SIZE"},
         CtypesStruct},
        {"ctypes-long-as-standard-l",
         "python/cpython bpo-10746 (PR #31)",
         "an 8-byte native long is not '<l' (standard l is 4 bytes)",
         {"FORMAT-SIZE"},
         CtypesLong},
        {"numpy-void-format-native",
         "numpy void scalars (formats.md §9 vector 67, numpy N2)",
         "the format keeps the item's byte order and packing, so it describes itemsize bytes",
         {"FORMAT-SIZE", "REQ-CONTENTS"},
         VoidScalar},
        {"numpy-trailing-padding-dropped",
         "numpy/numpy #7797",
         "trailing padding is part of the format: calcsize(format) == itemsize",
         {"FORMAT-SIZE"},
         TrailingPad},
        {"any-contiguous-with-and",
         "pypy/pypy #2873",
         "PyBUF_ANY_CONTIGUOUS is granted for C- or F-contiguous memory",
         {"REQ-GRANT"},
         AnyAnd},
        {"c-contiguous-ignored",
         "pypy/pypy #3871",
         "PyBUF_C_CONTIGUOUS is refused for memory that is not C-contiguous",
         {"REQ-C-CONTIGUOUS"},
         CIgnored},
        {"f-contiguous-by-c-test",
         "numpy/numpy #3827 (fixes #3796)",
         "PyBUF_F_CONTIGUOUS is judged by Fortran contiguity",
         {"REQ-F-CONTIGUOUS", "REQ-GRANT"},
         FByC},
        {"fields-whatever-the-flags",
         "pybind/pybind11 #5407",
         "shape, strides and format are filled only when ND, STRIDES, FORMAT are requested",
         {"REQ-ND-SHAPE", "REQ-FORMAT-NULL", "REQ-STRIDES-FILLED"},
         FieldsAlways},
        {"shape-without-nd",
         "classic fault (PEP 3118 rule 7; cf. pybind11 #5407)",
         "without PyBUF_ND, shape is NULL",
         {"REQ-ND-SHAPE"},
         ShapeWithoutNd},
        {"readonly-exported-writable",
         "python/cpython bpo-10451",
         "a read-only exporter refuses PyBUF_WRITABLE",
         {"REQ-WRITABLE"},
         Writable},
        {"fillinfo-readonly-eq-1",
         "CPython PyBuffer_FillInfo `readonly == 1` test (cpython.md §7.3)",
         "a granted PyBUF_WRITABLE request has readonly == 0",
         {"REQ-WRITABLE"},
         Readonly2},
        {"negative-stride-wrong-base",
         "classic fault (negative strides; cf. pybind11 #776)",
         "with a negative stride, buf is the first element's address, not the block's start",
         {"MEMORY-SPAN", "REQ-CONTENTS"},
         NegativeBase},
        {"len-not-updated-after-slicing",
         "classic fault (slicing keeps the parent's len)",
         "len == product(shape) * itemsize",
         {"LAYOUT-LEN"},
         SliceLen},
        {"null-strides-non-contiguous",
         "classic fault (NULL strides mean C order)",
         "strides are filled with STRIDES, and NULL strides only for C-contiguous memory",
         {"REQ-STRIDES-FILLED", "REQ-CONTENTS"},
         NullStrides},
        {"read-write-flags-accepted",
         "python/cpython gh-114685 / gh-126980",
         "PyBUF_READ and PyBUF_WRITE are not request flags: refused",
         {"REQ-READ-WRITE-FLAGS"},
         ReadWrite},
        {"suboffsets-without-indirect",
         "classic fault (test_buffer verify_getbuf (e))",
         "suboffsets are given only to consumers that request PyBUF_INDIRECT",
         {"REQ-INDIRECT-NEEDED"},
         IndirectNotNeeded},
        {"all-negative-suboffsets",
         "cython/cython #367 (the exporter that triggered it)",
         "suboffsets that are all negative must be NULL",
         {"LAYOUT-SUBOFFSETS-ALL-NEGATIVE-NULL"},
         NegativeSuboffsets},
        {"itemsize-1-without-format",
         "CPython PyBuffer_FillInfo itemsize 1 (cpython.md §7.4)",
         "itemsize keeps its true value in responses without PyBUF_FORMAT",
         {"REQ-ITEMSIZE-KEPT"},
         Itemsize1},
        {"format-null-for-bytes",
         "classic fault (PEP 3118 rule 6: NULL means 'B')",
         "with PyBUF_FORMAT, format is filled (\"B\" included)",
         {"REQ-FORMAT-FILLED"},
         NullFormat},
        {"fillinfo-typed-array",
         "classic fault (typed memory exported with PyBuffer_FillInfo)",
         "the full description holds the exporter's logical contents",
         {"REQ-CONTENTS"},
         FillInfoTyped},
        {"suboffsets-left-unwritten",
         "classic fault (an exporter relying on a zeroed Py_buffer; PEP 3118 'Specification')",
         "every field is written on success, NULL where not needed",
         {"REQ-FIELDS-ALL-FILLED"},
         SuboffsetsUnwritten},
        {"hang-on-extent-0",
         "classic fault (a loop stepping by a zero row size)",
         "get_buffer returns for every shape (here: loops forever on an extent 0)",
         {"REQ-GRANT"},
         Hang},
        {"segfault-on-ndim-3",
         "classic fault (a fixed-size extent cache)",
         "get_buffer returns for every shape (here: crashes when ndim == 3)",
         {"REQ-GRANT"},
         Segfault},
        {"exports-never-released",
         "classic fault (cf. gh-77894 export counting)",
         "release_buffer decrements the export count",
         {"RELEASE-EXPORT-COUNT"},
         Leaky},
        {"resize-while-exported",
         "ctypes.resize under a live export (docs/findings.md; cf. python/cpython#154524)",
         "the exported memory is not resized or moved while exports exist",
         {"RELEASE-RESIZE-WHILE-EXPORTED"},
         ResizeExported},
        {"pointer-tables-not-declared",
         "classic fault (array-of-arrays memory not owned)",
         "every byte a view reaches, pointer tables included, is in the exporter's regions",
         {"MEMORY-POINTER"},
         TablesMissing},
        {"slice-step-not-in-stride",
         "classic fault (step applied to shape only; cf. bpo-4569)",
         "a sliced view's stride is the parent's stride times the step",
         {"REQ-CONTENTS"},
         StepStride},
        {"releasebuffer-decrefs-obj",
         "classic fault (Doc/c-api/typeobj.rst: bf_releasebuffer MUST NOT decrement view->obj)",
         "only PyBuffer_Release drops the reference the view holds",
         {"RELEASE-NO-DECREF"},
         DecrefInRelease},
        {"getbuffer-obj-without-incref",
         "classic fault (view->obj set without Py_INCREF)",
         "a granted view holds a new reference to obj",
         {"FIELDS-OBJ"},
         NoIncref},
        {"release-leaves-obj-set",
         "classic fault (interpreter: PyBuffer_Release with Py_DECREF where Py_CLEAR is due)",
         "PyBuffer_Release drops the view's reference and sets obj to NULL",
         {"RELEASE-CLEARS-OBJ"},
         KeepObj},
        // ---- algorithm faults ----
        {"get-pointer-ignores-suboffsets",
         "numpy/numpy #9456",
         "PyBuffer_GetPointer follows suboffsets (array-of-arrays)",
         {"ALGO-GET-POINTER"},
         PtrNoSuboffsets},
        {"get-pointer-element-strides",
         "wjakob/nanobind #487 (PR #489)",
         "strides are in bytes, not necessarily multiples of itemsize",
         {"ALGO-GET-POINTER"},
         PtrElementStrides},
        {"get-pointer-suboffset-before-stride",
         "classic fault (PEP 3118 canonical loop order)",
         "the stride is applied before the suboffset is dereferenced",
         {"ALGO-GET-POINTER"},
         PtrSuboffsetFirst},
        {"to-contiguous-rotated",
         "cython/cython #367 (CPython 2.7 PyBuffer_ToContiguous)",
         "ToContiguous copies element 0 first: the odometer turns after the copy",
         {"ALGO-TO-CONTIGUOUS"},
         Rotated},
        {"to-contiguous-f-off-by-one",
         "classic fault (Fortran odometer off by one)",
         "the Fortran odometer turns every dimension",
         {"ALGO-TO-CONTIGUOUS"},
         FOffByOne},
        {"to-contiguous-a-as-c",
         "python/cpython bpo-35845 (order 'A')",
         "'A' copies an F-contiguous view in its physical (Fortran) order",
         {"ALGO-TO-CONTIGUOUS"},
         AAsC},
        {"to-contiguous-unsigned-strides",
         "pybind/pybind11 #776 (strides as size_t)",
         "negative strides are legal",
         {"ALGO-TO-CONTIGUOUS"},
         UnsignedStrides},
        {"to-contiguous-ignores-strides",
         "numpy/numpy #19536 (PyPy bytes(strided))",
         "the logical bytes are the C-order serialization, whatever the strides",
         {"ALGO-TO-CONTIGUOUS"},
         Memcpy},
        {"from-contiguous-clamps-to-first-dim",
         "CPython PyBuffer_FromContiguous silent clamp (cpython.md §3), bound from the first "
         "dimension",
         "FromContiguous with len == view.len writes every element",
         {"ALGO-FROM-CONTIGUOUS"},
         Clamp},
        {"from-contiguous-a-as-f",
         "classic fault (cpython.md §7.7: 'A' is C for non-contiguous)",
         "'A' fills a non-contiguous view in C order",
         {"ALGO-FROM-CONTIGUOUS"},
         AAsF},
        {"is-contiguous-strict-size1",
         "python/cpython bpo-22445",
         "extent-1 dimensions put no constraint on strides",
         {"CONTIG-C", "CONTIG-F", "CONTIG-A"},
         Strict},
        {"is-contiguous-memoryview-1d",
         "CPython memoryview init_flags (cpython.md §7.1)",
         "an empty 1-D view is contiguous whatever its stride",
         {"CONTIG-C", "CONTIG-F", "CONTIG-A"},
         Memoryview1d},
        {"is-contiguous-ignores-suboffsets",
         "CPython PyBuffer_IsContiguous (cpython.md §3, §7.2)",
         "a view with suboffsets is never contiguous",
         {"CONTIG-C", "CONTIG-F", "CONTIG-A"},
         SuboffsetsIgnored},
        {"is-contiguous-a-with-and",
         "pypy/pypy #2873 (consumer side)",
         "'A' means C- or F-contiguous",
         {"CONTIG-A"},
         AAnd},
        {"fill-strides-a-as-f",
         "classic fault (PyBuffer_FillContiguousStrides: only 'F' is F)",
         "order 'A' gives C strides",
         {"ALGO-FILL-STRIDES"},
         FillAAsF},
        {"size-from-format-standard-sizes",
         "python/cpython bpo-15913 (calcsize semantics)",
         "PyBuffer_SizeFromFormat is struct.calcsize: native sizes and alignment",
         {"ALGO-SIZE-FROM-FORMAT"},
         StandardSize},
        {"copy-data-memcpy-any-contiguous",
         "classic fault (PyObject_CopyData fast path)",
         "memcpy only when both views are contiguous in the same order",
         {"ALGO-COPY-DATA"},
         CopyAny},
        {"fillinfo-shape-strides-always",
         "classic fault (PyBuffer_FillInfo without its PyBUF_ND / PyBUF_STRIDES tests; cf. "
         "pybind/pybind11 #5407)",
         "PyBuffer_FillInfo sets shape only for PyBUF_ND and strides only for PyBUF_STRIDES",
         {"ALGO-FILL-INFO"},
         FillInfoFields},
    };
    // ---- consumer faults (consumer_entries.cc) ----
    for (ZooEntry& e : ConsumerZooEntries()) entries.push_back(std::move(e));
    return entries;
  }();
  return kEntries;
}

}  // namespace bufconf::zoo
