// The python adapter's consumer side, references and fill_info (adapter ABI 3).
//
// Consumers: CPython's and numpy's real consumers of the buffer protocol (memoryview.tolist and
// tobytes, memoryview ==, PyMemoryView_GetContiguous, bytes(), bytearray(), element indexing,
// slicing, cast, struct.unpack_from, array.frombytes, numpy.asarray / array / frombuffer /
// ndarray(buffer=)), written in consumers.py (embedded at build time, like helper.py) and run on
// the suite's providers. Each provider is wrapped, for one consume call, in an object of a type
// made here (_bufconf_consumers.Provider) whose bf_getbuffer asks the provider and sets view->obj
// to the wrapper, and whose bf_releasebuffer hands the view back. When consume returns the
// wrapper is detached (a later request raises BufferError "provider gone"; a later release does
// nothing) and every reference the adapter took is dropped.
//
// Like python_adapter.cc, compiled to the C API every CPython 3.8-3.13 shares (python_abi.h).
#ifndef BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_CONSUMERS_H_
#define BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_CONSUMERS_H_

#include <cstddef>
#include <string>

#include "conformance/adapter/bufconf_adapter.h"

namespace bufconf::adapters {

// Loads consumers.py and makes the provider type, once (call it with the interpreter ready, in
// the parent before the runner forks, so that every child has the same consumer table). Returns
// "" on success, else why the consumer side is not available (the same text on every call).
std::string InitPythonConsumers();

// bufconf_adapter.consumer: the index-th entry of the table (BUFCONF_UNSUPPORTED past the end).
int PythonConsumer(void* ctx, size_t index, bufconf_consumer_info* info);

// bufconf_adapter.consume.
int PythonConsume(void* ctx, size_t index, const bufconf_provider* a, const bufconf_provider* b,
                  const bufconf_sink* out, char* message, size_t message_size);

// bufconf_adapter.fill_info: PyBuffer_FillInfo.
int PythonFillInfo(void* ctx, bufconf_buffer* view, void* obj, void* buf, bufconf_ssize_t len,
                   int readonly, int flags, char* message, size_t message_size);

// bufconf_adapter.reference_count: the object's ob_refcnt, or -1 for an immortal object
// (CPython 3.12+).
bufconf_ssize_t PythonReferenceCount(void* ctx, const void* obj);

}  // namespace bufconf::adapters

#endif  // BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_CONSUMERS_H_
