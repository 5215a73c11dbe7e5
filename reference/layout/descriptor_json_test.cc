// DescriptorFromJsonText reads what DescriptorFromJson(nlohmann::json::parse(text)) reads, with the
// same errors, and decodes a pointer table without a JSON document: its memory is bounded by the
// text (allocations counted, peak_alloc.h).
#include "reference/layout/descriptor_json.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "reference/format/peak_alloc.h"

namespace bufconf::layout {
namespace {

// What reading `text` gives: the error, or the view's fields and every region's base, name and
// bytes (as DescriptorToJson writes them); through the document or through the text.
std::string Outcome(const std::string& text, bool through_text) {
  try {
    std::optional<DescriptorFile> d;
    if (through_text) {
      d = DescriptorFromJsonText(text);
    } else {
      const nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (!j.is_discarded()) d = DescriptorFromJson(j);
    }
    if (!d) return "not valid JSON";
    return DescriptorToJson(d->view, d->memory ? &*d->memory : nullptr).dump();
  } catch (const DescriptorJsonError& e) {
    return std::string("error ") + e.field() + " | " + e.what();
  }
}

TEST(DescriptorJsonText, SameResultsAndErrorsAsTheDocument) {
  const std::string head = R"({"buf":"0x1000","len":2,"itemsize":1,"ndim":2,"format":"B",)"
                           R"("shape":[2,1],"strides":[8,1],"suboffsets":[0,-1],"memory":[)";
  const std::string tail = R"(,{"base":"0x2000","size":16}]})";
  const char* kTables[] = {
      R"(["0x2000","0x2008"])",
      R"([8192, null])",
      R"([])",
      R"(["0X2000","0x200f"])",
      R"(["0x2000",-1])",
      R"(["0x2000",1.5])",
      R"(["0x2000",true])",
      R"(["0x2000","0xZZ"])",
      R"(["0x2000","2000"])",
      R"(["0x2000","0x10000000000000000"])",
      R"(["0x2000",["0x1",[2]],"0xZZ"])",
      R"(["0x2000",{"a":["0xZZ"]},"0x2"])",
      R"([[],[]])",
      R"("0x2000")",
      R"({"a":1})",
      R"(null)",
  };
  for (const std::string table : kTables) {
    const std::string region = R"({"base":"0x1000","pointers":)" + table + "}";
    for (const std::string& text : {
             head + region + tail,
             // Its errors come where the document's would: after an earlier bad field...
             R"({"buf":"0xZZ","len":2,"itemsize":1,"ndim":2,"memory":[)" + region + "]}",
             // ... after an earlier region's, or with two ways to give the bytes.
             head + R"({"base":"0x1000","size":-1},)" + region + "]}",
             head + R"({"base":"0x1000","size":1,"pointers":)" + table + "}]}",
             // The last of duplicate keys counts; "pointers" elsewhere is an ordinary field.
             head + R"({"base":"0x1000","pointers":["0xZZ"],"pointers":)" + table + "}" + tail,
             head + R"({"base":"0x1000","pointers":)" + table + R"(,"pointers":[1]})" + tail,
             head + region + "]," + R"("memory":[)" + region + "]}",
             R"({"buf":1,"len":1,"itemsize":1,"ndim":0,"comment":{"pointers":)" + table + "}}",
             R"({"buf":1,"len":1,"itemsize":1,"ndim":0,"obj":[{"pointers":)" + table + "}]}",
             R"({"buf":1,"len":1,"itemsize":1,"ndim":0,"memory":[[{"pointers":)" + table + "}]]}",
             R"({"buf":1,"len":1,"itemsize":1,"ndim":0,"memory":{"pointers":)" + table + "}}",
             R"([{"memory":[)" + region + "]}]",
             head + region + tail + ",",
             head + region,
         }) {
      SCOPED_TRACE(text);
      EXPECT_EQ(Outcome(text, true), Outcome(text, false));
    }
  }
  // The field is named: the first bad entry.
  EXPECT_EQ(Outcome(head + R"({"base":"0x1000","pointers":["0x1",{},"0xZZ"]})" + tail, true),
            R"(error memory[0].pointers[1] | memory[0].pointers[1]: expected an address, )"
            "found object");
  EXPECT_EQ(Outcome("{", true), "not valid JSON");
}

// 1 Mi pointers (13.6 MB of text) take 8 MiB, 12 MiB while the table grows (measured 12.6 MB): as
// a JSON document they took 90 MB, 86 bytes a pointer (3 Mi pointers: 270 MB).
TEST(DescriptorJsonText, APointerTableTakesEightBytesAnEntry) {
  constexpr uint64_t kRows = uint64_t{1} << 20;
  std::string text = R"({"buf":"0x1000","len":)" + std::to_string(kRows) +
                     R"(,"itemsize":1,"ndim":1,"memory":[{"base":"0x1000","pointers":[)";
  char entry[32];
  for (uint64_t r = 0; r < kRows; ++r) {
    std::snprintf(entry, sizeof entry, "%s\"0x%llx\"", r == 0 ? "" : ",",
                  static_cast<unsigned long long>(0x10000000 + r % 16));
    text += entry;
  }
  text += "]}]}";
  testing::ResetPeakAllocation();
  size_t peak = 0;
  {
    const std::optional<DescriptorFile> d = DescriptorFromJsonText(text);
    peak = testing::PeakAllocationSinceReset();
    ASSERT_TRUE(d.has_value());
    ASSERT_TRUE(d->memory.has_value());
    const std::vector<uint8_t>& bytes = d->memory->regions().at(0).bytes;
    ASSERT_EQ(bytes.size(), 8 * kRows);
    EXPECT_EQ(bytes[8 * 17], 0x01);  // row 17 points to 0x10000001, little-endian
    EXPECT_EQ(bytes[8 * 17 + 3], 0x10);
  }
  EXPECT_LT(peak, 26 * kRows) << "text " << text.size();
}

}  // namespace
}  // namespace bufconf::layout
