"""bitarray's exporters: bitarray and frozenbitarray export the bytes holding their bits.

Expected contents are computed here from the bit strings, not read back through bitarray:
bit i of a 'big'-endian bitarray is bit 7 - i % 8 of byte i // 8, of a 'little'-endian one bit
i % 8; the pad bits of the last byte are 0 (guaranteed for frozenbitarray; undefined for a
bitarray, whose pad bits the factory zeroes with tobytes() first, see library.json).
Memory: a bitarray's own block is declared by buffer_info() (address, byte count); one made
with buffer= is declared as that buffer.
"""
import ctypes

from bitarray import bitarray as _bitarray, frozenbitarray as _frozen

_keep = []  # ctypes blocks declared by address


def _pack(bits, endian):
    """The bytes holding the bit string `bits` ('0'/'1') in `endian` order, pad bits 0."""
    out = bytearray((len(bits) + 7) // 8)
    for i, c in enumerate(bits):
        if c == "1":
            out[i // 8] |= (0x80 >> (i % 8)) if endian == "big" else (1 << (i % 8))
    return bytes(out)


def _bytes(b):
    return {"format": "B", "shape": (len(b),), "items": bytes(b)}


def _own(desc, obj, bits, endian):
    if not isinstance(obj, _frozen) and len(bits) % 8:
        # A bitarray's pad bits are undefined (README; only frozenbitarray's are guaranteed
        # 0): fresh ones hold leftover heap bits. tobytes() sets them to 0 in the buffer.
        obj.tobytes()
    addr, nbytes = obj.buffer_info()[:2]
    expected = _pack(bits, endian)
    assert len(expected) == nbytes, (desc, nbytes)
    return {"description": desc, "object": obj, "expected": _bytes(expected),
            "memory": [(addr, nbytes)],
            "memory_readonly": isinstance(obj, _frozen)}


_PATTERNS = {
    0: "",
    1: "1",
    8: "01100001",
    10: "0110000101",
    13: "1011001110001",
    64: "".join("1" if (i * 7) % 5 < 2 else "0" for i in range(64)),
    100: "".join("1" if (i * i) % 3 == 1 else "0" for i in range(100)),
}


def make():
    entries = []
    for n, bits in _PATTERNS.items():
        for endian in ("big", "little"):
            entries.append(_own("bitarray(%d bits, %s)" % (n, endian),
                                _bitarray(bits, endian=endian), bits, endian))
            entries.append(_own("frozenbitarray(%d bits, %s)" % (n, endian),
                                _frozen(bits, endian=endian), bits, endian))
    # Bits written through the API after construction: setall, item and slice assignment.
    a = _bitarray(20, endian="little")
    a.setall(0)
    a[3] = 1
    a[8:16] = _bitarray("11110000", endian="little")
    a[19] = 1
    bits = "0001" + "0000" + "11110000" + "0001"
    entries.append(_own("bitarray(20 bits, little) set by index and slice", a, bits, "little"))
    b = _bitarray(endian="big")
    b.frombytes(b"\x01\xfe\x80")
    b.extend("101")
    bits = "00000001" + "11111110" + "10000000" + "101"
    entries.append(_own("bitarray(27 bits, big) frombytes+extend", b, bits, "big"))

    # Imported buffers: the bitarray exports the buffer's own memory.
    for size in (0, 1, 5):
        owner = bytearray(range(0x41, 0x41 + size))
        entries.append({"description": "bitarray(buffer=bytearray(%d))" % size,
                        "object": _bitarray(buffer=owner, endian="big"),
                        "expected": _bytes(owner), "memory": owner})
        ro = bytes(range(0x61, 0x61 + size))
        entries.append({"description": "bitarray(buffer=bytes(%d))" % size,
                        "object": _bitarray(buffer=ro, endian="little"),
                        "expected": _bytes(ro), "memory": ro})
        ro2 = bytes(range(0x30, 0x30 + size))
        entries.append({"description": "frozenbitarray(buffer=bytes(%d))" % size,
                        "object": _frozen(buffer=ro2, endian="big"),
                        "expected": _bytes(ro2), "memory": ro2})
    block = (ctypes.c_uint8 * 16)(*range(200, 216))
    _keep.append(block)
    entries.append({"description": "bitarray(buffer=ctypes c_uint8[16])",
                    "object": _bitarray(buffer=block, endian="big"),
                    "expected": _bytes(bytes(range(200, 216))),
                    "memory": [(ctypes.addressof(block), 16)], "memory_readonly": False})
    return entries
