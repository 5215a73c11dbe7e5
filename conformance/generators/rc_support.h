// Running RapidCheck properties inside GoogleTest with a minimum number of cases.
//
// RC_PARAMS works as usual (seed=, max_success=, reproduce=); CheckAtLeast raises max_success to
// at least `min_success` so that a property named "on 1,000 formats per run" really runs 1,000.
#ifndef BUFCONF_CONFORMANCE_GENERATORS_RC_SUPPORT_H_
#define BUFCONF_CONFORMANCE_GENERATORS_RC_SUPPORT_H_

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <utility>

namespace bufconf::gen {

template <typename Testable>
void CheckAtLeast(int min_success, Testable&& testable) {
  using namespace rc::detail;
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  TestMetadata metadata;
  metadata.id = std::string(info->test_suite_name()) + "/" + info->name();
  metadata.description = info->name();
  TestParams params = configuration().testParams;
  params.maxSuccess = std::max(params.maxSuccess, min_success);
  const bool reproducing = configuration().reproduce.count(metadata.id) > 0;
  const auto result = reproducing
                          ? checkTestable(std::forward<Testable>(testable), metadata)
                          : checkTestable(std::forward<Testable>(testable), metadata, params);
  if (!result.template is<SuccessResult>()) {
    std::ostringstream ss;
    printResultMessage(result, ss);
    ADD_FAILURE() << ss.str();
  }
}

}  // namespace bufconf::gen

#endif  // BUFCONF_CONFORMANCE_GENERATORS_RC_SUPPORT_H_
