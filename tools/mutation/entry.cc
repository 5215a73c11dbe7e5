// The entry point of a mutation-experiment adapter (tools/mutation/run, docs/mutation.md).
//
// The shared library is the reference adapter compiled from a COPY of its sources (the adapter,
// real_layout.cc and the reference model), one of them mutated. It is built with
// -fvisibility=hidden, -Wl,-Bsymbolic and exports.map, so only bufconf_adapter_v1 is exported:
// its copy of the model never interposes on the oracle inside the bufconf binary, nor the other
// way round. The adapter is the reference one under another name (BUFCONF_MUTANT_NAME).
#include "conformance/adapter/bufconf_adapter.h"

#ifndef BUFCONF_MUTANT_NAME
#define BUFCONF_MUTANT_NAME "reference-copy"
#endif

namespace bufconf::conformance {
const bufconf_adapter* ReferenceAdapter();  // conformance/adapter/reference_adapter.h
}  // namespace bufconf::conformance

extern "C" __attribute__((visibility("default"))) const bufconf_adapter* bufconf_adapter_v1(void) {
  static const bufconf_adapter adapter = [] {
    bufconf_adapter a = *bufconf::conformance::ReferenceAdapter();
    a.name = BUFCONF_MUTANT_NAME;
    return a;
  }();
  return &adapter;
}
