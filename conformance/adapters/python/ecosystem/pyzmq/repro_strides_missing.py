"""zmq.Frame leaves Py_buffer.strides NULL for a PyBUF_STRIDES request (REQ-STRIDES-FILLED).

A request with PyBUF_STRIDES must get strides != NULL (Doc/c-api/buffer.rst, request table:
PyBUF_STRIDES: strides yes). Frame.__getbuffer__ sets strides = NULL for every request.
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

PyBUF_STRIDES = 0x10 | 0x8  # PyBUF_STRIDES includes PyBUF_ND
frame = zmq.Frame(b"hello")
view = Py_buffer()
get(frame, ctypes.byref(view), PyBUF_STRIDES)
strides = view.strides[0] if view.strides else None
release(ctypes.byref(view))
print("pyzmq", zmq.__version__, "libzmq", zmq.zmq_version())
print("PyBUF_STRIDES request: strides =", "NULL" if strides is None else "{%d}" % strides)
if strides is None:
    print("REPRODUCED: zmq.Frame grants PyBUF_STRIDES with strides NULL (must be {1})")
else:
    print("NOT REPRODUCED: strides {%d} with PyBUF_STRIDES" % strides)
