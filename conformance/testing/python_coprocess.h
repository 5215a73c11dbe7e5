// A long-lived /usr/bin/python3 child that answers one JSON request per line: the way bufconf's
// differential tests ask the real CPython and numpy thousands of questions per run cheaply.
#ifndef BUFCONF_CONFORMANCE_TESTING_PYTHON_COPROCESS_H_
#define BUFCONF_CONFORMANCE_TESTING_PYTHON_COPROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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

// Bytes on the wire to and from the coprocess: lower-case hex digits, two per byte.
inline std::string Hex(const std::vector<uint8_t>& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

inline std::vector<uint8_t> Unhex(const std::string& text) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < text.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(text.substr(i, 2), nullptr, 16)));
  }
  return out;
}

}  // namespace bufconf::testing

#endif  // BUFCONF_CONFORMANCE_TESTING_PYTHON_COPROCESS_H_
