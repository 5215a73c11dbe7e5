"""Surface views refuse requests their one-pixel and empty layouts satisfy (rule REQ-GRANT,
a SHOULD).

pygame decides contiguity from the surface's pitch, not from the view's shape: a view of one
pixel, one column, or no pixels at all is C- and Fortran-contiguous whatever the strides, but
  - get_view('2') refuses PyBUF_SIMPLE when pitch != width * bytesize (a 1x1 8-bit surface
    has pitch 4), and refuses PyBUF_C_CONTIGUOUS always;
  - get_view('3') and the colour planes ('r', 'g', 'b', 'a', 'R', ...) refuse every request
    without PyBUF_STRIDES and every contiguity request.
The same for the subsurfaces of one pixel or of zero width.
"""
import ctypes
import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame

PyBUF_SIMPLE = 0
PyBUF_C_CONTIGUOUS = 0x20 | 0x18


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
    ctypes.pythonapi.PyBuffer_Release(ctypes.byref(view))
    return "granted"


refused = 0
cases = [
    ("Surface((1, 1), 0, 8).get_view('2')", pygame.Surface((1, 1), 0, 8).get_view("2"),
     PyBUF_SIMPLE, "PyBUF_SIMPLE"),
    ("Surface((1, 1), 0, 32).get_view('2')", pygame.Surface((1, 1), 0, 32).get_view("2"),
     PyBUF_C_CONTIGUOUS, "PyBUF_C_CONTIGUOUS"),
    ("Surface((1, 1), 0, 32).get_view('r')", pygame.Surface((1, 1), 0, 32).get_view("r"),
     PyBUF_SIMPLE, "PyBUF_SIMPLE"),
    ("Surface((3, 0), 0, 32).get_view('3')", pygame.Surface((3, 0), 0, 32).get_view("3"),
     PyBUF_SIMPLE, "PyBUF_SIMPLE"),
]
for name, proxy, flags, fname in cases:
    shape = memoryview(proxy).shape
    result = ask(proxy, flags)
    print("%s, shape %s, %s: %s" % (name, shape, fname, result))
    refused += result.startswith("refused")
if refused:
    print("REPRODUCED: %d requests refused that the view's layout satisfies" % refused)
else:
    print("NOT REPRODUCED")
