"""sip.array of a wrapped C++ type refuses PyBUF_FORMAT but leaves view->obj set (a leaked
reference).

A refusing bf_getbuffer must return -1 with BufferError set and view->obj NULL
(Doc/c-api/typeobj.rst, bf_getbuffer; REQ-FAIL-BUFFERERROR). sip's array getbuffer sets
view->obj = self (with a new reference) before it finds that a wrapped type has no format, and
returns -1 without clearing it: PyObject_GetBuffer's caller gets an error and never releases,
so each refused request leaks one reference to the array.
"""
import ctypes
import os
import sys

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

PyBUF_FORMAT = 0x4
print("PyQt5", QtCore.PYQT_VERSION_STR, "sip", sip.SIP_VERSION_STR)
array = sip.array(QtCore.QPoint, 3)
before = sys.getrefcount(array)
view = Py_buffer()
try:
    get(array, ctypes.byref(view), PyBUF_FORMAT)
    print("NOT REPRODUCED: PyBUF_FORMAT was granted, format", view.format)
    raise SystemExit(0)
except BufferError as e:
    print("PyBUF_FORMAT refused: BufferError:", e)
after = sys.getrefcount(array)
print("view->obj after the refusal: %s; refcount of the array %d -> %d"
      % ("NULL" if not view.obj else hex(view.obj), before, after))
if view.obj == id(array) or after > before:
    print("REPRODUCED: the refusal leaves view->obj set to the array (+%d reference)"
          % (after - before))
else:
    print("NOT REPRODUCED: view->obj is NULL after the refusal")
