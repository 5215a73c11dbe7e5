// For every rule the request oracle enforces: a request it must refuse citing that rule, and a
// close request it must grant.
#include "reference/layout/request.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace bufconf::layout {
namespace {

Descriptor Strided(std::vector<int64_t> shape, std::vector<int64_t> strides, int readonly) {
  Descriptor d;
  d.buf = 0x1000;
  d.itemsize = 4;
  d.ndim = static_cast<int64_t>(shape.size());
  d.len = 4;
  for (int64_t extent : shape) d.len *= extent;
  d.format = "i";
  d.shape = std::move(shape);
  d.strides = std::move(strides);
  d.readonly = readonly;
  return d;
}

bool Cites(const RequestOutcome& out, const std::string& rule) {
  return std::any_of(out.reasons.begin(), out.reasons.end(),
                     [&](const auto& r) { return r.first == rule; });
}

struct Case {
  const char* rule;
  Descriptor exporter;
  int refused_flags;
  int granted_flags;
};

TEST(Request, EveryRuleRefusesAndGrants) {
  const Descriptor c = Strided({2, 3}, {12, 4}, 0);
  const Descriptor f = Strided({2, 3}, {4, 8}, 0);
  const Descriptor sliced = Strided({2, 3}, {24, 4}, 0);
  const Descriptor ro = Strided({2, 3}, {12, 4}, 1);
  Descriptor pil = Strided({2, 3}, {8, 4}, 0);
  pil.suboffsets = std::vector<int64_t>{0, -1};
  const Case cases[] = {
      {"REQ-READ-WRITE-FLAGS", c, kRead, kIndirect},
      {"REQ-READ-WRITE-FLAGS", c, kWrite, kWritable},
      {"REQ-WRITABLE", ro, kWritable, kSimple},
      {"REQ-C-CONTIGUOUS", f, kCContiguous, kFContiguous},
      {"REQ-F-CONTIGUOUS", c, kFContiguous, kCContiguous},
      {"REQ-ANY-CONTIGUOUS", sliced, kAnyContiguous, kStrides},
      {"REQ-INDIRECT-NEEDED", pil, kStrides, kIndirect},
      {"REQ-STRIDES-NEEDED", f, kNd, kStrides},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(std::string(k.rule) + " flags " + std::to_string(k.refused_flags));
    const RequestOutcome refused = Request(k.exporter, k.refused_flags);
    EXPECT_EQ(refused.verdict, RequestOutcome::Verdict::kMustFail);
    EXPECT_TRUE(Cites(refused, k.rule));
    const RequestOutcome granted = Request(k.exporter, k.granted_flags);
    EXPECT_EQ(granted.verdict, RequestOutcome::Verdict::kMustSucceed);
    EXPECT_FALSE(Cites(granted, k.rule));
  }
}

TEST(Request, FormatWithoutNdMayFail) {
  const Descriptor c = Strided({2, 3}, {12, 4}, 0);
  const RequestOutcome out = Request(c, kFormat);
  EXPECT_EQ(out.verdict, RequestOutcome::Verdict::kMayFail);
  EXPECT_TRUE(Cites(out, "REQ-FORMAT-WITHOUT-ND"));
  EXPECT_EQ(Request(c, kFormat | kNd).verdict, RequestOutcome::Verdict::kMustSucceed);
}

// memoryview(b'abcd')[0:0:2] (shape (0,), strides (2,)): PyBuffer_IsContiguous says contiguous,
// memoryview's flags do not, and a memoryview re-export refuses every request that needs
// contiguity (C/F/ANY, or no PyBUF_STRIDES) - verified on CPython 3.11 with
// _testbuffer.ndarray(m, getbuf=flags). _testbuffer's own ndarray grants them: may fail.
TEST(Request, EmptyOneDimensionalViewWithOtherStrideMayFail) {
  Descriptor empty = Strided({0}, {8}, 1);
  const std::vector<int> may_fail = {
      kSimple,        kNd,       kFormat | kNd,         kCContiguous, kFContiguous,
      kAnyContiguous, kContigRo, kCContiguous | kFormat};
  for (int flags : may_fail) {
    SCOPED_TRACE(flags);
    const RequestOutcome out = Request(empty, flags);
    EXPECT_EQ(out.verdict, RequestOutcome::Verdict::kMayFail);
    EXPECT_TRUE(Cites(out, "CONTIG-MEMORYVIEW"));
  }
  for (int flags : std::vector<int>{kStridedRo, kRecordsRo, kFullRo}) {
    SCOPED_TRACE(flags);
    EXPECT_EQ(Request(empty, flags).verdict, RequestOutcome::Verdict::kMustSucceed);
  }
  EXPECT_EQ(Request(empty, kWritable).verdict, RequestOutcome::Verdict::kMustFail);
  empty.strides = std::vector<int64_t>{4};  // stride == itemsize: both agree
  EXPECT_EQ(Request(empty, kCContiguous).verdict, RequestOutcome::Verdict::kMustSucceed);
  EXPECT_EQ(Request(empty, kSimple).verdict, RequestOutcome::Verdict::kMustSucceed);
}

TEST(Request, FilledFieldsFollowTheFlags) {
  Descriptor c = Strided({2, 3}, {12, 4}, 1);
  c.strides.reset();  // a C-contiguous exporter may keep strides NULL
  const Descriptor simple = Request(c, kSimple).expected;
  EXPECT_FALSE(simple.format);  // REQ-FORMAT-NULL
  EXPECT_FALSE(simple.shape) << "REQ-SIMPLE-SHAPE";
  EXPECT_EQ(simple.ndim, 1);
  EXPECT_EQ(simple.itemsize, 4);  // REQ-ITEMSIZE-KEPT
  EXPECT_EQ(simple.readonly, 1);
  const Descriptor full = Request(c, kFullRo).expected;
  EXPECT_EQ(full.format, std::optional<std::string>("i"));  // REQ-FORMAT-FILLED
  EXPECT_EQ(full.strides, (std::vector<int64_t>{12, 4}));   // REQ-STRIDES-FILLED
  EXPECT_FALSE(full.suboffsets);                            // not needed
  Descriptor unformatted = c;
  unformatted.format.reset();
  EXPECT_EQ(Request(unformatted, kRecordsRo).expected.format, std::optional<std::string>("B"));
}

}  // namespace
}  // namespace bufconf::layout

namespace bufconf::layout {
namespace {

// IsConsumerRequest against a second formulation: the closure under OR of the documented
// constants of Include/pybuffer.h (computed, not restated bit by bit), over every value a
// deep profile sends.
TEST(IsConsumerRequest, IsTheOrClosureOfTheDocumentedConstants) {
  const int kConstants[] = {0x0001, 0x0004, 0x0008, 0x0018, 0x0038, 0x0058, 0x0098, 0x0118};
  std::vector<bool> formable(0x400, false);
  formable[0] = true;  // PyBUF_SIMPLE
  for (bool grew = true; grew;) {
    grew = false;
    for (int f = 0; f < 0x400; ++f) {
      if (!formable[f]) continue;
      for (int c : kConstants) {
        if (!formable[f | c]) formable[f | c] = grew = true;
      }
    }
  }
  int count = 0;
  for (int f = 0; f < 0x400; ++f) {
    EXPECT_EQ(IsConsumerRequest(f), formable[f]) << "flags 0x" << std::hex << f;
    count += formable[f];
  }
  // 8 independent choices of {WRITABLE} x {FORMAT} x the ND/STRIDES/contiguity/INDIRECT part:
  // none, ND, STRIDES, or STRIDES with any non-empty subset of {C, F, ANY, INDIRECT} bits.
  EXPECT_EQ(count, 2 * 2 * (1 + 1 + 1 + 15));
  // Hand-picked: the values the issue names.
  EXPECT_FALSE(IsConsumerRequest(0x20));   // C_CONTIGUOUS's own bit without STRIDES
  EXPECT_FALSE(IsConsumerRequest(0x100));  // PyBUF_READ
  EXPECT_FALSE(IsConsumerRequest(0x200));  // PyBUF_WRITE
  EXPECT_FALSE(IsConsumerRequest(0x2));
  EXPECT_FALSE(IsConsumerRequest(0x10));  // STRIDES's own bit without ND
  EXPECT_FALSE(IsConsumerRequest(0x10000));
  EXPECT_TRUE(IsConsumerRequest(kFullRo));
  EXPECT_TRUE(IsConsumerRequest(kCContiguous | kFContiguous));
  EXPECT_TRUE(IsConsumerRequest(kFull));
}

}  // namespace
}  // namespace bufconf::layout
