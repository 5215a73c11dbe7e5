// The interpreter the python adapter runs in. Two implementations, one per way of running:
// - embedded_interpreter.cc (//:bufconf): starts Debian's /usr/bin/python3 inside bufconf
//   (debian_python.h);
// - hosted_interpreter.cc (libbufconf_hosted.so, hosted_main.cc): bufconf runs inside the
//   interpreter the user named with --python, which is already running.
#ifndef BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_INTERPRETER_H_
#define BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_INTERPRETER_H_

#include <string>

namespace bufconf::adapters {

// Makes the interpreter ready for use by this thread; "" on success, else why it is not.
std::string StartInterpreter();

// How the interpreter was reached, for the banner: "embedded /usr/bin/python3", or
// "hosted by /root/.pyenv/versions/3.12.1/bin/python3.12".
std::string InterpreterWhere();

}  // namespace bufconf::adapters

#endif  // BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_INTERPRETER_H_
