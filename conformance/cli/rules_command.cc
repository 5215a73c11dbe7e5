#include "conformance/cli/rules_command.h"

#include <iostream>
#include <memory>

#include "reference/rules/catalogue.h"
#include "reference/rules/rules_json.h"

namespace bufconf::cli {

void AddRulesCommand(CLI::App& app, std::function<int()>* run) {
  auto json = std::make_shared<bool>(false);
  CLI::App* cmd = app.add_subcommand(
      "rules", "List the rules catalogue: ID, level, statement and source of every rule.");
  cmd->add_flag("--json", *json, "print the catalogue as a JSON array");
  cmd->callback([json, run] {
    *run = [json] {
      if (*json) {
        std::cout << rules::RulesToJson().dump(2) << "\n";
        return 0;
      }
      for (const rules::Rule& r : rules::Catalogue()) {
        std::cout << r.id << "  [" << rules::LevelName(r.level) << ", " << rules::PartyName(r.party)
                  << "]\n  " << r.statement << "\n  source: " << r.source << "\n";
        if (r.quote[0] != '\0') std::cout << "  quote: \"" << r.quote << "\"\n";
        std::cout << "\n";
      }
      return 0;
    };
  });
}

}  // namespace bufconf::cli
