// The format model's memory is bounded by its input: a long format costs a few bytes per byte,
// and one of more than kMaxItems items is refused early, with a message naming the limit.
// Memory is measured by counting allocations (peak_alloc.h), not by timing.
#include <gtest/gtest.h>

#include <string>

#include "reference/format/layout.h"
#include "reference/format/parser.h"
#include "reference/format/peak_alloc.h"

namespace bufconf::format {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

size_t PeakOf(const std::string& text, Dialect dialect, FormatResult* out) {
  testing::ResetPeakAllocation();
  {
    FormatResult r = AnalyzeFormat(text, dialect);
    if (out != nullptr) *out = std::move(r);
  }
  return testing::PeakAllocationSinceReset();
}

// A 1 MB format of one-byte fields stops at the item limit: the old parser built a syntax tree
// and a layout for all 2^20 fields (about 450 MB).
TEST(FormatMemory, OneMegabyteOfFieldsStopsAtTheItemLimit) {
  const std::string text(kMiB, 'i');
  for (Dialect d : {Dialect::kStruct, Dialect::kNumpy, Dialect::kPep3118}) {
    FormatResult r;
    const size_t peak = PeakOf(text, d, &r);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().position, kMaxItems);
    EXPECT_NE(r.error().message.find("more than 16384 items"), std::string::npos)
        << r.error().message;
    EXPECT_NE(r.error().message.find("limit"), std::string::npos) << r.error().message;
    EXPECT_LT(peak, 4 * text.size() + 16 * kMiB) << DialectName(d);
  }
}

TEST(FormatMemory, NestedItemsCount) {
  // 16384 fields inside a struct, plus the struct: one too many.
  const std::string text = "T{" + std::string(kMaxItems, 'i') + "}";
  FormatResult r = AnalyzeFormat(text, Dialect::kPep3118);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("limit"), std::string::npos);
  // Exactly the limit parses.
  EXPECT_TRUE(AnalyzeFormat(std::string(kMaxItems, 'i'), Dialect::kPep3118).ok());
  EXPECT_TRUE(AnalyzeFormat("T{" + std::string(kMaxItems - 1, 'i') + "}", Dialect::kNumpy).ok());
}

// The longest formats that do parse: 1 MB in kMaxItems named fields, and repeat counts that are
// never expanded. Bounded by 64 MB + 4x the input (the target), with room to spare.
TEST(FormatMemory, LongFormatsWithinTheLimitStayLinear) {
  std::string named;
  for (size_t k = 0; named.size() + 80 < kMiB && k < kMaxItems; ++k) {
    named += "i:field_" + std::to_string(k) + std::string(50, '_') + ":";
  }
  for (Dialect d : {Dialect::kNumpy, Dialect::kPep3118}) {
    FormatResult r;
    const size_t peak = PeakOf(named, d, &r);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_LT(peak, 4 * named.size() + 24 * kMiB) << DialectName(d) << " peak " << peak;
  }
  std::string counts;
  while (counts.size() + 10 < 16384 * 10) counts += "999999999x";  // 9.3 GB of padding
  FormatResult r;
  EXPECT_LT(PeakOf(counts, Dialect::kStruct, &r), 16 * kMiB);  // ~530 bytes per item
  ASSERT_TRUE(r.ok()) << r.error().message;
}

// Positions are mapped back to the original text through runs of kept bytes, not one entry per
// byte (the old parser kept 8 bytes per input byte). A 1 MB name costs its few copies only.
TEST(FormatMemory, PositionsAreNotIndexedPerByte) {
  const std::string text = "i:" + std::string(kMiB, 'a') + ":";
  for (Dialect d : {Dialect::kNumpy, Dialect::kPep3118}) {
    FormatResult r;
    const size_t peak = PeakOf(text, d, &r);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_LT(peak, 8 * text.size()) << DialectName(d) << " peak " << peak;
  }
  // numpy drops whitespace; error positions still point into the original text.
  const std::string spaced = std::string(kMiB, ' ') + "i  i \t y";
  FormatResult r = AnalyzeFormat(spaced, Dialect::kNumpy);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().position, kMiB + 7);
}

}  // namespace
}  // namespace bufconf::format
