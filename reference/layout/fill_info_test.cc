// ALGO-FILL-INFO: exact cases of PyBuffer_FillInfo as CPython 3.13 has it.
#include "reference/layout/fill_info.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "reference/layout/request.h"

namespace bufconf::layout {
namespace {

using Result = FillInfoOutcome::Result;

TEST(FillInfo, SimpleIsOneDimensionalBytesWithoutArrays) {
  const FillInfoOutcome out = FillInfo(false, 0x1000, 12, 0, kSimple);
  ASSERT_EQ(out.result, Result::kFilled);
  const Descriptor& v = out.view;
  EXPECT_EQ(v.buf, 0x1000u);
  EXPECT_EQ(v.len, 12);
  EXPECT_EQ(v.itemsize, 1);
  EXPECT_EQ(v.readonly, 0);
  EXPECT_EQ(v.ndim, 1);  // even for SIMPLE
  EXPECT_FALSE(v.format.has_value());
  EXPECT_FALSE(v.shape.has_value());
  EXPECT_FALSE(v.strides.has_value());
  EXPECT_FALSE(v.suboffsets.has_value());
}

TEST(FillInfo, FullRoGivesFormatShapeAndStrides) {
  const FillInfoOutcome out = FillInfo(false, 0x2000, 7, 1, kFullRo);
  ASSERT_EQ(out.result, Result::kFilled);
  EXPECT_EQ(out.view.format, std::optional<std::string>("B"));
  EXPECT_EQ(out.view.shape, std::optional<std::vector<int64_t>>(std::vector<int64_t>{7}));
  EXPECT_EQ(out.view.strides, std::optional<std::vector<int64_t>>(std::vector<int64_t>{1}));
  EXPECT_FALSE(out.view.suboffsets.has_value());  // INDIRECT asks, FillInfo never gives them
  EXPECT_EQ(out.view.readonly, 1);
}

TEST(FillInfo, FlagTestsAreWholeConstants) {
  // 0x10 alone is not STRIDES (which includes ND): neither shape nor strides.
  FillInfoOutcome out = FillInfo(false, 0x1000, 4, 0, 0x10);
  ASSERT_EQ(out.result, Result::kFilled);
  EXPECT_FALSE(out.view.shape.has_value());
  EXPECT_FALSE(out.view.strides.has_value());
  // ND alone: shape, no strides. Standalone FORMAT is filled.
  out = FillInfo(false, 0x1000, 4, 0, kNd | kFormat);
  EXPECT_TRUE(out.view.shape.has_value());
  EXPECT_FALSE(out.view.strides.has_value());
  EXPECT_EQ(FillInfo(false, 0x1000, 4, 0, kFormat).result, Result::kFilled);
}

TEST(FillInfo, WritableOnReadOnlyIsBufferErrorOnlyForReadonlyOne) {
  EXPECT_EQ(FillInfo(false, 0x1000, 4, 1, kWritable).result, Result::kBufferError);
  EXPECT_EQ(FillInfo(false, 0x1000, 4, 1, kFull).result, Result::kBufferError);
  EXPECT_EQ(FillInfo(false, 0x1000, 4, 0, kFull).result, Result::kFilled);
  // The test is readonly == 1: readonly 2 with WRITABLE is filled and reports 2.
  const FillInfoOutcome two = FillInfo(false, 0x1000, 4, 2, kFull);
  ASSERT_EQ(two.result, Result::kFilled);
  EXPECT_EQ(two.view.readonly, 2);
  EXPECT_EQ(FillInfo(false, 0x1000, 4, -1, kWritable).result, Result::kFilled);
}

TEST(FillInfo, ReadAndWriteExactlyAreSystemError) {
  EXPECT_EQ(FillInfo(false, 0x1000, 4, 0, kRead).result, Result::kSystemError);
  EXPECT_EQ(FillInfo(false, 0x1000, 4, 1, kWrite).result, Result::kSystemError);
  // Only the exact values: READ | WRITABLE is INDIRECT's bit with WRITABLE, an ordinary value.
  EXPECT_EQ(FillInfo(false, 0x1000, 4, 0, kRead | kWritable).result, Result::kFilled);
  EXPECT_EQ(FillInfo(false, 0x1000, 4, 0, kRead | kWrite).result, Result::kFilled);
  // SystemError comes before the writability test.
  EXPECT_EQ(FillInfo(false, 0x1000, 4, 1, kWrite).result, Result::kSystemError);
}

TEST(FillInfo, NullViewIsBufferError) {
  const FillInfoOutcome out = FillInfo(true, 0x1000, 4, 0, kSimple);
  EXPECT_EQ(out.result, Result::kBufferError);
  EXPECT_NE(out.message.find("view==NULL"), std::string::npos);
}

}  // namespace
}  // namespace bufconf::layout
