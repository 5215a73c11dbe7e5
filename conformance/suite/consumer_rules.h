// The rules the consumer side of the suite judges (consumer_checks.cc), in one place for the
// checks, the cores and the docs.
#ifndef BUFCONF_CONFORMANCE_SUITE_CONSUMER_RULES_H_
#define BUFCONF_CONFORMANCE_SUITE_CONSUMER_RULES_H_

#include <string>
#include <vector>

namespace bufconf::suite {

// The rules a consumer names for itself (bufconf_consumer_info.rule; "" is ALGO-READ-ELEMENTS).
const std::vector<std::string>& ConsumerPrincipalRules();
// The rules judged on every consumer, on the cases with the rule's feature.
const std::vector<std::string>& ConsumerFeatureRules();
// Either.
bool IsConsumerRule(const std::string& rule);

}  // namespace bufconf::suite

#endif  // BUFCONF_CONFORMANCE_SUITE_CONSUMER_RULES_H_
