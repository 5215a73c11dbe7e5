#include "conformance/adapters/python/python_abi.h"
// (Python.h first.)
#include <string>

#include "conformance/adapters/python/hosted.h"
#include "conformance/adapters/python/interpreter.h"

namespace bufconf::adapters {

std::string StartInterpreter() {
  // bufconf_hosted_main is called by the interpreter's own main thread, holding the GIL
  // (ctypes.PyDLL): nothing to start.
  if (!Py_IsInitialized()) return "the hosting interpreter is not initialized";
  return "";
}

std::string InterpreterWhere() { return "hosted by " + HostedExecutable(); }

}  // namespace bufconf::adapters
