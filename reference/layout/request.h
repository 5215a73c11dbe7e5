// The request oracle: given an exporter's full view and a flags value, must the request fail,
// and if not, what must the consumer receive (PEP 3118 rules 3-10, Doc/c-api/buffer.rst request
// tables, Objects/memoryobject.c memory_getbuf, Lib/test/test_buffer.py verify_getbuf).
#ifndef BUFCONF_REFERENCE_LAYOUT_REQUEST_H_
#define BUFCONF_REFERENCE_LAYOUT_REQUEST_H_

#include <string>
#include <vector>

#include "reference/layout/descriptor.h"

namespace bufconf::layout {

// Include/pybuffer.h
enum RequestFlag : int {
  kSimple = 0,
  kWritable = 0x0001,
  kFormat = 0x0004,
  kNd = 0x0008,
  kStrides = 0x0010 | kNd,
  kCContiguous = 0x0020 | kStrides,
  kFContiguous = 0x0040 | kStrides,
  kAnyContiguous = 0x0080 | kStrides,
  kIndirect = 0x0100 | kStrides,
  kContig = kNd | kWritable,
  kContigRo = kNd,
  kStrided = kStrides | kWritable,
  kStridedRo = kStrides,
  kRecords = kStrides | kWritable | kFormat,
  kRecordsRo = kStrides | kFormat,
  kFull = kIndirect | kWritable | kFormat,
  kFullRo = kIndirect | kFormat,
  kRead = 0x100,   // memoryview API only, not a getbuffer flag
  kWrite = 0x200,  // memoryview API only, not a getbuffer flag
};

// Whether a conforming consumer can form `flags`: 0 or an OR of the documented request
// constants above (WRITABLE, FORMAT, ND, STRIDES, C/F/ANY_CONTIGUOUS, INDIRECT and their named
// combinations), as PyObject_GetBuffer receives them. Every other value (a lone 0x20, 0x100 =
// PyBUF_READ, 0x200 = PyBUF_WRITE, 0x2, bits above 0x100) is not a request: exporters are judged
// on such values only for crashes, hangs and memory safety (docs/layouts.md).
bool IsConsumerRequest(int flags);

// The named requests: the base constants SIMPLE, ND, STRIDES, C/F/ANY_CONTIGUOUS and INDIRECT,
// each alone and with WRITABLE, FORMAT or both (28 values; CONTIG, STRIDED, RECORDS, FULL and
// their _RO forms among them). Every exporter the suite judges is asked each of them, whatever
// flags its case drew.
const std::vector<int>& NamedRequests();

// "flags contains request R": every bit of R is set (memoryobject.c REQ_* macros).
inline bool Has(int flags, int request) { return (flags & request) == request; }

struct RequestOutcome {
  // kMayFail: conforming exporters differ (REQ-FORMAT-WITHOUT-ND; CONTIG-MEMORYVIEW: an empty
  // 1-D view with strides[0] != itemsize, which memoryview calls non-contiguous).
  enum class Verdict { kMustSucceed, kMustFail, kMayFail };
  Verdict verdict = Verdict::kMustSucceed;
  // Why it must (or may) fail: the rule IDs of the catalogue with a message each.
  std::vector<std::pair<std::string, std::string>> reasons;
  // On success: the fields the consumer must receive. obj/internal are not modelled.
  Descriptor expected;
};

// `exporter` is the exporter's complete view (what a PyBUF_FULL_RO request returns, with
// readonly as the exporter has it).
RequestOutcome Request(const Descriptor& exporter, int flags);

}  // namespace bufconf::layout

#endif  // BUFCONF_REFERENCE_LAYOUT_REQUEST_H_
