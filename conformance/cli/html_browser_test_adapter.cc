// A faulty adapter for html_browser_test, as a shared library (bufconf run --adapter PATH): the
// exporter side of the bug-zoo entry "negative-stride-wrong-base" (MEMORY-SPAN, REQ-CONTENTS)
// with the get_pointer of "get-pointer-ignores-suboffsets" (ALGO-GET-POINTER) and the
// to_contiguous of "to-contiguous-rotated" (ALGO-TO-CONTIGUOUS): failures of both sides, found
// deterministically in a second or two.
#include <cstring>

#include "conformance/adapter/bufconf_adapter.h"
#include "conformance/zoo/zoo.h"

namespace {

const bufconf_adapter* Entry(const char* name) {
  for (const bufconf::zoo::ZooEntry& e : bufconf::zoo::ZooEntries()) {
    if (std::strcmp(e.name, name) == 0) return e.adapter();
  }
  return nullptr;
}

const bufconf_adapter* Combined() {
  const bufconf_adapter* exporter = Entry("negative-stride-wrong-base");
  const bufconf_adapter* pointer = Entry("get-pointer-ignores-suboffsets");
  const bufconf_adapter* contiguous = Entry("to-contiguous-rotated");
  // The entries share the reference adapter's context; anything else cannot be combined.
  if (exporter == nullptr || pointer == nullptr || contiguous == nullptr ||
      pointer->context != exporter->context || contiguous->context != exporter->context) {
    return nullptr;
  }
  static bufconf_adapter combined = *exporter;
  combined.name = "html-test-zoo";
  combined.version =
      "negative-stride-wrong-base + get-pointer-ignores-suboffsets + "
      "to-contiguous-rotated";
  combined.get_pointer = pointer->get_pointer;
  combined.to_contiguous = contiguous->to_contiguous;
  return &combined;
}

}  // namespace

extern "C" const bufconf_adapter* bufconf_adapter_v1(void) {
  static const bufconf_adapter* adapter = Combined();
  return adapter;
}
