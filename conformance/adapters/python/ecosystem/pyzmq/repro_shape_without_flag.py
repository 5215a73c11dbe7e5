"""zmq.Frame fills Py_buffer.shape although the request lacks PyBUF_ND (REQ-ND-SHAPE).

A request without PyBUF_ND must get shape == NULL (Doc/c-api/buffer.rst, request table:
shape is filled only with PyBUF_ND). Frame.__getbuffer__ sets shape = &len for every request.
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
shape = view.shape[0] if view.shape else None
release(ctypes.byref(view))
print("pyzmq", zmq.__version__, "libzmq", zmq.zmq_version())
print("PyBUF_SIMPLE request: shape =", "NULL" if shape is None else "{%d}" % shape)
if shape is not None:
    print("REPRODUCED: zmq.Frame sets shape {%d} without PyBUF_ND (must be NULL)" % shape)
else:
    print("NOT REPRODUCED: shape is NULL without PyBUF_ND")
