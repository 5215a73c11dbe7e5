// The shared codec (fuzz/fuzz_input.h): the suite's case files decode through the fuzz targets'
// input decoding to the same case, and what the fuzz inputs decode to is written as a case file
// that decodes back to the same case; recipes are valid by construction; every JSON seed and every
// regression (JSON or binary) of the corpus decodes for its target.
#include "fuzz/fuzz_input.h"

#include <dirent.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "conformance/suite/cases.h"
#include "fuzz/recipe.h"
#include "reference/layout/checker.h"
#include "reference/layout/descriptor_json.h"
#include "reference/rules/catalogue.h"

namespace bufconf::fuzz {
namespace {

// Empty when the two cases are the same, else the first difference.
std::string Difference(const suite::AlgorithmCase& a, const suite::AlgorithmCase& b) {
  const layout::Descriptor &x = a.view, &y = b.view;
  if (x.buf != y.buf) return "buf";
  if (x.len != y.len) return "len";
  if (x.itemsize != y.itemsize) return "itemsize";
  if (x.readonly != y.readonly) return "readonly";
  if (x.ndim != y.ndim) return "ndim";
  if (x.format != y.format) return "format";
  if (x.shape != y.shape) return "shape";
  if (x.strides != y.strides) return "strides";
  if (x.suboffsets != y.suboffsets) return "suboffsets";
  if (a.memory.regions().size() != b.memory.regions().size()) return "number of regions";
  for (size_t i = 0; i < a.memory.regions().size(); ++i) {
    if (a.memory.regions()[i].base != b.memory.regions()[i].base) return "region base";
    if (a.memory.regions()[i].bytes != b.memory.regions()[i].bytes) return "region bytes";
  }
  if (a.order != b.order) return "order";
  if (a.bytes != b.bytes) return "bytes";
  if (a.format_text != b.format_text) return "format_text";
  if (a.dest.has_value() != b.dest.has_value()) return "dest";
  if (a.dest && (layout::DescriptorToJson(*a.dest, &a.dest_memory) !=
                 layout::DescriptorToJson(*b.dest, &b.dest_memory))) {
    return "dest";
  }
  return "";
}

std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }

std::string DescriptorAsCase(const layout::Descriptor& view, const layout::Memory& memory) {
  suite::AlgorithmCase c;
  c.view = view;
  c.memory = memory;
  return suite::ToJson(c).dump();
}

// A counterexample file of the suite (its own ToJson) decodes to the same case for every target.
// Both the bare case and the replay file `bufconf run` writes around it.
std::vector<uint8_t> ReplayFile(const suite::AlgorithmCase& c) {
  const nlohmann::ordered_json file = {{"bufconf_replay", 1},     {"rule", "ALGO-TO-CONTIGUOUS"},
                                       {"adapter", "reference"},  {"seed", 1},
                                       {"timeout_seconds", 60},   {"message", "m"},
                                       {"case", suite::ToJson(c)}};
  return Bytes(file.dump(2));
}

void ExpectDecodesToSame(const suite::AlgorithmCase& c) {
  for (const std::vector<uint8_t>& file : {Bytes(suite::ToJson(c).dump(2)), ReplayFile(c)}) {
    for (Target t : {Target::kDescriptor, Target::kModel, Target::kDifferential}) {
      FuzzCase f;
      ASSERT_TRUE(DecodeTargetInput(t, file.data(), file.size(), &f)) << suite::ToJson(c).dump();
      EXPECT_EQ(f.form, InputForm::kAlgorithmCase);
      EXPECT_TRUE(f.has_memory);
      EXPECT_EQ(Difference(c, f.c), "") << suite::ToJson(c).dump();
    }
  }
  const std::vector<uint8_t> file = ReplayFile(c);
  // The mirror target takes the order from its control byte, the rest from the file.
  std::vector<uint8_t> mirror = {1};
  mirror.insert(mirror.end(), file.begin(), file.end());
  FuzzCase f;
  ASSERT_TRUE(DecodeTargetInput(Target::kMirror, mirror.data(), mirror.size(), &f));
  f.c.order = c.order;
  EXPECT_EQ(Difference(c, f.c), "");
}

TEST(FuzzInput, TinyCounterexampleFilesDecodeToTheSameCase) {
  const std::vector<suite::AlgorithmCase> cases = suite::TinyAlgorithmCases(4, "T{h:a:}2i");
  ASSERT_GT(cases.size(), 100u);
  for (const suite::AlgorithmCase& c : cases) ExpectDecodesToSame(c);
}

TEST(FuzzInput, DescriptorJsonAndBinaryDecodeWithoutCaseFields) {
  const std::string json =
      R"({"buf": "0x1000", "len": 4, "itemsize": 2, "ndim": 1, "format": "h", "shape": [2],
          "strides": [2], "memory": [{"base": "0x1000", "bytes": "01020304"}]})";
  FuzzCase f;
  ASSERT_TRUE(
      DecodeDescriptorInput(reinterpret_cast<const uint8_t*>(json.data()), json.size(), &f));
  EXPECT_EQ(f.form, InputForm::kDescriptorJson);
  EXPECT_EQ(f.c.format_text, "h");
  EXPECT_EQ(f.c.bytes.size(), 4u);
  const std::string bad = R"({"kind": "algorithm", "order": "CF"})";
  EXPECT_FALSE(DecodeDescriptorInput(reinterpret_cast<const uint8_t*>(bad.data()), bad.size(), &f));
  const std::string enumerated = R"({"kind": "enumerated", "index": 0, "flags": 0})";
  EXPECT_FALSE(DecodeDescriptorInput(reinterpret_cast<const uint8_t*>(enumerated.data()),
                                     enumerated.size(), &f));
}

TEST(FuzzInput, ExporterCaseFilesDecodeToTheirLayoutAndFlags) {
  suite::ExporterCase like;
  like.spec.format = "h";
  like.spec.itemsize = 2;
  like.flags = 0x11d;
  const std::vector<suite::ExporterCase> cases = suite::TinyExporterCases(like, 4);
  ASSERT_GT(cases.size(), 10u);
  for (const suite::ExporterCase& e : cases) {
    const std::vector<uint8_t> file = Bytes(suite::ToJson(e).dump());
    FuzzCase f;
    ASSERT_TRUE(DecodeDescriptorInput(file.data(), file.size(), &f)) << suite::ToJson(e).dump();
    EXPECT_EQ(f.form, InputForm::kExporterCase);
    EXPECT_EQ(f.flags, e.flags);
    int64_t n = 1;
    for (int64_t d : e.spec.shape) n *= d;
    EXPECT_EQ(f.c.view.len, n * 2);
    EXPECT_EQ(f.c.view.shape.value_or(std::vector<int64_t>()), e.spec.shape);
    for (const layout::Violation& v : layout::Validate(f.c.view, &f.c.memory)) {
      const rules::Rule* rule = rules::FindRule(v.rule);
      ASSERT_NE(rule, nullptr);
      EXPECT_NE(rule->level, rules::Level::kMust) << v.rule << " " << suite::ToJson(e).dump();
    }
  }
}

// The to_case path: whatever a recipe input decodes to, written as a case file, decodes back to
// the same case (so `bufconf replay` and the targets run the very case the input made).
TEST(FuzzInput, RecipeInputsRoundTripThroughCaseFiles) {
  std::mt19937 rng(42);
  int decoded = 0;
  for (int i = 0; i < 1500; ++i) {
    std::vector<uint8_t> input(rng() % 64);
    for (uint8_t& b : input) b = static_cast<uint8_t>(rng());
    if (!input.empty() && input[0] == '{') input[0] = 0;
    for (Target t : {Target::kModel, Target::kDifferential}) {
      FuzzCase f;
      if (!DecodeTargetInput(t, input.data(), input.size(), &f)) continue;
      ++decoded;
      EXPECT_EQ(f.form, InputForm::kRecipe);
      const std::vector<uint8_t> file = Bytes(suite::ToJson(f.c).dump());
      FuzzCase back;
      ASSERT_TRUE(DecodeTargetInput(t, file.data(), file.size(), &back));
      EXPECT_EQ(Difference(f.c, back.c), "");
    }
  }
  EXPECT_GT(decoded, 2000);
}

// Recipes are valid by construction: the checker breaks no MUST rule, in every variety the recipe
// has (indirection at any dimension and several levels, separate rows, NULL strides and shape).
TEST(Recipe, LayoutsAreValidAndVaried) {
  std::mt19937 rng(7);
  int levels2 = 0, separate = 0, inner_indirect = 0, null_strides = 0, null_shape = 0;
  for (int i = 0; i < 8000; ++i) {
    std::vector<uint8_t> input(rng() % 48);
    for (uint8_t& b : input) b = static_cast<uint8_t>(rng());
    layout::Descriptor view;
    layout::Memory memory;
    if (!LayoutFromRecipe(input.data(), input.size(), &view, &memory)) continue;
    for (const layout::Violation& v : layout::Validate(view, &memory)) {
      const rules::Rule* rule = rules::FindRule(v.rule);
      ASSERT_NE(rule, nullptr);
      ASSERT_NE(rule->level, rules::Level::kMust) << v.rule << ": " << v.message << "\n"
                                                  << DescriptorAsCase(view, memory);
    }
    if (view.suboffsets) {
      int indirect = 0;
      for (size_t d = 0; d < view.suboffsets->size(); ++d) {
        if ((*view.suboffsets)[d] >= 0) {
          ++indirect;
          if (d > 0) ++inner_indirect;
        }
      }
      if (indirect >= 2) ++levels2;
      if (memory.regions().size() > static_cast<size_t>(indirect) + 1) ++separate;
    }
    if (view.ndim > 0 && !view.strides) ++null_strides;
    if (view.ndim > 0 && !view.shape) ++null_shape;
  }
  EXPECT_GT(levels2, 40);
  EXPECT_GT(separate, 40);
  EXPECT_GT(inner_indirect, 40);
  EXPECT_GT(null_strides, 8);
  EXPECT_GT(null_shape, 2);
}

std::vector<std::string> Files(const std::string& dir,
                               std::vector<const char*> subs = {"/seeds", "/regressions"}) {
  std::vector<std::string> out;
  for (const char* sub : subs) {
    DIR* d = opendir((dir + sub).c_str());
    if (d == nullptr) continue;
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] != '.') out.push_back(dir + sub + "/" + e->d_name);
    }
    closedir(d);
  }
  return out;
}

std::vector<uint8_t> Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

const std::vector<std::pair<std::string, Target>>& CaseTargets() {
  static const std::vector<std::pair<std::string, Target>> targets = {
      {"corpus/descriptor_fuzzer", Target::kDescriptor},
      {"corpus/model_fuzzer", Target::kModel},
      {"corpus/differential_fuzzer", Target::kDifferential},
      {"corpus/mirror_fuzzer", Target::kMirror}};
  return targets;
}

// A JSON seed that does not decode would be silently skipped by its target.
TEST(Corpus, EveryJsonInputDecodesForItsTarget) {
  int json = 0;
  for (const auto& [dir, target] : CaseTargets()) {
    const std::vector<std::string> files = Files(dir);
    EXPECT_FALSE(files.empty()) << dir;
    for (const std::string& path : files) {
      const std::vector<uint8_t> bytes = Read(path);
      const size_t at = target == Target::kMirror ? 1 : 0;
      if (bytes.size() <= at || bytes[at] != '{') continue;
      ++json;
      FuzzCase f;
      EXPECT_TRUE(DecodeTargetInput(target, bytes.data(), bytes.size(), &f)) << path;
    }
  }
  EXPECT_GT(json, 20);
}

// A regression replays what once broke; one that no longer decodes (the codec changed under it)
// would replay as a no-op and pass forever. Every regression, JSON or binary, decodes for its
// target, and the format target's are within the 4096 bytes it reads.
TEST(Corpus, EveryRegressionDecodesForItsTarget) {
  int json = 0, binary = 0;
  for (const auto& [dir, target] : CaseTargets()) {
    for (const std::string& path : Files(dir, {"/regressions"})) {
      const std::vector<uint8_t> bytes = Read(path);
      ASSERT_FALSE(bytes.empty()) << path;
      const size_t at = target == Target::kMirror ? 1 : 0;
      const bool is_json = bytes.size() > at && bytes[at] == '{';
      ++(is_json ? json : binary);
      FuzzCase f;
      EXPECT_TRUE(DecodeTargetInput(target, bytes.data(), bytes.size(), &f)) << path;
      if (!is_json && target != Target::kMirror) {  // the descriptor codec, or a recipe
        EXPECT_TRUE(f.form == InputForm::kBinary || f.form == InputForm::kRecipe) << path;
      }
    }
  }
  // 16 regressions on 2026-12-06: 5 JSON, 9 binary, and 2 format strings below.
  EXPECT_GE(json, 5);
  EXPECT_GE(binary, 9);
  const std::vector<std::string> formats = Files("corpus/format_fuzzer", {"/regressions"});
  EXPECT_GE(formats.size(), 2u);
  for (const std::string& path : formats) {
    const size_t size = Read(path).size();
    EXPECT_GT(size, 0u) << path;
    EXPECT_LE(size, 4096u) << path << ": format_fuzzer ignores inputs over 4096 bytes";
  }
}

}  // namespace
}  // namespace bufconf::fuzz
