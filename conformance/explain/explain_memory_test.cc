// explain's memory does not grow with the number of elements it walks: the text streams over
// them, the SVG draws at most kMaxDrawnElements (docs/explain.md) with a note saying how many
// were not drawn. Memory is measured by counting allocations (peak_alloc.h), not by timing.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "conformance/explain/explain.h"
#include "reference/format/peak_alloc.h"
#include "reference/layout/descriptor.h"

namespace bufconf::explain {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

layout::Descriptor View(int64_t rows, int64_t cols, bool indirect) {
  layout::Descriptor v;
  v.buf = 0x1000;
  v.ndim = 2;
  v.itemsize = 1;
  v.len = rows * cols;
  v.shape = {{rows, cols}};
  v.strides = {{indirect ? 8 : cols, 1}};
  if (indirect) v.suboffsets = {{0, -1}};
  return v;
}

// 2^20 elements walked one by one (--max-elements 10^8): the old code kept every element with
// its index (about 250 MB); now the walk keeps counts only.
TEST(ExplainMemory, TextAndSvgOfAMillionElementsStayBounded) {
  const layout::Descriptor v = View(1024, 1024, false);
  layout::Memory m;
  m.AddRegion({0x1000, std::vector<uint8_t>(kMiB), "data"});
  ExplainOptions o;
  o.max_elements = 100000000;
  testing::ResetPeakAllocation();
  const std::string text = ExplainText(v, &m, o);
  EXPECT_LT(testing::PeakAllocationSinceReset(), 4 * kMiB);
  EXPECT_NE(text.find("verdict: valid"), std::string::npos) << text;
  testing::ResetPeakAllocation();
  const std::string svg = ExplainSvg(v, &m, o);
  EXPECT_LT(testing::PeakAllocationSinceReset(), 8 * kMiB);
  EXPECT_LT(svg.size(), kMiB);
  EXPECT_NE(svg.find("1048576 elements, 128 drawn: ... 1048448 more not drawn (at most 16384 one "
                     "by one)"),
            std::string::npos);
}

// Elements outside the memory and unplaced ones are still counted over the whole walk.
TEST(ExplainMemory, CountsCoverEveryElementWalked) {
  const layout::Descriptor v = View(512, 64, false);  // 32768 elements, 32768 bytes
  layout::Memory m;
  m.AddRegion({0x1000, std::vector<uint8_t>(32768 - 10), "short"});
  ExplainOptions o;
  o.max_elements = 100000;
  const std::string text = ExplainText(v, &m, o);
  EXPECT_NE(text.find("elements outside the declared memory: 10 of the 32768 placed, e.g. "
                      "(511,54)"),
            std::string::npos)
      << text;
  const std::string svg = ExplainSvg(v, &m, o);
  EXPECT_NE(svg.find("more not drawn"), std::string::npos);
  // Up to the drawing cap, every element is drawn and no note is added.
  o.max_elements = 100000;
  const std::string small = ExplainSvg(View(128, 128, false), nullptr, o);
  EXPECT_EQ(small.find("more not drawn"), std::string::npos);
  EXPECT_NE(small.find("(127,127)"), std::string::npos);
}

// An array of arrays of 2^20 elements behind 2^10 row pointers: pointers recorded stay capped.
TEST(ExplainMemory, ArrayOfArraysWalkStaysBounded) {
  const layout::Descriptor v = View(1024, 1024, true);
  layout::Memory m;
  std::vector<uint8_t> table(1024 * 8);
  for (size_t r = 0; r < 1024; ++r) {
    const uint64_t row = 0x100000 + r * 1024;
    for (int b = 0; b < 8; ++b) table[r * 8 + b] = static_cast<uint8_t>(row >> (8 * b));
  }
  m.AddRegion({0x1000, table, "rows"});
  m.AddRegion({0x100000, std::vector<uint8_t>(kMiB), "data"});
  ExplainOptions o;
  o.max_elements = 100000000;
  testing::ResetPeakAllocation();
  const std::string text = ExplainText(v, &m, o);
  EXPECT_LT(testing::PeakAllocationSinceReset(), 8 * kMiB);
  EXPECT_NE(text.find("the elements lie between 0x100000 and 0x1fffff"), std::string::npos) << text;
}

// A view beyond kMaxWalkedElements is summarised whatever --max-elements says, with a note, so
// the time stays bounded too.
TEST(ExplainMemory, WalkIsCappedWhateverMaxElementsSays) {
  const layout::Descriptor v = View(int64_t{1} << 14, int64_t{1} << 13, false);  // 2^27
  ExplainOptions o;
  o.max_elements = int64_t{1} << 40;
  const std::string text = ExplainText(v, nullptr, o);
  EXPECT_NE(text.find("134217728 elements: summarised, above the 67108864 bufconf walks one by "
                      "one"),
            std::string::npos)
      << text;
  const std::string svg = ExplainSvg(v, nullptr, o);
  EXPECT_NE(svg.find("134217728 elements, summarised: 128 drawn"), std::string::npos);
  EXPECT_NE(svg.find("(more than the 67108864 elements bufconf walks one by one"),
            std::string::npos);
  // Within the cap, --max-elements still decides: no note.
  o.max_elements = 100;
  EXPECT_EQ(ExplainText(v, nullptr, o).find("bufconf walks one by one"), std::string::npos);
}

}  // namespace
}  // namespace bufconf::explain
