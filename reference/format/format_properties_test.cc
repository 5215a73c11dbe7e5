// Properties of the format model's own consistency: canonical printing, whitespace, values,
// layout invariants, robustness on junk, and what the struct dialect must reject.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <string>
#include <vector>

#include "conformance/generators/format_gen.h"
#include "conformance/generators/rc_support.h"
#include "reference/format/format_json.h"
#include "reference/format/layout.h"
#include "reference/format/printer.h"
#include "reference/format/value.h"

namespace bufconf::format {
namespace {

using gen::CheckAtLeast;

std::string Show(const Layout& layout) {
  FormatResult r;
  r.result = layout;
  return ResultToJson("", Dialect::kPep3118, r).dump();
}

class PerDialect : public ::testing::TestWithParam<Dialect> {};

INSTANTIATE_TEST_SUITE_P(Dialects, PerDialect, ::testing::ValuesIn(kAllDialects),
                         [](const auto& p) { return std::string(DialectName(p.param)); });

// Printing a parsed format and parsing it again gives the same layout (and the same text).
TEST_P(PerDialect, CanonicalTextRoundTrips) {
  const Dialect d = GetParam();
  CheckAtLeast(300, [d] {
    const Seq seq = *gen::FormatSyntax(d);
    const Layout layout = ComputeLayout(seq, d);
    const std::string text = Print(seq);
    RC_LOG() << "canonical: '" << text << "'\n";
    const FormatResult again = AnalyzeFormat(text, d);
    RC_ASSERT(again.ok());
    RC_ASSERT(SameLayout(again.layout(), layout));
    RC_ASSERT(Print(again.syntax) == text);
  });
}

// Whitespace where the dialect allows it changes nothing.
TEST_P(PerDialect, WhitespaceIsIgnored) {
  const Dialect d = GetParam();
  CheckAtLeast(300, [d] {
    const Seq seq = *gen::FormatSyntax(d);
    const std::string text = *gen::RenderWithSpaces(seq, d);
    RC_LOG() << "text: '" << text << "'\n";
    const FormatResult r = AnalyzeFormat(text, d);
    RC_ASSERT(r.ok());
    RC_ASSERT(SameLayout(r.layout(), ComputeLayout(seq, d)));
  });
}

void CheckFields(const std::vector<FieldLayout>& fields, uint64_t size, uint64_t alignment) {
  uint64_t end = 0;
  for (const FieldLayout& f : fields) {
    RC_ASSERT(f.offset >= end);               // fields are in order and never overlap
    RC_ASSERT(f.offset % f.alignment == 0);   // each field is placed at its alignment
    RC_ASSERT(alignment % f.alignment == 0);  // the whole is aligned for every field
    RC_ASSERT(f.stride >= f.size);            // elements never overlap
    RC_ASSERT(f.stride % f.alignment == 0);   // every element of an array is aligned
    RC_ASSERT(f.extent == f.stride * f.element_count());
    RC_ASSERT(f.offset + f.extent <= size);  // inside the item / enclosing struct
    if (f.mode != '@') RC_ASSERT(f.alignment == 1u);
    if (f.code == "T") {
      uint64_t inner_alignment = 1;
      for (const FieldLayout& m : f.members)
        inner_alignment = std::max(inner_alignment, m.alignment);
      CheckFields(f.members, f.size, inner_alignment);
    }
    end = f.offset + f.extent;
  }
}

TEST_P(PerDialect, LayoutInvariants) {
  const Dialect d = GetParam();
  CheckAtLeast(300, [d] {
    const Seq seq = *gen::FormatSyntax(d);
    const Layout layout = ComputeLayout(seq, d);
    RC_LOG() << Print(seq) << " -> " << Show(layout) << "\n";
    CheckFields(layout.fields, layout.itemsize, layout.alignment);
    // C struct rules: the item is a multiple of its alignment, so arrays of items stay aligned.
    if (d == Dialect::kPep3118) RC_ASSERT(layout.itemsize % layout.alignment == 0);
  });
}

// decode then encode keeps every significant bit, and decoding is a function of those bits.
TEST_P(PerDialect, DecodeEncodeRoundTrips) {
  const Dialect d = GetParam();
  CheckAtLeast(300, [d] {
    const Seq seq = *gen::FormatSyntax(d);
    const Layout layout = ComputeLayout(seq, d);
    RC_PRE(layout.itemsize <= 1u << 16);
    const auto bytes = *rc::gen::container<std::vector<uint8_t>>(
        static_cast<size_t>(layout.itemsize), rc::gen::arbitrary<uint8_t>());
    RC_LOG() << Print(seq) << "\n";
    const Value value = DecodeItem(layout, bytes.data());
    const std::vector<uint8_t> encoded = EncodeItem(layout, value);
    const std::vector<uint8_t> mask = SignificantBits(layout);
    RC_ASSERT(encoded.size() == bytes.size());
    for (size_t i = 0; i < bytes.size(); ++i) {
      RC_ASSERT(encoded[i] == (bytes[i] & mask[i]));
    }
    RC_ASSERT(DecodeItem(layout, encoded.data()) == value);
  });
}

// Any byte string: an answer (layout or error with an in-range position), never a crash; an
// accepted junk string also round-trips through its canonical text.
TEST(FormatRobustness, JunkNeverCrashes) {
  CheckAtLeast(1000, [] {
    const std::string text = *gen::FormatSoup();
    for (Dialect d : kAllDialects) {
      const FormatResult r = AnalyzeFormat(text, d);
      if (!r.ok()) {
        RC_ASSERT(r.error().position <= text.size());
        RC_ASSERT(!r.error().message.empty());
        continue;
      }
      const FormatResult again = AnalyzeFormat(Print(r.syntax), d);
      RC_ASSERT(again.ok());
      RC_ASSERT(SameLayout(again.layout(), r.layout()));
    }
  });
}

// A valid struct format with one construct that CPython 3.11's struct rejects is rejected.
TEST(StructDialect, RejectsWhatStructRejects) {
  CheckAtLeast(500, [] {
    const Seq seq = *gen::FormatSyntax(Dialect::kStruct);
    std::vector<std::string> tokens = gen::FormatTokens(seq, Dialect::kStruct);
    const bool leading_order = !tokens.empty() && IsOrderChar(tokens[0][0]);
    const bool standard = leading_order && tokens[0][0] != '@';
    std::vector<std::string> poisons = {
        "T{i}", ":a:", "^",   "^i", "(2)i", "g",  "Zf",
        "Zd",   "F",   "D",   "&i", "X{}",  "u",  "w",
        "O",    "t",   "2 i", "}",  "{",    "Zi", "\x80",
        "-1i",  "@",   "=",   "<",  ">",    "!",  std::string(1, '\0')};
    if (standard) poisons.insert(poisons.end(), {"n", "N", "P"});
    const std::string poison = *rc::gen::elementOf(poisons);
    // An order mark is a poison anywhere but first, or first when there already is one.
    const size_t min_at = (IsOrderChar(poison[0]) && !leading_order) ? 1 : 0;
    RC_PRE(min_at <= tokens.size());
    const size_t at = *rc::gen::inRange(min_at, tokens.size() + 1);
    tokens.insert(tokens.begin() + static_cast<long>(at), poison);
    std::string text;
    for (const std::string& t : tokens) text += t;
    RC_LOG() << "text: '" << text << "'\n";
    RC_ASSERT(!AnalyzeFormat(text, Dialect::kStruct).ok());
  });
}

}  // namespace
}  // namespace bufconf::format
