// bufconf run --python INTERPRETER (and replay --python): the run happens inside INTERPRETER.
// The bufconf executable starts INTERPRETER with a bootstrap (hosted_bootstrap.py) that loads
// libbufconf_hosted.so (bufconf built as a library, with the python adapter compiled to the C API
// every CPython 3.8-3.13 shares) and runs the same command line there, without --python
// (docs/python-factory.md, "Choosing the interpreter").
#ifndef BUFCONF_CONFORMANCE_CLI_PYTHON_HOST_H_
#define BUFCONF_CONFORMANCE_CLI_PYTHON_HOST_H_

#include <string>

namespace bufconf::cli {

// The command line as given (bufconf::cli::Main records it), to run again in the interpreter.
void SetCommandLine(int argc, char** argv);

// Called by libbufconf_hosted.so: this process is the interpreter `executable` hosting bufconf.
void SetHosted(const std::string& executable);
// The hosting interpreter's sys.executable, "" in the bufconf executable.
const std::string& HostedBy();

// In libbufconf_hosted.so, first thing: tells the waiting bufconf (RunInInterpreter) that bufconf
// started inside the interpreter.
void SignalHostedStart();

// Runs `python` (a path, or a command name looked up in PATH) running the
// recorded command line without its --python option, as a child, and returns its exit status.
// When the interpreter cannot run bufconf (not found, not CPython 3.8-3.13, no handshake), exit
// status 2 with the reason printed (`command` names the subcommand in the message).
// `origin` says where the interpreter was named, for the messages ("--python", or the replay
// file's field).
int RunInInterpreter(const std::string& python, const char* command,
                     const char* origin = "--python");

}  // namespace bufconf::cli

#endif  // BUFCONF_CONFORMANCE_CLI_PYTHON_HOST_H_
