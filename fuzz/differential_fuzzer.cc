// Fuzz target: an adapter's algorithm side against the reference model on layouts built from the
// input, in real memory. The adapter is the reference adapter, or the one named by the
// environment variable BUFCONF_FUZZ_ADAPTER (a built-in name or a .so path).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "conformance/adapter/loader.h"
#include "conformance/suite/checks.h"
#include "fuzz/fuzz_checks.h"
#include "fuzz/recipe.h"

namespace {

const bufconf_adapter* Adapter() {
  static const bufconf_adapter* adapter = [] {
    const char* name = std::getenv("BUFCONF_FUZZ_ADAPTER");
    return bufconf::conformance::LoadAdapter(name != nullptr ? name : "reference").adapter;
  }();
  return adapter;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bufconf::suite::AlgorithmCase c;
  if (size < 1 || !bufconf::fuzz::LayoutFromRecipe(data + 1, size - 1, &c.view, &c.memory)) {
    return 0;
  }
  c.order = "CFA"[data[0] % 3];
  c.bytes.assign(static_cast<size_t>(c.view.len), static_cast<uint8_t>(data[0]));
  c.format_text = "i";
  const bufconf::suite::CheckResult result = bufconf::suite::CheckAlgorithmCase(*Adapter(), c);
  if (!result.findings.empty()) {
    std::fprintf(stderr, "%s: %s\n", result.findings[0].rule.c_str(),
                 result.findings[0].message.c_str());
    bufconf::fuzz::Fail("the adapter disagrees with the reference model");
  }
  return 0;
}
