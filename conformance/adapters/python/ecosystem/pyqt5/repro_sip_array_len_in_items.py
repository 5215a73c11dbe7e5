"""sip.array of a wrapped C++ type reports len in items, not bytes (LAYOUT-LEN).

sip.array(QtCore.QPoint, 3) holds three 8-byte QPoints. Without PyBUF_FORMAT its buffer has
itemsize 8 and (with PyBUF_ND) shape {3}, but len 3: len must be itemsize * shape[0] = 24
(Doc/c-api/buffer.rst: "shape[0] * ... * shape[ndim-1] * itemsize MUST be equal to len"). A
consumer copying len bytes (PyBuffer_ToContiguous, bytes(memoryview) of a cast) gets 3 of 24.
"""
import ctypes
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PyQt5 import QtCore, sip  # noqa: E402


class Py_buffer(ctypes.Structure):
    _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.c_void_p), ("len", ctypes.c_ssize_t),
                ("itemsize", ctypes.c_ssize_t), ("readonly", ctypes.c_int), ("ndim", ctypes.c_int),
                ("format", ctypes.c_char_p), ("shape", ctypes.POINTER(ctypes.c_ssize_t)),
                ("strides", ctypes.POINTER(ctypes.c_ssize_t)),
                ("suboffsets", ctypes.POINTER(ctypes.c_ssize_t)), ("internal", ctypes.c_void_p)]


get = ctypes.pythonapi.PyObject_GetBuffer
get.argtypes = [ctypes.py_object, ctypes.POINTER(Py_buffer), ctypes.c_int]
release = ctypes.pythonapi.PyBuffer_Release
release.argtypes = [ctypes.POINTER(Py_buffer)]

PyBUF_ND = 0x8
print("PyQt5", QtCore.PYQT_VERSION_STR, "sip", sip.SIP_VERSION_STR)
array = sip.array(QtCore.QPoint, 3)
view = Py_buffer()
get(array, ctypes.byref(view), PyBUF_ND)
length, itemsize, extent = view.len, view.itemsize, view.shape[0]
release(ctypes.byref(view))
print("PyBUF_ND: len %d, itemsize %d, shape {%d}" % (length, itemsize, extent))
if length != itemsize * extent:
    print("REPRODUCED: len %d != itemsize * shape[0] = %d" % (length, itemsize * extent))
else:
    print("NOT REPRODUCED: len == itemsize * shape[0]")
