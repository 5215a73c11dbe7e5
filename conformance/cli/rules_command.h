// `bufconf rules`: the rules catalogue.
#ifndef BUFCONF_CONFORMANCE_CLI_RULES_COMMAND_H_
#define BUFCONF_CONFORMANCE_CLI_RULES_COMMAND_H_

#include <CLI/CLI.hpp>
#include <functional>

namespace bufconf::cli {

void AddRulesCommand(CLI::App& app, std::function<int()>* run);

}  // namespace bufconf::cli

#endif  // BUFCONF_CONFORMANCE_CLI_RULES_COMMAND_H_
