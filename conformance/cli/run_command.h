// `bufconf run` and `bufconf replay`: the conformance suite against an adapter.
#ifndef BUFCONF_CONFORMANCE_CLI_RUN_COMMAND_H_
#define BUFCONF_CONFORMANCE_CLI_RUN_COMMAND_H_

#include <CLI/CLI.hpp>
#include <functional>

namespace bufconf::cli {

void AddRunCommand(CLI::App& app, std::function<int()>* run);
void AddReplayCommand(CLI::App& app, std::function<int()>* run);

}  // namespace bufconf::cli

#endif  // BUFCONF_CONFORMANCE_CLI_RUN_COMMAND_H_
