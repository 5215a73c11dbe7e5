"""Cython's memoryview.__getbuffer__ (Cython 0.29.32, Cython/Utility/MemoryView.pyx), which
_memoryviewslice (a typed memoryview returned to Python) inherits grants a request without
PyBUF_STRIDES (PyBUF_SIMPLE) on a slice that is not C-contiguous (mv[::2, 1:]): the consumer
reads len contiguous bytes from buf and gets other elements than the slice's; the request must
fail (REQ-STRIDES-NEEDED). The getter checks no contiguity at all.

Run: PYTHONPATH=OUTDIR python3 repro_memview_strides_needed.py
(OUTDIR: where build.sh put bufconf_cy).
The last line says REPRODUCED while the deviation is there, NOT REPRODUCED once it is fixed.
"""
import ctypes

PyBUF_SIMPLE, PyBUF_WRITABLE, PyBUF_FORMAT, PyBUF_ND = 0, 0x1, 0x4, 0x8
PyBUF_STRIDES, PyBUF_C_CONTIGUOUS, PyBUF_F_CONTIGUOUS = 0x18, 0x38, 0x58
PyBUF_ANY_CONTIGUOUS, PyBUF_INDIRECT = 0x98, 0x118


class Py_buffer(ctypes.Structure):
    _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.c_void_p),
                ("len", ctypes.c_ssize_t), ("itemsize", ctypes.c_ssize_t),
                ("readonly", ctypes.c_int), ("ndim", ctypes.c_int),
                ("format", ctypes.c_char_p), ("shape", ctypes.POINTER(ctypes.c_ssize_t)),
                ("strides", ctypes.POINTER(ctypes.c_ssize_t)),
                ("suboffsets", ctypes.POINTER(ctypes.c_ssize_t)), ("internal", ctypes.c_void_p)]


_get = ctypes.pythonapi.PyObject_GetBuffer
_get.argtypes = [ctypes.py_object, ctypes.POINTER(Py_buffer), ctypes.c_int]
_release = ctypes.pythonapi.PyBuffer_Release
_release.argtypes = [ctypes.POINTER(Py_buffer)]


def get_buffer(obj, flags):
    """PyObject_GetBuffer(obj, flags): the view's fields as a dict (the view is released), or
    the exception the request raised."""
    view = Py_buffer()
    try:
        _get(obj, ctypes.byref(view), flags)
    except Exception as e:  # ctypes.pythonapi raises the error the call set
        return e
    try:
        n = view.ndim
        return {"buf": view.buf or 0, "len": view.len, "itemsize": view.itemsize,
                "readonly": view.readonly, "ndim": n, "format": view.format,
                "shape": [view.shape[i] for i in range(n)] if view.shape else None,
                "strides": [view.strides[i] for i in range(n)] if view.strides else None}
    finally:
        _release(ctypes.byref(view))

import bufconf_cy

import struct
sl = bufconf_cy.memview(3, 4, "[::2, 1:]")   # rows 0 and 2, columns 1..3 of k * 0.5 - 3
got = get_buffer(sl, PyBUF_SIMPLE)
print("double[:, :] 3x4[::2, 1:], PyBUF_SIMPLE:", got)
if isinstance(got, dict):
    print("read as the consumer must:", list(struct.unpack("6d",
          ctypes.string_at(got["buf"], got["len"]))))
    print("the slice's elements:     ", [k * 0.5 - 3 for k in (1, 2, 3, 9, 10, 11)])
    print("REPRODUCED: PyBUF_SIMPLE was granted on a slice that is not C-contiguous")
else:
    print("NOT REPRODUCED: PyBUF_SIMPLE was refused: %s: %s" % (type(got).__name__, got))
