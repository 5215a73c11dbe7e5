// The python adapter: it loads, the embedded interpreter is Debian's /usr/bin/python3 with its
// modules, every enumerated real exporter gives a full description free of MUST violations (or
// is a documented, known deviation of CPython/ctypes), make_exporter's exporters hold the spec's
// contents in the spec's layout, and the algorithm side runs without leaving a Python error set.
#define PY_SSIZE_T_CLEAN
#include "conformance/adapters/python/python_adapter.h"

#include <Python.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "conformance/adapter/loader.h"
#include "conformance/adapter/real_layout.h"
#include "reference/layout/checker.h"
#include "reference/layout/contiguity.h"
#include "reference/layout/mirror.h"
#include "reference/rules/catalogue.h"

namespace bufconf::adapters {
namespace {

const bufconf_adapter& A() { return *PythonAdapter(); }

// One character: a 'c' (kChar) and a one-byte string '1s' (kBytes) hold the same value (numpy
// exports a 'c' item as '1s').
bool SameKind(const format::Value& a, const format::Value& b) {
  using format::ValueKind;
  const auto one_char = [](const format::Value& v) {
    return v.kind == ValueKind::kChar || (v.kind == ValueKind::kBytes && v.bytes.size() == 1);
  };
  return a.kind == b.kind || (one_char(a) && one_char(b));
}

// Logical equality of decoded values that ignores the spelling of codes and field names (as the
// suite's REQ-CONTENTS does).
bool SameValues(const format::Value& a, const format::Value& b) {
  if (a.shape != b.shape || a.items.size() != b.items.size()) return false;
  if (a.shape == format::Value::Shape::kScalar) return SameKind(a, b) && a.bytes == b.bytes;
  for (size_t i = 0; i < a.items.size(); ++i) {
    if (!SameValues(a.items[i], b.items[i])) return false;
  }
  return true;
}

format::Value ExpectedValues(const std::string& format, bufconf_ssize_t itemsize,
                             const std::vector<int64_t>& shape, const std::string& items) {
  layout::Descriptor d;
  d.buf = 0x1000;
  d.itemsize = itemsize;
  d.ndim = static_cast<int64_t>(shape.size());
  d.len = static_cast<int64_t>(items.size());
  d.format = format;
  if (d.ndim > 0) d.shape = shape;
  layout::Memory memory;
  memory.AddRegion({0x1000, std::vector<uint8_t>(items.begin(), items.end()), "expected"});
  return layout::ToList(d, memory);
}

std::vector<bufconf_region> RegionsOf(void* exporter) {
  std::vector<bufconf_region> regions(A().regions(A().context, exporter, nullptr, 0));
  A().regions(A().context, exporter, regions.data(), regions.size());
  return regions;
}

struct Finding {
  std::string rule, message;
};

// The MUST violations of the exporter's full description, and (with expected contents) whether
// its elements are the expected ones ("REQ-CONTENTS").
std::vector<Finding> CheckFull(void* exporter, const std::string* format, bufconf_ssize_t itemsize,
                               const std::vector<int64_t>* shape, const std::string* items) {
  std::vector<Finding> out;
  bufconf_buffer full{};
  char message[512] = {0};
  if (A().get_buffer(A().context, exporter, &full, BUFCONF_PYBUF_FULL_RO, message,
                     sizeof message) != BUFCONF_OK) {
    out.push_back({"REQ-GRANT", std::string("PyBUF_FULL_RO refused: ") + message});
    return out;
  }
  const std::vector<bufconf_region> regions = RegionsOf(exporter);
  const conformance::Snapshot s = conformance::TakeSnapshot(full, regions.data(), regions.size());
  for (const layout::Violation& v : layout::Validate(s.view, &s.memory)) {
    const rules::Rule* rule = rules::FindRule(v.rule);
    if (rule != nullptr && rule->level == rules::Level::kMust) out.push_back({v.rule, v.message});
  }
  if (out.empty() && format != nullptr) {
    try {
      if (!SameValues(layout::ToList(s.view, s.memory),
                      ExpectedValues(*format, itemsize, *shape, *items))) {
        out.push_back({"REQ-CONTENTS", "the elements differ from the expected ones"});
      }
    } catch (const std::exception& e) {
      out.push_back({"REQ-CONTENTS", std::string("cannot compare: ") + e.what()});
    }
  }
  A().release_buffer(A().context, exporter, &full);
  return out;
}

TEST(PythonAdapter, LoadsAsBuiltin) {
  const conformance::LoadedAdapter loaded = conformance::LoadAdapter("python");
  ASSERT_EQ(loaded.adapter, PythonAdapter());
  EXPECT_EQ(conformance::CheckAdapter(*loaded.adapter), "");
  EXPECT_STREQ(loaded.adapter->name, "python");
  EXPECT_EQ(loaded.adapter->capabilities & BUFCONF_CAP_EXPORT_COUNT, 0u);
  // get_buffer is PyObject_GetBuffer (GetBuffer in python_adapter.cc).
  EXPECT_NE(loaded.adapter->capabilities & BUFCONF_CAP_VIA_INTERPRETER, 0u);
}

TEST(PythonAdapter, EmbeddedInterpreterIsDebians) {
  ASSERT_EQ(EnsurePythonInitialized(), "");
  EXPECT_EQ(
      PyRun_SimpleString("import sys, numpy, _testbuffer, ctypes, mmap, array, pickle, io\n"
                         "assert sys.executable == '/usr/bin/python3', sys.executable\n"
                         "assert sys.version_info[:2] == (3, 11), sys.version\n"
                         "assert numpy.__file__.startswith('/usr/lib/python3/dist-packages/'), "
                         "numpy.__file__\n"
                         "assert not any('pyenv' in p for p in sys.path), sys.path\n"),
      0);
  EXPECT_EQ(PyErr_Occurred(), nullptr);
}

// Known deviations of real exporters from MUST rules (description prefix, rule): found by this
// test, each a real CPython/ctypes/numpy behaviour, not an adapter bug.
struct Known {
  const char* description_prefix;
  const char* rule;
  const char* why;
};
const Known kKnownDeviations[] = {
    // ctypes (3.11) writes '<'/'>' (standard sizes, no alignment) before every field of a
    // Structure but does not write the padding, so the format's size is not the itemsize.
    {"ctypes Structure {", "FORMAT-SIZE", "ctypes omits padding in struct formats"},
    {"ctypes BigEndianStructure", "FORMAT-SIZE", "ctypes omits padding in struct formats"},
    {"ctypes nested Structure", "FORMAT-SIZE", "ctypes omits padding in struct formats"},
    {"ctypes (S*3)", "FORMAT-SIZE", "ctypes omits padding in struct formats"},
    // ctypes exports a _pack_ structure as format "B" with itemsize 5.
    {"ctypes Structure _pack_=1", "FORMAT-SIZE", "ctypes exports packed structs as 'B'"},
    // ctypes writes '<P' (a pointer with standard byte order): not a struct-module format.
    {"ctypes (c_void_p*2)", "FORMAT-PARSES", "'<P' is not a valid format"},
    // ctypes writes '<g' (long double, standard order: no standard size).
    {"ctypes (c_longdouble*2)", "FORMAT-PARSES", "'<g' is not a valid format"},
    {"ctypes LittleEndianStructure", "FORMAT-SIZE", "ctypes omits padding in struct formats"},
    // A Union is exported as 'B' with the union's itemsize (8).
    {"ctypes Union", "FORMAT-SIZE", "ctypes exports unions as 'B'"},
    // Bit-fields: 'T{<i:a:<i:b:}' (8 bytes) for a 4-byte struct.
    {"ctypes bit-field", "FORMAT-SIZE", "ctypes writes bit-fields as whole fields"},
    // c_wchar: '<u' (standard size 2) with itemsize 4.
    {"ctypes (c_wchar*3)", "FORMAT-SIZE", "'<u' is 2 bytes, wchar_t 4"},
    // c_char_p: '<z', a code that exists nowhere.
    {"ctypes (c_char_p*2)", "FORMAT-PARSES", "'<z' is not a valid format"},
    // By design: _testbuffer's ND_GETBUF_FAIL refuses every request (with BufferError).
    {"_testbuffer.ndarray(range(4), shape=[4], format='B', ND_GETBUF_FAIL)", "REQ-GRANT",
     "refuses every request by design"},
    // numpy has no PEP 3118 code for datetime64/timedelta64: every request with PyBUF_FORMAT is
    // refused, with ValueError.
    {"numpy datetime64", "REQ-GRANT", "no format for datetime64"},
    {"numpy timedelta64", "REQ-GRANT", "no format for timedelta64"},
};

bool IsKnown(const std::string& description, const std::string& rule) {
  for (const Known& k : kKnownDeviations) {
    if (description.rfind(k.description_prefix, 0) == 0 && rule == k.rule) return true;
  }
  return false;
}

// RELEASE-RESIZE-WHILE-EXPORTED: while a buffer of a bytearray is exported, resizing it must
// raise BufferError; after the release it must work again.
TEST(PythonAdapter, BytearrayRefusesResizeWhileExported) {
  ASSERT_EQ(EnsurePythonInitialized(), "");
  PyObject* ba = PyByteArray_FromStringAndSize("abc", 3);
  ASSERT_NE(ba, nullptr);
  Py_buffer view;
  ASSERT_EQ(PyObject_GetBuffer(ba, &view, PyBUF_FULL_RO), 0);
  EXPECT_EQ(PyByteArray_Resize(ba, 10), -1);
  ASSERT_NE(PyErr_Occurred(), nullptr);
  EXPECT_TRUE(PyErr_ExceptionMatches(PyExc_BufferError));
  PyErr_Clear();
  EXPECT_EQ(PyByteArray_Size(ba), 3);
  PyBuffer_Release(&view);
  EXPECT_EQ(PyByteArray_Resize(ba, 10), 0);
  EXPECT_EQ(PyByteArray_Size(ba), 10);
  Py_DECREF(ba);
}

TEST(PythonAdapter, EnumeratedExportersAreLegalOrKnownDeviations) {
  size_t index = 0;
  std::vector<std::string> unexpected;
  for (;; ++index) {
    void* exporter = nullptr;
    bufconf_enumerated info{};
    const int rc = A().enumerate(A().context, index, &exporter, &info);
    if (rc == BUFCONF_UNSUPPORTED) break;
    ASSERT_EQ(rc, BUFCONF_OK) << "enumerate(" << index << "): " << info.description;
    const std::string description = info.description;
    std::string format, items;
    std::vector<int64_t> shape;
    if (info.has_expected) {
      format = info.format;
      shape.assign(info.shape, info.shape + info.ndim);
      const int64_t count = [&] {
        int64_t n = 1;
        for (int64_t e : shape) n *= e;
        return n;
      }();
      items.assign(static_cast<const char*>(info.items),
                   static_cast<size_t>(count * info.itemsize));
    }
    const std::vector<Finding> findings =
        info.has_expected ? CheckFull(exporter, &format, info.itemsize, &shape, &items)
                          : CheckFull(exporter, nullptr, 0, nullptr, nullptr);
    std::cout << "[" << index << "] " << description << (info.has_expected ? "" : " (no expected)")
              << (findings.empty() ? ": ok" : "") << "\n";
    for (const Finding& f : findings) {
      const bool known = IsKnown(description, f.rule);
      std::cout << "    " << (known ? "known " : "UNEXPECTED ") << f.rule << ": " << f.message
                << "\n";
      if (!known) unexpected.push_back(description + ": " + f.rule + ": " + f.message);
    }
    EXPECT_EQ(PyErr_Occurred(), nullptr) << description;
    A().destroy_exporter(A().context, exporter);
  }
  EXPECT_GE(index, 60u);
  for (const std::string& u : unexpected) ADD_FAILURE() << u;
}

struct SpecCase {
  const char* name;
  const char* format;
  bufconf_ssize_t itemsize;
  std::vector<bufconf_ssize_t> shape;
  uint32_t layout;
  std::vector<bufconf_ssize_t> steps;  // empty: none
  std::vector<uint8_t> indirect;       // empty: none
};

bufconf_array_spec Abi(const SpecCase& c, const std::vector<uint8_t>& items) {
  bufconf_array_spec spec{};
  spec.format = c.format;
  spec.itemsize = c.itemsize;
  spec.ndim = static_cast<int>(c.shape.size());
  spec.shape = c.shape.empty() ? nullptr : c.shape.data();
  spec.items = items.data();
  spec.layout = c.layout;
  spec.steps = c.steps.empty() ? nullptr : c.steps.data();
  spec.indirect = c.indirect.empty() ? nullptr : c.indirect.data();
  return spec;
}

TEST(PythonAdapter, MakeExporterRoundTripsContents) {
  const uint32_t kF = BUFCONF_LAYOUT_FORTRAN, kRO = BUFCONF_LAYOUT_READONLY;
  const SpecCase cases[] = {
      {"C 2x3 i", "i", 4, {2, 3}, 0, {}, {}},
      {"C 2x3 i read-only", "i", 4, {2, 3}, kRO, {}, {}},
      {"F 2x3 d", "d", 8, {2, 3}, kF, {}, {}},
      {"F 3x2x2 h read-only", "h", 2, {3, 2, 2}, kF | kRO, {}, {}},
      {"steps -1, 2 on 3x4 h", "h", 2, {3, 4}, 0, {-1, 2}, {}},
      {"steps 2, -3 F on 2x3 f", "f", 4, {2, 3}, kF, {2, -3}, {}},
      {"step 0 (broadcast) writable 3x2 B", "B", 1, {3, 2}, 0, {0, 1}, {}},
      {"step 0 (broadcast) read-only 3x2 q", "q", 8, {3, 2}, kRO, {0, 1}, {}},
      {"struct T{b:a:xxxi:b:} 4", "T{b:a:xxxi:b:}", 8, {4}, 0, {}, {}},
      {"scalar d", "d", 8, {}, 0, {}, {}},
      {"empty 0x3 i", "i", 4, {0, 3}, 0, {}, {}},
      {"indirect [1,0] 3x4 i", "i", 4, {3, 4}, 0, {}, {1, 0}},
      {"indirect [1] 5 H read-only", "H", 2, {5}, kRO, {}, {1}},
      {"indirect [1,0] F 2x3 b", "b", 1, {2, 3}, kF, {}, {1, 0}},
      {"indirect [1,0] steps -1,2 3x2 i", "i", 4, {3, 2}, 0, {-1, 2}, {1, 0}},
      // read-only C-order specs memoryview(bytes).cast can express too
      {"read-only steps -2 5 i", "i", 4, {5}, kRO, {-2}, {}},
      {"read-only steps 3,1 2x3 H", "H", 2, {2, 3}, kRO, {3, 1}, {}},
      {"read-only scalar d", "d", 8, {}, kRO, {}, {}},
      {"read-only 4 c", "c", 1, {4}, kRO, {}, {}},
      {"read-only 2x2x2 b", "b", 1, {2, 2, 2}, kRO, {}, {}},
      {"1-d 5 d", "d", 8, {5}, 0, {}, {}},
      {"1-d 6 q", "q", 8, {6}, 0, {}, {}},
      {"1-d 3 H", "H", 2, {3}, 0, {}, {}},
  };
  int made = 0;
  std::map<std::string, int> families;  // first word of make_exporter's description
  for (const SpecCase& c : cases) {
    for (int variant = 0; variant < 4; ++variant) {  // different items: different exporter kinds
      int64_t count = 1;
      for (bufconf_ssize_t e : c.shape) count *= e;
      // Items equal along step-0 dimensions: value depends only on the non-broadcast index.
      std::vector<uint8_t> items(static_cast<size_t>(count * c.itemsize));
      for (int64_t k = 0; k < count; ++k) {
        int64_t rest = k, key = 0;
        for (size_t d = c.shape.size(); d-- > 0;) {
          const int64_t i = rest % c.shape[d];
          rest /= c.shape[d];
          if (c.steps.empty() || c.steps[d] != 0) key = key * 31 + i;
        }
        for (bufconf_ssize_t b = 0; b < c.itemsize; ++b) {
          items[static_cast<size_t>(k * c.itemsize + b)] =
              static_cast<uint8_t>(key * 7 + b * 3 + variant * 11 + 1);
        }
      }
      if (std::strchr(c.format, 'x') != nullptr) {  // keep padding zero and values readable
        for (int64_t k = 0; k < count; ++k) {
          for (int b = 1; b < 4; ++b) items[static_cast<size_t>(k * 8 + b)] = 0;
        }
      }
      const bufconf_array_spec spec = Abi(c, items);
      void* exporter = nullptr;
      char message[512] = {0};
      const int rc = A().make_exporter(A().context, &spec, &exporter, message, sizeof message);
      std::cout << c.name << " #" << variant << ": rc " << rc << " " << message << "\n";
      ASSERT_EQ(PyErr_Occurred(), nullptr);
      if (rc == BUFCONF_UNSUPPORTED) continue;
      ASSERT_EQ(rc, BUFCONF_OK) << c.name << ": " << message;
      ++made;
      // The description names what was made (a report shows it).
      const std::string what = message;
      ASSERT_FALSE(what.empty()) << c.name;
      ++families[what.substr(0, what.find_first_of(" ("))];
      const std::string expected_items(items.begin(), items.end());
      const std::vector<int64_t> shape(c.shape.begin(), c.shape.end());
      const std::string format = c.format;
      for (const Finding& f : CheckFull(exporter, &format, c.itemsize, &shape, &expected_items)) {
        ADD_FAILURE() << c.name << " #" << variant << ": " << f.rule << ": " << f.message;
      }
      // The layout asked for: suboffsets for indirect specs, read-only as asked.
      bufconf_buffer full{};
      ASSERT_EQ(A().get_buffer(A().context, exporter, &full, BUFCONF_PYBUF_FULL_RO, message,
                               sizeof message),
                BUFCONF_OK);
      EXPECT_EQ(full.suboffsets != nullptr, !c.indirect.empty()) << c.name;
      EXPECT_EQ(full.readonly != 0, (c.layout & kRO) != 0) << c.name;
      if (c.shape.size() > 1 && (c.layout & kF) && c.indirect.empty() && c.steps.empty()) {
        EXPECT_TRUE(layout::IsContiguous(conformance::DescriptorOf(full), 'F')) << c.name;
      }
      A().release_buffer(A().context, exporter, &full);
      A().destroy_exporter(A().context, exporter);
      EXPECT_EQ(PyErr_Occurred(), nullptr);
    }
  }
  EXPECT_GE(made, 40);
  for (const auto& [family, n] : families) std::cout << "made by " << family << ": " << n << "\n";
  for (const char* family :
       {"numpy.ndarray", "numpy.frombuffer", "_testbuffer.ndarray", "memoryview", "array.array"}) {
    EXPECT_GT(families[family], 0) << family;
  }
}

// A fresh instance of the first enumerated exporter whose description starts with `prefix`
// (nullptr when there is none).
void* EnumeratedByPrefix(const std::string& prefix, std::string* description) {
  for (size_t index = 0;; ++index) {
    void* exporter = nullptr;
    bufconf_enumerated info{};
    if (A().enumerate(A().context, index, &exporter, &info) != BUFCONF_OK) return nullptr;
    if (std::string(info.description).rfind(prefix, 0) == 0) {
      *description = info.description;
      return exporter;
    }
    A().destroy_exporter(A().context, exporter);
  }
}

size_t RegionBytes(void* exporter) {
  size_t n = 0;
  for (const bufconf_region& r : RegionsOf(exporter)) n += r.size;
  return n;
}

// REQ-FAIL-BUFFERERROR: a refusal with BufferError and view->obj NULL is BUFCONF_REFUSED; any
// other refusal is BUFCONF_REFUSED_IMPROPERLY, with a message naming the exception.
TEST(PythonAdapter, RefusalsAreProperOrReportedImproper) {
  struct Case {
    const char* prefix;
    int flags;
    int rc;
    const char* message;
  };
  const Case cases[] = {
      {"bytes b'bufconf'", PyBUF_WRITABLE, BUFCONF_REFUSED, "BufferError: Object is not writable"},
      {"memoryview(b'abcdefgh')[::2]", PyBUF_C_CONTIGUOUS, BUFCONF_REFUSED, "BufferError"},
      {"numpy arange(10, i2)[::-3]", PyBUF_C_CONTIGUOUS, BUFCONF_REFUSED_IMPROPERLY,
       "raised ValueError: ndarray is not C-contiguous (not BufferError)"},
      {"numpy arange(10, i2)[::-3]", PyBUF_SIMPLE, BUFCONF_REFUSED_IMPROPERLY,
       "ValueError: ndarray is not C-contiguous"},
      {"numpy arange(20, i4).reshape(4,5)[::-2, 1::2]", PyBUF_ANY_CONTIGUOUS,
       BUFCONF_REFUSED_IMPROPERLY, "ValueError: ndarray is not contiguous"},
      {"numpy arange(4.0) read-only", PyBUF_WRITABLE, BUFCONF_REFUSED_IMPROPERLY,
       "ValueError: buffer source array is read-only"},
      {"numpy datetime64", PyBUF_FORMAT, BUFCONF_REFUSED_IMPROPERLY,
       "ValueError: cannot include dtype 'M' in a buffer"},
      {"numpy timedelta64", PyBUF_FULL_RO, BUFCONF_REFUSED_IMPROPERLY,
       "ValueError: cannot include dtype 'm' in a buffer"},
      {"numpy datetime64", PyBUF_STRIDES, BUFCONF_OK, ""},
      {"memoryview(numpy arange(6, f4)", PyBUF_F_CONTIGUOUS, BUFCONF_REFUSED, "BufferError"},
  };
  for (const Case& c : cases) {
    std::string description;
    void* exporter = EnumeratedByPrefix(c.prefix, &description);
    ASSERT_NE(exporter, nullptr) << c.prefix;
    bufconf_buffer view{};
    char message[512] = {0};
    const int rc = A().get_buffer(A().context, exporter, &view, c.flags, message, sizeof message);
    EXPECT_EQ(rc, c.rc) << description << " flags " << c.flags << ": " << message;
    EXPECT_NE(std::string(message).find(c.message), std::string::npos) << message;
    EXPECT_EQ(PyErr_Occurred(), nullptr);
    if (rc == BUFCONF_OK) {
      A().release_buffer(A().context, exporter, &view);
    } else {
      EXPECT_EQ(view.obj, nullptr) << description;
    }
    A().destroy_exporter(A().context, exporter);
  }
  // _testbuffer's ND_GETBUF_FAIL refuses every request, and properly.
  std::string description;
  void* failing = EnumeratedByPrefix(
      "_testbuffer.ndarray(range(4), shape=[4], format='B', "
      "ND_GETBUF_FAIL)",
      &description);
  ASSERT_NE(failing, nullptr);
  for (int flags = 0; flags <= 0x3ff; ++flags) {
    bufconf_buffer view{};
    char message[512] = {0};
    ASSERT_EQ(A().get_buffer(A().context, failing, &view, flags, message, sizeof message),
              BUFCONF_REFUSED)
        << flags << ": " << message;
    EXPECT_EQ(view.obj, nullptr);
    EXPECT_NE(std::string(message).find("BufferError: ND_GETBUF_FAIL"), std::string::npos);
  }
  A().destroy_exporter(A().context, failing);
}

// resize (ABI 2): what users do to change an exporter's size, alone and with a live export.
TEST(PythonAdapter, ResizeAsUsersDo) {
  ASSERT_NE(A().capabilities & BUFCONF_CAP_RESIZE, 0u);
  struct Case {
    const char* prefix;
    int alone;            // resize with no export
    int exported;         // resize while a buffer is exported
    const char* message;  // in the message of the exported case
  };
  const Case cases[] = {
      {"bytearray(b'", BUFCONF_OK, BUFCONF_REFUSED, "bytearray.extend refused: BufferError"},
      {"bytearray() (empty)", BUFCONF_OK, BUFCONF_REFUSED, "BufferError"},
      {"array.array('d', [", BUFCONF_OK, BUFCONF_REFUSED, "BufferError"},
      {"array.array('B') (empty)", BUFCONF_OK, BUFCONF_REFUSED, "BufferError"},
      {"mmap.mmap(-1, 16)", BUFCONF_OK, BUFCONF_REFUSED, "mmap.resize refused: BufferError"},
      // read-only map: refused while exported (BufferError is checked first), never resizable
      {"mmap.mmap(<16-byte temp file>", BUFCONF_UNSUPPORTED, BUFCONF_REFUSED, "BufferError"},
      // the exporter is itself an export of its BytesIO / bytearray: always refused
      {"io.BytesIO(b'bytesio').getbuffer()", BUFCONF_REFUSED, BUFCONF_REFUSED, "BufferError"},
      {"memoryview(bytearray(b'xyz')).toreadonly()", BUFCONF_REFUSED, BUFCONF_REFUSED,
       "BufferError"},
      {"pickle.PickleBuffer(bytearray", BUFCONF_REFUSED, BUFCONF_REFUSED, "BufferError"},
      // numpy counts references instead of exports: ValueError, but a refusal
      {"numpy <f8 [0.1", BUFCONF_OK, BUFCONF_REFUSED,
       "numpy.ndarray.resize refused (not with BufferError): ValueError"},
      {"numpy array(7, i8) (0-d)", BUFCONF_OK, BUFCONF_REFUSED, "ValueError"},
      {"numpy arange(10, i2)[::-3]", BUFCONF_UNSUPPORTED, BUFCONF_UNSUPPORTED, "own its data"},
      {"bytes b'bufconf'", BUFCONF_UNSUPPORTED, BUFCONF_UNSUPPORTED, "bytes cannot be resized"},
      {"_testbuffer.ndarray(7,", BUFCONF_UNSUPPORTED, BUFCONF_UNSUPPORTED, "cannot be resized"},
      // RELEASE-RESIZE-WHILE-EXPORTED: ctypes.resize reallocates under live exports
      // (docs/findings.md)
      {"ctypes (c_int*4)", BUFCONF_OK, BUFCONF_OK, "ctypes.resize changed the size"},
      {"ctypes (S*3)", BUFCONF_OK, BUFCONF_OK, "ctypes.resize changed the size"},
      {"ctypes c_int(3)", BUFCONF_OK, BUFCONF_OK, "ctypes.resize changed the size"},
  };
  for (const Case& c : cases) {
    std::string description;
    char message[512] = {0};
    // Alone: the size changes when it is OK, not otherwise.
    void* exporter = EnumeratedByPrefix(c.prefix, &description);
    ASSERT_NE(exporter, nullptr) << c.prefix;
    size_t before = RegionBytes(exporter);
    int rc = A().resize(A().context, exporter, message, sizeof message);
    EXPECT_EQ(rc, c.alone) << description << ": " << message;
    EXPECT_EQ(PyErr_Occurred(), nullptr);
    if (rc == BUFCONF_OK) {
      EXPECT_GT(RegionBytes(exporter), before) << description;
    } else {
      EXPECT_EQ(RegionBytes(exporter), before) << description;
    }
    A().destroy_exporter(A().context, exporter);
    // With a live export.
    exporter = EnumeratedByPrefix(c.prefix, &description);
    ASSERT_NE(exporter, nullptr);
    bufconf_buffer view{};
    ASSERT_EQ(A().get_buffer(A().context, exporter, &view, PyBUF_FULL_RO, message, sizeof message),
              BUFCONF_OK)
        << description << ": " << message;
    before = RegionBytes(exporter);
    rc = A().resize(A().context, exporter, message, sizeof message);
    EXPECT_EQ(rc, c.exported) << description << ": " << message;
    EXPECT_NE(std::string(message).find(c.message), std::string::npos) << message;
    EXPECT_EQ(PyErr_Occurred(), nullptr);
    if (rc == BUFCONF_OK) {
      // The exporter reallocated: the live view now points outside the memory it owns.
      const uintptr_t buf = reinterpret_cast<uintptr_t>(view.buf);
      for (const bufconf_region& r : RegionsOf(exporter)) {
        const uintptr_t base = reinterpret_cast<uintptr_t>(r.base);
        EXPECT_FALSE(buf >= base && buf < base + r.size) << description;
      }
    } else {
      EXPECT_EQ(RegionBytes(exporter), before) << description;
    }
    A().release_buffer(A().context, exporter, &view);
    A().destroy_exporter(A().context, exporter);
  }
}

// A read-only mmap's memory is found from the map itself (its file's mapping in
// /proc/self/maps), not from a buffer it hands out.
TEST(PythonAdapter, ReadOnlyMapRegionIsIntrospected) {
  std::string description;
  void* exporter = EnumeratedByPrefix("mmap.mmap(<16-byte temp file>", &description);
  ASSERT_NE(exporter, nullptr);
  bufconf_buffer view{};
  char message[512] = {0};
  ASSERT_EQ(A().get_buffer(A().context, exporter, &view, PyBUF_FULL_RO, message, sizeof message),
            BUFCONF_OK);
  EXPECT_EQ(view.readonly, 1);
  const std::vector<bufconf_region> regions = RegionsOf(exporter);
  ASSERT_EQ(regions.size(), 1u);
  EXPECT_EQ(regions[0].base, view.buf);
  EXPECT_EQ(regions[0].size, 16u);
  A().release_buffer(A().context, exporter, &view);
  // The helper found it in /proc/self/maps (owner() is not None).
  EXPECT_EQ(
      PyRun_SimpleString("import _bufconf_python_adapter as m\n"
                         "e = [x for x in m.ENTRIES if x[0].startswith('mmap.mmap(<16-byte')][0]\n"
                         "o, _ = e[1]()\n"
                         "r = m.owner(o)\n"
                         "assert isinstance(r, list) and len(r) == 1 and r[0][1] == 16, r\n"),
      0);
  A().destroy_exporter(A().context, exporter);
}

// CPython 3.11's struct.unpack('0p', b'') raises SystemError (gh-124248): a spec whose items go
// through struct there is reported unsupported, saying why, not an adapter failure.
TEST(PythonAdapter, ZeroLengthPascalStringIsUnsupported) {
  const std::vector<uint8_t> items(8, 0);
  for (const char* format : {"0p1P", "0pi0p"}) {
    bufconf_array_spec spec{};
    spec.format = format;
    spec.itemsize = 8;
    spec.items = items.data();
    for (uint32_t layout : {0u, static_cast<uint32_t>(BUFCONF_LAYOUT_READONLY)}) {
      spec.layout = layout;
      void* exporter = nullptr;
      char message[512] = {0};
      if (std::string(format) == "0pi0p") spec.itemsize = 4;
      EXPECT_EQ(A().make_exporter(A().context, &spec, &exporter, message, sizeof message),
                BUFCONF_UNSUPPORTED)
          << format << ": " << message;
      EXPECT_NE(std::string(message).find("SystemError"), std::string::npos) << message;
      EXPECT_NE(std::string(message).find("gh-124248"), std::string::npos) << message;
      EXPECT_EQ(PyErr_Occurred(), nullptr);
    }
  }
}

TEST(PythonAdapter, UnsupportedSpecsAreSkipped) {
  // Indirect at the second dimension only: _testbuffer's ND_PIL cannot make it.
  const std::vector<bufconf_ssize_t> shape = {2, 2};
  const std::vector<uint8_t> indirect = {0, 1};
  const std::vector<uint8_t> items(16, 1);
  bufconf_array_spec spec{};
  spec.format = "i";
  spec.itemsize = 4;
  spec.ndim = 2;
  spec.shape = shape.data();
  spec.items = items.data();
  spec.indirect = indirect.data();
  void* exporter = nullptr;
  char message[512] = {0};
  EXPECT_EQ(A().make_exporter(A().context, &spec, &exporter, message, sizeof message),
            BUFCONF_UNSUPPORTED);
  EXPECT_EQ(PyErr_Occurred(), nullptr);
}

TEST(PythonAdapter, AlgorithmSideOnRealLayouts) {
  ASSERT_EQ(EnsurePythonInitialized(), "");
  const std::vector<bufconf_ssize_t> shape = {3, 4};
  const std::vector<bufconf_ssize_t> steps = {-1, 2};
  const std::vector<uint8_t> indirect = {1, 0};
  std::vector<uint8_t> items(48);
  for (size_t i = 0; i < items.size(); ++i) items[i] = static_cast<uint8_t>(i * 5 + 1);
  for (int variant = 0; variant < 3; ++variant) {
    bufconf_array_spec spec{};
    spec.format = "i";
    spec.itemsize = 4;
    spec.ndim = 2;
    spec.shape = shape.data();
    spec.items = items.data();
    spec.steps = variant >= 1 ? steps.data() : nullptr;
    spec.indirect = variant == 2 ? indirect.data() : nullptr;
    auto real = conformance::Materialize(spec);
    const bufconf_buffer& v = real->view;
    const conformance::Snapshot s =
        conformance::TakeSnapshot(v, real->regions.data(), real->regions.size());
    for (char order : {'C', 'F', 'A'}) {
      EXPECT_EQ(A().is_contiguous(A().context, &v, order) != 0, layout::IsContiguous(s.view, order))
          << variant << order;
    }
    const bufconf_ssize_t index[2] = {2, 1};
    EXPECT_NE(A().get_pointer(A().context, &v, index), nullptr);
    std::vector<uint8_t> out(48);
    ASSERT_EQ(A().to_contiguous(A().context, out.data(), &v, v.len, 'C'), BUFCONF_OK);
    EXPECT_EQ(out, items);
    EXPECT_EQ(A().to_contiguous(A().context, out.data(), &v, v.len - 1, 'C'), BUFCONF_REFUSED);
    EXPECT_EQ(PyErr_Occurred(), nullptr);
    // from_contiguous: `items` read as the Fortran-order contents of the 3x4 view. By hand:
    // element (i, j) gets the 4 bytes of F position j * 3 + i, so in C order the view holds
    // `c_order`; and the memory is what the reference model's FromContiguous writes.
    std::vector<uint8_t> c_order;
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 4; ++j) {
        const size_t f = static_cast<size_t>(j * 3 + i) * 4;
        c_order.insert(c_order.end(), items.begin() + f, items.begin() + f + 4);
      }
    }
    ASSERT_NE(c_order, items);  // the check below can tell the orders apart
    layout::Memory model = s.memory;
    layout::FromContiguous(s.view, model, items, 'F');
    ASSERT_EQ(A().from_contiguous(A().context, &v, items.data(), v.len, 'F'), BUFCONF_OK);
    EXPECT_EQ(PyErr_Occurred(), nullptr);
    const conformance::Snapshot after =
        conformance::TakeSnapshot(v, real->regions.data(), real->regions.size());
    ASSERT_EQ(after.memory.regions().size(), model.regions().size());
    for (size_t r = 0; r < model.regions().size(); ++r) {
      EXPECT_EQ(after.memory.regions()[r].bytes, model.regions()[r].bytes) << variant << " " << r;
    }
    EXPECT_EQ(layout::ToContiguous(after.view, after.memory, v.len, 'C'), c_order) << variant;
    EXPECT_EQ(layout::ToContiguous(after.view, after.memory, v.len, 'F'), items) << variant;
    EXPECT_TRUE(real->GuardsIntact()) << variant;
    // copy_data into a second, C-contiguous layout (holding `items` before): afterwards its
    // memory is the view's contents in C order.
    bufconf_array_spec plain = spec;
    plain.steps = nullptr;
    plain.indirect = nullptr;
    auto dest = conformance::Materialize(plain);
    ASSERT_EQ(dest->view.len, 48);
    const uint8_t* dest_bytes = static_cast<const uint8_t*>(dest->view.buf);
    ASSERT_EQ(std::vector<uint8_t>(dest_bytes, dest_bytes + 48), items);
    ASSERT_EQ(A().copy_data(A().context, &dest->view, &v), BUFCONF_OK);
    EXPECT_EQ(PyErr_Occurred(), nullptr);
    EXPECT_EQ(std::vector<uint8_t>(dest_bytes, dest_bytes + 48), c_order) << variant;
    EXPECT_TRUE(dest->GuardsIntact()) << variant;
    // The source is unchanged by the copy.
    const conformance::Snapshot source =
        conformance::TakeSnapshot(v, real->regions.data(), real->regions.size());
    for (size_t r = 0; r < model.regions().size(); ++r) {
      EXPECT_EQ(source.memory.regions()[r].bytes, model.regions()[r].bytes) << variant << " " << r;
    }
  }
  bufconf_ssize_t strides[2] = {0, 0};
  A().fill_contiguous_strides(A().context, 2, shape.data(), strides, 4, 'F');
  EXPECT_EQ(strides[0], 4);
  EXPECT_EQ(strides[1], 12);
  EXPECT_EQ(A().size_from_format(A().context, "i"), 4);
  EXPECT_EQ(A().size_from_format(A().context, "T{i}"), -1);
  EXPECT_EQ(PyErr_Occurred(), nullptr);
  // A read-only destination is refused, with no error left set.
  std::vector<uint8_t> bytes(8, 0);
  bufconf_buffer ro{};
  ro.buf = bytes.data();
  ro.len = 8;
  ro.itemsize = 1;
  ro.readonly = 1;
  ro.ndim = 1;
  bufconf_buffer rw = ro;
  rw.readonly = 0;
  EXPECT_EQ(A().copy_data(A().context, &ro, &rw), BUFCONF_REFUSED);
  EXPECT_EQ(PyErr_Occurred(), nullptr);
}

// The runner forks a child per rule after the parent may have used Python: after_fork makes the
// child's interpreter usable (numpy, _testbuffer and the algorithm side work there).
TEST(PythonAdapter, WorksInAForkedChildAfterFork) {
  ASSERT_EQ(EnsurePythonInitialized(), "");
  for (int round = 0; round < 3; ++round) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      if (A().after_fork(A().context) != 0) _exit(10);
      const std::vector<bufconf_ssize_t> shape = {2, 3};
      const std::vector<bufconf_ssize_t> steps = {-1, 2};
      const std::vector<uint8_t> indirect = {1, 0};
      std::vector<uint8_t> items(24);
      for (size_t i = 0; i < items.size(); ++i) items[i] = static_cast<uint8_t>(i);
      bufconf_array_spec spec{};
      spec.format = "i";
      spec.itemsize = 4;
      spec.ndim = 2;
      spec.shape = shape.data();
      spec.items = items.data();
      spec.steps = steps.data();
      spec.indirect = round == 2 ? indirect.data() : nullptr;
      void* exporter = nullptr;
      char message[512] = {0};
      if (A().make_exporter(A().context, &spec, &exporter, message, sizeof message) != 0) {
        _exit(11);
      }
      bufconf_buffer full{};
      if (A().get_buffer(A().context, exporter, &full, BUFCONF_PYBUF_FULL_RO, message,
                         sizeof message) != 0) {
        _exit(12);
      }
      std::vector<uint8_t> out(24);
      if (A().to_contiguous(A().context, out.data(), &full, full.len, 'C') != 0) _exit(13);
      if (out != items) _exit(14);
      A().release_buffer(A().context, exporter, &full);
      A().destroy_exporter(A().context, exporter);
      if (PyRun_SimpleString("import threading, numpy; threading.Thread(target=print).start()") !=
          0) {
        _exit(15);
      }
      _exit(PyErr_Occurred() != nullptr ? 16 : 0);
    }
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status)) << "signal " << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    EXPECT_EQ(WEXITSTATUS(status), 0) << "round " << round;
  }
  // The parent's interpreter is still fine.
  EXPECT_EQ(PyRun_SimpleString("import numpy; assert numpy.arange(3).sum() == 3"), 0);
}

}  // namespace
}  // namespace bufconf::adapters
