#include "reference/layout/request.h"

#include <initializer_list>

#include "reference/layout/addressing.h"
#include "reference/layout/contiguity.h"

namespace bufconf::layout {

bool IsConsumerRequest(int flags) {
  // Every set bit must come with the bits of the constants that carry it: 0x10 is only ever
  // sent inside STRIDES (0x18), 0x20/0x40/0x80/0x100 only inside C/F/ANY_CONTIGUOUS and
  // INDIRECT (each includes STRIDES); 0x1, 0x4 and 0x8 stand alone.
  constexpr int kKnownBits = kWritable | kFormat | kNd | 0x10 | 0x20 | 0x40 | 0x80 | 0x100;
  if ((flags & ~kKnownBits) != 0) return false;
  if ((flags & (0x20 | 0x40 | 0x80 | 0x100 | 0x10)) != 0 && !Has(flags, kStrides)) return false;
  return true;
}

const std::vector<int>& NamedRequests() {
  static const std::vector<int> kNamed = [] {
    std::vector<int> out;
    for (const int base : std::initializer_list<int>{0, kNd, kStrides, kCContiguous, kFContiguous,
                                                     kAnyContiguous, kIndirect}) {
      for (const int extra :
           std::initializer_list<int>{0, kWritable, kFormat, kWritable | kFormat}) {
        out.push_back(base | extra);
      }
    }
    return out;
  }();
  return kNamed;
}

RequestOutcome Request(const Descriptor& ex, int flags) {
  RequestOutcome out;
  auto fail = [&](const char* rule, const char* message) {
    out.verdict = RequestOutcome::Verdict::kMustFail;
    out.reasons.emplace_back(rule, message);
  };
  // Objects/abstract.c (3.13+): a flags value that *is* PyBUF_READ or PyBUF_WRITE.
  if (flags == kRead || flags == kWrite) {
    fail("REQ-READ-WRITE-FLAGS", "PyBUF_READ / PyBUF_WRITE are not getbuffer flags");
  }
  const bool c = IsContiguous(ex, 'C');
  const bool f = IsContiguous(ex, 'F');
  if (Has(flags, kWritable) && ex.readonly) fail("REQ-WRITABLE", "the exporter is read-only");
  if (Has(flags, kCContiguous) && !c) fail("REQ-C-CONTIGUOUS", "the buffer is not C-contiguous");
  if (Has(flags, kFContiguous) && !f) {
    fail("REQ-F-CONTIGUOUS", "the buffer is not Fortran-contiguous");
  }
  if (Has(flags, kAnyContiguous) && !c && !f) {
    fail("REQ-ANY-CONTIGUOUS", "the buffer is neither C- nor Fortran-contiguous");
  }
  if (!Has(flags, kIndirect) && ex.suboffsets) {
    fail("REQ-INDIRECT-NEEDED", "the buffer needs suboffsets but PyBUF_INDIRECT was not given");
  }
  if (!Has(flags, kStrides) && !c) {
    fail("REQ-STRIDES-NEEDED", "the buffer is not C-contiguous but PyBUF_STRIDES was not given");
  }
  if (out.verdict == RequestOutcome::Verdict::kMustFail) return out;
  // CONTIG-MEMORYVIEW: an exporter that judges contiguity by memoryview's flags (memoryview
  // itself, any re-exporter through memory_getbuf) calls an empty 1-D view whose stride is not
  // itemsize non-contiguous, and refuses exactly the requests that need contiguity: C/F/ANY
  // contiguous and any request without PyBUF_STRIDES. PyBuffer_IsContiguous calls it
  // contiguous, so the request may go either way.
  const MemoryviewContiguity mv = MemoryviewFlags(ex);
  const bool needs_c = Has(flags, kCContiguous) || !Has(flags, kStrides);
  if ((needs_c && !mv.c) || (Has(flags, kFContiguous) && !mv.f) ||
      (Has(flags, kAnyContiguous) && !mv.c && !mv.f)) {
    out.verdict = RequestOutcome::Verdict::kMayFail;
    out.reasons.emplace_back("CONTIG-MEMORYVIEW",
                             "PyBuffer_IsContiguous calls the buffer contiguous but memoryview's "
                             "flags do not (an empty 1-D view with strides[0] != itemsize)");
  }
  if (!Has(flags, kNd) && Has(flags, kFormat)) {
    // memoryview refuses ("cannot cast to unsigned bytes if the format flag is present"),
    // PyBuffer_FillInfo (bytes, bytearray) accepts: either is conforming.
    out.verdict = RequestOutcome::Verdict::kMayFail;
    out.reasons.emplace_back("REQ-FORMAT-WITHOUT-ND", "PyBUF_FORMAT without PyBUF_ND");
  }
  Descriptor& e = out.expected;
  e.buf = ex.buf;
  e.len = ex.len;
  e.itemsize = ex.itemsize;  // kept even when the format is not requested
  e.readonly = Has(flags, kWritable) ? 0 : ex.readonly;
  // PEP 3118 rule 6: with PyBUF_FORMAT the true format; an exporter's NULL means "B", which is
  // what PyBuffer_FillInfo fills in.
  e.format =
      Has(flags, kFormat) ? std::optional<std::string>(ex.format.value_or("B")) : std::nullopt;
  if (Has(flags, kNd)) {
    e.ndim = ex.ndim;
    e.shape = ex.shape;
  } else {
    e.ndim = 1;  // memory_getbuf: a non-ND request is one dimension of bytes, shape NULL
    e.shape = std::nullopt;
  }
  if (Has(flags, kStrides)) {
    e.strides = ex.strides;
    if (!e.strides && ex.shape) {
      try {
        e.strides = FillContiguousStrides(*ex.shape, ex.itemsize, 'C');
      } catch (const MemoryFault&) {
        // No exporter can describe this: its len would exceed PY_SSIZE_T_MAX.
        out.verdict = RequestOutcome::Verdict::kMustFail;
        out.reasons.emplace_back("LAYOUT-LEN", "product(shape) * itemsize overflows");
        return out;
      }
    }
  } else {
    e.strides = std::nullopt;
  }
  e.suboffsets = Has(flags, kIndirect) ? ex.suboffsets : std::nullopt;
  return out;
}

}  // namespace bufconf::layout
