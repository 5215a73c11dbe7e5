// Test vectors for the format-string reference model: every row of the research notes'
// formats.md section 9 "Test vectors" (../shared/research/formats.md, outside this repository;
// x86-64 Linux, LP64) in each dialect that the row applies to, the error cases of its sections
// 2.1 and 3.1, value decoding/encoding and the canonical printer.
//
// Sources of expected values:
//   struct  - CPython 3.11 struct.calcsize (probed with /usr/bin/python3 3.11).
//   numpy   - numpy 1.24 numpy.core._internal._dtype_from_pep3118 after the C entry point's
//             whitespace stripping (probed); numpy's parse bugs and fast-path-only answers are
//             rejected by bufconf's numpy dialect by design (see dialect.h).
//   pep3118 - computed by hand from the PEP 3118 grammar and C struct rules: T{} and the whole
//             item padded to their alignment in '@' mode, order marks sticky/global, u=2 w=4,
//             O & X{} = 8 bytes aligned 8, n N P g Zg native-only.

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "reference/format/dialect.h"
#include "reference/format/layout.h"
#include "reference/format/printer.h"
#include "reference/format/value.h"

namespace bufconf::format {
namespace {

constexpr int64_t kErr = -1;  // the dialect rejects the format
constexpr int64_t kNA = -2;   // the column does not apply (no value stated)

std::string Describe(std::string_view format, Dialect d) {
  std::string shown;
  for (char c : format) {
    if (c == '\t') {
      shown += "\\t";
    } else if (c == '\0') {
      shown += "\\0";
    } else {
      shown += c;
    }
  }
  return std::string(DialectName(d)) + " '" + shown + "'";
}

bool MentionsAny(const std::string& message, std::initializer_list<const char*> words) {
  for (const char* w : words) {
    if (message.find(w) != std::string::npos) return true;
  }
  return false;
}

// Checks one column of a vector: kErr means an error, otherwise the itemsize.
void ExpectItemsize(std::string_view format, Dialect d, int64_t expected) {
  if (expected == kNA) return;
  SCOPED_TRACE(Describe(format, d));
  FormatResult r = AnalyzeFormat(format, d);
  if (expected == kErr) {
    EXPECT_FALSE(r.ok()) << "accepted with itemsize " << r.layout().itemsize;
    return;
  }
  ASSERT_TRUE(r.ok()) << "rejected at " << r.error().position << ": " << r.error().message;
  EXPECT_EQ(r.layout().itemsize, static_cast<uint64_t>(expected));
}

// ---------------------------------------------------------------------------------------------
// 1. Section 9, itemsize per dialect.

struct Vector {
  int row;             // row number in ../shared/research/formats.md section 9
  const char* format;  // one format of the row (rows listing several are split)
  int64_t struct_size;
  int64_t numpy_size;
  int64_t pep_size;
  const char* note;
};

// clang-format off
const Vector kVectors[] = {
    {1, "i", 4, 4, 4, "doc"},
    {2, "<i", 4, 4, 4, "doc; gh-112014"},
    {3, ">i", 4, 4, 4, "doc; cython#6160"},
    {4, "=i", 4, 4, 4, "doc"},
    {5, "^i", kErr, 4, 4, "numpy; struct has no '^'"},
    {6, "l", 8, 8, 8, "platform LP64"},
    {7, "<l", 4, 4, 4, "doc: standard l = 4; bpo-10746"},
    {8, "@l", 8, 8, 8, ""},
    {9, "q", 8, 8, 8, ""},
    // numpy: 'n' is accepted only by the fast path of numpy >= 2 (the slow path and numpy 1.24
    // reject it): bufconf's numpy dialect models the slow path and rejects it.
    {10, "n", 8, kErr, 8, "numpy fast path only"},
    {11, "<n", kErr, kErr, kErr, "doc: n native only"},
    {12, "P", 8, kErr, 8, ""},
    {13, "<P", kErr, kErr, kErr, "ctypes emits '<P'; P native only"},
    {14, "e", 2, 2, 2, "gh-90751"},
    {15, "?", 1, 1, 1, "PEP"},
    {16, "g", kErr, 16, 16, "long double 16/16"},
    {17, "<g", kErr, kErr, kErr, "numpy: g native-only; ctypes emits '<g'"},
    // struct: Zf/Zd exist from 3.15 and D from 3.14 only; 3.11 rejects them.
    {18, "Zf", kErr, 8, 8, "gh-148675 (3.15)"},
    {19, "Zd", kErr, 16, 16, "gh-148675 (3.15)"},
    {20, "<Zd", kErr, 16, 16, "16 in 3.15 only"},
    {21, "Zg", kErr, 32, 32, ""},
    // pep3118: the union grammar (section 7) includes F/D; D = double complex, 16 bytes.
    {22, "D", kErr, kErr, 16, "gh-121249 (3.14+)"},
    // numpy: 'Zi' and 'Ze' are accepted only by the fast path, which ignores 'Z' before a
    // non-float letter (N4); the slow path raises KeyError. Rejected by design.
    {23, "Zi", kErr, kErr, kErr, "numpy N4 fast-path bug"},
    {24, "Ze", kErr, kErr, kErr, "numpy fast path; nanobind"},
    {25, "O", kErr, 8, 8, "O = sizeof(void *)"},
    {26, "w", kErr, 4, 4, "w = UCS-4"},
    // numpy: '3w' is U3 (the count is the length); pep3118: 3 code units of 4 bytes.
    {26, "3w", kErr, 12, 12, "w = UCS-4"},
    {27, "u", kErr, kErr, 2, "numpy #12373 (NotImplementedError); PEP: UCS-2"},
    {28, "x", 1, 1, 1, ""},
    {29, "3s", 3, 3, 3, "doc"},
    {29, "0s", 0, 0, 0, "doc ('0s' special)"},
    {29, "10s", 10, 10, 10, "doc"},
    {30, "3p", 3, kErr, 3, ""},
    {31, "@ci", 8, 8, 8, "doc example"},
    // struct adds no trailing padding; numpy and C pad the item to its alignment.
    {32, "@ic", 5, 8, 8, "doc 5; numpy test (ix family) 8"},
    {33, "=ci", 5, 5, 5, "doc"},
    {33, "<ci", 5, 5, 5, "doc"},
    {34, "^ci", kErr, 5, 5, "buffmt.pyx"},
    {35, "@llh", 18, 24, 24, "doc 18"},
    {36, "@llh0l", 24, 24, 24, "doc"},
    {37, "@lhl", 24, 24, 24, "doc"},
    {38, "<qh6xq", 24, 24, 24, "doc"},
    {38, "<qqh6x", 24, 24, 24, "doc"},
    {39, "ic0i", 8, 8, 8, "Cython C3"},
    {40, "ix", 5, 8, 8, "numpy test_trailing_padding; numpy#9054"},
    {41, "^ix", kErr, 5, 5, "numpy test"},
    {42, "i7x", 11, 12, 12, "numpy test"},
    {43, "c0i", 4, 4, 4, ""},
    {44, "2 i", kErr, 8, 8, "doc: no whitespace inside count/code (struct); numpy strips it"},
    {45, "\ti", 4, 4, 4, "Py_ISSPACE skips a tab"},
    {46, "4h", 8, 8, 8, "buffmt.pyx"},
    {46, "3i", 12, 12, 12, "buffmt.pyx"},
    {47, "4c4s", 8, 8, 8, "numpy test_char_vs_string"},
    {48, "cccf", 8, 8, 8, "numpy#10100"},
    {48, "<cccf", 7, 7, 7, "numpy#10100"},
    {49, "T{ci}", kErr, 8, 8, ""},
    {50, "T{ic}", kErr, 8, 8, ""},
    // pep3118: T{ic} is 8 (padded, alignment 4); c at 8; 9 rounded up to 12.
    {51, "T{ic}c", kErr, 12, 12, "nested trailing padding"},
    // pep3118: T{cdc} = 24 (c 0, d 8, c 16, padded to 8); c at 24; 25 rounded to 32.
    {52, "T{cdc}c", kErr, 32, 32, "Cython C1 (x at 24)"},
    {53, "cT{ci}", kErr, 12, 12, "Cython C2 (s at 4)"},
    {54, "T{}", kErr, 0, 0, "ctypes EmptyStruct"},
    {55, "2T{ic}", kErr, 16, 16, "sub-array of 2"},
    // pep3118: '<' inside the struct is sticky; both members unaligned, alignment 1.
    {56, "T{<b:a:<i:b:}", kErr, 5, 5, ""},
    {57, "T{b:a:xxxi:b:}", kErr, 8, 8, "numpy test"},
    // pep3118: '^' inside T{} is global: x and i after the struct are unaligned: 4 + 1 + 4.
    {58, "@T{^i}xi", kErr, 9, 9, "numpy test_byteorder_inside_struct"},
    // pep3118: T{xi} = 8 aligned 4; three of them at 4: 28. With '^': 1 + 3 * 5 = 16.
    {59, "x3T{xi}", kErr, 28, 28, "numpy test_native_padding_2"},
    {59, "^x3T{xi}", kErr, 16, 16, "numpy test_native_padding_2"},
    // pep3118: T{ix} is padded to 8 (C rules), times 3.
    {60, "(3)T{ix}", kErr, 24, 24, "numpy test_intra_padding"},
    // pep3118: a 0, b 4, sub at 8 (T{b =i}: 5 bytes, alignment 1), then '=' is in force: xxx to
    // 16, c at 16: 20, outer alignment 4: 20.
    {61, "T{b:a:xxxi:b:T{b:f0:=i:f1:}:sub:xxxi:c:}", kErr, 20, 20, "numpy test_native_padding_3"},
    // pep3118: a 0, =i 1, c 5, d 6, e 7, sub (in '=' mode: b 0, xxx, i 4 = 8) at 8: 16.
    {62, "T{b:a:=i:b:b:c:b:d:b:e:T{b:f0:xxxi:f1:}:sub:}", kErr, 16, 16, "numpy test"},
    {63, "T{b:a:xxxi:b:3b:c:xi:d:}", kErr, 16, 16, "numpy test"},
    {64, "T{B:f0:xxxi:f1:B:f2:}", kErr, 12, 12, "numpy export of 'u1,i4,u1', align=True"},
    {65, "T{B:x:}", kErr, 1, 1, "numpy#7797 (exported with itemsize 4)"},
    // pep3118: the format text under C rules: the inner T{} is padded to 24, then 7 explicit x
    // follow, so x is at 31 and the item is 32 (the exporter's C struct has x at 24: the
    // format misdescribes it; see N1).
    {66, "T{T{b:c:xxxxxxxd:d:b:e:}:s:xxxxxxxb:x:}", kErr, 32, 32, "numpy N1 round-trip bug"},
    {67, "T{B:f0:i:f1:}", kErr, 8, 8, "numpy N2 (void scalar itemsize 5)"},
    {68, "(3)i", kErr, 12, 12, ""},
    {68, "(2,3)i", kErr, 24, 24, ""},
    {68, "(0)i", kErr, 0, 0, ""},
    {69, "(3)<i", kErr, 12, 12, "numpy#9049"},
    // pep3118: an order mark is an item of its own anywhere: '<' then (3)i.
    {69, "<(3)i", kErr, kErr, 12, "numpy#9049"},
    {70, "(2)(3)i", kErr, kErr, 24, "numpy#9049"},
    {71, "( 1)i", kErr, 4, 4, "Cython parse_array hang"},
    {72, "(2,)i", kErr, kErr, kErr, "empty dimension"},
    {72, "()i", kErr, kErr, kErr, "empty shape"},
    {73, "i:a:", kErr, 4, 4, "numpy N6"},
    // pep3118: names must be non-empty.
    {73, "i::", kErr, 4, kErr, "numpy N6"},
    // pep3118: a name is any bytes except ':' and NUL (section 7); spaces are part of it.
    {73, "i:a b:", kErr, 4, 4, "numpy N6"},
    {74, "i:a", kErr, kErr, kErr, "unterminated name; Cython OOB read"},
    {75, "i:a:i:a:", kErr, kErr, kErr, "numpy RuntimeError (duplicate)"},
    {76, "B:r: B:g: B:b:", kErr, 3, 3, "PEP example"},
    {77, ">i:big: <i:little:", kErr, 8, 8, "PEP example"},
    {78, "i:ival: T{ H:sval: B:bval: B:cval: }:sub:", kErr, 8, 8, "PEP example"},
    {79, "i:ival: (16,4)d:data:", kErr, 520, 520, "PEP example (4 + 4 pad + 512)"},
    // pep3118: i at 0, unaligned i at 4; item alignment 4: 8.
    {80, "i<i", kErr, 8, 8, "PEP allows mid-string order"},
    {80, "<i>i", kErr, 8, 8, "PEP allows mid-string order"},
    // numpy: N3 parse bugs (stray '}' ends parsing; unterminated T{ accepted): rejected by design.
    {81, "i}xyz", kErr, kErr, kErr, "numpy N3"},
    {81, "T{i}}q", kErr, kErr, kErr, "numpy N3"},
    {81, "T{i", kErr, kErr, kErr, "numpy N3"},
    // numpy: only the fast path accepts a trailing order mark (the slow path raises IndexError).
    // pep3118: an order mark is an item; a trailing one changes nothing: 4.
    {82, "i>", kErr, kErr, 4, "numpy fast path (N4)"},
    // pep3118: pointers and function pointers are sizeof(void *) = 8.
    {83, "&<b", kErr, kErr, 8, "ctypes emits these; numpy NotImplementedError"},
    {83, "&(2)<h", kErr, kErr, 8, "ctypes emits these; numpy NotImplementedError"},
    {83, "X{}", kErr, kErr, 8, "ctypes emits these; numpy NotImplementedError"},
    {84, "T{<b:x:3x<I:y:}", kErr, 8, 8, "ctypes tests (current)"},
    {84, "T{<I:x:<b:y:3x}", kErr, 8, 8, "ctypes tests (current)"},
    // pep3118: '<' is sticky: x = 6 * 8 = 48, then 4 * T{16} unaligned = 64: 112.
    {85, "T{(2,3)<q:x:(4)T{<q:x:<q:y:}:y:}", kErr, 112, 112, "ctypes StructWithArrays"},
    {86, "^T{b:a:3xi:b:}", kErr, 8, 8, "pybind11 style"},
    {86, "^T{i:a:c:b:3x}", kErr, 8, 8, "pybind11 style"},
    // struct: Zd/Zf are 3.15 only. Complex alignment = component alignment.
    {87, "cZd", kErr, 24, 24, "24 in 3.15"},
    {87, "cZf", kErr, 12, 12, "12 in 3.15"},
    {87, "<cZd", kErr, 17, 17, "17 in 3.15"},
    {88, "", 0, 0, 0, "empty format"},
    {89, "3", kErr, kErr, kErr, "repeat count given without format specifier"},
    // numpy: no value stated (numpy's V dtype cannot be that large).
    {90, "9223372036854775807x", 9223372036854775807, kNA, 9223372036854775807,
     "overflow boundary"},
};
// clang-format on

TEST(FormatVectors, Section9Itemsize) {
  for (const Vector& v : kVectors) {
    SCOPED_TRACE("row " + std::to_string(v.row) + " (" + v.note + ")");
    ExpectItemsize(v.format, Dialect::kStruct, v.struct_size);
    ExpectItemsize(v.format, Dialect::kNumpy, v.numpy_size);
    ExpectItemsize(v.format, Dialect::kPep3118, v.pep_size);
  }
}

// ---------------------------------------------------------------------------------------------
// Section 9, field offsets.

// The fields at `path` (indices among the non-padding fields, descending into T{} members).
std::vector<FieldLayout> FieldsAt(const Layout& layout, const std::vector<size_t>& path) {
  std::vector<FieldLayout> fields = layout.fields;
  for (size_t index : path) {
    std::vector<FieldLayout> values;
    for (const FieldLayout& f : fields) {
      if (!f.padding) values.push_back(f);
    }
    if (index >= values.size()) return {};
    fields = values[index].members;
  }
  std::vector<FieldLayout> values;
  for (const FieldLayout& f : fields) {
    if (!f.padding) values.push_back(f);
  }
  return values;
}

struct OffsetVector {
  int row;
  const char* format;
  Dialect dialect;
  std::vector<size_t> path;
  std::vector<uint64_t> offsets;  // of the non-padding fields at `path`
  const char* note;
};

const OffsetVector kOffsetVectors[] = {
    {31, "@ci", Dialect::kStruct, {}, {0, 4}, "doc example"},
    {31, "@ci", Dialect::kNumpy, {}, {0, 4}, "numpy probe"},
    {31, "@ci", Dialect::kPep3118, {}, {0, 4}, "C rules"},
    {32, "@ic", Dialect::kStruct, {}, {0, 4}, "doc"},
    {32, "@ic", Dialect::kNumpy, {}, {0, 4}, "numpy probe"},
    {33, "=ci", Dialect::kStruct, {}, {0, 1}, "doc"},
    {33, "<ci", Dialect::kNumpy, {}, {0, 1}, "numpy probe"},
    {33, "<ci", Dialect::kPep3118, {}, {0, 1}, "standard mode: no alignment"},
    {35, "@llh", Dialect::kStruct, {}, {0, 8, 16}, "doc"},
    {36, "@llh0l", Dialect::kStruct, {}, {0, 8, 16, 24}, "doc: 0l aligns"},
    {36, "@llh0l", Dialect::kNumpy, {}, {0, 8, 16, 24}, "numpy probe"},
    {36, "@llh0l", Dialect::kPep3118, {}, {0, 8, 16, 24}, "C rules"},
    {38, "<qh6xq", Dialect::kNumpy, {}, {0, 8, 16}, "numpy probe"},
    {39, "ic0i", Dialect::kStruct, {}, {0, 4, 8}, "struct"},
    {43, "c0i", Dialect::kNumpy, {}, {0, 4}, "numpy probe"},
    {47, "4c4s", Dialect::kNumpy, {}, {0, 4}, "numpy test_char_vs_string"},
    {48, "cccf", Dialect::kStruct, {}, {0, 1, 2, 4}, "struct"},
    {48, "<cccf", Dialect::kNumpy, {}, {0, 1, 2, 3}, "numpy probe"},
    {52, "T{cdc}c", Dialect::kNumpy, {}, {0, 24}, "formats.md: x at 24"},
    {52, "T{cdc}c", Dialect::kPep3118, {}, {0, 24}, "C rules"},
    {52, "T{cdc}c", Dialect::kPep3118, {0}, {0, 8, 16}, "C rules"},
    {53, "cT{ci}", Dialect::kNumpy, {}, {0, 4}, "formats.md: s at 4"},
    {53, "cT{ci}", Dialect::kPep3118, {}, {0, 4}, "C rules"},
    {53, "cT{ci}", Dialect::kPep3118, {1}, {0, 4}, "C rules"},
    {56, "T{<b:a:<i:b:}", Dialect::kNumpy, {0}, {0, 1}, "numpy probe"},
    {58, "@T{^i}xi", Dialect::kNumpy, {}, {0, 5}, "numpy test_byteorder_inside_struct"},
    {58, "@T{^i}xi", Dialect::kPep3118, {}, {0, 5}, "global mode"},
    {59, "x3T{xi}", Dialect::kNumpy, {}, {4}, "numpy test_native_padding_2"},
    {59, "x3T{xi}", Dialect::kPep3118, {0}, {4}, "C rules"},
    {59, "^x3T{xi}", Dialect::kNumpy, {}, {1}, "numpy test_native_padding_2"},
    {61,
     "T{b:a:xxxi:b:T{b:f0:=i:f1:}:sub:xxxi:c:}",
     Dialect::kNumpy,
     {0},
     {0, 4, 8, 16},
     "numpy test_native_padding_3"},
    {61,
     "T{b:a:xxxi:b:T{b:f0:=i:f1:}:sub:xxxi:c:}",
     Dialect::kPep3118,
     {0, 2},
     {0, 1},
     "'=' inside sub"},
    {62,
     "T{b:a:=i:b:b:c:b:d:b:e:T{b:f0:xxxi:f1:}:sub:}",
     Dialect::kNumpy,
     {0},
     {0, 1, 5, 6, 7, 8},
     "numpy test"},
    {62,
     "T{b:a:=i:b:b:c:b:d:b:e:T{b:f0:xxxi:f1:}:sub:}",
     Dialect::kPep3118,
     {0, 5},
     {0, 4},
     "sticky '='"},
    {63, "T{b:a:xxxi:b:3b:c:xi:d:}", Dialect::kNumpy, {0}, {0, 4, 8, 12}, "numpy test"},
    {64, "T{B:f0:xxxi:f1:B:f2:}", Dialect::kNumpy, {0}, {0, 4, 8}, "numpy export"},
    {64, "T{B:f0:xxxi:f1:B:f2:}", Dialect::kPep3118, {0}, {0, 4, 8}, "C rules"},
    // N1: numpy puts x at 31 (the exporter's C struct has it at 24).
    {66,
     "T{T{b:c:xxxxxxxd:d:b:e:}:s:xxxxxxxb:x:}",
     Dialect::kNumpy,
     {0},
     {0, 31},
     "numpy N1: x at 31"},
    // pep3118: the same text under C rules also gives 31 (inner T{} padded to 24, then 7 x).
    {66,
     "T{T{b:c:xxxxxxxd:d:b:e:}:s:xxxxxxxb:x:}",
     Dialect::kPep3118,
     {0},
     {0, 31},
     "C rules on the format text"},
    {66,
     "T{T{b:c:xxxxxxxd:d:b:e:}:s:xxxxxxxb:x:}",
     Dialect::kNumpy,
     {0, 0},
     {0, 8, 16},
     "numpy N1"},
    {76, "B:r: B:g: B:b:", Dialect::kNumpy, {}, {0, 1, 2}, "PEP example"},
    {77, ">i:big: <i:little:", Dialect::kPep3118, {}, {0, 4}, "PEP example"},
    {78, "i:ival: T{ H:sval: B:bval: B:cval: }:sub:", Dialect::kNumpy, {}, {0, 4}, "PEP example"},
    {78,
     "i:ival: T{ H:sval: B:bval: B:cval: }:sub:",
     Dialect::kPep3118,
     {1},
     {0, 2, 3},
     "PEP example"},
    {79, "i:ival: (16,4)d:data:", Dialect::kNumpy, {}, {0, 8}, "PEP example"},
    {79, "i:ival: (16,4)d:data:", Dialect::kPep3118, {}, {0, 8}, "PEP example"},
    {80, "i<i", Dialect::kPep3118, {}, {0, 4}, "mid-string order"},
    {84, "T{<b:x:3x<I:y:}", Dialect::kNumpy, {0}, {0, 4}, "ctypes tests"},
    {84, "T{<I:x:<b:y:3x}", Dialect::kPep3118, {0}, {0, 4}, "ctypes tests"},
    {85, "T{(2,3)<q:x:(4)T{<q:x:<q:y:}:y:}", Dialect::kNumpy, {0}, {0, 48}, "ctypes"},
    {85, "T{(2,3)<q:x:(4)T{<q:x:<q:y:}:y:}", Dialect::kPep3118, {0}, {0, 48}, "ctypes"},
    {86, "^T{b:a:3xi:b:}", Dialect::kNumpy, {0}, {0, 4}, "pybind11 style"},
    {86, "^T{i:a:c:b:3x}", Dialect::kPep3118, {0}, {0, 4}, "pybind11 style"},
    {87, "cZd", Dialect::kNumpy, {}, {0, 8}, "complex alignment = component alignment"},
    {87, "cZf", Dialect::kNumpy, {}, {0, 4}, "complex64 alignment 4 (numpy#6377)"},
    {87, "cZf", Dialect::kPep3118, {}, {0, 4}, "float complex alignment 4"},
    {87, "<cZd", Dialect::kPep3118, {}, {0, 1}, "standard mode"},
};

TEST(FormatVectors, Section9Offsets) {
  for (const OffsetVector& v : kOffsetVectors) {
    SCOPED_TRACE("row " + std::to_string(v.row) + " (" + v.note + ") " +
                 Describe(v.format, v.dialect) + " path size " + std::to_string(v.path.size()));
    FormatResult r = AnalyzeFormat(v.format, v.dialect);
    ASSERT_TRUE(r.ok()) << r.error().position << ": " << r.error().message;
    std::vector<uint64_t> offsets;
    for (const FieldLayout& f : FieldsAt(r.layout(), v.path)) offsets.push_back(f.offset);
    EXPECT_EQ(offsets, v.offsets);
  }
}

TEST(FormatVectors, NamesAndShapes) {
  FormatResult rgb = AnalyzeFormat("B:r: B:g: B:b:", Dialect::kPep3118);
  ASSERT_TRUE(rgb.ok());
  ASSERT_EQ(rgb.layout().fields.size(), 3u);
  EXPECT_EQ(rgb.layout().fields[0].name, "r");
  EXPECT_EQ(rgb.layout().fields[1].name, "g");
  EXPECT_EQ(rgb.layout().fields[2].name, "b");
  EXPECT_TRUE(rgb.layout().fields[2].named);

  // numpy N6 and section 7: a name keeps its spaces (numpy strips whitespace outside names only).
  for (Dialect d : {Dialect::kNumpy, Dialect::kPep3118}) {
    SCOPED_TRACE(DialectName(d));
    FormatResult r = AnalyzeFormat("i:a b:", d);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r.layout().fields[0].name, "a b");
  }
  // numpy N6: an empty name is accepted by numpy.
  FormatResult empty = AnalyzeFormat("i::", Dialect::kNumpy);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty.layout().fields[0].named);
  EXPECT_EQ(empty.layout().fields[0].name, "");

  // Row 79: (16,4)d: shape 16x4, element 8 bytes, extent 512.
  FormatResult data = AnalyzeFormat("i:ival: (16,4)d:data:", Dialect::kPep3118);
  ASSERT_TRUE(data.ok());
  const FieldLayout& d = data.layout().fields[1];
  EXPECT_EQ(d.shape, (std::vector<uint64_t>{16, 4}));
  EXPECT_EQ(d.size, 8u);
  EXPECT_EQ(d.stride, 8u);
  EXPECT_EQ(d.extent, 512u);
  EXPECT_EQ(d.alignment, 8u);

  // Row 60: the element of (3)T{ix} has stride 8 (the struct is padded to its alignment).
  for (Dialect dialect : {Dialect::kNumpy, Dialect::kPep3118}) {
    SCOPED_TRACE(DialectName(dialect));
    FormatResult r = AnalyzeFormat("(3)T{ix}", dialect);
    ASSERT_TRUE(r.ok());
    const FieldLayout& t = r.layout().fields[0];
    EXPECT_EQ(t.shape, (std::vector<uint64_t>{3}));
    EXPECT_EQ(t.stride, 8u);
    EXPECT_EQ(t.extent, 24u);
  }

  // Row 3: '>' resolves to big-endian; '!' too; '<' and '=' little-endian on x86-64.
  EXPECT_EQ(AnalyzeFormat(">i", Dialect::kStruct).layout().fields[0].byte_order, '>');
  EXPECT_EQ(AnalyzeFormat("!i", Dialect::kStruct).layout().fields[0].byte_order, '>');
  EXPECT_EQ(AnalyzeFormat("=i", Dialect::kStruct).layout().fields[0].byte_order, '<');

  // Row 26: numpy reads 3w as one 12-byte string (U3); pep3118 as three 4-byte code units.
  FormatResult w_numpy = AnalyzeFormat("3w", Dialect::kNumpy);
  ASSERT_TRUE(w_numpy.ok());
  EXPECT_TRUE(w_numpy.layout().fields[0].shape.empty());
  EXPECT_EQ(w_numpy.layout().fields[0].size, 12u);
  FormatResult w_pep = AnalyzeFormat("3w", Dialect::kPep3118);
  ASSERT_TRUE(w_pep.ok());
  EXPECT_EQ(w_pep.layout().fields[0].shape, (std::vector<uint64_t>{3}));
  EXPECT_EQ(w_pep.layout().fields[0].size, 4u);

  // 't': the count is bits; 12t is 2 bytes.
  FormatResult bits = AnalyzeFormat("12t", Dialect::kPep3118);
  ASSERT_TRUE(bits.ok());
  EXPECT_EQ(bits.layout().fields[0].bits, 12u);
  EXPECT_EQ(bits.layout().fields[0].size, 2u);
  EXPECT_EQ(bits.layout().itemsize, 2u);
}

// ---------------------------------------------------------------------------------------------
// 2. Error cases: position and a message that names the problem.

struct ErrorCase {
  std::string format;
  Dialect dialect;
  size_t position;
  std::vector<const char*> words;  // the message contains at least one of these
  const char* note;
};

// `levels` nested structs around one 'i': "T{T{...i...}}".
std::string Nested(int levels) {
  std::string s;
  for (int i = 0; i < levels; ++i) s += "T{";
  s += "i";
  for (int i = 0; i < levels; ++i) s += "}";
  return s;
}

TEST(FormatErrors, PositionsAndMessages) {
  const std::string nul("i\0i", 3);
  const ErrorCase cases[] = {
      // Unterminated name: points at the ':' that opens it.
      {"i:a", Dialect::kNumpy, 1, {"unterminated"}, "numpy ValueError; Cython OOB read"},
      {"i:a", Dialect::kPep3118, 1, {"unterminated"}, "row 74"},
      {"i:a", Dialect::kStruct, 1, {"':'"}, "struct: bad char ':'"},
      // Unterminated struct: points at the 'T{' that opens it, like the name and shape errors.
      {"T{i", Dialect::kNumpy, 0, {"unterminated"}, "numpy N3 accepts; rejected by design"},
      {"T{i", Dialect::kPep3118, 0, {"unterminated"}, "row 81"},
      {"T{i", Dialect::kStruct, 0, {"'T'"}, "struct: bad char 'T'"},
      // Stray '}'.
      {"i}xyz", Dialect::kNumpy, 1, {"'}'"}, "numpy N3 accepts; rejected by design"},
      {"i}xyz", Dialect::kPep3118, 1, {"'}'"}, "row 81"},
      {"i}xyz", Dialect::kStruct, 1, {"'}'"}, "struct: bad char"},
      {"T{i}}q", Dialect::kNumpy, 4, {"'}'"}, "numpy N3"},
      {"}", Dialect::kNumpy, 0, {"'}'"}, "numpy N3: '}' -> empty dtype"},
      // Shapes: struct has none.
      {"( 1)i", Dialect::kStruct, 0, {"'('"}, "row 71"},
      {"(2,)i", Dialect::kPep3118, 3, {"dimension"}, "row 72"},
      {"()i", Dialect::kNumpy, 1, {"dimension"}, "row 72"},
      {"(2", Dialect::kPep3118, 0, {"unterminated"}, "unterminated shape"},
      // 20-digit counts overflow Py_ssize_t.
      {"99999999999999999999i", Dialect::kStruct, 0, {"exceeds", "too long"}, "struct.error"},
      {"99999999999999999999i", Dialect::kNumpy, 0, {"exceeds", "too long"}, ""},
      {"99999999999999999999i", Dialect::kPep3118, 0, {"exceeds", "too long"}, ""},
      // The total size overflows at the second x.
      {"9223372036854775807xx", Dialect::kStruct, 20, {"exceeds", "too long"}, "row 90"},
      {"9223372036854775807xx", Dialect::kNumpy, 20, {"exceeds", "too long"}, "row 90"},
      {"9223372036854775807xx", Dialect::kPep3118, 20, {"exceeds", "too long"}, "row 90"},
      // The fields fit, but the item's trailing padding to its alignment overflows: blamed on
      // the last field (struct adds no trailing padding: PY_SSIZE_T_MAX bytes, accepted).
      {"i9223372036854775803x", Dialect::kNumpy, 1, {"exceeds", "too long"}, "trailing pad"},
      {"i9223372036854775803x", Dialect::kPep3118, 1, {"exceeds", "too long"}, "trailing pad"},
      {"g9223372036854775791x", Dialect::kPep3118, 1, {"exceeds", "too long"}, "trailing pad"},
      {"T{i9223372036854775803x}", Dialect::kPep3118, 3, {"exceeds", "too long"}, "nested"},
      {"4611686018427387904h", Dialect::kStruct, 0, {"exceeds", "too long"}, "2^62 * 2"},
      {"4611686018427387904h", Dialect::kNumpy, 0, {"exceeds", "too long"}, "2^62 * 2"},
      {"4611686018427387904h", Dialect::kPep3118, 0, {"exceeds", "too long"}, "2^62 * 2"},
      // Embedded NUL.
      {nul, Dialect::kStruct, 1, {"NUL", "null"}, "struct.error embedded null character"},
      {nul, Dialect::kNumpy, 1, {"NUL", "null"}, ""},
      {nul, Dialect::kPep3118, 1, {"NUL", "null"}, ""},
      // Nesting: 65 levels of T{ is too deep; the 65th 'T' is at 128.
      {Nested(65), Dialect::kNumpy, 128, {"nesting"}, "kMaxNesting 64"},
      {Nested(65), Dialect::kPep3118, 128, {"nesting"}, "kMaxNesting 64"},
      // A count at the end: where the format code should be.
      {"3", Dialect::kStruct, 1, {"repeat count given without format specifier"}, "row 89"},
      {"3", Dialect::kNumpy, 1, {"repeat count given without format specifier"}, "row 89"},
      {"3", Dialect::kPep3118, 1, {"repeat count given without format specifier"}, "row 89"},
      // struct: an order mark only as the very first character (section 2.1).
      {" <i", Dialect::kStruct, 1, {"'<'"}, "struct: bad char"},
      {"<<i", Dialect::kStruct, 1, {"'<'"}, "struct: bad char"},
      {"<<i", Dialect::kNumpy, 1, {"'<'"}, "numpy: Unknown specifier '<i'"},
      // struct: no whitespace between a count and its code.
      {"2 i", Dialect::kStruct, 1, {"whitespace"}, "row 44"},
      // Native-only codes in standard mode. A code error points at its field; in numpy the order
      // mark is a prefix of the field (shape, order, count, code), elsewhere an item of its own.
      {"<P", Dialect::kStruct, 1, {"native"}, "row 13"},
      {"=n", Dialect::kStruct, 1, {"native"}, "section 2.1"},
      {"<P", Dialect::kPep3118, 1, {"native"}, "row 13"},
      {"<n", Dialect::kPep3118, 1, {"native"}, "row 11"},
      {"<g", Dialect::kNumpy, 0, {"native"}, "row 17"},
      {"<P", Dialect::kNumpy, 0, {"'P'"}, "row 13: numpy has no P"},
      // struct has no '^'.
      {"^i", Dialect::kStruct, 0, {"'^'"}, "row 5"},
      // 'Z' must precede f, d or g.
      {"Zi", Dialect::kPep3118, 0, {"'Z'"}, "row 23"},
      {"Zi", Dialect::kNumpy, 0, {"'Z'"}, "row 23 (numpy fast-path bug)"},
      // Names.
      {"i::", Dialect::kPep3118, 1, {"empty"}, "row 73: names must be non-empty"},
      {"i:a:i:a:", Dialect::kNumpy, 4, {"duplicate"}, "row 75"},
      {"i:a:i:a:", Dialect::kPep3118, 4, {"duplicate"}, "row 75"},
      // Codes a dialect does not have.
      {"Zd", Dialect::kStruct, 0, {"'Zd'"}, "row 19: 3.15 only"},
      {"u", Dialect::kNumpy, 0, {"'u'"}, "row 27: NotImplementedError"},
      {"&<b", Dialect::kNumpy, 0, {"'&'"}, "row 83: NotImplementedError"},
  };
  for (const ErrorCase& c : cases) {
    SCOPED_TRACE(Describe(c.format, c.dialect) + " (" + c.note + ")");
    FormatResult r = AnalyzeFormat(c.format, c.dialect);
    ASSERT_FALSE(r.ok()) << "accepted with itemsize " << r.layout().itemsize;
    EXPECT_EQ(r.error().position, c.position) << r.error().message;
    bool mentioned = false;
    for (const char* w : c.words) mentioned = mentioned || MentionsAny(r.error().message, {w});
    EXPECT_TRUE(mentioned) << "message: " << r.error().message;
  }
}

TEST(FormatErrors, AcceptedCounterparts) {
  // '( 1)i': numpy (whitespace stripped) and pep3118 (whitespace inside shapes) give shape (1).
  for (Dialect d : {Dialect::kNumpy, Dialect::kPep3118}) {
    SCOPED_TRACE(DialectName(d));
    FormatResult r = AnalyzeFormat("( 1)i", d);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.layout().itemsize, 4u);
    EXPECT_EQ(r.layout().fields[0].shape, (std::vector<uint64_t>{1}));
  }
  // The overflow boundary is exactly PY_SSIZE_T_MAX.
  const uint64_t max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  for (Dialect d : {Dialect::kStruct, Dialect::kPep3118}) {
    SCOPED_TRACE(DialectName(d));
    FormatResult r = AnalyzeFormat("9223372036854775807x", d);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r.layout().itemsize, max);
  }
  // struct.calcsize('4611686018427387903h') == 2^63 - 2.
  ExpectItemsize("4611686018427387903h", Dialect::kStruct, 9223372036854775806);
  // 64 levels of T{ are fine.
  ExpectItemsize(Nested(64), Dialect::kNumpy, 4);
  ExpectItemsize(Nested(64), Dialect::kPep3118, 4);
  ExpectItemsize(Nested(64), Dialect::kStruct, kErr);
  // Leading whitespace and repeated order marks outside struct.
  ExpectItemsize(" <i", Dialect::kNumpy, 4);
  ExpectItemsize(" <i", Dialect::kPep3118, 4);
  ExpectItemsize("<<i", Dialect::kPep3118, 4);
  // ' 2i': struct allows whitespace before a count (section 2.1).
  ExpectItemsize(" 2i", Dialect::kStruct, 8);
  // '2 i': numpy strips whitespace (N7); pep3118 allows it between count and code.
  ExpectItemsize("2 i", Dialect::kNumpy, 8);
  ExpectItemsize("2 i", Dialect::kPep3118, 8);
  // '^i': numpy and pep3118 have '^' (native size, no alignment).
  ExpectItemsize("^i", Dialect::kNumpy, 4);
  ExpectItemsize("^i", Dialect::kPep3118, 4);
  // '<' and '@' alone are valid for struct (section 2.1).
  ExpectItemsize("<", Dialect::kStruct, 0);
  ExpectItemsize("@", Dialect::kStruct, 0);
  // 'F' (float complex, CPython 3.14+ spelling): not in 3.11 struct nor numpy; pep3118 8.
  ExpectItemsize("F", Dialect::kStruct, kErr);
  ExpectItemsize("F", Dialect::kNumpy, kErr);
  ExpectItemsize("F", Dialect::kPep3118, 8);
  ExpectItemsize("cF", Dialect::kPep3118, 12);
  // n and P in native mode are fine for struct.
  ExpectItemsize("=i", Dialect::kStruct, 4);
  ExpectItemsize("@n", Dialect::kStruct, 8);
  // Whitespace inside numpy shapes (N7): '( 2 , 3 )i' -> 24.
  ExpectItemsize("( 2 , 3 )i", Dialect::kNumpy, 24);
  ExpectItemsize("( 2 , 3 )i", Dialect::kPep3118, 24);
}

// ---------------------------------------------------------------------------------------------
// 3. Values.

Layout LayoutOf(std::string_view format, Dialect d) {
  FormatResult r = AnalyzeFormat(format, d);
  EXPECT_TRUE(r.ok()) << Describe(format, d) << ": " << r.error().message;
  return r.ok() ? r.layout() : Layout{};
}

TEST(FormatValues, DecodeIntegers) {
  const std::vector<uint8_t> one = {0x01, 0x00, 0x00, 0x00};
  Value v = DecodeItem(LayoutOf("<i", Dialect::kStruct), one.data());
  ASSERT_EQ(v.shape, Value::Shape::kStruct);
  ASSERT_EQ(v.items.size(), 1u);
  EXPECT_EQ(v.items[0].AsSigned(), 1);
  EXPECT_EQ(v.items[0].kind, ValueKind::kSigned);

  const std::vector<uint8_t> minus_one = {0xff, 0xff, 0xff, 0xff};
  EXPECT_EQ(DecodeItem(LayoutOf("<i", Dialect::kStruct), minus_one.data()).items[0].AsSigned(), -1);
  EXPECT_EQ(DecodeItem(LayoutOf("<I", Dialect::kStruct), minus_one.data()).items[0].AsUnsigned(),
            0xffffffffu);

  // '>h': big-endian in memory.
  const std::vector<uint8_t> be = {0x01, 0x02};
  EXPECT_EQ(DecodeItem(LayoutOf(">h", Dialect::kStruct), be.data()).items[0].AsSigned(), 0x0102);
  const std::vector<uint8_t> be_neg = {0xff, 0xfe};
  EXPECT_EQ(DecodeItem(LayoutOf(">h", Dialect::kStruct), be_neg.data()).items[0].AsSigned(), -2);
  EXPECT_EQ(DecodeItem(LayoutOf("<h", Dialect::kStruct), be.data()).items[0].AsSigned(), 0x0201);

  // '?'.
  const std::vector<uint8_t> t = {0x01};
  Value b = DecodeItem(LayoutOf("?", Dialect::kStruct), t.data()).items[0];
  EXPECT_EQ(b.kind, ValueKind::kBool);
  EXPECT_EQ(b.AsUnsigned(), 1u);
}

TEST(FormatValues, DecodeFloats) {
  // 'e': 0x3c00 is 1.0 (little-endian bytes 00 3c).
  const std::vector<uint8_t> half = {0x00, 0x3c};
  EXPECT_EQ(DecodeItem(LayoutOf("e", Dialect::kStruct), half.data()).items[0].AsFloat(), 1.0L);
  const std::vector<uint8_t> half_neg = {0x00, 0xc0};  // -2.0
  EXPECT_EQ(DecodeItem(LayoutOf("<e", Dialect::kStruct), half_neg.data()).items[0].AsFloat(),
            -2.0L);
  const std::vector<uint8_t> half_min = {0x01, 0x00};  // smallest subnormal 2^-24
  EXPECT_EQ(DecodeItem(LayoutOf("e", Dialect::kStruct), half_min.data()).items[0].AsFloat(),
            std::ldexp(1.0L, -24));

  // 'Zd': real then imaginary double.
  std::vector<uint8_t> zd(16);
  const double re = 1.5, im = -2.25;
  std::memcpy(zd.data(), &re, 8);
  std::memcpy(zd.data() + 8, &im, 8);
  for (Dialect d : {Dialect::kNumpy, Dialect::kPep3118}) {
    SCOPED_TRACE(DialectName(d));
    Value z = DecodeItem(LayoutOf("Zd", d), zd.data()).items[0];
    EXPECT_EQ(z.kind, ValueKind::kComplex);
    EXPECT_EQ(z.AsFloat(), 1.5L);
    EXPECT_EQ(z.Imag(), -2.25L);
  }
  // '>Zd': each half byte-swapped on its own.
  std::vector<uint8_t> zd_be(16);
  for (size_t i = 0; i < 8; ++i) {
    zd_be[i] = zd[7 - i];
    zd_be[8 + i] = zd[15 - i];
  }
  Value z_be = DecodeItem(LayoutOf(">Zd", Dialect::kPep3118), zd_be.data()).items[0];
  EXPECT_EQ(z_be.AsFloat(), 1.5L);
  EXPECT_EQ(z_be.Imag(), -2.25L);

  // NaN is equal to itself by bits; -0.0 differs from 0.0.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<uint8_t> nan_bytes(8);
  std::memcpy(nan_bytes.data(), &nan, 8);
  const Layout d_layout = LayoutOf("d", Dialect::kStruct);
  Value n1 = DecodeItem(d_layout, nan_bytes.data());
  Value n2 = DecodeItem(d_layout, nan_bytes.data());
  EXPECT_TRUE(std::isnan(static_cast<double>(n1.items[0].AsFloat())));
  EXPECT_EQ(n1, n2);
  const double pz = 0.0, nz = -0.0;
  std::vector<uint8_t> pz_bytes(8), nz_bytes(8);
  std::memcpy(pz_bytes.data(), &pz, 8);
  std::memcpy(nz_bytes.data(), &nz, 8);
  EXPECT_NE(DecodeItem(d_layout, pz_bytes.data()), DecodeItem(d_layout, nz_bytes.data()));

  // 'g': 80-bit extended in 16 bytes; the 6 tail bytes are padding and do not matter.
  const long double g = -3.25L;
  std::vector<uint8_t> g1(16, 0x00), g2(16, 0xab);
  std::memcpy(g1.data(), &g, 10);
  std::memcpy(g2.data(), &g, 10);
  const Layout g_layout = LayoutOf("g", Dialect::kNumpy);
  Value gv1 = DecodeItem(g_layout, g1.data());
  Value gv2 = DecodeItem(g_layout, g2.data());
  EXPECT_EQ(gv1, gv2);
  EXPECT_EQ(gv1.items[0].AsFloat(), -3.25L);
  std::vector<uint8_t> g_mask(16, 0x00);
  for (size_t i = 0; i < 10; ++i) g_mask[i] = 0xff;
  EXPECT_EQ(SignificantBits(g_layout), g_mask);
  EXPECT_EQ(EncodeItem(g_layout, gv2), g1);
}

TEST(FormatValues, DecodeBytesArraysStructs) {
  // '4s': one 4-byte string.
  const std::vector<uint8_t> abcd = {'a', 'b', 'c', 'd'};
  Value s = DecodeItem(LayoutOf("4s", Dialect::kStruct), abcd.data());
  ASSERT_EQ(s.items.size(), 1u);
  EXPECT_EQ(s.items[0].kind, ValueKind::kBytes);
  EXPECT_EQ(s.items[0].bytes, abcd);

  // '(2)i': one array field of two items.
  const std::vector<uint8_t> two = {0x01, 0x00, 0x00, 0x00, 0xfe, 0xff, 0xff, 0xff};
  for (Dialect d : {Dialect::kNumpy, Dialect::kPep3118}) {
    SCOPED_TRACE(DialectName(d));
    Value a = DecodeItem(LayoutOf("(2)i", d), two.data());
    ASSERT_EQ(a.items.size(), 1u);
    ASSERT_EQ(a.items[0].shape, Value::Shape::kArray);
    ASSERT_EQ(a.items[0].items.size(), 2u);
    EXPECT_EQ(a.items[0].items[0].AsSigned(), 1);
    EXPECT_EQ(a.items[0].items[1].AsSigned(), -2);
  }
  // struct: '2i' is two values in the layout too (one repeated field).
  Value two_i = DecodeItem(LayoutOf("2i", Dialect::kStruct), two.data());
  ASSERT_EQ(two_i.items.size(), 1u);
  ASSERT_EQ(two_i.items[0].items.size(), 2u);
  EXPECT_EQ(two_i.items[0].items[1].AsSigned(), -2);

  // 'T{i:a:c:b:}': a struct value with its member names; c at 4, 3 bytes of trailing padding.
  const std::vector<uint8_t> st = {0x07, 0x00, 0x00, 0x00, 'z', 0x11, 0x22, 0x33};
  for (Dialect d : {Dialect::kNumpy, Dialect::kPep3118}) {
    SCOPED_TRACE(DialectName(d));
    const Layout layout = LayoutOf("T{i:a:c:b:}", d);
    EXPECT_EQ(layout.itemsize, 8u);
    Value v = DecodeItem(layout, st.data());
    ASSERT_EQ(v.items.size(), 1u);
    const Value& t = v.items[0];
    ASSERT_EQ(t.shape, Value::Shape::kStruct);
    EXPECT_EQ(t.names, (std::vector<std::string>{"a", "b"}));
    ASSERT_EQ(t.items.size(), 2u);
    EXPECT_EQ(t.items[0].AsSigned(), 7);
    EXPECT_EQ(t.items[1].bytes, std::vector<uint8_t>{'z'});
  }

  // 'x' padding is skipped: '<bxh' has two values.
  const std::vector<uint8_t> bxh = {0x80, 0x55, 0x34, 0x12};
  Value p = DecodeItem(LayoutOf("<bxh", Dialect::kStruct), bxh.data());
  ASSERT_EQ(p.items.size(), 2u);
  EXPECT_EQ(p.items[0].AsSigned(), -128);
  EXPECT_EQ(p.items[1].AsSigned(), 0x1234);
  EXPECT_EQ(SignificantBits(LayoutOf("<bxh", Dialect::kStruct)),
            (std::vector<uint8_t>{0xff, 0x00, 0xff, 0xff}));

  // A named 'x' holds a value (numpy: a void field).
  Value named = DecodeItem(LayoutOf("x:p:", Dialect::kNumpy), bxh.data());
  ASSERT_EQ(named.items.size(), 1u);
  EXPECT_EQ(named.names, std::vector<std::string>{"p"});
}

TEST(FormatValues, Bits) {
  // '3t': 3 bits in one byte.
  const Layout layout = LayoutOf("3t", Dialect::kPep3118);
  EXPECT_EQ(layout.itemsize, 1u);
  EXPECT_EQ(SignificantBits(layout), std::vector<uint8_t>{0x07});
  const std::vector<uint8_t> all = {0xff};
  Value v = DecodeItem(layout, all.data());
  ASSERT_EQ(v.items.size(), 1u);
  EXPECT_EQ(v.items[0].kind, ValueKind::kBits);
  EXPECT_EQ(v.items[0].AsUnsigned(), 7u);
  EXPECT_EQ(EncodeItem(layout, v), std::vector<uint8_t>{0x07});
  const std::vector<uint8_t> five = {0xfd};  // low 3 bits 101
  EXPECT_EQ(DecodeItem(layout, five.data()).items[0].AsUnsigned(), 5u);
}

// encode(decode(b)) == b & SignificantBits, for deterministic pseudo-random bytes.
TEST(FormatValues, RoundTripMasksInsignificantBits) {
  struct Case {
    const char* format;
    Dialect dialect;
  };
  const Case cases[] = {
      {"@ic", Dialect::kStruct},
      {"<qh6xq", Dialect::kStruct},
      {">hiq?", Dialect::kStruct},
      {"e", Dialect::kStruct},
      {"4c4s", Dialect::kNumpy},
      {"T{cdc}c", Dialect::kNumpy},
      {"T{b:a:xxxi:b:T{b:f0:=i:f1:}:sub:xxxi:c:}", Dialect::kNumpy},
      {"i:ival: (16,4)d:data:", Dialect::kNumpy},
      {"gZg", Dialect::kNumpy},
      {">Zd<Zf", Dialect::kPep3118},
      {"(2,3)h", Dialect::kPep3118},
      {"3tc11t", Dialect::kPep3118},
      {"&<b u w O", Dialect::kPep3118},
      {"T{(2,3)<q:x:(4)T{<q:x:<q:y:}:y:}", Dialect::kPep3118},
      {"x3T{xi}", Dialect::kPep3118},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(Describe(c.format, c.dialect));
    const Layout layout = LayoutOf(c.format, c.dialect);
    std::vector<uint8_t> bytes(layout.itemsize);
    uint32_t state = 12345;
    for (uint8_t& b : bytes) {
      state = state * 1103515245u + 12345u;
      b = static_cast<uint8_t>(state >> 16);
    }
    const std::vector<uint8_t> mask = SignificantBits(layout);
    ASSERT_EQ(mask.size(), bytes.size());
    std::vector<uint8_t> expected(bytes.size());
    for (size_t i = 0; i < bytes.size(); ++i) expected[i] = bytes[i] & mask[i];
    Value v = DecodeItem(layout, bytes.data());
    EXPECT_EQ(EncodeItem(layout, v), expected);
    EXPECT_EQ(DecodeItem(layout, expected.data()), v);
  }
  // Padding bytes are not significant: the gap in '@ci', and numpy's trailing padding of '@ic'.
  EXPECT_EQ(SignificantBits(LayoutOf("@ci", Dialect::kStruct)),
            (std::vector<uint8_t>{0xff, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}));
  EXPECT_EQ(SignificantBits(LayoutOf("@ic", Dialect::kNumpy)),
            (std::vector<uint8_t>{0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0}));
}

TEST(FormatValues, EncodeRejectsMismatchedValues) {
  const Layout layout = LayoutOf("<i", Dialect::kStruct);
  Value wrong;
  wrong.shape = Value::Shape::kStruct;
  EXPECT_THROW(EncodeItem(layout, wrong), std::invalid_argument);  // too few members
}

// ---------------------------------------------------------------------------------------------
// 4. Printer.

void ExpectSameFields(const std::vector<FieldLayout>& a, const std::vector<FieldLayout>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE("field " + std::to_string(i));
    EXPECT_EQ(a[i].code, b[i].code);
    EXPECT_EQ(a[i].kind, b[i].kind);
    EXPECT_EQ(a[i].named, b[i].named);
    EXPECT_EQ(a[i].name, b[i].name);
    EXPECT_EQ(a[i].padding, b[i].padding);
    EXPECT_EQ(a[i].mode, b[i].mode);
    EXPECT_EQ(a[i].byte_order, b[i].byte_order);
    EXPECT_EQ(a[i].shape, b[i].shape);
    EXPECT_EQ(a[i].offset, b[i].offset);
    EXPECT_EQ(a[i].size, b[i].size);
    EXPECT_EQ(a[i].stride, b[i].stride);
    EXPECT_EQ(a[i].alignment, b[i].alignment);
    EXPECT_EQ(a[i].extent, b[i].extent);
    EXPECT_EQ(a[i].bits, b[i].bits);
    ExpectSameFields(a[i].members, b[i].members);
    ExpectSameFields(a[i].pointee, b[i].pointee);
  }
}

TEST(FormatPrinter, CanonicalText) {
  struct Case {
    const char* format;
    Dialect dialect;
    const char* canonical;
  };
  const Case cases[] = {
      {"B:r: B:g: B:b:", Dialect::kNumpy, "B:r:B:g:B:b:"},
      {"B:r: B:g: B:b:", Dialect::kPep3118, "B:r:B:g:B:b:"},
      {">i:big: <i:little:", Dialect::kPep3118, ">i:big:<i:little:"},
      {"i:ival: T{ H:sval: B:bval: B:cval: }:sub:", Dialect::kNumpy,
       "i:ival:T{H:sval:B:bval:B:cval:}:sub:"},
      {"i:ival: (16,4)d:data:", Dialect::kPep3118, "i:ival:(16,4)d:data:"},
      {"( 2 , 3 )i", Dialect::kNumpy, "(2,3)i"},
      {"( 2 , 3 ) < 4 i : a b :", Dialect::kPep3118, "(2,3)<4i: a b :"},
      {"2 i", Dialect::kNumpy, "2i"},
      {" 2i \t3s", Dialect::kStruct, "2i3s"},
      {"<qh6xq", Dialect::kStruct, "<qh6xq"},
      {"&(2)<h X{i->d}", Dialect::kPep3118, "&(2)<hX{i->d}"},
      {"i:a b:", Dialect::kNumpy, "i:a b:"},
      {"", Dialect::kPep3118, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(Describe(c.format, c.dialect));
    FormatResult r = AnalyzeFormat(c.format, c.dialect);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(Print(r.syntax), c.canonical);
  }
}

TEST(FormatPrinter, PrintThenParseGivesTheSameLayout) {
  std::vector<std::string> formats;
  for (const Vector& v : kVectors) formats.push_back(v.format);
  formats.push_back("( 2 , 3 ) < 4 i : a b :");
  formats.push_back("&(2)<h X{i->d}");
  formats.push_back("3tc11t");
  for (const std::string& format : formats) {
    for (Dialect d : kAllDialects) {
      FormatResult r = AnalyzeFormat(format, d);
      if (!r.ok()) continue;
      const std::string printed = Print(r.syntax);
      SCOPED_TRACE(Describe(format, d) + " printed as '" + printed + "'");
      FormatResult again = AnalyzeFormat(printed, d);
      ASSERT_TRUE(again.ok()) << again.error().message;
      EXPECT_EQ(Print(again.syntax), printed);
      EXPECT_EQ(again.layout().itemsize, r.layout().itemsize);
      EXPECT_EQ(again.layout().alignment, r.layout().alignment);
      ExpectSameFields(again.layout().fields, r.layout().fields);
    }
  }
}

}  // namespace
}  // namespace bufconf::format
