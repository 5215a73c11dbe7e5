// The python adapter with a factory (testdata/factories.py:fixtures, docs/python-factory.md), at
// the adapter level: entries that cannot be judged are enumerated as BUFCONF_SKIPPED with the
// reason while the others are judged; an object that refuses every request is not skipped;
// memory declarations (an owner object or (address, size) pairs) are what regions() reports,
// with memory_declared and memory_readonly set; a memoryview over a third party's object carries
// a note. A process of its own: the adapter and its factory are created once per process.
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "conformance/adapter/loader.h"
#include "conformance/adapters/python/python_adapter.h"

namespace bufconf::adapters {
namespace {

// The adapter with the fixtures factory: the test runs in its runfiles directory, where
// testdata/ is (BUFCONF_PYTHON_PATH is taken from the working directory).
const bufconf_adapter& A() {
  static const bufconf_adapter* const adapter = [] {
    setenv("BUFCONF_PYTHON_FACTORY", "factories:fixtures", 1);
    setenv("BUFCONF_PYTHON_PATH", "conformance/adapters/python/testdata", 1);
    return PythonAdapter();
  }();
  if (adapter == nullptr) {
    ADD_FAILURE() << PythonAdapterError();
    std::abort();
  }
  return *adapter;
}

// One enumerated entry: its return code and what enumerate said (the exporter is destroyed).
struct Entry {
  int rc = 0;
  std::string description;
  int memory_declared = 0, memory_readonly = 0;
  std::string note;  // "" for none
  bool has_note = false;
};

std::vector<Entry> EnumerateAll() {
  std::vector<Entry> out;
  for (size_t index = 0; index < 1000; ++index) {
    void* exporter = nullptr;
    bufconf_enumerated info{};
    const int rc = A().enumerate(A().context, index, &exporter, &info);
    if (rc == BUFCONF_UNSUPPORTED) break;
    Entry e;
    e.rc = rc;
    e.description = info.description;
    e.memory_declared = info.memory_declared;
    e.memory_readonly = info.memory_readonly;
    e.has_note = info.note != nullptr;
    if (info.note != nullptr) e.note = info.note;
    EXPECT_EQ(PyErr_Occurred(), nullptr) << e.description;
    if (rc == BUFCONF_SKIPPED) {
      EXPECT_EQ(exporter, nullptr) << e.description;
    } else if (rc == BUFCONF_OK) {
      A().destroy_exporter(A().context, exporter);
    }
    out.push_back(e);
  }
  return out;
}

// The entry whose description starts with `prefix` (fails the test when there is none).
Entry Find(const std::string& prefix) {
  static const std::vector<Entry> all = EnumerateAll();
  for (const Entry& e : all) {
    if (e.description.rfind(prefix, 0) == 0) return e;
  }
  ADD_FAILURE() << "no entry " << prefix;
  return {};
}

// A fresh exporter of the entry whose description is `description` (nullptr when none).
void* Exporter(const std::string& description, bufconf_enumerated* info) {
  for (size_t index = 0; index < 1000; ++index) {
    void* exporter = nullptr;
    *info = bufconf_enumerated{};
    const int rc = A().enumerate(A().context, index, &exporter, info);
    if (rc == BUFCONF_UNSUPPORTED) break;
    if (rc != BUFCONF_OK) continue;
    if (description == info->description) return exporter;
    A().destroy_exporter(A().context, exporter);
  }
  ADD_FAILURE() << "no exporter " << description;
  return nullptr;
}

std::vector<bufconf_region> RegionsOf(void* exporter) {
  std::vector<bufconf_region> regions(A().regions(A().context, exporter, nullptr, 0));
  A().regions(A().context, exporter, regions.data(), regions.size());
  return regions;
}

void ExpectSkipped(const std::string& description, const std::string& reason) {
  const Entry e = Find(description + ": skipped: ");
  EXPECT_EQ(e.rc, BUFCONF_SKIPPED) << e.description;
  EXPECT_NE(e.description.find(reason), std::string::npos) << e.description;
  EXPECT_EQ(e.memory_declared, 0) << e.description;
  EXPECT_FALSE(e.has_note) << e.description;
}

TEST(PythonFactoryEntries, LoadsWithEntriesThatCannotBeJudged) {
  EXPECT_STREQ(A().name, "python-factory");
  EXPECT_EQ(conformance::CheckAdapter(A()), "");
  EXPECT_EQ(A().make_exporter, nullptr);
  EXPECT_NE(A().capabilities & BUFCONF_CAP_VIA_INTERPRETER, 0u);
}

TEST(PythonFactoryEntries, ObjectsWithoutBufferInterfaceAreSkippedAlone) {
  ExpectSkipped("a dict is no exporter",
                "dict does not support the buffer protocol (no bf_getbuffer)");
  // A bare object: its default description names the factory, the index and the type.
  ExpectSkipped("factories:fixtures[2] int",
                "int does not support the buffer protocol (no bf_getbuffer)");
  // The good ones around them are judged.
  for (const char* good : {"good bytearray", "good bytes", "good numpy"}) {
    EXPECT_EQ(Find(good).rc, BUFCONF_OK) << good;
  }
}

TEST(PythonFactoryEntries, MalformedEntriesAreSkippedWithTheReason) {
  ExpectSkipped("factories:fixtures[4] tuple", "a tuple of 4 items; expected (description: str");
  ExpectSkipped("factories:fixtures[5] tuple", "the tuple's description is a int, not a str");
  ExpectSkipped("missing key", "the expected dict lacks ['shape']");
  ExpectSkipped("wrong length", "expected items are 2 bytes, not product(shape (3,))");
  ExpectSkipped("junk expected", "expected must be None, a dict");
  ExpectSkipped("factories:fixtures[9] dict", "unknown keys ['colour'] in the entry dict");
  ExpectSkipped("factories:fixtures[10] dict", "the entry dict has no \"object\"");
}

// Refusing every request is a verdict on the object (REQ-GRANT), not a reason to skip it.
TEST(PythonFactoryEntries, AnObjectThatRefusesEverythingIsJudged) {
  bufconf_enumerated info{};
  void* exporter = Exporter("refuses every request", &info);
  ASSERT_NE(exporter, nullptr);
  bufconf_buffer view{};
  char message[512] = {0};
  EXPECT_EQ(
      A().get_buffer(A().context, exporter, &view, BUFCONF_PYBUF_FULL_RO, message, sizeof message),
      BUFCONF_REFUSED)
      << message;
  A().destroy_exporter(A().context, exporter);
}

// What a full view of the exporter spans: [buf, buf + len) for the contiguous fixtures.
struct Span {
  uintptr_t buf = 0;
  size_t len = 0;
  int readonly = 0;
};

Span FullView(void* exporter) {
  bufconf_buffer view{};
  char message[512] = {0};
  EXPECT_EQ(
      A().get_buffer(A().context, exporter, &view, BUFCONF_PYBUF_FULL_RO, message, sizeof message),
      BUFCONF_OK)
      << message;
  Span s{reinterpret_cast<uintptr_t>(view.buf), static_cast<size_t>(view.len), view.readonly};
  A().release_buffer(A().context, exporter, &view);
  return s;
}

TEST(PythonFactoryEntries, DeclaredOwnerIsTheMemory) {
  bufconf_enumerated info{};
  void* exporter = Exporter("bytearray declared by itself", &info);
  ASSERT_NE(exporter, nullptr);
  EXPECT_EQ(info.memory_declared, 1);
  EXPECT_EQ(info.memory_readonly, 0);  // a bytearray's buffer is writable
  const Span s = FullView(exporter);
  const std::vector<bufconf_region> regions = RegionsOf(exporter);
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(regions[0].base), s.buf);
  EXPECT_EQ(regions[0].size, std::string("owns itself").size());
  A().destroy_exporter(A().context, exporter);
}

// A bytes owner: its memory must never be written through the exporter.
TEST(PythonFactoryEntries, BytesOwnerDeclaresReadOnlyMemory) {
  bufconf_enumerated info{};
  void* exporter = Exporter("numpy over bytes, the bytes declared (read-only memory)", &info);
  ASSERT_NE(exporter, nullptr);
  EXPECT_EQ(info.memory_declared, 1);
  EXPECT_EQ(info.memory_readonly, 1);
  EXPECT_EQ(info.has_expected, 1);
  const Span s = FullView(exporter);
  EXPECT_EQ(s.readonly, 1);
  const std::vector<bufconf_region> regions = RegionsOf(exporter);
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(regions[0].base), s.buf);
  EXPECT_EQ(regions[0].size, std::string("declared, read-only").size());
  A().destroy_exporter(A().context, exporter);
  // memory_readonly given explicitly overrides the owner's writability.
  exporter = Exporter("bytearray declared read-only", &info);
  ASSERT_NE(exporter, nullptr);
  EXPECT_EQ(info.memory_declared, 1);
  EXPECT_EQ(info.memory_readonly, 1);
  EXPECT_EQ(FullView(exporter).readonly, 0);  // what MEMORY-WRITABLE catches
  A().destroy_exporter(A().context, exporter);
}

TEST(PythonFactoryEntries, DeclaredPairsAreTheMemory) {
  bufconf_enumerated info{};
  void* exporter = Exporter("array.array declared by (address, size)", &info);
  ASSERT_NE(exporter, nullptr);
  EXPECT_EQ(info.memory_declared, 1);
  EXPECT_EQ(info.memory_readonly, 0);  // pairs: writable unless memory_readonly says otherwise
  const Span s = FullView(exporter);
  const std::vector<bufconf_region> regions = RegionsOf(exporter);
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(regions[0].base), s.buf);
  EXPECT_EQ(regions[0].size, 12u);
  A().destroy_exporter(A().context, exporter);
}

// A slice of the owner: the declaration is the whole owner, the view a part of it.
TEST(PythonFactoryEntries, SliceInsideItsDeclaredOwner) {
  bufconf_enumerated info{};
  void* exporter = Exporter("a slice of the owner", &info);
  ASSERT_NE(exporter, nullptr);
  const Span s = FullView(exporter);
  const std::vector<bufconf_region> regions = RegionsOf(exporter);
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(regions[0].size, 256u);
  EXPECT_EQ(s.buf, reinterpret_cast<uintptr_t>(regions[0].base) + 16);
  EXPECT_EQ(s.len, 32u);
  A().destroy_exporter(A().context, exporter);
}

// regions() reports the declaration only, not what the view spans: MEMORY-SPAN can see that the
// view lies outside it.
TEST(PythonFactoryEntries, ViewOutsideItsDeclarationIsNotHidden) {
  bufconf_enumerated info{};
  void* exporter = Exporter("buf 64 bytes before the declared block", &info);
  ASSERT_NE(exporter, nullptr);
  EXPECT_EQ(info.memory_declared, 1);
  const Span s = FullView(exporter);
  const std::vector<bufconf_region> regions = RegionsOf(exporter);
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(regions[0].base), s.buf + 64);
  EXPECT_EQ(regions[0].size, 64u);
  EXPECT_EQ(s.len, 32u);
  A().destroy_exporter(A().context, exporter);
}

TEST(PythonFactoryEntries, BadDeclarationsAreSkipped) {
  EXPECT_EQ(Find("fine bytearray among bad declarations").rc, BUFCONF_OK);
  ExpectSkipped("NULL address", "memory[0] declares 16 bytes at address NULL");
  ExpectSkipped("negative size", "memory[0] has size -1 < 0");
  ExpectSkipped("too large", "memory declares more than 256 MiB");
  ExpectSkipped("not a pair", "memory[2] is (1, 2, 3), not an (address: int, size: int) pair");
  ExpectSkipped("owner without a buffer",
                "the memory owner, a dict, does not support the buffer protocol");
  ExpectSkipped("readonly not bool", "memory_readonly is a str, not a bool");
  ExpectSkipped("readonly without memory", "memory_readonly without memory");
  ExpectSkipped("owner not contiguous",
                "the memory owner's buffer (a numpy.ndarray) is not contiguous");
}

TEST(PythonFactoryEntries, UndeclaredMemoryIsNotDeclared) {
  const Entry e = Find("good bytearray");
  EXPECT_EQ(e.rc, BUFCONF_OK);
  EXPECT_EQ(e.memory_declared, 0);
  EXPECT_EQ(e.memory_readonly, 0);
  EXPECT_FALSE(e.has_note);
}

TEST(PythonFactoryEntries, MemoryviewOverAThirdPartyObjectHasANote) {
  const std::string numpy_note =
      "a memoryview: CPython's memoryview is judged, not the numpy.ndarray under it";
  for (const char* prefix :
       {"factories:fixtures[", "described memoryview over numpy", "dict memoryview over numpy"}) {
    bool found = false;
    for (size_t index = 0; index < 1000 && !found; ++index) {
      void* exporter = nullptr;
      bufconf_enumerated info{};
      const int rc = A().enumerate(A().context, index, &exporter, &info);
      if (rc == BUFCONF_UNSUPPORTED) break;
      if (rc != BUFCONF_OK) continue;
      const std::string description = info.description;
      if (description.rfind(prefix, 0) == 0 &&
          (std::string(prefix) != "factories:fixtures[" ||
           description.find("] memoryview") != std::string::npos)) {
        found = true;
        ASSERT_NE(info.note, nullptr) << description;
        EXPECT_EQ(info.note, numpy_note) << description;
        // The note stays valid while the exporter lives.
        bufconf_buffer view{};
        char message[512] = {0};
        EXPECT_EQ(A().get_buffer(A().context, exporter, &view, BUFCONF_PYBUF_FULL_RO, message,
                                 sizeof message),
                  BUFCONF_OK);
        A().release_buffer(A().context, exporter, &view);
        EXPECT_EQ(info.note, numpy_note) << description;
      }
      A().destroy_exporter(A().context, exporter);
    }
    EXPECT_TRUE(found) << prefix;
  }
  for (const char* builtin :
       {"memoryview over bytes", "memoryview over array.array", "memoryview over _testbuffer"}) {
    const Entry e = Find(builtin);
    EXPECT_EQ(e.rc, BUFCONF_OK) << builtin;
    EXPECT_FALSE(e.has_note) << builtin << ": " << e.note;
  }
}

}  // namespace
}  // namespace bufconf::adapters
