// `bufconf check`: is this Py_buffer description legal? (docs/descriptor.md)
#ifndef BUFCONF_CONFORMANCE_CLI_CHECK_COMMAND_H_
#define BUFCONF_CONFORMANCE_CLI_CHECK_COMMAND_H_

#include <CLI/CLI.hpp>
#include <functional>

namespace bufconf::cli {

void AddCheckCommand(CLI::App& app, std::function<int()>* run);

}  // namespace bufconf::cli

#endif  // BUFCONF_CONFORMANCE_CLI_CHECK_COMMAND_H_
