#include "conformance/suite/known_gaps.h"

namespace bufconf::suite {

const std::vector<KnownGap>& KnownGaps() {
  static const std::vector<KnownGap> kGaps = {
      {"FIELDS-BUF-NULL-BEFORE-GET",
       "a SHOULD that CPython does not follow: its consumers (memoryview's managed buffer) pass "
       "bf_getbuffer a Py_buffer whose buf is uninitialized heap memory, so a provider could "
       "observe it but the verdict would depend on what the heap held; exporters must not "
       "depend on it, and none can tell"},
      {"MEMORY-ARRAYS",
       "a short or unterminated array makes the reader crash, which the suite reports as a crash "
       "(under REQ-GRANT for exporters, under the rule it was running for algorithms), never "
       "under this ID"},
      {"REQ-FILLINFO-ARGS",
       "about the arguments an exporter passes to PyBuffer_FillInfo inside its bf_getbuffer; "
       "what they produce is judged (obj by FIELDS-OBJ, readonly by MEMORY-WRITABLE and "
       "REQ-WRITABLE, len by LAYOUT-LEN and REQ-CONTENTS), the call itself is not observable"},
      {"REQ-PEP688-RETURNS-MEMORYVIEW",
       "a Python exporter's own method (CPython 3.12+): through the adapter ABI a wrong return is "
       "only a TypeError refusal, judged as REQ-FAIL-BUFFERERROR (conformance/zoo/pep688)"},
      {"REQ-PEP688-FLAGS-INT",
       "what CPython 3.12+ passes to __buffer__; not observable through the adapter ABI (see "
       "conformance/zoo/pep688)"},
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
