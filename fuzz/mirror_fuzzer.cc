// Fuzz target: the bufconf mirror library (mirror/bufconf_mirror.h) against the reference model
// on layouts decoded from the input and realized in real memory: to_contiguous, from_contiguous
// and copy_data (into C and Fortran buffers, and onto the view's own memory with dimensions
// reversed; plans also on three threads with non-temporal stores) byte for byte, for_each's
// element order, is_contiguous and get_pointer.
//
// Input: one control byte, then a layout. Control bits 0-1: the order ('C', 'F', 'A' for 0, 1,
// 2 and 3); bit 2: the layout is a recipe (fuzz/recipe.h, valid by construction), else a
// descriptor with memory (a case file, descriptor JSON or the binary codec: fuzz_input.h
// DecodeInput) that the checker must call valid; bits 3-7: the dimensions reversed in the
// overlapping copy.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <vector>

#include "conformance/adapter/real_layout.h"
#include "fuzz/fuzz_checks.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/recipe.h"
#include "mirror/bufconf_mirror.h"
#include "mirror/buffer_view.h"
#include "reference/layout/addressing.h"
#include "reference/layout/checker.h"
#include "reference/layout/contiguity.h"
#include "reference/layout/mirror.h"
#include "reference/rules/catalogue.h"

namespace {

using bufconf::conformance::Address;
using bufconf::conformance::RealLayout;
using bufconf::conformance::Snapshot;
namespace layout = bufconf::layout;

void Check(bool ok, const char* what) {
  if (!ok) bufconf::fuzz::Fail(what);
}

using bufconf::mirror::ViewOf;

Snapshot Snap(const RealLayout& r) {
  return bufconf::conformance::TakeSnapshot(r.view, r.regions.data(), r.regions.size());
}

// The real memory equals the model's memory, region by region.
bool SameMemory(const RealLayout& r, const layout::Memory& m) {
  for (const bufconf_region& region : r.regions) {
    if (region.size == 0) continue;
    if (std::memcmp(region.base, m.Read(Address(region.base), region.size), region.size) != 0) {
      return false;
    }
  }
  return true;
}

// A layout the checker calls valid (no MUST rule broken), small enough to walk quickly.
bool Acceptable(const layout::Descriptor& view, const layout::Memory& memory) {
  for (const layout::Violation& v : layout::Validate(view, &memory)) {
    const bufconf::rules::Rule* rule = bufconf::rules::FindRule(v.rule);
    if (rule == nullptr || rule->level == bufconf::rules::Level::kMust) return false;
  }
  try {
    const layout::FullView full = layout::Expand(view);
    const int64_t count = layout::ElementCount(full.shape);
    return count <= (1 << 16) && full.itemsize <= 4096 && count * full.itemsize <= (1 << 20);
  } catch (const std::exception&) {
    return false;
  }
}

// Run options that reach every path: three threads with blocks of any size, non-temporal stores.
constexpr bufconf_mirror_options kEveryPath = {3, 1, 1};

void CheckToContiguous(const RealLayout& real, const Snapshot& s) {
  const bufconf_view v = ViewOf(real.view);
  for (const char order : {'C', 'F', 'A'}) {
    const std::vector<uint8_t> expected = layout::ToContiguous(s.view, s.memory, s.view.len, order);
    std::vector<uint8_t> got(expected.size() + 1, 0x5A);
    Check(bufconf_to_contiguous(got.data(), &v, s.view.len, order) == BUFCONF_MIRROR_OK,
          "to_contiguous refused a valid view");
    Check(got.back() == 0x5A, "to_contiguous wrote past len");
    got.pop_back();
    Check(got == expected, "to_contiguous differs from the reference");
    // The same through a plan on three threads with non-temporal stores.
    bufconf_mirror_plan* plan = nullptr;
    Check(bufconf_mirror_plan_to_contiguous(&v, order, &plan) == BUFCONF_MIRROR_OK,
          "to_contiguous plan refused");
    std::vector<uint8_t> threaded(expected.size() + 1, 0x5A);
    Check(bufconf_mirror_run_with(plan, threaded.data(), v.buf, &kEveryPath) == BUFCONF_MIRROR_OK,
          "to_contiguous plan failed on three threads");
    bufconf_mirror_plan_free(plan);
    Check(threaded.back() == 0x5A, "to_contiguous on three threads wrote past len");
    threaded.pop_back();
    Check(threaded == expected, "to_contiguous on three threads differs from the reference");
  }
}

void CheckFromContiguous(const layout::Descriptor& view, const layout::Memory& memory, char order,
                         const std::vector<uint8_t>& bytes) {
  const std::unique_ptr<RealLayout> real = bufconf::conformance::Realize(view, memory);
  Snapshot expected = Snap(*real);
  layout::FromContiguous(expected.view, expected.memory, bytes, order);
  const bufconf_view v = ViewOf(real->view);
  Check(bufconf_from_contiguous(&v, bytes.data(), static_cast<ptrdiff_t>(bytes.size()), order) ==
            BUFCONF_MIRROR_OK,
        "from_contiguous refused a valid view");
  Check(SameMemory(*real, expected.memory), "from_contiguous differs from the reference");
}

// copy_data into a C and a Fortran buffer of the same shape (a plan, run twice: by default, then
// on three threads with non-temporal stores).
void CheckCopyIntoContiguous(const RealLayout& real, const Snapshot& s) {
  const layout::FullView full = layout::Expand(s.view);
  const std::vector<uint8_t> expected = layout::ToContiguous(s.view, s.memory, s.view.len, 'C');
  for (const char order : {'C', 'F'}) {
    layout::Descriptor dest;
    dest.ndim = s.view.ndim > 0 ? static_cast<int64_t>(full.shape.size()) : 0;
    dest.itemsize = full.itemsize;
    dest.len = static_cast<int64_t>(expected.size());
    if (s.view.ndim > 0) {
      dest.shape = full.shape;
      dest.strides = layout::FillContiguousStrides(full.shape, full.itemsize, order);
    }
    dest.buf = 0x1000;
    layout::Memory dest_memory;
    dest_memory.AddRegion({0x1000, std::vector<uint8_t>(expected.size() + 1, 0), "dest"});
    const std::unique_ptr<RealLayout> target = bufconf::conformance::Realize(dest, dest_memory);
    const bufconf_view d = ViewOf(target->view), v = ViewOf(real.view);
    bufconf_mirror_plan* plan = nullptr;
    Check(bufconf_mirror_plan_copy(&d, &v, &plan) == BUFCONF_MIRROR_OK, "copy plan refused");
    for (int round = 0; round < 2; ++round) {  // the second on three threads, streaming
      Check(bufconf_mirror_run_with(plan, d.buf, v.buf, round == 0 ? nullptr : &kEveryPath) ==
                BUFCONF_MIRROR_OK,
            "copy plan failed");
      const Snapshot after = Snap(*target);
      Check(layout::ToContiguous(after.view, after.memory, after.view.len, 'C') == expected,
            "copy_data into a contiguous view differs from the reference");
    }
    bufconf_mirror_plan_free(plan);
  }
}

// copy_data between the view and itself with some dimensions reversed (the memory overlaps).
void CheckOverlappingCopy(const layout::Descriptor& view, const layout::Memory& memory,
                          unsigned reverse) {
  const std::unique_ptr<RealLayout> real = bufconf::conformance::Realize(view, memory);
  bufconf_view src = ViewOf(real->view);
  src.readonly = 0;
  bufconf_view dest = src;
  std::vector<ptrdiff_t> strides;
  if (src.ndim > 0 && src.shape != nullptr && src.strides != nullptr) {
    strides.assign(src.strides, src.strides + src.ndim);
    auto* buf = static_cast<char*>(src.buf);
    for (int i = 0; i < src.ndim && i < 5; ++i) {
      if ((reverse >> i & 1) != 0 && src.shape[i] > 0) {
        buf += strides[static_cast<size_t>(i)] * (src.shape[i] - 1);
        strides[static_cast<size_t>(i)] = -strides[static_cast<size_t>(i)];
      }
      // Past a dimension that dereferences, the offset would belong after the pointer load.
      if (src.suboffsets != nullptr && src.suboffsets[i] >= 0) break;
    }
    dest.buf = buf;
    dest.strides = strides.data();
  }
  Snapshot model = Snap(*real);
  layout::Descriptor to = model.view, from = model.view;
  to.readonly = from.readonly = 0;
  to.buf = Address(dest.buf);
  if (to.strides) to.strides->assign(dest.strides, dest.strides + dest.ndim);
  layout::CopyData(to, model.memory, from, model.memory);
  Check(bufconf_copy_data(&dest, &src) == BUFCONF_MIRROR_OK, "copy_data refused");
  Check(SameMemory(*real, model.memory), "overlapping copy_data differs from the reference");
}

void CheckWalks(const RealLayout& real, const Snapshot& s) {
  const bufconf_view v = ViewOf(real.view);
  const layout::FullView full = layout::Expand(s.view);
  for (const char order : {'C', 'F'}) {
    struct Ctx {
      std::vector<uint64_t> addresses;
    } ctx;
    Check(bufconf_for_each(
              &v, order,
              [](void* c, void* item, const ptrdiff_t*) {
                static_cast<Ctx*>(c)->addresses.push_back(Address(item));
                return 0;
              },
              &ctx) == BUFCONF_MIRROR_OK,
          "for_each refused a valid view");
    Check(ctx.addresses == layout::ElementAddresses(full, s.memory, order),
          "for_each visits other elements than the reference");
  }
  for (const char order : {'C', 'F', 'A'}) {
    Check((bufconf_is_contiguous(&v, order) != 0) == layout::IsContiguous(s.view, order),
          "is_contiguous differs from the reference");
  }
  if (s.view.ndim == 0 || s.view.strides) {
    int checked = 0;
    layout::ForEachIndex(full.shape, 'C', [&](const std::vector<int64_t>& index) {
      if (checked++ % 7 != 0) return;
      std::vector<ptrdiff_t> idx(index.begin(), index.end());
      idx.push_back(0);
      Check(
          Address(bufconf_get_pointer(&v, idx.data())) == layout::GetPointer(full, s.memory, index),
          "get_pointer differs from the reference");
    });
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (1 << 17)) return 0;
  const uint8_t control = data[0];
  const char order = "CFAC"[control & 3];
  layout::Descriptor view;
  layout::Memory memory;
  if ((control & 4) != 0) {
    if (!bufconf::fuzz::LayoutFromRecipe(data + 1, size - 1, &view, &memory)) return 0;
  } else {
    bool has_memory = false;
    if (!bufconf::fuzz::DecodeInput(data + 1, size - 1, &view, &memory, &has_memory) ||
        !has_memory) {
      return 0;
    }
  }
  memory = bufconf::fuzz::MergeTouchingRegions(memory);
  // Address 0 is NULL in real memory: a region there cannot be realized.
  if (view.buf == 0 || !Acceptable(view, memory)) return 0;
  std::unique_ptr<RealLayout> real;
  try {
    real = bufconf::conformance::Realize(view, memory);
  } catch (const std::invalid_argument&) {
    return 0;
  }
  const Snapshot s = Snap(*real);
  std::vector<uint8_t> bytes(static_cast<size_t>(s.view.len));
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(data[i % size] + i);
  CheckToContiguous(*real, s);
  CheckFromContiguous(view, memory, order, bytes);
  CheckCopyIntoContiguous(*real, s);
  CheckOverlappingCopy(view, memory, control >> 3);
  CheckWalks(*real, s);
  return 0;
}
