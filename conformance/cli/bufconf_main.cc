// bufconf: the conformance suite and reference model of the buffer protocol (PEP 3118).
//
// Exit status (README.md, "Exit status"): 0 success; 1 a violation (a format that does not
// parse, an invalid descriptor, a rule failed, a counterexample reproduced, a zoo entry not
// caught); 2 a usage error, unreadable input, an output that cannot be written (stdout too) or an
// adapter that does not load; 3 bufconf's own error or limit.
#include "conformance/cli/bufconf_main.h"

#include <fcntl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <exception>
#include <functional>
#include <iostream>
#include <string>

#include "conformance/cli/check_command.h"
#include "conformance/cli/explain_command.h"
#include "conformance/cli/format_command.h"
#include "conformance/cli/matrix_command.h"
#include "conformance/cli/output_files.h"
#include "conformance/cli/python_host.h"
#include "conformance/cli/rules_command.h"
#include "conformance/cli/run_command.h"
#include "conformance/cli/zoo_command.h"

namespace {

// Descriptors 0, 1 and 2 closed by the caller (`>&- 2>&- <&-`) are opened on /dev/null before
// anything else: otherwise the next descriptor bufconf makes (the runner's pipe to a child, an
// output file) lands there, and the scorecard written to "stdout" goes into that pipe (the run
// hung) or that file. A closed stdout is still an output that cannot be written: MarkStdoutClosed
// makes the final check fail, "cannot write stdout: Bad file descriptor", exit 2, as writing to the
// closed descriptor would have (the report files are still written). A closed stdin reads as
// empty, a closed stderr discards the messages (there is nowhere to say anything).
void OpenClosedStandardDescriptors() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    const int null = ::open("/dev/null", O_RDWR);
    if (null >= 0 && null != fd) {
      ::dup2(null, fd);
      ::close(null);
    }
    if (fd == 1) bufconf::cli::MarkStdoutClosed();
  }
}

}  // namespace

int bufconf::cli::Main(int argc, char** argv) {
  OpenClosedStandardDescriptors();
  bufconf::cli::SetCommandLine(argc, argv);
  // A closed pipe is an output that cannot be written (exit 2, naming stdout), not a death by
  // SIGPIPE in the middle of a run (conformance/cli/output_files.h).
  bufconf::cli::IgnoreSigpipe();
  CLI::App app{
      "bufconf: the conformance suite and reference model of the buffer protocol (PEP 3118)",
      "bufconf"};
  app.require_subcommand(1);
  std::function<int()> run;
  bufconf::cli::AddFormatCommand(app, &run);
  bufconf::cli::AddCheckCommand(app, &run);
  bufconf::cli::AddExplainCommand(app, &run);
  bufconf::cli::AddRulesCommand(app, &run);
  bufconf::cli::AddRunCommand(app, &run);
  bufconf::cli::AddReplayCommand(app, &run);
  bufconf::cli::AddZooCommand(app, &run);
  bufconf::cli::AddMatrixCommand(app, &run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // A first word that is no subcommand: CLI11 would only say that one is required.
    if (app.get_subcommands().empty() && argc > 1 && argv[1][0] != '-') {
      std::string names;
      for (const CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) {
        names += (names.empty() ? "" : ", ") + sub->get_name();
      }
      std::cerr << "bufconf: unknown subcommand '" << argv[1] << "' (one of " << names
                << "; bufconf --help)\n";
      return 2;
    }
    app.exit(e);
    return 2;
  }
  int status = 2;
  try {
    status = run ? run() : 2;
  } catch (const std::exception& e) {
    std::cerr << "bufconf: internal error: " << e.what() << "\n";
    status = 3;
  }
  // Output that did not reach stdout (a full disk, /dev/full, a closed pipe) is an error of every
  // subcommand, named once (run and zoo check it themselves).
  if (std::string error; !bufconf::cli::FlushStdout(&error)) {
    std::cerr << "bufconf: " << error << "\n";
    return 2;
  }
  return status;
}
