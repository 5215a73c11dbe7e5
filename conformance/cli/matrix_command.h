// `bufconf matrix`: the conformance run under several interpreters, one scorecard. Each
// `--python INTERPRETER` is one `bufconf run --python INTERPRETER --json TMP --quiet` run as a
// child process of this bufconf (/proc/self/exe), one after the other, with the run options passed
// through; each `--scorecard FILE` is the JSON of an earlier `bufconf run --json` taken as it is.
// The columns are merged by conformance/suite/matrix_report.h.
#ifndef BUFCONF_CONFORMANCE_CLI_MATRIX_COMMAND_H_
#define BUFCONF_CONFORMANCE_CLI_MATRIX_COMMAND_H_

#include <CLI/CLI.hpp>
#include <functional>

namespace bufconf::cli {

void AddMatrixCommand(CLI::App& app, std::function<int()>* run);

}  // namespace bufconf::cli

#endif  // BUFCONF_CONFORMANCE_CLI_MATRIX_COMMAND_H_
