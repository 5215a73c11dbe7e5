#include "conformance/suite/known_gaps.h"

namespace bufconf::suite {

const std::vector<KnownGap>& KnownGaps() {
  static const std::vector<KnownGap> kGaps = {
      {"FIELDS-OBJ", "no check reads view->obj: the suite does not judge obj or its reference"},
      {"FIELDS-BUF-NULL-BEFORE-GET",
       "a consumer obligation that CPython does not enforce; the suite zeroes the view before "
       "every "
       "get_buffer and no exporter can observe it"},
      {"FIELDS-CONSUMER-NO-MODIFY",
       "a consumer obligation; no algorithm check compares the view's fields and arrays before "
       "and after a call"},
      {"MEMORY-ARRAYS",
       "a short or unterminated array makes the reader crash, which the suite reports as a crash "
       "(under REQ-GRANT for exporters, under the rule it was running for algorithms), never "
       "under this ID"},
      {"REQ-FILLINFO-ARGS",
       "about the arguments an exporter passes to PyBuffer_FillInfo; not observable through the "
       "adapter ABI"},
      {"REQ-PEP688-RETURNS-MEMORYVIEW",
       "a Python exporter's own method (CPython 3.12+): through the adapter ABI a wrong return is "
       "only a TypeError refusal, judged as REQ-FAIL-BUFFERERROR (conformance/zoo/pep688)"},
      {"REQ-PEP688-FLAGS-INT",
       "what CPython 3.12+ passes to __buffer__; not observable through the adapter ABI (see "
       "conformance/zoo/pep688)"},
      {"ALGO-FILL-INFO", "the adapter ABI has no PyBuffer_FillInfo function"},
      {"ALGO-GET-CONTIGUOUS", "the adapter ABI has no PyMemoryView_GetContiguous function"},
      {"ALGO-INDIRECT-HANDLED",
       "about which flags a consumer requests; not observable through the adapter ABI"},
      {"RELEASE-PAIRED",
       "a consumer obligation; no function of the adapter ABI gets views on its own, and the "
       "suite's own gets are paired by construction"},
      {"RELEASE-INTERNAL", "no check releases a copy of the Py_buffer"},
      {"RELEASE-NO-DECREF", "reference counts are outside the adapter ABI"},
      {"RELEASE-CLEARS-OBJ", "PyBuffer_Release and reference counts are outside the adapter ABI"},
      {"RELEASE-PEP688-PAIRED",
       "calls to __release_buffer__ (CPython 3.12+) are outside the adapter ABI (see "
       "conformance/zoo/pep688)"},
      {"RELEASE-PEP688-RELEASES",
       "the python adapter has no export count, and the suite resizes only while a buffer is "
       "exported, never after every release (conformance/zoo/pep688 shows the fault)"},
  };
  return kGaps;
}

const char* KnownGapReason(std::string_view rule) {
  for (const KnownGap& g : KnownGaps()) {
    if (rule == g.rule) return g.reason;
  }
  return nullptr;
}

}  // namespace bufconf::suite
