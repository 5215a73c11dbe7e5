#include "reference/rules/rules_json.h"

namespace bufconf::rules {

nlohmann::ordered_json RuleToJson(const Rule& rule) {
  nlohmann::ordered_json out;
  out["id"] = rule.id;
  out["area"] = AreaName(rule.area);
  out["level"] = LevelName(rule.level);
  out["party"] = PartyName(rule.party);
  out["statement"] = rule.statement;
  out["source"] = rule.source;
  out["quote"] = rule.quote;
  return out;
}

nlohmann::ordered_json RulesToJson() {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const Rule& rule : Catalogue()) out.push_back(RuleToJson(rule));
  return out;
}

}  // namespace bufconf::rules
