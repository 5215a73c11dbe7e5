// `bufconf zoo`: the conformance suite against every entry of the bug zoo; the kill table.
#ifndef BUFCONF_CONFORMANCE_CLI_ZOO_COMMAND_H_
#define BUFCONF_CONFORMANCE_CLI_ZOO_COMMAND_H_

#include <CLI/CLI.hpp>
#include <functional>

namespace bufconf::cli {

void AddZooCommand(CLI::App& app, std::function<int()>* run);

}  // namespace bufconf::cli

#endif  // BUFCONF_CONFORMANCE_CLI_ZOO_COMMAND_H_
