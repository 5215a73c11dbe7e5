// Replay files against their schema (docs/guide/reports.md, "Replay files"): every file of
// conformance/testdata/bad_replay/ is refused with the error fragment expected_errors.txt lists
// for it, as `bufconf replay` refuses it (ReplayExpectation, then Replay in the child): never
// "reproduced", never "not reproduced". Valid files still replay, and an adapter that lacks what
// the case needs cannot replay it.
#include <dirent.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

#include "conformance/adapter/reference_adapter.h"
#include "conformance/suite/runner.h"

namespace bufconf::suite {
namespace {

constexpr char kDir[] = "conformance/testdata/bad_replay";

const bufconf_adapter& Ref() { return *conformance::ReferenceAdapter(); }

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// What `bufconf replay FILE --adapter A` reads: ReplayExpectation (an error: exit 2), then
// Replay in a child (an error: exit 2). "" when the file replays; `reproduced` says how.
std::string ReplayError(const bufconf_adapter& adapter, const std::string& contents,
                        bool* reproduced) {
  *reproduced = false;
  try {
    ReplayExpectation(contents);
  } catch (const std::exception& e) {
    // Replay itself refuses it too (it validates the same way) and runs nothing, unless only
    // a field it does not need is missing: it is given its adapter, whatever the file says.
    const std::string what = e.what();
    const ReplayOutcome out = Replay(adapter, contents);
    if (what != "bufconf_replay: missing" && what != "adapter: missing") {
      EXPECT_FALSE(out.error.empty()) << "ReplayExpectation refused what Replay runs: " << what;
    }
    EXPECT_FALSE(out.reproduced);
    return e.what();
  }
  const ReplayOutcome out = Replay(adapter, contents);
  *reproduced = out.reproduced;
  return out.error;
}

std::map<std::string, std::string> Expected() {
  std::map<std::string, std::string> out;
  std::ifstream in(std::string(kDir) + "/expected_errors.txt");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    EXPECT_NE(tab, std::string::npos) << "expected_errors.txt: no tab in: " << line;
    if (tab == std::string::npos) continue;
    EXPECT_TRUE(out.emplace(line.substr(0, tab), line.substr(tab + 1)).second) << line;
  }
  return out;
}

TEST(BadReplay, EveryBadFileIsAnErrorNamingTheField) {
  const std::map<std::string, std::string> expected = Expected();
  ASSERT_GT(expected.size(), 40u);
  // Every file of the directory is listed (a new one without its expected error fails).
  DIR* d = opendir(kDir);
  ASSERT_NE(d, nullptr) << kDir;
  int files = 0;
  while (dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name[0] == '.' || name == "expected_errors.txt") continue;
    ++files;
    EXPECT_EQ(expected.count(name), 1u) << name << " is not in expected_errors.txt";
  }
  closedir(d);
  EXPECT_EQ(files, static_cast<int>(expected.size()));
  for (const auto& [name, fragment] : expected) {
    SCOPED_TRACE(name);
    const std::string contents = Read(std::string(kDir) + "/" + name);
    ASSERT_FALSE(contents.empty()) << "missing or empty";
    bool reproduced = false;
    const std::string error = ReplayError(Ref(), contents, &reproduced);
    EXPECT_FALSE(reproduced);
    EXPECT_NE(error.find(fragment), std::string::npos)
        << "error: '" << error << "'\nexpected: '" << fragment << "'";
    // No raw nlohmann exception text.
    EXPECT_EQ(error.find("json.exception"), std::string::npos) << error;
  }
}

const char kExporter[] = R"({"bufconf_replay": 1, "rule": "REQ-GRANT", "adapter": "reference",
    "seed": 18446744073709551615, "timeout_seconds": 0.5, "message": "m", "factory": "f:g",
    "env": {"BUFCONF_A": "1", "BUFCONF_B": null}, "expect": "crash", "returned": {"flags": 1},
    "case": {"kind": "exporter", "flags": 2147483647, "spec": {"format": "<h", "itemsize": 2,
    "shape": [2], "items": "01020304", "fortran": false, "readonly": false, "steps": [-1],
    "indirect": [1]}}})";
const char kEnumerated[] = R"({"bufconf_replay": 1, "rule": "REQ-WRITABLE", "adapter": "x",
    "case": {"kind": "enumerated", "index": 0, "flags": 1, "description": "d"}})";
const char kAlgorithm[] = R"({"bufconf_replay": 1, "rule": "CONTIG-C", "adapter": "/a/b.so",
    "case": {"kind": "algorithm", "order": "A", "bytes": "0102", "format_text": "B",
    "view": {"buf": "0x1000", "len": 2, "itemsize": 1, "readonly": 0, "ndim": 1, "format": "B",
    "shape": [2], "strides": [1], "suboffsets": null,
    "memory": [{"base": "0x1000", "bytes": "0102", "name": "data"}]}}})";

// Every field at the edge of its range: the file replays (the reference breaks no rule).
TEST(BadReplay, ValidFilesReplay) {
  for (const char* file : {kExporter, kEnumerated, kAlgorithm}) {
    SCOPED_TRACE(file);
    bool reproduced = true;
    EXPECT_EQ(ReplayError(Ref(), file, &reproduced), "");
    EXPECT_FALSE(reproduced);
  }
  EXPECT_EQ(ReplayExpectation(kExporter), "crash");
  EXPECT_EQ(ReplayExpectation(kEnumerated), "finding");
}

// Replay() is given its adapter: a file without the version and adapter (a test's own) replays
// there, while `bufconf replay` (ReplayExpectation) requires both.
TEST(BadReplay, ReplayWithAnAdapterNeedsNoVersionOrAdapterField) {
  const std::string file =
      R"({"rule": "REQ-GRANT", "case": {"kind": "enumerated", "index": 0, "flags": 0}})";
  EXPECT_EQ(Replay(Ref(), file).error, "");
  EXPECT_THROW(ReplayExpectation(file), std::runtime_error);
}

// An adapter without the side or function the case needs cannot replay it: an error, not "not
// reproduced" (and not a call through a NULL function pointer).
TEST(BadReplay, AnAdapterLackingWhatTheCaseNeedsCannotReplayIt) {
  bufconf_adapter no_exporters = Ref();
  no_exporters.make_exporter = nullptr;
  no_exporters.enumerate = nullptr;
  no_exporters.capabilities &= ~(BUFCONF_CAP_MAKE_EXPORTER | BUFCONF_CAP_ENUMERATE);
  bool reproduced = true;
  EXPECT_NE(ReplayError(no_exporters, kExporter, &reproduced).find("cannot make exporters"),
            std::string::npos);
  EXPECT_FALSE(reproduced);
  EXPECT_NE(ReplayError(no_exporters, kEnumerated, &reproduced).find("does not enumerate"),
            std::string::npos);
  bufconf_adapter no_is_contiguous = Ref();
  no_is_contiguous.capabilities &= ~BUFCONF_CAP_IS_CONTIGUOUS;
  EXPECT_NE(ReplayError(no_is_contiguous, kAlgorithm, &reproduced).find("lacks is_contiguous"),
            std::string::npos);
  EXPECT_FALSE(reproduced);
}

}  // namespace
}  // namespace bufconf::suite
