#include "conformance/adapter/reference_adapter.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "conformance/adapter/real_layout.h"
#include "reference/format/layout.h"
#include "reference/layout/addressing.h"
#include "reference/layout/contiguity.h"
#include "reference/layout/fill_info.h"
#include "reference/layout/mirror.h"
#include "reference/layout/request.h"

namespace bufconf::conformance {
namespace {

using layout::Descriptor;

void SetMessage(char* message, size_t size, const std::string& text) {
  if (message == nullptr || size == 0) return;
  std::snprintf(message, size, "%s", text.c_str());
}

// ---- exporter side ----

// The fields of one export (get_buffer), owned through view->internal until release_buffer.
struct Export {
  std::optional<std::string> format;
  std::vector<bufconf_ssize_t> shape, strides, suboffsets;
};

struct Exporter {
  std::unique_ptr<RealLayout> layout;
  Descriptor full;  // the complete view (what PyBUF_FULL_RO gives), real addresses
  bufconf_ssize_t exports = 0;
  // The exporter is the object views name in obj: its own reference, and one per live view.
  bufconf_ssize_t references = 1;
};

Exporter* NewExporter(const bufconf_array_spec& spec) {
  auto ex = std::make_unique<Exporter>();
  ex->layout = Materialize(spec);
  ex->full = DescriptorOf(ex->layout->view);
  return ex.release();
}

int MakeExporter(void*, const bufconf_array_spec* spec, void** exporter, char* message,
                 size_t message_size) {
  try {
    *exporter = NewExporter(*spec);
    return BUFCONF_OK;
  } catch (const std::exception& e) {
    SetMessage(message, message_size, e.what());
    return BUFCONF_ERROR;
  }
}

// The fixed exporters of enumerate.
struct Enumerated {
  const char* description;
  const char* format;
  bufconf_ssize_t itemsize;
  int ndim;
  bufconf_ssize_t shape[2];
  const void* items;
  uint32_t layout;
  uint8_t indirect[2];
};

const uint8_t kBytes[] = {'b', 'u', 'f', 'c', 'o', 'n'};
const int32_t kInts[] = {1, -2, 3, -4, 5, 2147483647};
const uint8_t kPixels[] = {0, 64, 128, 192, 255, 7};
const Enumerated kEnumerated[] = {
    {"bytes b'bufcon' (1-D, read-only)",
     "B",
     1,
     1,
     {6, 0},
     kBytes,
     BUFCONF_LAYOUT_READONLY,
     {0, 0}},
    {"int32 2x3 C array [[1, -2, 3], [-4, 5, 2147483647]]", "i", 4, 2, {2, 3}, kInts, 0, {0, 0}},
    {"PIL-style 2x3 uint8 image (row pointers, suboffsets)", "B", 1, 2, {2, 3}, kPixels, 0, {1, 0}},
};

int Enumerate(void*, size_t index, void** exporter, bufconf_enumerated* info) {
  if (index >= sizeof(kEnumerated) / sizeof(kEnumerated[0])) return BUFCONF_UNSUPPORTED;
  const Enumerated& e = kEnumerated[index];
  bufconf_array_spec spec{};
  spec.format = e.format;
  spec.itemsize = e.itemsize;
  spec.ndim = e.ndim;
  spec.shape = e.shape;
  spec.items = e.items;
  spec.layout = e.layout;
  spec.indirect = e.indirect;
  try {
    *exporter = NewExporter(spec);
  } catch (const std::exception& ex) {
    if (info != nullptr) SetMessage(info->description, sizeof(info->description), ex.what());
    return BUFCONF_ERROR;
  }
  if (info != nullptr) {
    SetMessage(info->description, sizeof(info->description), e.description);
    info->has_expected = 1;
    info->format = e.format;
    info->itemsize = e.itemsize;
    info->ndim = e.ndim;
    info->shape = e.shape;
    info->items = e.items;
    // The read-only bytes' storage must never be handed out writable (MEMORY-WRITABLE).
    info->memory_readonly = (e.layout & BUFCONF_LAYOUT_READONLY) != 0 ? 1 : 0;
  }
  return BUFCONF_OK;
}

int GetBuffer(void*, void* exporter, bufconf_buffer* view, int flags, char* message,
              size_t message_size) {
  try {
    auto* ex = static_cast<Exporter*>(exporter);
    // A refused request leaves obj NULL (REQ-FAIL-BUFFERERROR).
    view->obj = nullptr;
    // The interpreter's entry point first (BUFCONF_CAP_VIA_INTERPRETER), as CPython 3.13's
    // PyObject_GetBuffer: PyBUF_READ / PyBUF_WRITE never reach the exporter.
    if (flags == layout::kRead || flags == layout::kWrite) {
      SetMessage(message, message_size,
                 "REQ-READ-WRITE-FLAGS: SystemError: bad argument to internal function "
                 "(PyObject_GetBuffer refuses PyBUF_READ / PyBUF_WRITE)");
      return BUFCONF_REFUSED;
    }
    const layout::RequestOutcome outcome = layout::Request(ex->full, flags);
    if (outcome.verdict != layout::RequestOutcome::Verdict::kMustSucceed) {
      // kMayFail (FORMAT without ND) is refused too, as memoryview does.
      std::string text;
      for (const auto& [rule, reason] : outcome.reasons) {
        text += (text.empty() ? "" : "; ") + rule + ": " + reason;
      }
      SetMessage(message, message_size, text);
      return BUFCONF_REFUSED;
    }
    const Descriptor& e = outcome.expected;
    auto x = std::make_unique<Export>();
    x->format = e.format;
    auto copy = [](const std::optional<std::vector<int64_t>>& from,
                   std::vector<bufconf_ssize_t>& to) -> bufconf_ssize_t* {
      if (!from) return nullptr;
      to.assign(from->begin(), from->end());
      to.reserve(1);  // non-NULL even when empty
      return to.data();
    };
    view->buf = Pointer(e.buf);
    view->obj = exporter;
    view->len = e.len;
    view->itemsize = e.itemsize;
    view->readonly = e.readonly;
    view->ndim = static_cast<int>(e.ndim);
    view->format = x->format ? x->format->data() : nullptr;
    view->shape = copy(e.shape, x->shape);
    view->strides = copy(e.strides, x->strides);
    view->suboffsets = copy(e.suboffsets, x->suboffsets);
    view->internal = x.release();
    ++ex->exports;
    ++ex->references;  // obj holds a new reference (FIELDS-OBJ)
    return BUFCONF_OK;
  } catch (const std::exception& e) {
    SetMessage(message, message_size, e.what());
    return BUFCONF_ERROR;
  }
}

// PyBuffer_Release (BUFCONF_CAP_VIA_INTERPRETER): nothing when obj is NULL (a view released
// already); else the exporter's bf_releasebuffer, then obj = NULL and its reference dropped
// (RELEASE-CLEARS-OBJ).
void ReleaseBuffer(void*, void* exporter, bufconf_buffer* view) {
  if (view->obj == nullptr) return;
  auto* ex = static_cast<Exporter*>(exporter);
  delete static_cast<Export*>(view->internal);
  view->internal = nullptr;
  --ex->exports;
  view->obj = nullptr;
  --ex->references;
}

// ---- references ----

void* ExporterObject(void*, void* exporter) { return exporter; }

bufconf_ssize_t ReferenceCount(void*, const void* obj) {
  return static_cast<const Exporter*>(obj)->references;
}

void DestroyExporter(void*, void* exporter) { delete static_cast<Exporter*>(exporter); }

size_t Regions(void*, void* exporter, bufconf_region* out, size_t capacity) {
  const std::vector<bufconf_region>& regions = static_cast<Exporter*>(exporter)->layout->regions;
  for (size_t i = 0; i < regions.size() && i < capacity; ++i) out[i] = regions[i];
  return regions.size();
}

bufconf_ssize_t ExportCount(void*, void* exporter) {
  return static_cast<Exporter*>(exporter)->exports;
}

}  // namespace

int ReferenceReallocate(void* exporter, char* message, size_t message_size) {
  Exporter* ex = static_cast<Exporter*>(exporter);
  try {
    const RealLayout& old = *ex->layout;
    const Snapshot now = TakeSnapshot(old.view, old.regions.data(), old.regions.size());
    ex->layout = Realize(now.view, now.memory);
    ex->full = DescriptorOf(ex->layout->view);
    return BUFCONF_OK;
  } catch (const std::exception& e) {
    SetMessage(message, message_size, e.what());
    return BUFCONF_ERROR;
  }
}

namespace {

// Resizing: the reference exporter "resizes" by moving its memory (the same layout and contents
// in fresh blocks, the old ones freed, as a realloc that moves does); while an export is live it
// refuses, as bytearray does (RELEASE-RESIZE-WHILE-EXPORTED).
int Resize(void*, void* exporter, char* message, size_t message_size) {
  const Exporter* ex = static_cast<Exporter*>(exporter);
  if (ex->exports > 0) {
    SetMessage(message, message_size,
               "BufferError: " + std::to_string(ex->exports) +
                   " live export(s): the memory cannot be resized");
    return BUFCONF_REFUSED;
  }
  return ReferenceReallocate(exporter, message, message_size);
}

// ---- algorithm side ----

Snapshot SnapshotOf(const bufconf_buffer& view, bool items = true) {
  const std::vector<bufconf_region> regions = TouchedRegions(view, items);
  return TakeSnapshot(view, regions.data(), regions.size());
}

// Copies the snapshot's bytes back into the real memory they came from (only bytes that changed).
void WriteBack(const layout::Memory& memory) {
  for (const layout::Region& r : memory.regions()) {
    auto* p = static_cast<uint8_t*>(Pointer(r.base));
    for (size_t i = 0; i < r.bytes.size(); ++i) {
      if (p[i] != r.bytes[i]) p[i] = r.bytes[i];
    }
  }
}

int IsContiguousFn(void*, const bufconf_buffer* view, char order) {
  try {
    return layout::IsContiguous(DescriptorOf(*view), order) ? 1 : 0;
  } catch (const std::exception&) {
    return 0;
  }
}

void* GetPointerFn(void*, const bufconf_buffer* view, const bufconf_ssize_t* indices) {
  try {
    const layout::FullView full = layout::Expand(DescriptorOf(*view));
    if (!full.shape.empty() && indices == nullptr) return nullptr;
    const std::vector<int64_t> index(indices, indices + full.shape.size());
    // The memory the canonical loop reads for this index: the pointer slots on its path only.
    std::vector<bufconf_region> slots;
    uint64_t p = full.buf;
    for (size_t i = 0; i < full.shape.size(); ++i) {
      p = layout::Offset(p, layout::MulIndex(full.strides[i], index[i]));
      if (full.suboffsets[i] >= 0) {
        slots.push_back({Pointer(p), 8});
        uint64_t pointer;
        std::memcpy(&pointer, Pointer(p), 8);  // little-endian: the reference ABI
        p = layout::Offset(pointer, full.suboffsets[i]);
      }
    }
    const Snapshot s = TakeSnapshot(*view, slots.data(), slots.size());
    return Pointer(layout::GetPointer(full, s.memory, index));
  } catch (const std::exception&) {
    return nullptr;
  }
}

int ToContiguousFn(void*, void* buf, const bufconf_buffer* src, bufconf_ssize_t len, char order) {
  try {
    if (len != src->len) return BUFCONF_REFUSED;  // before reading anything
    const Snapshot s = SnapshotOf(*src);
    const std::vector<uint8_t> bytes = layout::ToContiguous(s.view, s.memory, len, order);
    if (!bytes.empty()) std::memcpy(buf, bytes.data(), bytes.size());
    return BUFCONF_OK;
  } catch (const layout::ArgumentError&) {
    return BUFCONF_REFUSED;
  } catch (const std::exception&) {
    return BUFCONF_ERROR;
  }
}

int FromContiguousFn(void*, const bufconf_buffer* view, const void* buf, bufconf_ssize_t len,
                     char order) {
  try {
    // PyBuffer_FromContiguous clamps len to view->len; a shorter len copies a prefix (CPython
    // then copies len / itemsize items, or len bytes when contiguous: not sent by the suite).
    if (len < 0 || len < view->len) return BUFCONF_REFUSED;
    len = view->len;
    Snapshot s = SnapshotOf(*view);
    const auto* p = static_cast<const uint8_t*>(buf);
    const std::vector<uint8_t> bytes(p, p + len);
    layout::FromContiguous(s.view, s.memory, bytes, order);
    WriteBack(s.memory);
    return BUFCONF_OK;
  } catch (const layout::ArgumentError&) {
    return BUFCONF_REFUSED;
  } catch (const std::exception&) {
    return BUFCONF_ERROR;
  }
}

void FillContiguousStridesFn(void*, int ndim, const bufconf_ssize_t* shape,
                             bufconf_ssize_t* strides, int itemsize, char order) {
  if (ndim <= 0) return;
  const size_t n = static_cast<size_t>(ndim);
  const std::vector<int64_t> dims(shape, shape + n);
  try {
    const std::vector<int64_t> s = layout::FillContiguousStrides(dims, itemsize, order);
    std::copy(s.begin(), s.end(), strides);
  } catch (const layout::MemoryFault&) {
    // Overflow: what CPython's unchecked loop computes (two's complement wrap-around).
    uint64_t sd = static_cast<uint64_t>(static_cast<int64_t>(itemsize));
    for (size_t k = 0; k < n; ++k) {
      const size_t i = order == 'F' ? k : n - 1 - k;
      strides[i] = static_cast<bufconf_ssize_t>(sd);
      sd *= static_cast<uint64_t>(dims[i]);
    }
  }
}

bufconf_ssize_t SizeFromFormatFn(void*, const char* format) {
  if (format == nullptr) return -1;
  try {
    const size_t n = strnlen(format, kMaxFormatLength + 1);
    if (n > kMaxFormatLength) return -1;
    const std::string text(format, n);
    const format::FormatResult r = format::AnalyzeFormat(text, format::Dialect::kStruct);
    return r.ok() ? static_cast<bufconf_ssize_t>(r.layout().itemsize) : -1;
  } catch (const std::exception&) {
    return -1;
  }
}

int CopyDataFn(void*, const bufconf_buffer* dest, const bufconf_buffer* src) {
  try {
    if (dest->readonly) return BUFCONF_REFUSED;  // PyObject_CopyData asks dest for PyBUF_FULL
    Snapshot d = SnapshotOf(*dest);
    const Snapshot s = SnapshotOf(*src);
    layout::CopyData(d.view, d.memory, s.view, s.memory);
    WriteBack(d.memory);
    return BUFCONF_OK;
  } catch (const layout::ArgumentError&) {
    return BUFCONF_REFUSED;
  } catch (const std::exception&) {
    return BUFCONF_ERROR;
  }
}

// PyBuffer_FillInfo, as the model (ALGO-FILL-INFO) says: shape and strides point at the view's
// own len and itemsize, as CPython's do.
int FillInfoFn(void*, bufconf_buffer* view, void* obj, void* buf, bufconf_ssize_t len, int readonly,
               int flags, char* message, size_t message_size) {
  const layout::FillInfoOutcome out =
      layout::FillInfo(view == nullptr, Address(buf), len, readonly, flags);
  if (out.result != layout::FillInfoOutcome::Result::kFilled) {
    SetMessage(message, message_size, out.message);
    return BUFCONF_REFUSED;
  }
  static char kUnsignedBytes[] = "B";
  const Descriptor& v = out.view;
  view->obj = obj;  // NULL from the suite: no reference to take
  view->buf = buf;
  view->len = static_cast<bufconf_ssize_t>(v.len);
  view->readonly = v.readonly;
  view->itemsize = static_cast<bufconf_ssize_t>(v.itemsize);
  view->format = v.format ? kUnsignedBytes : nullptr;
  view->ndim = static_cast<int>(v.ndim);
  view->shape = v.shape ? &view->len : nullptr;
  view->strides = v.strides ? &view->itemsize : nullptr;
  view->suboffsets = nullptr;
  view->internal = nullptr;
  return BUFCONF_OK;
}

bufconf_adapter MakeAdapter() {
  bufconf_adapter a{};
  a.abi_version = BUFCONF_ADAPTER_ABI_VERSION;
  a.name = "reference";
  a.version = "bufconf-reference 0.1";
  a.capabilities = BUFCONF_CAP_MAKE_EXPORTER | BUFCONF_CAP_ENUMERATE | BUFCONF_CAP_EXPORT_COUNT |
                   BUFCONF_CAP_IS_CONTIGUOUS | BUFCONF_CAP_GET_POINTER | BUFCONF_CAP_TO_CONTIGUOUS |
                   BUFCONF_CAP_FROM_CONTIGUOUS | BUFCONF_CAP_FILL_STRIDES |
                   BUFCONF_CAP_SIZE_FROM_FORMAT | BUFCONF_CAP_COPY_DATA | BUFCONF_CAP_RESIZE |
                   BUFCONF_CAP_REFERENCES | BUFCONF_CAP_FILL_INFO | BUFCONF_CAP_CONSUMERS |
                   // It plays a whole conforming implementation, the interpreter's entry point
                   // included: it refuses PyBUF_READ / PyBUF_WRITE (REQ-READ-WRITE-FLAGS).
                   BUFCONF_CAP_VIA_INTERPRETER;
  a.context = nullptr;
  a.after_fork = nullptr;
  a.make_exporter = MakeExporter;
  a.enumerate = Enumerate;
  a.get_buffer = GetBuffer;
  a.release_buffer = ReleaseBuffer;
  a.destroy_exporter = DestroyExporter;
  a.regions = Regions;
  a.export_count = ExportCount;
  a.is_contiguous = IsContiguousFn;
  a.get_pointer = GetPointerFn;
  a.to_contiguous = ToContiguousFn;
  a.from_contiguous = FromContiguousFn;
  a.fill_contiguous_strides = FillContiguousStridesFn;
  a.size_from_format = SizeFromFormatFn;
  a.copy_data = CopyDataFn;
  a.resize = Resize;
  a.exporter_object = ExporterObject;
  a.reference_count = ReferenceCount;
  a.fill_info = FillInfoFn;
  a.consumer = ReferenceConsumer;
  a.consume = ReferenceConsume;
  return a;
}

}  // namespace

std::vector<bufconf_region> TouchedRegions(const bufconf_buffer& view, bool items) {
  const Descriptor d = DescriptorOf(view);
  const layout::FullView full = layout::Expand(d);    // throws std::invalid_argument
  std::vector<std::pair<uint64_t, uint64_t>> ranges;  // [begin, end)
  auto add = [&](uint64_t begin, int64_t size) {
    ranges.emplace_back(begin, layout::Offset(begin, size));
  };
  try {
    if (d.buf != 0) add(d.buf, 0);
    const int64_t count = layout::ElementCount(full.shape);
    const bool indirect = std::any_of(full.suboffsets.begin(), full.suboffsets.end(),
                                      [](int64_t s) { return s >= 0; });
    if (!indirect) {
      if (items && count > 0) {
        int64_t lo = 0, hi = 0;
        for (size_t i = 0; i < full.shape.size(); ++i) {
          const int64_t reach = layout::MulIndex(full.strides[i], full.shape[i] - 1);
          (reach < 0 ? lo : hi) = layout::AddIndex(reach < 0 ? lo : hi, reach);
        }
        add(layout::Offset(d.buf, lo), layout::AddIndex(hi - lo, full.itemsize));
      }
      if (items && d.len > 0 && (layout::IsContiguous(d, 'C') || layout::IsContiguous(d, 'F'))) {
        add(d.buf, d.len);
      }
    } else if (count > 0) {
      const size_t n = full.shape.size();
      std::function<void(size_t, uint64_t)> walk = [&](size_t dim, uint64_t p) {
        if (dim == n) {
          if (items) add(p, full.itemsize);
          return;
        }
        for (int64_t j = 0; j < full.shape[dim]; ++j) {
          uint64_t q = layout::Offset(p, layout::MulIndex(full.strides[dim], j));
          if (full.suboffsets[dim] >= 0) {
            add(q, 8);
            uint64_t pointer;
            std::memcpy(&pointer, Pointer(q), 8);  // little-endian: the reference ABI
            q = layout::Offset(pointer, full.suboffsets[dim]);
          }
          walk(dim + 1, q);
        }
      };
      walk(0, full.buf);
    }
  } catch (const layout::MemoryFault& e) {
    throw std::invalid_argument(std::string("the view's addresses overflow: ") + e.what());
  }
  std::sort(ranges.begin(), ranges.end());
  std::vector<bufconf_region> out;
  uint64_t begin = 0, end = 0;
  bool open = false;
  for (const auto& [b, e] : ranges) {
    if (open && b <= end) {
      end = std::max(end, e);
      continue;
    }
    if (open) out.push_back({Pointer(begin), static_cast<size_t>(end - begin)});
    begin = b;
    end = e;
    open = true;
  }
  if (open) out.push_back({Pointer(begin), static_cast<size_t>(end - begin)});
  return out;
}

const bufconf_adapter* ReferenceAdapter() {
  static const bufconf_adapter adapter = MakeAdapter();
  return &adapter;
}

}  // namespace bufconf::conformance
