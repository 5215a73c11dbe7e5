// The built-in adapter "python": the real CPython 3.11 (Debian's /usr/bin/python3, embedded) and
// numpy behind the bufconf adapter ABI.
//
// Exporter side: make_exporter builds a real exporter for a spec (numpy arrays and their views,
// memoryview re-exports, numpy over bytes/bytearray, array.array, _testbuffer.ndarray for
// PIL-style indirect arrays), chosen deterministically from a hash of the spec; enumerate lists
// exporters the standard library and numpy make on their own (bytes, bytearray, array.array,
// memoryview slices and casts, mmap, PickleBuffer, BytesIO, ctypes, _testbuffer, numpy dtypes
// and views). get_buffer is PyObject_GetBuffer, release_buffer PyBuffer_Release. There is no
// export count (no exporter exposes one), so EXPORT_COUNT is not declared.
// Algorithm side: the C-API functions themselves (PyBuffer_IsContiguous, PyBuffer_GetPointer,
// PyBuffer_ToContiguous, PyBuffer_FromContiguous, PyBuffer_FillContiguousStrides,
// PyBuffer_SizeFromFormat, PyObject_CopyData) on the suite's views (bufconf_buffer has
// Py_buffer's layout).
//
// Factory plug-in (docs/python-factory.md): when the environment variable BUFCONF_PYTHON_FACTORY
// is "package.module:callable" (`bufconf run --adapter python --factory ...` sets it), the
// callable is imported (the working directory and BUFCONF_PYTHON_PATH's colon-separated
// directories are put first on sys.path) and called once when the adapter is created, in the
// parent before the runner forks. enumerate then lists only the objects it returned, with their
// descriptions and expected contents; make_exporter is not declared (only the factory's objects
// are judged); the algorithm side stays (CPython's functions). The adapter is then named
// "python-factory" (still registered and selected as "python"), its version names the factory.
//
// The interpreter is initialised on first use (isolated from the environment's PYTHONPATH and
// pyenv) and never finalised; the GIL stays with the thread that initialised it (the suite is
// single-threaded). after_fork runs PyOS_AfterFork_Child in the runner's forked children.
#ifndef BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_PYTHON_ADAPTER_H_
#define BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_PYTHON_ADAPTER_H_

#include <string>

#include "conformance/adapter/bufconf_adapter.h"

namespace bufconf::adapters {

// The adapter (static storage), created on the first call. Registered as "python". NULL when
// BUFCONF_PYTHON_FACTORY is set and the factory cannot be used (the module does not import, the
// name is not a callable, it raises, it returns something else than exporters): the reason is
// then written to stderr ("bufconf: python adapter: ...") and PythonAdapterError() returns it,
// and the loader reports "built-in adapter 'python' returned NULL" (bufconf run: exit 2).
const bufconf_adapter* PythonAdapter();

// Why the adapter cannot be used: the factory's error ("BUFCONF_PYTHON_FACTORY=m:f: ..."), or
// the embedded interpreter's; "" when nothing is wrong. Initialises Python (and calls the
// factory) if that has not been done.
std::string PythonAdapterError();

// BUFCONF_PYTHON_FACTORY as set in the environment ("" when unset).
std::string PythonFactory();

// Initialises the embedded interpreter and the adapter's helper module if that has not been done
// (numpy, _testbuffer, ctypes, mmap and array are imported). Returns "" on success, else why not.
std::string EnsurePythonInitialized();

}  // namespace bufconf::adapters

#endif  // BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_PYTHON_ADAPTER_H_
