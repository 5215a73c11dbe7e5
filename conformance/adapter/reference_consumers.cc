// The consumer side of the reference adapter: a fixed table of consumers, one per request path a
// consumer can take, each implemented by the reference model reading what the provider gives.
//
// Every consumer requests a view from the provider, copies it (fields, arrays and the memory the
// view touches: TakeSnapshot), releases it, and runs the model on the copy: the view is never
// written, and every view got is released before the consumer returns.
#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "conformance/adapter/real_layout.h"
#include "conformance/adapter/reference_adapter.h"
#include "reference/format/dialect.h"
#include "reference/layout/contiguity.h"
#include "reference/layout/mirror.h"
#include "reference/layout/request.h"
#include "reference/layout/values_json.h"

namespace bufconf::conformance {
namespace {

void SetMessage(char* message, size_t size, const std::string& text) {
  if (message == nullptr || size == 0) return;
  std::snprintf(message, size, "%s", text.c_str());
}

// How a consumer reads the view it gets.
enum class Reading {
  kToList,         // ALGO-TOLIST: ToList (struct dialect) as values JSON
  kToBytes,        // ALGO-TOBYTES: ToContiguous(order)
  kEqual,          // ALGO-EQUAL: MemoryviewEqual of two views
  kGetContiguous,  // ALGO-GET-CONTIGUOUS: the view if contiguous in order, else a copy
  kRawBytes,       // buf[0..len): what a PyBUF_SIMPLE consumer may read
  kCBytes,         // the elements in C order (NULL strides: C strides)
  kFlatValues,     // the elements' values, flattened (struct.unpack of each)
};

struct Consumer {
  const char* name;
  uint32_t kind;
  const char* rule;
  int flags;  // the request
  Reading reading;
  char order;
};

const Consumer kConsumers[] = {
    {"reference tolist (PyBUF_FULL_RO)", BUFCONF_CONSUME_VALUES, "ALGO-TOLIST", layout::kFullRo,
     Reading::kToList, 'C'},
    {"reference tobytes C (PyBUF_FULL_RO)", BUFCONF_CONSUME_BYTES_C, "ALGO-TOBYTES",
     layout::kFullRo, Reading::kToBytes, 'C'},
    {"reference tobytes F (PyBUF_FULL_RO)", BUFCONF_CONSUME_BYTES_F, "ALGO-TOBYTES",
     layout::kFullRo, Reading::kToBytes, 'F'},
    {"reference tobytes A (PyBUF_FULL_RO)", BUFCONF_CONSUME_BYTES_A, "ALGO-TOBYTES",
     layout::kFullRo, Reading::kToBytes, 'A'},
    {"reference == (PyBUF_FULL_RO)", BUFCONF_CONSUME_EQUAL, "ALGO-EQUAL", layout::kFullRo,
     Reading::kEqual, 'C'},
    // PyMemoryView_GetContiguous(obj, PyBUF_READ, order) takes a memoryview: PyBUF_FULL_RO.
    {"reference get_contiguous C", BUFCONF_CONSUME_BYTES_C, "ALGO-GET-CONTIGUOUS", layout::kFullRo,
     Reading::kGetContiguous, 'C'},
    {"reference get_contiguous F", BUFCONF_CONSUME_BYTES_F, "ALGO-GET-CONTIGUOUS", layout::kFullRo,
     Reading::kGetContiguous, 'F'},
    {"reference get_contiguous A", BUFCONF_CONSUME_BYTES_A, "ALGO-GET-CONTIGUOUS", layout::kFullRo,
     Reading::kGetContiguous, 'A'},
    {"reference bytes (PyBUF_SIMPLE)", BUFCONF_CONSUME_BYTES_C, "", layout::kSimple,
     Reading::kRawBytes, 'C'},
    {"reference bytes (PyBUF_ND)", BUFCONF_CONSUME_BYTES_C, "", layout::kNd, Reading::kCBytes, 'C'},
    // No INDIRECT: an array-of-arrays exporter must refuse.
    {"reference bytes (PyBUF_STRIDES)", BUFCONF_CONSUME_BYTES_C, "", layout::kStrides,
     Reading::kCBytes, 'C'},
    {"reference elements (PyBUF_RECORDS_RO)", BUFCONF_CONSUME_VALUES_FLAT, "", layout::kRecordsRo,
     Reading::kFlatValues, 'C'},
    // No format, no shape: len unsigned bytes (FORMAT-NULL-IS-B, LAYOUT-LEN-SIMPLE).
    {"reference byte values (PyBUF_SIMPLE)", BUFCONF_CONSUME_VALUES_FLAT, "", layout::kSimple,
     Reading::kFlatValues, 'C'},
};
constexpr size_t kConsumerCount = sizeof(kConsumers) / sizeof(kConsumers[0]);

// A view got from a provider, copied, and released at once (also when the copy fails).
struct Got {
  int rc = BUFCONF_ERROR;  // BUFCONF_OK: `snapshot` holds the view
  Snapshot snapshot;
};

Got GetAndCopy(const bufconf_provider& p, int flags, bool raw, char* message, size_t message_size) {
  Got got;
  if (p.get_buffer == nullptr || p.release_buffer == nullptr) {
    SetMessage(message, message_size, "the provider has no get_buffer or release_buffer");
    return got;
  }
  bufconf_buffer view{};
  const int rc = p.get_buffer(p.ctx, &view, flags, message, message_size);
  if (rc == BUFCONF_REFUSED) {
    got.rc = BUFCONF_REFUSED;  // with the provider's message
    return got;
  }
  if (rc != BUFCONF_OK) {
    SetMessage(message, message_size, "the provider's get_buffer returned " + std::to_string(rc));
    return got;
  }
  try {
    if (raw) {
      // buf[0..len) only: all a PyBUF_SIMPLE consumer may assume.
      if (view.len < 0) throw std::invalid_argument("view.len is negative");
      const bufconf_region region{view.buf, static_cast<size_t>(view.len)};
      got.snapshot = TakeSnapshot(view, &region, view.len > 0 ? 1 : 0);
    } else {
      const std::vector<bufconf_region> regions = TouchedRegions(view);
      got.snapshot = TakeSnapshot(view, regions.data(), regions.size());
    }
    got.rc = BUFCONF_OK;
  } catch (const std::exception& e) {
    SetMessage(message, message_size, std::string("cannot read the provided view: ") + e.what());
  }
  p.release_buffer(p.ctx, &view);
  return got;
}

void Write(const bufconf_sink& out, const void* data, size_t size) {
  if (size > 0) out.write(out.ctx, data, size);
}

void WriteText(const bufconf_sink& out, const std::string& text) {
  Write(out, text.data(), text.size());
}

// The bytes of [buf, buf + len) in the snapshot.
std::vector<uint8_t> RawBytes(const Snapshot& s) {
  const int64_t len = s.view.len;
  if (len == 0) return {};
  const uint8_t* p = s.memory.Read(s.view.buf, static_cast<uint64_t>(len));
  return std::vector<uint8_t>(p, p + len);
}

// What `c` writes for the view in `s` (one view; kEqual is handled by the caller).
void ReadOne(const Consumer& c, const Snapshot& s, const bufconf_sink& out) {
  switch (c.reading) {
    case Reading::kToList:
      WriteText(
          out,
          layout::ValuesJson(layout::ToList(s.view, s.memory, format::Dialect::kStruct)).dump());
      return;
    case Reading::kFlatValues:
      WriteText(out,
                layout::FlatValuesJson(layout::ToList(s.view, s.memory, format::Dialect::kStruct),
                                       s.view.shape || s.view.ndim == 0 ? s.view.ndim : 1)
                    .dump());
      return;
    case Reading::kToBytes:
    case Reading::kCBytes: {
      const std::vector<uint8_t> bytes =
          layout::ToContiguous(s.view, s.memory, s.view.len, c.order);
      Write(out, bytes.data(), bytes.size());
      return;
    }
    case Reading::kGetContiguous: {
      // The view itself when contiguous in `order` (its bytes as they lie), else a copy: Fortran
      // order for 'F', C order for 'C' and 'A'.
      const std::vector<uint8_t> bytes =
          layout::IsContiguous(s.view, c.order)
              ? RawBytes(s)
              : layout::ToContiguous(s.view, s.memory, s.view.len, c.order == 'F' ? 'F' : 'C');
      Write(out, bytes.data(), bytes.size());
      return;
    }
    case Reading::kRawBytes: {
      const std::vector<uint8_t> bytes = RawBytes(s);
      Write(out, bytes.data(), bytes.size());
      return;
    }
    case Reading::kEqual:
      break;
  }
  throw std::logic_error("unhandled reading");
}

}  // namespace

int ReferenceConsumer(void*, size_t index, bufconf_consumer_info* info) {
  if (index >= kConsumerCount) return BUFCONF_UNSUPPORTED;
  const Consumer& c = kConsumers[index];
  if (info != nullptr) {
    std::memset(info, 0, sizeof *info);
    SetMessage(info->name, sizeof info->name, c.name);
    info->kind = c.kind;
    SetMessage(info->rule, sizeof info->rule, c.rule);
  }
  return BUFCONF_OK;
}

int ReferenceConsume(void*, size_t index, const bufconf_provider* a, const bufconf_provider* b,
                     const bufconf_sink* out, char* message, size_t message_size) {
  if (index >= kConsumerCount) return BUFCONF_UNSUPPORTED;
  const Consumer& c = kConsumers[index];
  if (a == nullptr || out == nullptr || out->write == nullptr ||
      (c.reading == Reading::kEqual && b == nullptr)) {
    SetMessage(message, message_size, "consume: a provider or the sink is missing");
    return BUFCONF_ERROR;
  }
  const bool raw = c.reading == Reading::kRawBytes;
  const Got x = GetAndCopy(*a, c.flags, raw, message, message_size);
  if (x.rc != BUFCONF_OK) return x.rc;
  try {
    if (c.reading == Reading::kEqual) {
      const Got y = GetAndCopy(*b, c.flags, raw, message, message_size);
      if (y.rc != BUFCONF_OK) return y.rc;
      const uint8_t equal = layout::MemoryviewEqual(x.snapshot.view, x.snapshot.memory,
                                                    y.snapshot.view, y.snapshot.memory)
                                ? 1
                                : 0;
      Write(*out, &equal, 1);
    } else {
      ReadOne(c, x.snapshot, *out);
    }
    return BUFCONF_OK;
  } catch (const layout::ArgumentError& e) {
    // What CPython's consumer refuses (struct.error, ValueError, NotImplementedError, ...).
    SetMessage(message, message_size, e.what());
    return BUFCONF_REFUSED;
  } catch (const std::exception& e) {
    SetMessage(message, message_size, std::string("the model failed: ") + e.what());
    return BUFCONF_ERROR;
  }
}

}  // namespace bufconf::conformance
