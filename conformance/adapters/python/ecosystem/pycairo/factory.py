"""pycairo's exporter: ImageSurface.get_data() returns memoryview(_BufferProxy); the factory
judges the _BufferProxy (the memoryview's .obj), the object whose bf_getbuffer pycairo wrote.

Surfaces of every format pycairo 1.20 offers with cairo 1.16 (ARGB32, RGB24, A8, A1, RGB16_565,
RGB30): cairo's own pixel memory, painted through a cairo.Context with exact colours (expected
bytes computed here from the colours, the format's pixel layout and cairo's stride; row padding
is the 0 of cairo's zero-filled allocation), and surfaces over a bytearray
(ImageSurface.create_for_data, expected = the bytearray's pattern, nothing drawn). Memory:
cairo's pixel block is declared by address (cairo_image_surface_get_data and the stride, read
through libcairo with ctypes, not through the exporter); create_for_data's is the bytearray.
Last, two proxies of finished surfaces, whose pixels cairo has freed (declared: no memory).
"""
import ctypes
import struct
import sys

import cairo

_cairo = ctypes.CDLL("libcairo.so.2")
_cairo.cairo_image_surface_get_data.restype = ctypes.c_void_p
_cairo.cairo_image_surface_get_data.argtypes = [ctypes.c_void_p]
_keep = []  # surfaces whose memory is declared by address

# PycairoSurface (pycairo.h): PyObject_HEAD, then cairo_surface_t *surface.
_SURFACE_OFFSET = object.__basicsize__


def _c_surface(surface):
    return ctypes.c_void_p.from_address(id(surface) + _SURFACE_OFFSET).value


def _c_data(surface):
    return _cairo.cairo_image_surface_get_data(_c_surface(surface)) or 0


def _b(data):
    return {"format": "B", "shape": (len(data),), "items": bytes(data)}


def _proxy(surface):
    view = surface.get_data()
    return view.obj


# Pixel encoders for a colour (r, g, b, a), each 0 or 1 (exact in every format).
def _argb32(c):
    r, g, b, a = c  # premultiplied; a == 1 or the pixel is 0
    return struct.pack("=I", (a * 255) << 24 | (r * a * 255) << 16 | (g * a * 255) << 8
                       | b * a * 255)


def _a8(c):
    return bytes([c[3] * 255])


def _rgb565(c):
    r, g, b, _ = c
    return struct.pack("=H", (r * 0x1F) << 11 | (g * 0x3F) << 5 | b * 0x1F)


_ENCODERS = {"ARGB32": _argb32, "A8": _a8, "RGB16_565": _rgb565}


def _rows_a1(pixels, stride):
    """A1: one bit per pixel in 32-bit words of native byte order; on a little-endian machine
    pixel x is bit x % 32 of word x // 32 (cairo's docs), on a big-endian one bit 31 - x % 32."""
    out = bytearray()
    for row in pixels:
        words = [0] * (stride // 4)
        for x, c in enumerate(row):
            if c[3]:
                bit = x % 32 if sys.byteorder == "little" else 31 - x % 32
                words[x // 32] |= 1 << bit
        out += struct.pack("=%dI" % len(words), *words)
    return bytes(out)


def _painted(fmt_name, width, height, bg, fg):
    """A surface painted bg, with pixel (1, 0) set to fg (OPERATOR_SOURCE)."""
    surface = cairo.ImageSurface(getattr(cairo.Format, fmt_name), width, height)
    ctx = cairo.Context(surface)
    ctx.set_operator(cairo.OPERATOR_SOURCE)
    ctx.set_source_rgba(*bg)
    ctx.paint()
    if width > 1:
        ctx.rectangle(1, 0, 1, 1)
        ctx.set_source_rgba(*fg)
        ctx.fill()
    surface.flush()
    pixels = [[fg if (x, y) == (1, 0) else bg for x in range(width)] for y in range(height)]
    return surface, pixels


def _expected(fmt_name, pixels, stride):
    if fmt_name == "A1":
        return _rows_a1(pixels, stride)
    if fmt_name not in _ENCODERS:
        return None
    out = bytearray()
    for row in pixels:
        line = b"".join(_ENCODERS[fmt_name](c) for c in row)
        out += line + b"\x00" * (stride - len(line))
    return bytes(out)


def make():
    entries = []
    blue, yellow, clear = (0, 0, 1, 1), (1, 1, 0, 1), (1, 0, 0, 0)
    for fmt_name in ("ARGB32", "RGB24", "A8", "A1", "RGB16_565", "RGB30"):
        fg = clear if fmt_name in ("A8", "A1") else yellow
        for width, height in ((1, 1), (3, 2), (33, 2)):
            surface, pixels = _painted(fmt_name, width, height, blue, fg)
            _keep.append(surface)
            stride = surface.get_stride()
            entry = {"description": "ImageSurface %s %dx%d painted" % (fmt_name, width, height),
                     "object": _proxy(surface),
                     "memory": [(_c_data(surface), stride * height)], "memory_readonly": False}
            expected = _expected(fmt_name, pixels, stride)
            if expected is not None:
                entry["expected"] = _b(expected)
            entries.append(entry)

    # Over a bytearray: the proxy exports the bytearray's memory; nothing drawn.
    for fmt_name, width, height, extra in (("ARGB32", 1, 1, 0), ("ARGB32", 3, 2, 8),
                                           ("RGB24", 2, 2, 0), ("A8", 5, 3, 4),
                                           ("A1", 40, 2, 0), ("RGB16_565", 3, 1, 0),
                                           ("RGB30", 2, 3, 4)):
        fmt = getattr(cairo.Format, fmt_name)
        stride = fmt.stride_for_width(width) + extra
        owner = bytearray((i * 37 + 11) & 0xFF for i in range(stride * height))
        surface = cairo.ImageSurface.create_for_data(owner, fmt, width, height, stride)
        _keep.append(surface)
        entries.append({"description": "create_for_data %s %dx%d stride %d"
                                       % (fmt_name, width, height, stride),
                        "object": _proxy(surface), "expected": _b(owner), "memory": owner})
    return entries + _finished()


def _finished():
    """Proxies of finished surfaces: cairo_surface_finish() frees an image surface's own pixels,
    so the surface owns no memory any more (declared: none), but the proxy keeps exporting them
    (library.json). Small surfaces: their freed block stays mapped, so reading it cannot crash."""
    surface = cairo.ImageSurface(cairo.Format.ARGB32, 4, 4)
    before = _proxy(surface)
    surface.finish()
    _keep.append(surface)
    surface2 = cairo.ImageSurface(cairo.Format.ARGB32, 4, 4)
    surface2.finish()
    _keep.append(surface2)
    after = _proxy(surface2)
    return [{"description": "ImageSurface ARGB32 4x4 finished after get_data()",
             "object": before, "memory": []},
            {"description": "ImageSurface ARGB32 4x4 get_data() after finish()",
             "object": after, "memory": []}]
