#include "conformance/adapters/python/python_abi.h"
// (Python.h first.)
#include <csignal>
#include <cstdio>
#include <string>

#include "conformance/adapters/python/hosted.h"
#include "conformance/cli/bufconf_main.h"
#include "conformance/cli/python_host.h"

namespace bufconf::adapters {
namespace {

std::string& Executable() {
  static std::string executable;
  return executable;
}

}  // namespace

std::string HostedExecutable() { return Executable(); }

}  // namespace bufconf::adapters

int bufconf_hosted_main(int argc, char** argv) {
  if (!Py_IsInitialized()) {
    std::fprintf(stderr, "bufconf: libbufconf_hosted.so: no interpreter is running\n");
    return 2;
  }
  PyObject* executable = PySys_GetObject("executable");  // borrowed
  if (executable != nullptr && PyUnicode_Check(executable)) {
    const char* text = PyUnicode_AsUTF8AndSize(executable, nullptr);
    if (text != nullptr) bufconf::adapters::Executable() = text;
  }
  PyErr_Clear();
  // As embedded (debian_python.cc: install_signal_handlers = 0): the runner owns the signals.
  // Python's SIGINT handler only sets a flag that nothing here reads, so Ctrl-C would not stop
  // the run.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGXFSZ, SIG_DFL);
  bufconf::cli::SetHosted(bufconf::adapters::Executable());
  bufconf::cli::SignalHostedStart();
  const int status = bufconf::cli::Main(argc, argv);
  std::fflush(nullptr);
  return status;
}
