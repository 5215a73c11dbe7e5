"""Fixture reproducer: ctypes fills format without PyBUF_FORMAT. Prints REPRODUCED while it
does (BUFCONF_FIXTURE_FIXED=1 makes it claim the fix, to test a stale reproducer)."""
import ctypes
import os

PyBUF_SIMPLE = 0


class Py_buffer(ctypes.Structure):
    _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.py_object), ("len", ctypes.c_ssize_t),
                ("itemsize", ctypes.c_ssize_t), ("readonly", ctypes.c_int),
                ("ndim", ctypes.c_int), ("format", ctypes.c_char_p),
                ("shape", ctypes.c_void_p), ("strides", ctypes.c_void_p),
                ("suboffsets", ctypes.c_void_p), ("internal", ctypes.c_void_p)]


array = (ctypes.c_int * 3)(1, 2, 3)
view = Py_buffer()
get = ctypes.pythonapi.PyObject_GetBuffer
get.argtypes = [ctypes.py_object, ctypes.POINTER(Py_buffer), ctypes.c_int]
get(array, ctypes.byref(view), PyBUF_SIMPLE)
fmt = view.format
ctypes.pythonapi.PyBuffer_Release.argtypes = [ctypes.POINTER(Py_buffer)]
ctypes.pythonapi.PyBuffer_Release(ctypes.byref(view))
if fmt is not None and not os.environ.get("BUFCONF_FIXTURE_FIXED"):
    print("REPRODUCED: format %r without PyBUF_FORMAT" % fmt)
else:
    print("NOT REPRODUCED: format NULL")
