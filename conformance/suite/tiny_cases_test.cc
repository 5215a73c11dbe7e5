// The exhaustive tiny cases the runner searches for a smaller counterexample: every one is a
// legal view or spec (the reference adapter passes on each), they come fewest elements first,
// and they respect the element bound.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "conformance/adapter/reference_adapter.h"
#include "conformance/suite/cases.h"
#include "conformance/suite/checks.h"
#include "reference/layout/addressing.h"
#include "reference/layout/checker.h"
#include "reference/rules/catalogue.h"

namespace bufconf::suite {
namespace {

int64_t Elements(const layout::Descriptor& view) {
  if (view.ndim == 0) return 1;
  return view.shape ? layout::ElementCount(*view.shape) : view.len;
}

TEST(TinyCases, AlgorithmCasesAreLegalDistinctAndFewestFirst) {
  const std::vector<AlgorithmCase> cases = TinyAlgorithmCases(3, "i");
  ASSERT_GT(cases.size(), 1000u);
  int64_t previous = 0;
  std::set<std::string> seen;
  for (const AlgorithmCase& c : cases) {
    const int64_t n = Elements(c.view);
    EXPECT_LE(n, 3);
    EXPECT_GE(n, previous) << "not fewest elements first";
    previous = n;
    for (const layout::Violation& v : layout::Validate(c.view, &c.memory)) {
      const rules::Rule* rule = rules::FindRule(v.rule);
      ASSERT_NE(rule, nullptr) << v.rule;
      EXPECT_NE(rule->level, rules::Level::kMust) << v.rule << ": " << v.message;
    }
    EXPECT_TRUE(seen.insert(ToJson(c).dump()).second) << "duplicate " << ToJson(c).dump();
  }
  // Each kind the search relies on is there: array-of-arrays, negative, zero and odd strides.
  bool indirect = false, negative = false, zero = false, odd = false;
  for (const AlgorithmCase& c : cases) {
    indirect = indirect || c.view.suboffsets.has_value();
    for (int64_t s : c.view.strides.value_or(std::vector<int64_t>{})) {
      negative = negative || s < 0;
      zero = zero || s == 0;
      odd = odd || (s % c.view.itemsize != 0);
    }
  }
  EXPECT_TRUE(indirect && negative && zero && odd);
}

TEST(TinyCases, TheReferenceAdapterPassesEveryTinyCase) {
  const bufconf_adapter& reference = *conformance::ReferenceAdapter();
  for (const AlgorithmCase& c : TinyAlgorithmCases(2, "i")) {
    const CheckResult r = CheckAlgorithmCase(reference, c, "");
    for (const Finding& f : r.findings) ADD_FAILURE() << f.rule << ": " << f.message;
  }
  ExporterCase like;
  like.spec.format = "h";
  like.spec.itemsize = 2;
  like.flags = 0x11c;  // PyBUF_FULL_RO
  const std::vector<ExporterCase> exporter_cases = TinyExporterCases(like, 2);
  ASSERT_GT(exporter_cases.size(), 100u);
  for (const ExporterCase& c : exporter_cases) {
    EXPECT_LE(layout::ElementCount(c.spec.shape), 2);
    EXPECT_EQ(c.flags, like.flags);
    const CheckResult r = CheckExporterCase(reference, c);
    for (const Finding& f : r.findings) ADD_FAILURE() << f.rule << ": " << f.message;
  }
}

}  // namespace
}  // namespace bufconf::suite
