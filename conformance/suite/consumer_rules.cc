#include "conformance/suite/consumer_rules.h"

#include <algorithm>

namespace bufconf::suite {

const std::vector<std::string>& ConsumerPrincipalRules() {
  static const std::vector<std::string> kRules = {"ALGO-TOLIST", "ALGO-TOBYTES", "ALGO-EQUAL",
                                                  "ALGO-GET-CONTIGUOUS", "ALGO-READ-ELEMENTS"};
  return kRules;
}

const std::vector<std::string>& ConsumerFeatureRules() {
  static const std::vector<std::string> kRules = {
      "LAYOUT-STRIDES-ANY", "ALGO-INDIRECT-HANDLED",     "ALGO-UNIT-EXTENT-STRIDES",
      "ALGO-NDIM-64",       "LAYOUT-LEN-SIMPLE",         "LAYOUT-STRIDES-NULL-C",
      "RELEASE-PAIRED",     "FIELDS-CONSUMER-NO-MODIFY", "FORMAT-NULL-IS-B"};
  return kRules;
}

bool IsConsumerRule(const std::string& rule) {
  const auto& p = ConsumerPrincipalRules();
  const auto& f = ConsumerFeatureRules();
  return std::find(p.begin(), p.end(), rule) != p.end() ||
         std::find(f.begin(), f.end(), rule) != f.end();
}

}  // namespace bufconf::suite
