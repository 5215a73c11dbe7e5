// Materialize, Realize and TakeSnapshot: real layouts hold the logical contents they should and
// are valid by the checker.
#include "conformance/adapter/real_layout.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstring>
#include <string>
#include <vector>

#include "conformance/adapter/spec_gen.h"
#include "conformance/generators/layout_gen.h"
#include "conformance/generators/rc_support.h"
#include "reference/layout/checker.h"
#include "reference/layout/contiguity.h"
#include "reference/layout/mirror.h"
#include "reference/rules/catalogue.h"

namespace bufconf::conformance {
namespace {

std::vector<std::string> MustViolations(const layout::Descriptor& view,
                                        const layout::Memory& memory) {
  std::vector<std::string> out;
  for (const layout::Violation& v : layout::Validate(view, &memory)) {
    const rules::Rule* rule = rules::FindRule(v.rule);
    if (rule == nullptr || rule->level == rules::Level::kMust)
      out.push_back(v.rule + ": " + v.message);
  }
  return out;
}

std::vector<std::string> RuleIds(const layout::Descriptor& view, const layout::Memory& memory) {
  std::vector<std::string> out;
  for (const layout::Violation& v : layout::Validate(view, &memory)) out.push_back(v.rule);
  return out;
}

std::string Join(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += x + "\n";
  return s;
}

Snapshot SnapshotOf(const RealLayout& real) {
  return TakeSnapshot(real.view, real.regions.data(), real.regions.size());
}

TEST(Materialize, HoldsTheItemsAndIsValid) {
  gen::CheckAtLeast(1000, [] {
    const OwnedSpec spec = *ArraySpec();
    const std::unique_ptr<RealLayout> real = Materialize(spec.spec());
    const Snapshot snap = SnapshotOf(*real);
    const layout::Descriptor& v = snap.view;
    RC_ASSERT(v.ndim == static_cast<int64_t>(spec.shape.size()));
    RC_ASSERT(v.len == static_cast<int64_t>(spec.items.size()));
    RC_ASSERT(v.itemsize == spec.itemsize);
    RC_ASSERT(v.readonly == ((spec.layout & BUFCONF_LAYOUT_READONLY) ? 1 : 0));
    RC_ASSERT(v.format == std::optional<std::string>(spec.format));
    RC_ASSERT(v.shape.has_value() == !spec.shape.empty());
    RC_ASSERT(v.strides.has_value() == !spec.shape.empty());
    bool indirect = false;
    for (uint8_t b : spec.indirect) indirect = indirect || b;
    RC_ASSERT(v.suboffsets.has_value() == indirect);
    const std::vector<std::string> must = MustViolations(v, snap.memory);
    if (!must.empty()) RC_FAIL(Join(must));
    RC_ASSERT(layout::ToList(v, snap.memory) ==
              layout::ToList(spec.ContiguousView(), spec.ContiguousMemory()));
    // Plain layouts are contiguous in the order asked for.
    if (spec.steps.empty() && !indirect) {
      RC_ASSERT(layout::IsContiguous(v, (spec.layout & BUFCONF_LAYOUT_FORTRAN) ? 'F' : 'C'));
    }
    // Every region is 16-byte aligned.
    for (const bufconf_region& r : real->regions) RC_ASSERT(Address(r.base) % 16 == 0);
  });
}

TEST(Materialize, KnownLayouts) {
  OwnedSpec s;
  s.format = "i";
  s.itemsize = 4;
  s.shape = {2, 3};
  s.items.resize(24);
  for (size_t i = 0; i < 24; ++i) s.items[i] = static_cast<uint8_t>(i);
  {
    const auto real = Materialize(s.spec());
    EXPECT_EQ(real->view.strides[0], 12);
    EXPECT_EQ(real->view.strides[1], 4);
    EXPECT_EQ(real->view.suboffsets, nullptr);
    EXPECT_EQ(real->regions.size(), 1u);
  }
  s.layout = BUFCONF_LAYOUT_FORTRAN;
  s.steps = {-1, 2};
  {
    const auto real = Materialize(s.spec());
    EXPECT_EQ(real->view.strides[0], -4);
    EXPECT_EQ(real->view.strides[1], 2 * 4 * 2);
    // buf is the last row of the parent array.
    EXPECT_EQ(static_cast<const uint8_t*>(real->view.buf) -
                  static_cast<const uint8_t*>(real->regions[0].base),
              4);
  }
  s.layout = 0;
  s.steps.clear();
  s.indirect = {1, 0};
  {
    const auto real = Materialize(s.spec());
    ASSERT_NE(real->view.suboffsets, nullptr);
    EXPECT_EQ(real->view.suboffsets[0], 0);
    EXPECT_EQ(real->view.suboffsets[1], -1);
    EXPECT_EQ(real->view.strides[0], 8);
    EXPECT_EQ(real->regions.size(), 2u);  // data, row pointers
    EXPECT_EQ(real->view.buf, real->regions[1].base);
  }
  // Scalar.
  OwnedSpec scalar;
  scalar.format = "q";
  scalar.itemsize = 8;
  scalar.items.assign(8, 7);
  const auto real = Materialize(scalar.spec());
  EXPECT_EQ(real->view.ndim, 0);
  EXPECT_EQ(real->view.shape, nullptr);
  EXPECT_EQ(real->view.strides, nullptr);
  EXPECT_EQ(real->view.len, 8);
  // Moving keeps the view's pointers valid.
  RealLayout moved = std::move(*Materialize(s.spec()));
  EXPECT_STREQ(moved.view.format, "i");
  EXPECT_EQ(moved.view.shape[1], 3);
}

void ExpectInvalid(const bufconf_array_spec& spec, const std::string& words) {
  try {
    Materialize(spec);
    ADD_FAILURE() << "accepted; expected: " << words;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
  }
}

TEST(Materialize, RefusesInvalidSpecs) {
  OwnedSpec s;
  s.format = "B";
  s.shape = {3};
  s.items = {1, 2, 3};
  bufconf_array_spec spec = s.spec();
  spec.ndim = 65;
  ExpectInvalid(spec, "ndim 65 is outside 0..64");
  spec = s.spec();
  spec.ndim = -1;
  ExpectInvalid(spec, "outside 0..64");
  spec = s.spec();
  spec.itemsize = -1;
  ExpectInvalid(spec, "itemsize -1 is negative");
  const bufconf_ssize_t negative[] = {-1};
  spec = s.spec();
  spec.shape = negative;
  ExpectInvalid(spec, "shape[0] is negative");
  const bufconf_ssize_t huge[] = {INT64_MAX / 2, 4};
  spec = s.spec();
  spec.ndim = 2;
  spec.shape = huge;
  ExpectInvalid(spec, "overflows");
  const bufconf_ssize_t big[] = {int64_t{1} << 29};
  spec = s.spec();
  spec.shape = big;
  ExpectInvalid(spec, "256 MiB");
  const bufconf_ssize_t zero_step[] = {0};
  spec = s.spec();
  spec.steps = zero_step;
  ExpectInvalid(spec, "differ along a dimension of step 0");
  spec = s.spec();
  spec.items = nullptr;
  ExpectInvalid(spec, "items is NULL");
  std::string long_format(kMaxFormatLength + 1, 'B');
  spec = s.spec();
  spec.format = long_format.c_str();
  ExpectInvalid(spec, "longer than 64 KiB");
}

TEST(Realize, StridedLayoutsKeepTheirContents) {
  gen::CheckAtLeast(500, [] {
    const gen::Layout virt = *gen::StridedLayout();
    const std::unique_ptr<RealLayout> real = Realize(virt.view, virt.memory);
    const Snapshot snap = SnapshotOf(*real);
    RC_ASSERT(layout::ToList(snap.view, snap.memory) == layout::ToList(virt.view, virt.memory));
    RC_ASSERT(snap.view.shape == virt.view.shape);
    RC_ASSERT(snap.view.strides == virt.view.strides);
    RC_ASSERT(real->regions.size() == virt.memory.regions().size());
    RC_ASSERT(RuleIds(snap.view, snap.memory) == RuleIds(virt.view, virt.memory));
  });
}

TEST(Realize, ArrayOfArraysKeepTheirContents) {
  gen::CheckAtLeast(500, [] {
    const gen::Layout virt = *gen::ArrayOfArrays(*gen::StridedLayout());
    const std::unique_ptr<RealLayout> real = Realize(virt.view, virt.memory);
    const Snapshot snap = SnapshotOf(*real);
    RC_ASSERT(layout::ToList(snap.view, snap.memory) == layout::ToList(virt.view, virt.memory));
    RC_ASSERT(snap.view.suboffsets == virt.view.suboffsets);
    // The same verdicts as the virtual layout (offsets into blocks and alignment are kept).
    RC_ASSERT(RuleIds(snap.view, snap.memory) == RuleIds(virt.view, virt.memory));
  });
}

TEST(TakeSnapshot, MergesOverlappingRegionsAndBoundsFields) {
  std::vector<uint8_t> block(64);
  for (size_t i = 0; i < block.size(); ++i) block[i] = static_cast<uint8_t>(i);
  bufconf_ssize_t shape[] = {4};
  bufconf_buffer view{};
  view.buf = block.data() + 8;
  view.len = 4;
  view.itemsize = 1;
  view.ndim = 1;
  view.format = const_cast<char*>("B");
  view.shape = shape;
  const bufconf_region regions[] = {
      {block.data(), 16}, {block.data() + 8, 32}, {block.data() + 48, 16}, {nullptr, 0}};
  const Snapshot s = TakeSnapshot(view, regions, 4);
  ASSERT_EQ(s.memory.regions().size(), 2u);
  EXPECT_EQ(s.memory.regions()[0].bytes.size(), 40u);
  EXPECT_EQ(s.memory.regions()[1].bytes[0], 48);
  EXPECT_EQ(s.view.shape, std::optional<std::vector<int64_t>>(std::vector<int64_t>{4}));
  EXPECT_FALSE(s.view.strides.has_value());

  // A bogus ndim: the arrays are not read.
  view.ndim = 1000;
  view.shape = reinterpret_cast<bufconf_ssize_t*>(uintptr_t{16});  // would crash if read
  const Snapshot bogus = TakeSnapshot(view, regions, 1);
  EXPECT_EQ(bogus.view.ndim, 1000);
  EXPECT_FALSE(bogus.view.shape.has_value());
  bool ndim_range = false;
  for (const layout::Violation& v : layout::Validate(bogus.view, &bogus.memory)) {
    ndim_range = ndim_range || v.rule == "FIELDS-NDIM-RANGE";
  }
  EXPECT_TRUE(ndim_range);

  // A format without a NUL in 64 KiB.
  std::vector<char> endless(kMaxFormatLength + 10, 'B');
  view.ndim = 1;
  view.shape = shape;
  view.format = endless.data();
  EXPECT_THROW(TakeSnapshot(view, regions, 1), std::invalid_argument);
  view.format = nullptr;
  const bufconf_region null_base[] = {{nullptr, 8}};
  EXPECT_THROW(TakeSnapshot(view, null_base, 1), std::invalid_argument);
}

}  // namespace
}  // namespace bufconf::conformance
