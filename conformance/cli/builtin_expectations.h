// The expectations the built-in adapters ship with: the known deviations of the real software
// they test (docs/findings.md), so `bufconf run` passes in CI while any new deviation fails it.
#ifndef BUFCONF_CONFORMANCE_CLI_BUILTIN_EXPECTATIONS_H_
#define BUFCONF_CONFORMANCE_CLI_BUILTIN_EXPECTATIONS_H_

#include <string>

namespace bufconf::cli {

// The expectations file text for a built-in adapter, or "" when it has none. `python` gets every
// section; `python-factory` (the python adapter judging a user's objects) only the interpreter's
// own deviations, which never fail the user's objects. `adapter_version` ("CPython 3.11.2 (...),
// numpy and _testbuffer") selects the sections by the interpreter's version (3.12 fixed ctypes'
// struct formats; 3.13 refuses PyBUF_READ / PyBUF_WRITE itself) and by the optional modules it
// has: a deviation fixed in a version is expected before it and fails the run again after it.
std::string BuiltinExpectations(const std::string& adapter_name,
                                const std::string& adapter_version = "");

}  // namespace bufconf::cli

#endif  // BUFCONF_CONFORMANCE_CLI_BUILTIN_EXPECTATIONS_H_
