// The suite judges itself: the reference adapter passes every rule, and two deliberately broken
// adapters are caught by the general properties with counterexamples that replay.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "conformance/adapter/reference_adapter.h"
#include "conformance/suite/isolation.h"
#include "conformance/suite/report.h"
#include "conformance/suite/runner.h"

namespace bufconf::suite {
namespace {

std::string TempDir(const char* name) {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string dir = std::string(base != nullptr ? base : "/tmp") + "/" + name;
  mkdir(dir.c_str(), 0755);
  return dir;
}

RunSettings Settings(const char* name) {
  RunSettings s;
  s.seed = 7;
  s.examples = 100;
  s.timeout_seconds = 60;
  s.failures_dir = TempDir(name);
  return s;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Broken adapter 1: reports C-contiguous strides whatever the real layout is (the classic
// "fill strides from the shape" fault).
bufconf_adapter g_wrong_strides;
int WrongStridesGet(void* ctx, void* exporter, bufconf_buffer* view, int flags, char* message,
                    size_t size) {
  const int rc =
      conformance::ReferenceAdapter()->get_buffer(ctx, exporter, view, flags, message, size);
  if (rc == BUFCONF_OK && view->strides != nullptr && view->shape != nullptr) {
    bufconf_ssize_t sd = view->itemsize;
    for (int i = view->ndim - 1; i >= 0; --i) {
      view->strides[i] = sd;
      sd *= view->shape[i];
    }
  }
  return rc;
}

// Broken adapter 2: dereferences NULL when a dimension has extent 3.
bufconf_adapter g_segfault;
int SegfaultGet(void* ctx, void* exporter, bufconf_buffer* view, int flags, char* message,
                size_t size) {
  const int rc =
      conformance::ReferenceAdapter()->get_buffer(ctx, exporter, view, flags, message, size);
  if (rc == BUFCONF_OK && view->shape != nullptr) {
    for (int i = 0; i < view->ndim; ++i) {
      if (view->shape[i] == 3) {
        volatile int* null = nullptr;
        *null = 1;
      }
    }
  }
  return rc;
}

TEST(SelfTest, ReferenceAdapterPassesEveryRule) {
  const RunReport report = RunSuite(*conformance::ReferenceAdapter(), Settings("reference"));
  ASSERT_FALSE(report.results.empty());
  for (const RuleResult& r : report.results) {
    EXPECT_EQ(r.status, Status::kPass) << r.rule << ": " << r.reason;
    EXPECT_GT(r.cases, 0) << r.rule;
  }
  EXPECT_EQ(ExitStatus(report), 0);
}

void ExpectCaughtWithReplayableCounterexample(const bufconf_adapter& broken, const char* name) {
  const RunReport report = RunSuite(broken, Settings(name));
  int failures = 0;
  for (const RuleResult& r : report.results) {
    if (r.status != Status::kFail) continue;
    ++failures;
    SCOPED_TRACE(r.rule + ": " + r.reason);
    ASSERT_FALSE(r.counterexample_file.empty());
    ASSERT_NE(r.replay_command.find(r.counterexample_file), std::string::npos);
    const std::string contents = ReadFile(r.counterexample_file);
    ASSERT_FALSE(contents.empty());
    // Replaying breaks the same rule again (in a child: the broken adapter may crash).
    const IsolatedResult replay = RunIsolated(
        [&](ChildChannel& channel) {
          channel.Write(Replay(broken, contents).reproduced ? "reproduced" : "not reproduced");
        },
        30);
    const bool crashed = replay.outcome == IsolatedResult::Outcome::kCrashed;
    EXPECT_TRUE(crashed || replay.payload.rfind("reproduced", 0) == 0)
        << "replay: " << replay.payload;
  }
  EXPECT_GT(failures, 0) << name << " was not caught";
  EXPECT_EQ(ExitStatus(report), 1);
}

// Broken adapter 3: enumerates one exporter (a 2x3 int array), whose get_buffer crashes.
bufconf_adapter g_enumerated_crash;
int EnumerateOne(void* ctx, size_t index, void** exporter, bufconf_enumerated* info) {
  if (index > 0) return BUFCONF_UNSUPPORTED;
  static const int32_t kItems[6] = {1, 2, 3, 4, 5, 6};
  static const bufconf_ssize_t kShape[2] = {2, 3};
  bufconf_array_spec spec{};
  spec.format = "i";
  spec.itemsize = 4;
  spec.ndim = 2;
  spec.shape = kShape;
  spec.items = kItems;
  std::snprintf(info->description, sizeof info->description, "the crashing 2x3 exporter");
  info->has_expected = 0;
  char message[256];
  return conformance::ReferenceAdapter()->make_exporter(ctx, &spec, exporter, message,
                                                        sizeof message);
}
int CrashingGet(void*, void*, bufconf_buffer*, int, char*, size_t) {
  volatile int* null = nullptr;
  *null = 1;
  return BUFCONF_ERROR;
}

TEST(SelfTest, CrashingEnumeratedExporterIsReported) {
  g_enumerated_crash = *conformance::ReferenceAdapter();
  g_enumerated_crash.name = "enumerated-crash";
  g_enumerated_crash.capabilities =
      (g_enumerated_crash.capabilities & ~BUFCONF_CAP_MAKE_EXPORTER) | BUFCONF_CAP_ENUMERATE;
  g_enumerated_crash.enumerate = EnumerateOne;
  g_enumerated_crash.get_buffer = CrashingGet;
  const RunReport report = RunSuite(g_enumerated_crash, Settings("enumerated-crash"));
  bool reported = false;
  for (const RuleResult& r : report.results) {
    if (r.rule != "REQ-GRANT") continue;
    EXPECT_EQ(r.status, Status::kFail) << r.reason;
    for (const RuleFailure& f : r.failures) {
      reported = reported || (f.where.find("enumerated exporter 0") != std::string::npos &&
                              f.message.find("crashed") != std::string::npos);
    }
  }
  EXPECT_TRUE(reported) << "the crash of the enumerated exporter is not in REQ-GRANT's failures";
  EXPECT_EQ(ExitStatus(report), 1);
}

TEST(SelfTest, WrongStridesAreCaught) {
  g_wrong_strides = *conformance::ReferenceAdapter();
  g_wrong_strides.name = "wrong-strides";
  g_wrong_strides.get_buffer = WrongStridesGet;
  ExpectCaughtWithReplayableCounterexample(g_wrong_strides, "wrong-strides");
}

TEST(SelfTest, SegfaultIsCaughtAndTheRunGoesOn) {
  g_segfault = *conformance::ReferenceAdapter();
  g_segfault.name = "segfault";
  g_segfault.get_buffer = SegfaultGet;
  const RunReport report = RunSuite(g_segfault, Settings("segfault"));
  bool crashed = false;
  for (const RuleResult& r : report.results) {
    crashed = crashed || r.reason.find("crashed") != std::string::npos;
  }
  EXPECT_TRUE(crashed);
  // The algorithm side does not call get_buffer: those rules still ran and passed.
  for (const RuleResult& r : report.results) {
    if (r.rule.rfind("ALGO-", 0) == 0) {
      EXPECT_EQ(r.status, Status::kPass) << r.rule;
    }
  }
  ExpectCaughtWithReplayableCounterexample(g_segfault, "segfault");
}

}  // namespace
}  // namespace bufconf::suite
