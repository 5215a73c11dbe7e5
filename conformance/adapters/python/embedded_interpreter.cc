#include "conformance/adapters/python/debian_python.h"
#include "conformance/adapters/python/interpreter.h"

namespace bufconf::adapters {

std::string StartInterpreter() { return StartDebianPython(); }

std::string InterpreterWhere() { return "embedded /usr/bin/python3"; }

}  // namespace bufconf::adapters
