// `bufconf check` and `bufconf explain` agree on every descriptor: the same verdict (valid,
// invalid with the same rule IDs, or not checked with the same rules) and the same exit status
// (the README's table: 0 valid, 1 a MUST rule broken, 2 a view too large to walk). Drawn:
// generated strided and array-of-arrays layouts, the same with one field broken,
// array-of-arrays views beyond the checker's walk limit over small memory, and many indirect
// dimensions over one self-referencing pointer table (the pointer walk grows exponentially while
// the descriptor stays small); plus the descriptor files in testdata (aoa_beyond_walk.json: the
// disagreement this test was written for; aoa_self_referencing_40.json: the one it then missed).
// explain is read in all three outputs: the JSON, the text's verdict line and the SVG's.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "conformance/explain/explain.h"
#include "conformance/explain/verdict.h"
#include "conformance/generators/layout_gen.h"
#include "conformance/generators/rc_support.h"
#include "reference/layout/checker.h"
#include "reference/layout/descriptor_json.h"
#include "reference/rules/catalogue.h"

namespace bufconf::explain {
namespace {

using layout::Descriptor;
using layout::Memory;

// What a command says about one descriptor.
struct Outcome {
  int exit = 0;
  std::string verdict;                   // "valid", "invalid" or "not checked"
  std::vector<std::string> rules;        // the violations' rule IDs (not when not checked)
  std::vector<std::string> not_checked;  // the rules not checked
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
  os << "exit " << o.exit << ", " << o.verdict << ", rules [";
  for (const std::string& r : o.rules) os << r << " ";
  os << "], not checked [";
  for (const std::string& r : o.not_checked) os << r << " ";
  return os << "]";
}
bool operator==(const Outcome& a, const Outcome& b) {
  return a.exit == b.exit && a.verdict == b.verdict && a.rules == b.rules &&
         a.not_checked == b.not_checked;
}

// `bufconf check` (conformance/cli/check_command.cc) as the README and docs/descriptor.md
// define it, straight from the checker: rules not checked are an input error naming `shape`
// (exit 2); otherwise valid unless a violation's level is MUST (unknown rules count as MUST).
// `max_walk`: the checker's walk limit (layout::kMaxWalk, as the CLI; generated views use a small
// one, given to every command alike, to reach it cheaply).
Outcome CheckDefinition(const Descriptor& v, const Memory* m, int64_t max_walk = layout::kMaxWalk) {
  const layout::Validation validation = layout::ValidateWithCoverage(v, m, max_walk);
  Outcome o;
  for (const layout::Violation& n : validation.not_checked) o.not_checked.push_back(n.rule);
  if (!o.not_checked.empty()) {
    o.exit = 2;
    o.verdict = "not checked";
    return o;
  }
  bool valid = true;
  for (const layout::Violation& x : validation.violations) {
    o.rules.push_back(x.rule);
    const rules::Rule* rule = rules::FindRule(x.rule);
    if (rule == nullptr || rule->level == rules::Level::kMust) valid = false;
  }
  o.exit = valid ? 0 : 1;
  o.verdict = valid ? "valid" : "invalid";
  return o;
}

// The shared verdict check_command.cc calls (Judge), read as check prints it.
Outcome CheckJudged(const Descriptor& v, const Memory* m, int64_t max_walk = layout::kMaxWalk) {
  const Judgement j = Judge(v, m, max_walk);
  Outcome o;
  o.exit = j.ExitStatus();
  for (const layout::Violation& n : j.not_checked) o.not_checked.push_back(n.rule);
  if (j.kind == Judgement::Kind::kNotChecked) {
    o.verdict = "not checked";
    return o;
  }
  for (const layout::Violation& x : j.violations) o.rules.push_back(x.rule);
  o.verdict = j.kind == Judgement::Kind::kValid ? "valid" : "invalid";
  return o;
}

// The verdict line of the SVG's header (render_svg.cc), "" when there is none.
std::string SvgVerdict(const std::string& svg) {
  for (const char* start : {">NOT CHECKED (", ">INVALID; breaks: ", ">valid: no rule broken",
                            ">valid (no MUST rule)"}) {
    if (svg.find(start) != std::string::npos) return start + 1;
  }
  return "";
}

// `bufconf explain`: its JSON, the verdict lines of its text and of its SVG and its exit status
// (conformance/cli/explain_command.cc returns ExitStatus). Disagreements between its own outputs
// are reported as a verdict "text/json disagree" or "svg/json disagree".
// `max_elements`: explain's drawing limit (the verdict does not depend on it; a small one keeps the
// many-dimensional views cheap to draw).
Outcome Explained(const Descriptor& v, const Memory* m, int64_t max_walk = layout::kMaxWalk,
                  int64_t max_elements = ExplainOptions{}.max_elements) {
  ExplainOptions options;
  options.max_walk = max_walk;
  options.max_elements = max_elements;
  const nlohmann::json j = nlohmann::json::parse(ExplainJson(v, m, options));
  const std::string text = ExplainText(v, m, options);
  const std::string svg = SvgVerdict(ExplainSvg(v, m, options));
  Outcome o;
  o.exit = ExitStatus(v, m, max_walk);
  if (j.contains("not_checked")) {
    for (const auto& n : j["not_checked"]) o.not_checked.push_back(n["rule"].get<std::string>());
  }
  const bool not_checked = j["valid"].is_null();
  if (!not_checked) {
    for (const auto& x : j["violations"]) o.rules.push_back(x["rule"].get<std::string>());
  }
  o.verdict = not_checked ? "not checked" : j["valid"].get<bool>() ? "valid" : "invalid";
  const size_t at = text.rfind("\nverdict: ");
  const std::string line = at == std::string::npos ? "" : text.substr(at + 10);
  const std::string expected_start = not_checked            ? "NOT CHECKED"
                                     : o.verdict == "valid" ? "valid"
                                                            : "INVALID";
  if (line.compare(0, expected_start.size(), expected_start) != 0) {
    o.verdict += " (text/json disagree: verdict: " + line.substr(0, 40) + ")";
  }
  const bool svg_agrees = not_checked            ? svg.rfind("NOT CHECKED", 0) == 0
                          : o.verdict == "valid" ? svg.rfind("valid", 0) == 0
                                                 : svg.rfind("INVALID", 0) == 0;
  if (!svg_agrees) o.verdict += " (svg/json disagree: " + svg + ")";
  return o;
}

void ExpectAgreement(const Descriptor& v, const Memory* m, int64_t max_walk = layout::kMaxWalk,
                     int64_t max_elements = ExplainOptions{}.max_elements) {
  const Outcome check = CheckDefinition(v, m, max_walk);
  const Outcome judged = CheckJudged(v, m, max_walk);
  const Outcome explain = Explained(v, m, max_walk, max_elements);
  RC_ASSERT(judged == check);
  RC_ASSERT(explain == check);
}

void Mutate(Descriptor& v) {
  const int64_t wild = *rc::gen::oneOf(
      rc::gen::element<int64_t>(0, 1, -1, 2, 3, 7, -8, 8, std::numeric_limits<int64_t>::max(),
                                std::numeric_limits<int64_t>::min(), int64_t{1} << 40),
      rc::gen::arbitrary<int64_t>());
  auto some = [&](std::optional<std::vector<int64_t>>& field) {
    if (!field || field->empty()) {
      field = std::vector<int64_t>{wild};
    } else {
      (*field)[*rc::gen::inRange<size_t>(0, field->size())] = wild;
    }
  };
  switch (*rc::gen::inRange(0, 11)) {
    case 0:
      some(v.strides);
      break;
    case 1:
      some(v.shape);
      break;
    case 2:
      some(v.suboffsets);
      break;
    case 3:
      v.len = wild;
      break;
    case 4:
      v.itemsize = wild;
      break;
    case 5:
      v.ndim = *rc::gen::inRange<int64_t>(-2, 70);
      break;
    case 6:
      v.buf = static_cast<uint64_t>(wild);
      break;
    case 7:
      v.format = *rc::gen::element<std::string>("i", "B", "<q", "xx", "T{", "Zd", "3s");
      break;
    case 8:
      v.readonly = *rc::gen::element(0, 1, 2, -1);
      break;
    case 9:
      v.strides.reset();
      break;
    default:
      v.shape.reset();
      break;
  }
}

// An array-of-arrays view whose rows hold more than kMaxWalk elements over a few KiB of memory:
// `rows` pointers (all to one row, or the last one elsewhere) to a row of extent x repeat bytes
// (stride 1, then stride 0) that lies across `pieces` adjacent regions, so the checker must walk
// its elements and cannot. Sometimes a field is broken too (not checked still wins).
gen::Layout BeyondWalk() {
  const int64_t rows = *rc::gen::inRange<int64_t>(1, 4);
  const int64_t extent = *rc::gen::inRange<int64_t>(2, 4097);
  const int64_t repeat = layout::kMaxWalk / extent + *rc::gen::inRange<int64_t>(1, 3000);
  const int64_t pieces = *rc::gen::inRange<int64_t>(1, 4);
  const uint64_t table = 0x1000, row = 0x100000;
  gen::Layout l;
  layout::Region pointers{table, std::vector<uint8_t>(static_cast<size_t>(8 * rows)), "rows"};
  for (int64_t r = 0; r < rows; ++r) {
    const uint64_t p = row;
    for (int k = 0; k < 8; ++k) pointers.bytes[static_cast<size_t>(8 * r + k)] = (p >> (8 * k));
  }
  l.memory.AddRegion(std::move(pointers));
  // `pieces` adjacent regions covering [row, row + extent) (1 piece: one region, which makes the
  // row's span fit and the view checkable: valid; more: the walk limit).
  int64_t at = 0;
  for (int64_t k = 0; k < pieces; ++k) {
    const int64_t end = k + 1 == pieces ? extent : std::max(at + 1, extent * (k + 1) / pieces);
    if (end <= at) continue;
    l.memory.AddRegion({row + static_cast<uint64_t>(at),
                        std::vector<uint8_t>(static_cast<size_t>(end - at)), "row piece"});
    at = end;
  }
  l.view.buf = table;
  l.view.itemsize = 1;
  l.view.ndim = 3;
  l.view.format = "B";
  l.view.readonly = 1;
  l.view.shape = std::vector<int64_t>{rows, extent, repeat};
  l.view.strides = std::vector<int64_t>{8, 1, 0};
  l.view.suboffsets = std::vector<int64_t>{0, -1, -1};
  l.view.len = rows * extent * repeat;
  if (*rc::gen::inRange(0, 4) == 0) Mutate(l.view);
  return l;
}

// Many indirect dimensions over one small pointer table whose pointers lead back into the table
// (testdata/aoa_self_referencing_40.json: 40 dimensions of extent 2 over a table of two pointers
// to itself): a few hundred bytes of descriptor, a pointer walk of product(extents) steps. Some
// pointers lead out of the table, or are read past its end, and some strides and suboffsets move
// the reads: the walk meets a broken pointer within the limit (invalid), finishes within it
// (valid) or does not (not checked). `max_walk` is drawn small, and given to check and explain
// alike, so every side of the limit is reached in microseconds.
struct SelfReferencingView {
  gen::Layout layout;
  int64_t max_walk = layout::kMaxWalk;
  int64_t max_elements = ExplainOptions{}.max_elements;
};

SelfReferencingView SelfReferencing() {
  const uint64_t table = 0x1000;
  const int64_t slots = *rc::gen::inRange<int64_t>(1, 9);
  const int64_t indirect = *rc::gen::inRange<int64_t>(1, 49);
  const int64_t strided = *rc::gen::inRange<int64_t>(0, 3);
  layout::Region pointers{table, std::vector<uint8_t>(static_cast<size_t>(8 * slots)),
                          "pointer table"};
  for (int64_t k = 0; k < slots; ++k) {
    const int pick = *rc::gen::inRange(0, 20);
    const uint64_t p = pick == 0   ? uint64_t{0x900000}  // outside: MEMORY-POINTER
                       : pick == 1 ? table + static_cast<uint64_t>(8 * slots)  // the table's end
                                   : table + 8 * *rc::gen::inRange<uint64_t>(0, slots);
    for (int b = 0; b < 8; ++b) {
      pointers.bytes[static_cast<size_t>(8 * k + b)] = static_cast<uint8_t>(p >> (8 * b));
    }
  }
  SelfReferencingView s;
  gen::Layout& l = s.layout;
  l.memory.AddRegion(std::move(pointers));
  std::vector<int64_t> shape, strides, suboffsets;
  int64_t count = 1;
  for (int64_t d = 0; d < indirect + strided; ++d) {
    int64_t extent =
        d < indirect ? *rc::gen::element<int64_t>(2, 2, 2, 1, 3) : *rc::gen::inRange<int64_t>(1, 5);
    if (count > (int64_t{1} << 40) / extent) extent = 1;  // len stays within int64
    count *= extent;
    shape.push_back(extent);
    strides.push_back(d < indirect ? *rc::gen::element<int64_t>(8, 8, 8, 8, 0, 16) : 1);
    suboffsets.push_back(d < indirect ? *rc::gen::element<int64_t>(0, 0, 0, 0, 8) : -1);
  }
  l.view.buf = table;
  l.view.itemsize = 1;
  l.view.ndim = indirect + strided;
  l.view.format = "B";
  l.view.readonly = *rc::gen::element(0, 1);
  l.view.len = count;
  l.view.shape = std::move(shape);
  l.view.strides = std::move(strides);
  l.view.suboffsets = std::move(suboffsets);
  if (*rc::gen::inRange(0, 6) == 0) Mutate(l.view);
  s.max_walk = *rc::gen::element<int64_t>(16, 256, 4096) + *rc::gen::inRange<int64_t>(0, 64);
  s.max_elements = *rc::gen::element<int64_t>(1, 64, 256);
  return s;
}

TEST(VerdictAgreement, CheckAndExplainAgreeOnAnyDescriptor) {
  gen::CheckAtLeast(1000, [] {
    gen::Layout l;
    int64_t max_walk = layout::kMaxWalk;
    int64_t max_elements = ExplainOptions{}.max_elements;
    const int kind = *rc::gen::inRange(0, 10);
    if (kind < 2) {
      l = BeyondWalk();
    } else if (kind == 2) {
      SelfReferencingView s = SelfReferencing();
      l = std::move(s.layout);
      max_walk = s.max_walk;
      max_elements = s.max_elements;
    } else {
      gen::LayoutGenOptions generation;
      generation.max_elements = 200;
      l = *gen::StridedLayout(generation);
      if (*rc::gen::inRange(0, 2) == 0) l = *gen::ArrayOfArrays(l);
      if (kind >= 6) Mutate(l.view);
    }
    const bool with_memory = *rc::gen::inRange(0, 6) != 0;
    ExpectAgreement(l.view, with_memory ? &l.memory : nullptr, max_walk, max_elements);
  });
}

// The self-referencing family alone, with its memory: each side of the walk limit is reached.
TEST(VerdictAgreement, CheckAndExplainAgreeOnSelfReferencingPointerTables) {
  int not_checked = 0, valid = 0, invalid = 0;
  gen::CheckAtLeast(500, [&] {
    const SelfReferencingView s = SelfReferencing();
    ExpectAgreement(s.layout.view, &s.layout.memory, s.max_walk, s.max_elements);
    const std::string verdict =
        CheckDefinition(s.layout.view, &s.layout.memory, s.max_walk).verdict;
    ++(verdict == "not checked" ? not_checked : verdict == "valid" ? valid : invalid);
  });
  EXPECT_GT(not_checked, 0);
  EXPECT_GT(valid, 0);
  EXPECT_GT(invalid, 0);
}

// The files in testdata, each with and without its memory.
TEST(VerdictAgreement, TestdataDescriptors) {
  for (const char* name :
       {"c_2x3", "broken", "pil", "aoa_beyond_walk", "aoa_self_referencing_40"}) {
    std::ifstream in(std::string("conformance/explain/testdata/") + name + ".json");
    ASSERT_TRUE(in) << name;
    std::stringstream text;
    text << in.rdbuf();
    const layout::DescriptorFile d = layout::DescriptorFromJson(nlohmann::json::parse(text.str()));
    for (const Memory* m : {d.memory ? &*d.memory : nullptr, static_cast<const Memory*>(nullptr)}) {
      const Outcome check = CheckDefinition(d.view, m);
      EXPECT_EQ(CheckJudged(d.view, m), check) << name;
      EXPECT_EQ(Explained(d.view, m), check) << name;
      // The reviewer's (2^40 prefixes over 16 bytes): explain said "valid", exit 0, in all three.
      if (std::string(name) == "aoa_self_referencing_40" && m != nullptr) {
        EXPECT_EQ(check.verdict, "not checked");
      }
    }
  }
  // The known disagreement: check says not checked (exit 2).
  std::ifstream in("conformance/explain/testdata/aoa_beyond_walk.json");
  std::stringstream text;
  text << in.rdbuf();
  const layout::DescriptorFile d = layout::DescriptorFromJson(nlohmann::json::parse(text.str()));
  EXPECT_EQ(Explained(d.view, &*d.memory).exit, 2);
  EXPECT_EQ(CheckDefinition(d.view, &*d.memory).verdict, "not checked");
}

}  // namespace
}  // namespace bufconf::explain
