"""pycairo's _BufferProxy keeps exporting an image surface's pixels after finish() freed them.

ImageSurface.get_data() returns memoryview(_BufferProxy); the proxy stores cairo's pixel pointer
and hands it out from bf_getbuffer for as long as it lives. ImageSurface.finish() (cairo's
_cairo_image_surface_finish) frees pixels cairo allocated itself, so a buffer asked of the proxy
after finish() points at freed memory (MEMORY-SPAN: every byte of a view must lie in memory the
exporter owns). With a 4 MB surface the freed block is unmapped: reading it usually dies of
SIGSEGV, which counts as reproduced.
"""
import ctypes

import cairo


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

print("pycairo", cairo.version, "cairo", cairo.cairo_version_string())
surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, 1024, 1024)
proxy = surface.get_data().obj          # the exporter behind get_data()'s memoryview
print("exporter:", type(proxy).__name__)
surface.finish()                        # cairo frees the surface's own pixels here
view = Py_buffer()
try:
    get(proxy, ctypes.byref(view), 0)
except BufferError as e:
    print("after finish(), the proxy refuses:", e)
    print("NOT REPRODUCED: no buffer of freed pixels is handed out")
    raise SystemExit(0)
buf, length = view.buf, view.len
print("after finish(), PyBUF_SIMPLE gives buf=%#x len=%d (the freed pixel block)" % (buf, length))
if length == 0:
    release(ctypes.byref(view))
    print("NOT REPRODUCED: the proxy exports no bytes after finish()")
    raise SystemExit(0)
print("reading the first byte of the freed block ...", flush=True)
first = ctypes.string_at(buf, 1)        # use after free: SIGSEGV when the block was unmapped
release(ctypes.byref(view))
print("read", first)
print("REPRODUCED: the proxy exports %d bytes of pixels that finish() freed" % length)
