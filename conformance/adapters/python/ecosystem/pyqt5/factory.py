"""PyQt5's exporters: QtCore.QByteArray (its bytes, writable), sip.voidptr (a pointer with a size,
writable or not: QImage.bits()/constBits(), or made from an address or a Python buffer) and
sip.array (voidptr.asarray(): unsigned bytes; sip.array(WrappedType, n): an array of C++ values).

Expected contents are values written through Qt's API (QByteArray constructors, append, fill,
QImage.fill/setPixel) encoded here by the format's pixel layout, or the bytes of the Python
buffer or ctypes block a pointer was made over. Memory: ctypes blocks and Python owners are
declared; a QImage's pixels by int(constBits()) and sizeInBytes() (QByteArray has no address
API, so its memory is what the full view touches). No QGuiApplication is needed.
"""
import ctypes
import os
import struct

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PyQt5 import QtCore, QtGui, sip  # noqa: E402

_keep = []  # QImages and ctypes blocks behind the pointers


def _b(data):
    return {"format": "B", "shape": (len(data),), "items": bytes(data)}


def _qbytearrays():
    out = []
    for data in (b"", b"\x00", b"PyQt5 QByteArray \x00\xff\x80 bytes"):
        out.append(("QByteArray(bytes(%d))" % len(data), QtCore.QByteArray(data), data))
    out.append(("QByteArray(5, 'z')", QtCore.QByteArray(5, b"z"), b"zzzzz"))
    ba = QtCore.QByteArray()
    ba.append(b"abc")
    ba.append(QtCore.QByteArray(b"\x01\x02"))
    ba.prepend(b">")
    out.append(("QByteArray append/prepend", ba, b">abc\x01\x02"))
    ba = QtCore.QByteArray(b"0123456789")
    ba.resize(4)
    ba.fill(b"q", 6)
    out.append(("QByteArray resize+fill", ba, b"qqqqqq"))
    out.append(("QByteArray.fromHex", QtCore.QByteArray.fromHex(b"deadbeef00"),
                b"\xde\xad\xbe\xef\x00"))
    # Implicitly shared with another QByteArray: the export detaches first.
    first = QtCore.QByteArray(b"shared data")
    second = QtCore.QByteArray(first)
    _keep.append(first)
    out.append(("QByteArray shared copy", second, b"shared data"))
    return [{"description": d, "object": o, "expected": _b(e)} for d, o, e in out]


def _image(fmt, width, height, fill, pixel=None):
    img = QtGui.QImage(width, height, fmt)
    img.fill(fill)
    if pixel is not None:
        img.setPixel(1, 0, pixel)
    _keep.append(img)
    return img


def _rows(img, row_bytes):
    """The image's bytes: each row's pixels, then padding up to bytesPerLine (0: none here)."""
    assert img.bytesPerLine() == len(row_bytes[0]), (img.bytesPerLine(), len(row_bytes[0]))
    return b"".join(row_bytes)


def _qimages():
    entries = []
    rgb = lambda v: struct.pack("=I", v)  # noqa: E731 (native-endian 32-bit pixel)
    cases = []
    img = _image(QtGui.QImage.Format_RGB32, 3, 2, QtGui.QColor(0x10, 0x20, 0x30), 0xFF112233)
    row0 = rgb(0xFF102030) + rgb(0xFF112233) + rgb(0xFF102030)
    cases.append(("RGB32 3x2", img, _rows(img, [row0, rgb(0xFF102030) * 3])))
    img = _image(QtGui.QImage.Format_ARGB32, 1, 1, QtGui.QColor(1, 2, 3, 255))
    cases.append(("ARGB32 1x1", img, rgb(0xFF010203)))
    img = _image(QtGui.QImage.Format_Grayscale8, 4, 2, QtGui.QColor(0x40, 0x40, 0x40))
    cases.append(("Grayscale8 4x2", img, b"\x40" * 8))
    img = _image(QtGui.QImage.Format_RGB888, 4, 1, QtGui.QColor(0xAA, 0xBB, 0xCC))
    cases.append(("RGB888 4x1", img, b"\xaa\xbb\xcc" * 4))
    img = _image(QtGui.QImage.Format_RGB16, 2, 2, QtGui.QColor(255, 0, 0))
    cases.append(("RGB16 2x2", img, struct.pack("=4H", *[0xF800] * 4)))
    img = _image(QtGui.QImage.Format_Mono, 32, 2, 1)
    img.setPixel(0, 0, 0)
    cases.append(("Mono 32x2", img, b"\x7f\xff\xff\xff" + b"\xff" * 4))
    for name, img, expected in cases:
        size = img.sizeInBytes()
        writable = img.bits()          # detaches: the image's own pixels from here on
        writable.setsize(size)
        address = int(img.constBits())
        readonly = img.constBits()
        readonly.setsize(size)
        memory = [(address, size)]
        entries.append({"description": "QImage %s bits()" % name, "object": writable,
                        "expected": _b(expected), "memory": memory, "memory_readonly": False})
        entries.append({"description": "QImage %s constBits()" % name, "object": readonly,
                        "expected": _b(expected), "memory": memory, "memory_readonly": False})
    # A QImage over a bytes object: constBits() points into the bytes (read-only memory).
    data = bytes(range(40, 52))
    img = QtGui.QImage(data, 4, 3, 4, QtGui.QImage.Format_Grayscale8)
    _keep.append((img, data))
    ptr = img.constBits()
    ptr.setsize(img.sizeInBytes())
    entries.append({"description": "QImage(bytes) Grayscale8 4x3 constBits()", "object": ptr,
                    "expected": _b(data), "memory": data})
    return entries


def _voidptrs():
    entries = []
    for n in (0, 1, 16):
        block = (ctypes.c_uint8 * max(n, 1))(*[(i * 13 + 7) & 0xFF for i in range(max(n, 1))])
        _keep.append(block)
        address = ctypes.addressof(block)
        data = bytes(block)[:n]
        for writeable in (True, False):
            entries.append({"description": "voidptr(address, %d, writeable=%s)" % (n, writeable),
                            "object": sip.voidptr(address, n, writeable),
                            "expected": _b(data), "memory": [(address, max(n, 1))],
                            "memory_readonly": False})
        entries.append({"description": "voidptr(address, %d).asarray()" % n,
                        "object": sip.voidptr(address, n, True).asarray(),
                        "expected": _b(data), "memory": [(address, max(n, 1))],
                        "memory_readonly": False})
        entries.append({"description": "voidptr(address, %d, writeable=False).asarray()" % n,
                        "object": sip.voidptr(address, n, False).asarray(),
                        "expected": _b(data), "memory": [(address, max(n, 1))],
                        "memory_readonly": False})
    for n in (0, 1, 7):
        owner = bytes(range(60, 60 + n))
        entries.append({"description": "voidptr(bytes(%d))" % n, "object": sip.voidptr(owner),
                        "expected": _b(owner), "memory": owner})
        owner = bytearray(range(90, 90 + n))
        entries.append({"description": "voidptr(bytearray(%d))" % n,
                        "object": sip.voidptr(owner), "expected": _b(owner), "memory": owner})
    entries.append({"description": "voidptr(0, 0) (NULL, size 0)", "object": sip.voidptr(0, 0),
                    "expected": _b(b""), "memory": [(0, 0)]})
    block = (ctypes.c_uint8 * 4)(1, 2, 3, 4)
    _keep.append(block)
    entries.append({"description": "voidptr(address) without a size",
                    "object": sip.voidptr(ctypes.addressof(block)),
                    "memory": [(ctypes.addressof(block), 4)], "memory_readonly": False})
    return entries


def _sip_arrays():
    """sip.array of a wrapped C++ type: QPoint is two ints (x, y); an array's items are C++
    QPoint objects, 8 bytes each, expected as the int pairs written through the API."""
    entries = []
    for n in (0, 1, 3):
        arr = sip.array(QtCore.QPoint, n)
        for i in range(n):
            arr[i] = QtCore.QPoint(10 * i + 1, -i)
        items = b"".join(struct.pack("=ii", 10 * i + 1, -i) for i in range(n))
        entries.append({"description": "sip.array(QPoint, %d)" % n, "object": arr,
                        "expected": {"format": "B", "shape": (len(items),), "items": items}})
    return entries


def make():
    return _qbytearrays() + _qimages() + _voidptrs() + _sip_arrays()
