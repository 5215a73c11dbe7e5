// The catalogue rules the conformance suite cannot judge through the adapter ABI, and why: shared
// by `bufconf run` (each is listed as a skip with its reason, so no rule silently vanishes from a
// scorecard) and docs/spec_gen.cc (the "known gaps" of docs/spec.md). The list can only shrink:
// a rule that some check comes to judge must be taken off it.
#ifndef BUFCONF_CONFORMANCE_SUITE_KNOWN_GAPS_H_
#define BUFCONF_CONFORMANCE_SUITE_KNOWN_GAPS_H_

#include <string_view>
#include <vector>

namespace bufconf::suite {

struct KnownGap {
  const char* rule;    // catalogue ID
  const char* reason;  // why nothing can report it broken through the adapter ABI
};

// Every known gap, in catalogue order.
const std::vector<KnownGap>& KnownGaps();

// The reason for `rule`, or nullptr when it is not a known gap.
const char* KnownGapReason(std::string_view rule);

}  // namespace bufconf::suite

#endif  // BUFCONF_CONFORMANCE_SUITE_KNOWN_GAPS_H_
