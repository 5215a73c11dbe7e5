// The text of helper.py, the python adapter's helper module, compiled into the binary by the
// genrule //conformance/adapters/python:helper_source_cc (no file is read at run time, so the
// adapter works from any directory).
#ifndef BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_HELPER_SOURCE_H_
#define BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_HELPER_SOURCE_H_

namespace bufconf::adapters {

// helper.py, NUL-terminated.
extern const char kHelperSource[];

}  // namespace bufconf::adapters

#endif  // BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_HELPER_SOURCE_H_
