"""Surface.get_view('2') grants PyBUF_SIMPLE although its layout is not C-contiguous
(rule REQ-STRIDES-NEEDED).

The '2' view is a (width, height) array of mapped pixels with strides (bytesize, pitch): x is
the first index, so it is Fortran-ordered. A request without PyBUF_STRIDES promises a
C-contiguous buffer; for a surface without row padding (pitch == width * bytesize)
_get_buffer_2D grants PyBUF_SIMPLE anyway and hands out the pixel rows in memory order, which
is not the C order of the (width, height) array.
"""
import ctypes
import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame

PyBUF_SIMPLE = 0


class Py_buffer(ctypes.Structure):
    _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.c_void_p), ("len", ctypes.c_ssize_t),
                ("itemsize", ctypes.c_ssize_t), ("readonly", ctypes.c_int),
                ("ndim", ctypes.c_int), ("format", ctypes.c_char_p),
                ("shape", ctypes.POINTER(ctypes.c_ssize_t)),
                ("strides", ctypes.POINTER(ctypes.c_ssize_t)),
                ("suboffsets", ctypes.c_void_p), ("internal", ctypes.c_void_p)]


surf = pygame.Surface((4, 3), 0, 32)
for x in range(4):
    for y in range(3):
        surf.set_at((x, y), (0, y, x))          # mapped pixel 0x0000yyxx: low byte x
proxy = surf.get_view("2")
full = memoryview(proxy)                        # PyBUF_FULL_RO: shape (4, 3), strides (4, 16)
print("full view: shape", full.shape, "strides", full.strides, "C-contiguous", full.c_contiguous)
c_order = full.tobytes()                        # the (4, 3) array in C order
full.release()

view = Py_buffer()
if ctypes.pythonapi.PyObject_GetBuffer(ctypes.py_object(proxy), ctypes.byref(view),
                                       PyBUF_SIMPLE):
    raise SystemExit("NOT REPRODUCED: PyBUF_SIMPLE was refused")
simple = ctypes.string_at(view.buf, view.len)
ctypes.pythonapi.PyBuffer_Release(ctypes.byref(view))
print("PyBUF_SIMPLE granted: len", len(simple))
print("  C order of the (4, 3) array, low bytes:", list(c_order[::4]))
print("  bytes PyBUF_SIMPLE gives,     low bytes:", list(simple[::4]))
if simple != c_order:
    print("REPRODUCED: PyBUF_SIMPLE granted on a view that is not C-contiguous")
else:
    print("NOT REPRODUCED")
