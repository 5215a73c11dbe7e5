"""Factories for examples/cython/cython_factory_test.sh: correct exporters only.

correct(): the Cython Matrix (examples/cython/matrix.pyx) in several shapes, and the standard
library's PyBuffer_FillInfo exporters (bytes, bytearray, mmap), each with its expected contents.
A correct exporter must pass `bufconf run` under the factory with no expectations file.
"""
import array
import mmap

import matrix


def _doubles(rows, cols):
    return {"format": "d", "shape": (rows, cols),
            "items": array.array("d", range(rows * cols)).tobytes(), "itemsize": 8}


def correct():
    out = []
    for rows, cols, readonly in [(2, 3, False), (3, 1, True), (1, 4, False), (0, 3, False),
                                 (4, 4, True)]:
        m = matrix.Matrix(rows, cols, readonly)
        out.append(("cython Matrix(%d, %d, readonly=%s)" % (rows, cols, readonly), m,
                    _doubles(rows, cols)))
    data = b"bufconf!"
    out.append(("bytes b'bufconf!'", data, {"format": "B", "shape": (8,), "items": data}))
    out.append(("bytearray(b'bufconf!')", bytearray(data),
                {"format": "B", "shape": (8,), "items": data}))
    out.append(("bytearray()", bytearray(), {"format": "B", "shape": (0,), "items": b"",
                                             "itemsize": 1}))
    anon = mmap.mmap(-1, 16)
    anon.write(bytes(range(16)))
    out.append(("mmap(-1, 16)", anon, {"format": "B", "shape": (16,), "items": bytes(range(16))}))
    return out
