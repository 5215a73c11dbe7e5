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
             // "pointers" elsewhere is an ordinary field.
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

// What the text reading says of `text`: its error, or "not valid JSON: " and the reason.
std::string TextError(const std::string& text) {
  try {
    std::string json_error;
    if (!DescriptorFromJsonText(text, &json_error)) return "not valid JSON: " + json_error;
    return "read";
  } catch (const DescriptorJsonError& e) {
    return e.what();
  }
}

// A key given twice is an error naming it (the document would keep the last one silently), in
// a pointer table's region too; the same key in two objects is no duplicate.
TEST(DescriptorJsonText, DuplicateKeysAreErrors) {
  const std::string head = R"({"buf":"0x1000","len":8,"itemsize":8,"ndim":0,"memory":[)";
  EXPECT_EQ(TextError(R"({"buf":1,"len":1,"itemsize":1,"ndim":0,"ndim":5})"),
            "ndim: duplicate key 'ndim'");
  EXPECT_EQ(TextError(head + R"({"base":"0x1000","pointers":["0x1"],"pointers":[]}]})"),
            "memory[0].pointers: duplicate key 'pointers'");
  EXPECT_EQ(TextError(head + R"({"base":"0x1000","size":8},{"base":"0x2000","size":8,"size":1}]})"),
            "memory[1].size: duplicate key 'size'");
  EXPECT_EQ(TextError(head + R"({"base":"0x1000","size":8}],"memory":null})"),
            "memory: duplicate key 'memory'");
  EXPECT_EQ(TextError(R"({"buf":1,"len":1,"itemsize":1,"ndim":0,"comment":{"a":[{"b":1,"b":2}]}})"),
            "comment.a[0].b: duplicate key 'b'");
  EXPECT_EQ(TextError(head + R"({"base":"0x1000","size":8},{"base":"0x2000","size":8}]})"), "read");
}

// All of the text counts: a NUL byte is not the end of it (nlohmann's lexer takes it for one).
TEST(DescriptorJsonText, ANulByteIsInvalid) {
  const std::string good = R"({"buf":1,"len":1,"itemsize":1,"ndim":0})";
  EXPECT_EQ(TextError(good), "read");
  EXPECT_EQ(TextError(good + std::string(1, '\0') + "{bogus"),
            "not valid JSON: a NUL byte at byte " + std::to_string(good.size()));
  EXPECT_EQ(TextError(std::string("{\"buf\0\":1}", 10)), "not valid JSON: a NUL byte at byte 5");
}

// A number beyond double (1e400) is invalid JSON named as such, with its byte and field: not an
// exception of nlohmann's.
TEST(DescriptorJsonText, ANumberOutOfRangeIsNamed) {
  EXPECT_EQ(TextError(R"({"buf":1,"len":1e400,"itemsize":1,"ndim":0})"),
            "not valid JSON: a number out of range (number overflow parsing '1e400') at byte 15, "
            "in field len");
  EXPECT_EQ(TextError(R"({"buf":1,"len":1,"itemsize":1,"ndim":0,"shape":[1,-1e999]})"),
            "not valid JSON: a number out of range (number overflow parsing '-1e999') at byte 50, "
            "in field shape[1]");
  // nlohmann's message quotes the bytes it read: any outside printable ASCII as \xNN (a JSON
  // report of the message would throw on bytes that are no UTF-8). The field is the one the
  // error is in: none between fields.
  EXPECT_EQ(TextError("{\"buf\":1,\xff}"),
            "not valid JSON: parse error at line 1, column 10: syntax error while parsing object "
            "key - invalid literal; last read: '1,\\xff'; expected string literal (byte 9)");
  EXPECT_EQ(TextError("{\"buf\":1,\"shape\":[1,\"\xff\"]}"),
            "not valid JSON: parse error at line 1, column 22: syntax error while parsing value - "
            "invalid string: ill-formed UTF-8 byte; last read: '\"\\xff' (byte 21), in field "
            "shape[1]");
  EXPECT_NE(TextError(R"({"buf":1,"len":1,"itemsize":1,"ndim":0)").find("(byte 38)"),
            std::string::npos)
      << TextError(R"({"buf":1,"len":1,"itemsize":1,"ndim":0)");
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
