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


def numpy_lookalikes(error_name):
    """Objects described as numpy's, refusing improperly with `error_name` (ValueError: numpy's
    known deviation, numpy #3634; TypeError: a new one): the built-in expectation for numpy,
    scoped by place and message, must expect the first and still fail the second."""
    error = {"ValueError": ValueError, "TypeError": TypeError}[error_name]
    return [("numpy lookalike refusing with %s" % error_name,
             matrix.Matrix(2, 3, True, error), _doubles(2, 3))]


def value_error():
    return numpy_lookalikes("ValueError")


def type_error():
    return numpy_lookalikes("TypeError")
