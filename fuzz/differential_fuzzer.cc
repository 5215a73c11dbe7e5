// Fuzz target: an adapter's algorithm side against the reference model on cases decoded from
// the input (fuzz/fuzz_input.h: a bufconf case file or descriptor JSON, else an order byte, a
// recipe, a size_from_format text and the from_contiguous bytes), realized in real memory
// (suite::CheckAlgorithmCase, as `bufconf replay` runs a case file). Only cases the checker calls
// valid and small are sent (fuzz_input.h Realizable).
//
// The adapter is the reference adapter, or the one named by the environment variable
// BUFCONF_FUZZ_ADAPTER (a built-in name or a .so path). //fuzz:differential_fuzzer_python links
// the python adapter (CPython's own C-API functions) and uses it by default. An adapter that
// cannot be loaded is reported once, before fuzzing starts, and the process exits with status 2.
//
// Not sent to the python adapter: views with shape NULL and ndim > 1. CPython's
// PyBuffer_IsContiguous(view, 'F') -- and PyBuffer_ToContiguous(..., 'F'), which calls it --
// dereferences the NULL shape (docs/findings.md, row "(crash) CPython PyBuffer_IsContiguous(view,
// 'F')"), a known crash the fuzzer would stop at. Every other adapter gets them
// (regressions/CONTIG-F-shape-null-ndim-3: the suite's copy_data check once built its destination
// with ndim entries missing from its shape).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "conformance/adapter/loader.h"
#include "conformance/adapter/real_layout.h"
#include "conformance/suite/checks.h"
#include "fuzz/fuzz_checks.h"
#include "fuzz/fuzz_input.h"

#ifndef BUFCONF_FUZZ_DEFAULT_ADAPTER
#define BUFCONF_FUZZ_DEFAULT_ADAPTER "reference"
#endif

namespace {

const bufconf_adapter* adapter = nullptr;

}  // namespace

// LeakSanitizer's interface (sanitizer/lsan_interface.h), weak: NULL in a build without it.
extern "C" void __lsan_disable() __attribute__((weak));
extern "C" void __lsan_enable() __attribute__((weak));

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const char* env = std::getenv("BUFCONF_FUZZ_ADAPTER");
  const std::string name = env != nullptr && *env != '\0' ? env : BUFCONF_FUZZ_DEFAULT_ADAPTER;
  // What the adapter allocates while it starts is no leak of the fuzzed code, and LeakSanitizer
  // ignores it: the python adapter's interpreter loads OpenSSL's libcrypto (hashlib), which keeps
  // about 4 KB of start-up allocations at exit, and LSan then fails every run at exit (it used to
  // need LSAN_OPTIONS=suppressions=...). A suppression cannot be carried instead: the binary's one
  // __lsan_default_suppressions() is third_party/python_lsan_suppressions.cc (libpython's leaks),
  // linked in with the interpreter. Allocations while fuzzing are still checked.
  if (__lsan_disable != nullptr) __lsan_disable();
  try {
    adapter = bufconf::conformance::LoadAdapter(name).adapter;
  } catch (const bufconf::conformance::AdapterLoadError& e) {
    std::fprintf(stderr, "differential_fuzzer: cannot load adapter '%s': %s\n", name.c_str(),
                 e.what());
    std::fflush(stderr);
    std::_Exit(2);
  }
  // The C-API functions on the fuzzed layouts. fill_info (independent of the layout) and the
  // consumers (ABI 3) are judged by `bufconf run`, whose expectations know CPython's and numpy's
  // deviations (3.11's PyBuffer_FillInfo for PyBUF_READ, numpy's 32 dimensions).
  static bufconf_adapter layout_functions = *adapter;
  layout_functions.capabilities &= ~(BUFCONF_CAP_FILL_INFO | BUFCONF_CAP_CONSUMERS);
  adapter = &layout_functions;
  if (__lsan_enable != nullptr) __lsan_enable();
  std::fprintf(stderr, "differential_fuzzer: adapter '%s' (%s)\n", adapter->name, name.c_str());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1 << 17)) return 0;
  bufconf::fuzz::FuzzCase f;
  if (!bufconf::fuzz::DecodeTargetInput(bufconf::fuzz::Target::kDifferential, data, size, &f) ||
      !f.has_memory || !bufconf::fuzz::WithinWalkBudget(f.c.view) ||
      !bufconf::fuzz::Realizable(f.c.view, f.c.memory)) {
    return 0;
  }
  if (!f.c.view.shape && f.c.view.ndim > 1 && std::string(adapter->name) == "python") {
    return 0;  // see the top of the file
  }
  f.c.memory = bufconf::fuzz::MergeTouchingRegions(f.c.memory);
  try {  // as mirror_fuzzer: a layout the realizer cannot lay out in real memory is skipped
    bufconf::conformance::Realize(f.c.view, f.c.memory);
  } catch (const std::invalid_argument&) {
    return 0;
  }
  bufconf::suite::CheckResult result;
  try {
    result = bufconf::suite::CheckAlgorithmCase(*adapter, f.c);
  } catch (const bufconf::suite::AdapterError& e) {
    std::fprintf(stderr, "adapter error: %s\n", e.what());
    bufconf::fuzz::Fail("the adapter failed on a valid case");
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "(%s)\n", e.what());
    bufconf::fuzz::Fail("a case the checker calls valid cannot be realized in real memory");
  }
  if (!result.findings.empty()) {
    for (const bufconf::suite::Finding& finding : result.findings) {
      std::fprintf(stderr, "%s: %s\n", finding.rule.c_str(), finding.message.c_str());
    }
    bufconf::fuzz::Fail("the adapter disagrees with the reference model");
  }
  return 0;
}
