// bufconf hosted by another interpreter (bufconf run --python INTERPRETER): the bufconf executable
// starts INTERPRETER with a bootstrap (conformance/cli/python_host.cc) that loads
// libbufconf_hosted.so with ctypes.PyDLL and calls bufconf_hosted_main. The whole run then happens
// in the interpreter's own process, with its sys.path, site-packages and venv: the python adapter
// calls its C API directly (python_abi.h), and the runner forks children from it as it does from
// the bufconf executable. Works for a shared libpython and for a statically linked interpreter
// (its executable exports the C API, as it must for extension modules).
#ifndef BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_HOSTED_H_
#define BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_HOSTED_H_

#include <string>

extern "C" {
// argv[0] is the program name; returns bufconf's exit status. Called with the GIL held.
__attribute__((visibility("default"))) int bufconf_hosted_main(int argc, char** argv);
}

namespace bufconf::adapters {

// The hosting interpreter's sys.executable ("" when not hosted).
std::string HostedExecutable();

}  // namespace bufconf::adapters

#endif  // BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_HOSTED_H_
