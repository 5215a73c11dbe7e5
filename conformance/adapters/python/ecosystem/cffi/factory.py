"""cffi's exporter: ffi.buffer(cdata[, size]) (_cffi_backend.buffer) exports raw C memory as bytes.

Every buffer is made over memory whose values are written through cffi (ffi.new initialisers,
item assignment, ffi.memmove) and whose bytes the expected contents compute independently
(struct.pack for the native layout). Memory is declared by address for ffi.new's blocks and as
the owner for ffi.from_buffer's.
"""
import array
import ctypes
import struct

import cffi

ffi = cffi.FFI()
ffi.cdef("struct pt { int32_t x; int16_t y; char tag; };")
_keep = []  # cdata owners and ctypes blocks: the memory declared by address


def _b(data):
    return {"format": "B", "shape": (len(data),), "items": bytes(data)}


def _addr(cdata):
    return int(ffi.cast("uintptr_t", cdata))


def _owned(desc, cdata, expected, size=None):
    _keep.append(cdata)
    buf = ffi.buffer(cdata) if size is None else ffi.buffer(cdata, size)
    return {"description": desc, "object": buf, "expected": _b(expected),
            "memory": [(_addr(cdata), ffi.sizeof(cdata))], "memory_readonly": False}


def make():
    entries = []
    # char arrays of 0, 1 and n bytes.
    for data in (b"", b"\x7f", b"cffi buffer\x00\xff\x80"):
        p = ffi.new("char[%d]" % len(data), data) if data else ffi.new("char[0]")
        entries.append(_owned("buffer(char[%d])" % len(data), p, data))
    # Typed arrays: the bytes of their items in native order.
    ints = [0, 1, -1, 2**31 - 1, -2**31]
    p = ffi.new("int32_t[]", ints)
    entries.append(_owned("buffer(int32_t[5])", p, struct.pack("=5i", *ints)))
    dbl = [0.5, -2.0, 1e300]
    p = ffi.new("double[]", dbl)
    entries.append(_owned("buffer(double[3])", p, struct.pack("=3d", *dbl)))
    p = ffi.new("uint16_t[4]")
    p[0], p[3] = 0xBEEF, 0x0102
    entries.append(_owned("buffer(uint16_t[4]) set by index", p,
                          struct.pack("=4H", 0xBEEF, 0, 0, 0x0102)))
    # A size smaller than the array: the first 6 bytes.
    p = ffi.new("uint8_t[]", list(range(10, 26)))
    entries.append(_owned("buffer(uint8_t[16], 6)", p, bytes(range(10, 16)), 6))
    p = ffi.new("uint8_t[]", [9, 8, 7])
    entries.append(_owned("buffer(uint8_t[3], 0)", p, b"", 0))
    # A struct (its padding zeroed by ffi.new) and a pointer to one.
    s = ffi.new("struct pt *", {"x": 0x01020304, "y": -2, "tag": b"Z"})
    layout = struct.pack("=ihc", 0x01020304, -2, b"Z")
    layout += b"\x00" * (ffi.sizeof("struct pt") - len(layout))
    entries.append(_owned("buffer(struct pt *)", s, layout))
    arr = ffi.new("struct pt[2]")
    arr[1].x = 7
    ffi.memmove(arr, b"\xaa\xbb", 2)
    raw = bytearray(2 * ffi.sizeof("struct pt"))
    raw[0:2] = b"\xaa\xbb"
    raw[ffi.sizeof("struct pt"):ffi.sizeof("struct pt") + 4] = struct.pack("=i", 7)
    entries.append(_owned("buffer(struct pt[2]) memmove", arr, bytes(raw)))

    # ffi.from_buffer: the cdata points into a Python object's memory.
    for n in (0, 1, 9):
        owner = bytearray(range(100, 100 + n))
        cd = ffi.from_buffer(owner)
        _keep.append(cd)
        entries.append({"description": "buffer(from_buffer(bytearray(%d)))" % n,
                        "object": ffi.buffer(cd), "expected": _b(owner), "memory": owner})
    for n in (0, 1, 9):
        owner = bytes(range(200, 200 + n))
        cd = ffi.from_buffer(owner)
        _keep.append(cd)
        entries.append({"description": "buffer(from_buffer(bytes(%d)))" % n,
                        "object": ffi.buffer(cd), "expected": _b(owner), "memory": owner})
    owner = array.array("i", [5, -6, 7])
    cd = ffi.from_buffer("int[]", owner, require_writable=True)
    _keep.append(cd)
    entries.append({"description": "buffer(from_buffer('int[]', array('i'), require_writable))",
                    "object": ffi.buffer(cd), "expected": _b(owner.tobytes()), "memory": owner})

    # A cast pointer into memory owned elsewhere (a ctypes block), with an explicit size.
    block = (ctypes.c_uint8 * 24)(*range(24))
    _keep.append(block)
    ptr = ffi.cast("uint8_t *", ctypes.addressof(block))
    entries.append({"description": "buffer(cast(uint8_t *, ctypes block) + 4, 16)",
                    "object": ffi.buffer(ptr + 4, 16), "expected": _b(bytes(range(4, 20))),
                    "memory": [(ctypes.addressof(block), 24)], "memory_readonly": False})
    return entries
