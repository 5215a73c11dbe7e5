// The conformance checks: one case in, the rules it breaks out. Everything the runner, the
// replayer and the self-tests judge goes through these two functions (like test_buffer's
// verify()), and every judgement compares the implementation with the reference model.
#ifndef BUFCONF_CONFORMANCE_SUITE_CHECKS_H_
#define BUFCONF_CONFORMANCE_SUITE_CHECKS_H_

#include <stdexcept>
#include <string>
#include <vector>

#include "conformance/adapter/bufconf_adapter.h"
#include "conformance/suite/cases.h"
#include "conformance/suite/consumer_rules.h"

namespace bufconf::suite {

struct Finding {
  std::string rule;  // catalogue ID
  std::string message;
  // A finding about the full description itself: PyBUF_FULL_RO refused, or a MUST rule broken
  // by it. It blocks the other rules for this exporter (and only this one).
  bool basic = false;
};

struct CheckResult {
  bool unsupported = false;  // the adapter cannot express the case: nothing was checked
  std::vector<Finding> findings;
  std::vector<std::string> rules_checked;  // the rules this case exercised
  // Set when the exporter's full description already breaks a MUST rule (or PyBUF_FULL_RO was
  // refused): why the case is not judged on the other rules.
  std::string blocked_reason;
  // PyBUF_FULL_RO was refused: there is no full description, so the basic rules (but the
  // REQ-GRANT it broke) are blocked for this case too, not passed.
  bool full_refused = false;
  // enumerate said BUFCONF_SKIPPED: the index holds an entry the suite cannot judge (the
  // description says why); `unsupported` is set too.
  bool skipped_object = false;
};

// The adapter misbehaved in a way that is not a rule (BUFCONF_ERROR, a missing function).
class AdapterError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Exporter side: make an exporter for the spec, get its full description (PyBUF_FULL_RO) and
// judge it (fields, layout, format, memory, contents), then request `flags` and judge the
// verdict and every filled field against the request oracle; export counting throughout; then
// the multi-consumer session (session.h), unless `session` is kWithout (the tiny-case search after
// a failure the session did not find: its cases then cost a fraction).
enum class SessionMode { kWith, kWithout };
CheckResult CheckExporterCase(const bufconf_adapter& adapter, const ExporterCase& c,
                              SessionMode session = SessionMode::kWith);

// Exporter side, for an exporter the implementation makes on its own (enumerate): the same
// judgement; contents are checked when the adapter gives the expected values. `description` and
// `note` (if not null) get what the adapter says of the exporter; for an index past the last
// one the result is unsupported, for a skipped entry (BUFCONF_SKIPPED) also skipped_object.
CheckResult CheckEnumeratedCase(const bufconf_adapter& adapter, const EnumeratedCase& c,
                                std::string* description = nullptr, std::string* note = nullptr);

// The rules CheckExporterCase can report (basic ones first).
const std::vector<std::string>& ExporterRules();
bool IsBasicExporterRule(const std::string& rule);

// Algorithm side: the adapter's functions on the case's view, realized in real memory, against
// the reference model on the same memory.
// With `only_rule`, only the function that rule judges is called.
CheckResult CheckAlgorithmCase(const bufconf_adapter& adapter, const AlgorithmCase& c,
                               const std::string& only_rule = "");

// Consumer side (consumer_checks.cc): every consumer of the adapter reads the case's view
// through a provider the suite builds (answering requests as the oracle says), and is judged
// against the model; with `only_rule`, only the consumers that can break it are run. Adds to
// `out`'s findings and rules_checked (only the rules a consumer's reading exercised).
void CheckConsumers(const bufconf_adapter& adapter, const layout::Descriptor& view,
                    const layout::Memory& memory, const std::string& only_rule, CheckResult& out);
// The rules CheckAlgorithmCase can report, and the capability each needs.
struct AlgorithmRule {
  const char* rule;
  uint64_t capability;
};
const std::vector<AlgorithmRule>& AlgorithmRules();

}  // namespace bufconf::suite

#endif  // BUFCONF_CONFORMANCE_SUITE_CHECKS_H_
