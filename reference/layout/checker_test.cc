// For every rule the checker reports: a descriptor that breaks it (and exactly the rules listed),
// and the same descriptor repaired, which breaks none of them (exactly the PORTABILITY rules
// listed, if any).
#include "reference/layout/checker.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "conformance/generators/rc_support.h"
#include "reference/layout/addressing.h"
#include "reference/layout/contiguity.h"
#include "reference/layout/descriptor_json.h"
#include "reference/layout/request.h"
#include "reference/rules/catalogue.h"

namespace bufconf::layout {
namespace {

std::set<std::string> RulesBroken(const char* text) {
  const DescriptorFile d = DescriptorFromJson(nlohmann::json::parse(text));
  std::set<std::string> rules;
  for (const Violation& v : Validate(d.view, d.memory ? &*d.memory : nullptr)) {
    EXPECT_FALSE(v.message.empty()) << v.rule;
    rules.insert(v.rule);
  }
  return rules;
}

struct Case {
  const char* rule;
  const char* violating;
  const char* passing;
  // The other rules the violating descriptor breaks (its exact set is {rule} and these), and
  // the rules the passing one still breaks (PORTABILITY: a format CPython's struct rejects).
  std::set<std::string> also = {};
  std::set<std::string> passing_also = {};
};

const Case kCases[] = {
    {"FIELDS-NDIM-RANGE", R"({"buf":"0x10","len":1,"itemsize":1,"ndim":65})",
     R"({"buf":"0x10","len":1,"itemsize":1,"ndim":1})"},
    {"FIELDS-SCALAR-NULLS", R"({"buf":"0x10","len":4,"itemsize":4,"ndim":0,"shape":[]})",
     R"({"buf":"0x10","len":4,"itemsize":4,"ndim":0})"},
    {"FIELDS-ARRAY-LENGTH", R"({"buf":"0x10","len":4,"itemsize":4,"ndim":2,"shape":[1]})",
     R"({"buf":"0x10","len":4,"itemsize":4,"ndim":2,"shape":[1,1]})"},
    {"FIELDS-SHAPE-PRESENT-STRIDES",
     R"({"buf":"0x10","len":4,"itemsize":4,"ndim":1,"strides":[4]})",
     R"({"buf":"0x10","len":4,"itemsize":4,"ndim":1,"shape":[1],"strides":[4]})"},
    {"FIELDS-SUBOFFSETS-NEED-STRIDES",
     R"({"buf":"0x10","len":4,"itemsize":4,"ndim":1,"shape":[1],"suboffsets":[0]})",
     R"({"buf":"0x10","len":4,"itemsize":4,"ndim":1,"shape":[1],"strides":[8],"suboffsets":[0]})"},
    {"FIELDS-SHAPE-NONNEG", R"({"buf":"0x10","len":0,"itemsize":4,"ndim":1,"shape":[-1]})",
     R"({"buf":"0x10","len":0,"itemsize":4,"ndim":1,"shape":[0]})"},
    {"FIELDS-READONLY-BOOL", R"({"buf":"0x10","len":1,"itemsize":1,"ndim":1,"readonly":2})",
     R"({"buf":"0x10","len":1,"itemsize":1,"ndim":1,"readonly":1})"},
    {"FIELDS-ITEMSIZE-POSITIVE",
     R"({"buf":"0x10","len":0,"itemsize":0,"ndim":1,"shape":[3],"format":"0s"})",
     R"({"buf":"0x10","len":3,"itemsize":1,"ndim":1,"shape":[3],"format":"1s"})"},
    {"FIELDS-ITEMSIZE-NONNEG", R"({"buf":"0x10","len":0,"itemsize":-4,"ndim":1,"shape":[0]})",
     R"({"buf":"0x10","len":0,"itemsize":4,"ndim":1,"shape":[0]})"},
    {"FIELDS-LEN-NONNEG", R"({"buf":"0x10","len":-1,"itemsize":1,"ndim":0})",
     R"({"buf":"0x10","len":1,"itemsize":1,"ndim":0})"},
    {"FIELDS-BUF-NONNULL", R"({"buf":null,"len":0,"itemsize":1,"ndim":1,"shape":[0]})",
     R"({"buf":"0x10","len":0,"itemsize":1,"ndim":1,"shape":[0]})"},
    {"FORMAT-PARSES-STRUCT",
     R"({"buf":"0x10","len":4,"itemsize":4,"ndim":1,"shape":[1],"format":"T{i}"})",
     R"({"buf":"0x10","len":4,"itemsize":4,"ndim":1,"shape":[1],"format":"i"})"},
    {"FORMAT-PARSES-NUMPY",
     R"({"buf":"0x10","len":8,"itemsize":8,"ndim":1,"shape":[1],"format":"P"})",
     R"({"buf":"0x10","len":8,"itemsize":8,"ndim":1,"shape":[1],"format":"q"})"},
    {"MEMORY-POINTER-ALIGNED",
     R"({"buf":"0x101","len":1,"itemsize":1,"ndim":2,"shape":[1,1],"strides":[8,1],
         "suboffsets":[0,-1],"memory":[{"base":"0x101","pointers":["0x200"]},
         {"base":"0x200","bytes":"01"}]})",
     R"({"buf":"0x100","len":1,"itemsize":1,"ndim":2,"shape":[1,1],"strides":[8,1],
         "suboffsets":[0,-1],"memory":[{"base":"0x100","pointers":["0x200"]},
         {"base":"0x200","bytes":"01"}]})"},
    {"MEMORY-OVERLAP-WRITABLE",
     R"({"buf":"0x1000","len":8,"itemsize":4,"ndim":1,"shape":[2],"strides":[0],"readonly":0,
         "memory":[{"base":"0x1000","size":4}]})",
     R"({"buf":"0x1000","len":8,"itemsize":4,"ndim":1,"shape":[2],"strides":[0],"readonly":1,
         "memory":[{"base":"0x1000","size":4}]})"},
    {"LAYOUT-OFFSET-MULTIPLE",
     R"({"buf":"0x1002","len":4,"itemsize":4,"ndim":1,"shape":[1],
         "memory":[{"base":"0x1000","size":8}]})",
     R"({"buf":"0x1004","len":4,"itemsize":4,"ndim":1,"shape":[1],
         "memory":[{"base":"0x1000","size":8}]})"},
    {"LAYOUT-LEN", R"({"buf":"0x10","len":8,"itemsize":4,"ndim":1,"shape":[3]})",
     R"({"buf":"0x10","len":12,"itemsize":4,"ndim":1,"shape":[3]})"},
    {"LAYOUT-SUBOFFSETS-ALL-NEGATIVE-NULL",
     R"({"buf":"0x10","len":4,"itemsize":4,"ndim":1,"shape":[1],"strides":[4],"suboffsets":[-1]})",
     R"({"buf":"0x10","len":4,"itemsize":4,"ndim":1,"shape":[1],"strides":[4]})"},
    {"LAYOUT-STRIDES-MULTIPLE",
     R"({"buf":"0x10","len":8,"itemsize":4,"ndim":1,"shape":[2],"strides":[6]})",
     R"({"buf":"0x10","len":8,"itemsize":4,"ndim":1,"shape":[2],"strides":[8]})"},
    // Unterminated: no dialect parses it; struct has no T{} at all.
    {"FORMAT-PARSES",
     R"({"buf":"0x10","len":4,"itemsize":4,"ndim":1,"shape":[1],"format":"T{i"})",
     R"({"buf":"0x10","len":4,"itemsize":4,"ndim":1,"shape":[1],"format":"T{i}"})",
     {"FORMAT-PARSES-NUMPY", "FORMAT-PARSES-STRUCT"},
     {"FORMAT-PARSES-STRUCT"}},
    // ctypes' packed struct without padding (bpo-32780): 'T{<b:x:<I:y:}' has 5 bytes, not 8.
    {"FORMAT-SIZE",
     R"({"buf":"0x10","len":8,"itemsize":8,"ndim":1,"shape":[1],"format":"T{<b:x:<I:y:}"})",
     R"({"buf":"0x10","len":8,"itemsize":8,"ndim":1,"shape":[1],"format":"T{<b:x:3x<I:y:}"})",
     {"FORMAT-SIZE-NUMPY", "FORMAT-PARSES-STRUCT"},  // numpy also says 5; struct has no T{}
     {"FORMAT-PARSES-STRUCT"}},
    // 'ic': 8 in pep3118 and numpy, 5 for struct.
    {"FORMAT-SIZE-STRUCT",
     R"({"buf":"0x10","len":8,"itemsize":8,"ndim":1,"shape":[1],"format":"ic"})",
     R"({"buf":"0x10","len":8,"itemsize":8,"ndim":1,"shape":[1],"format":"ic3x"})"},
    // '@i<c': pep3118 pads the item to 8; numpy sees the final mode '<' and says 5.
    {"FORMAT-SIZE-NUMPY",
     R"({"buf":"0x10","len":8,"itemsize":8,"ndim":1,"shape":[1],"format":"@i<c"})",
     R"({"buf":"0x10","len":8,"itemsize":8,"ndim":1,"shape":[1],"format":"@i<c3x"})",
     {"FORMAT-PARSES-STRUCT"},  // struct takes a byte order only at the start
     {"FORMAT-PARSES-STRUCT"}},
    {"MEMORY-SPAN",
     R"({"buf":"0x1000","len":12,"itemsize":4,"ndim":1,"shape":[3],"strides":[-4],
         "memory":[{"base":"0x1000","size":12}]})",
     R"({"buf":"0x1008","len":12,"itemsize":4,"ndim":1,"shape":[3],"strides":[-4],
         "memory":[{"base":"0x1000","size":12}]})"},
    // memoryview(b'abcd')[0:0:2]: PyBuffer_IsContiguous says contiguous, memoryview does not.
    {"CONTIG-MEMORYVIEW",
     R"({"buf":"0x10","len":0,"itemsize":1,"ndim":1,"shape":[0],"strides":[2]})",
     R"({"buf":"0x10","len":0,"itemsize":1,"ndim":1,"shape":[0],"strides":[1]})"},
    {"MEMORY-POINTER",
     R"({"buf":"0x100","len":2,"itemsize":1,"ndim":2,"shape":[2,1],"strides":[8,1],
         "suboffsets":[0,-1],"memory":[{"base":"0x100","pointers":["0x200"]},
         {"base":"0x200","bytes":"0102"}]})",
     R"({"buf":"0x100","len":2,"itemsize":1,"ndim":2,"shape":[2,1],"strides":[8,1],
         "suboffsets":[0,-1],"memory":[{"base":"0x100","pointers":["0x200","0x201"]},
         {"base":"0x200","bytes":"0102"}]})"},
};

TEST(Checker, EveryRuleHasAViolatingAndAPassingExample) {
  std::set<std::string> covered;
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.rule);
    std::set<std::string> expected = c.also;
    expected.insert(c.rule);
    EXPECT_EQ(RulesBroken(c.violating), expected) << c.violating;
    EXPECT_EQ(RulesBroken(c.passing), c.passing_also) << c.passing;
    covered.insert(c.rule);
  }
  for (const std::string& rule : CheckedRules()) EXPECT_EQ(covered.count(rule), 1u) << rule;
}

// LAYOUT-STRIDES-ANY: zero, negative, larger-than-the-extent and non-multiple strides are legal
// when every element lies inside the memory (LAYOUT-STRIDES-MULTIPLE is only PORTABILITY
// advice); the same layout with one byte less memory breaks MEMORY-SPAN.
TEST(Checker, AnyStrideIsLegalWhenTheElementsAreInside) {
  const struct {
    const char* what;
    const char* inside;
    const char* outside;
  } kStrides[] = {
      {"zero", R"({"buf":"0x1000","len":12,"itemsize":4,"ndim":1,"shape":[3],"strides":[0],
          "readonly":1,"memory":[{"base":"0x1000","size":4}]})",
       R"({"buf":"0x1000","len":12,"itemsize":4,"ndim":1,"shape":[3],"strides":[0],
          "readonly":1,"memory":[{"base":"0x1000","size":3}]})"},
      {"negative", R"({"buf":"0x1008","len":12,"itemsize":4,"ndim":1,"shape":[3],"strides":[-4],
          "memory":[{"base":"0x1000","size":12}]})",
       R"({"buf":"0x1008","len":12,"itemsize":4,"ndim":1,"shape":[3],"strides":[-4],
          "memory":[{"base":"0x1001","size":11}]})"},
      {"larger than the extent",
       R"({"buf":"0x1000","len":16,"itemsize":4,"ndim":2,"shape":[2,2],"strides":[40,12],
          "memory":[{"base":"0x1000","size":56}]})",
       R"({"buf":"0x1000","len":16,"itemsize":4,"ndim":2,"shape":[2,2],"strides":[40,12],
          "memory":[{"base":"0x1000","size":55}]})"},
      {"not a multiple of itemsize",
       R"({"buf":"0x1000","len":8,"itemsize":4,"ndim":1,"shape":[2],"strides":[6],
          "memory":[{"base":"0x1000","size":10}]})",
       R"({"buf":"0x1000","len":8,"itemsize":4,"ndim":1,"shape":[2],"strides":[6],
          "memory":[{"base":"0x1000","size":9}]})"},
  };
  for (const auto& c : kStrides) {
    SCOPED_TRACE(std::string("LAYOUT-STRIDES-ANY: ") + c.what);
    std::set<std::string> broken = RulesBroken(c.inside);
    broken.erase("LAYOUT-STRIDES-MULTIPLE");
    EXPECT_TRUE(broken.empty()) << *broken.begin();
    EXPECT_EQ(RulesBroken(c.outside).count("MEMORY-SPAN"), 1u) << c.outside;
  }
}

// LAYOUT-STRIDES-NULL-C: NULL strides mean the C strides of shape and itemsize. Shape (2, 3) of
// 2-byte items then fills exactly 12 bytes, element (i, j) at buf + 6i + 2j: valid in 12 bytes
// of memory, MEMORY-SPAN in 11.
TEST(Checker, NullStridesAreTheCStrides) {
  SCOPED_TRACE("LAYOUT-STRIDES-NULL-C");
  const char* kInside = R"({"buf":"0x1000","len":12,"itemsize":2,"ndim":2,"shape":[2,3],
      "memory":[{"base":"0x1000","size":12}]})";
  EXPECT_TRUE(RulesBroken(kInside).empty());
  EXPECT_EQ(RulesBroken(R"({"buf":"0x1000","len":12,"itemsize":2,"ndim":2,"shape":[2,3],
      "memory":[{"base":"0x1000","size":11}]})")
                .count("MEMORY-SPAN"),
            1u);
  const DescriptorFile d = DescriptorFromJson(nlohmann::json::parse(kInside));
  const FullView full = Expand(d.view);
  EXPECT_EQ(full.strides, (std::vector<int64_t>{6, 2}));
  EXPECT_EQ(ElementAddresses(full, *d.memory, 'C'),
            (std::vector<uint64_t>{0x1000, 0x1002, 0x1004, 0x1006, 0x1008, 0x100a}));
}

// A response to a request without ND: shape NULL, len bytes read from buf as unsigned bytes,
// whatever itemsize and format say. len 6 with itemsize 4 (not a multiple) reads exactly 6 bytes:
// valid in 6 bytes of memory, MEMORY-SPAN in 5; the model lists 6 unsigned bytes.
TEST(Checker, NullShapeIsLenBytes) {
  SCOPED_TRACE("LAYOUT-LEN-SIMPLE");
  const char* kInside = R"({"buf":"0x1000","len":6,"itemsize":4,"ndim":1,
      "memory":[{"base":"0x1000","bytes":"0102030405ff"}]})";
  EXPECT_TRUE(RulesBroken(kInside).empty());
  EXPECT_EQ(RulesBroken(R"({"buf":"0x1000","len":6,"itemsize":4,"ndim":1,
      "memory":[{"base":"0x1000","size":5}]})")
                .count("MEMORY-SPAN"),
            1u);
  const DescriptorFile d = DescriptorFromJson(nlohmann::json::parse(kInside));
  EXPECT_EQ(ElementAddresses(Expand(d.view), *d.memory, 'C'),
            (std::vector<uint64_t>{0x1000, 0x1001, 0x1002, 0x1003, 0x1004, 0x1005}));
}

TEST(Checker, ArrayOfArraysInsideItsMemoryIsValid) {
  EXPECT_TRUE(RulesBroken(R"({"buf":"0x100","len":6,"itemsize":1,"ndim":2,"format":"B",
      "shape":[2,3],"strides":[8,1],"suboffsets":[0,-1],
      "memory":[{"base":"0x100","pointers":["0x200","0x300"]},
                {"base":"0x200","bytes":"010203"},{"base":"0x300","bytes":"040506"}]})")
                  .empty());
}

// FORMAT-SIZE is a MUST only when no dialect gives the format the declared size: 'ic' is 5 for
// struct (_testbuffer.ndarray(..., format='ic') has itemsize 5) and 8 for numpy and pep3118.
TEST(Checker, FormatSizeHoldsInAnyDialectThatParsesTheFormat) {
  auto rules = [](int itemsize) {
    const std::string text = R"({"buf":"0x10","ndim":1,"shape":[1],"format":"ic","len":)" +
                             std::to_string(itemsize) + R"(,"itemsize":)" +
                             std::to_string(itemsize) + "}";
    return RulesBroken(text.c_str());
  };
  EXPECT_EQ(rules(5), (std::set<std::string>{"FORMAT-SIZE-NUMPY"}));
  EXPECT_EQ(rules(8), (std::set<std::string>{"FORMAT-SIZE-STRUCT"}));
  EXPECT_EQ(rules(6),
            (std::set<std::string>{"FORMAT-SIZE", "FORMAT-SIZE-STRUCT", "FORMAT-SIZE-NUMPY"}));
}

// A format beyond bufconf's own limits (more than kMaxItems items, nesting deeper than
// kMaxNesting) may be valid: its rules are not checked, never broken (FORMAT-PARSES would blame
// an exporter of a structured dtype of 20,000 fields for bufconf's limit).
TEST(Checker, FormatBeyondTheModelsLimitsIsNotChecked) {
  std::string nested;  // 65 levels of T{...}
  for (int i = 0; i < 65; ++i) nested += "T{";
  nested += "B";
  for (int i = 0; i < 65; ++i) nested += "}";
  for (const std::string& format : {std::string(20000, 'B'), nested}) {
    Descriptor view;
    view.buf = 0x1000;
    view.itemsize = format == nested ? 1 : 20000;
    view.len = view.itemsize;
    view.ndim = 1;
    view.format = format;
    view.shape = std::vector<int64_t>{1};
    view.strides = std::vector<int64_t>{view.itemsize};
    view.readonly = 1;
    const Validation v = ValidateWithCoverage(view, nullptr);
    for (const Violation& x : v.violations) {
      // struct's own rejection of T{ is real: struct has no T{}.
      if (x.rule != "FORMAT-PARSES-STRUCT") ADD_FAILURE() << x.rule << ": " << x.message;
    }
    std::set<std::string> not_checked;
    for (const Violation& x : v.not_checked) not_checked.insert(x.rule);
    EXPECT_TRUE(not_checked.count("FORMAT-PARSES")) << format.size();
    EXPECT_TRUE(not_checked.count("FORMAT-PARSES-NUMPY")) << format.size();
  }
}

// Without memory, element addresses that do not fit 64-bit arithmetic break MEMORY-SPAN.
TEST(Checker, AddressOverflowWithoutMemoryBreaksMemorySpan) {
  EXPECT_EQ(RulesBroken(R"({"buf":"0x10","len":4,"itemsize":1,"ndim":1,"shape":[4],
                            "strides":[9223372036854775807]})")
                .count("MEMORY-SPAN"),
            1u);
  EXPECT_EQ(RulesBroken(R"({"buf":"0xfffffffffffffff0","len":64,"itemsize":16,"ndim":1,
                            "shape":[4],"strides":[16]})")
                .count("MEMORY-SPAN"),
            1u);
  EXPECT_EQ(RulesBroken(R"({"buf":"0x10","len":8,"itemsize":1,"ndim":2,"shape":[2,4],
                            "strides":[8,4611686018427387904],"suboffsets":[0,-1]})")
                .count("MEMORY-SPAN"),
            1u);
  // A huge stride on an extent-1 dimension moves no element.
  EXPECT_TRUE(RulesBroken(R"({"buf":"0x10","len":1,"itemsize":1,"ndim":1,"shape":[1],
                              "strides":[9223372036854775807]})")
                  .empty());
  // Sizes whose product overflows: LAYOUT-LEN names the fields.
  const DescriptorFile d = DescriptorFromJson(nlohmann::json::parse(
      R"({"buf":"0x10","len":0,"itemsize":8,"ndim":2,"shape":[4294967296,4294967296]})"));
  const std::vector<Violation> v = Validate(d.view, nullptr);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].rule, "LAYOUT-LEN");
  EXPECT_NE(v[0].message.find("shape"), std::string::npos) << v[0].message;
}

// An ND_PIL-shaped array of arrays: n row pointers to n rows of n bytes (suboffsets (0, -1),
// strides (8, 1)), each row its own region.
DescriptorFile PilRows(int64_t n, int64_t row_bytes) {
  DescriptorFile d;
  d.view.buf = 0x1000;
  d.view.len = n * n;
  d.view.itemsize = 1;
  d.view.ndim = 2;
  d.view.format = "B";
  d.view.shape = std::vector<int64_t>{n, n};
  d.view.strides = std::vector<int64_t>{8, 1};
  d.view.suboffsets = std::vector<int64_t>{0, -1};
  Memory m;
  std::vector<uint8_t> table;
  for (int64_t i = 0; i < n; ++i) {
    const uint64_t row = 0x100000 + static_cast<uint64_t>(i) * 0x1000;
    for (int b = 0; b < 8; ++b) table.push_back(static_cast<uint8_t>(row >> (8 * b)));
    m.AddRegion({row, std::vector<uint8_t>(static_cast<size_t>(row_bytes), 0), "row"});
  }
  m.AddRegion({0x1000, table, "row pointers"});
  d.memory = std::move(m);
  return d;
}

// 2100 x 2100 elements (more than kMaxWalk) are checked by walking the 2100 row pointers only.
TEST(Checker, LargeArrayOfArraysIsCheckedRowByRow) {
  const DescriptorFile ok = PilRows(2100, 2100);
  const Validation v = ValidateWithCoverage(ok.view, &*ok.memory);
  EXPECT_TRUE(v.violations.empty()) << v.violations[0].rule << ": " << v.violations[0].message;
  EXPECT_TRUE(v.not_checked.empty());
  const DescriptorFile short_rows = PilRows(2100, 2099);
  std::set<std::string> rules;
  for (const Violation& x : Validate(short_rows.view, &*short_rows.memory)) rules.insert(x.rule);
  EXPECT_EQ(rules, std::set<std::string>{"MEMORY-SPAN"});
}

// Elements of one row in different regions: each element inside some region is enough.
TEST(Checker, RowElementsMayLieInDifferentRegions) {
  EXPECT_TRUE(RulesBroken(R"({"buf":"0x100","len":4,"itemsize":1,"ndim":2,"format":"B",
      "shape":[2,2],"strides":[8,16],"suboffsets":[0,-1],
      "memory":[{"base":"0x100","pointers":["0x200","0x300"]},
                {"base":"0x200","bytes":"01"},{"base":"0x210","bytes":"02"},
                {"base":"0x300","bytes":"03"},{"base":"0x310","bytes":"04"}]})")
                  .empty());
  EXPECT_EQ(RulesBroken(R"({"buf":"0x100","len":4,"itemsize":1,"ndim":2,"format":"B",
      "shape":[2,2],"strides":[8,16],"suboffsets":[0,-1],
      "memory":[{"base":"0x100","pointers":["0x200","0x300"]},
                {"base":"0x200","bytes":"01"},{"base":"0x210","bytes":"02"},
                {"base":"0x300","bytes":"03"}]})"),
            std::set<std::string>{"MEMORY-SPAN"});
}

// A pointer walk longer than the limit is "not checked", never a violation: a table of 64
// pointers to itself, walked through two pointer dimensions (64 * 64 prefixes; the limit is
// lowered from kMaxWalk to 1000 to keep the test fast).
TEST(Checker, TooLongPointerWalkIsNotChecked) {
  Descriptor view;
  view.buf = 0x1000;
  view.itemsize = 1;
  view.ndim = 3;
  view.len = 64 * 64;
  view.format = "B";
  view.shape = std::vector<int64_t>{64, 64, 1};
  view.strides = std::vector<int64_t>{8, 8, 1};
  view.suboffsets = std::vector<int64_t>{0, 0, -1};
  view.readonly = 1;
  std::vector<uint8_t> table;
  for (int i = 0; i < 64; ++i) {
    for (int b = 0; b < 8; ++b) table.push_back(static_cast<uint8_t>(uint64_t{0x1000} >> (8 * b)));
  }
  Memory memory;
  memory.AddRegion({0x1000, table, "self-referencing pointers"});
  EXPECT_TRUE(ValidateWithCoverage(view, &memory).not_checked.empty());  // under kMaxWalk
  const Validation v = ValidateWithCoverage(view, &memory, 1000);
  EXPECT_TRUE(v.violations.empty()) << v.violations[0].rule << ": " << v.violations[0].message;
  ASSERT_EQ(v.not_checked.size(), 2u);
  EXPECT_EQ(v.not_checked[0].rule, "MEMORY-POINTER");
  // The same walk with stride 0 in the first dimension visits it once: 1 + 64 steps, checked.
  view.strides = std::vector<int64_t>{0, 8, 1};
  EXPECT_TRUE(ValidateWithCoverage(view, &memory, 1000).not_checked.empty());
  // Rows whose elements must be walked one by one count too.
  Descriptor rows = view;
  rows.ndim = 2;
  rows.len = 64 * 2000;
  rows.shape = std::vector<int64_t>{64, 2000};
  rows.strides = std::vector<int64_t>{8, 4096};  // a row spans regions: walked element-wise
  rows.suboffsets = std::vector<int64_t>{0, -1};
  Memory spread = memory;  // the last element of every row is inside too
  spread.AddRegion({0x1000 + 4096 * 1999, std::vector<uint8_t>(1, 0), "far"});
  const Validation r = ValidateWithCoverage(rows, &spread, 1000);
  EXPECT_TRUE(r.violations.empty());
  EXPECT_EQ(r.not_checked.size(), 2u);
  // A row whose farthest element is outside is a violation without walking it.
  std::set<std::string> broken;
  for (const Violation& x : ValidateWithCoverage(rows, &memory, 1000).violations) {
    broken.insert(x.rule);
  }
  EXPECT_EQ(broken, std::set<std::string>{"MEMORY-SPAN"});
}

TEST(Addressing, GetPointerNeedsOneIndexPerDimension) {
  Memory memory;
  memory.AddRegion({0x1000, std::vector<uint8_t>(64, 0), "data"});
  Descriptor view;
  view.buf = 0x1000;
  view.len = 16;
  view.itemsize = 1;
  view.ndim = 2;
  view.shape = std::vector<int64_t>{4, 4};
  const FullView full = Expand(view);
  EXPECT_EQ(GetPointer(full, memory, {1, 2}), 0x1006u);
  EXPECT_THROW(GetPointer(full, memory, {1}), std::invalid_argument);
  EXPECT_THROW(GetPointer(full, memory, {}), std::invalid_argument);
  EXPECT_THROW(GetPointer(full, memory, {1, 2, 3}), std::invalid_argument);
}

// The sorted region index answers as the plain definitions: Contains(a, n) iff one region holds
// [a, a + n) (n = 0: a inside or at the end of a region), AddRegion refuses iff two regions
// share a point (b < r.end() && r.base < e).
TEST(Memory, RegionIndexAgreesWithALinearScan) {
  gen::CheckAtLeast(500, [] {
    Memory memory;
    std::vector<std::pair<uint64_t, uint64_t>> added;  // [base, end)
    const int n = *rc::gen::inRange(0, 12);
    for (int i = 0; i < n; ++i) {
      const uint64_t base = *rc::gen::inRange<uint64_t>(0, 64);
      const uint64_t size = *rc::gen::inRange<uint64_t>(0, 9);
      bool overlaps = false;
      for (const auto& [b, e] : added) overlaps = overlaps || (base < e && b < base + size);
      try {
        memory.AddRegion({base, std::vector<uint8_t>(size, 0), "r" + std::to_string(i)});
        RC_ASSERT(!overlaps);
        added.emplace_back(base, base + size);
      } catch (const std::invalid_argument&) {
        RC_ASSERT(overlaps);
      }
    }
    RC_ASSERT(memory.regions().size() == added.size());
    for (uint64_t a = 0; a < 80; ++a) {
      for (uint64_t size = 0; size < 10; ++size) {
        bool inside = false;
        for (const auto& [b, e] : added) inside = inside || (a >= b && a <= e && size <= e - a);
        RC_ASSERT(memory.Contains(a, size) == inside);
        const Region* r = memory.RegionOf(a);
        RC_ASSERT((r != nullptr) == memory.Contains(a, 0));
        if (r != nullptr) RC_ASSERT(a >= r->base && a <= r->end());
      }
    }
  });
  Memory wrap;
  EXPECT_THROW(wrap.AddRegion({UINT64_MAX - 1, std::vector<uint8_t>(4, 0), "wraps"}),
               std::invalid_argument);
}

TEST(DescriptorJson, BadInputNamesTheField) {
  const char* kBad[][2] = {
      {R"({"buf":"0x10","len":"x","itemsize":1,"ndim":1})", "len"},
      {R"({"buf":"0x10","len":1,"itemsize":1,"ndim":1,"shape":[1,"a"]})", "shape[1]"},
      {R"({"buf":"0x10","len":1,"itemsize":1})", "ndim"},
      {R"({"buf":"0xZZ","len":1,"itemsize":1,"ndim":1})", "buf"},
      {R"({"buf":"0x10","len":1,"itemsize":1,"ndim":1,"bogus":1})", "bogus"},
      {R"({"buf":"0x10","len":1,"itemsize":1,"ndim":1,"memory":[{"base":1,"size":1e12}]})",
       "memory[0].size"},
      {R"({"buf":"0x10","len":1,"itemsize":1,"ndim":1,"memory":[{"base":1,"size":99999999999}]})",
       "memory[0].size"},
      {R"({"buf":"0x10","len":1,"itemsize":1,"ndim":2,"shape":[1e18,1e18]})", "shape[0]"},
      {R"({"buf":"0x10","len":18446744073709551615,"itemsize":1,"ndim":1})", "len"},
  };
  for (const auto& bad : kBad) {
    try {
      DescriptorFromJson(nlohmann::json::parse(bad[0]));
      ADD_FAILURE() << "accepted " << bad[0];
    } catch (const DescriptorJsonError& e) {
      EXPECT_EQ(e.field(), bad[1]) << e.what();
    }
  }
  try {
    DescriptorFromJson(nlohmann::json::parse(R"({"buf":1,"len":1,"itemsize":1.5,"ndim":1})"));
    ADD_FAILURE() << "accepted itemsize 1.5";
  } catch (const DescriptorJsonError& e) {
    EXPECT_NE(std::string(e.what()).find("expected an integer"), std::string::npos) << e.what();
  }
}

// Every ```json block of docs/descriptor.md parses; the descriptors among them (objects with
// "buf") are read by DescriptorFromJson and break no MUST rule.
TEST(DescriptorDocs, EveryJsonExampleIsValid) {
  std::ifstream in("docs/descriptor.md");
  ASSERT_TRUE(in) << "docs/descriptor.md not in the runfiles";
  std::stringstream text;
  text << in.rdbuf();
  const std::string page = text.str();
  int examples = 0, descriptors = 0;
  for (size_t at = page.find("```json\n"); at != std::string::npos;
       at = page.find("```json\n", at)) {
    at += 8;
    const size_t end = page.find("```", at);
    ASSERT_NE(end, std::string::npos);
    const std::string block = page.substr(at, end - at);
    at = end + 3;
    ++examples;
    SCOPED_TRACE(block);
    const nlohmann::json j = nlohmann::json::parse(block, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(j.is_discarded()) << "not JSON";
    if (!j.is_object() || !j.contains("buf")) continue;
    ++descriptors;
    const DescriptorFile d = DescriptorFromJson(j);
    EXPECT_TRUE(d.memory.has_value());
    for (const Violation& v : Validate(d.view, d.memory ? &*d.memory : nullptr)) {
      const rules::Rule* rule = rules::FindRule(v.rule);
      ASSERT_NE(rule, nullptr) << v.rule;
      EXPECT_NE(rule->level, rules::Level::kMust) << v.rule << ": " << v.message;
    }
  }
  EXPECT_GE(examples, 3);
  EXPECT_GE(descriptors, 2);
}

// obj and internal (Py_buffer fields the model does not use) and comment are accepted and ignored.
TEST(DescriptorJson, InformationalFieldsAreAccepted) {
  const DescriptorFile d = DescriptorFromJson(nlohmann::json::parse(
      R"({"buf":"0x10","len":1,"itemsize":1,"ndim":0,"obj":"bytes","internal":null,
          "comment":"a scalar"})"));
  EXPECT_EQ(d.view.len, 1);
}

}  // namespace
}  // namespace bufconf::layout

namespace bufconf::layout {
namespace {

// Any descriptor at all, with extreme values: the checker, contiguity and the request oracle
// answer without throwing, and never read outside the memory (ASan runs this too).
rc::Gen<int64_t> AnyInt() {
  return rc::gen::weightedOneOf<int64_t>(
      {{3, rc::gen::inRange<int64_t>(-3, 9)},
       {1, rc::gen::element<int64_t>(INT64_MIN, INT64_MAX, INT64_MAX / 2, -(INT64_MAX / 2), 64, 65,
                                     1 << 20)},
       {1, rc::gen::arbitrary<int64_t>()}});
}

template <typename T>
rc::Gen<std::optional<T>> Optional(rc::Gen<T> g) {
  return rc::gen::map(rc::gen::maybe(std::move(g)), [](const rc::Maybe<T>& m) {
    return m ? std::optional<T>(*m) : std::optional<T>();
  });
}

rc::Gen<std::optional<std::vector<int64_t>>> AnyArray() {
  return Optional(rc::gen::container<std::vector<int64_t>>(AnyInt()));
}

TEST(Checker, AnswersForAnyDescriptor) {
  gen::CheckAtLeast(2000, [] {
    Descriptor v;
    v.buf = *rc::gen::element<uint64_t>(0, 0x1000, 0x1004, 0x2000, UINT64_MAX, UINT64_MAX - 7);
    v.len = *AnyInt();
    v.itemsize = *AnyInt();
    v.readonly = *rc::gen::inRange(-1, 3);
    v.ndim = *AnyInt();
    v.format = *Optional(rc::gen::element<std::string>("B", "i", "T{i", "0s", "ic"));
    v.shape = *AnyArray();
    v.strides = *AnyArray();
    v.suboffsets = *AnyArray();
    Memory memory;
    Region data{0x1000,
                *rc::gen::container<std::vector<uint8_t>>(
                    static_cast<size_t>(*rc::gen::inRange(0, 64)), rc::gen::arbitrary<uint8_t>()),
                "data"};
    memory.AddRegion(data);
    Region table{0x2000,
                 *rc::gen::container<std::vector<uint8_t>>(
                     static_cast<size_t>(*rc::gen::inRange(0, 33)),
                     rc::gen::element<uint8_t>(0x00, 0x10, 0x20, 0xff)),
                 "pointers"};
    memory.AddRegion(table);
    Validate(v, &memory);
    Validate(v, nullptr);
    IsContiguous(v, *rc::gen::element('C', 'F', 'A', 'X'));
    MemoryviewFlags(v);
    Request(v, *rc::gen::arbitrary<int>());
  });
}

}  // namespace
}  // namespace bufconf::layout
