// bufconf: the conformance suite and reference model of the buffer protocol (PEP 3118).
//
// Exit status: 0 success; 1 the input was read but is not valid (a format that does not parse);
// 2 a usage error or unreadable input.
#include <CLI/CLI.hpp>
#include <exception>
#include <functional>
#include <iostream>

#include "conformance/cli/check_command.h"
#include "conformance/cli/explain_command.h"
#include "conformance/cli/format_command.h"
#include "conformance/cli/rules_command.h"
#include "conformance/cli/run_command.h"
#include "conformance/cli/zoo_command.h"

int main(int argc, char** argv) {
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
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  try {
    return run ? run() : 2;
  } catch (const std::exception& e) {
    std::cerr << "bufconf: internal error: " << e.what() << "\n";
    return 3;
  }
}
