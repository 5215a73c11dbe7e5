// Differential test of the model's memoryview algorithms against Debian's real CPython 3.11:
//
// - ALGO-EQUAL: memoryview == (both ways, and each view with itself) against MemoryviewEqual;
// - ALGO-TOLIST: memoryview.tolist() against ToList, for the formats tolist supports (and that it
//   refuses exactly the others);
// - ALGO-TOBYTES: memoryview.tobytes(order) for 'C', 'F', 'A' and None against ToContiguous;
//
// on generated pairs of views, at least 1,000 per run. View a is numpy's np.ndarray over a byte
// base with any strides (zero, negative, not multiples of the itemsize, overlapping), a
// memoryview of our own Py_buffer (PyMemoryView_FromBuffer: any format string, and itemsizes
// that lie), or a placed view like b. View b holds a's C-order bytes (or those with one byte
// flipped, another format of the same itemsize, another shape), placed with per-dimension steps
// (negative too) and padding into: numpy (dimensions permuted in memory), a memoryview slice of
// a cast of bytes, or _testbuffer.ndarray plain, ND_FORTRAN or ND_PIL (suboffsets). Elements are
// biased to NaNs with payloads, -0.0, infinities, bools that are not 0/1. The model reads the
// Py_buffers the memoryviews hold and the bytes CPython owns there (pointer tables included).
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "conformance/generators/rc_support.h"
#include "conformance/testing/python_coprocess.h"
#include "reference/format/dialect.h"
#include "reference/format/layout.h"
#include "reference/format/value.h"
#include "reference/layout/descriptor.h"
#include "reference/layout/mirror.h"
#include "reference/layout/values_json.h"

namespace bufconf::layout {
namespace {

using nlohmann::json;

std::string g_oracle_script;  // from argv[1]

testing::PythonCoprocess& Oracle() {
  static testing::PythonCoprocess oracle(g_oracle_script);
  return oracle;
}

using testing::Hex;
using testing::Unhex;

int64_t Product(const std::vector<int64_t>& shape) {
  return std::accumulate(shape.begin(), shape.end(), int64_t{1},
                         [](int64_t a, int64_t b) { return a * b; });
}

// ---------------------------------------------------------------------------------------------
// Formats.

struct Entry {
  std::string format;  // struct format ("" when only numpy can make it)
  json dtype;          // numpy dtype (null: none)
  int64_t itemsize;
};

// numpy's {a: int16, b: uint8}: 'T{h:a:B:b:}' (aligned) or 'T{=h:a:B:b:}', which struct rejects.
json StructuredDtype(bool align) {
  return {{"fields", json::array({json::array({"a", "<i2"}), json::array({"b", "u1"})})},
          {"align", align}};
}

// Native single codes (memoryview's fast path and tolist; 'e' is neither in 3.11), other spellings
// of them (struct path), multi-value and padding formats, and numpy-only structured dtypes.
const std::vector<Entry>& Entries() {
  static const std::vector<Entry> kEntries = {
      {"B", "u1", 1},
      {"b", "i1", 1},
      {"?", "?", 1},
      {"c", nullptr, 1},
      {"h", "<i2", 2},
      {"H", "<u2", 2},
      {"i", "<i4", 4},
      {"I", "<u4", 4},
      {"l", "<i8", 8},
      {"L", "<u8", 8},
      {"q", "q", 8},
      {"Q", "Q", 8},
      {"n", nullptr, 8},
      {"N", nullptr, 8},
      {"e", "<f2", 2},
      {"f", "<f4", 4},
      {"d", "<f8", 8},
      {"P", nullptr, 8},
      {"@i", nullptr, 4},
      {"@?", nullptr, 1},
      {"<i", nullptr, 4},
      {">h", ">i2", 2},
      {">d", ">f8", 8},
      {"=q", nullptr, 8},
      {"<?", nullptr, 1},
      {"<d", nullptr, 8},
      {"1s", "S1", 1},
      {"3s", "S3", 3},
      {"hh", nullptr, 4},
      {"bxh", nullptr, 4},
      {"2i", nullptr, 8},
      {"3p", nullptr, 3},
      {"?B", nullptr, 2},
      {"3x", "V3", 3},
      {"<e", nullptr, 2},
      {"ff", nullptr, 8},
      {"", StructuredDtype(true), 4},
      {"", StructuredDtype(false), 3},
  };
  return kEntries;
}

bool IsFloatCode(const std::string& format) {
  return format.find_first_of("efd") != std::string::npos;
}

// The formats memoryview.cast accepts (and tolist decodes): one native code, optionally after '@'.
bool TolistSupports(const std::string& format) {
  const std::string code = !format.empty() && format[0] == '@' ? format.substr(1) : format;
  return code.size() == 1 && std::string("cbBhHiIlLqQnNfd?P").find(code[0]) != std::string::npos;
}

// Whether memoryview.tolist of 3.11 answers: adjust_fmt wants one character after an optional
// '@' (NotImplementedError otherwise, even for an empty view); unpack_single then refuses any
// code but those of TolistSupports, but only once it unpacks an element.
bool TolistAccepts(const std::string& format, bool has_elements) {
  const std::string code = !format.empty() && format[0] == '@' ? format.substr(1) : format;
  return code.size() == 1 && (!has_elements || TolistSupports(format));
}

// The bytes of one element: special float and bool patterns, extreme and small bytes.
std::vector<uint8_t> ElementBytes(const std::string& format, int64_t itemsize) {
  std::vector<uint8_t> out;
  if (IsFloatCode(format) && (itemsize == 2 || itemsize == 4 || itemsize == 8) &&
      *rc::gen::inRange(0, 3) != 0) {
    // sign, exponent all ones (NaN/inf) or zero (zero/subnormal) or 1.0-like, mantissa payload
    const int kind = *rc::gen::inRange(0, 5);
    const uint64_t bits = static_cast<uint64_t>(itemsize) * 8;
    const uint64_t mantissa_bits = bits == 16 ? 10 : bits == 32 ? 23 : 52;
    const uint64_t exponent_mask = ((uint64_t{1} << (bits - 1 - mantissa_bits)) - 1)
                                   << mantissa_bits;
    uint64_t value = 0;
    const uint64_t payload = *rc::gen::elementOf(std::vector<uint64_t>{
        0, 1, uint64_t{1} << (mantissa_bits - 1), (uint64_t{1} << (mantissa_bits - 1)) + 5, 3});
    if (kind == 0) value = exponent_mask | (payload == 0 ? 1 : payload);  // NaN
    if (kind == 1) value = exponent_mask;                                 // inf
    if (kind == 2) value = 0;                                             // zero
    if (kind == 3) value = (exponent_mask >> 1) & exponent_mask;          // 1.0
    if (kind == 4) value = payload;                                       // subnormal
    if (*rc::gen::arbitrary<bool>()) value |= uint64_t{1} << (bits - 1);  // sign
    const bool big = format[0] == '>';
    for (int64_t i = 0; i < itemsize; ++i) {
      const int64_t shift = 8 * (big ? itemsize - 1 - i : i);
      out.push_back(static_cast<uint8_t>(value >> shift));
    }
    return out;
  }
  for (int64_t i = 0; i < itemsize; ++i) {
    out.push_back(*rc::gen::weightedOneOf<uint8_t>(
        {{4, rc::gen::just<uint8_t>(0)},
         {3, rc::gen::just<uint8_t>(1)},
         {2, rc::gen::elementOf(std::vector<uint8_t>{2, 0x80, 0xff, 0x7f, 'a'})},
         {2, rc::gen::arbitrary<uint8_t>()}}));
  }
  return out;
}

std::vector<uint8_t> Content(const std::string& format, int64_t itemsize, int64_t count) {
  std::vector<uint8_t> out;
  // Mostly one or two distinct elements, so that equal values (and NaNs) repeat.
  const int distinct = *rc::gen::inRange(1, 4);
  std::vector<std::vector<uint8_t>> pool;
  for (int i = 0; i < distinct; ++i) pool.push_back(ElementBytes(format, itemsize));
  for (int64_t e = 0; e < count; ++e) {
    const std::vector<uint8_t>& element = *rc::gen::elementOf(pool);
    out.insert(out.end(), element.begin(), element.end());
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Views.

constexpr int kFullSize = 100;  // the generators are bounded: always use the full ranges

rc::Gen<int64_t> Extent() {
  return rc::gen::weightedOneOf<int64_t>({{1, rc::gen::just<int64_t>(0)},
                                          {3, rc::gen::just<int64_t>(1)},
                                          {6, rc::gen::inRange<int64_t>(2, 5)}});
}

std::vector<int64_t> Shape() {
  const int ndim = *rc::gen::weightedElement<int>({{1, 0}, {4, 1}, {4, 2}, {2, 3}});
  std::vector<int64_t> shape =
      *rc::gen::container<std::vector<int64_t>>(static_cast<size_t>(ndim), Extent());
  // Often a 0 before the last dimension: extents after it are not compared.
  if (ndim >= 2 && *rc::gen::inRange(0, 5) == 0)
    shape[*rc::gen::inRange<size_t>(0, shape.size() - 1)] = 0;
  return shape;
}

// Steps, pads and memory order of a placed view (see placement() in the oracle script).
json Placement(size_t ndim, const std::string& kind) {
  std::vector<int64_t> steps, pads;
  for (size_t d = 0; d < ndim; ++d) {
    // A memoryview can only slice its first dimension.
    const bool free = kind != "mv" || d == 0;
    steps.push_back(free ? *rc::gen::elementOf(std::vector<int64_t>{1, 1, 2, -1, -1, -2, 3}) : 1);
    pads.push_back(free ? *rc::gen::elementOf(std::vector<int64_t>{0, 0, 1, 2}) : 0);
  }
  std::vector<int64_t> perm(ndim);
  std::iota(perm.begin(), perm.end(), int64_t{0});
  for (size_t i = ndim; i > 1; --i) std::swap(perm[i - 1], perm[*rc::gen::inRange<size_t>(0, i)]);
  return {{"steps", steps},
          {"pads", pads},
          {"perm", perm},
          {"flags", *rc::gen::elementOf(std::vector<std::string>{"plain", "pil", "fortran"})},
          {"seed", *rc::gen::inRange(0, 256)}};
}

// A placed view of `entry`: numpy, memoryview or _testbuffer, whichever can express it.
json PlacedSpec(const Entry& entry, size_t ndim) {
  std::vector<std::string> kinds;
  if (!entry.dtype.is_null()) kinds.push_back("numpy");
  if (TolistSupports(entry.format)) kinds.push_back("mv");  // the formats cast() accepts
  if (!entry.format.empty() && entry.itemsize > 0) kinds.push_back("testbuffer");
  const std::string kind = *rc::gen::elementOf(kinds);
  return {{"kind", kind},
          {"format", entry.format},
          {"dtype", entry.dtype},
          {"layout", Placement(ndim, kind)}};
}

// Strides over a base of bytes (zero, negative, any multiple or none of the itemsize), with the
// base large enough (plus slack for reads of a native size beyond a lying itemsize).
void StridedOverBase(json& spec, const std::vector<int64_t>& shape, int64_t itemsize) {
  std::vector<int64_t> strides;
  for (size_t i = 0; i < shape.size(); ++i) {
    strides.push_back(*rc::gen::weightedOneOf<int64_t>(
        {{1, rc::gen::just<int64_t>(0)},
         {2, rc::gen::map(rc::gen::inRange<int64_t>(-3, 4),
                          [itemsize](int64_t k) { return k * itemsize; })},
         {2, rc::gen::inRange<int64_t>(-20, 21)}}));
  }
  int64_t lo = 0, hi = 0;
  for (size_t i = 0; i < shape.size(); ++i) {
    const int64_t reach = shape[i] > 0 ? (shape[i] - 1) * strides[i] : 0;
    (reach < 0 ? lo : hi) += reach;
  }
  const int64_t slack = *rc::gen::inRange<int64_t>(0, 4);
  const int64_t base_len = hi - lo + itemsize + slack + 8;
  spec["offset"] = -lo + *rc::gen::inRange<int64_t>(0, slack + 1);
  spec["shape"] = shape;
  spec["strides"] = strides;
  spec["base"] = Hex(*rc::gen::container<std::vector<uint8_t>>(
      static_cast<size_t>(base_len),
      rc::gen::weightedOneOf<uint8_t>({{2, rc::gen::just<uint8_t>(0)},
                                       {1, rc::gen::elementOf(std::vector<uint8_t>{1, 2})},
                                       {2, rc::gen::arbitrary<uint8_t>()}})));
}

struct PairRequest {
  json request;
};

PairRequest Pairs() {
  PairRequest out;
  const Entry& entry = Entries()[*rc::gen::inRange<size_t>(0, Entries().size())];
  const std::vector<int64_t> shape = Shape();
  json a;
  const int a_kind = *rc::gen::weightedElement<int>({{5, 0}, {2, 1}, {2, 2}});
  if (a_kind == 0) {  // placed from generated bytes
    a = PlacedSpec(entry, shape.size());
    a["shape"] = shape;
    a["content"] = Hex(Content(entry.format, entry.itemsize, Product(shape)));
  } else if (a_kind == 1 && !entry.dtype.is_null()) {  // numpy's own strides over a base
    a = {{"kind", "numpy_strided"}, {"dtype", entry.dtype}};
    StridedOverBase(a, shape, entry.itemsize);
  } else {  // our own Py_buffer: any format string, an itemsize that may lie
    std::string format = entry.format;
    if (*rc::gen::inRange(0, 6) == 0) {
      format = *rc::gen::elementOf(
          std::vector<std::string>{"T{i}", "Zd", "u", "g", "0p", "", "i:x:", "2x", "@", "<"});
    }
    int64_t itemsize = entry.itemsize;
    if (*rc::gen::inRange(0, 5) == 0) itemsize = *rc::gen::inRange<int64_t>(0, 10);
    a = {{"kind", "raw"}, {"format", format}, {"itemsize", itemsize}};
    StridedOverBase(a, shape, itemsize);
  }
  // b: a's bytes placed anew, mostly unchanged, else one thing changed.
  const int change = *rc::gen::weightedElement<int>({{8, 0}, {2, 1}, {3, 2}, {3, 3}});
  const Entry* b_entry = &entry;
  std::vector<int64_t> b_shape = shape;
  json flip = nullptr;
  if (change == 1) {
    flip = {*rc::gen::inRange(0, 64), *rc::gen::inRange(1, 256)};
  } else if (change == 2) {  // another format of the same itemsize
    std::vector<const Entry*> same;
    for (const Entry& e : Entries()) {
      if (e.itemsize == entry.itemsize) same.push_back(&e);
    }
    b_entry = *rc::gen::elementOf(same);
  } else if (change == 3) {
    const auto zero = std::find(b_shape.begin(), b_shape.end(), 0);
    const bool after_zero = zero != b_shape.end() && zero + 1 != b_shape.end();
    const int how = *rc::gen::inRange(after_zero ? -2 : 0, 3);
    if (how <= 0 && after_zero) {
      // extents after the first 0: (1, 0, 5) and (1, 0, 7) compare equal
      *(zero + 1 + *rc::gen::inRange<ptrdiff_t>(0, b_shape.end() - zero - 1)) =
          *rc::gen::inRange<int64_t>(0, 5);
    } else if (how == 1 && b_shape.size() < 4) {  // another ndim, same elements
      b_shape.insert(b_shape.begin() + *rc::gen::inRange<ptrdiff_t>(
                                           0, static_cast<ptrdiff_t>(b_shape.size()) + 1),
                     1);
    } else {  // the same elements in another shape
      std::reverse(b_shape.begin(), b_shape.end());
      if (!b_shape.empty()) b_shape.back() += *rc::gen::inRange<int64_t>(0, 2);
    }
  }
  json b = PlacedSpec(*b_entry, b_shape.size());
  b["shape"] = b_shape;
  b["flip"] = flip;
  out.request = {{"op", "pair"}, {"a", a}, {"b", b}};
  return out;
}

Descriptor ViewOf(const json& j) {
  Descriptor d;
  d.buf = j["buf"].get<uint64_t>();
  d.len = j["len"].get<int64_t>();
  d.itemsize = j["itemsize"].get<int64_t>();
  d.readonly = j["readonly"].get<int>();
  d.ndim = j["ndim"].get<int64_t>();
  d.format = j["format"].get<std::string>();
  if (!j["shape"].is_null()) d.shape = j["shape"].get<std::vector<int64_t>>();
  if (!j["strides"].is_null()) d.strides = j["strides"].get<std::vector<int64_t>>();
  if (!j["suboffsets"].is_null()) d.suboffsets = j["suboffsets"].get<std::vector<int64_t>>();
  return d;
}

// A tolist value as the oracle writes it (python_layout_oracle.py, canonical).
json Canonical(const format::Value& v) { return ValuesJson(v); }

// "true", "false" or "error" for the model's MemoryviewEqual, and for CPython's answer.
std::string ModelEqual(const Descriptor& x, const Descriptor& y, const Memory& memory) {
  try {
    return MemoryviewEqual(x, memory, y, memory) ? "true" : "false";
  } catch (const ArgumentError&) {
    return "error";
  }
}

std::string CPythonEqual(const json& answer) {
  if (answer.is_boolean()) return answer.get<bool>() ? "true" : "false";
  return "error";
}

// ALGO-EQUAL, ALGO-TOLIST, ALGO-TOBYTES.
TEST(MemoryviewPairs, EqualTolistTobytesAgreeWithCPython) {
  gen::CheckAtLeast(1000, [] {
    const PairRequest pair = *rc::gen::resize(kFullSize, rc::gen::exec(Pairs));
    const json theirs = Oracle().Ask(pair.request);
    RC_LOG() << "request: " << pair.request.dump() << "\nCPython: " << theirs.dump() << "\n";
    RC_ASSERT(theirs["ok"].get<bool>());
    const Descriptor views[2] = {ViewOf(theirs["views"][0]), ViewOf(theirs["views"][1])};
    Memory memory;
    for (const json& region : theirs["regions"]) {
      memory.AddRegion({region[0].get<uint64_t>(), Unhex(region[1].get<std::string>()), "owned"});
    }

    // ALGO-EQUAL: a == b, b == a, a == a, b == b.
    RC_LOG() << "judging ALGO-EQUAL, ALGO-TOLIST and ALGO-TOBYTES\n";
    const std::pair<int, int> operands[] = {{0, 1}, {1, 0}, {0, 0}, {1, 1}};
    for (size_t k = 0; k < 4; ++k) {
      const auto [x, y] = operands[k];
      const std::string ours = ModelEqual(views[x], views[y], memory);
      RC_LOG() << "== #" << k << ": model " << ours << "\n";
      RC_ASSERT(ours == CPythonEqual(theirs["eq"][k]));
      if (k == 0) RC_TAG("a == b: " + ours, theirs["built"][1].get<std::string>());
    }

    for (int i = 0; i < 2; ++i) {
      const Descriptor& v = views[i];
      // ALGO-TOLIST: the formats tolist supports give the model's values; it refuses the rest.
      const json& list = theirs["tolist"][i];
      RC_ASSERT(list.contains("value") ==
                TolistAccepts(*v.format, Product(v.shape.value_or(std::vector<int64_t>{})) > 0));
      if (list.contains("value")) {
        const format::FormatResult parsed =
            format::AnalyzeFormat(*v.format, format::Dialect::kStruct);
        if (!parsed.ok() || static_cast<int64_t>(parsed.layout().itemsize) != v.itemsize) {
          // tolist unpacks the code's native size whatever the itemsize, and never looks at
          // the code of an empty view; ToList refuses a format it cannot decode at the itemsize.
          RC_ASSERT_THROWS_AS(ToList(v, memory, format::Dialect::kStruct), ArgumentError);
          RC_TAG("tolist: the model refuses the format");
        } else {
          RC_ASSERT(Canonical(ToList(v, memory, format::Dialect::kStruct)) == list["value"]);
        }
      }
      // ALGO-TOBYTES: tobytes(order) is ToContiguous in that order, None meaning 'C'.
      for (const char* o : {"C", "F", "A", "None"}) {
        const char order = o[0] == 'N' ? 'C' : o[0];
        RC_LOG() << "view " << i << " tobytes(" << o << ")\n";
        RC_ASSERT(Hex(ToContiguous(v, memory, v.len, order)) ==
                  theirs["tobytes"][i][o].get<std::string>());
      }
    }
  });
}

// Fixed cases from the audit: each differs between memoryview == and a comparison by bits.
TEST(MemoryviewEqualExamples, AuditCases) {
  const auto ask = [](const json& a, const json& b) {
    const json theirs = Oracle().Ask({{"op", "pair"}, {"a", a}, {"b", b}});
    EXPECT_TRUE(theirs["ok"].get<bool>()) << theirs.dump();
    Memory memory;
    for (const json& region : theirs["regions"]) {
      memory.AddRegion({region[0].get<uint64_t>(), Unhex(region[1].get<std::string>()), "owned"});
    }
    const Descriptor x = ViewOf(theirs["views"][0]);
    const Descriptor y = ViewOf(theirs["views"][1]);
    EXPECT_EQ(ModelEqual(x, y, memory), CPythonEqual(theirs["eq"][0])) << theirs.dump();
    return std::make_pair(CPythonEqual(theirs["eq"][0]), CPythonEqual(theirs["eq"][2]));
  };
  const json plain = {{"steps", {1, 1, 1}},
                      {"pads", {0, 0, 0}},
                      {"perm", {0, 1, 2}},
                      {"flags", "plain"},
                      {"seed", 0}};
  const auto mv = [&](const std::string& format, const std::string& content,
                      std::vector<int64_t> shape) {
    json spec = {
        {"kind", "testbuffer"}, {"format", format}, {"content", content}, {"shape", shape}};
    spec["layout"] = plain;
    return spec;
  };
  const auto same = [&](const std::string& format, json shape) {
    json spec = {{"kind", "testbuffer"}, {"format", format}, {"shape", shape}, {"flip", nullptr}};
    spec["layout"] = plain;
    return spec;
  };
  // 'B' vs 'b' [1, 2]; 'd' 1.0 vs 'q' 1: values, not codes.
  EXPECT_EQ(ask(mv("B", "0102", {2}), same("b", nullptr)).first, "true");
  json q_one = same("q", nullptr);
  q_one["content"] = "0100000000000000";
  EXPECT_EQ(ask(mv("d", "000000000000f03f", {1}), q_one).first, "true");
  EXPECT_EQ(ask(mv("d", "000000000000f03f", {1}), same("q", nullptr)).first, "false");
  // 0.0 == -0.0 (fast path and struct path); NaN != NaN, even a view and itself.
  EXPECT_EQ(ask(mv("d", "00000000000000000000000000000080", {2}), same("d", {2})).first, "true");
  EXPECT_EQ(ask(mv("d", "000000000000f87f", {1}), same("d", nullptr)).second, "false");
  // Shapes equal up to the first 0.
  EXPECT_EQ(ask(mv("i", "", {1, 0, 5}), same("i", {1, 0, 7})).first, "true");
  // '?' bytes 2 and 1: unequal on the fast path ('?' both), equal through struct ('<?').
  json bools = {{"kind", "raw"}, {"format", "?"}, {"itemsize", 1}, {"base", "02"},
                {"offset", 0},   {"shape", {1}},  {"strides", {1}}};
  json one = same("?", nullptr);
  one["flip"] = {0, 3};  // 2 ^ 3 = 1
  EXPECT_EQ(ask(bools, one).first, "false");
  one["format"] = "<?";
  EXPECT_EQ(ask(bools, one).first, "true");
  // A format struct rejects: unequal to itself.
  bools["format"] = "T{?}";
  EXPECT_EQ(ask(bools, one).second, "false");
}

}  // namespace
}  // namespace bufconf::layout

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s PYTHON_LAYOUT_ORACLE_SCRIPT\n", argv[0]);
    return 2;
  }
  bufconf::layout::g_oracle_script = argv[1];
  return RUN_ALL_TESTS();
}
