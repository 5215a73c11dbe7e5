"""pygame.BufferProxy over a Fortran-ordered __array_struct__ grants PyBUF_ND without strides
(rule REQ-STRIDES-NEEDED).

_pg_arraystruct_as_buffer leaves strides NULL for a request without PyBUF_STRIDES whenever
the array is contiguous in either order (PAI_CONTIGUOUS | PAI_FORTRAN); strides NULL means C
order, so a Fortran-ordered array is then read transposed.
"""
import array
import ctypes
import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import numpy
import pygame

PyBUF_ND = 0x8


class Py_buffer(ctypes.Structure):
    _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.c_void_p), ("len", ctypes.c_ssize_t),
                ("itemsize", ctypes.c_ssize_t), ("readonly", ctypes.c_int),
                ("ndim", ctypes.c_int), ("format", ctypes.c_char_p),
                ("shape", ctypes.POINTER(ctypes.c_ssize_t)),
                ("strides", ctypes.POINTER(ctypes.c_ssize_t)),
                ("suboffsets", ctypes.c_void_p), ("internal", ctypes.c_void_p)]


class Struct:
    """An object with only the array interface's capsule (no buffer of its own)."""
    def __init__(self, arr):
        self.arr = arr
        self.__array_struct__ = arr.__array_struct__


arr = numpy.arange(1, 7, dtype="<u2").reshape(3, 2).T     # (2, 3), Fortran order
print("array (2, 3), Fortran order:", arr.tolist())
proxy = pygame.BufferProxy(Struct(arr))
view = Py_buffer()
try:
    ctypes.pythonapi.PyObject_GetBuffer(ctypes.py_object(proxy), ctypes.byref(view), PyBUF_ND)
except BufferError as e:
    print("NOT REPRODUCED: PyBUF_ND was refused:", e)
else:
    shape = [view.shape[i] for i in range(view.ndim)]
    items = list(array.array("H", ctypes.string_at(view.buf, view.len)))
    ctypes.pythonapi.PyBuffer_Release(ctypes.byref(view))
    print("PyBUF_ND granted: shape %s, strides NULL (C order): read as %s" %
          (shape, [items[0:3], items[3:6]]))
    print("REPRODUCED: a Fortran-ordered array granted without strides reads transposed")
