"""pygame.mask.Mask fills strides for a PyBUF_ND request (rule REQ-STRIDES-FILLED).

PyBUF_ND (0x8) asks for a shape but no strides: the exporter must leave strides NULL.
pgMask_GetBuffer tests `flags & PyBUF_STRIDES`, and PyBUF_STRIDES (0x18) includes the
PyBUF_ND bit, so a PyBUF_ND request gets strides too.
"""
import ctypes
import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame.mask

PyBUF_ND = 0x8


class Py_buffer(ctypes.Structure):
    _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.c_void_p), ("len", ctypes.c_ssize_t),
                ("itemsize", ctypes.c_ssize_t), ("readonly", ctypes.c_int),
                ("ndim", ctypes.c_int), ("format", ctypes.c_char_p),
                ("shape", ctypes.POINTER(ctypes.c_ssize_t)),
                ("strides", ctypes.POINTER(ctypes.c_ssize_t)),
                ("suboffsets", ctypes.c_void_p), ("internal", ctypes.c_void_p)]


mask = pygame.mask.Mask((5, 3))
view = Py_buffer()
if ctypes.pythonapi.PyObject_GetBuffer(ctypes.py_object(mask), ctypes.byref(view), PyBUF_ND):
    raise SystemExit("NOT REPRODUCED: the PyBUF_ND request was refused")
shape = [view.shape[i] for i in range(view.ndim)]
strides = [view.strides[i] for i in range(view.ndim)] if view.strides else None
print("PyBUF_ND (0x8) on Mask((5, 3)): ndim", view.ndim, "shape", shape, "strides", strides)
ctypes.pythonapi.PyBuffer_Release(ctypes.byref(view))
if strides is not None:
    print("REPRODUCED: strides are set although PyBUF_STRIDES was not requested")
else:
    print("NOT REPRODUCED: strides are NULL for a PyBUF_ND request")
