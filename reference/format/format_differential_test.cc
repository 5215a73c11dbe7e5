// Differential test: bufconf's struct and numpy dialects against the real implementations
// (Debian's /usr/bin/python3: CPython 3.11 struct.calcsize; numpy 1.24 _dtype_from_pep3118 after
// the whitespace stripping of numpy's C entry point), on generated formats.
//
// Where numpy is knowingly wrong (its parse bugs, formats.md §3.3) the disagreement is allowed
// only in the documented direction and only for the documented cause; see kKnownNumpyBugs.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "conformance/generators/format_gen.h"
#include "conformance/generators/rc_support.h"
#include "conformance/testing/python_coprocess.h"
#include "reference/format/format_json.h"
#include "reference/format/layout.h"

namespace bufconf::format {
namespace {

std::string g_oracle_script;  // from argv[1]

testing::PythonCoprocess& Oracle() {
  static testing::PythonCoprocess oracle(g_oracle_script);
  return oracle;
}

nlohmann::json Ask(const char* op, const std::string& text) {
  return Oracle().Ask({{"op", op}, {"format", BytesToJsonText(text)}});
}

// Every scalar of the layout as [offset, size], in field order: how numpy's dtype sees it.
void Leaves(const std::vector<FieldLayout>& fields, uint64_t base,
            std::vector<std::pair<uint64_t, uint64_t>>& out) {
  for (const FieldLayout& f : fields) {
    if (f.padding) continue;
    for (uint64_t e = 0; e < f.element_count(); ++e) {
      const uint64_t at = base + f.offset + e * f.stride;
      if (f.code == "T") {
        Leaves(f.members, at, out);
      } else {
        out.emplace_back(at, f.size);
      }
    }
  }
}

rc::Gen<std::string> MixedFormats(Dialect primary) {
  return rc::gen::weightedOneOf<std::string>({
      {4, gen::FormatText(primary)},
      {2, gen::FormatSoup(/*ascii_printable_only=*/true)},
      {1, gen::FormatText(Dialect::kPep3118)},
      {1, gen::FormatText(primary == Dialect::kStruct ? Dialect::kNumpy : Dialect::kStruct)},
  });
}

TEST(StructDifferential, AgreesWithCPythonStructCalcsize) {
  gen::CheckAtLeast(1000, [] {
    const std::string text = *MixedFormats(Dialect::kStruct);
    const FormatResult ours = AnalyzeFormat(text, Dialect::kStruct);
    const nlohmann::json theirs = Ask("struct", text);
    RC_LOG() << "format: " << nlohmann::json(BytesToJsonText(text)).dump() << "\n"
             << "bufconf: " << ResultToJson(text, Dialect::kStruct, ours).dump() << "\n"
             << "CPython: " << theirs.dump() << "\n";
    RC_TAG(ours.ok() ? "accepted" : "rejected");
    RC_ASSERT(ours.ok() == theirs["ok"].get<bool>());
    if (ours.ok()) RC_ASSERT(ours.layout().itemsize == theirs["itemsize"].get<uint64_t>());
  });
}

// numpy accepts these; bufconf's numpy dialect rejects them on purpose. Each entry: the error
// bufconf gives (a prefix of its message), and why numpy's acceptance is a bug.
struct KnownNumpyBug {
  const char* bufconf_error;
  const char* reason;
};
constexpr KnownNumpyBug kKnownNumpyBugs[] = {
    {"'}' without a matching 'T{'",
     "N3: numpy stops at a stray '}' and silently ignores the rest of the format"},
    {"unterminated 'T{'", "N3: numpy accepts a 'T{' that is never closed"},
};

// numpy reads shape dimensions with Python int(), which also accepts '+3', '-0' and '1_0'.
// bufconf requires decimal digits there, as the PEP's "(k1,k2,...,kn)" and struct counts do.
// numpy keeps a dtype's itemsize in a C int: a string or unicode length ('3000000000s',
// '99999999999999999999w') wraps to a negative or wrong size instead of being rejected. bufconf
// computes the exact size (or rejects one beyond PY_SSIZE_T_MAX).
bool IsNumpyIntItemsizeWrap(const FormatResult& ours, const nlohmann::json& theirs) {
  const int64_t numpy_itemsize = theirs["itemsize"].get<int64_t>();
  if (numpy_itemsize < 0) return true;
  if (ours.ok()) return ours.layout().itemsize > static_cast<uint64_t>(INT32_MAX);
  return ours.error().message.find("exceeds PY_SSIZE_T_MAX") != std::string::npos;
}

bool IsIntSpellingDifference(const std::string& text, const FormatError& error) {
  if (error.message.rfind("expected a dimension", 0) != 0 &&
      error.message.rfind("expected ',' or ')'", 0) != 0) {
    return false;
  }
  const char c = error.position < text.size() ? text[error.position] : '\0';
  return c == '+' || c == '-' || c == '_';
}

TEST(NumpyDifferential, AgreesWithNumpyDtypeFromPep3118) {
  gen::CheckAtLeast(1000, [] {
    const std::string text = *MixedFormats(Dialect::kNumpy);
    const FormatResult ours = AnalyzeFormat(text, Dialect::kNumpy);
    const nlohmann::json theirs = Ask("numpy", text);
    RC_LOG() << "format: " << nlohmann::json(BytesToJsonText(text)).dump() << "\n"
             << "bufconf: " << ResultToJson(text, Dialect::kNumpy, ours).dump() << "\n"
             << "numpy: " << theirs.dump() << "\n";
    const bool numpy_ok = theirs["ok"].get<bool>();
    if (numpy_ok && IsNumpyIntItemsizeWrap(ours, theirs)) {
      RC_TAG("numpy's C-int itemsize wraps");
      return;
    }
    if (!ours.ok() && numpy_ok) {
      for (const KnownNumpyBug& bug : kKnownNumpyBugs) {
        if (ours.error().message.rfind(bug.bufconf_error, 0) == 0) {
          RC_TAG(bug.reason);
          return;
        }
      }
      if (IsIntSpellingDifference(text, ours.error())) {
        RC_TAG("numpy's int() spellings of a dimension");
        return;
      }
    }
    RC_TAG(ours.ok() ? "accepted" : "rejected");
    RC_ASSERT(ours.ok() == numpy_ok);
    if (!ours.ok()) return;
    RC_ASSERT(ours.layout().itemsize == theirs["itemsize"].get<uint64_t>());
    std::vector<std::pair<uint64_t, uint64_t>> leaves;
    Leaves(ours.layout().fields, 0, leaves);
    std::vector<std::pair<uint64_t, uint64_t>> numpy_leaves;
    for (const auto& leaf : theirs["leaves"]) {
      numpy_leaves.emplace_back(leaf[0].get<uint64_t>(), leaf[1].get<uint64_t>());
    }
    RC_ASSERT(leaves == numpy_leaves);
  });
}

}  // namespace
}  // namespace bufconf::format

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PYTHON_ORACLE_SCRIPT\n", argv[0]);
    return 2;
  }
  bufconf::format::g_oracle_script =
      bufconf::testing::RunfilePath(std::string("reference/format/") + "python_oracle.py");
  if (std::string(argv[1]).find("python_oracle.py") != std::string::npos) {
    bufconf::format::g_oracle_script = argv[1];
  }
  return RUN_ALL_TESTS();
}
