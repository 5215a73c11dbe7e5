// `bufconf format`: the layout of a format string under a dialect.
#ifndef BUFCONF_CONFORMANCE_CLI_FORMAT_COMMAND_H_
#define BUFCONF_CONFORMANCE_CLI_FORMAT_COMMAND_H_

#include <CLI/CLI.hpp>
#include <functional>

namespace bufconf::cli {

// Adds the subcommand to `app`; when it is chosen, `*run` is set to the function that runs it
// and returns the exit status.
void AddFormatCommand(CLI::App& app, std::function<int()>* run);

}  // namespace bufconf::cli

#endif  // BUFCONF_CONFORMANCE_CLI_FORMAT_COMMAND_H_
