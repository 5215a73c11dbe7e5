// `bufconf explain`: a Py_buffer description made visible (docs/explain.md).
#ifndef BUFCONF_CONFORMANCE_CLI_EXPLAIN_COMMAND_H_
#define BUFCONF_CONFORMANCE_CLI_EXPLAIN_COMMAND_H_

#include <CLI/CLI.hpp>
#include <functional>

namespace bufconf::cli {

void AddExplainCommand(CLI::App& app, std::function<int()>* run);

}  // namespace bufconf::cli

#endif  // BUFCONF_CONFORMANCE_CLI_EXPLAIN_COMMAND_H_
