"""zmq.Frame(bytes, copy=False) grants a writable buffer over the bytes object's memory.

With copy=False the frame's message points at the data object's own memory; Frame.__getbuffer__
always reports readonly = 0 (and grants PyBUF_WRITABLE), whatever that memory is. Over a bytes
object a consumer may then write into an immutable bytes (MEMORY-WRITABLE: readonly == 0 only
when the memory may be written). The data's buffer is asked for without PyBUF_WRITABLE.
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

PyBUF_WRITABLE = 1
data = b"".join([b"immutable bytes,", b" shared with the frame"])  # fresh, not a constant
frame = zmq.Frame(data, copy=False)
view = Py_buffer()
print("pyzmq", zmq.__version__, "libzmq", zmq.zmq_version())
try:
    get(frame, ctypes.byref(view), PyBUF_WRITABLE)
except BufferError as e:
    print("PyBUF_WRITABLE refused:", e)
    print("NOT REPRODUCED: the frame over bytes refuses a writable buffer")
    raise SystemExit(0)
same = view.buf == ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p).value
readonly = view.readonly
release(ctypes.byref(view))
print("PyBUF_WRITABLE granted: readonly = %d, buf is the bytes object's storage: %s"
      % (readonly, same))
m = memoryview(frame)
print("memoryview(frame).readonly =", m.readonly)
if same and readonly == 0:
    m[0] = ord("I")  # writes into the bytes object
    print("after m[0] = ord('I'): data =", data)
    print("REPRODUCED: zmq.Frame(bytes, copy=False) exports the bytes' storage as writable")
else:
    print("NOT REPRODUCED: the view is read-only or not the bytes' storage")
