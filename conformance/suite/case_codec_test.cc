// The case codec (cases.h ToJson / ...FromJson) on hostile input: every integer field takes only a
// JSON integer that fits its type, anything else is a std::runtime_error naming the field (never
// a conversion with undefined behaviour, a silent truncation or a raw nlohmann exception); valid
// cases round-trip unchanged. The descriptor fuzzer's inputs that must be rejected
// (corpus/descriptor_fuzzer/rejected/) are rejected with a field's name.
#include <dirent.h>
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "conformance/suite/cases.h"

namespace bufconf::suite {
namespace {

using nlohmann::json;

// The message of the runtime_error `decode` throws; fails the test when it throws nothing or
// something else.
template <typename F>
std::string ErrorOf(F decode) {
  try {
    decode();
  } catch (const json::exception& e) {
    ADD_FAILURE() << "a raw nlohmann exception escaped: " << e.what();
    return e.what();
  } catch (const std::runtime_error& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a runtime_error: " << e.what();
    return e.what();
  }
  ADD_FAILURE() << "decoded without an error";
  return "";
}

std::string ExporterError(const json& j) {
  return ErrorOf([&] { ExporterCaseFromJson(j); });
}

const char kFuzzRegression[] =
    R"({"flags":312,"kind":"exporter","spec":{"format":"@T{<q}","1fortran":false,)"
    R"("indirect":null,"items":"051210f2c39465bo0",)"
    R"("itemsize":833333333333333333333333333333333333333333333333333,"readonly":true,)"
    R"("shape":[],"steps":null}})";

// The descriptor fuzzer's find: 8.3e50 converted to int64_t (UBSan: "outside the range of
// representable values of type 'long'").
TEST(CaseCodec, TheFuzzersHugeItemsizeIsAnErrorNamingTheField) {
  const std::string e = ExporterError(json::parse(kFuzzRegression));
  EXPECT_NE(e.find("spec.itemsize"), std::string::npos) << e;
  EXPECT_NE(e.find("is out of range"), std::string::npos) << e;
}

std::vector<std::string> Files(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] != '.') out.push_back(dir + "/" + e->d_name);
  }
  closedir(d);
  return out;
}

// The same input as the fuzzer's regression file (replayed by //fuzz:descriptor_fuzzer_replay,
// under --config=asan too), and every other input there: case files the codec must refuse.
TEST(CaseCodec, TheFuzzersRejectedInputsAreErrorsNamingAField) {
  const std::vector<std::string> files = Files("corpus/descriptor_fuzzer/rejected");
  ASSERT_FALSE(files.empty()) << "corpus/descriptor_fuzzer/rejected is missing";
  bool found = false;
  for (const std::string& path : files) {
    SCOPED_TRACE(path);
    std::ifstream in(path, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), {});
    found = found || text == kFuzzRegression;
    const json j = json::parse(text);
    const std::string kind = j.value("kind", "");
    const std::string e = ErrorOf([&] {
      if (kind == "exporter") ExporterCaseFromJson(j);
      if (kind == "enumerated") EnumeratedCaseFromJson(j);
      if (kind == "algorithm") AlgorithmCaseFromJson(j);
    });
    EXPECT_NE(e.find(": "), std::string::npos) << "no field named: " << e;
  }
  EXPECT_TRUE(found) << "the 8.3e50 itemsize regression is not in the corpus";
}

json ValidExporter() {
  return json::parse(R"({"kind": "exporter", "flags": 285, "spec": {"format": "<h",
      "itemsize": 2, "shape": [2, 1], "items": "01020304", "fortran": false, "readonly": true,
      "steps": [1, -1], "indirect": [1, 0]}})");
}

json ValidEnumerated() {
  return json::parse(R"({"kind": "enumerated", "index": 3, "flags": 1,
      "description": "a bytes object"})");
}

// JSON values that are not an integer of a C type, or not of this one.
const std::vector<std::pair<std::string, json>>& HostileValues() {
  static const std::vector<std::pair<std::string, json>> values = {
      {"1e300", json::parse("1e300")},
      {"-1e300", json::parse("-1e300")},
      {"2^63", json::parse("9223372036854775808")},
      {"-2^63-1", json::parse("-9223372036854775809")},
      {"2^64", json::parse("18446744073709551616")},
      {"8.3e50", json::parse("833333333333333333333333333333333333333333333333333")},
      {"1.5", json::parse("1.5")},
      {"1.0", json::parse("1.0")},
      {"true", json(true)},
      {"false", json(false)},
      {"\"12\"", json("12")},
      {"null", json(nullptr)},
      {"[]", json::array()},
      {"{}", json::object()},
  };
  return values;
}

// Sets each hostile value (but `fits`, one the field's type holds) at `pointer` and expects an
// error naming `field`.
void ExpectRejected(const json& valid, const std::string& pointer, const std::string& field,
                    bool exporter, const std::string& fits = "") {
  for (const auto& [name, value] : HostileValues()) {
    if (name == fits) continue;
    SCOPED_TRACE(field + " = " + name);
    json j = valid;
    j[json::json_pointer(pointer)] = value;
    const std::string e = exporter ? ExporterError(j) : ErrorOf([&] { EnumeratedCaseFromJson(j); });
    EXPECT_EQ(e.rfind(field + ": ", 0), 0u) << e;
  }
}

TEST(CaseCodec, EveryIntegerFieldTakesOnlyAnIntegerOfItsType) {
  ExpectRejected(ValidExporter(), "/flags", "flags", true);
  ExpectRejected(ValidExporter(), "/spec/itemsize", "spec.itemsize", true);
  ExpectRejected(ValidExporter(), "/spec/shape/0", "spec.shape[0]", true);
  ExpectRejected(ValidExporter(), "/spec/steps/1", "spec.steps[1]", true);
  ExpectRejected(ValidExporter(), "/spec/indirect/0", "spec.indirect[0]", true);
  ExpectRejected(ValidEnumerated(), "/index", "index", false, "2^63");  // a size_t
  ExpectRejected(ValidEnumerated(), "/flags", "flags", false);
}

TEST(CaseCodec, IntegersOutsideTheirTypeAreErrors) {
  auto exporter = [](const std::string& pointer, const json& value) {
    json j = ValidExporter();
    j[json::json_pointer(pointer)] = value;
    return ExporterError(j);
  };
  // int flags: not 2^31, nor below -2^31.
  EXPECT_EQ(exporter("/flags", int64_t{1} << 31).rfind("flags: ", 0), 0u);
  EXPECT_EQ(exporter("/flags", -(int64_t{1} << 31) - 1).rfind("flags: ", 0), 0u);
  // size_t index: not negative.
  json e = ValidEnumerated();
  e["index"] = -1;
  EXPECT_EQ(ErrorOf([&] { EnumeratedCaseFromJson(e); }).rfind("index: ", 0), 0u);
  // uint8_t indirect entries: 0..255.
  EXPECT_EQ(exporter("/spec/indirect/0", 256).rfind("spec.indirect[0]: ", 0), 0u);
  EXPECT_EQ(exporter("/spec/indirect/0", -1).rfind("spec.indirect[0]: ", 0), 0u);
  // Extents whose product overflows int64_t (each within the per-extent cap).
  json big = ValidExporter();
  big["spec"]["shape"] = json::array();
  for (int d = 0; d < 5; ++d) big["spec"]["shape"].push_back(1 << 20);
  big["spec"]["steps"] = nullptr;
  big["spec"]["indirect"] = nullptr;
  EXPECT_EQ(ExporterError(big).rfind("spec.", 0), 0u);
}

TEST(CaseCodec, TheLargestValuesOfEachTypeDecode) {
  json j = ValidExporter();
  j["flags"] = INT32_MAX;
  EXPECT_EQ(ExporterCaseFromJson(j).flags, INT32_MAX);
  j["flags"] = INT32_MIN;
  EXPECT_EQ(ExporterCaseFromJson(j).flags, INT32_MIN);
  j = ValidExporter();
  j["spec"]["steps"] = {INT64_MIN, INT64_MAX};
  EXPECT_EQ(ExporterCaseFromJson(j).spec.steps, (std::vector<int64_t>{INT64_MIN, INT64_MAX}));
  j["spec"]["indirect"] = {255, 0};
  EXPECT_EQ(ExporterCaseFromJson(j).spec.indirect, (std::vector<uint8_t>{255, 0}));
  json e = ValidEnumerated();
  e["index"] = UINT64_MAX;
  EXPECT_EQ(EnumeratedCaseFromJson(e).index, SIZE_MAX);
}

TEST(CaseCodec, OtherFieldsOfTheWrongTypeAreErrorsNamingThem) {
  json j = ValidExporter();
  j["spec"]["format"] = 1;
  EXPECT_EQ(ExporterError(j).rfind("spec.format: ", 0), 0u);
  j = ValidExporter();
  j["spec"]["fortran"] = 1;
  EXPECT_EQ(ExporterError(j).rfind("spec.fortran: ", 0), 0u);
  j = ValidExporter();
  j["spec"]["items"] = nullptr;
  EXPECT_EQ(ExporterError(j).rfind("spec.items: ", 0), 0u);
  j = ValidExporter();
  j["spec"].erase("items");
  EXPECT_EQ(ExporterError(j).rfind("spec.items: missing", 0), 0u);
  j = ValidExporter();
  j["spec"]["shape"] = 2;
  EXPECT_EQ(ExporterError(j).rfind("spec.shape: ", 0), 0u);
  j = ValidExporter();
  j["spec"] = json::array();
  EXPECT_EQ(ExporterError(j).rfind("spec: ", 0), 0u);
  json e = ValidEnumerated();
  e["description"] = 7;
  EXPECT_EQ(ErrorOf([&] { EnumeratedCaseFromJson(e); }).rfind("description: ", 0), 0u);
  const std::string a = ErrorOf([] {
    AlgorithmCaseFromJson(json::parse(R"({"kind": "algorithm", "order": "C", "format_text": "B",
        "view": {"buf": null, "len": 1.5, "itemsize": 1, "ndim": 0}})"));
  });
  EXPECT_EQ(a.rfind("bytes: missing", 0), 0u) << a;
  const std::string v = ErrorOf([] {
    AlgorithmCaseFromJson(json::parse(R"({"kind": "algorithm", "order": "C", "format_text": "B",
        "bytes": "", "view": {"buf": null, "len": 1e300, "itemsize": 1, "ndim": 0}})"));
  });
  EXPECT_EQ(v.rfind("view.len: ", 0), 0u) << v;
}

// Valid cases keep their JSON form exactly: decode, encode, compare.
TEST(CaseCodec, ValidCasesRoundTripUnchanged) {
  for (const json& j : {ValidExporter(), ValidEnumerated()}) {
    const std::string text = j.dump();
    const std::string again = j["kind"] == "exporter"
                                  ? json(ToJson(ExporterCaseFromJson(j))).dump()
                                  : json(ToJson(EnumeratedCaseFromJson(j))).dump();
    EXPECT_EQ(again, text);
  }
  ExporterCase like;
  like.spec.format = "<h";
  like.spec.itemsize = 2;
  like.flags = 0x11d;
  int n = 0;
  for (const ExporterCase& c : TinyExporterCases(like, 3)) {
    const nlohmann::ordered_json j = ToJson(c);
    ASSERT_EQ(ToJson(ExporterCaseFromJson(json::parse(j.dump()))).dump(), j.dump());
    ++n;
  }
  for (const AlgorithmCase& c : TinyAlgorithmCases(2, "i")) {
    const nlohmann::ordered_json j = ToJson(c);
    ASSERT_EQ(ToJson(AlgorithmCaseFromJson(json::parse(j.dump()))).dump(), j.dump());
    ++n;
  }
  EXPECT_GT(n, 100);
}

}  // namespace
}  // namespace bufconf::suite
