// The generators' caps hold in every case they draw, whatever the seed and the RapidCheck size:
// no generated spec has more than kMaxSpecElements elements counting 0 extents as 1, nor a
// parent array over kMaxSpecParent elements, and the memory an adapter must allocate for it (the
// reference adapter's Materialize: the parent array and its pointer tables) stays small. (A 0
// extent once let the later extents escape the element cap: a (185, 1, 0, 3, 0, 5, 160, 3)
// spec with steps and array-of-arrays dimensions asked for more than 256 MiB of pointer tables.)
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdlib>

#include "conformance/adapter/real_layout.h"
#include "conformance/suite/cases.h"

namespace bufconf::suite {
namespace {

// The memory the reference adapter allocates for a spec: every block (the parent array and the
// pointer tables).
size_t Allocated(const ArraySpec& spec) {
  const bufconf_array_spec abi = spec.Abi();
  const std::unique_ptr<conformance::RealLayout> real = conformance::Materialize(abi);
  size_t total = 0;
  for (const conformance::RealBlock& b : real->blocks) total += b.size();
  return total;
}

// 256-byte items in a parent of kMaxSpecParent elements, plus pointer tables of 8-byte entries
// at most one per parent element on each of at most 8 levels.
constexpr size_t kMaxAllocated = 256 * kMaxSpecParent + 8 * 8 * kMaxSpecParent;

TEST(GeneratorCaps, GeneratedSpecsStayWithinTheCaps) {
  rc::detail::TestParams params;
  params.seed = 20261206;
  params.maxSuccess = 20000;
  params.maxSize = 100;
  rc::detail::TestMetadata metadata;
  metadata.id = "caps";
  const auto result = rc::detail::checkTestable(
      [] {
        const ArraySpec spec = *GenArraySpec();
        int64_t span = 1, parent = 1;
        for (size_t d = 0; d < spec.shape.size(); ++d) {
          const int64_t extent = spec.shape[d];
          const int64_t step = spec.steps.empty() ? 1 : spec.steps[d];
          span *= std::max<int64_t>(extent, 1);
          parent *= extent == 0 || step == 0 ? 1 : (extent - 1) * std::abs(step) + 1;
        }
        RC_ASSERT(span <= kMaxSpecElements);
        RC_ASSERT(parent <= kMaxSpecParent);
        RC_ASSERT(spec.itemsize <= 256);
        RC_ASSERT(Allocated(spec) <= kMaxAllocated);
      },
      metadata, params);
  EXPECT_TRUE(result.template is<rc::detail::SuccessResult>())
      << "a generated spec exceeds the caps (shrunk): "
      << (result.template is<rc::detail::FailureResult>()
              ? result.template get<rc::detail::FailureResult>().description
              : std::string("(no failure)"));
}

// The algorithm side: the memory a generated view lies in (and copy_data's destination) is
// bounded too; the runner realizes both in real memory for every case.
TEST(GeneratorCaps, GeneratedViewsStayWithinTheCaps) {
  rc::detail::TestParams params;
  params.seed = 20261206;
  params.maxSuccess = 20000;
  params.maxSize = 100;
  rc::detail::TestMetadata metadata;
  metadata.id = "caps";
  const auto result = rc::detail::checkTestable(
      [] {
        const AlgorithmCase c = *GenAlgorithmCase();
        size_t total = 0;
        for (const layout::Region& r : c.memory.regions()) total += r.bytes.size();
        for (const layout::Region& r : c.dest_memory.regions()) total += r.bytes.size();
        RC_ASSERT(total <= size_t{64} << 20);
      },
      metadata, params);
  EXPECT_TRUE(result.template is<rc::detail::SuccessResult>())
      << (result.template is<rc::detail::FailureResult>()
              ? result.template get<rc::detail::FailureResult>().description
              : std::string("(no failure)"));
}

}  // namespace
}  // namespace bufconf::suite
