// What `bufconf run` tells a maintainer about their exporter (issue "verdicts a maintainer can
// trust"): each test runs the suite on an adapter whose verdict is known — the reference adapter
// with one behaviour changed — and checks the report says exactly that: no false positive, no
// failure hidden by gating or caps, no pass that could not fail, each failure on the party that
// broke the rule, bufconf's own errors never the implementation's.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "conformance/adapter/reference_adapter.h"
#include "conformance/suite/report.h"
#include "conformance/suite/runner.h"
#include "conformance/testing/test_files.h"

namespace bufconf::suite {
namespace {

const bufconf_adapter& Ref() { return *conformance::ReferenceAdapter(); }

RunSettings Settings(const char* name, const char* filter = "*", int64_t examples = 40) {
  RunSettings s;
  s.seed = 11;
  s.examples = examples;
  s.filter = filter;
  s.timeout_seconds = 60;
  s.failures_dir = testutil::TestDir(name);
  return s;
}

const RuleResult& Result(const RunReport& report, const std::string& rule) {
  for (const RuleResult& r : report.results) {
    if (r.rule == rule) return r;
  }
  ADD_FAILURE() << rule << " is not in the report";
  static const RuleResult kNone;
  return kNone;
}

int RefGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  return Ref().get_buffer(ctx, ex, view, flags, m, n);
}

// 1. A SHOULD failure does not hide a MUST one: the exporter needlessly refuses every request
// with the C_CONTIGUOUS bit (REQ-GRANT, SHOULD), and grants PyBUF_WRITABLE on read-only exporters
// (REQ-WRITABLE, MUST). Gating on the first once dropped every case from the second.
int ShouldAndMustGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  if ((flags & 0x20) != 0 && flags != BUFCONF_PYBUF_FULL_RO) {
    std::snprintf(m, n, "BufferError: C-contiguous requests are not supported");
    return BUFCONF_REFUSED;
  }
  const int rc = RefGet(ctx, ex, view, flags & ~BUFCONF_PYBUF_WRITABLE, m, n);
  if (rc == BUFCONF_OK && (flags & BUFCONF_PYBUF_WRITABLE) != 0) view->readonly = 0;
  return rc;
}

TEST(Verdicts, AShouldFailureDoesNotHideAMustFailure) {
  bufconf_adapter a = Ref();
  a.name = "should-and-must";
  a.get_buffer = ShouldAndMustGet;
  const RunReport report = RunSuite(a, Settings("should-and-must", "REQ-*"));
  EXPECT_EQ(Result(report, "REQ-GRANT").status, Status::kFail);
  const RuleResult& writable = Result(report, "REQ-WRITABLE");
  EXPECT_EQ(writable.status, Status::kFail) << writable.reason;
  EXPECT_EQ(writable.blocked, 0) << "a SHOULD failure blocked cases: " << writable.blocked_reason;
}

// 2. `internal` is the exporter's: leaving it unwritten is no REQ-FIELDS-ALL-FILLED failure,
// leaving a consumer-visible field unwritten is.
// Into a view the suite filled with 0xA5 bytes (a consumer's uninitialized Py_buffer), these
// exporters leave `internal` (or suboffsets, when NULL is due) as it was, as Cython's do; they
// then do not need it to release (the reference's export record is leaked: a test child).
bool Poisoned(const void* field) {
  unsigned char bytes[sizeof(void*)];
  std::memcpy(bytes, field, sizeof bytes);
  for (unsigned char b : bytes) {
    if (b != 0xA5) return false;
  }
  return true;
}

template <bool kLeaveSuboffsets>
int LeaveUnwrittenGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  const bool poisoned = Poisoned(&view->internal);
  void* const internal = view->internal;
  bufconf_ssize_t* const suboffsets = view->suboffsets;
  const int rc = RefGet(ctx, ex, view, flags, m, n);
  if (rc == BUFCONF_OK && poisoned) {
    view->internal = internal;
    if (kLeaveSuboffsets && view->suboffsets == nullptr) view->suboffsets = suboffsets;
  }
  return rc;
}

void LeaveUnwrittenRelease(void* ctx, void* ex, bufconf_buffer* view) {
  if (!Poisoned(&view->internal)) Ref().release_buffer(ctx, ex, view);
}

TEST(Verdicts, InternalIsTheExportersOwnField) {
  bufconf_adapter a = Ref();
  a.name = "internal-unwritten";
  a.get_buffer = LeaveUnwrittenGet<false>;
  a.release_buffer = LeaveUnwrittenRelease;
  const RunReport ok = RunSuite(a, Settings("internal-unwritten", "REQ-FIELDS-ALL-FILLED"));
  EXPECT_EQ(Result(ok, "REQ-FIELDS-ALL-FILLED").status, Status::kPass)
      << Result(ok, "REQ-FIELDS-ALL-FILLED").reason;

  a.name = "suboffsets-unwritten";
  a.get_buffer = LeaveUnwrittenGet<true>;
  const RunReport bad = RunSuite(a, Settings("suboffsets-unwritten", "REQ-FIELDS-ALL-FILLED"));
  const RuleResult& r = Result(bad, "REQ-FIELDS-ALL-FILLED");
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_NE(r.reason.find("suboffsets"), std::string::npos) << r.reason;
  EXPECT_EQ(r.reason.find("internal"), std::string::npos) << r.reason;
}

// 3. Values no consumer can form (0x20 alone, 0x100, 0x2, ...) are not requests: an exporter
// that grants them the full view breaks nothing; one whose view then reaches outside its memory
// breaks MEMORY-SPAN (memory safety is judged on every value).
bool Formable(int flags) {
  const int known = 0x1 | 0x4 | 0x8 | 0x10 | 0x20 | 0x40 | 0x80 | 0x100;
  if ((flags & ~known) != 0) return false;
  return (flags & 0x1f0) == 0 || (flags & 0x18) == 0x18;
}

template <bool kOutside>
int OddFlagsGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  if (Formable(flags)) return RefGet(ctx, ex, view, flags, m, n);
  const int rc = RefGet(ctx, ex, view, BUFCONF_PYBUF_FULL_RO, m, n);
  if (rc == BUFCONF_OK && kOutside) view->buf = static_cast<char*>(view->buf) - 4096;
  return rc;
}

TEST(Verdicts, ValuesNoConsumerCanFormAreJudgedOnlyForMemorySafety) {
  bufconf_adapter a = Ref();
  a.name = "odd-flags-granted";
  a.capabilities &= ~BUFCONF_CAP_VIA_INTERPRETER;  // an exporter, asked directly
  a.get_buffer = OddFlagsGet<false>;
  const RunReport ok = RunSuite(a, Settings("odd-flags-granted", "*-*", 60));
  for (const RuleResult& r : ok.results) {
    EXPECT_NE(r.status, Status::kFail) << r.rule << ": " << r.reason;
  }
  EXPECT_EQ(ExitStatus(ok), 0);

  a.name = "odd-flags-outside";
  a.get_buffer = OddFlagsGet<true>;
  const RunReport bad = RunSuite(a, Settings("odd-flags-outside", "MEMORY-SPAN", 100));
  const RuleResult& span = Result(bad, "MEMORY-SPAN");
  EXPECT_EQ(span.status, Status::kFail);
  EXPECT_NE(span.reason.find("not a request a consumer can form"), std::string::npos)
      << span.reason;
}

// 4. An interpreter's rule is filed once, on the interpreter: every exporter granting PyBUF_READ
// shows that PyObject_GetBuffer let it through, and none of them is blamed.
int ReadGrantedGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  if (flags == 0x100 || flags == 0x200) flags = BUFCONF_PYBUF_SIMPLE;
  return RefGet(ctx, ex, view, flags, m, n);
}

TEST(Verdicts, InterpreterDeviationIsOneFailureOfTheInterpreter) {
  bufconf_adapter a = Ref();
  a.name = "interpreter-lets-read-through";
  a.capabilities |= BUFCONF_CAP_VIA_INTERPRETER;
  a.get_buffer = ReadGrantedGet;
  const RunReport bad = RunSuite(a, Settings("interpreter-read", "REQ-READ-WRITE-FLAGS"));
  const RuleResult& r = Result(bad, "REQ-READ-WRITE-FLAGS");
  EXPECT_EQ(r.status, Status::kFail);
  EXPECT_EQ(r.party, "interpreter");
  ASSERT_EQ(r.failures.size(), 1u) << "filed once, not once per exporter";
  EXPECT_EQ(r.failures[0].where.rfind("interpreter ", 0), 0u) << r.failures[0].where;

  // A conforming interpreter (the reference refuses both values) passes, judged on cases.
  bufconf_adapter good = Ref();  // it declares BUFCONF_CAP_VIA_INTERPRETER
  const RunReport ok = RunSuite(good, Settings("interpreter-ok", "REQ-READ-WRITE-FLAGS"));
  EXPECT_EQ(Result(ok, "REQ-READ-WRITE-FLAGS").status, Status::kPass);
  EXPECT_GT(Result(ok, "REQ-READ-WRITE-FLAGS").cases, 0);

  // Without an interpreter in between, exporters are not judged on it at all.
  bufconf_adapter plain_adapter = Ref();
  plain_adapter.capabilities &= ~BUFCONF_CAP_VIA_INTERPRETER;
  const RunReport plain =
      RunSuite(plain_adapter, Settings("no-interpreter", "REQ-READ-WRITE-FLAGS"));
  EXPECT_EQ(Result(plain, "REQ-READ-WRITE-FLAGS").status, Status::kSkip);
}

// 5. Per-object problems stay per object: a skipped entry is listed with its reason and the others
// are judged; 6. every failing object is a place of its own in the report (no cap), each with
// its description and its own counterexample.
constexpr size_t kObjects = 60;
size_t RefObjects() {
  size_t n = 0;
  void* h = nullptr;
  for (bufconf_enumerated info{}; Ref().enumerate(Ref().context, n, &h, &info) == BUFCONF_OK;
       info = bufconf_enumerated{}) {
    Ref().destroy_exporter(Ref().context, h);
    ++n;
  }
  return n;
}

std::set<void*>& Enumerated() {
  static std::set<void*> handles;
  return handles;
}

int ManyEnumerate(void* ctx, size_t index, void** ex, bufconf_enumerated* info) {
  if (index >= kObjects) return BUFCONF_UNSUPPORTED;
  if (index == 1) {
    std::snprintf(info->description, sizeof info->description,
                  "entry 1: skipped: int does not support the buffer protocol");
    return BUFCONF_SKIPPED;
  }
  const int rc = Ref().enumerate(ctx, index % RefObjects(), ex, info);
  if (rc == BUFCONF_OK) {
    std::snprintf(info->description, sizeof info->description, "object %zu", index);
    Enumerated().insert(*ex);
  }
  return rc;
}

// Enumerated exporters refuse PyBUF_FULL_RO (REQ-GRANT).
int RefuseEnumeratedGet(void* ctx, void* ex, bufconf_buffer* view, int flags, char* m, size_t n) {
  if (Enumerated().count(ex) != 0 && flags == BUFCONF_PYBUF_FULL_RO) {
    std::snprintf(m, n, "BufferError: no");
    return BUFCONF_REFUSED;
  }
  return RefGet(ctx, ex, view, flags, m, n);
}

TEST(Verdicts, EveryObjectIsJudgedOrListedAndEveryPlaceIsReported) {
  bufconf_adapter a = Ref();
  a.name = "many-objects";
  a.capabilities &= ~BUFCONF_CAP_MAKE_EXPORTER;
  a.make_exporter = nullptr;
  a.enumerate = ManyEnumerate;
  a.get_buffer = RefuseEnumeratedGet;
  setenv("VERDICTS_TEST_ENV", "value 1", 1);
  RunSettings s = Settings("many-objects", "REQ-GRANT");
  s.env_names = {"VERDICTS_TEST_ENV"};
  const RunReport report = RunSuite(a, s);
  ASSERT_EQ(report.skipped_objects.size(), 1u);
  EXPECT_NE(report.skipped_objects[0].first.find("does not support the buffer protocol"),
            std::string::npos);
  EXPECT_EQ(report.objects, static_cast<int64_t>(kObjects - 1));
  const RuleResult& grant = Result(report, "REQ-GRANT");
  EXPECT_EQ(grant.status, Status::kFail);
  ASSERT_EQ(grant.failures.size(), kObjects - 1) << "every failing object is a place";
  const nlohmann::json json = ScorecardJson(report);
  size_t listed = 0;
  for (const auto& r : json["results"]) {
    if (r["rule"] == "REQ-GRANT") listed = r["failures"].size();
  }
  EXPECT_EQ(listed, kObjects - 1);
  EXPECT_NE(JUnitXml(report).find("object 59"), std::string::npos);
  EXPECT_NE(ResultTable(report).find("and 51 more"), std::string::npos);
  // Each place replays, and its file records the environment and the object.
  const nlohmann::json file =
      nlohmann::json::parse(testutil::ReadWholeFile(grant.failures.back().counterexample_file));
  EXPECT_EQ(file["env"]["VERDICTS_TEST_ENV"], "value 1");
  EXPECT_EQ(file["case"]["description"], "object 59");
  EXPECT_EQ(file["expect"], "finding");
}

// 7. No vacuous pass: without expected contents, REQ-CONTENTS is a skip that says why; no rule
// anywhere passes on zero cases.
int NoExpectedEnumerate(void* ctx, size_t index, void** ex, bufconf_enumerated* info) {
  const int rc = Ref().enumerate(ctx, index, ex, info);
  if (rc == BUFCONF_OK) info->has_expected = 0;
  return rc;
}

TEST(Verdicts, ARuleNoCaseExercisedIsASkipWithItsReason) {
  bufconf_adapter a = Ref();
  a.name = "no-expected-contents";
  a.capabilities &= ~BUFCONF_CAP_MAKE_EXPORTER;
  a.make_exporter = nullptr;
  a.enumerate = NoExpectedEnumerate;
  const RunReport report = RunSuite(a, Settings("no-expected", "*-*"));
  const RuleResult& contents = Result(report, "REQ-CONTENTS");
  EXPECT_EQ(contents.status, Status::kSkip);
  EXPECT_NE(contents.reason.find("expected contents"), std::string::npos) << contents.reason;
  for (const RuleResult& r : report.results) {
    if (r.status == Status::kPass) {
      EXPECT_GT(r.cases, 0) << r.rule;
    }
  }
}

// A rule judged on fewer cases than the profile's minimum says so.
int OnlyScalarsMake(void* ctx, const bufconf_array_spec* spec, void** ex, char* m, size_t n) {
  if (spec->ndim != 0) return BUFCONF_UNSUPPORTED;
  return Ref().make_exporter(ctx, spec, ex, m, n);
}

TEST(Verdicts, FewCasesAreSaidNextToTheStatus) {
  bufconf_adapter a = Ref();
  a.name = "scalars-only";
  a.capabilities &= ~BUFCONF_CAP_ENUMERATE;
  a.enumerate = nullptr;
  a.make_exporter = OnlyScalarsMake;
  const RunReport report = RunSuite(a, Settings("scalars-only", "REQ-ND-SHAPE", 100));
  const RuleResult& r = Result(report, "REQ-ND-SHAPE");
  ASSERT_EQ(r.status, Status::kPass) << r.reason;
  ASSERT_LT(r.cases, r.minimum_cases);
  ASSERT_FALSE(r.notes.empty());
  EXPECT_NE(r.notes[0].find("fewer than the profile's minimum"), std::string::npos) << r.notes[0];
  EXPECT_NE(ResultTable(report).find("fewer than the profile's minimum"), std::string::npos);
}

// 8. bufconf's own limit (regions over 256 MiB: it will not copy them) is an error of the run,
// exit status 3, never a finding against the implementation.
size_t HugeRegions(void* ctx, void* ex, bufconf_region* out, size_t capacity) {
  const size_t n = Ref().regions(ctx, ex, out, capacity);
  if (n >= 1 && capacity >= 1) out[0].size = size_t{1} << 30;
  return n;
}

TEST(Verdicts, BufconfsOwnLimitIsAnErrorOfTheRunNotAFinding) {
  bufconf_adapter a = Ref();
  a.name = "huge-regions";
  a.regions = HugeRegions;
  const RunReport report = RunSuite(a, Settings("huge-regions", "MEMORY-SPAN", 10));
  const RuleResult& r = Result(report, "MEMORY-SPAN");
  EXPECT_NE(r.status, Status::kFail) << r.reason;
  EXPECT_EQ(r.status, Status::kError) << r.reason;
  EXPECT_NE(r.reason.find("256 MiB"), std::string::npos) << r.reason;
  EXPECT_EQ(ExitStatus(report), 3);
  EXPECT_FALSE(report.errors.empty());
}

// 9. Replay: a file that does not decode is an error, never a reproduction.
TEST(Verdicts, ACorruptReplayFileIsAnErrorNotAReproduction) {
  for (const char* corrupt :
       {"", "{", "[]", R"({"rule": "REQ-GRANT"})", R"({"rule": "NO-SUCH-RULE", "case": {}})",
        R"({"rule": "REQ-GRANT", "case": {"kind": "exporter", "flags": "x"}})",
        R"({"rule": "REQ-GRANT", "case": {"kind": "enumerated", "index": 0, "flags": 0},
            "expect": "maybe"})"}) {
    SCOPED_TRACE(corrupt);
    const ReplayOutcome out = Replay(Ref(), corrupt);
    EXPECT_FALSE(out.reproduced);
    EXPECT_FALSE(out.error.empty());
    EXPECT_THROW(ReplayExpectation(corrupt), std::exception);
  }
  // A file naming an object the adapter now describes differently replays, and says so.
  const ReplayOutcome moved =
      Replay(Ref(), R"({"rule": "REQ-GRANT", "case": {"kind": "enumerated", "index": 0, "flags": 0,
                 "description": "not what the adapter calls it"}})");
  EXPECT_TRUE(moved.error.empty()) << moved.error;
  EXPECT_NE(moved.report.find("the file was written for 'not what the adapter calls it'"),
            std::string::npos)
      << moved.report;
  EXPECT_NE(moved.report.find("the verdict is about the one at that index"), std::string::npos)
      << moved.report;
  // A file whose object is at another index now (another interpreter's list) replays that object,
  // found by its description, and says so.
  void* handle = nullptr;
  bufconf_enumerated info{};
  ASSERT_EQ(Ref().enumerate(Ref().context, 1, &handle, &info), BUFCONF_OK);
  const std::string second = info.description;
  Ref().destroy_exporter(Ref().context, handle);
  const nlohmann::json file = {
      {"rule", "REQ-GRANT"},
      {"case", {{"kind", "enumerated"}, {"index", 0}, {"flags", 0}, {"description", second}}}};
  const ReplayOutcome found = Replay(Ref(), file.dump());
  EXPECT_TRUE(found.error.empty()) << found.error;
  EXPECT_NE(found.report.find("is exporter 1 here (the file recorded 0)"), std::string::npos)
      << found.report;
  EXPECT_EQ(found.report.find("is now"), std::string::npos) << found.report;
}

}  // namespace
}  // namespace bufconf::suite

namespace bufconf::suite {
namespace {

// A 0-element view with a huge extent ((2**58, 0): no element, 2**58 empty rows) has contents
// all the same: its shape is compared, not listed.
constexpr bufconf_ssize_t kHugeEmpty[2] = {bufconf_ssize_t{1} << 58, 0};

int HugeEmptyEnumerate(void* ctx, size_t index, void** ex, bufconf_enumerated* info) {
  if (index > 0) return BUFCONF_UNSUPPORTED;
  bufconf_array_spec spec{};
  spec.format = "d";
  spec.itemsize = 8;
  spec.ndim = 2;
  spec.shape = kHugeEmpty;
  char message[256];
  const int rc = Ref().make_exporter(ctx, &spec, ex, message, sizeof message);
  if (rc != BUFCONF_OK) {
    std::snprintf(info->description, sizeof info->description, "%s", message);
    return rc;
  }
  std::snprintf(info->description, sizeof info->description, "empty (2**58, 0) doubles");
  info->has_expected = 1;
  info->format = "d";
  info->itemsize = 8;
  info->ndim = 2;
  info->shape = kHugeEmpty;
  info->items = nullptr;
  return BUFCONF_OK;
}

TEST(Verdicts, AnEmptyViewWithAHugeExtentHasItsContents) {
  bufconf_adapter a = Ref();
  a.name = "huge-empty";
  a.capabilities &= ~BUFCONF_CAP_MAKE_EXPORTER;
  a.make_exporter = nullptr;
  a.enumerate = HugeEmptyEnumerate;
  const RunReport report = RunSuite(a, Settings("huge-empty", "REQ-CONTENTS"));
  EXPECT_EQ(report.objects, 1) << (report.errors.empty() ? "" : report.errors[0]);
  const RuleResult& r = Result(report, "REQ-CONTENTS");
  EXPECT_EQ(r.status, Status::kPass) << r.reason;
  EXPECT_GT(r.cases, 0);
}

}  // namespace
}  // namespace bufconf::suite
