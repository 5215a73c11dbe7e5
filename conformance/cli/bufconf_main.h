// bufconf's command line, as a function: the bufconf executable's main (main.cc) and
// libbufconf_hosted.so (bufconf run inside another interpreter, --python) both call it.
#ifndef BUFCONF_CONFORMANCE_CLI_BUFCONF_MAIN_H_
#define BUFCONF_CONFORMANCE_CLI_BUFCONF_MAIN_H_

namespace bufconf::cli {

// Parses argv (argv[0] is the program name) and runs the subcommand; returns the exit status.
int Main(int argc, char** argv);

}  // namespace bufconf::cli

#endif  // BUFCONF_CONFORMANCE_CLI_BUFCONF_MAIN_H_
