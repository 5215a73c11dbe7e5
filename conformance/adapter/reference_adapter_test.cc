// The reference adapter: get_buffer is the request oracle, exports are counted, enumerate's
// exporters hold what they say, and the algorithm side agrees with the model on real views.
#include "conformance/adapter/reference_adapter.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "conformance/adapter/real_layout.h"
#include "conformance/adapter/spec_gen.h"
#include "conformance/generators/layout_gen.h"
#include "conformance/generators/rc_support.h"
#include "reference/layout/addressing.h"
#include "reference/layout/contiguity.h"
#include "reference/layout/fill_info.h"
#include "reference/layout/mirror.h"
#include "reference/layout/request.h"
#include "reference/layout/values_json.h"

namespace bufconf::conformance {
namespace {

const bufconf_adapter& A() { return *ReferenceAdapter(); }

std::vector<bufconf_region> RegionsOf(void* exporter) {
  std::vector<bufconf_region> regions(A().regions(A().context, exporter, nullptr, 0));
  A().regions(A().context, exporter, regions.data(), regions.size());
  return regions;
}

// Every flags value 0..0x3ff: refused exactly when the oracle does not say "must succeed", and
// otherwise the fields the oracle expects. Returns a description of the first disagreement.
std::string CheckAllFlags(void* exporter) {
  bufconf_buffer full{};
  char message[256];
  if (A().get_buffer(A().context, exporter, &full, BUFCONF_PYBUF_FULL_RO, message,
                     sizeof message) != BUFCONF_OK) {
    return std::string("FULL_RO refused: ") + message;
  }
  const layout::Descriptor exporter_view = DescriptorOf(full);
  std::vector<bufconf_buffer> views;
  std::string problem;
  for (int flags = 0; flags <= 0x3ff && problem.empty(); ++flags) {
    const layout::RequestOutcome outcome = layout::Request(exporter_view, flags);
    bufconf_buffer view{};
    message[0] = '\0';
    const int rc = A().get_buffer(A().context, exporter, &view, flags, message, sizeof message);
    const std::string where = "flags " + std::to_string(flags) + ": ";
    if (outcome.verdict != layout::RequestOutcome::Verdict::kMustSucceed) {
      if (rc != BUFCONF_REFUSED) problem = where + "not refused";
      if (std::strstr(message, outcome.reasons.front().first.c_str()) == nullptr) {
        problem =
            where + "message '" + message + "' does not cite " + outcome.reasons.front().first;
      }
      continue;
    }
    if (rc != BUFCONF_OK) {
      problem = where + "refused: " + message;
      continue;
    }
    views.push_back(view);
    const layout::Descriptor got = DescriptorOf(view);
    const layout::Descriptor& e = outcome.expected;
    if (got.buf != e.buf || got.len != e.len || got.itemsize != e.itemsize ||
        got.readonly != e.readonly || got.ndim != e.ndim || got.format != e.format ||
        got.shape != e.shape || got.strides != e.strides || got.suboffsets != e.suboffsets) {
      problem = where + "fields differ from the oracle's";
    }
    if (view.obj != exporter) problem = where + "obj is not the exporter";
  }
  if (A().export_count(A().context, exporter) != static_cast<bufconf_ssize_t>(views.size()) + 1) {
    problem += "; export count is not the number of live exports";
  }
  for (bufconf_buffer& view : views) A().release_buffer(A().context, exporter, &view);
  A().release_buffer(A().context, exporter, &full);
  if (A().export_count(A().context, exporter) != 0) problem += "; export count not 0 after release";
  return problem;
}

void* Make(const OwnedSpec& spec) {
  const bufconf_array_spec s = spec.spec();
  void* exporter = nullptr;
  char message[256];
  const int rc = A().make_exporter(A().context, &s, &exporter, message, sizeof message);
  EXPECT_EQ(rc, BUFCONF_OK) << message;
  return exporter;
}

OwnedSpec Spec(std::vector<bufconf_ssize_t> shape, int64_t itemsize, const char* format,
               uint32_t layout_bits, std::vector<bufconf_ssize_t> steps = {},
               std::vector<uint8_t> indirect = {}) {
  OwnedSpec s;
  s.shape = std::move(shape);
  s.itemsize = itemsize;
  s.format = format;
  s.layout = layout_bits;
  s.steps = std::move(steps);
  s.indirect = std::move(indirect);
  std::vector<int64_t> dims(s.shape.begin(), s.shape.end());
  s.items.resize(static_cast<size_t>(layout::ElementCount(dims) * itemsize));
  for (size_t i = 0; i < s.items.size(); ++i) s.items[i] = static_cast<uint8_t>(i * 7 + 1);
  return s;
}

TEST(ReferenceAdapter, Identity) {
  EXPECT_EQ(A().abi_version, static_cast<uint32_t>(BUFCONF_ADAPTER_ABI_VERSION));
  EXPECT_STREQ(A().name, "reference");
  EXPECT_STREQ(A().version, "bufconf-reference 0.1");
}

TEST(ReferenceAdapter, GetBufferIsTheOracleOnFixedLayouts) {
  const OwnedSpec specs[] = {
      Spec({2, 3}, 4, "i", 0),
      Spec({2, 3}, 4, "i", BUFCONF_LAYOUT_FORTRAN),
      Spec({2, 3}, 4, "i", BUFCONF_LAYOUT_READONLY),
      Spec({4, 1}, 2, "h", BUFCONF_LAYOUT_FORTRAN),
      Spec({3, 2}, 1, "B", 0, {-1, 2}),
      Spec({2, 3}, 1, "B", 0, {}, {1, 0}),
      Spec({2, 2, 2}, 8, "q", BUFCONF_LAYOUT_READONLY, {1, -1, 1}, {0, 1, 1}),
      Spec({}, 8, "q", 0),
      Spec({0, 3}, 3, "3s", 0),
  };
  for (const OwnedSpec& spec : specs) {
    void* exporter = Make(spec);
    ASSERT_NE(exporter, nullptr);
    EXPECT_EQ(CheckAllFlags(exporter), "") << [&] {
      std::ostringstream os;
      showValue(spec, os);
      return os.str();
    }();
    A().destroy_exporter(A().context, exporter);
  }
}

// The same requests against vectors derived by hand from Doc/c-api/buffer.rst's request tables
// and PEP 3118 (independent of layout::Request, which the adapter calls): a 2x3 int32 array in
// C order, in Fortran order and read-only, and a 2x3 PIL-style array of arrays. For each flags
// value: refused, or the ndim, shape, strides and suboffsets a consumer gets and whether format
// is filled. (The sweep above checks the plumbing; these check the answers.)
struct HandVector {
  int flags;
  bool granted;
  int ndim;                              // when granted
  std::vector<bufconf_ssize_t> shape;    // empty: NULL
  std::vector<bufconf_ssize_t> strides;  // empty: NULL
  bool suboffsets;                       // non-NULL
  bool format;                           // filled
  int readonly;
};

std::string CheckVectors(void* exporter, const std::vector<HandVector>& vectors,
                         bufconf_ssize_t itemsize) {
  for (const HandVector& v : vectors) {
    bufconf_buffer view{};
    char message[256] = "";
    const int rc = A().get_buffer(A().context, exporter, &view, v.flags, message, sizeof message);
    const std::string where = "flags 0x" + [&] {
      char b[16];
      std::snprintf(b, sizeof b, "%x", v.flags);
      return std::string(b);
    }() + ": ";
    if (!v.granted) {
      if (rc != BUFCONF_REFUSED) return where + "granted, must be refused";
      continue;
    }
    if (rc != BUFCONF_OK) return where + "refused: " + message;
    std::vector<bufconf_ssize_t> shape, strides;
    if (view.shape != nullptr) shape.assign(view.shape, view.shape + view.ndim);
    if (view.strides != nullptr) strides.assign(view.strides, view.strides + view.ndim);
    std::string problem;
    if (view.ndim != v.ndim) problem = "ndim " + std::to_string(view.ndim);
    if (shape != v.shape) problem = "shape";
    if (strides != v.strides) problem = "strides";
    if ((view.suboffsets != nullptr) != v.suboffsets) problem = "suboffsets";
    if ((view.format != nullptr) != v.format) problem = "format";
    if (v.format && view.format != nullptr && std::string(view.format) != "i" &&
        std::string(view.format) != "B") {
      problem = std::string("format '") + view.format + "'";
    }
    if (view.readonly != v.readonly) problem = "readonly";
    if (view.itemsize != itemsize) problem = "itemsize";  // kept without FORMAT too
    A().release_buffer(A().context, exporter, &view);
    if (!problem.empty()) return where + problem + " differs from the hand vector";
  }
  return "";
}

TEST(ReferenceAdapter, GetBufferMatchesHandDerivedVectors) {
  using V = std::vector<bufconf_ssize_t>;
  // C order, 2x3 int32: strides (12, 4). C-contiguous, not Fortran-contiguous.
  const std::vector<HandVector> c_order = {
      {0x0, true, 1, {}, {}, false, false, 0},  // SIMPLE: ndim 1, shape NULL
      {0x1, true, 1, {}, {}, false, false, 0},  // WRITABLE
      // FORMAT without ND: either answer conforms (bytes grant, memoryview refuses); the
      // reference refuses, as memoryview does.
      {0x4, false, 0, {}, {}, false, false, 0},
      {0x8, true, 2, V{2, 3}, {}, false, false, 0},  // ND: shape, strides NULL
      {0x18, true, 2, V{2, 3}, V{12, 4}, false, false, 0},
      {0x38, true, 2, V{2, 3}, V{12, 4}, false, false, 0},  // C_CONTIGUOUS
      {0x58, false, 0, {}, {}, false, false, 0},            // F_CONTIGUOUS: not F-contiguous
      {0x98, true, 2, V{2, 3}, V{12, 4}, false, false, 0},  // ANY_CONTIGUOUS
      {0x11c, true, 2, V{2, 3}, V{12, 4}, false, true, 0},  // FULL_RO: no suboffsets needed
      {0x100, false, 0, {}, {}, false, false, 0},           // PyBUF_READ
      {0x200, false, 0, {}, {}, false, false, 0},           // PyBUF_WRITE
  };
  // Fortran order: strides (4, 8): needs STRIDES; F- and ANY-contiguous, not C.
  const std::vector<HandVector> f_order = {
      {0x0, false, 0, {}, {}, false, false, 0},  // SIMPLE needs C-contiguous memory
      {0x8, false, 0, {}, {}, false, false, 0},  // ND without STRIDES: likewise
      {0x18, true, 2, V{2, 3}, V{4, 8}, false, false, 0},
      {0x38, false, 0, {}, {}, false, false, 0},
      {0x58, true, 2, V{2, 3}, V{4, 8}, false, false, 0},
      {0x98, true, 2, V{2, 3}, V{4, 8}, false, false, 0},
      {0x11d, true, 2, V{2, 3}, V{4, 8}, false, true, 0},  // FULL
  };
  // Read-only C order: WRITABLE refused, readonly 1 otherwise.
  const std::vector<HandVector> readonly = {
      {0x1, false, 0, {}, {}, false, false, 0},
      {0x19, false, 0, {}, {}, false, false, 0},
      {0x18, true, 2, V{2, 3}, V{12, 4}, false, false, 1},
  };
  // PIL style: rows through a pointer table: needs INDIRECT; suboffsets only then.
  const std::vector<HandVector> pil = {
      {0x0, false, 0, {}, {}, false, false, 0},
      {0x18, false, 0, {}, {}, false, false, 0},
      {0x38, false, 0, {}, {}, false, false, 0},
      // strides: 8 (one pointer) through the table, 1 byte within a row.
      {0x118, true, 2, V{2, 3}, V{8, 1}, true, false, 0},
  };
  const struct {
    const char* what;
    OwnedSpec spec;
    const std::vector<HandVector>* vectors;
  } kCases[] = {
      {"C order", Spec({2, 3}, 4, "i", 0), &c_order},
      {"Fortran order", Spec({2, 3}, 4, "i", BUFCONF_LAYOUT_FORTRAN), &f_order},
      {"read-only", Spec({2, 3}, 4, "i", BUFCONF_LAYOUT_READONLY), &readonly},
      {"PIL", Spec({2, 3}, 1, "B", 0, {}, {1, 0}), &pil},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.what);
    void* exporter = Make(c.spec);
    ASSERT_NE(exporter, nullptr);
    EXPECT_EQ(CheckVectors(exporter, *c.vectors, c.spec.itemsize), "");
    A().destroy_exporter(A().context, exporter);
  }
}

TEST(ReferenceAdapter, GetBufferIsTheOracleOnGeneratedSpecs) {
  gen::CheckAtLeast(200, [] {
    const OwnedSpec spec = *ArraySpec();
    void* exporter = Make(spec);
    if (exporter == nullptr) RC_FAIL("make_exporter failed");
    const std::string problem = CheckAllFlags(exporter);
    // The exporter's regions hold its contents.
    bufconf_buffer full{};
    char message[128];
    RC_ASSERT(A().get_buffer(A().context, exporter, &full, BUFCONF_PYBUF_FULL_RO, message,
                             sizeof message) == BUFCONF_OK);
    const std::vector<bufconf_region> regions = RegionsOf(exporter);
    const Snapshot snap = TakeSnapshot(full, regions.data(), regions.size());
    RC_ASSERT(layout::ToList(snap.view, snap.memory) ==
              layout::ToList(spec.ContiguousView(), spec.ContiguousMemory()));
    A().release_buffer(A().context, exporter, &full);
    A().destroy_exporter(A().context, exporter);
    if (!problem.empty()) RC_FAIL(problem);
  });
}

// RELEASE-RESIZE-WHILE-EXPORTED: resize refuses while an export is live; with none, the memory
// moves (new addresses, every region new) and keeps the contents and the oracle's answers.
TEST(ReferenceAdapter, ResizeRefusesWhileExportedAndOtherwiseMovesTheMemory) {
  gen::CheckAtLeast(100, [] {
    const OwnedSpec spec = *ArraySpec();
    void* exporter = Make(spec);
    if (exporter == nullptr) RC_FAIL("make_exporter failed");
    char message[256] = {0};
    bufconf_buffer live{};
    RC_ASSERT(A().get_buffer(A().context, exporter, &live, BUFCONF_PYBUF_FULL_RO, message,
                             sizeof message) == BUFCONF_OK);
    const std::vector<bufconf_region> before = RegionsOf(exporter);
    RC_ASSERT(A().resize(A().context, exporter, message, sizeof message) == BUFCONF_REFUSED);
    RC_ASSERT(std::string(message).find("BufferError") != std::string::npos);
    RC_ASSERT(RegionsOf(exporter).size() == before.size());
    A().release_buffer(A().context, exporter, &live);

    RC_ASSERT(A().resize(A().context, exporter, message, sizeof message) == BUFCONF_OK);
    const std::vector<bufconf_region> after = RegionsOf(exporter);
    RC_ASSERT(after.size() == before.size());
    for (size_t i = 0; i < after.size(); ++i)
      RC_ASSERT(Address(after[i].base) != Address(before[i].base));
    RC_ASSERT(CheckAllFlags(exporter) == std::string());
    bufconf_buffer full{};
    RC_ASSERT(A().get_buffer(A().context, exporter, &full, BUFCONF_PYBUF_FULL_RO, message,
                             sizeof message) == BUFCONF_OK);
    const Snapshot snap = TakeSnapshot(full, after.data(), after.size());
    RC_ASSERT(layout::ToList(snap.view, snap.memory) ==
              layout::ToList(spec.ContiguousView(), spec.ContiguousMemory()));
    A().release_buffer(A().context, exporter, &full);
    A().destroy_exporter(A().context, exporter);
  });
}

TEST(ReferenceAdapter, MakeExporterReportsInvalidSpecs) {
  OwnedSpec spec = Spec({3}, 1, "B", 0);
  bufconf_array_spec s = spec.spec();
  s.ndim = 65;
  void* exporter = nullptr;
  char message[256] = "";
  EXPECT_EQ(A().make_exporter(A().context, &s, &exporter, message, sizeof message), BUFCONF_ERROR);
  EXPECT_NE(std::string(message).find("ndim 65"), std::string::npos) << message;
}

TEST(ReferenceAdapter, EnumeratedExportersHoldTheirExpectedContents) {
  size_t index = 0;
  for (;; ++index) {
    void* exporter = nullptr;
    bufconf_enumerated info{};
    const int rc = A().enumerate(A().context, index, &exporter, &info);
    if (rc == BUFCONF_UNSUPPORTED) break;
    ASSERT_EQ(rc, BUFCONF_OK);
    ASSERT_EQ(info.has_expected, 1);
    bufconf_buffer full{};
    char message[128];
    ASSERT_EQ(A().get_buffer(A().context, exporter, &full, BUFCONF_PYBUF_FULL_RO, message,
                             sizeof message),
              BUFCONF_OK);
    const std::vector<bufconf_region> regions = RegionsOf(exporter);
    const Snapshot snap = TakeSnapshot(full, regions.data(), regions.size());
    OwnedSpec expected;
    expected.format = info.format;
    expected.itemsize = info.itemsize;
    expected.shape.assign(info.shape, info.shape + info.ndim);
    std::vector<int64_t> dims(expected.shape.begin(), expected.shape.end());
    const auto* items = static_cast<const uint8_t*>(info.items);
    expected.items.assign(items, items + layout::ElementCount(dims) * info.itemsize);
    EXPECT_TRUE(layout::ToList(snap.view, snap.memory) ==
                layout::ToList(expected.ContiguousView(), expected.ContiguousMemory()))
        << info.description;
    A().release_buffer(A().context, exporter, &full);
    EXPECT_EQ(CheckAllFlags(exporter), "") << info.description;
    A().destroy_exporter(A().context, exporter);
  }
  EXPECT_EQ(index, 3u);
}

// ---- algorithm side, on real copies of generated layouts ----

TEST(ReferenceAdapter, AlgorithmsAgreeWithTheModel) {
  gen::CheckAtLeast(300, [] {
    const bool pil = *rc::gen::arbitrary<bool>();
    const gen::Layout strided = *gen::StridedLayout();
    const gen::Layout virt = pil ? *gen::ArrayOfArrays(strided) : strided;
    const layout::FullView strided_full = layout::Expand(strided.view);
    const std::unique_ptr<RealLayout> real = Realize(virt.view, virt.memory);
    const bufconf_buffer& view = real->view;
    const layout::FullView full = layout::Expand(virt.view);
    for (char order : {'C', 'F', 'A', 'x'}) {
      RC_ASSERT(A().is_contiguous(A().context, &view, order) ==
                (layout::IsContiguous(virt.view, order) ? 1 : 0));
    }
    // get_pointer: the real element address holds the same item as the virtual one.
    layout::ForEachIndex(full.shape, 'C', [&](const std::vector<int64_t>& index) {
      const std::vector<bufconf_ssize_t> idx(index.begin(), index.end());
      const auto* p = static_cast<const uint8_t*>(A().get_pointer(A().context, &view, idx.data()));
      RC_ASSERT(p != nullptr);
      const uint8_t* q = virt.memory.Read(layout::GetPointer(full, virt.memory, index),
                                          static_cast<uint64_t>(virt.view.itemsize));
      RC_ASSERT(std::memcmp(p, q, static_cast<size_t>(virt.view.itemsize)) == 0);
    });
    const char order = *rc::gen::element('C', 'F', 'A');
    const std::vector<uint8_t> expected =
        layout::ToContiguous(virt.view, virt.memory, virt.view.len, order);
    std::vector<uint8_t> got(expected.size() + 1);
    RC_ASSERT(A().to_contiguous(A().context, got.data(), &view, view.len, order) == BUFCONF_OK);
    got.pop_back();
    RC_ASSERT(got == expected);
    RC_ASSERT(A().to_contiguous(A().context, got.data(), &view, view.len + 1, order) ==
              BUFCONF_REFUSED);
    // from_contiguous writes into the real memory: reading back gives the same bytes.
    std::vector<uint8_t> fresh(expected.size());
    for (size_t i = 0; i < fresh.size(); ++i) fresh[i] = static_cast<uint8_t>(i * 13 + 5);
    const bool overlapping =
        layout::ElementCount(full.shape) > 0 &&
        std::count(strided_full.strides.begin(), strided_full.strides.end(), 0) > 0;
    RC_ASSERT(A().from_contiguous(A().context, &view, fresh.data(), view.len, order) == BUFCONF_OK);
    if (!overlapping) {
      std::vector<uint8_t> back(fresh.size() + 1);
      RC_ASSERT(A().to_contiguous(A().context, back.data(), &view, view.len, order) == BUFCONF_OK);
      back.pop_back();
      RC_ASSERT(back == fresh);
    }
    // copy_data from a C-contiguous copy of the contents back into the view.
    const gen::Layout source = gen::ContiguousLike(virt.view, 0x5a);
    const std::unique_ptr<RealLayout> copy = Realize(source.view, source.memory);
    bufconf_buffer dest = view;
    dest.readonly = 0;
    RC_ASSERT(A().copy_data(A().context, &dest, &copy->view) == BUFCONF_OK);
    if (!overlapping && virt.view.itemsize > 0) {
      std::vector<uint8_t> back(static_cast<size_t>(view.len) + 1);
      RC_ASSERT(A().to_contiguous(A().context, back.data(), &view, view.len, 'C') == BUFCONF_OK);
      back.pop_back();
      RC_ASSERT(back == std::vector<uint8_t>(back.size(), 0x5a));
    }
  });
}

TEST(ReferenceAdapter, StridesAndFormats) {
  const bufconf_ssize_t shape[] = {2, 3, 4};
  bufconf_ssize_t strides[3];
  A().fill_contiguous_strides(A().context, 3, shape, strides, 8, 'C');
  EXPECT_EQ(strides[0], 96);
  EXPECT_EQ(strides[1], 32);
  EXPECT_EQ(strides[2], 8);
  A().fill_contiguous_strides(A().context, 3, shape, strides, 8, 'F');
  EXPECT_EQ(strides[0], 8);
  EXPECT_EQ(strides[1], 16);
  EXPECT_EQ(strides[2], 48);
  EXPECT_EQ(A().size_from_format(A().context, "i"), 4);
  EXPECT_EQ(A().size_from_format(A().context, "@llh0l"), 24);
  EXPECT_EQ(A().size_from_format(A().context, "T{i}"), -1);  // not a struct-module format
  EXPECT_EQ(A().size_from_format(A().context, nullptr), -1);
}

// ---- ABI 3: fill_info, references, consumers ----

TEST(ReferenceAdapter, FillInfoIsTheModelForEveryFlagsValue) {
  uint8_t memory[16] = {};
  for (int readonly : {0, 1, 2}) {
    for (int flags = 0; flags <= 0x3ff; ++flags) {
      const layout::FillInfoOutcome e =
          layout::FillInfo(false, Address(memory), sizeof memory, readonly, flags);
      bufconf_buffer view;
      std::memset(&view, 0xA5, sizeof view);
      char message[256] = "";
      const int rc = A().fill_info(A().context, &view, nullptr, memory, sizeof memory, readonly,
                                   flags, message, sizeof message);
      const std::string where =
          "flags " + std::to_string(flags) + " readonly " + std::to_string(readonly);
      if (e.result != layout::FillInfoOutcome::Result::kFilled) {
        EXPECT_EQ(rc, BUFCONF_REFUSED) << where;
        EXPECT_EQ(message, e.message) << where;
        continue;
      }
      ASSERT_EQ(rc, BUFCONF_OK) << where << ": " << message;
      EXPECT_EQ(view.obj, nullptr) << where;
      EXPECT_EQ(view.buf, memory) << where;
      EXPECT_EQ(view.internal, nullptr) << where;
      EXPECT_EQ(view.suboffsets, nullptr) << where;
      // shape and strides point at the view's own len and itemsize, as CPython's do.
      EXPECT_EQ(view.shape, e.view.shape ? &view.len : nullptr) << where;
      EXPECT_EQ(view.strides, e.view.strides ? &view.itemsize : nullptr) << where;
      const layout::Descriptor got = DescriptorOf(view);
      EXPECT_TRUE(got.buf == e.view.buf && got.len == e.view.len &&
                  got.itemsize == e.view.itemsize && got.readonly == e.view.readonly &&
                  got.ndim == e.view.ndim && got.format == e.view.format &&
                  got.shape == e.view.shape && got.strides == e.view.strides && !got.suboffsets)
          << where;
    }
  }
  // A NULL view is a BufferError, and writes nothing.
  char message[256] = "";
  EXPECT_EQ(A().fill_info(A().context, nullptr, nullptr, memory, 4, 0, 0, message, sizeof message),
            BUFCONF_REFUSED);
  EXPECT_NE(std::string(message).find("BufferError"), std::string::npos) << message;
}

TEST(ReferenceAdapter, ReferencesCountViewsAndReleaseClearsObj) {
  void* exporter = Make(Spec({2, 3}, 4, "i", 0, {-1, 1}));
  ASSERT_NE(exporter, nullptr);
  const bufconf_adapter& a = A();
  ASSERT_NE(a.capabilities & BUFCONF_CAP_REFERENCES, 0u);
  void* obj = a.exporter_object(a.context, exporter);
  EXPECT_EQ(obj, exporter);
  EXPECT_EQ(a.reference_count(a.context, obj), 1);
  char message[256];
  bufconf_buffer v1{}, v2{};
  ASSERT_EQ(a.get_buffer(a.context, exporter, &v1, BUFCONF_PYBUF_FULL_RO, message, sizeof message),
            BUFCONF_OK);
  EXPECT_EQ(v1.obj, obj);
  EXPECT_EQ(a.reference_count(a.context, obj), 2);
  ASSERT_EQ(a.get_buffer(a.context, exporter, &v2, BUFCONF_PYBUF_STRIDES, message, sizeof message),
            BUFCONF_OK);
  EXPECT_EQ(a.reference_count(a.context, obj), 3);
  // A refused request (the view is not C-contiguous) leaves obj NULL and takes no reference.
  bufconf_buffer refused;
  std::memset(&refused, 0xA5, sizeof refused);
  EXPECT_EQ(a.get_buffer(a.context, exporter, &refused, BUFCONF_PYBUF_C_CONTIGUOUS, message,
                         sizeof message),
            BUFCONF_REFUSED);
  EXPECT_EQ(refused.obj, nullptr);
  EXPECT_EQ(a.reference_count(a.context, obj), 3);
  a.release_buffer(a.context, exporter, &v1);
  EXPECT_EQ(v1.obj, nullptr);
  EXPECT_EQ(a.reference_count(a.context, obj), 2);
  EXPECT_EQ(a.export_count(a.context, exporter), 1);
  // PyBuffer_Release of a released view does nothing.
  a.release_buffer(a.context, exporter, &v1);
  EXPECT_EQ(a.reference_count(a.context, obj), 2);
  EXPECT_EQ(a.export_count(a.context, exporter), 1);
  a.release_buffer(a.context, exporter, &v2);
  EXPECT_EQ(v2.obj, nullptr);
  EXPECT_EQ(a.reference_count(a.context, obj), 1);
  EXPECT_EQ(a.export_count(a.context, exporter), 0);
  a.destroy_exporter(a.context, exporter);
}

// A provider over a materialized spec, honest about requests (the request oracle; kMayFail is
// refused), recording gets and releases and checking each released view is the one it gave.
class TestProvider {
 public:
  explicit TestProvider(const OwnedSpec& spec) : layout_(Materialize(spec.spec())) {
    full_ = DescriptorOf(layout_->view);
    const Snapshot s =
        TakeSnapshot(layout_->view, layout_->regions.data(), layout_->regions.size());
    memory_ = s.memory;
    provider_.ctx = this;
    provider_.get_buffer = Get;
    provider_.release_buffer = Release;
  }
  const bufconf_provider* provider() const { return &provider_; }
  const layout::Descriptor& full() const { return full_; }
  const layout::Memory& memory() const { return memory_; }
  int gets() const { return gets_; }
  int releases() const { return releases_; }
  const std::string& problems() const { return problems_; }

 private:
  struct Given {
    bufconf_buffer view;
    std::optional<std::string> format;
    std::vector<bufconf_ssize_t> shape, strides, suboffsets;
    layout::Descriptor fields;
  };

  static int Get(void* ctx, bufconf_buffer* view, int flags, char* message, size_t size) {
    auto* self = static_cast<TestProvider*>(ctx);
    const layout::RequestOutcome outcome = layout::Request(self->full_, flags);
    if (outcome.verdict != layout::RequestOutcome::Verdict::kMustSucceed) {
      std::snprintf(message, size, "test provider refuses: %s",
                    outcome.reasons.front().first.c_str());
      return BUFCONF_REFUSED;
    }
    auto given = std::make_unique<Given>();
    const layout::Descriptor& e = outcome.expected;
    given->format = e.format;
    auto copy = [](const std::optional<std::vector<int64_t>>& from,
                   std::vector<bufconf_ssize_t>& to) -> bufconf_ssize_t* {
      if (!from) return nullptr;
      to.assign(from->begin(), from->end());
      to.reserve(1);
      return to.data();
    };
    view->buf = Pointer(e.buf);
    view->obj = nullptr;
    view->len = e.len;
    view->itemsize = e.itemsize;
    view->readonly = e.readonly;
    view->ndim = static_cast<int>(e.ndim);
    view->format = given->format ? given->format->data() : nullptr;
    view->shape = copy(e.shape, given->shape);
    view->strides = copy(e.strides, given->strides);
    view->suboffsets = copy(e.suboffsets, given->suboffsets);
    view->internal = given.get();
    given->view = *view;
    given->fields = e;
    self->live_[given.get()] = std::move(given);
    ++self->gets_;
    return BUFCONF_OK;
  }

  static void Release(void* ctx, bufconf_buffer* view) {
    auto* self = static_cast<TestProvider*>(ctx);
    ++self->releases_;
    auto it = self->live_.find(view->internal);
    if (it == self->live_.end()) {
      self->problems_ += "released a view not live; ";
      return;
    }
    const Given& g = *it->second;
    const layout::Descriptor now = DescriptorOf(*view);
    if (std::memcmp(&g.view, view, sizeof *view) != 0 || now.format != g.fields.format ||
        now.shape != g.fields.shape || now.strides != g.fields.strides ||
        now.suboffsets != g.fields.suboffsets) {
      self->problems_ += "the view was modified; ";
    }
    self->live_.erase(it);
  }

  std::unique_ptr<RealLayout> layout_;
  layout::Descriptor full_;
  layout::Memory memory_;
  bufconf_provider provider_{};
  std::map<void*, std::unique_ptr<Given>> live_;
  int gets_ = 0, releases_ = 0;
  std::string problems_;
};

struct Output {
  std::string bytes;
  static void Write(void* ctx, const void* data, size_t size) {
    static_cast<Output*>(ctx)->bytes.append(static_cast<const char*>(data), size);
  }
};

std::string Bytes(const std::vector<uint8_t>& v) { return std::string(v.begin(), v.end()); }

// What consumer `name` must give for the two providers' layouts, by the model on their complete
// views; nullopt: it must refuse.
std::optional<std::string> Expected(const std::string& name, const TestProvider& p,
                                    const TestProvider& q) {
  const layout::Descriptor& v = p.full();
  const layout::Memory& m = p.memory();
  auto refused_for = [&](int flags) {
    return layout::Request(v, flags).verdict != layout::RequestOutcome::Verdict::kMustSucceed;
  };
  try {
    if (name == "reference tolist (PyBUF_FULL_RO)") {
      return layout::ValuesJson(layout::ToList(v, m, format::Dialect::kStruct)).dump();
    }
    if (name == "reference elements (PyBUF_RECORDS_RO)") {
      if (refused_for(layout::kRecordsRo)) return std::nullopt;
      return layout::FlatValuesJson(layout::ToList(v, m, format::Dialect::kStruct), v.ndim).dump();
    }
    if (name == "reference byte values (PyBUF_SIMPLE)") {
      // No format and no shape: len unsigned bytes, in C order (FORMAT-NULL-IS-B).
      if (refused_for(layout::kSimple)) return std::nullopt;
      nlohmann::json bytes = nlohmann::json::array();
      for (uint8_t b : layout::ToContiguous(v, m, v.len, 'C')) bytes.push_back(b);
      return bytes.dump();
    }
    if (name == "reference == (PyBUF_FULL_RO)") {
      return std::string(1, layout::MemoryviewEqual(v, m, q.full(), q.memory()) ? '\1' : '\0');
    }
    for (char order : {'C', 'F', 'A'}) {
      // Both promise the bytes PyBuffer_ToContiguous writes for the order (the consumer kind).
      if (name == std::string("reference tobytes ") + order + " (PyBUF_FULL_RO)" ||
          name == std::string("reference get_contiguous ") + order) {
        return Bytes(layout::ToContiguous(v, m, v.len, order));
      }
    }
    const std::pair<const char*, int> raw[] = {
        {"reference bytes (PyBUF_SIMPLE)", layout::kSimple},
        {"reference bytes (PyBUF_ND)", layout::kNd},
        {"reference bytes (PyBUF_STRIDES)", layout::kStrides}};
    for (const auto& [consumer, flags] : raw) {
      if (name != consumer) continue;
      if (refused_for(flags)) return std::nullopt;
      return Bytes(layout::ToContiguous(v, m, v.len, 'C'));
    }
  } catch (const layout::ArgumentError&) {
    return std::nullopt;
  }
  ADD_FAILURE() << "no expectation for consumer " << name;
  return std::nullopt;
}

TEST(ReferenceAdapter, ConsumersGiveTheModelsReadingAndReleaseEverything) {
  const bufconf_adapter& a = A();
  ASSERT_NE(a.capabilities & BUFCONF_CAP_CONSUMERS, 0u);
  std::vector<bufconf_consumer_info> consumers;
  for (size_t i = 0;; ++i) {
    bufconf_consumer_info info{};
    if (a.consumer(a.context, i, &info) != BUFCONF_OK) break;
    consumers.push_back(info);
  }
  ASSERT_EQ(consumers.size(), 13u);
  EXPECT_EQ(consumers[0].kind, static_cast<uint32_t>(BUFCONF_CONSUME_VALUES));
  EXPECT_STREQ(consumers[0].rule, "ALGO-TOLIST");
  const OwnedSpec specs[] = {
      Spec({2, 3}, 4, "i", 0),                                    // C-contiguous
      Spec({2, 3}, 4, "i", 0, {-1, -1}),                          // reversed
      Spec({2, 3}, 2, "h", BUFCONF_LAYOUT_FORTRAN),               // Fortran
      Spec({2, 3}, 1, "B", BUFCONF_LAYOUT_READONLY, {}, {1, 0}),  // array of arrays
      Spec({3}, 8, "d", 0, {2}),                                  // every other double
      Spec({}, 4, "f", 0),                                        // 0-d
      Spec({2}, 4, "Zh", 0),  // no struct format: tolist refuses
  };
  int checked = 0, refused = 0;
  for (const OwnedSpec& spec : specs) {
    for (const OwnedSpec& other : {specs[0], spec}) {
      TestProvider p(spec), q(other);
      for (size_t i = 0; i < consumers.size(); ++i) {
        const bufconf_consumer_info& info = consumers[i];
        const bool two = info.kind == BUFCONF_CONSUME_EQUAL;
        Output out;
        const bufconf_sink sink{&out, Output::Write};
        char message[256] = "";
        const int rc = a.consume(a.context, i, p.provider(), two ? q.provider() : nullptr, &sink,
                                 message, sizeof message);
        const std::optional<std::string> e = Expected(info.name, p, q);
        const std::string where =
            std::string(info.name) + " on " + spec.format + " layout " + std::to_string(checked);
        if (!e) {
          EXPECT_EQ(rc, BUFCONF_REFUSED) << where << ": " << message;
          ++refused;
        } else {
          EXPECT_EQ(rc, BUFCONF_OK) << where << ": " << message;
          EXPECT_EQ(out.bytes, *e) << where;
        }
        EXPECT_EQ(p.gets(), p.releases()) << where;
        EXPECT_EQ(q.gets(), q.releases()) << where;
        EXPECT_EQ(p.problems() + q.problems(), "") << where;
        ++checked;
      }
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_EQ(a.consumer(a.context, consumers.size(), nullptr), BUFCONF_UNSUPPORTED);
}

}  // namespace
}  // namespace bufconf::conformance
