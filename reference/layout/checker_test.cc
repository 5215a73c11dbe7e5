// For every rule the checker reports: a descriptor that breaks it (and only the rules listed),
// and the same descriptor repaired, which passes.
#include "reference/layout/checker.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "conformance/generators/rc_support.h"
#include "reference/layout/addressing.h"
#include "reference/layout/contiguity.h"
#include "reference/layout/descriptor_json.h"
#include "reference/layout/request.h"

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
    {"FORMAT-PARSES", R"({"buf":"0x10","len":4,"itemsize":4,"ndim":1,"shape":[1],"format":"T{i"})",
     R"({"buf":"0x10","len":4,"itemsize":4,"ndim":1,"shape":[1],"format":"T{i}"})"},
    // ctypes' packed struct without padding (bpo-32780): 'T{<b:x:<I:y:}' has 5 bytes, not 8.
    {"FORMAT-SIZE",
     R"({"buf":"0x10","len":8,"itemsize":8,"ndim":1,"shape":[1],"format":"T{<b:x:<I:y:}"})",
     R"({"buf":"0x10","len":8,"itemsize":8,"ndim":1,"shape":[1],"format":"T{<b:x:3x<I:y:}"})"},
    // 'ic': 8 in pep3118 and numpy, 5 for struct.
    {"FORMAT-SIZE-STRUCT",
     R"({"buf":"0x10","len":8,"itemsize":8,"ndim":1,"shape":[1],"format":"ic"})",
     R"({"buf":"0x10","len":8,"itemsize":8,"ndim":1,"shape":[1],"format":"ic3x"})"},
    // '@i<c': pep3118 pads the item to 8; numpy sees the final mode '<' and says 5.
    {"FORMAT-SIZE-NUMPY",
     R"({"buf":"0x10","len":8,"itemsize":8,"ndim":1,"shape":[1],"format":"@i<c"})",
     R"({"buf":"0x10","len":8,"itemsize":8,"ndim":1,"shape":[1],"format":"@i<c3x"})"},
    {"MEMORY-SPAN",
     R"({"buf":"0x1000","len":12,"itemsize":4,"ndim":1,"shape":[3],"strides":[-4],
         "memory":[{"base":"0x1000","size":12}]})",
     R"({"buf":"0x1008","len":12,"itemsize":4,"ndim":1,"shape":[3],"strides":[-4],
         "memory":[{"base":"0x1000","size":12}]})"},
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
    EXPECT_EQ(RulesBroken(c.violating).count(c.rule), 1u) << c.violating;
    EXPECT_EQ(RulesBroken(c.passing).count(c.rule), 0u) << c.passing;
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
    SCOPED_TRACE(c.what);
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

TEST(Checker, ArrayOfArraysInsideItsMemoryIsValid) {
  EXPECT_TRUE(RulesBroken(R"({"buf":"0x100","len":6,"itemsize":1,"ndim":2,"format":"B",
      "shape":[2,3],"strides":[8,1],"suboffsets":[0,-1],
      "memory":[{"base":"0x100","pointers":["0x200","0x300"]},
                {"base":"0x200","bytes":"010203"},{"base":"0x300","bytes":"040506"}]})")
                  .empty());
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
  };
  for (const auto& bad : kBad) {
    try {
      DescriptorFromJson(nlohmann::json::parse(bad[0]));
      ADD_FAILURE() << "accepted " << bad[0];
    } catch (const DescriptorJsonError& e) {
      EXPECT_EQ(e.field(), bad[1]) << e.what();
    }
  }
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
