"""Cython's memoryview.__getbuffer__ (Cython 0.29.32, Cython/Utility/MemoryView.pyx), which
_memoryviewslice (a typed memoryview returned to Python) inherits, checks no contiguity and fills
shape and strides only when the request has PyBUF_ND's and PyBUF_STRIDES' bits. So a plain
PyBUF_SIMPLE request (what bytes(), hashlib, file.write() ask) on a slice with a negative step
(mv[::-1]) is granted as len contiguous bytes from buf, and buf is the slice's first element,
the array's last row: those bytes run past the end of the array (MEMORY-SPAN), a heap over-read
from pure Python. (bufconf files the PyBUF_SIMPLE grant under REQ-STRIDES-NEEDED, and the
over-read under MEMORY-SPAN on the flags values only an adapter forms, 0x2 and 0x100.)

Run: PYTHONPATH=OUTDIR python3 repro_memview_negative_step_overread.py
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

mv = bufconf_cy.memview(3, 4, "[::-1]")
base = get_buffer(mv.base, PyBUF_STRIDES)     # the cython.view.array under the slice
got = get_buffer(mv, PyBUF_SIMPLE)
print("the array under it:", base)
print("double[:, :] 3x4[::-1], PyBUF_SIMPLE:", got)
if isinstance(got, dict) and got["shape"] is None and got["strides"] is None:
    end, base_end = got["buf"] + got["len"], base["buf"] + base["len"]
    if got["buf"] < base["buf"] or end > base_end:
        print("REPRODUCED: the view is bytes [%#x, %#x), the array [%#x, %#x): "
              "%d bytes past its end"
              % (got["buf"], end, base["buf"], base_end, end - base_end))
    else:
        print("NOT REPRODUCED: the flat view stays inside the array")
else:
    print("NOT REPRODUCED: %s" % (got if not isinstance(got, dict) else "shape or strides given"))
