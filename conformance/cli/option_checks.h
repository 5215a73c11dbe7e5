// Checks of the numeric options of `bufconf run`, `bufconf replay` and `bufconf zoo` (and of run's
// --env names): a bad value is a usage error (exit 2) whose message names the option and the
// accepted range.
#ifndef BUFCONF_CONFORMANCE_CLI_OPTION_CHECKS_H_
#define BUFCONF_CONFORMANCE_CLI_OPTION_CHECKS_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace bufconf::cli {

// --examples: cases per rule, 1..kMaxExamples (RapidCheck counts them in an int; ten million
// random cases per rule is already days of work).
constexpr int64_t kMaxExamples = 10'000'000;
// --timeout: seconds, from a millisecond (as a replay file's timeout_seconds: replay.cc) to a day.
constexpr double kMinTimeout = 0.001;
constexpr double kMaxTimeout = 86400;

// --max-objects: the most exporters enumerate (and a python factory) may give, 1..kMaxObjects
// (each object costs two forked children; a million is days of work).
constexpr int64_t kMaxObjects = 1'000'000;
// explain --max-elements: 1..kMaxElements (a view of more than 2^26 elements is summarised
// whatever it says: explain::kMaxWalkedElements).
constexpr int64_t kMaxElements = int64_t{1} << 40;

// A seed: decimal digits only, at most 2^64 - 1 ("-1", "1.5" and "99999999999999999999999" are
// errors, not wrapped).
std::optional<uint64_t> ParseSeed(const std::string& text);

// run --env NAME: the name of an environment variable, by the rule `bufconf replay` applies to a
// counterexample file's "env" (conformance/suite/replay.cc: "not an environment variable's name"):
// not empty, no '='. Also no control character (a newline): no shell can set such a name. A
// name run accepts is one its counterexample files can be replayed with.
bool IsEnvironmentName(const std::string& name);

// CLI11 validators (they see the text before it is converted).
CLI::Validator SeedValidator();
CLI::Validator ExamplesValidator();
CLI::Validator TimeoutValidator();
CLI::Validator MaxObjectsValidator();
// explain --max-elements: 1..kMaxElements.
CLI::Validator MaxElementsValidator();
// run --env: IsEnvironmentName.
CLI::Validator EnvNameValidator();

}  // namespace bufconf::cli

#endif  // BUFCONF_CONFORMANCE_CLI_OPTION_CHECKS_H_
