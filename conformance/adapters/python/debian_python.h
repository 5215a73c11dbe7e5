// Starting the embedded interpreter as Debian's /usr/bin/python3 (its prefix, site and
// dist-packages: numpy), whatever PYTHONHOME, PYTHONPATH or a pyenv say, with no signal handlers
// of its own and numpy's BLAS kept single-threaded (callers fork after numpy is imported).
// Shared by the python adapter and the mirror benchmark.
#ifndef BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_DEBIAN_PYTHON_H_
#define BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_DEBIAN_PYTHON_H_

#include <string>

namespace bufconf::adapters {

// Initializes the interpreter if it is not yet; "" on success, else why it failed.
std::string StartDebianPython();

}  // namespace bufconf::adapters

#endif  // BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_DEBIAN_PYTHON_H_
