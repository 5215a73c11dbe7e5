// The expectations the built-in adapters ship with: the known deviations of the real software
// they test (docs/findings.md), so `bufconf run` passes in CI while any new deviation fails it.
#ifndef BUFCONF_CONFORMANCE_CLI_BUILTIN_EXPECTATIONS_H_
#define BUFCONF_CONFORMANCE_CLI_BUILTIN_EXPECTATIONS_H_

#include <string>

namespace bufconf::cli {

// The expectations file text for a built-in adapter, or "" when it has none.
std::string BuiltinExpectations(const std::string& adapter_name);

}  // namespace bufconf::cli

#endif  // BUFCONF_CONFORMANCE_CLI_BUILTIN_EXPECTATIONS_H_
