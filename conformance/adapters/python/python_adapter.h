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
// The interpreter is initialised on first use (isolated from the environment's PYTHONPATH and
// pyenv) and never finalised; the GIL stays with the thread that initialised it (the suite is
// single-threaded). after_fork runs PyOS_AfterFork_Child in the runner's forked children.
#ifndef BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_PYTHON_ADAPTER_H_
#define BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_PYTHON_ADAPTER_H_

#include <string>

#include "conformance/adapter/bufconf_adapter.h"

namespace bufconf::adapters {

// The adapter (static storage; never NULL). Registered as "python".
const bufconf_adapter* PythonAdapter();

// Initialises the embedded interpreter and the adapter's helper module if that has not been done
// (numpy, _testbuffer, ctypes, mmap and array are imported). Returns "" on success, else why not.
std::string EnsurePythonInitialized();

}  // namespace bufconf::adapters

#endif  // BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_PYTHON_ADAPTER_H_
