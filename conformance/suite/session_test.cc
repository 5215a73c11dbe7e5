// The multi-consumer session (session.h) judges itself: the reference adapter breaks no rule in
// it and leaves every exporter's memory as it found it, and one deliberately broken exporter of
// each kind the session exists for is caught - by CheckExporterCase on fixed cases, and by
// `bufconf run`'s generated cases with a counterexample that replays:
//   - a second writable export refused while one is live (REQ-GRANT),
//   - export counts shared by exporters of one type (RELEASE-EXPORT-COUNT),
//   - a release that scribbles over fields other live views share (RELEASE-MEMORY-STABLE),
//   - a writable get that re-copies the exporter's contents from a master copy, losing what was
//     written through live views (REQ-CONTENTS).
#include "conformance/suite/session.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "conformance/adapter/real_layout.h"
#include "conformance/adapter/reference_adapter.h"
#include "conformance/suite/cases.h"
#include "conformance/suite/checks.h"
#include "conformance/suite/isolation.h"
#include "conformance/suite/report.h"
#include "conformance/suite/runner.h"
#include "conformance/testing/test_files.h"

namespace bufconf::suite {
namespace {

const bufconf_adapter& Ref() { return *conformance::ReferenceAdapter(); }

std::vector<bufconf_region> RegionsOf(void* exporter) {
  std::vector<bufconf_region> out(16);
  size_t n = Ref().regions(Ref().context, exporter, out.data(), out.size());
  if (n > out.size()) {
    out.resize(n);
    n = Ref().regions(Ref().context, exporter, out.data(), out.size());
  }
  out.resize(std::min(n, out.size()));
  return out;
}

std::vector<std::vector<uint8_t>> BytesOf(const std::vector<bufconf_region>& regions) {
  std::vector<std::vector<uint8_t>> out;
  for (const bufconf_region& r : regions) {
    const auto* p = static_cast<const uint8_t*>(r.base);
    out.emplace_back(p, p + r.size);
  }
  return out;
}

// ---------------------------------------------------------------- the cases

ExporterCase Case(const char* format, int64_t itemsize, std::vector<int64_t> shape, uint32_t layout,
                  std::vector<int64_t> steps, std::vector<uint8_t> indirect, int flags) {
  ExporterCase c;
  c.spec.format = format;
  c.spec.itemsize = itemsize;
  c.spec.shape = std::move(shape);
  c.spec.layout = layout;
  c.spec.steps = std::move(steps);
  c.spec.indirect = std::move(indirect);
  int64_t n = 1;
  for (int64_t extent : c.spec.shape) n *= extent;
  c.spec.items.resize(static_cast<size_t>(n * itemsize));
  // Item e's bytes from its C-order index without the broadcast (step 0) dimensions, so items are
  // equal along those, as the ABI requires, and distinct otherwise.
  for (int64_t e = 0; e < n; ++e) {
    int64_t rest = e, key = 0, scale = 1;
    for (size_t i = c.spec.shape.size(); i-- > 0;) {
      const int64_t index = rest % c.spec.shape[i];
      rest /= c.spec.shape[i];
      if (c.spec.steps.empty() || c.spec.steps[i] != 0) key += index * scale;
      scale *= c.spec.shape[i];
    }
    for (int64_t b = 0; b < itemsize; ++b) {
      c.spec.items[static_cast<size_t>(e * itemsize + b)] = static_cast<uint8_t>(key * 7 + b + 1);
    }
  }
  c.flags = flags;
  return c;
}

// Writable and read-only, C and Fortran, steps (reversed, doubled, broadcast), array-of-arrays,
// 0-d and empty, each with a request of its own.
std::vector<ExporterCase> Cases() {
  return {
      Case("i", 4, {2, 3}, 0, {}, {}, BUFCONF_PYBUF_ND),
      Case("h", 2, {3, 2}, BUFCONF_LAYOUT_FORTRAN, {}, {}, BUFCONF_PYBUF_FULL_RO),
      Case("B", 1, {4}, BUFCONF_LAYOUT_READONLY, {}, {}, BUFCONF_PYBUF_SIMPLE),
      Case("B", 1, {2, 3}, 0, {}, {1, 0}, BUFCONF_PYBUF_FULL_RO | BUFCONF_PYBUF_WRITABLE),
      Case("i", 4, {3, 2}, 0, {0, 1}, {}, BUFCONF_PYBUF_STRIDES),
      Case("q", 8, {2, 2}, 0, {-2, 1}, {}, BUFCONF_PYBUF_C_CONTIGUOUS),
      Case("d", 8, {}, 0, {}, {}, BUFCONF_PYBUF_WRITABLE),
      Case("i", 4, {0, 3}, 0, {}, {}, BUFCONF_PYBUF_FULL_RO),
      Case("T{b:a:xxxi:b:}", 8, {3}, BUFCONF_LAYOUT_READONLY, {2}, {}, BUFCONF_PYBUF_STRIDES),
  };
}

std::set<std::string> RulesOf(const CheckResult& r) {
  std::set<std::string> out;
  for (const Finding& f : r.findings) out.insert(f.rule);
  return out;
}

std::string Text(const CheckResult& r) {
  std::string out;
  for (const Finding& f : r.findings) out += f.rule + ": " + f.message + "\n";
  return out;
}

// ---------------------------------------------------------------- the reference passes

// Every exporter's memory is checked when it is destroyed: the session must leave it as it was
// made (its writes are restored), and a read-only exporter's memory must never change.
std::map<void*, std::vector<std::vector<uint8_t>>> g_made_bytes;
std::map<void*, bool> g_readonly;
int g_exporters = 0, g_changed = 0, g_readonly_touched = 0;

void Remember(void* exporter, bool readonly) {
  g_made_bytes[exporter] = BytesOf(RegionsOf(exporter));
  g_readonly[exporter] = readonly;
  ++g_exporters;
}

void CheckReadonlyUntouched(void* exporter) {
  if (g_readonly[exporter] && BytesOf(RegionsOf(exporter)) != g_made_bytes[exporter]) {
    ++g_readonly_touched;
  }
}

int WatchedMake(void* ctx, const bufconf_array_spec* spec, void** exporter, char* message,
                size_t size) {
  const int rc = Ref().make_exporter(ctx, spec, exporter, message, size);
  if (rc == BUFCONF_OK) Remember(*exporter, (spec->layout & BUFCONF_LAYOUT_READONLY) != 0);
  return rc;
}
int WatchedEnumerate(void* ctx, size_t index, void** exporter, bufconf_enumerated* info) {
  const int rc = Ref().enumerate(ctx, index, exporter, info);
  if (rc == BUFCONF_OK) Remember(*exporter, false);
  return rc;
}
int WatchedGet(void* ctx, void* exporter, bufconf_buffer* view, int flags, char* message,
               size_t size) {
  CheckReadonlyUntouched(exporter);
  return Ref().get_buffer(ctx, exporter, view, flags, message, size);
}
void WatchedRelease(void* ctx, void* exporter, bufconf_buffer* view) {
  CheckReadonlyUntouched(exporter);
  Ref().release_buffer(ctx, exporter, view);
}
void WatchedDestroy(void* ctx, void* exporter) {
  if (BytesOf(RegionsOf(exporter)) != g_made_bytes[exporter]) ++g_changed;
  g_made_bytes.erase(exporter);
  Ref().destroy_exporter(ctx, exporter);
}

bufconf_adapter Watched() {
  bufconf_adapter a = Ref();
  a.name = "watched-reference";
  a.make_exporter = WatchedMake;
  a.enumerate = WatchedEnumerate;
  a.get_buffer = WatchedGet;
  a.release_buffer = WatchedRelease;
  a.destroy_exporter = WatchedDestroy;
  return a;
}

TEST(Session, ReferenceBreaksNothingAndRestoresEveryByte) {
  const bufconf_adapter a = Watched();
  g_exporters = g_changed = g_readonly_touched = 0;
  for (const ExporterCase& c : Cases()) {
    const CheckResult r = CheckExporterCase(a, c);
    EXPECT_FALSE(r.unsupported);
    EXPECT_TRUE(r.findings.empty()) << ToJson(c).dump() << "\n" << Text(r);
  }
  for (size_t index = 0;; ++index) {
    const CheckResult r = CheckEnumeratedCase(a, {index, BUFCONF_PYBUF_FULL_RO, ""});
    if (r.unsupported) break;
    EXPECT_TRUE(r.findings.empty()) << "enumerated " << index << "\n" << Text(r);
  }
  // Two exporters per made case (the session's second), one per enumerated one.
  EXPECT_GE(g_exporters, static_cast<int>(2 * Cases().size()));
  EXPECT_EQ(g_changed, 0) << "an exporter's memory was not restored";
  EXPECT_EQ(g_readonly_touched, 0) << "a read-only exporter's memory was written";
}

// An adapter whose second make_exporter of a spec is refused, and which counts no exports: the
// session runs on the one exporter and judges nothing it cannot see.
int g_live_made = 0;
int OneAtATimeMake(void* ctx, const bufconf_array_spec* spec, void** exporter, char* message,
                   size_t size) {
  if (g_live_made > 0) {
    std::snprintf(message, size, "one exporter at a time");
    return BUFCONF_UNSUPPORTED;
  }
  const int rc = Ref().make_exporter(ctx, spec, exporter, message, size);
  if (rc == BUFCONF_OK) ++g_live_made;
  return rc;
}
void OneAtATimeDestroy(void* ctx, void* exporter) {
  --g_live_made;
  Ref().destroy_exporter(ctx, exporter);
}

TEST(Session, NoSecondExporterAndNoCountsIsNoFinding) {
  bufconf_adapter a = Ref();
  a.name = "one-at-a-time";
  a.make_exporter = OneAtATimeMake;
  a.destroy_exporter = OneAtATimeDestroy;
  a.capabilities &= ~BUFCONF_CAP_EXPORT_COUNT;
  a.export_count = nullptr;
  g_live_made = 0;
  for (const ExporterCase& c : Cases()) {
    const CheckResult r = CheckExporterCase(a, c);
    EXPECT_FALSE(r.unsupported);
    EXPECT_TRUE(r.findings.empty()) << ToJson(c).dump() << "\n" << Text(r);
  }
  EXPECT_EQ(g_live_made, 0);
}

// ---------------------------------------------------------------- the session runs to its end

// A 2x3 int32 C array (writable), made by `a`; its full description through `handle`.
void* MakeInts(const bufconf_adapter& a) {
  static const int32_t kItems[6] = {1, 2, 3, 4, 5, 6};
  static const bufconf_ssize_t kShape[2] = {2, 3};
  bufconf_array_spec spec{};
  spec.format = "i";
  spec.itemsize = 4;
  spec.ndim = 2;
  spec.shape = kShape;
  spec.items = kItems;
  void* exporter = nullptr;
  char message[256];
  EXPECT_EQ(a.make_exporter(a.context, &spec, &exporter, message, sizeof message), BUFCONF_OK)
      << message;
  return exporter;
}

layout::Descriptor FullOf(ExporterHandle& handle) {
  bufconf_buffer view;
  std::string why;
  EXPECT_EQ(handle.Get(&view, BUFCONF_PYBUF_FULL_RO, &why), BUFCONF_OK) << why;
  const layout::Descriptor full = conformance::DescriptorOf(view);
  handle.Release(&view);
  return full;
}

// Every step of the script, in order, written out by hand for a writable 2x3 C array of int32
// asked for PyBUF_ND (0x8): it is not Fortran-contiguous, so only PyBUF_F_CONTIGUOUS is refused.
TEST(Session, ReferenceSessionRunsEveryStep) {
  ExporterHandle first(Ref(), MakeInts(Ref()));
  ExporterHandle second(Ref(), MakeInts(Ref()));
  const layout::Descriptor full = FullOf(first);
  std::string findings;
  SessionLog log;
  RunSession(
      first, full, &second, BUFCONF_PYBUF_ND,
      [&](const std::string& rule, const std::string& message) {
        findings += rule + ": " + message + "\n";
      },
      &log);
  EXPECT_EQ(findings, "");
  EXPECT_TRUE(log.completed) << log.stopped;
  EXPECT_EQ(log.stopped, "");
  const std::vector<std::string> expected = {
      "E1: get PyBUF_FULL_RO",
      "E2: get PyBUF_FULL_RO",
      "E1: get flags 0x8",
      "E1: get PyBUF_FULL",
      "E1: get PyBUF_FULL",
      "E2: get PyBUF_FULL",
      "write of new bytes through E1 view 3 (PyBUF_FULL)",
      "E1: get PyBUF_FULL_RO",
      "release of E1 view 5 (PyBUF_FULL_RO)",
      "E1: get PyBUF_FULL",
      "release of E1 view 6 (PyBUF_FULL)",
      "write of new bytes through E2 view 2 (PyBUF_FULL)",
      "E1: get PyBUF_C_CONTIGUOUS",
      "E2: get PyBUF_C_CONTIGUOUS",
      "release of E1 view 7 (PyBUF_C_CONTIGUOUS)",
      "release of E2 view 3 (PyBUF_C_CONTIGUOUS)",
      "E1: get PyBUF_F_CONTIGUOUS (refused)",
      "E2: get PyBUF_F_CONTIGUOUS (refused)",
      "E1: get PyBUF_ANY_CONTIGUOUS",
      "E2: get PyBUF_ANY_CONTIGUOUS",
      "release of E1 view 9 (PyBUF_ANY_CONTIGUOUS)",
      "release of E2 view 5 (PyBUF_ANY_CONTIGUOUS)",
      "release of E1 view 1 (PyBUF_FULL_RO)",
      "write of the original bytes through E1 view 4 (PyBUF_FULL)",
      "write of the original bytes through E2 view 2 (PyBUF_FULL)",
      "E2: get flags 0x8",
      "release of E2 view 1 (PyBUF_FULL_RO)",
      "release of E2 view 6 (flags 0x8)",
      "release of E1 view 2 (flags 0x8)",
      "release of E1 view 4 (PyBUF_FULL)",
      "release of E1 view 3 (PyBUF_FULL)",
      "release of E2 view 2 (PyBUF_FULL)",
  };
  EXPECT_EQ(log.steps, expected);
  EXPECT_EQ(first.Count(), 0);
  EXPECT_EQ(second.Count(), 0);
}

// An exporter whose declared regions become unreadable (a NULL base) after a few calls: the
// session cannot go on, and says so (RELEASE-MEMORY-STABLE, naming the step it stopped after)
// instead of ending without a word.
int g_regions_calls = 0;
size_t BrokenRegions(void* ctx, void* exporter, bufconf_region* out, size_t n) {
  const size_t count = Ref().regions(ctx, exporter, out, n);
  if (++g_regions_calls > 4 && n > 0 && count > 0) out[0].base = nullptr;
  return count;
}

TEST(Session, SessionThatCannotGoOnReportsItsEarlyStop) {
  bufconf_adapter a = Ref();
  a.name = "regions-go-bad";
  a.regions = BrokenRegions;
  ExporterHandle first(a, MakeInts(a));
  const layout::Descriptor full = FullOf(first);
  g_regions_calls = 0;
  std::vector<std::pair<std::string, std::string>> findings;
  SessionLog log;
  RunSession(
      first, full, nullptr, BUFCONF_PYBUF_ND,
      [&](const std::string& rule, const std::string& message) {
        findings.emplace_back(rule, message);
      },
      &log);
  EXPECT_FALSE(log.completed);
  EXPECT_NE(log.stopped.find("NULL base"), std::string::npos) << log.stopped;
  EXPECT_LT(log.steps.size(), 10u);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].first, "RELEASE-MEMORY-STABLE");
  EXPECT_NE(findings[0].second.find("multi-consumer session stopped after " + log.steps.back()),
            std::string::npos)
      << findings[0].second;
  EXPECT_EQ(first.Count(), 0) << "a view was not released";
}

// ---------------------------------------------------------------- broken exporters

// 1. One writer at a time: PyBUF_WRITABLE is refused while another writable export of the same
// exporter is live (a RefCell-style borrow flag).
std::map<void*, int> g_writers;      // exporter -> live writable exports
std::set<void*> g_writable_exports;  // view->internal of the writable ones
int OneWriterGet(void* ctx, void* exporter, bufconf_buffer* view, int flags, char* message,
                 size_t size) {
  const bool writable = (flags & BUFCONF_PYBUF_WRITABLE) != 0;
  if (writable && g_writers[exporter] > 0) {
    std::snprintf(message, size, "already borrowed for writing");
    return BUFCONF_REFUSED;
  }
  const int rc = Ref().get_buffer(ctx, exporter, view, flags, message, size);
  if (rc == BUFCONF_OK && writable) {
    ++g_writers[exporter];
    g_writable_exports.insert(view->internal);
  }
  return rc;
}
void OneWriterRelease(void* ctx, void* exporter, bufconf_buffer* view) {
  if (g_writable_exports.erase(view->internal) > 0) --g_writers[exporter];
  Ref().release_buffer(ctx, exporter, view);
}

// 2. Export counts kept per type (here: per item format and itemsize), as a count stored in a
// class object would be: exporters of one type count each other's exports.
std::map<std::string, int64_t> g_type_counts;
std::string TypeOf(void* exporter) {
  bufconf_buffer full{};
  char message[256];
  if (Ref().get_buffer(Ref().context, exporter, &full, BUFCONF_PYBUF_FULL_RO, message,
                       sizeof message) != BUFCONF_OK) {
    return "";
  }
  const std::string type =
      std::string(full.format != nullptr ? full.format : "B") + "/" + std::to_string(full.itemsize);
  Ref().release_buffer(Ref().context, exporter, &full);
  return type;
}
int PerTypeGet(void* ctx, void* exporter, bufconf_buffer* view, int flags, char* message,
               size_t size) {
  const int rc = Ref().get_buffer(ctx, exporter, view, flags, message, size);
  if (rc == BUFCONF_OK) ++g_type_counts[TypeOf(exporter)];
  return rc;
}
void PerTypeRelease(void* ctx, void* exporter, bufconf_buffer* view) {
  --g_type_counts[TypeOf(exporter)];
  Ref().release_buffer(ctx, exporter, view);
}
bufconf_ssize_t PerTypeCount(void*, void* exporter) { return g_type_counts[TypeOf(exporter)]; }

// 3. Fields from storage shared by all exports of an exporter, which a release resets to -1 ("the
// export is over"), under the other views still live.
struct SharedFields {
  std::vector<bufconf_ssize_t> shape, strides;
};
std::map<void*, SharedFields> g_shared;
int SharedFieldsGet(void* ctx, void* exporter, bufconf_buffer* view, int flags, char* message,
                    size_t size) {
  const int rc = Ref().get_buffer(ctx, exporter, view, flags, message, size);
  if (rc != BUFCONF_OK) return rc;
  SharedFields& s = g_shared[exporter];
  const size_t n = static_cast<size_t>(view->ndim);
  if (view->shape != nullptr) {
    s.shape.resize(std::max<size_t>(n, 1));  // never reallocated below: ndim is fixed
    std::copy(view->shape, view->shape + n, s.shape.begin());
    view->shape = s.shape.data();
  }
  if (view->strides != nullptr) {
    s.strides.resize(std::max<size_t>(n, 1));
    std::copy(view->strides, view->strides + n, s.strides.begin());
    view->strides = s.strides.data();
  }
  return rc;
}
void SharedFieldsRelease(void* ctx, void* exporter, bufconf_buffer* view) {
  SharedFields& s = g_shared[exporter];
  std::fill(s.shape.begin(), s.shape.end(), -1);
  std::fill(s.strides.begin(), s.strides.end(), -1);
  Ref().release_buffer(ctx, exporter, view);
}

// 4. A master copy: every writable get copies the contents the exporter was made with over its
// memory (a host/device "sync before handing out"), losing what live views wrote.
std::map<void*, std::vector<std::vector<uint8_t>>> g_master;
int MasterMake(void* ctx, const bufconf_array_spec* spec, void** exporter, char* message,
               size_t size) {
  const int rc = Ref().make_exporter(ctx, spec, exporter, message, size);
  if (rc == BUFCONF_OK) g_master[*exporter] = BytesOf(RegionsOf(*exporter));
  return rc;
}
int MasterGet(void* ctx, void* exporter, bufconf_buffer* view, int flags, char* message,
              size_t size) {
  if ((flags & BUFCONF_PYBUF_WRITABLE) != 0 && g_master.count(exporter) > 0) {
    const std::vector<bufconf_region> regions = RegionsOf(exporter);
    const auto& master = g_master[exporter];
    for (size_t i = 0; i < regions.size() && i < master.size(); ++i) {
      std::memcpy(const_cast<void*>(regions[i].base), master[i].data(), master[i].size());
    }
  }
  return Ref().get_buffer(ctx, exporter, view, flags, message, size);
}
void MasterDestroy(void* ctx, void* exporter) {
  g_master.erase(exporter);
  Ref().destroy_exporter(ctx, exporter);
}

struct Broken {
  const char* name;
  const char* rule;  // the rule the session must report
  bufconf_adapter adapter;
};

std::vector<Broken> BrokenAdapters() {
  std::vector<Broken> out;
  bufconf_adapter a = Ref();
  a.name = "one-writer";
  a.get_buffer = OneWriterGet;
  a.release_buffer = OneWriterRelease;
  out.push_back({"one-writer", "REQ-GRANT", a});
  a = Ref();
  a.name = "per-type-count";
  a.get_buffer = PerTypeGet;
  a.release_buffer = PerTypeRelease;
  a.export_count = PerTypeCount;
  out.push_back({"per-type-count", "RELEASE-EXPORT-COUNT", a});
  a = Ref();
  a.name = "release-resets-shared-fields";
  a.get_buffer = SharedFieldsGet;
  a.release_buffer = SharedFieldsRelease;
  out.push_back({"release-resets-shared-fields", "RELEASE-MEMORY-STABLE", a});
  a = Ref();
  a.name = "writable-get-copies-master";
  a.make_exporter = MasterMake;
  a.get_buffer = MasterGet;
  a.destroy_exporter = MasterDestroy;
  out.push_back({"writable-get-copies-master", "REQ-CONTENTS", a});
  return out;
}

class BrokenTest : public ::testing::TestWithParam<size_t> {};

// Each broken exporter breaks its rule in the session on the fixed writable 2x3 case, and nothing
// the one-consumer judgement before the session can see (the session is what finds it).
TEST_P(BrokenTest, CaughtByTheSessionOnAFixedCase) {
  const Broken b = BrokenAdapters()[GetParam()];
  const CheckResult r = CheckExporterCase(b.adapter, Cases()[0]);
  ASSERT_EQ(RulesOf(r).count(b.rule), 1u) << b.name << "\n" << Text(r);
  for (const Finding& f : r.findings) {
    EXPECT_NE(f.message.find("multi-consumer session"), std::string::npos)
        << "found outside the session: " << f.rule << ": " << f.message;
    EXPECT_FALSE(f.basic) << f.rule;
  }
}

// `bufconf run` catches it on generated cases at three seeds, and the counterexample replays.
TEST_P(BrokenTest, CaughtByTheRunWithAReplayableCounterexample) {
  const Broken b = BrokenAdapters()[GetParam()];
  for (uint64_t seed : {1, 2, 3}) {
    SCOPED_TRACE(std::string(b.name) + " seed " + std::to_string(seed));
    RunSettings s;
    s.seed = seed;
    s.examples = 100;
    s.timeout_seconds = 60;
    s.filter = b.rule;
    s.failures_dir = testutil::TestDir(std::string(b.name) + "-" + std::to_string(seed));
    const RunReport report = RunSuite(b.adapter, s);
    const auto it = std::find_if(report.results.begin(), report.results.end(),
                                 [&](const RuleResult& x) { return x.rule == b.rule; });
    ASSERT_NE(it, report.results.end());
    const RuleResult& r = *it;
    ASSERT_EQ(r.status, Status::kFail) << r.reason;
    ASSERT_FALSE(r.counterexample_file.empty());
    const std::string contents = testutil::ReadWholeFile(r.counterexample_file);
    const IsolatedResult replay = RunIsolated(
        [&](ChildChannel& channel) {
          channel.Write(Replay(b.adapter, contents).reproduced ? "reproduced" : "not reproduced");
        },
        30);
    EXPECT_EQ(replay.payload.rfind("reproduced", 0), 0u) << contents;
  }
}

std::string BrokenName(const ::testing::TestParamInfo<size_t>& info) {
  std::string name = BrokenAdapters()[info.param].name;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Broken, BrokenTest, ::testing::Range<size_t>(0, BrokenAdapters().size()),
                         BrokenName);

}  // namespace
}  // namespace bufconf::suite
