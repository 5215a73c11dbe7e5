// Counterexamples smaller than RapidCheck's: after a failure, every tiny case with fewer elements
// (or as many in fewer dimensions) is tried, each search in a child of its own, and the first
// that breaks the rule again (or crashes or hangs alone) replaces the counterexample. Part of the
// runner (runner.h).
#ifndef BUFCONF_CONFORMANCE_SUITE_COUNTEREXAMPLE_H_
#define BUFCONF_CONFORMANCE_SUITE_COUNTEREXAMPLE_H_

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "conformance/adapter/bufconf_adapter.h"
#include "conformance/suite/isolation.h"
#include "conformance/suite/runner.h"

namespace bufconf::suite {

// Runs a search in a child of its own (or in process with --no-fork); returns the first line it
// wrote ({"case", "message"}), or null when it found nothing, crashed or hung.
nlohmann::ordered_json FirstFoundInChild(const bufconf_adapter& adapter,
                                         const RunSettings& settings,
                                         const std::function<void(ChildChannel&)>& body);

// The first tiny algorithm-side case smaller than `case_json` that breaks `rule`, with its
// message ({"case", "message"}), or null.
nlohmann::ordered_json SmallerAlgorithmCounterexample(const bufconf_adapter& adapter,
                                                      const std::string& rule,
                                                      const nlohmann::json& case_json,
                                                      const RunSettings& settings);

// The same for an exporter-side case (tiny specs with the same item and request flags).
nlohmann::ordered_json SmallerExporterCounterexample(const bufconf_adapter& adapter,
                                                     const std::string& rule,
                                                     const nlohmann::json& case_json,
                                                     const RunSettings& settings);

// A case that crashed or hung the implementation.
struct CrashCase {
  nlohmann::ordered_json case_json;
  std::string what;  // WhatHappened
  bool hang = false;
};

// The smallest tiny case that crashes or hangs the implementation alone, or nullopt.
std::optional<CrashCase> SmallerCrash(const bufconf_adapter& adapter, const std::string& rule,
                                      bool exporter_side, const nlohmann::json& crashed,
                                      const RunSettings& settings);

}  // namespace bufconf::suite

#endif  // BUFCONF_CONFORMANCE_SUITE_COUNTEREXAMPLE_H_
