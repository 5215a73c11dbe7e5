"""pygame.mask.Mask grants PyBUF_F_CONTIGUOUS for a layout that is not Fortran-contiguous
(rule REQ-F-CONTIGUOUS).

A Mask wider than one word (64 bits) and taller than one row exports a C-contiguous
(words, height) array of unsigned longs; pgMask_GetBuffer ignores the contiguity flags, so a
PyBUF_F_STRIDES request (0x58) is granted with C strides instead of failing with BufferError.
"""
import ctypes
import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame.mask

PyBUF_F_CONTIGUOUS = 0x40 | 0x18  # PyBUF_F_CONTIGUOUS includes PyBUF_STRIDES


class Py_buffer(ctypes.Structure):
    _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.c_void_p), ("len", ctypes.c_ssize_t),
                ("itemsize", ctypes.c_ssize_t), ("readonly", ctypes.c_int),
                ("ndim", ctypes.c_int), ("format", ctypes.c_char_p),
                ("shape", ctypes.POINTER(ctypes.c_ssize_t)),
                ("strides", ctypes.POINTER(ctypes.c_ssize_t)),
                ("suboffsets", ctypes.c_void_p), ("internal", ctypes.c_void_p)]


mask = pygame.mask.Mask((70, 2))
view = Py_buffer()
rc = ctypes.pythonapi.PyObject_GetBuffer(ctypes.py_object(mask), ctypes.byref(view),
                                         PyBUF_F_CONTIGUOUS)
if rc:
    raise SystemExit("NOT REPRODUCED: PyBUF_F_CONTIGUOUS was refused")
shape = [view.shape[i] for i in range(view.ndim)]
strides = [view.strides[i] for i in range(view.ndim)]
ctypes.pythonapi.PyBuffer_Release(ctypes.byref(view))
print("PyBUF_F_CONTIGUOUS (0x58) on Mask((70, 2)): shape", shape, "strides", strides,
      "itemsize", view.itemsize)
fortran = [view.itemsize, view.itemsize * shape[0]]
if strides != fortran:
    print("REPRODUCED: granted with strides %s, not the Fortran strides %s" % (strides, fortran))
else:
    print("NOT REPRODUCED: the strides are Fortran strides")
