"""the buffer-protocol Matrix of Cython's docs ("Implementing the buffer protocol",
docs/examples/userguide/buffer/matrix_with_buffer.pyx), built as the docs show it
(bufconf_cy_docs.pyx) grants PyBUF_F_CONTIGUOUS on a 3 x 4 row-major matrix, where it must fail
with BufferError (REQ-F-CONTIGUOUS): its __getbuffer__ reads no flag. The docs say so
(docs/src/userguide/buffer.rst, "Flags": "We skipped some input validation in the code."). (The
docs' own advice, to raise BufferError for PyBUF_ND, PyBUF_SIMPLE or PyBUF_F_CONTIGUOUS, is
right only for the last: the row-major matrix can grant the first two.)

Run: PYTHONPATH=OUTDIR python3 repro_docs_f_contiguous.py
(OUTDIR: where build.sh put bufconf_cy_docs).
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

import bufconf_cy_docs

obj = bufconf_cy_docs.Matrix(4, 3)
got = get_buffer(obj, PyBUF_F_CONTIGUOUS)
print('bufconf_cy_docs.Matrix(4, 3), PyBUF_F_CONTIGUOUS:', got)
if isinstance(got, dict):
    print("REPRODUCED: PyBUF_F_CONTIGUOUS was granted on a 3 x 4 row-major matrix")
else:
    print("NOT REPRODUCED: PyBUF_F_CONTIGUOUS was refused: %s: %s" % (type(got).__name__, got))
