"""python-zstandard's exporters (C backend): zstd.BufferWithSegments (a buffer split into
segments), zstd.BufferSegment (one segment of it) and zstd.BufferSegments (the segments' table of
(offset, length) uint64 pairs), all read-only unsigned bytes.

The factory builds them with the public constructor zstandard.BufferWithSegments(data, segments)
(this Debian build has no multi_compress_to_buffer): the data buffer and the segments are made
here, so the expected contents are known; the data is declared as the memory of the buffer and
of its segments (BufferWithSegments holds a view of it, not a copy).
"""
import struct

import zstandard

_keep = []  # the data owners


def _b(data):
    return {"format": "B", "shape": (len(data),), "items": bytes(data)}


def _table(pairs):
    return struct.pack("=%dQ" % (2 * len(pairs)), *[v for pair in pairs for v in pair])


_CASES = [
    ("empty, no segments", b"", []),
    ("1 byte, 1 segment", b"\x7f", [(0, 1)]),
    ("12 bytes, 2 segments", b"hello world!", [(0, 5), (6, 6)]),
    ("9 bytes, 3 segments with an empty one", bytes(range(9)), [(0, 4), (4, 0), (4, 5)]),
]


def make():
    entries = []
    for name, data, pairs in _CASES:
        for kind in ("bytes", "bytearray"):
            owner = data if kind == "bytes" else bytearray(data)
            _keep.append(owner)
            table = _table(pairs)
            buf = zstandard.BufferWithSegments(owner, table)
            label = "%s(%s)" % (kind, name)
            entries.append({"description": "BufferWithSegments %s" % label, "object": buf,
                            "expected": _b(data), "memory": owner,
                            "memory_readonly": kind == "bytes"})
            entries.append({"description": "BufferSegments %s" % label,
                            "object": buf.segments(), "expected": _b(table)})
            for i, (offset, length) in enumerate(pairs):
                entries.append({"description": "BufferSegment %d of %s" % (i, label),
                                "object": buf[i], "expected": _b(data[offset:offset + length]),
                                "memory": owner, "memory_readonly": kind == "bytes"})
    return entries
