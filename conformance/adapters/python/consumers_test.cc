// The python adapter's consumer side (consumers.h): the consumer table, CPython's and numpy's
// consumers on providers made here (a C-contiguous 2x3 'i' array, a reversed 1-D 'B' view, a 0-d
// 'i', a PIL-style 2x2 'B' array of arrays), every get released exactly once when consume
// returns, refusals; fill_info as PyBuffer_FillInfo; reference_count around get_buffer.
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "conformance/adapter/loader.h"
#include "conformance/adapters/python/python_adapter.h"

namespace bufconf::adapters {
namespace {

const bufconf_adapter& A() { return *PythonAdapter(); }

// A provider answering every request honestly (PEP 3118): it refuses what its layout cannot
// give, and counts its gets and releases.
struct TestProvider {
  std::string format;
  bufconf_ssize_t itemsize = 1;
  int ndim = 0;
  std::vector<bufconf_ssize_t> shape, strides, suboffsets;  // suboffsets empty: none
  char* buf = nullptr;
  bool c_contiguous = false, f_contiguous = false;
  int readonly = 0;
  int gets = 0, releases = 0, refusals = 0;
  std::set<const void*> live;  // views got and not released (by their `internal`)
  bufconf_provider provider{};

  TestProvider() {
    provider.ctx = this;
    provider.get_buffer = &TestProvider::Get;
    provider.release_buffer = &TestProvider::Release;
  }

  bufconf_ssize_t Count() const {
    bufconf_ssize_t n = 1;
    for (bufconf_ssize_t extent : shape) n *= extent;
    return n;
  }

  static int Refuse(TestProvider* p, char* message, size_t size, const char* why) {
    ++p->refusals;
    std::snprintf(message, size, "test provider: %s", why);
    return BUFCONF_REFUSED;
  }

  static int Get(void* ctx, bufconf_buffer* view, int flags, char* message, size_t size) {
    auto* p = static_cast<TestProvider*>(ctx);
    if ((flags & BUFCONF_PYBUF_WRITABLE) != 0 && p->readonly) {
      return Refuse(p, message, size, "read-only");
    }
    if (!p->suboffsets.empty() && (flags & BUFCONF_PYBUF_INDIRECT) != BUFCONF_PYBUF_INDIRECT) {
      return Refuse(p, message, size, "suboffsets needed");
    }
    if ((flags & BUFCONF_PYBUF_STRIDES) != BUFCONF_PYBUF_STRIDES && !p->c_contiguous) {
      return Refuse(p, message, size, "not C-contiguous: strides needed");
    }
    if ((flags & 0x20) != 0 && !p->c_contiguous) return Refuse(p, message, size, "not C");
    if ((flags & 0x40) != 0 && !p->f_contiguous) return Refuse(p, message, size, "not F");
    if ((flags & 0x80) != 0 && !p->c_contiguous && !p->f_contiguous) {
      return Refuse(p, message, size, "not contiguous");
    }
    view->buf = p->buf;
    view->obj = nullptr;
    view->len = p->itemsize * p->Count();
    view->itemsize = p->itemsize;
    view->readonly = p->readonly;
    view->ndim = p->ndim;
    view->format =
        (flags & BUFCONF_PYBUF_FORMAT) != 0 ? const_cast<char*>(p->format.c_str()) : nullptr;
    view->shape = (flags & BUFCONF_PYBUF_ND) != 0 ? p->shape.data() : nullptr;
    view->strides =
        (flags & BUFCONF_PYBUF_STRIDES) == BUFCONF_PYBUF_STRIDES ? p->strides.data() : nullptr;
    view->suboffsets = p->suboffsets.empty() ? nullptr : p->suboffsets.data();
    // One token per get: a release names the view it ends.
    view->internal = new char;
    p->live.insert(view->internal);
    ++p->gets;
    return BUFCONF_OK;
  }

  static void Release(void* ctx, bufconf_buffer* view) {
    auto* p = static_cast<TestProvider*>(ctx);
    ++p->releases;
    if (p->live.erase(view->internal) == 1) delete static_cast<char*>(view->internal);
  }
};

// The 2x3 C-contiguous 'i' array [[1, 2, 3], [4, 5, 6]].
struct Int2x3 : TestProvider {
  int32_t items[6] = {1, 2, 3, 4, 5, 6};
  Int2x3() {
    format = "i";
    itemsize = 4;
    ndim = 2;
    shape = {2, 3};
    strides = {12, 4};
    buf = reinterpret_cast<char*>(items);
    c_contiguous = true;
  }
};

// The 1-D 'B' view [4, 3, 2, 1, 0] of memory [0, 1, 2, 3, 4] (stride -1), read-only.
struct Reversed : TestProvider {
  uint8_t memory[5] = {0, 1, 2, 3, 4};
  Reversed() {
    format = "B";
    itemsize = 1;
    ndim = 1;
    shape = {5};
    strides = {-1};
    buf = reinterpret_cast<char*>(memory + 4);
    readonly = 1;
  }
};

// The 0-d 'i' array 7.
struct Scalar : TestProvider {
  int32_t item = 7;
  Scalar() {
    format = "i";
    itemsize = 4;
    ndim = 0;
    buf = reinterpret_cast<char*>(&item);
    c_contiguous = f_contiguous = true;
  }
};

// The PIL-style 2x2 'B' array of arrays [[1, 2], [3, 4]]: a table of two row pointers.
struct Indirect : TestProvider {
  uint8_t row0[2] = {1, 2}, row1[2] = {3, 4};
  uint8_t* rows[2] = {row0, row1};
  Indirect() {
    format = "B";
    itemsize = 1;
    ndim = 2;
    shape = {2, 2};
    strides = {static_cast<bufconf_ssize_t>(sizeof(uint8_t*)), 1};
    suboffsets = {0, -1};
    buf = reinterpret_cast<char*>(rows);
    readonly = 1;
  }
};

struct Result {
  int rc = BUFCONF_ERROR;
  std::string out, message;
};

void Write(void* ctx, const void* data, size_t size) {
  static_cast<std::string*>(ctx)->append(static_cast<const char*>(data), size);
}

// The index of the consumer called `name` (-1 when there is none).
int Find(const std::string& name) {
  bufconf_consumer_info info{};
  for (size_t i = 0; A().consumer(A().context, i, &info) == BUFCONF_OK; ++i) {
    if (name == info.name) return static_cast<int>(i);
  }
  return -1;
}

// Runs consumer `name` on a (and b), checking that every get was released exactly once.
Result Consume(const std::string& name, TestProvider* a, TestProvider* b = nullptr) {
  Result r;
  const int index = Find(name);
  EXPECT_GE(index, 0) << name;
  if (index < 0) return r;
  bufconf_sink sink{&r.out, Write};
  char message[512] = "";
  r.rc = A().consume(A().context, static_cast<size_t>(index), &a->provider,
                     b != nullptr ? &b->provider : nullptr, &sink, message, sizeof message);
  r.message = message;
  for (TestProvider* p : {a, b}) {
    if (p == nullptr) continue;
    EXPECT_EQ(p->gets, p->releases) << name << ": every get released (RELEASE-PAIRED)";
    EXPECT_TRUE(p->live.empty()) << name;
  }
  EXPECT_EQ(PyErr_Occurred(), nullptr) << name;
  return r;
}

std::string Bytes(const std::vector<int>& values) {
  std::string out;
  for (int v : values) out += static_cast<char>(v);
  return out;
}

std::string Int32Bytes(const std::vector<int32_t>& values) {
  return std::string(reinterpret_cast<const char*>(values.data()), values.size() * 4);
}

TEST(PythonConsumers, DeclaredAndTableWellFormed) {
  EXPECT_EQ(conformance::CheckAdapter(A()), "");
  EXPECT_EQ(A().abi_version, static_cast<uint32_t>(BUFCONF_ADAPTER_ABI_VERSION));
  const uint64_t caps = BUFCONF_CAP_CONSUMERS | BUFCONF_CAP_FILL_INFO | BUFCONF_CAP_REFERENCES;
  EXPECT_EQ(A().capabilities & caps, caps);
  ASSERT_NE(A().consumer, nullptr);
  ASSERT_NE(A().consume, nullptr);
  const std::set<std::string> rules = {"", "ALGO-TOLIST", "ALGO-TOBYTES", "ALGO-EQUAL",
                                       "ALGO-GET-CONTIGUOUS"};
  std::set<std::string> names;
  size_t n = 0;
  bufconf_consumer_info info{};
  while (A().consumer(A().context, n, &info) == BUFCONF_OK) {
    ASSERT_NE(std::memchr(info.name, '\0', sizeof info.name), nullptr);
    ASSERT_NE(std::memchr(info.rule, '\0', sizeof info.rule), nullptr);
    EXPECT_NE(info.name[0], '\0');
    EXPECT_TRUE(names.insert(info.name).second) << "duplicate " << info.name;
    EXPECT_GE(info.kind, 1u) << info.name;
    EXPECT_LE(info.kind, 6u) << info.name;
    EXPECT_EQ(rules.count(info.rule), 1u) << info.name << ": " << info.rule;
    ++n;
  }
  EXPECT_GE(n, 16u);
  EXPECT_EQ(A().consumer(A().context, n + 5, &info), BUFCONF_UNSUPPORTED);
  // numpy imports in the embedded 3.11: its consumers are listed.
  EXPECT_EQ(names.count("numpy.asarray(x).tobytes('C')"), 1u);
  EXPECT_EQ(names.count("memoryview(x).tolist()"), 1u);
  // The same table on every call.
  bufconf_consumer_info again{};
  ASSERT_EQ(A().consumer(A().context, 0, &again), BUFCONF_OK);
  ASSERT_EQ(A().consumer(A().context, 0, &info), BUFCONF_OK);
  EXPECT_STREQ(again.name, info.name);
}

TEST(PythonConsumers, ContiguousArray) {
  const std::string c = Int32Bytes({1, 2, 3, 4, 5, 6});
  const std::string f = Int32Bytes({1, 4, 2, 5, 3, 6});
  for (const char* name :
       {"memoryview(x).tobytes('C')", "memoryview(x).tobytes()", "memoryview(x).tobytes('A')",
        "PyMemoryView_GetContiguous(x, PyBUF_READ, 'C')", "bytes(x)", "bytearray(x)",
        "memoryview(x)[::-1][::-1].tobytes()", "memoryview(x).cast('B').tobytes()",
        "numpy.asarray(x).tobytes('C')", "numpy.array(x).tobytes('C')",
        "numpy.frombuffer(x, dtype=numpy.uint8).tobytes()",
        "numpy.ndarray((n,), numpy.uint8, buffer=x).tobytes()"}) {
    Int2x3 p;
    const Result r = Consume(name, &p);
    EXPECT_EQ(r.rc, BUFCONF_OK) << name << ": " << r.message;
    EXPECT_EQ(r.out, c) << name;
    EXPECT_GT(p.gets, 0) << name;
  }
  for (const char* name :
       {"memoryview(x).tobytes('F')", "PyMemoryView_GetContiguous(x, PyBUF_READ, 'F')"}) {
    Int2x3 p;
    const Result r = Consume(name, &p);
    EXPECT_EQ(r.rc, BUFCONF_OK) << name << ": " << r.message;
    EXPECT_EQ(r.out, f) << name;
  }
  Int2x3 p;
  Result r = Consume("memoryview(x).tolist()", &p);
  EXPECT_EQ(r.rc, BUFCONF_OK) << r.message;
  EXPECT_EQ(r.out, "[[1,2,3],[4,5,6]]");
  r = Consume("memoryview(x)[i, j, ...] for every index", &p);
  EXPECT_EQ(r.rc, BUFCONF_OK) << r.message;
  EXPECT_EQ(r.out, "[1,2,3,4,5,6]");
  r = Consume("struct.Struct(format).unpack_from(x, k * itemsize)", &p);
  EXPECT_EQ(r.rc, BUFCONF_OK) << r.message;
  EXPECT_EQ(r.out, "[1,2,3,4,5,6]");
  // array.frombytes takes bytes only: a contiguous buffer of 4-byte items is refused (TypeError,
  // "a bytes-like object is required": itemsize != 1).
  r = Consume("array.array('B').frombytes(x)", &p);
  EXPECT_EQ(r.rc, BUFCONF_REFUSED) << r.message;
  EXPECT_EQ(r.message.rfind("TypeError: ", 0), 0u) << r.message;
  Reversed bytes;
  bytes.strides = {1};
  bytes.buf = reinterpret_cast<char*>(bytes.memory);
  bytes.c_contiguous = bytes.f_contiguous = true;
  r = Consume("array.array('B').frombytes(x)", &bytes);
  EXPECT_EQ(r.rc, BUFCONF_OK) << r.message;
  EXPECT_EQ(r.out, Bytes({0, 1, 2, 3, 4}));
}

TEST(PythonConsumers, Equal) {
  Int2x3 a, b;
  Result r = Consume("memoryview(a) == memoryview(b)", &a, &b);
  EXPECT_EQ(r.rc, BUFCONF_OK) << r.message;
  EXPECT_EQ(r.out, std::string(1, '\1'));
  EXPECT_GT(b.gets, 0);
  b.items[5] = 9;
  r = Consume("memoryview(a) == memoryview(b)", &a, &b);
  EXPECT_EQ(r.rc, BUFCONF_OK) << r.message;
  EXPECT_EQ(r.out, std::string(1, '\0'));
}

TEST(PythonConsumers, NegativeStride) {
  const std::string expected = Bytes({4, 3, 2, 1, 0});
  for (const char* name :
       {"memoryview(x).tobytes('C')", "memoryview(x).tobytes('F')", "bytes(x)", "bytearray(x)",
        "PyMemoryView_GetContiguous(x, PyBUF_READ, 'A')", "memoryview(x)[::-1][::-1].tobytes()",
        "numpy.asarray(x).tobytes('C')", "numpy.array(x).tobytes('C')"}) {
    Reversed p;
    const Result r = Consume(name, &p);
    EXPECT_EQ(r.rc, BUFCONF_OK) << name << ": " << r.message;
    EXPECT_EQ(r.out, expected) << name;
  }
  Reversed p;
  Result r = Consume("memoryview(x).tolist()", &p);
  EXPECT_EQ(r.out, "[4,3,2,1,0]") << r.message;
  // Consumers that need a contiguous buffer refuse cleanly: the provider refuses PyBUF_SIMPLE
  // (BufferError), cast refuses a non-C-contiguous view (TypeError).
  for (const char* name : {"memoryview(x).cast('B').tobytes()", "array.array('B').frombytes(x)",
                           "struct.Struct(format).unpack_from(x, k * itemsize)",
                           "numpy.frombuffer(x, dtype=numpy.uint8).tobytes()",
                           "numpy.ndarray((n,), numpy.uint8, buffer=x).tobytes()"}) {
    Reversed q;
    const Result refused = Consume(name, &q);
    EXPECT_EQ(refused.rc, BUFCONF_REFUSED) << name << ": " << refused.message;
    EXPECT_EQ(refused.out, "") << name;
    EXPECT_NE(refused.message.find("Error"), std::string::npos) << name << ": " << refused.message;
  }
  Reversed q;
  r = Consume("array.array('B').frombytes(x)", &q);
  EXPECT_EQ(r.message.rfind("BufferError: test provider: ", 0), 0u) << r.message;
  EXPECT_GT(q.refusals, 0);
}

TEST(PythonConsumers, ZeroDimensional) {
  Scalar p;
  Result r = Consume("memoryview(x).tolist()", &p);
  EXPECT_EQ(r.rc, BUFCONF_OK) << r.message;
  EXPECT_EQ(r.out, "7");
  r = Consume("memoryview(x)[i, j, ...] for every index", &p);
  EXPECT_EQ(r.out, "[7]") << r.message;
  r = Consume("memoryview(x)[::-1][::-1].tobytes()", &p);
  EXPECT_EQ(r.rc, BUFCONF_UNSUPPORTED) << r.message;
  r = Consume("bytes(x)", &p);
  EXPECT_EQ(r.out, Int32Bytes({7})) << r.message;
}

TEST(PythonConsumers, SuboffsetsAndNumpy) {
  const std::string expected = Bytes({1, 2, 3, 4});
  for (const char* name : {"memoryview(x).tobytes('C')", "bytes(x)",
                           "PyMemoryView_GetContiguous(x, PyBUF_READ, 'C')"}) {
    Indirect p;
    const Result r = Consume(name, &p);
    EXPECT_EQ(r.rc, BUFCONF_OK) << name << ": " << r.message;
    EXPECT_EQ(r.out, expected) << name;
  }
  // numpy does not read suboffsets: a clean refusal (BufferError).
  for (const char* name : {"numpy.asarray(x).tobytes('C')", "numpy.array(x).tobytes('C')"}) {
    Indirect p;
    const Result r = Consume(name, &p);
    EXPECT_EQ(r.rc, BUFCONF_REFUSED) << r.message;
    EXPECT_EQ(r.message.rfind("BufferError: ", 0), 0u) << r.message;
  }
}

TEST(PythonConsumers, ItemsizeMismatchIsNotRead) {
  // The format 'i' with an itemsize of 8: numpy 1.24 raises RuntimeError (improper: not a
  // documented refusal); older numpy warns (RuntimeWarning) and reads the buffer another way,
  // which the consumer turns into an error, a refusal.
  Int2x3 p;
  p.itemsize = 8;
  p.shape = {3};
  p.ndim = 1;
  p.strides = {8};
  const Result r = Consume("numpy.asarray(x).tobytes('C')", &p);
  EXPECT_TRUE(r.rc == BUFCONF_REFUSED || r.rc == BUFCONF_REFUSED_IMPROPERLY) << r.message;
  EXPECT_NE(r.message.find("tem size"), std::string::npos) << r.message;
  EXPECT_EQ(r.out, "");
}

TEST(PythonConsumers, ProviderGoneAfterConsume) {
  // A view a consumer leaks would hold the wrapper: after consume it no longer reaches the
  // provider. Here: nothing is left, and the provider is not called after consume returns.
  Int2x3 p;
  Consume("numpy.asarray(x).tobytes('C')", &p);
  const int gets = p.gets;
  PyObject* gc = PyImport_ImportModule("gc");
  ASSERT_NE(gc, nullptr);
  PyObject* collected = PyObject_CallMethod(gc, "collect", nullptr);
  Py_XDECREF(collected);
  Py_DECREF(gc);
  EXPECT_EQ(p.gets, gets);
  EXPECT_EQ(p.releases, gets);
}

TEST(PythonFillInfo, FillsAsPyBufferFillInfo) {
  ASSERT_NE(A().fill_info, nullptr);
  char memory[16] = {0};
  for (int flags : {PyBUF_SIMPLE, PyBUF_FULL_RO, PyBUF_RECORDS, PyBUF_CONTIG, PyBUF_WRITABLE}) {
    bufconf_buffer got;
    std::memset(&got, 0xab, sizeof got);
    Py_buffer want;
    std::memset(&want, 0xab, sizeof want);
    char message[256] = "";
    ASSERT_EQ(
        A().fill_info(A().context, &got, nullptr, memory, 16, 0, flags, message, sizeof message),
        BUFCONF_OK)
        << message;
    ASSERT_EQ(PyBuffer_FillInfo(&want, nullptr, memory, 16, 0, flags), 0);
    // Every field as PyBuffer_FillInfo fills it (shape and strides, when given, point to the
    // view's own len and itemsize).
    EXPECT_EQ(got.buf, want.buf);
    EXPECT_EQ(got.len, want.len);
    EXPECT_EQ(got.itemsize, want.itemsize);
    EXPECT_EQ(got.readonly, want.readonly);
    EXPECT_EQ(got.ndim, want.ndim);
    EXPECT_EQ(got.format == nullptr, want.format == nullptr) << flags;
    if (got.format != nullptr && want.format != nullptr) {
      EXPECT_STREQ(got.format, want.format);
    }
    EXPECT_EQ(got.shape == nullptr, want.shape == nullptr) << flags;
    if (got.shape != nullptr) {
      EXPECT_EQ(got.shape, &got.len);
    }
    if (want.shape != nullptr) {
      EXPECT_EQ(want.shape, &want.len);
    }
    EXPECT_EQ(got.strides == nullptr, want.strides == nullptr) << flags;
    if (got.strides != nullptr) {
      EXPECT_EQ(got.strides, &got.itemsize);
    }
    if (want.strides != nullptr) {
      EXPECT_EQ(want.strides, &want.itemsize);
    }
    EXPECT_EQ(got.suboffsets, want.suboffsets);
    EXPECT_EQ(got.internal, want.internal);
    EXPECT_EQ(got.buf, memory);
    EXPECT_EQ(got.obj, nullptr);
    EXPECT_EQ(got.len, 16);
  }
  bufconf_buffer view{};
  char message[256] = "";
  EXPECT_EQ(A().fill_info(A().context, &view, nullptr, memory, 16, 1, PyBUF_WRITABLE, message,
                          sizeof message),
            BUFCONF_REFUSED);
  EXPECT_EQ(std::string(message).rfind("BufferError: ", 0), 0u) << message;
  EXPECT_EQ(PyErr_Occurred(), nullptr);
}

TEST(PythonReferences, CountFollowsGetAndRelease) {
  ASSERT_NE(A().exporter_object, nullptr);
  ASSERT_NE(A().reference_count, nullptr);
  const std::vector<bufconf_ssize_t> shape = {4};
  const uint8_t items[4] = {1, 2, 3, 4};
  for (uint32_t layout : {0u, static_cast<uint32_t>(BUFCONF_LAYOUT_READONLY)}) {
    bufconf_array_spec spec{};
    spec.format = "B";
    spec.itemsize = 1;
    spec.ndim = 1;
    spec.shape = shape.data();
    spec.items = items;
    spec.layout = layout;
    void* exporter = nullptr;
    char message[512] = "";
    ASSERT_EQ(A().make_exporter(A().context, &spec, &exporter, message, sizeof message), BUFCONF_OK)
        << message;
    void* obj = A().exporter_object(A().context, exporter);
    ASSERT_NE(obj, nullptr);
    const bufconf_ssize_t before = A().reference_count(A().context, obj);
    EXPECT_EQ(before, Py_REFCNT(static_cast<PyObject*>(obj))) << message;
    EXPECT_GT(before, 0);
    bufconf_buffer view{};
    ASSERT_EQ(A().get_buffer(A().context, exporter, &view, PyBUF_FULL_RO, message, sizeof message),
              BUFCONF_OK)
        << message;
    EXPECT_EQ(view.obj, obj) << message;
    EXPECT_EQ(A().reference_count(A().context, obj), before + 1) << message;
    A().release_buffer(A().context, exporter, &view);
    EXPECT_EQ(view.obj, nullptr);
    EXPECT_EQ(A().reference_count(A().context, obj), before) << message;
    A().destroy_exporter(A().context, exporter);
  }
  // Another object: an int the test holds.
  PyObject* number = PyLong_FromLong(123456789);
  EXPECT_EQ(A().reference_count(A().context, number), 1);
  Py_DECREF(number);
}

}  // namespace
}  // namespace bufconf::adapters
