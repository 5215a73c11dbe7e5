"""ffi.buffer(ffi.from_buffer(bytes)) grants a writable buffer over the bytes object's memory.

ffi.from_buffer(x) (require_writable=False, the default) asks x for a read-only buffer and
returns a char[] cdata pointing into it; ffi.buffer(cdata) exports that memory with
readonly = 0 (PyBuffer_FillInfo(..., readonly=0, ...)) and grants PyBUF_WRITABLE. Over a bytes
object a consumer may then write into an immutable bytes (MEMORY-WRITABLE). cffi documents
that writing there is the caller's responsibility, but the buffer it exports says "writable".
"""
import ctypes

import cffi


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
ffi = cffi.FFI()
data = b"".join([b"immutable", b" bytes"])  # a fresh bytes object, not a shared constant
buf = ffi.buffer(ffi.from_buffer(data))
print("cffi", cffi.__version__)
view = Py_buffer()
try:
    get(buf, ctypes.byref(view), PyBUF_WRITABLE)
except BufferError as e:
    print("PyBUF_WRITABLE refused:", e)
    print("NOT REPRODUCED: ffi.buffer over a bytes object refuses a writable buffer")
    raise SystemExit(0)
same = view.buf == ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p).value
readonly = view.readonly
release(ctypes.byref(view))
print("PyBUF_WRITABLE granted: readonly = %d, buf is the bytes object's storage: %s"
      % (readonly, same))
if same and readonly == 0:
    memoryview(buf)[0] = ord("I")
    print("after memoryview(buf)[0] = ord('I'): data =", data)
    print("REPRODUCED: ffi.buffer(ffi.from_buffer(bytes)) exports the bytes' storage as writable")
else:
    print("NOT REPRODUCED: the view is read-only or not the bytes' storage")
