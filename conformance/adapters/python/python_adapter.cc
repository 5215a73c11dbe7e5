#include "conformance/adapters/python/python_adapter.h"

// Python.h first, as CPython asks; through python_abi.h, the part of the C API whose binary
// interface is the same in every CPython 3.8-3.13 (the adapter also runs inside other
// interpreters: bufconf run --python, hosted_main.cc).
#include "conformance/adapters/python/python_abi.h"
// (Python.h before the system headers.)
#include <dlfcn.h>
#include <pthread.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "conformance/adapter/reference_adapter.h"
#include "conformance/adapter/register.h"
#include "conformance/adapters/python/consumers.h"
#include "conformance/adapters/python/helper_source.h"
#include "conformance/adapters/python/interpreter.h"

// Not in the limited API, but exported with the same signature by every CPython since 3.8
// (Objects/picklebufobject.c), where PickleBuffer appeared.
extern "C" const Py_buffer* PyPickleBuffer_GetBuffer(PyObject*);

namespace bufconf::adapters {
namespace {

// bufconf_buffer is Py_buffer's layout (bufconf_adapter.h): the suite's views are passed to the
// C-API as they are.
static_assert(sizeof(bufconf_buffer) == sizeof(Py_buffer), "Py_buffer layout");
static_assert(offsetof(bufconf_buffer, buf) == offsetof(Py_buffer, buf), "buf");
static_assert(offsetof(bufconf_buffer, obj) == offsetof(Py_buffer, obj), "obj");
static_assert(offsetof(bufconf_buffer, len) == offsetof(Py_buffer, len), "len");
static_assert(offsetof(bufconf_buffer, itemsize) == offsetof(Py_buffer, itemsize), "itemsize");
static_assert(offsetof(bufconf_buffer, readonly) == offsetof(Py_buffer, readonly), "readonly");
static_assert(offsetof(bufconf_buffer, ndim) == offsetof(Py_buffer, ndim), "ndim");
static_assert(offsetof(bufconf_buffer, format) == offsetof(Py_buffer, format), "format");
static_assert(offsetof(bufconf_buffer, shape) == offsetof(Py_buffer, shape), "shape");
static_assert(offsetof(bufconf_buffer, strides) == offsetof(Py_buffer, strides), "strides");
static_assert(offsetof(bufconf_buffer, suboffsets) == offsetof(Py_buffer, suboffsets), "subs");
static_assert(offsetof(bufconf_buffer, internal) == offsetof(Py_buffer, internal), "internal");
static_assert(sizeof(bufconf_ssize_t) == sizeof(Py_ssize_t), "Py_ssize_t");

Py_buffer* AsPy(bufconf_buffer* view) { return reinterpret_cast<Py_buffer*>(view); }
const Py_buffer* AsPy(const bufconf_buffer* view) {
  return reinterpret_cast<const Py_buffer*>(view);
}

// The helper module (helper.py, embedded at build time as kHelperSource): building exporters
// (make, enumerate) and finding the memory they own (owner). Python code, so numpy, ctypes and
// _testbuffer are driven the way their users drive them.

// ---- the interpreter ----

struct State {
  bool tried = false;
  std::string error;           // why initialisation failed ("" when it worked)
  PyObject* module = nullptr;  // the helper module
  PyObject* unsupported = nullptr;
  std::string factory;        // BUFCONF_PYTHON_FACTORY ("" when unset)
  std::string factory_error;  // why the factory cannot be used ("" when it can, or is unset)
};

State& GetState() {
  static State state;
  return state;
}

// The UTF-8 text of a str (NULL, with an exception set, when it has none).
const char* Utf8(PyObject* s) { return PyUnicode_AsUTF8AndSize(s, nullptr); }

// "module.QualifiedName" of an object's type ("int" for builtins), as tp_name says it.
std::string TypeName(PyObject* obj) {
  PyObject* type = PyObject_Type(obj);
  std::string name = "?";
  if (type != nullptr) {
    PyObject* module = PyObject_GetAttrString(type, "__module__");
    PyObject* qualname = PyObject_GetAttrString(type, "__qualname__");
    const char* m = module != nullptr && PyUnicode_Check(module) ? Utf8(module) : nullptr;
    const char* q = qualname != nullptr && PyUnicode_Check(qualname) ? Utf8(qualname) : nullptr;
    if (q != nullptr) name = q;
    if (m != nullptr && q != nullptr && std::strcmp(m, "builtins") != 0) {
      name = std::string(m) + "." + q;
    }
    Py_DecRef(module);
    Py_DecRef(qualname);
    Py_DecRef(type);
  }
  PyErr_Clear();
  return name;
}

// PyObject_CheckBuffer: whether the object's type has bf_getbuffer. A function from 3.9; in 3.8
// a macro reading the type, done here the same way: the layout of a type object up to
// tp_as_buffer (Include/cpython/object.h) is the same in every CPython 3.
bool HasBufferInterface(PyObject* obj) {
  using CheckFn = int (*)(PyObject*);
  static const auto check = reinterpret_cast<CheckFn>(dlsym(RTLD_DEFAULT, "PyObject_CheckBuffer"));
  if (check != nullptr) return check(obj) != 0;
  struct BufferProcs {
    void* bf_getbuffer;
  };
  struct TypePrefix {
    PyVarObject head;
    const char* tp_name;
    Py_ssize_t tp_basicsize, tp_itemsize;
    void* slots[14];  // tp_dealloc ... tp_setattro
    const BufferProcs* tp_as_buffer;
  };
  const auto* type = reinterpret_cast<const TypePrefix*>(Py_TYPE(obj));
  return type->tp_as_buffer != nullptr && type->tp_as_buffer->bf_getbuffer != nullptr;
}

// "ExceptionType: message" of the current Python error, which is cleared; "" when none is set.
std::string TakeError() {
  if (!PyErr_Occurred()) return "";
  PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  std::string text = type != nullptr ? PyExceptionClass_Name(type) : "?";
  const char* dot = std::strrchr(text.c_str(), '.');
  if (dot != nullptr) text = dot + 1;  // "numpy.core._exceptions.X" -> "X"
  if (value != nullptr) {
    PyObject* s = PyObject_Str(value);
    if (s != nullptr) {
      const char* utf8 = Utf8(s);
      if (utf8 != nullptr && *utf8 != '\0') text += std::string(": ") + utf8;
      Py_DecRef(s);
    }
    PyErr_Clear();  // from str() or AsUTF8
  }
  Py_DecRef(type);
  Py_DecRef(value);
  Py_DecRef(traceback);
  return text;
}

std::string GetEnv(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

// BUFCONF_PYTHON_FACTORY=package.module:callable: the callable is called once, here (in the
// parent, before the runner forks), and enumerate lists only what it returned. Imports look in
// the working directory (the caller's under `bazel run`) and BUFCONF_PYTHON_PATH first. A failure
// is kept in factory_error (docs/python-factory.md).
void LoadFactory() {
  State& state = GetState();
  state.factory = GetEnv("BUFCONF_PYTHON_FACTORY");
  if (state.factory.empty()) return;
  std::string cwd = GetEnv("BUILD_WORKING_DIRECTORY");
  if (cwd.empty()) {
    char buffer[4096];
    if (getcwd(buffer, sizeof buffer) != nullptr) cwd = buffer;
  }
  // The limits (bufconf run sets them from --max-objects and --timeout): the factory gives at
  // most max_objects objects (one more is asked for, to tell there are more), and importing,
  // calling and iterating it end within the limit. Python code is interrupted (SIGALRM, in
  // load_factory); what does not stop (C code, an `except BaseException`) is ended by the
  // watchdog below: bufconf exits 2, the adapter's load error, with the reason.
  long long max_objects = 10000;
  double timeout = 20;
  if (const std::string v = GetEnv("BUFCONF_MAX_OBJECTS"); !v.empty()) {
    char* end = nullptr;
    const long long n = std::strtoll(v.c_str(), &end, 10);
    if (*end != '\0' || n < 1 || n > 1000000) {
      state.factory_error = "BUFCONF_PYTHON_FACTORY=" + state.factory + ": BUFCONF_MAX_OBJECTS='" +
                            v + "' is not a whole number from 1 to 1000000";
      return;
    }
    max_objects = n;
  }
  if (const std::string v = GetEnv("BUFCONF_PYTHON_FACTORY_TIMEOUT"); !v.empty()) {
    char* end = nullptr;
    const double seconds = std::strtod(v.c_str(), &end);
    if (*end != '\0' || !(seconds > 0 && seconds <= 86400)) {
      state.factory_error = "BUFCONF_PYTHON_FACTORY=" + state.factory +
                            ": BUFCONF_PYTHON_FACTORY_TIMEOUT='" + v +
                            "' is not a number of seconds in (0, 86400]";
      return;
    }
    timeout = seconds;
  }
  std::mutex mutex;
  std::condition_variable cv;
  bool done = false;
  std::thread watchdog([&] {
    std::unique_lock<std::mutex> lock(mutex);
    const auto grace = std::chrono::duration<double>(timeout + 5);
    if (cv.wait_for(lock, grace, [&] { return done; })) return;
    std::fprintf(stderr,
                 "bufconf: python adapter: BUFCONF_PYTHON_FACTORY=%s: the factory did not finish "
                 "within %g s (--timeout; importing it, calling it and iterating what it "
                 "returned), and did not stop when interrupted: bufconf stops (exit status 2)\n",
                 state.factory.c_str(), timeout);
    std::fflush(stderr);
    _exit(2);
  });
  PyObject* fn = PyObject_GetAttrString(state.module, "load_factory");
  PyObject* entries =
      fn != nullptr
          ? PyObject_CallFunction(fn, "sssLd", state.factory.c_str(), cwd.c_str(),
                                  GetEnv("BUFCONF_PYTHON_PATH").c_str(), max_objects, timeout)
          : nullptr;
  Py_DecRef(fn);
  {
    std::lock_guard<std::mutex> lock(mutex);
    done = true;
  }
  cv.notify_all();
  watchdog.join();
  if (entries == nullptr) {
    std::string error = TakeError();
    if (error.rfind("FactoryError: ", 0) == 0) error.erase(0, std::strlen("FactoryError: "));
    state.factory_error = error;
  } else {
    // An object without a buffer interface, or a malformed entry, is not an error of the factory:
    // enumerate reports that entry as skipped (BUFCONF_SKIPPED) and the others are judged.
    Py_DecRef(entries);
  }
  if (!state.factory_error.empty()) {
    state.factory_error = "BUFCONF_PYTHON_FACTORY=" + state.factory + ": " + state.factory_error;
  }
}

std::string Initialize() {
  // Debian's /usr/bin/python3 world; no signal handlers of our own (the runner owns the
  // signals); single-threaded BLAS (the runner forks after numpy is imported).
  const std::string started = StartInterpreter();
  if (!started.empty()) return started;
  State& state = GetState();
  PyObject* code = Py_CompileString(kHelperSource, "<bufconf python adapter>", Py_file_input);
  if (code == nullptr) return "the helper module does not compile: " + TakeError();
  state.module = PyImport_ExecCodeModule("_bufconf_python_adapter", code);
  Py_DecRef(code);
  if (state.module == nullptr) return "the helper module does not import: " + TakeError();
  state.unsupported = PyObject_GetAttrString(state.module, "Unsupported");
  if (state.unsupported == nullptr) return TakeError();
  LoadFactory();
  return "";
}

bool Ready(std::string* why = nullptr) {
  State& state = GetState();
  if (!state.tried) {
    state.tried = true;
    state.error = Initialize();
  }
  if (!state.error.empty() && why != nullptr) *why = "embedded Python: " + state.error;
  return state.error.empty();
}

void SetMessage(char* message, size_t size, const std::string& text) {
  if (message == nullptr || size == 0) return;
  std::snprintf(message, size, "%s", text.c_str());
}

// Calls module.name(*args) (args is stolen; NULL when building it failed).
PyObject* CallHelper(const char* name, PyObject* args) {
  if (args == nullptr) return nullptr;
  PyObject* fn = PyObject_GetAttrString(GetState().module, name);
  PyObject* result = fn != nullptr ? PyObject_CallObject(fn, args) : nullptr;
  Py_DecRef(fn);
  Py_DecRef(args);
  return result;
}

// ---- exporter side ----

struct PyExporter {
  PyObject* obj = nullptr;  // the exporter (owned reference)
  std::string what;         // the kind of exporter, for messages
  // enumerate's expected contents
  std::string format;
  std::vector<bufconf_ssize_t> shape;
  std::string items;
  // A factory entry's memory declaration: regions() reports exactly `declared` (from the
  // entry's (address, size) pairs, or the buffer of `owner`, read again on every call: the
  // owner's memory may move when it is resized).
  bool memory_declared = false;
  std::vector<bufconf_region> declared;
  PyObject* owner = nullptr;  // owned reference, or NULL
  std::string note;           // info->note ("" for none)
};

// The most memory one factory entry may declare (the suite copies declared memory to judge it).
constexpr size_t kMaxDeclaredBytes = size_t{256} << 20;

// The memory `owner`'s buffer spans, asked with PyBUF_SIMPLE (or PyBUF_FULL_RO when that is
// refused, if the buffer is contiguous) and released at once; the owner itself stays alive in
// the exporter. False, with why, when it cannot be had.
bool OwnerSpan(PyObject* owner, bufconf_region* region, bool* readonly, std::string* why) {
  const std::string type = TypeName(owner);
  if (!HasBufferInterface(owner)) {
    *why = "the memory owner, a " + type + ", does not support the buffer protocol";
    return false;
  }
  Py_buffer view;
  if (PyObject_GetBuffer(owner, &view, PyBUF_SIMPLE) != 0) {
    const std::string simple = TakeError();
    if (PyObject_GetBuffer(owner, &view, PyBUF_FULL_RO) != 0) {
      *why = "the memory owner, a " + type + ", refused PyBUF_SIMPLE (" + simple +
             ") and PyBUF_FULL_RO (" + TakeError() + ")";
      return false;
    }
    if (view.suboffsets != nullptr || !PyBuffer_IsContiguous(&view, 'A')) {
      PyBuffer_Release(&view);
      TakeError();
      *why = "the memory owner's buffer (a " + type +
             ") is not contiguous: declare its memory as (address, size) pairs";
      return false;
    }
  }
  region->base = view.buf;
  region->size = view.len > 0 ? static_cast<size_t>(view.len) : 0;
  *readonly = view.readonly != 0;
  PyBuffer_Release(&view);
  TakeError();
  if (region->base == nullptr && region->size > 0) {
    *why = "the memory owner's buffer (a " + type + ") has " + std::to_string(region->size) +
           " bytes at address NULL";
    return false;
  }
  if (region->size > kMaxDeclaredBytes) {
    *why = "the memory owner's buffer (a " + type + ") is more than 256 MiB";
    return false;
  }
  return true;
}

// A str attribute of a dict ("" when absent, None or not a str).
std::string DictString(PyObject* dict, const char* key) {
  PyObject* value = PyDict_GetItemString(dict, key);  // borrowed
  if (value == nullptr || !PyUnicode_Check(value)) return "";
  const char* utf8 = Utf8(value);
  if (utf8 == nullptr) {
    TakeError();
    return "";
  }
  return utf8;
}

// Applies a factory entry's extra dict (see _factory_entry) to `ex` and `info`. Returns "" when
// the entry can be judged, else the description saying why it is skipped.
std::string ApplyFactoryExtra(PyExporter* ex, PyObject* extra, const std::string& description,
                              bufconf_enumerated* info) {
  if (extra == nullptr || !PyDict_Check(extra)) return "";
  const std::string skip = DictString(extra, "skip");
  if (!skip.empty()) return skip;
  PyObject* memory = PyDict_GetItemString(extra, "memory");  // borrowed
  PyObject* owner = PyDict_GetItemString(extra, "owner");    // borrowed
  PyObject* readonly = PyDict_GetItemString(extra, "memory_readonly");
  bool memory_readonly = readonly != nullptr && PyObject_IsTrue(readonly) == 1;
  if (memory != nullptr && PyList_Check(memory)) {
    ex->memory_declared = true;
    for (Py_ssize_t i = 0; i < PyList_Size(memory); ++i) {
      unsigned long long address = 0;
      Py_ssize_t size = 0;
      if (!PyArg_ParseTuple(PyList_GetItem(memory, i), "Kn", &address, &size)) {
        return description + ": skipped: a bad memory declaration: " + TakeError();
      }
      ex->declared.push_back({reinterpret_cast<const void*>(static_cast<uintptr_t>(address)),
                              static_cast<size_t>(size)});
    }
  } else if (owner != nullptr && owner != Py_None) {
    bufconf_region region{};
    bool owner_readonly = false;
    std::string why;
    if (!OwnerSpan(owner, &region, &owner_readonly, &why)) {
      return description + ": skipped: " + why;
    }
    ex->memory_declared = true;
    ex->declared.push_back(region);
    ex->owner = owner;
    Py_IncRef(owner);
    if (readonly == nullptr || readonly == Py_None) memory_readonly = owner_readonly;
  }
  ex->note = DictString(extra, "note");
  if (info != nullptr) {
    info->memory_declared = ex->memory_declared ? 1 : 0;
    info->memory_readonly = ex->memory_declared && memory_readonly ? 1 : 0;
    info->note = ex->note.empty() ? nullptr : ex->note.c_str();
  }
  return "";
}

PyObject* SsizeTuple(const bufconf_ssize_t* values, int n) {
  PyObject* t = PyTuple_New(n);
  if (t == nullptr) return nullptr;
  for (int i = 0; i < n; ++i) {
    PyObject* v = PyLong_FromSsize_t(values[i]);
    if (v == nullptr) {
      Py_DecRef(t);
      return nullptr;
    }
    PyTuple_SetItem(t, i, v);
  }
  return t;
}

int MakeExporter(void*, const bufconf_array_spec* spec, void** exporter, char* message,
                 size_t message_size) {
  std::string why;
  if (!Ready(&why)) {
    SetMessage(message, message_size, why);
    return BUFCONF_ERROR;
  }
  if (spec == nullptr || spec->format == nullptr || spec->ndim < 0 || spec->ndim > 64 ||
      spec->itemsize < 0 || (spec->ndim > 0 && spec->shape == nullptr)) {
    SetMessage(message, message_size, "invalid spec");
    return BUFCONF_ERROR;
  }
  Py_ssize_t count = 1;
  for (int i = 0; i < spec->ndim; ++i) {
    if (spec->shape[i] < 0 || __builtin_mul_overflow(count, spec->shape[i], &count)) {
      SetMessage(message, message_size, "invalid shape");
      return BUFCONF_ERROR;
    }
  }
  Py_ssize_t len = 0;
  if (__builtin_mul_overflow(count, spec->itemsize, &len) || len > (Py_ssize_t{1} << 28) ||
      (len > 0 && spec->items == nullptr)) {
    SetMessage(message, message_size, "invalid or too large items");
    return BUFCONF_ERROR;
  }
  PyObject* steps = Py_None;
  PyObject* indirect = Py_None;
  Py_IncRef(steps);
  Py_IncRef(indirect);
  if (spec->steps != nullptr) {
    Py_DecRef(steps);
    steps = SsizeTuple(spec->steps, spec->ndim);
  }
  if (spec->indirect != nullptr && steps != nullptr) {
    Py_DecRef(indirect);
    indirect = PyTuple_New(spec->ndim);
    for (int i = 0; indirect != nullptr && i < spec->ndim; ++i) {
      PyTuple_SetItem(indirect, i, PyLong_FromLong(spec->indirect[i]));
    }
  }
  PyObject* args = nullptr;
  if (steps != nullptr && indirect != nullptr) {
    args = Py_BuildValue(
        "(y#nNy#INN)", spec->format, static_cast<Py_ssize_t>(std::strlen(spec->format)),
        static_cast<Py_ssize_t>(spec->itemsize), SsizeTuple(spec->shape, spec->ndim),
        len > 0 ? static_cast<const char*>(spec->items) : "", len,
        static_cast<unsigned int>(spec->layout), steps, indirect);
  } else {
    Py_DecRef(steps);
    Py_DecRef(indirect);
  }
  PyObject* result = CallHelper("make", args);
  if (result == nullptr) {
    const bool unsupported = PyErr_ExceptionMatches(GetState().unsupported);
    const std::string error = TakeError();
    SetMessage(message, message_size, error);
    return unsupported ? BUFCONF_UNSUPPORTED : BUFCONF_ERROR;
  }
  auto* ex = new PyExporter;
  ex->obj = PyTuple_GetItem(result, 0);
  Py_IncRef(ex->obj);
  const char* what = Utf8(PyTuple_GetItem(result, 1));
  ex->what = what != nullptr ? what : "?";
  Py_DecRef(result);
  const std::string error = TakeError();
  if (ex->obj == nullptr || !error.empty()) {
    Py_DecRef(ex->obj);
    delete ex;
    SetMessage(message, message_size, "make returned a bad result: " + error);
    return BUFCONF_ERROR;
  }
  // What was made, for the report (e.g. "numpy.ndarray <i4 (C order, steps (2, -1))").
  SetMessage(message, message_size, ex->what);
  *exporter = ex;
  return BUFCONF_OK;
}

void DestroyExporter(void*, void* exporter);

int Enumerate(void*, size_t index, void** exporter, bufconf_enumerated* info) {
  std::string why;
  if (!Ready(&why)) {
    if (info != nullptr) SetMessage(info->description, sizeof info->description, why);
    return BUFCONF_ERROR;
  }
  PyObject* result =
      CallHelper("enumerate_exporter", Py_BuildValue("(n)", static_cast<Py_ssize_t>(index)));
  if (result == nullptr) {
    const std::string error = TakeError();
    if (info != nullptr) SetMessage(info->description, sizeof info->description, error);
    return BUFCONF_ERROR;
  }
  if (result == Py_None) {
    Py_DecRef(result);
    return BUFCONF_UNSUPPORTED;
  }
  PyObject* obj = nullptr;
  const char* description = nullptr;
  PyObject* expected = nullptr;
  PyObject* extra = nullptr;
  if (!PyArg_ParseTuple(result, "OsOO", &obj, &description, &expected, &extra)) {
    Py_DecRef(result);
    const std::string error = TakeError();
    if (info != nullptr) SetMessage(info->description, sizeof info->description, error);
    return BUFCONF_ERROR;
  }
  auto* ex = new PyExporter;
  ex->obj = obj;
  Py_IncRef(obj);
  ex->what = description;
  // A factory entry the suite cannot judge: skipped alone, with the reason (BUFCONF_SKIPPED).
  // Whether the object has bf_getbuffer is checked here, without asking it for a buffer.
  std::string skipped = ApplyFactoryExtra(ex, extra, ex->what, info);
  if (skipped.empty() && !HasBufferInterface(obj)) {
    skipped = ex->what + ": skipped: " + TypeName(obj) +
              " does not support the buffer protocol (no bf_getbuffer)";
  }
  if (!skipped.empty()) {
    Py_DecRef(result);
    if (info != nullptr) {
      *info = bufconf_enumerated{};
      SetMessage(info->description, sizeof info->description, skipped);
    }
    DestroyExporter(nullptr, ex);
    *exporter = nullptr;
    return BUFCONF_SKIPPED;
  }
  bool has_expected = false;
  if (expected != Py_None) {
    const char* format = nullptr;
    Py_ssize_t itemsize = 0;
    PyObject* shape = nullptr;
    const char* items = nullptr;
    Py_ssize_t items_len = 0;
    if (PyArg_ParseTuple(expected, "snOy#", &format, &itemsize, &shape, &items, &items_len) &&
        PyTuple_Check(shape)) {
      ex->format = format;
      for (Py_ssize_t i = 0; i < PyTuple_Size(shape); ++i) {
        ex->shape.push_back(PyLong_AsSsize_t(PyTuple_GetItem(shape, i)));
      }
      ex->items.assign(items, static_cast<size_t>(items_len));
      ex->items.reserve(1);
      has_expected = !PyErr_Occurred();
      if (info != nullptr && has_expected) {
        info->itemsize = itemsize;
      }
    }
  }
  TakeError();  // a malformed expected tuple: no expected contents
  if (info != nullptr) {
    SetMessage(info->description, sizeof info->description, ex->what);
    info->has_expected = has_expected ? 1 : 0;
    if (has_expected) {
      info->format = ex->format.c_str();
      info->ndim = static_cast<int>(ex->shape.size());
      info->shape = ex->shape.empty() ? nullptr : ex->shape.data();
      info->items = ex->items.data();
    }
  }
  Py_DecRef(result);
  *exporter = ex;
  return BUFCONF_OK;
}

int GetBuffer(void*, void* exporter, bufconf_buffer* view, int flags, char* message,
              size_t message_size) {
  std::string why;
  if (!Ready(&why)) {
    SetMessage(message, message_size, why);
    return BUFCONF_ERROR;
  }
  auto* ex = static_cast<PyExporter*>(exporter);
  if (PyObject_GetBuffer(ex->obj, AsPy(view), flags) != 0) {
    // A refusal as the protocol says it must end: BufferError (or a subclass), view->obj NULL
    // (REQ-FAIL-BUFFERERROR). Anything else is a refusal all the same, but an improper one:
    // e.g. numpy 1.24 raises ValueError ("ndarray is not C-contiguous", numpy #3634).
    const bool buffer_error = PyErr_ExceptionMatches(PyExc_BufferError) != 0;
    const bool obj_left = view->obj != nullptr;
    std::string error = TakeError();
    if (error.empty()) error = "no exception set";
    if (buffer_error && !obj_left) {
      SetMessage(message, message_size, error);
      return BUFCONF_REFUSED;
    }
    std::string how = "raised " + error + (buffer_error ? "" : " (not BufferError)");
    if (obj_left) how += " and left view->obj set";
    SetMessage(message, message_size, "the exporter refused improperly: it " + how);
    return BUFCONF_REFUSED_IMPROPERLY;
  }
  return BUFCONF_OK;
}

// Changes the size of the exporter's memory the way its users do (the helper's resize_plan:
// bytearray.extend, array.frombytes, BytesIO.write, mmap.resize, ctypes.resize,
// ndarray.resize). The call is made here, with no reference to the object but the exporter's
// own and the bound method's: numpy's resize refuses when it counts more than two.
int Resize(void*, void* exporter, char* message, size_t message_size) {
  std::string why;
  if (!Ready(&why)) {
    SetMessage(message, message_size, why);
    return BUFCONF_ERROR;
  }
  auto* ex = static_cast<PyExporter*>(exporter);
  PyObject* plan = CallHelper("resize_plan", Py_BuildValue("(O)", ex->obj));
  if (plan == nullptr) {
    const bool unsupported = PyErr_ExceptionMatches(GetState().unsupported) != 0;
    SetMessage(message, message_size, TakeError());
    return unsupported ? BUFCONF_UNSUPPORTED : BUFCONF_ERROR;
  }
  PyObject* fn = nullptr;
  PyObject* args = nullptr;
  const char* what_text = nullptr;
  if (!PyArg_ParseTuple(plan, "OO!s", &fn, &PyTuple_Type, &args, &what_text)) {
    Py_DecRef(plan);
    SetMessage(message, message_size, "resize_plan returned a bad result: " + TakeError());
    return BUFCONF_ERROR;
  }
  const std::string what = what_text;
  PyObject* result = PyObject_Call(fn, args, nullptr);
  Py_DecRef(plan);
  if (result != nullptr) {
    Py_DecRef(result);
    SetMessage(message, message_size, what + " changed the size");
    return BUFCONF_OK;
  }
  const bool buffer_error = PyErr_ExceptionMatches(PyExc_BufferError) != 0;
  const bool value_error = PyErr_ExceptionMatches(PyExc_ValueError) != 0;
  const std::string error = TakeError();
  if (buffer_error) {
    SetMessage(message, message_size, what + " refused: " + error);
    return BUFCONF_REFUSED;
  }
  // numpy has no export count: ndarray.resize refuses (ValueError) when more than the caller
  // and the array itself reference the array, and a live Py_buffer holds one reference.
  if (what == "numpy.ndarray.resize" && value_error &&
      error.find("referenced") != std::string::npos) {
    SetMessage(message, message_size, what + " refused (not with BufferError): " + error);
    return BUFCONF_REFUSED;
  }
  SetMessage(message, message_size, what + " cannot resize this exporter: " + error);
  return BUFCONF_UNSUPPORTED;
}

// The object PyObject_GetBuffer names in view->obj for an exporter of its own (REFERENCES;
// reference_count is consumers.cc's).
void* ExporterObject(void*, void* exporter) {
  return exporter != nullptr ? static_cast<PyExporter*>(exporter)->obj : nullptr;
}

void ReleaseBuffer(void*, void*, bufconf_buffer* view) {
  if (!Ready()) return;
  PyBuffer_Release(AsPy(view));
  TakeError();
}

void DestroyExporter(void*, void* exporter) {
  auto* ex = static_cast<PyExporter*>(exporter);
  if (ex == nullptr) return;
  if (Ready()) {
    Py_DecRef(ex->obj);
    Py_DecRef(ex->owner);
    TakeError();
  }
  delete ex;
}

// The memory `obj` owns, found from the object itself (not from a buffer it hands out): bytes
// and bytearray their storage, a memoryview or PickleBuffer what it wraps, numpy arrays the root
// of their .base chain, array.array, mmap and ctypes objects their storage. False when the object
// cannot be introspected (e.g. _testbuffer.ndarray, BytesIO's internal buffer).
bool OwnedRegions(PyObject* obj, std::vector<bufconf_region>* out, int depth) {
  if (obj == nullptr || depth > 64) return false;
  if (PyBytes_Check(obj)) {
    char* data = PyBytes_AsString(obj);
    const Py_ssize_t size = PyBytes_Size(obj);
    if (data == nullptr || size < 0) return TakeError(), false;
    out->push_back({data, static_cast<size_t>(size)});
    return true;
  }
  if (PyByteArray_Check(obj)) {
    out->push_back({PyByteArray_AsString(obj), static_cast<size_t>(PyByteArray_Size(obj))});
    return true;
  }
  // A memoryview (its .obj) or a PickleBuffer (the view it holds): what they wrap.
  const bool memoryview =
      PyObject_IsInstance(obj, reinterpret_cast<PyObject*>(&PyMemoryView_Type)) == 1;
  if (memoryview) {
    PyObject* wrapped = PyObject_GetAttrString(obj, "obj");
    if (wrapped == nullptr) {
      TakeError();
      return false;
    }
    const bool ok = wrapped != Py_None && OwnedRegions(wrapped, out, depth + 1);
    Py_DecRef(wrapped);
    return ok;
  }
  if (TypeName(obj) == "pickle.PickleBuffer") {
    const Py_buffer* wrapped = PyPickleBuffer_GetBuffer(obj);
    if (wrapped == nullptr) {
      TakeError();
      return false;
    }
    return OwnedRegions(wrapped->obj, out, depth + 1);
  }
  PyObject* owner = CallHelper("owner", Py_BuildValue("(O)", obj));
  if (owner == nullptr) {
    TakeError();
    return false;
  }
  bool ok = false;
  if (PyList_Check(owner)) {
    ok = true;
    for (Py_ssize_t i = 0; i < PyList_Size(owner); ++i) {
      unsigned long long address = 0;
      Py_ssize_t size = 0;
      if (!PyArg_ParseTuple(PyList_GetItem(owner, i), "Kn", &address, &size)) {
        ok = false;
        break;
      }
      out->push_back({reinterpret_cast<const void*>(static_cast<uintptr_t>(address)),
                      static_cast<size_t>(size)});
    }
  } else if (owner != Py_None) {
    ok = OwnedRegions(owner, out, depth + 1);
  }
  Py_DecRef(owner);
  TakeError();
  return ok;
}

size_t Regions(void*, void* exporter, bufconf_region* out, size_t capacity) {
  if (!Ready()) return 0;
  auto* ex = static_cast<PyExporter*>(exporter);
  std::vector<bufconf_region> regions;
  if (ex->memory_declared) {
    // Exactly what the factory entry declared (MEMORY-SPAN judges the views against it); an
    // owner's buffer is read again (its memory may have moved), its last span kept if it fails.
    if (ex->owner != nullptr) {
      bufconf_region region{};
      bool readonly = false;
      std::string why;
      if (OwnerSpan(ex->owner, &region, &readonly, &why)) ex->declared.assign(1, region);
    }
    regions = ex->declared;
  } else if (!OwnedRegions(ex->obj, &regions, 0)) {
    // No introspection exists for this exporter (_testbuffer.ndarray, BytesIO's buffer, a
    // read-only mmap): declare what its full view touches. MEMORY-SPAN / MEMORY-POINTER then
    // only check the view's self-consistency.
    regions.clear();
    bufconf_buffer view{};
    if (PyObject_GetBuffer(ex->obj, AsPy(&view), PyBUF_FULL_RO) == 0) {
      try {
        regions = conformance::TouchedRegions(view);
      } catch (const std::exception&) {
        regions.clear();
      }
      PyBuffer_Release(AsPy(&view));
    }
    TakeError();
  }
  for (size_t i = 0; i < regions.size() && i < capacity; ++i) out[i] = regions[i];
  return regions.size();
}

// ---- algorithm side ----

int IsContiguous(void*, const bufconf_buffer* view, char order) {
  return PyBuffer_IsContiguous(AsPy(view), order);
}

void* GetPointer(void*, const bufconf_buffer* view, const bufconf_ssize_t* indices) {
  return PyBuffer_GetPointer(AsPy(view), indices);
}

int ToContiguous(void*, void* buf, const bufconf_buffer* src, bufconf_ssize_t len, char order) {
  if (!Ready()) return BUFCONF_ERROR;
  if (PyBuffer_ToContiguous(buf, AsPy(src), len, order) != 0) {
    TakeError();
    return BUFCONF_REFUSED;
  }
  return BUFCONF_OK;
}

int FromContiguous(void*, const bufconf_buffer* view, const void* buf, bufconf_ssize_t len,
                   char order) {
  if (!Ready()) return BUFCONF_ERROR;
  if (PyBuffer_FromContiguous(AsPy(view), buf, len, order) != 0) {
    TakeError();
    return BUFCONF_REFUSED;
  }
  return BUFCONF_OK;
}

void FillStrides(void*, int ndim, const bufconf_ssize_t* shape, bufconf_ssize_t* strides,
                 int itemsize, char order) {
  PyBuffer_FillContiguousStrides(ndim, const_cast<Py_ssize_t*>(shape), strides, itemsize, order);
}

bufconf_ssize_t SizeFromFormat(void*, const char* format) {
  if (!Ready()) return -1;
  using SizeFromFormatFn = Py_ssize_t (*)(const char*);
  static const auto size_from_format =
      reinterpret_cast<SizeFromFormatFn>(dlsym(RTLD_DEFAULT, "PyBuffer_SizeFromFormat"));
  if (size_from_format == nullptr) return -1;
  const Py_ssize_t size = size_from_format(format);
  if (size < 0) {
    TakeError();
    return -1;
  }
  return size;
}

// PyObject_CopyData takes objects: each view becomes a memoryview (PyMemoryView_FromBuffer copies
// the view, with obj NULL, and exports it as it is).
int CopyData(void*, const bufconf_buffer* dest, const bufconf_buffer* src) {
  if (!Ready()) return BUFCONF_ERROR;
  Py_buffer d = *AsPy(dest);
  Py_buffer s = *AsPy(src);
  d.obj = nullptr;
  s.obj = nullptr;
  PyObject* dest_view = PyMemoryView_FromBuffer(&d);
  PyObject* src_view = dest_view != nullptr ? PyMemoryView_FromBuffer(&s) : nullptr;
  int rc = BUFCONF_REFUSED;
  if (src_view != nullptr && PyObject_CopyData(dest_view, src_view) == 0) rc = BUFCONF_OK;
  Py_DecRef(src_view);
  Py_DecRef(dest_view);
  TakeError();
  return rc;
}

// ---- fork ----

// The interpreter's fork protocol, as os.fork follows it: PyOS_BeforeFork in the parent before
// fork() (3.13 takes the import lock there, and PyOS_AfterFork_Child releases it: without the
// first, the second is a fatal error), then PyOS_AfterFork_Parent or PyOS_AfterFork_Child. The
// adapter ABI has only after_fork, called in the child: the three are registered with
// pthread_atfork instead, so they run around every fork of this process. The runner forks from
// the thread that holds the GIL (the one that started or hosts the interpreter).
void BeforeFork() {
  if (Py_IsInitialized()) PyOS_BeforeFork();
}
void AfterForkParent() {
  if (Py_IsInitialized()) PyOS_AfterFork_Parent();
}
void AfterForkChild() {
  if (Py_IsInitialized()) PyOS_AfterFork_Child();
}

// Nothing left to do in the child: AfterForkChild ran when fork() returned there.
int AfterFork(void*) { return 0; }

// ", numpy and _testbuffer": the optional modules the helper imported in this interpreter (the
// pyenv builds have no numpy, for example).
std::string HelperExtras() {
  PyObject* modules = PyImport_GetModuleDict();  // borrowed
  std::vector<std::string> names;
  for (const char* name : {"numpy", "_testbuffer"}) {
    if (modules != nullptr && PyDict_GetItemString(modules, name) != nullptr) names.push_back(name);
  }
  std::string extras;
  for (size_t i = 0; i < names.size(); ++i) extras += (i == 0 ? ", " : " and ") + names[i];
  return extras;
}

const bufconf_adapter* MakeAdapter() {
  // Start the interpreter (and numpy) once, here in the parent: every forked child of the
  // runner inherits it instead of starting its own (about 0.15 s each). The factory, if any, is
  // called now too.
  EnsurePythonInitialized();
  // The consumers (consumers.py) are loaded here too, so that every child has the same table.
  const std::string consumers_error = InitPythonConsumers();
  const bool consumers = consumers_error.empty();
  if (!consumers && GetState().error.empty()) {
    std::fprintf(stderr, "bufconf: python adapter: no consumers: %s\n", consumers_error.c_str());
  }
  static const int atfork = pthread_atfork(BeforeFork, AfterForkParent, AfterForkChild);
  if (atfork != 0) {
    std::fprintf(stderr, "bufconf: python adapter: pthread_atfork failed (%d)\n", atfork);
    return nullptr;
  }
  const State& state = GetState();
  if (!state.factory_error.empty()) {
    // No error channel at creation: say why here, and make loading fail (NULL).
    std::fprintf(stderr, "bufconf: python adapter: %s\n", state.factory_error.c_str());
    return nullptr;
  }
  const bool factory = !state.factory.empty();
  // "CPython 3.12.1 (hosted by /root/.pyenv/versions/3.12.1/bin/python3.12)": the version
  // the interpreter reports when it runs (Py_GetVersion), not the headers bufconf was built with.
  std::string number = Py_GetVersion();
  number = number.substr(0, number.find(' '));
  static const std::string version =
      "CPython " + number + " (" + InterpreterWhere() + ")" +
      (factory ? ", factory " + state.factory : " with its standard library" + HelperExtras());
  // PyBuffer_SizeFromFormat appeared in 3.9: on 3.8 the adapter does not have it.
  const bool size_from_format = dlsym(RTLD_DEFAULT, "PyBuffer_SizeFromFormat") != nullptr;
  const uint64_t algorithms = BUFCONF_CAP_IS_CONTIGUOUS | BUFCONF_CAP_GET_POINTER |
                              BUFCONF_CAP_TO_CONTIGUOUS | BUFCONF_CAP_FROM_CONTIGUOUS |
                              BUFCONF_CAP_FILL_STRIDES | BUFCONF_CAP_COPY_DATA |
                              (size_from_format ? BUFCONF_CAP_SIZE_FROM_FORMAT : 0);
  static const bufconf_adapter adapter = {
      BUFCONF_ADAPTER_ABI_VERSION,
      // Another name with a factory: what is judged is not CPython's own exporters (so, e.g.,
      // expectations kept for "python" do not apply).
      factory ? "python-factory" : "python",
      version.c_str(),
      // With a factory only its objects are judged: no make_exporter, and no consumers (they
      // are CPython's and numpy's, judged by the run without a factory: a factory's run is not
      // failed by numpy's consumers). get_buffer is CPython's PyObject_GetBuffer: the
      // interpreter's own checks (e.g. 3.11 letting PyBUF_READ/WRITE through, gh-114685) are
      // judged once, on the interpreter, not on each exporter.
      (factory ? 0 : BUFCONF_CAP_MAKE_EXPORTER) | BUFCONF_CAP_ENUMERATE | BUFCONF_CAP_RESIZE |
          BUFCONF_CAP_VIA_INTERPRETER | BUFCONF_CAP_REFERENCES | algorithms |
          (consumers && !factory ? BUFCONF_CAP_CONSUMERS : 0) |
          // PyBuffer_FillInfo is judged by the main job too: 3.8-3.12 fill a view for PyBUF_READ
          // (gh-114685), which would fail every factory run with its own expectations file.
          (factory ? 0 : BUFCONF_CAP_FILL_INFO),
      nullptr,  // context: the interpreter is process-wide
      AfterFork,
      factory ? nullptr : MakeExporter,
      Enumerate,
      GetBuffer,
      ReleaseBuffer,
      DestroyExporter,
      Regions,
      nullptr,  // export_count: no exporter here exposes one (counting our own calls proves
                // nothing)
      IsContiguous,
      GetPointer,
      ToContiguous,
      FromContiguous,
      FillStrides,
      SizeFromFormat,
      CopyData,
      Resize,
      ExporterObject,
      PythonReferenceCount,
      PythonFillInfo,
      consumers ? PythonConsumer : nullptr,
      consumers ? PythonConsume : nullptr,
  };
  return &adapter;
}

}  // namespace

std::string EnsurePythonInitialized() {
  std::string why;
  Ready(&why);
  return why;
}

std::string PythonAdapterError() {
  EnsurePythonInitialized();
  const State& state = GetState();
  if (!state.factory_error.empty()) return state.factory_error;
  return state.error.empty() ? "" : "embedded Python: " + state.error;
}

std::string PythonFactory() { return GetEnv("BUFCONF_PYTHON_FACTORY"); }

const bufconf_adapter* PythonAdapter() {
  static const bufconf_adapter* const adapter = MakeAdapter();
  return adapter;
}

}  // namespace bufconf::adapters

BUFCONF_REGISTER_ADAPTER("python", bufconf::adapters::PythonAdapter)
