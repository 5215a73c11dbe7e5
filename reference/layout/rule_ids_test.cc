// The checker and the request oracle speak the catalogue's language: every rule ID they can
// report is a rule of reference/rules.
#include <gtest/gtest.h>

#include "reference/layout/checker.h"
#include "reference/layout/request.h"
#include "reference/rules/catalogue.h"

namespace bufconf::layout {
namespace {

TEST(RuleIds, CheckerRulesAreInTheCatalogue) {
  for (const std::string& id : CheckedRules()) EXPECT_NE(rules::FindRule(id), nullptr) << id;
}

TEST(RuleIds, RequestOracleRulesAreInTheCatalogue) {
  Descriptor readonly_pil;
  readonly_pil.readonly = 1;
  readonly_pil.ndim = 2;
  readonly_pil.len = 4;
  readonly_pil.shape = std::vector<int64_t>{2, 2};
  readonly_pil.strides = std::vector<int64_t>{8, 1};
  readonly_pil.suboffsets = std::vector<int64_t>{0, -1};
  for (int flags = 0; flags < 0x400; ++flags) {
    for (const auto& reason : Request(readonly_pil, flags).reasons) {
      EXPECT_NE(rules::FindRule(reason.first), nullptr) << reason.first;
    }
  }
}

}  // namespace
}  // namespace bufconf::layout
