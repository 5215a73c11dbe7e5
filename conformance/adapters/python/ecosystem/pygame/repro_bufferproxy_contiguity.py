"""pygame.BufferProxy over the array interface checks only one of the contiguity bits a request
carries (rules REQ-C-CONTIGUOUS and REQ-F-CONTIGUOUS).

_pg_values_as_buffer (a dict, an object's __array_interface__) and _pg_arraystruct_as_buffer
(__array_struct__) test the request's contiguity as `if ANY ... else if C ... else if F`: a
request with PyBUF_C_CONTIGUOUS and PyBUF_F_CONTIGUOUS bits (0x78) is checked for C order
only, one with the PyBUF_ANY_CONTIGUOUS and PyBUF_C_CONTIGUOUS bits (0xb8) for either order.
Each bit is a demand: such requests must fail unless the view has every order asked for.
"""
import array
import ctypes
import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame


class Py_buffer(ctypes.Structure):
    _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.c_void_p), ("len", ctypes.c_ssize_t),
                ("itemsize", ctypes.c_ssize_t), ("readonly", ctypes.c_int),
                ("ndim", ctypes.c_int), ("format", ctypes.c_char_p),
                ("shape", ctypes.POINTER(ctypes.c_ssize_t)),
                ("strides", ctypes.POINTER(ctypes.c_ssize_t)),
                ("suboffsets", ctypes.c_void_p), ("internal", ctypes.c_void_p)]


def ask(proxy, flags):
    view = Py_buffer()
    try:
        ctypes.pythonapi.PyObject_GetBuffer(ctypes.py_object(proxy), ctypes.byref(view), flags)
    except BufferError as e:
        return "refused (%s)" % e
    strides = [view.strides[i] for i in range(view.ndim)]
    ctypes.pythonapi.PyBuffer_Release(ctypes.byref(view))
    return "granted, strides %s" % strides


data = array.array("H", range(6))
addr = data.buffer_info()[0]
c_order = pygame.BufferProxy({"shape": (2, 3), "typestr": "<u2", "data": (addr, False)})
f_order = pygame.BufferProxy({"shape": (3, 2), "typestr": "<u2", "data": (addr, False),
                              "strides": (2, 6)})
granted = 0
for name, proxy, flags, what in (
        ("2x3 C-ordered", c_order, 0x78, "PyBUF_C_CONTIGUOUS | PyBUF_F_CONTIGUOUS bits"),
        ("3x2 Fortran-ordered", f_order, 0xb8, "PyBUF_ANY_CONTIGUOUS | PyBUF_C_CONTIGUOUS bits")):
    result = ask(proxy, flags)
    print("BufferProxy(dict %s), flags %#x (%s): %s" % (name, flags, what, result))
    granted += result.startswith("granted")
if granted:
    print("REPRODUCED: %d requests granted although the view lacks an order they ask for"
          % granted)
else:
    print("NOT REPRODUCED")
