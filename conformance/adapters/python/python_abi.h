// The part of CPython's C API the python adapter uses: the functions and structures whose binary
// interface is the same in every CPython 3.8-3.13, so that one build of the adapter runs inside
// any of them (bufconf run --python, hosted_main.cc) as well as embedded in Debian's 3.11.
//
// - Py_LIMITED_API 3.11 (compiled against Debian's 3.11 headers): no access to object internals
//   (PyTuple_GET_ITEM, Py_TYPE(o)->tp_name, ...), only functions. Py_buffer and the PyBuffer_*
//   functions are in it and have not changed since 3.3.
// - Reference counts only through the functions Py_IncRef / Py_DecRef: the 3.11 headers' inline
//   Py_INCREF writes ob_refcnt directly, which is wrong for 3.12's immortal objects.
// - A function newer than 3.8 (PyBuffer_SizeFromFormat, 3.9) is looked up when the interpreter
//   runs (dlsym), never linked: its absence is a capability the adapter lacks, not a load error.
#ifndef BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_PYTHON_ABI_H_
#define BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_PYTHON_ABI_H_

#define PY_SSIZE_T_CLEAN
#define Py_LIMITED_API 0x030B0000
#include <Python.h>

#undef Py_INCREF
#undef Py_DECREF
#undef Py_XINCREF
#undef Py_XDECREF
#undef Py_CLEAR
#undef Py_SETREF
#undef Py_XSETREF
#undef Py_RETURN_NONE
#undef Py_RETURN_TRUE
#undef Py_RETURN_FALSE
#pragma GCC poison Py_INCREF Py_DECREF Py_XINCREF Py_XDECREF Py_CLEAR Py_SETREF Py_XSETREF
#pragma GCC poison Py_RETURN_NONE Py_RETURN_TRUE Py_RETURN_FALSE

#endif  // BUFCONF_CONFORMANCE_ADAPTERS_PYTHON_PYTHON_ABI_H_
