"""Cython's memoryview.__getbuffer__ (Cython 0.29.32, Cython/Utility/MemoryView.pyx), which
_memoryviewslice (a typed memoryview returned to Python) inherits, asked with flags 0x100
(PyBUF_INDIRECT's own bit, without PyBUF_ND's and PyBUF_STRIDES'), grants a view without shape
and strides: a view of len contiguous bytes from buf. For a slice with a negative step
(mv[::-1]) buf is the last row, so those bytes run past the end of the array (MEMORY-SPAN). The
getter tests `flags & PyBUF_INDIRECT` (true for this bit alone) for suboffsets but needs
PyBUF_ND's bit for shape and PyBUF_STRIDES' for strides, and checks no contiguity.

Run: PYTHONPATH=OUTDIR python3 repro_memview_indirect_bit.py
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
got = get_buffer(mv, 0x100)
print("the array under it:", base)
print("double[:, :] 3x4[::-1], flags 0x100:", got)
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
