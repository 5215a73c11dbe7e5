// bufconf replay: a counterexample file's case, run again against an adapter.
#include <stdexcept>
#include <string>

#include "conformance/suite/cases.h"
#include "conformance/suite/checks.h"
#include "conformance/suite/runner.h"
#include "reference/rules/catalogue.h"

namespace bufconf::suite {

using nlohmann::json;

std::string ReplayExpectation(const std::string& contents) {
  const json file = json::parse(contents);
  const std::string rule = file.at("rule").get<std::string>();
  if (rules::FindRule(rule) == nullptr)
    throw std::runtime_error("no catalogue rule '" + rule + "'");
  const json& c = file.at("case");
  const std::string kind = c.value("kind", "");
  if (kind == "exporter") {
    ExporterCaseFromJson(c);
  } else if (kind == "enumerated") {
    EnumeratedCaseFromJson(c);
  } else if (kind == "algorithm") {
    AlgorithmCaseFromJson(c);
  } else {
    throw std::runtime_error("case: unknown kind '" + kind + "'");
  }
  const std::string expect = file.value("expect", "finding");
  if (expect != "finding" && expect != "crash" && expect != "hang") {
    throw std::runtime_error("expect: '" + expect + "' is not finding, crash or hang");
  }
  return expect;
}

ReplayOutcome Replay(const bufconf_adapter& adapter, const std::string& contents) {
  ReplayOutcome out;
  json file;
  try {
    ReplayExpectation(contents);
    file = json::parse(contents);
  } catch (const std::exception& e) {
    out.error = std::string("not a counterexample file bufconf can replay: ") + e.what();
    return out;
  }
  const std::string rule = file.at("rule").get<std::string>();
  const json& c = file.at("case");
  CheckResult result;
  try {
    if (c.value("kind", "") == "exporter") {
      result = CheckExporterCase(adapter, ExporterCaseFromJson(c));
    } else if (c.value("kind", "") == "enumerated") {
      const EnumeratedCase e = EnumeratedCaseFromJson(c);
      std::string now;
      result = CheckEnumeratedCase(adapter, e, &now);
      // The same object? An index names another one when the factory's list changed, or when
      // the case is replayed against another factory on purpose (the fixed one): said, not
      // refused.
      if (!e.description.empty() && !result.unsupported && now != e.description) {
        out.report += "note: enumerated exporter " + std::to_string(e.index) + " is now '" + now +
                      "'; the file was written for '" + e.description + "'\n";
      }
    } else {
      result = CheckAlgorithmCase(adapter, AlgorithmCaseFromJson(c), rule);
    }
  } catch (const AdapterError& e) {
    out.report = std::string("adapter error: ") + e.what() + "\n";
    out.reproduced = file.value("message", "").rfind("adapter error", 0) == 0;
    return out;
  }
  if (result.unsupported) {
    out.report = result.skipped_object ? "the adapter skips this object (BUFCONF_SKIPPED)\n"
                                       : "the adapter cannot express this case (unsupported)\n";
    return out;
  }
  for (const Finding& f : result.findings) {
    out.report += f.rule + ": " + f.message + "\n";
    if (f.rule == rule) out.reproduced = true;
  }
  if (result.findings.empty()) out.report += "no rule is broken by this case\n";
  return out;
}

}  // namespace bufconf::suite
