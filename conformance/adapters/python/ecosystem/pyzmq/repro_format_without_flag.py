"""zmq.Frame fills Py_buffer.format although the request lacks PyBUF_FORMAT (REQ-FORMAT-NULL).

A request without PyBUF_FORMAT must get format == NULL (Doc/c-api/buffer.rst, request table:
format is filled only with PyBUF_FORMAT). Frame.__getbuffer__ sets format = "B" for every request.
"""
import ctypes

import zmq


class Py_buffer(ctypes.Structure):
    _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.py_object), ("len", ctypes.c_ssize_t),
                ("itemsize", ctypes.c_ssize_t), ("readonly", ctypes.c_int), ("ndim", ctypes.c_int),
                ("format", ctypes.c_char_p), ("shape", ctypes.POINTER(ctypes.c_ssize_t)),
                ("strides", ctypes.POINTER(ctypes.c_ssize_t)),
                ("suboffsets", ctypes.POINTER(ctypes.c_ssize_t)), ("internal", ctypes.c_void_p)]


get = ctypes.pythonapi.PyObject_GetBuffer
get.argtypes = [ctypes.py_object, ctypes.POINTER(Py_buffer), ctypes.c_int]
release = ctypes.pythonapi.PyBuffer_Release
release.argtypes = [ctypes.POINTER(Py_buffer)]

PyBUF_SIMPLE = 0
frame = zmq.Frame(b"hello")
view = Py_buffer()
get(frame, ctypes.byref(view), PyBUF_SIMPLE)
fmt = view.format
release(ctypes.byref(view))
print("pyzmq", zmq.__version__, "libzmq", zmq.zmq_version())
print("PyBUF_SIMPLE request: format =", fmt)
if fmt is not None:
    print("REPRODUCED: zmq.Frame sets format %r without PyBUF_FORMAT (must be NULL)" % fmt)
else:
    print("NOT REPRODUCED: format is NULL without PyBUF_FORMAT")
