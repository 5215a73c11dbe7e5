// A long-lived /usr/bin/python3 child that answers one JSON request per line: the way bufconf's
// differential tests ask the real CPython and numpy thousands of questions per run cheaply.
#ifndef BUFCONF_CONFORMANCE_TESTING_PYTHON_COPROCESS_H_
#define BUFCONF_CONFORMANCE_TESTING_PYTHON_COPROCESS_H_

#include <sys/types.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>

namespace bufconf::testing {

// Debian's interpreter: 3.11, with python3-numpy and _testbuffer. Not a python3 from PATH.
inline constexpr const char* kSystemPython = "/usr/bin/python3";

class PythonCoprocess {
 public:
  // Starts `kSystemPython script`. Throws std::runtime_error if it cannot.
  explicit PythonCoprocess(const std::string& script);
  ~PythonCoprocess();
  PythonCoprocess(const PythonCoprocess&) = delete;
  PythonCoprocess& operator=(const PythonCoprocess&) = delete;

  // Sends one request line and reads one reply line. Throws if the child died.
  nlohmann::json Ask(const nlohmann::json& request);

 private:
  pid_t pid_ = -1;
  FILE* to_child_ = nullptr;
  FILE* from_child_ = nullptr;
};

// Path of a data file of the test, from its workspace-relative name (Bazel runfiles).
std::string RunfilePath(const std::string& workspace_relative);

}  // namespace bufconf::testing

#endif  // BUFCONF_CONFORMANCE_TESTING_PYTHON_COPROCESS_H_
