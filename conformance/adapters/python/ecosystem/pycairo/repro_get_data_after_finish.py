"""ImageSurface.get_data() after finish() returns a memoryview of the freed pixels.

cairo_image_surface_get_data() is documented to return NULL for a finished surface but returns
the freed pointer (cairo 1.16); pycairo 1.20 wraps it in a _BufferProxy exporting len bytes
there (MEMORY-SPAN: the surface owns no pixel memory after finish()). pycairo PR #400 (2025)
makes get_data() raise for a finished surface. With a 4 MB surface reading the view usually
dies of SIGSEGV, which counts as reproduced.
"""
import cairo

print("pycairo", cairo.version, "cairo", cairo.cairo_version_string())
surface = cairo.ImageSurface(cairo.FORMAT_ARGB32, 1024, 1024)
surface.finish()                        # cairo frees the surface's own pixels here
try:
    view = surface.get_data()
except Exception as e:                  # pycairo >= PR #400: cairo.Error
    print("get_data() after finish() raised %s: %s" % (type(e).__name__, e))
    print("NOT REPRODUCED: get_data() refuses a finished surface")
    raise SystemExit(0)
if view is None or len(view) == 0:
    print("NOT REPRODUCED: get_data() after finish() gives", view)
    raise SystemExit(0)
print("get_data() after finish(): memoryview of %d bytes over %s"
      % (len(view), type(view.obj).__name__))
print("reading the first byte ...", flush=True)
first = view[0]                         # use after free: SIGSEGV when the block was unmapped
print("read", first)
print("REPRODUCED: get_data() after finish() exports %d bytes of freed pixels" % len(view))
