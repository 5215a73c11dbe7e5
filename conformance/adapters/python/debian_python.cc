#include "conformance/adapters/python/debian_python.h"

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <cstdlib>

namespace bufconf::adapters {

std::string StartDebianPython() {
  if (Py_IsInitialized()) return "";
  setenv("OPENBLAS_NUM_THREADS", "1", 0);
  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  config.use_environment = 0;
  config.user_site_directory = 0;
  config.parse_argv = 0;
  config.install_signal_handlers = 0;
  config.safe_path = 1;
  PyStatus status = PyConfig_SetString(&config, &config.program_name, L"/usr/bin/python3");
  if (!PyStatus_Exception(status)) {
    status = PyConfig_SetString(&config, &config.executable, L"/usr/bin/python3");
  }
  if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status)) {
    return std::string("Py_InitializeFromConfig failed: ") +
           (status.err_msg != nullptr ? status.err_msg : "?");
  }
  return "";
}

}  // namespace bufconf::adapters
