// The bounded-exhaustive core: every case is legal, the spaces the core promises are all there
// (docs/layouts.md), the order is fewest elements first, and the reference adapter passes every
// case (a core case the reference fails would fail every seed).
#include "conformance/suite/core_cases.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>

#include "conformance/adapter/reference_adapter.h"
#include "conformance/suite/checks.h"
#include "reference/layout/checker.h"
#include "reference/rules/catalogue.h"

namespace bufconf::suite {
namespace {

int64_t Elements(const layout::Descriptor& view) {
  if (!view.shape) return 1;
  int64_t n = 1;
  for (int64_t d : *view.shape) n *= d;
  return n;
}

void ExpectLegal(const layout::Descriptor& view, const layout::Memory& memory) {
  for (const layout::Violation& v : layout::Validate(view, &memory)) {
    const rules::Rule* rule = rules::FindRule(v.rule);
    ASSERT_NE(rule, nullptr) << v.rule;
    EXPECT_NE(rule->level, rules::Level::kMust) << v.rule << ": " << v.message;
  }
}

TEST(CoreCases, FormatsHoldEveryCodeUnderEveryModeAndEveryPair) {
  const std::vector<std::string>& formats = CoreFormats();
  const std::set<std::string> all(formats.begin(), formats.end());
  EXPECT_EQ(all.size(), formats.size()) << "duplicates";
  for (const char* mode : {"", "@", "=", "<", ">", "!"}) {
    for (const char* code : {"x", "c", "b", "B", "?", "h", "H", "i", "I", "l", "L",
                             "q", "Q", "n", "N", "e", "f", "d", "s", "p", "P"}) {
      for (const char* count : {"0", "", "2"}) {
        EXPECT_EQ(all.count(std::string(mode) + count + code), 1u) << mode << count << code;
      }
      // Ordered pairs: alignment between two codes under the mode.
      EXPECT_EQ(all.count(std::string(mode) + code + "e"), 1u) << mode << code << "e";
      EXPECT_EQ(all.count(std::string(mode) + "e" + code), 1u) << mode << "e" << code;
    }
  }
  EXPECT_EQ(all.count("@l0q"), 1u);                  // the end-padding idiom
  EXPECT_EQ(all.count("T{b:a:T{h:b:}xxi:c:}"), 1u);  // nested two deep, padding
}

TEST(CoreCases, LayoutsCoverTheCoreAndAreLegal) {
  const std::vector<AlgorithmCase>& cases = CoreLayoutCases();
  std::set<int64_t> itemsizes;
  std::set<char> orders;
  std::set<std::pair<size_t, size_t>> indirect_at;  // (ndim, dimension)
  std::set<std::vector<int64_t>> shapes;
  std::set<size_t> null_strides;  // ndim of views with strides NULL
  int64_t previous = 0;
  for (const AlgorithmCase& c : cases) {
    if (c.view.ndim > 0 && !c.view.strides) null_strides.insert(static_cast<size_t>(c.view.ndim));
    ExpectLegal(c.view, c.memory);
    const int64_t n = Elements(c.view);
    EXPECT_GE(n, previous) << "not fewest elements first";
    previous = n;
    itemsizes.insert(c.view.itemsize);
    orders.insert(c.order);
    shapes.insert(c.view.shape.value_or(std::vector<int64_t>{}));
    if (c.view.suboffsets) {
      for (size_t d = 0; d < c.view.suboffsets->size(); ++d) {
        if ((*c.view.suboffsets)[d] >= 0) indirect_at.insert({c.view.suboffsets->size(), d});
      }
    }
  }
  EXPECT_EQ(itemsizes, (std::set<int64_t>{1, 2, 3, 8, 12, 16, 24}));
  EXPECT_EQ(orders, (std::set<char>{'C', 'F', 'A'}));
  EXPECT_EQ(shapes.size(), 1u + 4 + 16 + 64) << "every shape with ndim 0..3, extents 0..3";
  EXPECT_EQ(null_strides, (std::set<size_t>{1, 2, 3})) << "strides NULL in 1-, 2- and 3-D";
  for (size_t ndim = 1; ndim <= 3; ++ndim) {
    for (size_t d = 0; d < ndim; ++d) EXPECT_EQ(indirect_at.count({ndim, d}), 1u) << ndim << d;
  }
  std::printf("core layout cases: %zu\n", cases.size());
}

TEST(CoreCases, ExporterCasesCoverTheCoreAndAreValidSpecs) {
  const std::vector<ExporterCase>& cases = CoreExporterCases();
  std::set<int64_t> itemsizes;
  std::set<std::vector<int64_t>> shapes;
  std::set<std::string> formats;
  bool fortran = false, readonly = false, indirect_last = false, broadcast = false;
  for (const ExporterCase& c : cases) {
    int64_t n = 1;
    for (int64_t d : c.spec.shape) n *= d;
    EXPECT_EQ(static_cast<int64_t>(c.spec.items.size()), n * c.spec.itemsize);
    itemsizes.insert(c.spec.itemsize);
    shapes.insert(c.spec.shape);
    formats.insert(c.spec.format);
    fortran = fortran || (c.spec.layout & BUFCONF_LAYOUT_FORTRAN) != 0;
    readonly = readonly || (c.spec.layout & BUFCONF_LAYOUT_READONLY) != 0;
    indirect_last = indirect_last || (c.spec.shape.size() == 2 && !c.spec.indirect.empty() &&
                                      c.spec.indirect[1] == 1);
    broadcast = broadcast || std::count(c.spec.steps.begin(), c.spec.steps.end(), 0) > 0;
  }
  for (int64_t size : {1, 2, 3, 8, 12, 16, 24}) EXPECT_EQ(itemsizes.count(size), 1u) << size;
  EXPECT_EQ(shapes.size(), 1u + 4 + 16 + 64);
  EXPECT_TRUE(fortran && readonly && indirect_last && broadcast);
  for (const char* f : {"<e", ">Zd", "!q", "=?", "@l", "2g", "^i"}) {
    EXPECT_EQ(formats.count(f), 1u) << f;
  }
  std::printf("core exporter cases: %zu\n", cases.size());
}

// The reference adapter passes every core case: a core case it failed would fail at every seed.
TEST(CoreCases, TheReferenceAdapterPassesEveryAlgorithmCase) {
  const bufconf_adapter& ref = *conformance::ReferenceAdapter();
  for (const AlgorithmRule& r : AlgorithmRules()) {
    const auto start = std::chrono::steady_clock::now();
    const std::vector<AlgorithmCase>& cases = CoreAlgorithmCases(r.rule);
    for (const AlgorithmCase& c : cases) {
      const CheckResult result = CheckAlgorithmCase(ref, c, r.rule);
      ASSERT_TRUE(result.findings.empty())
          << r.rule << ": " << result.findings[0].rule << ": " << result.findings[0].message
          << " on " << ToJson(c).dump();
    }
    std::printf("%s: %zu core cases in %.2f s\n", r.rule, cases.size(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
}

TEST(CoreCases, TheReferenceAdapterPassesEveryExporterCase) {
  const bufconf_adapter& ref = *conformance::ReferenceAdapter();
  const auto start = std::chrono::steady_clock::now();
  for (const ExporterCase& c : CoreExporterCases()) {
    const CheckResult result = CheckExporterCase(ref, c);
    ASSERT_FALSE(result.unsupported) << ToJson(c).dump();
    ASSERT_TRUE(result.findings.empty())
        << result.findings[0].rule << ": " << result.findings[0].message << " on "
        << ToJson(c).dump();
  }
  std::printf("exporter core: %zu cases in %.2f s\n", CoreExporterCases().size(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

}  // namespace
}  // namespace bufconf::suite
