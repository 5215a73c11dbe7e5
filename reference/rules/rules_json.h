// The JSON form of the rules catalogue (the output of `bufconf rules --json`).
#ifndef BUFCONF_REFERENCE_RULES_RULES_JSON_H_
#define BUFCONF_REFERENCE_RULES_RULES_JSON_H_

#include <nlohmann/json.hpp>

#include "reference/rules/catalogue.h"

namespace bufconf::rules {

// {"id", "area", "level", "party", "statement", "source", "quote"}; area, level and party by
// AreaName, LevelName and PartyName.
nlohmann::ordered_json RuleToJson(const Rule& rule);

// One RuleToJson object per rule, in Catalogue() order.
nlohmann::ordered_json RulesToJson();

}  // namespace bufconf::rules

#endif  // BUFCONF_REFERENCE_RULES_RULES_JSON_H_
