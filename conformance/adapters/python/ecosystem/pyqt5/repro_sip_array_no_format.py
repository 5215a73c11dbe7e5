"""sip.array of a wrapped C++ type refuses every request with PyBUF_FORMAT (REQ-GRANT).

sip.array(QtCore.QPoint, n) exports n QPoint values (itemsize 8) but raises BufferError
"format has not been specified" for any request with PyBUF_FORMAT (PyBUF_FULL_RO, PyBUF_RECORDS,
memoryview(array) itself), although its memory can be described: PEP 3118 says of PyBUF_FORMAT
"An exporter should always be able to provide this information if requested" ('8B', '8s' or
'T{i:x:i:y:}' would do). Without PyBUF_FORMAT the same request is granted.
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

PyBUF_ND, PyBUF_FULL_RO = 0x8, 0x11C
print("PyQt5", QtCore.PYQT_VERSION_STR, "sip", sip.SIP_VERSION_STR)
array = sip.array(QtCore.QPoint, 3)
view = Py_buffer()
get(array, ctypes.byref(view), PyBUF_ND)
print("PyBUF_ND granted: len %d, itemsize %d, shape {%d}"
      % (view.len, view.itemsize, view.shape[0]))
release(ctypes.byref(view))
view = Py_buffer()
try:
    get(array, ctypes.byref(view), PyBUF_FULL_RO)
except BufferError as e:
    print("PyBUF_FULL_RO refused: BufferError:", e)
    print("REPRODUCED: sip.array(QPoint, 3) refuses PyBUF_FORMAT requests")
else:
    print("PyBUF_FULL_RO granted: format %r" % view.format)
    print("NOT REPRODUCED: PyBUF_FORMAT requests are granted")
