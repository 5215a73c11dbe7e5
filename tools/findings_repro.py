#!/usr/bin/python3
"""Reproduces every deviation listed in docs/findings.md without bufconf.

Run with Debian 12's interpreter (CPython 3.11, numpy 1.24, ctypes, _testbuffer):
    /usr/bin/python3 tools/findings_repro.py
Bazel runs it as //tools:findings_repro_test.

Each row of the findings table (and each PORTABILITY bullet) is one check below. A check asks the
exporter through memoryview (PyBUF_FULL_RO) or, for a flags value of its own, through
PyObject_GetBuffer / PyBuffer_Release called with ctypes.pythonapi on a ctypes Py_buffer, and
asserts the deviation. One line per row:
    REPRODUCED <rule> <exporter>
    NOT REPRODUCED <rule> <exporter>: <why>
Exit status 1 if any row does not reproduce.

Every request row also checks that its flags value is one a consumer can form from the documented
PyBUF_* constants (so that the row is a real request deviation, not an artifact of a flags value
that is no request); the REQ-READ-WRITE-FLAGS row checks the opposite and is filed against the
interpreter. The rows that crash the interpreter (PyBuffer_FromContiguous, PyBuffer_IsContiguous
'F') run in a child process, which must die of SIGSEGV. Nothing here reads or writes memory through a stale view: the
ctypes.resize row compares addresses only.
"""
import array
import ctypes
import io
import itertools
import mmap
import pickle
import resource
import signal
import struct
import subprocess
import sys
import traceback

import numpy as np
from _testbuffer import ND_PIL
from _testbuffer import ndarray as TestNdarray

# --- the C-API through ctypes -----------------------------------------------------------------

# Include/pybuffer.h (3.11), Py_buffer: the field order, types and size (80 bytes on LP64).
# obj is read as a plain address: it is an owned reference that PyBuffer_Release drops.
PY_BUFFER_FIELDS = [
    ("buf", ctypes.c_void_p),
    ("obj", ctypes.c_void_p),
    ("len", ctypes.c_ssize_t),
    ("itemsize", ctypes.c_ssize_t),
    ("readonly", ctypes.c_int),
    ("ndim", ctypes.c_int),
    ("format", ctypes.c_char_p),
    ("shape", ctypes.POINTER(ctypes.c_ssize_t)),
    ("strides", ctypes.POINTER(ctypes.c_ssize_t)),
    ("suboffsets", ctypes.POINTER(ctypes.c_ssize_t)),
    ("internal", ctypes.c_void_p),
]


class PyBuffer(ctypes.Structure):
    _fields_ = PY_BUFFER_FIELDS


API = ctypes.pythonapi  # PyDLL: the GIL is held and a set Python error is raised after the call
API.PyObject_GetBuffer.argtypes = [ctypes.py_object, ctypes.POINTER(PyBuffer), ctypes.c_int]
API.PyObject_GetBuffer.restype = ctypes.c_int
API.PyBuffer_Release.argtypes = [ctypes.POINTER(PyBuffer)]
API.PyBuffer_Release.restype = None
API.PyBuffer_IsContiguous.argtypes = [ctypes.POINTER(PyBuffer), ctypes.c_char]
API.PyBuffer_IsContiguous.restype = ctypes.c_int

# The documented request constants (Include/pybuffer.h); READ and WRITE are not requests.
PyBUF_SIMPLE = 0x0
PyBUF_WRITABLE = 0x1
PyBUF_FORMAT = 0x4
PyBUF_ND = 0x8
PyBUF_STRIDES = 0x18
PyBUF_C_CONTIGUOUS = 0x38
PyBUF_F_CONTIGUOUS = 0x58
PyBUF_ANY_CONTIGUOUS = 0x98
PyBUF_INDIRECT = 0x118
PyBUF_FULL_RO = PyBUF_INDIRECT | PyBUF_FORMAT
PyBUF_READ = 0x100
PyBUF_WRITE = 0x200
REQUEST_CONSTANTS = [PyBUF_WRITABLE, PyBUF_FORMAT, PyBUF_ND, PyBUF_STRIDES, PyBUF_C_CONTIGUOUS,
                     PyBUF_F_CONTIGUOUS, PyBUF_ANY_CONTIGUOUS, PyBUF_INDIRECT]


def _formable():
    values = set()
    for n in range(len(REQUEST_CONSTANTS) + 1):
        for combo in itertools.combinations(REQUEST_CONSTANTS, n):
            v = 0
            for c in combo:
                v |= c
            values.add(v)
    return values


FORMABLE = _formable()  # 0 and every OR of the constants above


class NotReproduced(Exception):
    pass


def check(condition, message):
    if not condition:
        raise NotReproduced(message)


def request(flags):
    """Asserts that flags is a value a consumer can form (a real request) and returns it."""
    check(flags in FORMABLE, f"flags {flags:#x} is no request a consumer can form (an artifact)")
    return flags


class Granted:
    """A snapshot of the fields of a granted view (taken before PyBuffer_Release)."""

    def __init__(self, v, live):
        self.buf = v.buf
        self.obj = v.obj
        self.len = v.len
        self.itemsize = v.itemsize
        self.readonly = v.readonly
        self.ndim = v.ndim
        self.format = None if v.format is None else v.format.decode("ascii")
        n = v.ndim
        self.shape = None if not v.shape else [v.shape[i] for i in range(n)]
        self.strides = None if not v.strides else [v.strides[i] for i in range(n)]
        self.suboffsets = None if not v.suboffsets else [v.suboffsets[i] for i in range(n)]
        self.c_contiguous = live.get("C")
        self.f_contiguous = live.get("F")

    def __repr__(self):
        return (f"view(len={self.len}, itemsize={self.itemsize}, ndim={self.ndim}, "
                f"format={self.format!r}, shape={self.shape}, strides={self.strides})")


def get_buffer(obj, flags):
    """PyObject_GetBuffer(obj, &view, flags): a Granted snapshot, or the exception raised."""
    v = PyBuffer()
    try:
        rc = API.PyObject_GetBuffer(obj, ctypes.byref(v), flags)
    except Exception as e:  # the exporter's refusal, raised by ctypes from the error indicator
        return e
    check(rc == 0, f"PyObject_GetBuffer returned {rc} without an exception")
    try:
        live = {o: API.PyBuffer_IsContiguous(ctypes.byref(v), o.encode()) for o in "CF"}
        return Granted(v, live)
    finally:
        API.PyBuffer_Release(ctypes.byref(v))


def granted(obj, flags):
    r = get_buffer(obj, flags)
    check(isinstance(r, Granted), f"flags {flags:#x} refused: {r!r}")
    return r


# --- format sizes (PEP 3118 / struct, standard sizes) ------------------------------------------

# Standard sizes of the codes ('<', '>', '!', '=' modes); None: no standard size.
STANDARD_SIZE = {"x": 1, "c": 1, "b": 1, "B": 1, "?": 1, "h": 2, "H": 2, "i": 4, "I": 4,
                 "l": 4, "L": 4, "q": 8, "Q": 8, "e": 2, "f": 4, "d": 8, "s": 1, "p": 1,
                 "u": 2, "w": 4, "n": None, "N": None, "P": None, "g": None}


def format_size(fmt):
    """The byte size a PEP 3118 format describes, without padding it does not state.

    Only what the rows need: byte-order prefixes, repeat counts, named fields and nested T{}.
    Codes without a prefix use their native size (all such codes here are 1 byte)."""

    def items(i, end):
        total, mode = 0, "@"
        while i < len(fmt) and fmt[i] != end:
            c = fmt[i]
            if c in "@=<>!":
                mode, i = c, i + 1
                continue
            count = 0
            while fmt[i].isdigit():
                count, i = count * 10 + int(fmt[i]), i + 1
            count = count or 1
            if fmt.startswith("T{", i):
                size, i = items(i + 2, "}")
                i += 1
            else:
                code, i = fmt[i], i + 1
                if mode == "@":
                    size = struct.calcsize("@" + code)
                else:
                    check(code in STANDARD_SIZE, f"{code!r} is no format code")
                    size = STANDARD_SIZE[code]
                    check(size is not None, f"{code!r} has no standard size")
            total += count * size
            if i < len(fmt) and fmt[i] == ":":
                i = fmt.index(":", i + 1) + 1
        return total, i

    return items(0, None)[0]


def struct_rejects(fmt):
    try:
        struct.calcsize(fmt)
    except struct.error as e:
        return str(e)
    return None


# --- the rows ----------------------------------------------------------------------------------

ROWS = []


def row(rule, exporter):
    def register(fn):
        ROWS.append((rule, exporter, fn))
        return fn
    return register


C = ctypes


@row("FORMAT-PARSES", "ctypes (c_void_p*2), (c_longdouble*2)")
def _():
    for t, fmt in [(C.c_void_p * 2, "<P"), (C.c_longdouble * 2, "<g")]:
        m = memoryview(t())
        check(m.format == fmt, f"{t.__name__}: format {m.format!r}, not {fmt!r}")
        check(struct_rejects(m.format), f"struct accepts {m.format!r}")


class CI(C.Structure):
    _fields_ = [("a", C.c_char), ("b", C.c_int)]


class Packed(C.Structure):
    _pack_ = 1
    _fields_ = [("a", C.c_char), ("b", C.c_int)]


class BigCI(C.BigEndianStructure):
    _fields_ = [("a", C.c_char), ("b", C.c_int)]


class Nested(C.Structure):
    _fields_ = [("s", CI), ("c", C.c_char)]


@row("FORMAT-SIZE", "ctypes Structure{c_char a; c_int b}, _pack_=1, BigEndianStructure, "
                    "nested struct, arrays of structs")
def _():
    cases = [(CI(), "T{<c:a:<i:b:}", 5, 8), (Packed(), "B", 1, 5),
             (BigCI(), "T{<c:a:>i:b:}", 5, 8), (Nested(), "T{T{<c:a:<i:b:}:s:<c:c:}", 6, 12),
             ((CI * 3)(), "T{<c:a:<i:b:}", 5, 8)]
    for obj, fmt, size, itemsize in cases:
        m = memoryview(obj)
        check((m.format, m.itemsize) == (fmt, itemsize),
              f"{type(obj).__name__}: {m.format!r} itemsize {m.itemsize}")
        check(format_size(m.format) == size != m.itemsize,
              f"{type(obj).__name__}: {m.format!r} describes {format_size(m.format)} bytes")


CTYPES_ARRAYS = [C.c_int * 4, C.c_double * 3, C.c_char * 5, (C.c_short * 3) * 2, C.c_bool * 2]


@row("REQ-FORMAT-NULL", "ctypes arrays and scalars")
def _():
    for t in CTYPES_ARRAYS + [C.c_int]:
        v = granted(t(), request(PyBUF_SIMPLE))
        check(v.format is not None, f"{t.__name__}: format NULL")


@row("REQ-ND-SHAPE", "ctypes arrays")
def _():
    for t in CTYPES_ARRAYS:
        v = granted(t(), request(PyBUF_SIMPLE))
        check(v.ndim >= 1 and v.shape is not None, f"{t.__name__}: {v}")


@row("REQ-STRIDES-FILLED", "ctypes arrays")
def _():
    for t in CTYPES_ARRAYS:
        v = granted(t(), request(PyBUF_STRIDES))
        check(v.ndim >= 1 and v.strides is None, f"{t.__name__}: {v}")


@row("REQ-F-CONTIGUOUS", "ctypes (c_short*3)*2")
def _():
    v = granted(((C.c_short * 3) * 2)(), request(PyBUF_F_CONTIGUOUS))
    check(v.shape == [2, 3] and v.strides is None, f"{v}")
    # CPython's own test on the granted view, while it was live: not Fortran-contiguous.
    check(v.f_contiguous == 0 and v.c_contiguous == 1,
          f"PyBuffer_IsContiguous: C {v.c_contiguous}, F {v.f_contiguous}")


@row("FORMAT-SIZE", "numpy structured dtype with trailing padding")
def _():
    dt = np.dtype({"names": ["x"], "formats": ["u1"], "itemsize": 4})
    m = memoryview(np.zeros(2, dt))
    check((m.format, m.itemsize) == ("T{B:x:}", 4), f"{m.format!r} itemsize {m.itemsize}")
    check(format_size(m.format) == 1, f"{m.format!r} describes {format_size(m.format)} bytes")


FROM_CONTIGUOUS_CHILD = r"""
import ctypes
class PyBuffer(ctypes.Structure):  # as PY_BUFFER_FIELDS above
    _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.c_void_p), ("len", ctypes.c_ssize_t),
                ("itemsize", ctypes.c_ssize_t), ("readonly", ctypes.c_int), ("ndim", ctypes.c_int),
                ("format", ctypes.c_char_p), ("shape", ctypes.POINTER(ctypes.c_ssize_t)),
                ("strides", ctypes.POINTER(ctypes.c_ssize_t)),
                ("suboffsets", ctypes.POINTER(ctypes.c_ssize_t)), ("internal", ctypes.c_void_p)]
API = ctypes.pythonapi
API.PyObject_GetBuffer.argtypes = [ctypes.py_object, ctypes.POINTER(PyBuffer), ctypes.c_int]
API.PyBuffer_IsContiguous.argtypes = [ctypes.POINTER(PyBuffer), ctypes.c_char]
API.PyBuffer_FromContiguous.argtypes = [ctypes.POINTER(PyBuffer), ctypes.c_char_p,
                                        ctypes.c_ssize_t, ctypes.c_char]
# A valid view: C-contiguous 1x2x2 bytes asked with PyBUF_ND (0x8), so strides NULL.
m = memoryview(bytearray(4)).cast('B', [1, 2, 2])
v = PyBuffer()
assert API.PyObject_GetBuffer(m, ctypes.byref(v), 0x8) == 0
assert v.ndim == 3 and not v.strides, 'not an ND-only view'
assert API.PyBuffer_IsContiguous(ctypes.byref(v), b'C') == 1
assert API.PyBuffer_IsContiguous(ctypes.byref(v), b'F') == 0
print('calling', flush=True)
API.PyBuffer_FromContiguous(ctypes.byref(v), b'abcd', 4, b'F')
print('returned', flush=True)
"""


def _no_core_dump():
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


@row("(crash)", "CPython 3.11 PyBuffer_FromContiguous")
def _():
    request(PyBUF_ND)
    # In a child: the segfault must not take this process with it.
    r = subprocess.run([sys.executable, "-c", FROM_CONTIGUOUS_CHILD],
                       capture_output=True, text=True, timeout=60, preexec_fn=_no_core_dump)
    check(r.stdout.strip() == "calling" and r.returncode == -signal.SIGSEGV,
          f"child exited {r.returncode}: {r.stdout.strip()!r} {r.stderr.strip()[-300:]!r}")


IS_CONTIGUOUS_F_CHILD = r"""
import ctypes
class PyBuffer(ctypes.Structure):  # as PY_BUFFER_FIELDS above
    _fields_ = [("buf", ctypes.c_void_p), ("obj", ctypes.c_void_p), ("len", ctypes.c_ssize_t),
                ("itemsize", ctypes.c_ssize_t), ("readonly", ctypes.c_int), ("ndim", ctypes.c_int),
                ("format", ctypes.c_char_p), ("shape", ctypes.POINTER(ctypes.c_ssize_t)),
                ("strides", ctypes.POINTER(ctypes.c_ssize_t)),
                ("suboffsets", ctypes.POINTER(ctypes.c_ssize_t)), ("internal", ctypes.c_void_p)]
API = ctypes.pythonapi
API.PyBuffer_IsContiguous.argtypes = [ctypes.POINTER(PyBuffer), ctypes.c_char]
API.PyBuffer_ToContiguous.argtypes = [ctypes.c_char_p, ctypes.POINTER(PyBuffer),
                                      ctypes.c_ssize_t, ctypes.c_char]
# What an exporter of a 2x2x2 byte array answers to PyBUF_SIMPLE (0) when it fills ndim, a
# request-independent field (Doc/c-api/buffer.rst): shape, strides and suboffsets NULL, ndim 3.
memory = (ctypes.c_ubyte * 8)(*range(8))
v = PyBuffer(buf=ctypes.addressof(memory), obj=None, len=8, itemsize=1, readonly=0, ndim=3)
assert not v.shape and not v.strides and not v.suboffsets
assert API.PyBuffer_IsContiguous(ctypes.byref(v), b'C') == 1
assert API.PyBuffer_IsContiguous(ctypes.byref(v), b'A') == 1
out = ctypes.create_string_buffer(8)
assert API.PyBuffer_ToContiguous(out, ctypes.byref(v), 8, b'C') == 0 and out.raw == bytes(memory)
one = PyBuffer.from_buffer_copy(v)  # the same view with ndim 1: no crash, 'F' answers 1
one.ndim = 1
assert API.PyBuffer_IsContiguous(ctypes.byref(one), b'F') == 1
print('calling', flush=True)
API.PyBuffer_%s(%sctypes.byref(v), %sb'F')
print('returned', flush=True)
"""


@row("(crash)", "CPython 3.11 PyBuffer_IsContiguous 'F' (and ToContiguous 'F')")
def _():
    # In a child each: the segfault must not take this process with it.
    for call, before, after in [("IsContiguous", "", ""), ("ToContiguous", "out, ", "8, ")]:
        r = subprocess.run([sys.executable, "-c", IS_CONTIGUOUS_F_CHILD % (call, before, after)],
                           capture_output=True, text=True, timeout=60, preexec_fn=_no_core_dump)
        check(r.stdout.strip() == "calling" and r.returncode == -signal.SIGSEGV,
              f"PyBuffer_{call}: child exited {r.returncode}: {r.stdout.strip()!r} "
              f"{r.stderr.strip()[-300:]!r}")


@row("REQ-READ-WRITE-FLAGS", "interpreter (CPython 3.11 PyObject_GetBuffer)")
def _():
    check(sys.version_info[:2] < (3, 13), "CPython >= 3.13 refuses them (gh-114685)")
    for flags in (PyBUF_READ, PyBUF_WRITE):
        check(flags not in FORMABLE, f"{flags:#x} is formable")  # so no exporter is judged on it
    exporters = [b"ab", bytearray(b"ab"), array.array("i", [1, 2]), memoryview(b"ab"),
                 mmap.mmap(-1, 4), pickle.PickleBuffer(b"ab"), io.BytesIO(b"ab").getbuffer(),
                 (C.c_int * 4)(), TestNdarray([1, 2], shape=[2], format="i"), np.arange(4)]
    for obj in exporters:
        for flags in (PyBUF_READ, PyBUF_WRITE):
            # The call reaches bf_getbuffer: only an exporter fills buf and obj.
            v = get_buffer(obj, flags)
            check(isinstance(v, Granted) and v.obj and v.buf,
                  f"{type(obj).__name__} flags {flags:#x}: {v!r}")
    # 0x100 is not read as the INDIRECT bit: an exporter that needs suboffsets still refuses it.
    pil = TestNdarray(list(range(6)), shape=[2, 3], format="i", flags=ND_PIL)
    r = get_buffer(pil, PyBUF_READ)
    check(isinstance(r, BufferError), f"_testbuffer ND_PIL flags 0x100: {r!r}")
    check(isinstance(get_buffer(pil, request(PyBUF_INDIRECT)), Granted), "ND_PIL refuses INDIRECT")


class LE(C.LittleEndianStructure):
    _fields_ = [("a", C.c_short), ("b", C.c_int)]


@row("FORMAT-SIZE", "ctypes LittleEndianStructure{c_short a; c_int b}")
def _():
    m = memoryview(LE())
    check((m.format, m.itemsize) == ("T{<h:a:<i:b:}", 8), f"{m.format!r} itemsize {m.itemsize}")
    check(format_size(m.format) == 6, f"{m.format!r} describes {format_size(m.format)} bytes")


class Bits(C.Structure):
    _fields_ = [("a", C.c_int, 3), ("b", C.c_int, 5)]


@row("FORMAT-SIZE", "ctypes bit-field structure")
def _():
    m = memoryview(Bits())
    check((m.format, m.itemsize) == ("T{<i:a:<i:b:}", 4), f"{m.format!r} itemsize {m.itemsize}")
    check(format_size(m.format) == 8, f"{m.format!r} describes {format_size(m.format)} bytes")


class U(C.Union):
    _fields_ = [("i", C.c_int), ("d", C.c_double)]


@row("FORMAT-SIZE", "ctypes Union")
def _():
    m = memoryview(U())
    check((m.format, m.itemsize) == ("B", 8), f"{m.format!r} itemsize {m.itemsize}")
    check(format_size(m.format) == 1, f"{m.format!r} describes {format_size(m.format)} bytes")


@row("FORMAT-SIZE", "ctypes (c_wchar*3)")
def _():
    m = memoryview((C.c_wchar * 3)())
    check((m.format, m.itemsize) == ("<u", 4), f"{m.format!r} itemsize {m.itemsize}")
    check(format_size(m.format) == 2, f"{m.format!r} describes {format_size(m.format)} bytes")


@row("FORMAT-PARSES", "ctypes (c_char_p*2)")
def _():
    m = memoryview((C.c_char_p * 2)())
    check(m.format == "<z", f"format {m.format!r}")
    check(struct_rejects(m.format), f"struct accepts {m.format!r}")
    check("z" not in STANDARD_SIZE, "'z' is a PEP 3118 code")


@row("REQ-FAIL-BUFFERERROR", "numpy 1.24 arrays (non-contiguous, read-only, datetime64)")
def _():
    f = np.asfortranarray(np.arange(6).reshape(2, 3))
    readonly = np.arange(3)
    readonly.flags.writeable = False
    cases = [
        (np.arange(10)[::-3], PyBUF_C_CONTIGUOUS, "ndarray is not C-contiguous"),
        (np.arange(12).reshape(3, 4).T, PyBUF_C_CONTIGUOUS, "ndarray is not C-contiguous"),
        (np.arange(12).reshape(3, 4), PyBUF_F_CONTIGUOUS, "ndarray is not Fortran contiguous"),
        (np.arange(24).reshape(4, 6)[::-2, 1::2], PyBUF_ANY_CONTIGUOUS, "ndarray is not contiguous"),
        (np.broadcast_to(np.arange(3), (2, 3)), PyBUF_C_CONTIGUOUS, "ndarray is not C-contiguous"),
        (np.lib.stride_tricks.as_strided(np.arange(8), (3,), (16,)), PyBUF_SIMPLE,
         "ndarray is not C-contiguous"),
        (np.zeros(3, [("a", "i4"), ("b", "i4")])["a"], PyBUF_ND, "ndarray is not C-contiguous"),
        (np.ndarray((2,), "i4", bytearray(12), offset=1, strides=(3,)), PyBUF_C_CONTIGUOUS,
         "ndarray is not C-contiguous"),
        (f, PyBUF_C_CONTIGUOUS, "ndarray is not C-contiguous"),
        (np.frombuffer(bytes(8), "u1")[::2], PyBUF_C_CONTIGUOUS, "ndarray is not C-contiguous"),
        (readonly, PyBUF_WRITABLE, "buffer source array is read-only"),
        (np.array(["2000-01-01"], "M8[D]"), PyBUF_FORMAT, "cannot include dtype 'M' in a buffer"),
        (np.array([1], "m8[s]"), PyBUF_FORMAT, "cannot include dtype 'm' in a buffer"),
    ]
    for arr, flags, message in cases:
        r = get_buffer(arr, request(flags))
        check(type(r) is ValueError and not isinstance(r, BufferError) and str(r) == message,
              f"flags {flags:#x}: {r!r}")
    # From Python: struct asks with PyBUF_SIMPLE.
    try:
        struct.unpack_from("4h", np.arange(10, dtype="i2")[::-3])
        check(False, "struct.unpack_from succeeded")
    except ValueError as e:
        check(not isinstance(e, BufferError), f"{e!r}")


@row("REQ-GRANT", "numpy datetime64, timedelta64 arrays")
def _():
    for arr in [np.array(["2000-01-01"], "M8[D]"), np.array([1], "m8[s]")]:
        try:
            memoryview(arr)
            check(False, f"{arr.dtype}: memoryview granted")
        except ValueError as e:
            check(str(e).startswith("cannot include dtype"), f"{e!r}")
        for flags in sorted(FORMABLE):
            r = get_buffer(arr, flags)
            if flags & PyBUF_FORMAT:
                check(isinstance(r, ValueError), f"{arr.dtype} flags {flags:#x}: {r!r}")
            else:
                # Without PyBUF_FORMAT every request is granted: the memory can satisfy them all
                # (a writable, contiguous 1-element array).
                check(isinstance(r, Granted), f"{arr.dtype} flags {flags:#x}: {r!r}")


def _buf_of(view):
    """The buf pointer a memoryview holds (PyObject_GetBuffer on it copies its fields only)."""
    return granted(view, PyBUF_SIMPLE).buf


class Pt(C.Structure):
    _fields_ = [("x", C.c_int), ("y", C.c_int)]


@row("RELEASE-RESIZE-WHILE-EXPORTED", "ctypes objects that own their memory")
def _():
    request(PyBUF_FULL_RO)
    for obj in [(C.c_int * 8)(), C.c_int(7), Pt(), U(), C.pointer(C.c_int(1))]:
        m = memoryview(obj)  # PyBUF_FULL_RO, live
        old = C.addressof(obj)
        check(_buf_of(m) == old, "the view is not at addressof")
        C.resize(obj, 1 << 20)  # no BufferError although m is live
        new = C.addressof(obj)
        stale = _buf_of(m)
        # Addresses only: m's memory is freed (or no longer the object's); never read through m.
        check(new != old and stale == old, f"{type(obj).__name__}: {old:#x} -> {new:#x}")
        m.release()
    # The others refuse while exported (BufferError).
    ba = bytearray(8)
    ar = array.array("i", [1])
    mm = mmap.mmap(-1, 4096)
    bio = io.BytesIO(b"ab")
    refusals = [(lambda: memoryview(ba), lambda: ba.extend(b"x" * 64)),
                (lambda: memoryview(ar), lambda: ar.extend(range(64))),
                (lambda: memoryview(mm), lambda: mm.resize(8192)),
                (bio.getbuffer, lambda: bio.write(b"x" * 64))]
    for export, resize in refusals:
        with export() as m:
            try:
                resize()
                check(False, f"{m.obj!r} resized while exported")
            except BufferError:
                pass
    a = np.zeros(8)
    with memoryview(a):
        try:
            a.resize(64)
            check(False, "numpy resized while exported")
        except ValueError:
            pass


@row("(SystemError)", "CPython 3.11 struct '0p'")
def _():
    for fmt in ["0p", "0p1P", "0pi0p"]:
        try:
            struct.unpack(fmt, bytes(struct.calcsize(fmt)))
            check(False, f"struct.unpack({fmt!r}) succeeded")
        except SystemError as e:
            check("Negative size passed to PyBytes_FromStringAndSize" in str(e), f"{e!r}")


@row("PORTABILITY REQ-SIMPLE-SHAPE", "numpy")
def _():
    v = granted(np.zeros((2, 2)), request(PyBUF_SIMPLE))
    check((v.ndim, v.len, v.shape) == (0, 32, None), f"{v}")
    for other in [memoryview(np.zeros((2, 2))), b"ab"]:
        w = granted(other, PyBUF_SIMPLE)
        check(w.ndim == 1 and w.shape is None, f"{type(other).__name__}: {w}")


@row("PORTABILITY REQ-FORMAT-WITHOUT-ND", "bytes (PyBuffer_FillInfo)")
def _():
    v = granted(b"ab", request(PyBUF_FORMAT))
    check((v.format, v.ndim, v.shape) == ("B", 1, None), f"{v}")


def main():
    check(C.sizeof(PyBuffer) == 80 or C.sizeof(C.c_void_p) != 8, "Py_buffer is not 80 bytes")
    failed = 0
    for rule, exporter, fn in ROWS:
        try:
            fn()
            print(f"REPRODUCED {rule} {exporter}", flush=True)
        except NotReproduced as e:
            failed += 1
            print(f"NOT REPRODUCED {rule} {exporter}: {e}", flush=True)
        except Exception:  # a broken check is no reproduction either
            failed += 1
            print(f"NOT REPRODUCED {rule} {exporter}: error in the check:", flush=True)
            traceback.print_exc(file=sys.stdout)
    print(f"{len(ROWS) - failed} of {len(ROWS)} rows reproduced", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
