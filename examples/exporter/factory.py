"""Factories for `bufconf run --adapter python --factory factory:NAME` (docs/python-factory.md).

Each entry point takes no arguments and returns the Matrix objects to judge, each as
(description, object, expected): `correct` the matrices without a defect (the suite passes),
and one entry point per defect of bufconf_example.Matrix (the suite fails on the rule the
defect breaks):

    factory:correct
    factory:ignore_writable       REQ-WRITABLE
    factory:wrong_strides         REQ-CONTENTS
    factory:format_without_flag   REQ-FORMAT-NULL
    factory:ignore_fortran        REQ-F-CONTIGUOUS
    factory:len_in_items          LAYOUT-LEN
    factory:short_format          FORMAT-SIZE

bufconf_example (the compiled extension, bufconf_example.so) must be importable: next to this
file, in the working directory, or in a directory of BUFCONF_PYTHON_PATH.
"""
import array
import struct

import bufconf_example

# (rows, cols, readonly): a wide and a tall matrix, a read-only one, a single row and column,
# and an empty one.
SHAPES = [(2, 3, False), (4, 2, False), (3, 3, True), (1, 5, False), (5, 1, True), (0, 4, False)]


def expected(rows, cols):
    """The contents a rows x cols Matrix must show: int32 0..n-1 in C order."""
    n = rows * cols
    return {"format": "i", "shape": (rows, cols), "items": struct.pack("%di" % n, *range(n))}


def matrices(defect=None):
    """(description, Matrix, expected) for every shape in SHAPES."""
    out = []
    for rows, cols, readonly in SHAPES:
        m = bufconf_example.Matrix(rows, cols, defect=defect, readonly=readonly)
        out.append((repr(m), m, expected(rows, cols)))
    return out


def correct():
    out = matrices()
    # expected may also be any bytes-like object: here a memoryview with the same format, shape
    # and contents (its format, shape and tobytes() are used).
    m = bufconf_example.Matrix(3, 4)
    ref = memoryview(array.array("i", range(12))).cast("B").cast("i", (3, 4))
    out.append(("Matrix(3, 4) against a memoryview", m, ref))
    return out


def defective(name):
    """The matrices with defect `name` switched on (bufconf_example.defects() lists them)."""
    return matrices(defect=name)


def ignore_writable():
    return defective("ignore_writable")


def wrong_strides():
    return defective("wrong_strides")


def format_without_flag():
    return defective("format_without_flag")


def ignore_fortran():
    return defective("ignore_fortran")


def len_in_items():
    return defective("len_in_items")


def short_format():
    return defective("short_format")
