"""bufconf factory for pygame (Debian python3-pygame 2.1.2).

What pygame exports through the buffer protocol:

- pygame.BufferProxy: what Surface.get_view(kind) and Surface.get_buffer() return (the
  Surface's pixels), and pygame.BufferProxy(parent) over a dict of the array interface, an
  object with __array_interface__ or __array_struct__, or an object with a buffer;
- pygame.mask.Mask: its bit array (unsigned long words, column-of-words major);
- pygame.mixer.Sound: its samples, described with the mixer's current format and channels.

pygame.surfarray and pygame.sndarray return numpy arrays: numpy is the exporter there, not
pygame, so they are not judged here.

Expected contents are computed here from the values written (Surface.set_at with known colours,
the pixel format's masks, shifts and losses; the mask bits set; the Sound's source bytes), never
read back through a pygame buffer.
"""

import array
import ctypes
import os
import struct

os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402
import pygame.mask  # noqa: E402
import pygame.mixer  # noqa: E402

# The mixer setting the Sounds are made and exported with. A Sound describes its samples with
# the mixer's *current* format (Mix_QuerySpec at each request), so one setting serves the run.
# BUFCONF_PYGAME_MIXER="size,channels" picks another (e.g. "8,1", "-16,1", "32,2").
MIXER = tuple(int(v) for v in os.environ.get("BUFCONF_PYGAME_MIXER", "-16,2").split(","))

_keep = []  # objects whose memory backs a declared block

pygame.display.init()  # Surface.set_palette needs it (the dummy video driver)


def _color(x, y):
    return ((x * 53 + y * 17 + 5) & 255, (x * 29 + y * 71 + 9) & 255,
            (x * 11 + y * 37 + 200) & 255, (x * 7 + y * 91 + 60) & 255)


def _palette():
    return [(i, (i * 3 + 1) & 255, (255 - i)) for i in range(256)]


def _mapped(surf, rgba):
    """The pixel value SDL stores for rgba, from the format's masks, shifts and losses."""
    masks = surf.get_masks()
    shifts = surf.get_shifts()
    losses = surf.get_losses()
    v = 0
    for c, m, s, l in zip(rgba, masks, shifts, losses):
        if m:
            v |= ((c >> l) << s) & m
    return v


def _fill(surf, depth, x0=0, y0=0):
    """Writes a known colour at every pixel; returns {(x, y): pixel value} (surf's coords)."""
    w, h = surf.get_size()
    pix = {}
    if depth == 8:
        pal = _palette()
        for y in range(h):
            for x in range(w):
                idx = ((x + x0) * 37 + (y + y0) * 11 + 3) & 255
                surf.set_at((x, y), pal[idx])
                pix[x, y] = idx
    else:
        for y in range(h):
            for x in range(w):
                c = _color(x + x0, y + y0)
                surf.set_at((x, y), c)
                pix[x, y] = _mapped(surf, c)
    return pix


def _rgba_of(surf, value):
    out = []
    for m, s, l in zip(surf.get_masks(), surf.get_shifts(), surf.get_losses()):
        out.append((((value & m) >> s) << l) if m else 255)
    return out


def _make_surface(w, h, depth, alpha, masks=None):
    flags = pygame.SRCALPHA if alpha else 0
    if masks:
        s = pygame.Surface((w, h), flags, depth, masks)
    else:
        s = pygame.Surface((w, h), flags, depth)
    if depth == 8:
        s.set_palette(_palette())
    return s


def _memory(surf):
    """The pixel block of a surface (a subsurface's: its root parent's)."""
    root = surf
    while root.get_parent() is not None:
        root = root.get_parent()
    addr = root._pixels_address
    size = root.get_pitch() * root.get_height()
    if size == 0:
        return []
    return [(addr, size)]


ALL = ("2", "buffer", "0", "1", "3", "r", "g", "b", "a", "R", "G", "B", "A")


def _surface_entries(tag, surf, pix, kinds):
    """Entries for the views of surf among kinds ("buffer" is get_buffer()) that pygame makes:
    get_view raises ValueError for '0'/'1' on a surface with row padding, '3' and the colour
    planes below 24 bits, a plane whose mask is not one byte (no alpha: no 'a')."""
    w, h = surf.get_size()
    bpp = surf.get_bytesize()
    pitch = surf.get_pitch()
    ifmt = {1: "B", 2: "=H", 3: "3x", 4: "=I"}[bpp]
    packed = pitch == w * bpp
    mem = _memory(surf)
    entries = []

    def add(kind, obj, expected):
        entries.append({"object": obj, "description": "%s.%s" % (tag, kind),
                        "expected": expected, "memory": mem})

    def item(v):
        return v.to_bytes(bpp, "little")

    # the pixels in memory order (rows of x), and in the views' order (x first)
    rows = b"".join(item(pix[x, y]) for y in range(h) for x in range(w))
    cols = b"".join(item(pix[x, y]) for x in range(w) for y in range(h))
    if "2" in kinds:
        # (w, h) mapped pixels; a 24-bit pixel's format is '3x' (pad bytes: no values)
        add("get_view('2')", surf.get_view("2"),
            {"format": ifmt, "shape": (w, h), "items": cols, "itemsize": bpp})
    if "buffer" in kinds:
        # the rows as bytes, pitch * height of them (row padding included: unknown bytes)
        add("get_buffer()", surf.get_buffer(),
            {"format": "B", "shape": (len(rows),), "items": rows, "itemsize": 1}
            if packed else None)
    if packed and "0" in kinds:
        add("get_view('0')", surf.get_view("0"),
            {"format": "B", "shape": (len(rows),), "items": rows, "itemsize": 1})
    if packed and "1" in kinds:
        # one dimension of w * h pixels in memory order (bytes for an 8-bit surface)
        add("get_view('1')", surf.get_view("1"),
            {"format": "B" if bpp == 1 else ifmt, "shape": (len(rows) // bpp,),
             "items": rows, "itemsize": bpp})
    if bpp >= 3:
        if "3" in kinds:
            rgb = bytes(b for x in range(w) for y in range(h)
                        for b in _rgba_of(surf, pix[x, y])[:3])
            add("get_view('3')", surf.get_view("3"),
                {"format": "B", "shape": (w, h, 3), "items": rgb, "itemsize": 1})
        for ch, plane_kinds in ((0, "rR"), (1, "gG"), (2, "bB"), (3, "aA")):
            if not surf.get_masks()[ch]:
                continue
            plane = bytes(_rgba_of(surf, pix[x, y])[ch] for x in range(w) for y in range(h))
            for k in plane_kinds:
                if k in kinds:
                    add("get_view('%s')" % k, surf.get_view(k),
                        {"format": "B", "shape": (w, h), "items": plane, "itemsize": 1})
    return entries


# (depth, SRCALPHA, masks) and which sizes and subsurfaces of it, with which view kinds.
# Every kind on a packed surface of n pixels (4x3: no row padding at any depth), one pixel and
# empty surfaces (0x3: pitch 0; 3x0: no rows) and subsurfaces, whose pitch is the parent's
# (7x5) and larger than their width: (1,1,3x2) strided, (6,4,1x1) the parent's last pixel,
# (2,1,0x3) empty, (0,2,7x3) full rows (no padding at 32 bits).
FEW = ("2", "buffer", "3", "r", "a")
FULL = {"root": [((4, 3), ALL[:9]), ((1, 1), FEW), ((0, 3), ("2", "buffer", "3", "r"))],
        "sub": [((1, 1, 3, 2), ("2", "buffer", "3", "r", "g", "b", "a")),
                ((6, 4, 1, 1), ("2", "buffer", "r")), ((2, 1, 0, 3), ("2", "3"))]}
BGR = (0xff, 0xff00, 0xff0000, 0)
RGBA = (0xff, 0xff00, 0xff0000, 0xff000000)
FORMATS = [
    (8, False, None, FULL),
    (16, False, None, FULL),
    (16, True, None, {"root": [((4, 3), ALL)], "sub": []}),
    (24, False, None, FULL),
    (24, False, BGR, {"root": [((4, 3), ("2", "3", "r"))], "sub": []}),
    (32, False, None, {"root": [((4, 3), ALL), ((1, 1), FEW)], "sub": []}),
    (32, True, None, {"root": FULL["root"] + [((4, 3), ("R", "G", "B", "A")),
                                             ((3, 0), ("2", "3"))],
                      "sub": FULL["sub"] + [((0, 2, 7, 3), ("2", "1"))]}),
    (32, True, RGBA, {"root": [((4, 3), ("3", "r", "a")), ((1, 1), ("3",))], "sub": []}),
]


def _surfaces():
    entries = []
    for depth, alpha, masks, plan in FORMATS:
        name = "%d-bit%s%s" % (depth, " SRCALPHA" if alpha else "",
                               " masks %s" % ",".join("%x" % m for m in masks) if masks else "")
        made = {}
        for (w, h), kinds in plan["root"]:
            if (w, h) not in made:
                s = _make_surface(w, h, depth, alpha, masks)
                made[w, h] = (s, _fill(s, depth))
                _keep.append(s)
            s, pix = made[w, h]
            entries += _surface_entries("Surface(%dx%d %s)" % (w, h, name), s, pix, kinds)
        if plan["sub"]:
            parent = _make_surface(7, 5, depth, alpha, masks)
            _fill(parent, depth)
            _keep.append(parent)
        for (x, y, w, h), kinds in plan["sub"]:
            sub = parent.subsurface((x, y, w, h))
            pix = _fill(sub, depth, x, y)
            _keep.append(sub)
            entries += _surface_entries(
                "Surface(7x5 %s).subsurface(%d,%d,%dx%d)" % (name, x, y, w, h), sub, pix, kinds)
    return entries


def _mask_bits(m):
    """The address of a Mask's bit array: pgMaskObject {PyObject_HEAD; bitmask_t *mask; ...},
    bitmask_t {int w, h; unsigned long bits[]} (pygame's include/pygame_mask.h, bitmask.h)."""
    bitmask = ctypes.c_void_p.from_address(id(m) + object.__basicsize__).value
    return bitmask + 2 * ctypes.sizeof(ctypes.c_int)


def _masks():
    entries = []
    word = struct.calcsize("L")
    wbits = word * 8
    for (w, h), bits in (((1, 1), [(0, 0)]), ((5, 3), [(0, 0), (4, 2), (2, 1)]),
                         ((70, 2), [(0, 0), (69, 1), (64, 0), (63, 1)]),
                         ((130, 3), [(129, 2), (1, 0), (64, 1)]),
                         ((3, 0), []), ((0, 3), []), ((0, 0), [])):
        m = pygame.mask.Mask((w, h))
        for p in bits:
            m.set_at(p)
        _keep.append(m)
        cols = (w - 1) // wbits + 1 if w > 0 else 0
        words = [[0] * h for _ in range(cols)]
        for (x, y) in bits:
            words[x // wbits][y] |= 1 << (x % wbits)
        items = b"".join(struct.pack("L", words[c][y]) for c in range(cols) for y in range(h))
        exp = {"format": "L", "shape": (cols, h), "items": items, "itemsize": word}
        # the memory bitmask_create allocated for the bits: h * cols words (none when w or h is 0)
        entries.append({"object": m, "description": "Mask(%dx%d)" % (w, h), "expected": exp,
                        "memory": [(_mask_bits(m), len(items))]})
    return entries


def _proxies():
    entries = []
    a = array.array("H", [1, 2, 3, 4, 5, 6])
    _keep.append(a)
    addr, n = a.buffer_info()
    block = [(addr, n * a.itemsize)]
    le = struct.pack("<6H", *a)

    def ent(desc, obj, exp, readonly=False):
        entries.append({"object": obj, "description": desc, "expected": exp, "memory": block,
                        "memory_readonly": readonly})

    ent("BufferProxy(dict 1-D <u2)",
        pygame.BufferProxy({"shape": (6,), "typestr": "<u2", "data": (addr, False)}),
        {"format": "<H", "shape": (6,), "items": le})
    ent("BufferProxy(dict 2x3 <u2, parent)",
        pygame.BufferProxy({"shape": (2, 3), "typestr": "<u2", "data": (addr, False),
                            "parent": a}),
        {"format": "<H", "shape": (2, 3), "items": le})
    ent("BufferProxy(dict 3x2 <u2 strides (2,6))",
        pygame.BufferProxy({"shape": (3, 2), "typestr": "<u2", "data": (addr, False),
                            "strides": (2, 6)}),
        {"format": "<H", "shape": (3, 2), "items": struct.pack("<6H", 1, 4, 2, 5, 3, 6)})
    ent("BufferProxy(dict 2x2 <u2 strides (8,2))",
        pygame.BufferProxy({"shape": (2, 2), "typestr": "<u2", "data": (addr, False),
                            "strides": (8, 2)}),
        {"format": "<H", "shape": (2, 2), "items": struct.pack("<4H", 1, 2, 5, 6)})
    ent("BufferProxy(dict 1-D <u2 read-only)",
        pygame.BufferProxy({"shape": (6,), "typestr": "<u2", "data": (addr, True)}),
        {"format": "<H", "shape": (6,), "items": le}, readonly=True)
    ent("BufferProxy(dict 0-length <u2)",
        pygame.BufferProxy({"shape": (0,), "typestr": "<u2", "data": (addr, False)}),
        {"format": "<H", "shape": (0,), "items": b"", "itemsize": 2})
    # over objects without a buffer that give the array interface: a dict attribute, or a
    # PyArrayInterface capsule (numpy's, of a numpy array over the same block)
    class Interface:
        def __init__(self, **d):
            self.__array_interface__ = dict(d, version=3)

    ent("BufferProxy(__array_interface__ 2x3 <u2)",
        pygame.BufferProxy(Interface(shape=(2, 3), typestr="<u2", data=(addr, False))),
        {"format": "<H", "shape": (2, 3), "items": le})
    try:
        import numpy
    except ImportError:
        numpy = None
    if numpy is not None:
        arr = numpy.frombuffer(a, dtype="<u2").reshape(3, 2).T  # (2, 3), Fortran order
        _keep.append(arr)

        class Struct:
            def __init__(self, arr):
                self.arr = arr
                self.__array_struct__ = arr.__array_struct__

        ent("BufferProxy(__array_struct__ 2x3 <u2 Fortran)", pygame.BufferProxy(Struct(arr)),
            {"format": "<H", "shape": (2, 3), "items": struct.pack("<6H", 1, 3, 5, 2, 4, 6)})
    # over an object with a buffer: pygame re-exports the buffer it gets from it (one object:
    # every request without PyBUF_FORMAT crashes it, whatever the exporter under it)
    data = bytes(range(10, 22))
    _keep.append(data)
    entries.append({"object": pygame.BufferProxy(data), "memory": data,
                    "description": "BufferProxy(exporter: bytes)",
                    "expected": {"format": "B", "shape": (12,), "items": data}})
    return entries


def _sounds():
    size, channels = MIXER
    pygame.mixer.quit()
    pygame.mixer.init(frequency=22050, size=size, channels=channels)
    freq, fmt_size, ch = pygame.mixer.get_init()
    fmt = {8: "B", -8: "b", 16: "H", -16: "h", -32: "f", 32: "f"}[fmt_size]
    isz = struct.calcsize(fmt)
    entries = []
    tag = "Sound(mixer %d-bit %s %dch)" % (abs(fmt_size), fmt, ch)
    for frames in (0, 1, 5):
        n = frames * isz * ch
        data = bytes((i * 37 + 11) & 255 for i in range(n))
        if fmt == "f":  # finite floats
            data = struct.pack("%df" % (frames * ch), *[i * 0.25 - 1 for i in range(frames * ch)])
        snd = pygame.mixer.Sound(buffer=data)
        _keep.append(snd)
        shape = (frames, ch) if ch > 1 else (frames,)
        entries.append({"object": snd, "description": "%s buffer of %d frames" % (tag, frames),
                        "expected": {"format": fmt, "shape": shape, "items": data,
                                     "itemsize": isz}})
    # a buffer that is not a whole number of frames: pygame keeps every byte
    if isz * ch > 1:
        data = bytes(range(isz * ch + 1))
        snd = pygame.mixer.Sound(buffer=data)
        _keep.append(snd)
        entries.append({"object": snd,
                        "description": "%s buffer of 1 frame and 1 byte" % tag})
    return entries


def make():
    return _surfaces() + _masks() + _proxies() + _sounds()
