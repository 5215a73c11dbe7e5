// What the runner's parts share (runner.cc, counterexample.cc, sweep.cc): running a body in an
// isolated child, saying what happened and on which case, what an exporter handed out, the
// capability names, and counterexample files.
#ifndef BUFCONF_CONFORMANCE_SUITE_RUN_SUPPORT_H_
#define BUFCONF_CONFORMANCE_SUITE_RUN_SUPPORT_H_

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "conformance/adapter/bufconf_adapter.h"
#include "conformance/suite/isolation.h"
#include "conformance/suite/runner.h"

namespace bufconf::suite {

// What the exporter of a failing exporter-side case hands out ({"flags", "full", "request" or
// "refused"}), or null. Runs the adapter again: call it where the case ran (in the child).
nlohmann::ordered_json ReturnedView(const bufconf_adapter& a, const nlohmann::json& case_json);

// `j` as one line of JSON for the child's channel. Strings the adapter gave are made valid UTF-8
// where they are read (SanitizeUtf8); any other bad byte becomes U+FFFD here instead of throwing
// (an exception would turn the adapter's bytes into bufconf's error).
std::string ChildLine(const nlohmann::ordered_json& j);

// Runs `body` in a child of its own with the per-case limit, or in process with --no-fork. An
// exception escaping `body` is bufconf's own error: written as the line {"bufconf_error": what}.
// A crash, exit or hang in the adapter's after_fork is not the body's: see AfterForkError.
IsolatedResult RunChild(const bufconf_adapter& adapter, const RunSettings& settings,
                        const std::function<void(ChildChannel&)>& body);

// "the implementation crashed (signal 11, SIGSEGV)", "the implementation hung (...)".
std::string WhatHappened(const IsolatedResult& child, const RunSettings& settings);

// A case in a few words: "an exporter of shape [1, 1, 0], format '3s', asked for flags 0x3d".
std::string CaseSummary(const nlohmann::json& c);

bool HasCapability(const bufconf_adapter& a, uint64_t cap);
// "make_exporter", "via_interpreter", ...; "?" for an unknown bit.
std::string CapabilityName(uint64_t cap);
// The names of the bits set in `caps`, appended to `names`; returns them comma-separated.
std::string CapabilityNames(uint64_t caps, std::vector<std::string>* names);

// The path of an adapter given as a file, made absolute; a built-in adapter's name as is.
std::string AdapterForReplay(const std::string& spec);

// Writes FAILURES_DIR/FILE_STEM.json, the counterexample file `bufconf replay` reads; returns
// its path.
std::string SaveCounterexample(const RunSettings& settings, const bufconf_adapter& adapter,
                               const std::string& rule, const std::string& file_stem,
                               const nlohmann::json& case_json, const std::string& message,
                               const nlohmann::json& returned);

}  // namespace bufconf::suite

#endif  // BUFCONF_CONFORMANCE_SUITE_RUN_SUPPORT_H_
