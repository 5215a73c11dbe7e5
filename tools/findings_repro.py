#!/usr/bin/python3
"""Reproduces every deviation listed in docs/findings.md without bufconf, under any CPython 3.8-3.13.

Run it with the interpreter to measure (Debian 12's: CPython 3.11, numpy 1.24, ctypes, _testbuffer;
or a pyenv build, without numpy):
    /usr/bin/python3 tools/findings_repro.py
    ~/.pyenv/versions/3.13.0/bin/python3.13 tools/findings_repro.py
    /usr/bin/python3 tools/findings_repro.py --list           # each row's versions
    /usr/bin/python3 tools/findings_repro.py --doc docs/findings.md   # the doc's version column
Bazel runs it under every CPython 3.8-3.13 on the machine as //tools:findings_repro_test.

Each row of the findings table (and each PORTABILITY bullet) is one check below. A check asks the
exporter through memoryview (PyBUF_FULL_RO) or, for a flags value of its own, through
PyObject_GetBuffer / PyBuffer_Release called with ctypes.pythonapi on a ctypes Py_buffer, and
asserts the deviation. Each row also says in which versions it reproduces (its `reproduces`
ranges; docs/findings.md's version column starts with the same text). One line per row:
    REPRODUCED <rule> <exporter>
    NOT REPRODUCED (fixed) <rule> <exporter>: <why>     (and the corrected behaviour was checked)
    SKIPPED <rule> <exporter>: numpy not importable     (or the exporter/function is absent)
    UNEXPECTED ...: the outcome is not the one the row's versions give for this interpreter
    CONFIRMED note: <what>        (a consumer behaviour the text says is no deviation; NOTES)
Exit status 1 if any row or note is UNEXPECTED.

Every request row also checks that its flags value is one a consumer can form from the documented
PyBUF_* constants (so that the row is a real request deviation, not an artifact of a flags value
that is no request); the REQ-READ-WRITE-FLAGS row checks the opposite and is filed against the
interpreter. The rows that crash the interpreter (PyBuffer_FromContiguous, PyBuffer_IsContiguous
'F') and bytearray.__buffer__(PyBUF_READ) run in a child process; the crashing ones must die of
SIGSEGV. Nothing here reads or writes memory through a stale view: the ctypes.resize row compares
addresses only.
"""
import array
import ctypes
import io
import itertools
import mmap
import pickle
import platform
import resource
import signal
import struct
import subprocess
import sys
import traceback

VERSION = tuple(sys.version_info[:3])

try:  # Debian's 3.11 has numpy 1.24; the pyenv builds have none: its rows are SKIPPED there
    import numpy as np
except ImportError:
    np = None
try:  # a test module of CPython's: absent from some distributions' builds
    from _testbuffer import ND_PIL
    from _testbuffer import ndarray as TestNdarray
except ImportError:
    ND_PIL = TestNdarray = None

# --- the C-API through ctypes -----------------------------------------------------------------

# Include/pybuffer.h (in cpython/object.h before 3.11; the same layout in 3.8-3.13), Py_buffer:
# the field order, types and size (80 bytes on LP64).
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
        # Without its traceback: it holds the caller's frame, a cycle that keeps the caller's
        # exporters alive until the interpreter's shutdown (see REQ-READ-WRITE-FLAGS's row).
        return e.with_traceback(None)
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

# Each row states the CPython versions (3.8 to 3.13, the versions bufconf runs under) where it
# reproduces: `reproduces`, half-open ranges of version tuples [lo, hi) (hi None: every later
# version; (3, 12) is 3.12.0); `since`, the version before which its exporter or function does not
# exist (SKIPPED, saying so); `needs`, the optional modules it needs ("numpy", "_testbuffer":
# SKIPPED "numpy not importable" where they are absent); `fixed`, a check of the corrected
# behaviour that must hold where the row is expected not to reproduce. The text docs/findings.md's
# version column starts with is rendered from the same data (versions_text; `--doc` checks it).

FIRST, LAST = (3, 8), (3, 13)  # the versions bufconf supports
EVERY = [((3, 8), None)]
ROWS = []


class Row:
    def __init__(self, rule, exporter, fn, reproduces, since, missing, needs, fixed):
        self.rule, self.exporter, self.fn = rule, exporter, fn
        self.reproduces, self.since, self.missing = reproduces, since, missing
        self.needs, self.fixed = needs, fixed

    def expected(self, version=VERSION):
        """True (reproduces), False (does not) or the reason it is skipped, for a version."""
        if self.since and version < self.since:
            return self.missing
        for module, present in (("numpy", np is not None), ("_testbuffer", TestNdarray is not None)):
            if module in self.needs and not present:
                return f"{module} not importable"
        return any(lo <= version and (hi is None or version < hi) for lo, hi in self.reproduces)

    def versions_text(self):
        parts = []
        spans, fixes = [], []
        for lo, hi in self.reproduces:
            last = LAST if hi is None else _before(hi)
            spans.append(_v(lo) if lo == last else f"{_v(lo)}–{_v(last)}")
            if hi is not None:
                fixes.append(_v(hi))
        parts.append("reproduces " + (", ".join(spans) if spans else "nowhere"))
        if fixes:
            parts.append("fixed in " + ", ".join(fixes))
        if self.since:
            parts.append(f"n/a before {_v(self.since)}")
        text = "; ".join(parts)
        if "numpy" in self.needs:
            text += " (where numpy imports)"
        return text


def _v(version):
    return ".".join(map(str, version))


def _before(hi):
    """The last version before hi, as the ranges are written: (3, 12) -> 3.11, (3, 12, 7) -> 3.12.6."""
    if len(hi) == 3 and hi[2] > 0:
        return hi[:2] + (hi[2] - 1,)
    return (hi[0], hi[1] - 1)


def row(rule, exporter, reproduces=EVERY, since=None, missing=None, needs=(), fixed=None):
    def register(fn):
        ROWS.append(Row(rule, exporter, fn, reproduces, since, missing, needs, fixed))
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


def _ctypes_padded():
    """The corrected formats (gh-76961, CPython 3.12): padding written as 'Nx', the packed struct
    described field by field; every format's size is the itemsize."""
    cases = [(CI(), "T{<c:a:3x<i:b:}"), (Packed(), "T{<c:a:<i:b:}"), (BigCI(), "T{<c:a:3x>i:b:}"),
             (Nested(), "T{T{<c:a:3x<i:b:}:s:<c:c:3x}"), ((CI * 3)(), "T{<c:a:3x<i:b:}"),
             (LE(), "T{<h:a:2x<i:b:}")]
    for obj, fmt in cases:
        m = memoryview(obj)
        check(m.format == fmt and format_size(m.format) == m.itemsize,
              f"{type(obj).__name__}: {m.format!r} itemsize {m.itemsize}, expected {fmt!r}")


@row("FORMAT-SIZE", "ctypes Structure{c_char a; c_int b}, _pack_=1, BigEndianStructure, "
                    "nested struct, arrays of structs", reproduces=[((3, 8), (3, 12))],
     fixed=_ctypes_padded)
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


# Structures too, in every version: bufconf reports them only from 3.12 on, where their format
# (padded by gh-76961) passes FORMAT-SIZE and their other rules are judged.
@row("REQ-FORMAT-NULL", "ctypes arrays, scalars and structures")
def _():
    for t in CTYPES_ARRAYS + [C.c_int, CI, CI * 3]:
        v = granted(t(), request(PyBUF_SIMPLE))
        check(v.format is not None, f"{t.__name__}: format NULL")


@row("REQ-ND-SHAPE", "ctypes arrays (also of structures)")
def _():
    for t in CTYPES_ARRAYS + [CI * 3]:
        v = granted(t(), request(PyBUF_SIMPLE))
        check(v.ndim >= 1 and v.shape is not None, f"{t.__name__}: {v}")


@row("REQ-STRIDES-FILLED", "ctypes arrays (also of structures)")
def _():
    for t in CTYPES_ARRAYS + [CI * 3]:
        v = granted(t(), request(PyBUF_STRIDES))
        check(v.ndim >= 1 and v.strides is None, f"{t.__name__}: {v}")


@row("REQ-F-CONTIGUOUS", "ctypes (c_short*3)*2")
def _():
    v = granted(((C.c_short * 3) * 2)(), request(PyBUF_F_CONTIGUOUS))
    check(v.shape == [2, 3] and v.strides is None, f"{v}")
    # CPython's own test on the granted view, while it was live: not Fortran-contiguous.
    check(v.f_contiguous == 0 and v.c_contiguous == 1,
          f"PyBuffer_IsContiguous: C {v.c_contiguous}, F {v.f_contiguous}")


@row("FORMAT-SIZE", "numpy structured dtype with trailing padding", needs=("numpy",))
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


@row("(crash)", "CPython PyBuffer_FromContiguous")
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


@row("(crash)", "CPython PyBuffer_IsContiguous 'F' (and ToContiguous 'F')")
def _():
    # In a child each: the segfault must not take this process with it.
    for call, before, after in [("IsContiguous", "", ""), ("ToContiguous", "out, ", "8, ")]:
        r = subprocess.run([sys.executable, "-c", IS_CONTIGUOUS_F_CHILD % (call, before, after)],
                           capture_output=True, text=True, timeout=60, preexec_fn=_no_core_dump)
        check(r.stdout.strip() == "calling" and r.returncode == -signal.SIGSEGV,
              f"PyBuffer_{call}: child exited {r.returncode}: {r.stdout.strip()!r} "
              f"{r.stderr.strip()[-300:]!r}")


def _read_write_refused():
    """CPython 3.13 (gh-114685): PyObject_GetBuffer raises SystemError for PyBUF_READ/WRITE
    before any bf_getbuffer runs."""
    for obj in [b"ab", bytearray(b"ab"), (C.c_int * 4)()]:
        for flags in (PyBUF_READ, PyBUF_WRITE):
            r = get_buffer(obj, flags)
            check(isinstance(r, SystemError), f"{type(obj).__name__} flags {flags:#x}: {r!r}")


@row("REQ-READ-WRITE-FLAGS", "interpreter (CPython's PyObject_GetBuffer)",
     reproduces=[((3, 8), (3, 13))], needs=("_testbuffer",), fixed=_read_write_refused)
def _():
    for flags in (PyBUF_READ, PyBUF_WRITE):
        check(flags not in FORMABLE, f"{flags:#x} is formable")  # so no exporter is judged on it
    exporters = [b"ab", bytearray(b"ab"), array.array("i", [1, 2]), memoryview(b"ab"),
                 mmap.mmap(-1, 4), pickle.PickleBuffer(b"ab"), io.BytesIO(b"ab").getbuffer(),
                 (C.c_int * 4)(), TestNdarray([1, 2], shape=[2], format="i")]
    if np is not None:
        exporters.append(np.arange(4))
    try:
        for obj in exporters:
            for flags in (PyBUF_READ, PyBUF_WRITE):
                # The call reaches bf_getbuffer: only an exporter fills buf and obj.
                v = get_buffer(obj, flags)
                check(isinstance(v, Granted) and v.obj and v.buf,
                      f"{type(obj).__name__} flags {flags:#x}: {v!r}")
    finally:
        # Released here: a BytesIO.getbuffer() view kept alive by a reference cycle (a
        # NotReproduced traceback holds this frame) is collected at shutdown after its BytesIO,
        # which 3.13.0 reports as an ignored BufferError and 3.12.1 as "SystemError: deallocated
        # BytesIO object has exported buffers" and a segfault (measured; gh-111331's area).
        for obj in exporters:
            if isinstance(obj, (memoryview, mmap.mmap)):
                obj.release() if isinstance(obj, memoryview) else obj.close()
    # 0x100 is not read as the INDIRECT bit: an exporter that needs suboffsets still refuses it.
    pil = TestNdarray(list(range(6)), shape=[2, 3], format="i", flags=ND_PIL)
    r = get_buffer(pil, PyBUF_READ)
    check(isinstance(r, BufferError), f"_testbuffer ND_PIL flags 0x100: {r!r}")
    check(isinstance(get_buffer(pil, request(PyBUF_INDIRECT)), Granted), "ND_PIL refuses INDIRECT")


class LE(C.LittleEndianStructure):
    _fields_ = [("a", C.c_short), ("b", C.c_int)]


@row("FORMAT-SIZE", "ctypes LittleEndianStructure{c_short a; c_int b}",
     reproduces=[((3, 8), (3, 12))], fixed=_ctypes_padded)
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


@row("REQ-FAIL-BUFFERERROR", "numpy 1.24 arrays (non-contiguous, read-only, datetime64)",
     needs=("numpy",))
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


@row("REQ-GRANT", "numpy datetime64, timedelta64 arrays", needs=("numpy",))
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
    if np is not None:
        a = np.zeros(8)
        with memoryview(a):
            try:
                a.resize(64)
                check(False, "numpy resized while exported")
            except ValueError:
                pass


def _zero_p_unpacks():
    """gh-124251: '0p' behaves like '0s' (an empty bytes)."""
    for fmt in ["0p", "0p1P", "0pi0p"]:
        r = struct.unpack(fmt, bytes(struct.calcsize(fmt)))
        check(r[0] == b"", f"struct.unpack({fmt!r}): {r!r}")


# Fixed in 3.13.0 and, by the backport, 3.12.7 (released after the fix; 3.12.1 is measured here).
@row("(crash-like, SystemError)", "CPython struct '0p'", reproduces=[((3, 8), (3, 12, 7))],
     fixed=_zero_p_unpacks)
def _():
    for fmt in ["0p", "0p1P", "0pi0p"]:
        try:
            struct.unpack(fmt, bytes(struct.calcsize(fmt)))
            check(False, f"struct.unpack({fmt!r}) succeeded")
        except SystemError as e:
            check("Negative size passed to PyBytes_FromStringAndSize" in str(e), f"{e!r}")


BYTEARRAY_BUFFER_READ_CHILD = r"""
import sys
b = bytearray(b'abc')
try:
    m = b.__buffer__(0x100)  # PEP 688's Python-level call with PyBUF_READ
    print('returned', type(m).__name__, flush=True)
    m.release()
    del m
except Exception as e:
    print('raised', type(e).__name__, e, flush=True)
try:
    b.append(1)
    print('resizable', flush=True)
except BufferError as e:
    print('still exported:', e, flush=True)
"""


@row("(SystemError)", "CPython bytearray.__buffer__(PyBUF_READ)",
     reproduces=[((3, 13, 0), (3, 13, 1))], since=(3, 12),
     missing="bytearray.__buffer__ (PEP 688) does not exist before 3.12",
     fixed=lambda: _bytearray_buffer_read(reproduced=False))
def _():
    _bytearray_buffer_read(reproduced=True)


def _bytearray_buffer_read(reproduced):
    """gh-126980 (3.13.0): PyObject_GetBuffer refuses PyBUF_READ with SystemError (gh-114685), but
    bytearray's bf_getbuffer counted the export first: the call fails (a SystemError, or a garbage
    memoryview built from the unfilled view, here ValueError about its ndim) and the bytearray
    stays exported for ever. In a child: the garbage view must not touch this process."""
    r = subprocess.run([sys.executable, "-c", BYTEARRAY_BUFFER_READ_CHILD],
                       capture_output=True, text=True, timeout=60, preexec_fn=_no_core_dump)
    lines = r.stdout.strip().splitlines()
    check(r.returncode == 0 and len(lines) == 2,
          f"child exited {r.returncode}: {r.stdout.strip()!r} {r.stderr.strip()[-300:]!r}")
    if reproduced:
        check(lines[0].startswith("raised") and lines[1].startswith("still exported"),
              f"bytearray.__buffer__(0x100): {lines[0]}; then {lines[1]}")
    else:  # 3.12: granted like any PyObject_GetBuffer (REQ-READ-WRITE-FLAGS); 3.13.1: SystemError
        check(lines[1] == "resizable", f"bytearray.__buffer__(0x100): {lines[0]}; then {lines[1]}")


API.PyBuffer_FillInfo.argtypes = [ctypes.POINTER(PyBuffer), ctypes.c_void_p, ctypes.c_void_p,
                                  ctypes.c_ssize_t, ctypes.c_int, ctypes.c_int]
API.PyBuffer_FillInfo.restype = ctypes.c_int


def fill_info(readonly, flags):
    """PyBuffer_FillInfo(&view, NULL, buf, 4, readonly, flags) on 4 bytes of this process: the
    filled view's fields (obj NULL: no reference to drop; nothing to release), or the exception."""
    memory = C.create_string_buffer(b"abcd", 4)
    v = PyBuffer()
    try:
        rc = API.PyBuffer_FillInfo(C.byref(v), None, C.addressof(memory), 4, readonly, flags)
    except Exception as e:
        return e.with_traceback(None)
    check(rc == 0, f"PyBuffer_FillInfo returned {rc} without an exception")
    return (v.buf == C.addressof(memory), v.obj, v.len, v.itemsize, v.readonly, v.ndim, v.format,
            bool(v.shape), bool(v.strides), bool(v.suboffsets))


def _fill_info_refused():
    """CPython 3.13 (gh-114685, python/cpython#114802): PyBuffer_FillInfo raises SystemError for
    flags PyBUF_READ / PyBUF_WRITE; requests are filled as before."""
    for flags in (PyBUF_READ, PyBUF_WRITE):
        for readonly in (0, 1):
            r = fill_info(readonly, flags)
            check(isinstance(r, SystemError) and "bad argument to internal function" in str(r),
                  f"flags {flags:#x} readonly {readonly}: {r!r}")
    check(fill_info(0, PyBUF_SIMPLE)[0], "PyBUF_SIMPLE refused")


@row("ALGO-FILL-INFO", "interpreter (CPython's PyBuffer_FillInfo)", reproduces=[((3, 8), (3, 13))],
     fixed=_fill_info_refused)
def _():
    for flags in (PyBUF_READ, PyBUF_WRITE):
        check(flags not in FORMABLE, f"{flags:#x} is formable")
        for readonly in (0, 1):
            # Filled as for PyBUF_SIMPLE: buf, len 4, itemsize 1, ndim 1, format/shape/strides NULL
            # (PyBUF_WRITE has no PyBUF_WRITABLE bit: a read-only buf is granted it too).
            r = fill_info(readonly, flags)
            want = (True, None, 4, 1, readonly, 1, None, False, False, False)
            check(r == want, f"flags {flags:#x} readonly {readonly}: {r!r}, not {want!r}")


@row("ALGO-NDIM-64", "numpy 1.24 (numpy.asarray, numpy.array)", needs=("numpy",))
def _():
    check(int(np.__version__.split(".")[0]) < 2, f"numpy {np.__version__}: NPY_MAXDIMS is 64")
    message = "PEP3118 dimensions do not satisfy 0 <= ndim <= NPY_MAXDIMS"
    for ndim in (33, 64):
        m = memoryview(bytearray(1)).cast("B", [1] * ndim)
        check(m.ndim == ndim and m.tobytes() == b"\0", f"memoryview of {ndim} dimensions")
        v = m.tolist()  # memoryview itself reads every dimension up to 64
        for _ in range(ndim):
            check(isinstance(v, list) and len(v) == 1, f"tolist at ndim {ndim}: {v!r}")
            v = v[0]
        check(v == 0, f"tolist's item {v!r}")
        for name, read in (("asarray", np.asarray), ("array", np.array)):
            try:
                read(m)
                check(False, f"numpy.{name} read {ndim} dimensions")
            except RuntimeError as e:
                check(type(e) is RuntimeError and str(e) == message, f"numpy.{name}: {e!r}")
        # The one-dimensional readers take its byte.
        check(np.frombuffer(m, np.uint8).tobytes() == b"\0", "numpy.frombuffer")
        check(np.ndarray((1,), np.uint8, buffer=m).tobytes() == b"\0", "numpy.ndarray(buffer=)")
    # numpy's own test (numpy PR #10882): a nested ctypes array of 33 dimensions; 32 are read.
    t = C.c_uint8
    for _ in range(33):
        t = 1 * t
    try:
        np.asarray(t())
        check(False, "numpy.asarray read the 33-dimensional ctypes array")
    except RuntimeError as e:
        check(str(e) == message, f"{e!r}")
    check(np.asarray(memoryview(bytearray(1)).cast("B", [1] * 32)).ndim == 32, "32 not read")
    with memoryview(bytearray(1)).cast("B", [1] * 64) as m:  # cast's own limit is 64
        try:
            m.cast("B", [1] * 65)
            check(False, "memoryview.cast made 65 dimensions")
        except ValueError:
            pass


API.PyMemoryView_FromBuffer.argtypes = [ctypes.POINTER(PyBuffer)]
API.PyMemoryView_FromBuffer.restype = ctypes.py_object


@row("ALGO-READ-ELEMENTS", "numpy 1.24 numpy.array", needs=("numpy",))
def _():
    # A 0-d view of one '0s' item (itemsize 0, len 0): PyMemoryView_FromBuffer on a Py_buffer of
    # our own (obj NULL); v holds the format's bytes alive as long as m, released below.
    memory = C.create_string_buffer(1)
    v = PyBuffer(buf=C.addressof(memory), obj=None, len=0, itemsize=0, readonly=1, ndim=0,
                 format=b"0s")
    m = API.PyMemoryView_FromBuffer(C.byref(v))
    try:
        check((m.format, m.itemsize, m.ndim, m.shape, m.nbytes, m.tobytes()) ==
              ("0s", 0, 0, (), 0, b""), f"the view: {m.format!r} itemsize {m.itemsize}")
        check(struct.unpack("0s", b"") == (b"",), "struct reads '0s' as b''")
        a = np.array(m)  # a copy: the dtype S0 becomes S1, one NUL byte the view does not have
        check((a.dtype.str, a.shape, a.tobytes()) == ("|S1", (), b"\0"),
              f"numpy.array: {a.dtype.str} {a.shape} {a.tobytes()!r}")
        b = np.asarray(m)  # no copy: S0, no byte (right)
        check((b.dtype.str, b.shape, b.tobytes()) == ("|S0", (), b""),
              f"numpy.asarray: {b.dtype.str} {b.shape} {b.tobytes()!r}")
        check(b.copy().dtype.str == "|S1" and np.zeros((), "S0").dtype.str == "|S1",
              "numpy keeps S0 when it allocates")
        del a, b
    finally:
        m.release()


@row("PORTABILITY REQ-SIMPLE-SHAPE", "numpy", needs=("numpy",))
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


# --- not deviations: what the text after the table says the consumers do by design -----------
# Checked like the rows (CONFIRMED, or SKIPPED without numpy / _testbuffer; UNEXPECTED otherwise),
# but they have no version cell in findings.md.

NOTES = []


def note(name, needs=()):
    def register(fn):
        NOTES.append((name, needs, fn))
        return fn
    return register


@note("numpy refuses suboffsets with BufferError", needs=("numpy", "_testbuffer"))
def _():
    pil = TestNdarray(list(range(6)), shape=[2, 3], format="B", flags=ND_PIL)
    # ND_PIL refuses every request without PyBUF_INDIRECT with its own BufferError ...
    r = get_buffer(pil, request(PyBUF_FORMAT | PyBUF_STRIDES))
    check(isinstance(r, BufferError) and "without suboffsets" in str(r), f"ND_PIL: {r!r}")
    # ... so numpy.asarray / numpy.array, which got a view with suboffsets, asked PyBUF_FULL_RO
    # (through PyMemoryView_FromObject) and refused the suboffsets itself (numpy PR #20592).
    for read in (np.asarray, np.array):
        try:
            read(pil)
            check(False, f"{read.__name__} read ND_PIL")
        except BufferError as e:
            check(str(e).startswith("NumPy currently does not support importing buffers which "
                                    "include suboffsets"), f"{read.__name__}: {e!r}")
    for read in (lambda x: np.frombuffer(x, np.uint8), lambda x: np.ndarray((6,), np.uint8, buffer=x)):
        try:
            read(pil)
            check(False, "read ND_PIL")
        except BufferError:
            pass


@note("memoryview == is False for formats struct cannot unpack, even m == m")
def _():
    for t, fmt in [(C.c_void_p * 2, "<P"), (C.c_longdouble * 2, "<g")]:
        m = memoryview(t())
        check(m.format == fmt and struct_rejects(fmt), f"{t.__name__}: {m.format!r}")
        check(not (m == m) and m != m and m.tobytes() == m.tobytes(), f"{fmt}: m == m")
    m = memoryview((C.c_int * 2)())  # '<i': struct unpacks it
    check(m == m, "'<i': m != m")


@note("numpy.ndarray(buffer=x) reads the memory as it lies", needs=("numpy", "_testbuffer"))
def _():
    from _testbuffer import ND_FORTRAN
    f = TestNdarray(list(range(6)), shape=[2, 3], format="B", flags=ND_FORTRAN)
    check(isinstance(get_buffer(f, request(PyBUF_ANY_CONTIGUOUS)), Granted), "ANY refused")
    check(isinstance(get_buffer(f, request(PyBUF_SIMPLE)), BufferError), "SIMPLE granted")
    m = memoryview(f)
    check(m.f_contiguous and not m.c_contiguous and m.tobytes() == bytes([0, 2, 4, 1, 3, 5]),
          f"the Fortran exporter: {m.tobytes()!r}")
    check(np.ndarray((6,), np.uint8, buffer=f).tobytes() == bytes(range(6)), "not memory order")
    check(np.asarray(f).tobytes() == bytes([0, 2, 4, 1, 3, 5]), "asarray not in C order")


def run_notes():
    bad = 0
    for name, needs, fn in NOTES:
        missing = [m for m, present in (("numpy", np is not None),
                                        ("_testbuffer", TestNdarray is not None))
                   if m in needs and not present]
        if missing:
            print(f"SKIPPED note: {name}: {missing[0]} not importable", flush=True)
            continue
        why = attempt(fn)
        if why is None:
            print(f"CONFIRMED note: {name}", flush=True)
        else:
            bad += 1
            print(f"UNEXPECTED note: {name}: {why}", flush=True)
    return bad


def attempt(fn):
    """None if fn's checks hold, else why not (a broken check is no reproduction either)."""
    try:
        fn()
        return None
    except NotReproduced as e:
        return str(e)
    except Exception:
        return "error in the check:\n" + traceback.format_exc().rstrip()


def run_rows():
    """Runs every row under this interpreter; one line per row. Returns the number of rows whose
    outcome is not the one their versions say (each such line starts with UNEXPECTED)."""
    numpy = f"numpy {np.__version__}" if np is not None else "no numpy"
    print(f"CPython {platform.python_version()} at {sys.executable} ({numpy}, "
          f"_testbuffer {'present' if TestNdarray is not None else 'absent'})", flush=True)
    counts = {"REPRODUCED": 0, "NOT REPRODUCED (fixed)": 0, "SKIPPED": 0}
    unexpected = 0
    for r in ROWS:
        name = f"{r.rule} {r.exporter}"
        expected = r.expected()
        if not isinstance(expected, bool):  # skipped: the exporter, function or module is absent
            counts["SKIPPED"] += 1
            print(f"SKIPPED {name}: {expected}", flush=True)
            continue
        why = attempt(r.fn)
        if why is None:
            outcome, detail = "REPRODUCED", ""
        else:
            outcome, detail = "NOT REPRODUCED (fixed)", f": {why}"
            if not expected and r.fixed is not None:  # the corrected behaviour must be there
                wrong = attempt(r.fixed)
                if wrong is not None:
                    outcome, detail = "NOT REPRODUCED", f": {why}; nor the fixed behaviour: {wrong}"
        counts[outcome] = counts.get(outcome, 0) + 1
        if (outcome == "REPRODUCED") != expected or outcome == "NOT REPRODUCED":
            unexpected += 1
            print(f"UNEXPECTED {outcome} {name}{detail} (findings.md: {r.versions_text()})",
                  flush=True)
        else:
            print(f"{outcome} {name}{detail}", flush=True)
    unexpected += run_notes()
    print(", ".join(f"{n} {k}" for k, n in counts.items()) + f" of {len(ROWS)} rows "
          f"(and {len(NOTES)} notes); {unexpected} unexpected", flush=True)
    return unexpected


def check_doc(path):
    """docs/findings.md's version column against the rows' versions: the findings table's rows, in
    order, then the PORTABILITY bullets' '(versions: ...)'. Each cell starts with versions_text()."""
    text = open(path, encoding="utf-8").read()
    cells = []
    header = None
    for line in text.splitlines():
        if line.startswith("| rule |"):
            header = [c.strip() for c in line.strip().strip("|").split("|")]
            continue
        if header and line.startswith("| ") and not line.startswith("| ---"):
            fields = [c.strip() for c in line.strip().strip("|").split(" | ")]
            cells.append((fields[0], fields[header.index("CPython 3.8–3.13")]))
        elif header and not line.startswith("|"):
            header = None
        if line.startswith("- REQ-") and "(versions: " in line:
            rule = line[2:].split(":")[0]
            cells.append(("PORTABILITY " + rule, line.split("(versions: ", 1)[1]))
    problems = 0
    if len(cells) != len(ROWS):
        print(f"{path}: {len(cells)} rows with a version cell, the script has {len(ROWS)}")
        problems += 1
    for r, (rule, cell) in zip(ROWS, cells):
        want = r.versions_text()
        same_rule = rule.split(" (")[0] == r.rule or rule == "— " + r.rule
        if not same_rule or not cell.startswith(want):
            print(f"MISMATCH {r.rule} {r.exporter}: findings.md has {rule!r}: {cell[:80]!r}..., "
                  f"the script says {want!r}")
            problems += 1
        else:
            print(f"DOC OK {r.rule} {r.exporter}: {want}")
    return problems


def main(argv):
    if argv[:1] == ["--list"]:  # each row's versions, as docs/findings.md's column starts
        for r in ROWS:
            print(f"{r.rule} {r.exporter}: {r.versions_text()}")
        return 0
    if argv[:1] == ["--doc"]:
        return 1 if check_doc(argv[1]) else 0
    check(C.sizeof(PyBuffer) == 80 or C.sizeof(C.c_void_p) != 8, "Py_buffer is not 80 bytes")
    check(FIRST <= VERSION[:2] <= LAST, f"CPython {_v(VERSION)} is not one of 3.8 to 3.13")
    return 1 if run_rows() else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
