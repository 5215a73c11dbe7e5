"""The python adapter's consumers (imported as _bufconf_consumers inside the interpreter): CPython's
and numpy's real consumers of the buffer protocol, run on exporters the suite provides
(bufconf_adapter.h, the consumer side). consumers.cc wraps each provider in an object whose
bf_getbuffer asks the provider, and calls run(index, a, b).

Runs inside any CPython 3.8 to 3.13: no syntax or library call newer than 3.8; numpy is optional
(its consumers are listed only when it imports, decided once at import time, so the table is the
same for every call in one process). Every view a consumer takes is released before run returns
(with-blocks, del): the suite checks that every get was released exactly once (RELEASE-PAIRED).
"""
import array, itertools, json, struct, warnings

try:
    import numpy
except Exception:  # ImportError, or a numpy built for another interpreter failing to load
    numpy = None

try:
    import _testbuffer  # CPython's own test consumer (Modules/_testbuffer.c); not everywhere
except Exception:
    _testbuffer = None

# BUFCONF_CONSUME_* (bufconf_adapter.h)
BYTES_C, BYTES_F, BYTES_A, VALUES, VALUES_FLAT, EQUAL = 1, 2, 3, 4, 5, 6

# Set by consumers.cc: get_contiguous(obj, order) is PyMemoryView_GetContiguous(obj, PyBUF_READ,
# order).
get_contiguous = None


class Unsupported(Exception):
    """The consumer does not apply to this exporter (the case is skipped)."""


def canonical(x):
    """A value as JSON (reference/layout/python_layout_oracle.py canonical(), values_json.h): ints
    as numbers, floats as the hex of their double's bits or "nan", bools, bytes as {"b": hex}."""
    if isinstance(x, list):
        return [canonical(i) for i in x]
    if isinstance(x, bool):
        return x
    if isinstance(x, int):
        return x
    if isinstance(x, float):
        return 'nan' if x != x else struct.pack('<d', x).hex()
    if isinstance(x, bytes):
        return {'b': x.hex()}
    return {'unexpected': repr(x)}


def _json(value):
    return json.dumps(value, separators=(',', ':')).encode('utf-8')


def _layout(x):
    """(format, itemsize, shape) of x, read through a memoryview released at once."""
    with memoryview(x) as m:
        return m.format, m.itemsize, tuple(m.shape)


def _count(shape):
    n = 1
    for extent in shape:
        n *= extent
    return n


# ---- CPython ----


def _tolist(a, b):
    with memoryview(a) as m:
        return _json(canonical(m.tolist()))


def _tobytes(order):
    def consume(a, b):
        with memoryview(a) as m:
            return m.tobytes() if order is None else m.tobytes(order)
    return consume


def _equal(a, b):
    with memoryview(a) as ma, memoryview(b) as mb:
        return b'\x01' if ma == mb else b'\x00'


def _get_contiguous(order):
    def consume(a, b):
        with get_contiguous(a, order) as m:
            return m.tobytes(order)
    return consume


def _bytes(a, b):
    return bytes(a)


def _bytearray(a, b):
    return bytes(bytearray(a))


def _elements(a, b):
    values = []
    with memoryview(a) as m:
        if m.ndim == 0:
            values.append(canonical(m[()]))
        elif m.ndim == 1:
            for i in range(m.shape[0]):
                values.append(canonical(m[i]))
        else:
            for index in itertools.product(*(range(n) for n in m.shape)):
                values.append(canonical(m[index]))
    return _json(values)


def _reverse_twice(a, b):
    with memoryview(a) as m:
        if m.ndim == 0:
            raise Unsupported('a 0-dimensional memoryview cannot be sliced')
        with m[::-1] as r, r[::-1] as s:
            return s.tobytes()


def _cast_bytes(a, b):
    with memoryview(a) as m, m.cast('B') as c:
        return c.tobytes()


def _struct_value(t):
    if len(t) == 1:
        return canonical(t[0])
    return {'struct': [canonical(v) for v in t]}


def _struct(a, b):
    fmt, itemsize, shape = _layout(a)
    try:
        s = struct.Struct(fmt)
    except (struct.error, TypeError, ValueError) as e:
        raise Unsupported('struct does not parse the format %r: %s' % (fmt, e))
    if s.size != itemsize:
        raise Unsupported('struct.calcsize(%r) is %d, the itemsize %d' % (fmt, s.size, itemsize))
    values = []
    for k in range(_count(shape)):
        values.append(_struct_value(s.unpack_from(a, k * itemsize)))
    return _json(values)


def _array_frombytes(a, b):
    out = array.array('B')
    out.frombytes(a)
    return out.tobytes()


# ---- numpy ----


def _numpy_checked(arr, what):
    # numpy turns an object it cannot read as a buffer (e.g. one with suboffsets: BufferError,
    # cleared inside numpy) into a 0-d object array holding the object: it read nothing.
    if arr.dtype.hasobject:
        raise _NumpyObjectArray('%s made an object array (dtype %s, shape %s) instead of reading '
                                'the buffer' % (what, arr.dtype, arr.shape))
    return arr


class _NumpyObjectArray(Exception):
    """numpy did not read the buffer and silently made an object array: an improper refusal."""


def _numpy_asarray(a, b):
    arr = _numpy_checked(numpy.asarray(a), 'numpy.asarray(x)')
    try:
        return arr.tobytes('C')
    finally:
        del arr


def _numpy_array(a, b):
    arr = _numpy_checked(numpy.array(a), 'numpy.array(x)')
    try:
        return arr.tobytes('C')
    finally:
        del arr


def _numpy_frombuffer(a, b):
    arr = numpy.frombuffer(a, dtype=numpy.uint8)
    try:
        return arr.tobytes()
    finally:
        del arr


def _numpy_ndarray(a, b):
    fmt, itemsize, shape = _layout(a)
    arr = numpy.ndarray(shape=(itemsize * _count(shape),), dtype=numpy.uint8, buffer=a)
    try:
        return arr.tobytes()
    finally:
        del arr


def _testbuffer_getbuf(flags_name):
    """_testbuffer.ndarray(x, getbuf=FLAGS): CPython's test consumer asks the exporter for exactly
    FLAGS and keeps the view as it came (shape or strides NULL when the request has no ND or
    STRIDES); tobytes() then copies its logical contents in C order."""
    def run(a, b):
        nd = _testbuffer.ndarray(a, getbuf=getattr(_testbuffer, flags_name))
        try:
            return nd.tobytes()
        finally:
            del nd
    return run


def _array_frombytes_values(a, b):
    """array('B').frombytes(x) asks PyBUF_SIMPLE (no format, no shape) and reads len unsigned
    bytes (FORMAT-NULL-IS-B, LAYOUT-LEN-SIMPLE)."""
    arr = array.array('B')
    arr.frombytes(a)
    return _json(arr.tolist())


# (name, kind, rule, function): the consumer table (bufconf_consumer_info), fixed at import.
TABLE = [
    ('memoryview(x).tolist()', VALUES, 'ALGO-TOLIST', _tolist),
    ("memoryview(x).tobytes('C')", BYTES_C, 'ALGO-TOBYTES', _tobytes('C')),
    ("memoryview(x).tobytes('F')", BYTES_F, 'ALGO-TOBYTES', _tobytes('F')),
    ("memoryview(x).tobytes('A')", BYTES_A, 'ALGO-TOBYTES', _tobytes('A')),
    ('memoryview(x).tobytes()', BYTES_C, 'ALGO-TOBYTES', _tobytes(None)),
    ('memoryview(a) == memoryview(b)', EQUAL, 'ALGO-EQUAL', _equal),
    ("PyMemoryView_GetContiguous(x, PyBUF_READ, 'C')", BYTES_C, 'ALGO-GET-CONTIGUOUS',
     _get_contiguous('C')),
    ("PyMemoryView_GetContiguous(x, PyBUF_READ, 'F')", BYTES_F, 'ALGO-GET-CONTIGUOUS',
     _get_contiguous('F')),
    ("PyMemoryView_GetContiguous(x, PyBUF_READ, 'A')", BYTES_A, 'ALGO-GET-CONTIGUOUS',
     _get_contiguous('A')),
    ('bytes(x)', BYTES_C, '', _bytes),
    ('bytearray(x)', BYTES_C, '', _bytearray),
    ('memoryview(x)[i, j, ...] for every index', VALUES_FLAT, '', _elements),
    ('memoryview(x)[::-1][::-1].tobytes()', BYTES_C, '', _reverse_twice),
    ("memoryview(x).cast('B').tobytes()", BYTES_C, '', _cast_bytes),
    ('struct.Struct(format).unpack_from(x, k * itemsize)', VALUES_FLAT, '', _struct),
    ("array.array('B').frombytes(x)", BYTES_C, '', _array_frombytes),
    ("array.array('B').frombytes(x).tolist()", VALUES_FLAT, '', _array_frombytes_values),
]
if _testbuffer is not None:
    TABLE += [
        ('_testbuffer.ndarray(x, getbuf=%s).tobytes()' % flags, BYTES_C, '',
         _testbuffer_getbuf(flags))
        for flags in ('PyBUF_SIMPLE', 'PyBUF_ND', 'PyBUF_STRIDES', 'PyBUF_FULL_RO')
    ]
if numpy is not None:
    TABLE += [
        ("numpy.asarray(x).tobytes('C')", BYTES_C, '', _numpy_asarray),
        ("numpy.array(x).tobytes('C')", BYTES_C, '', _numpy_array),
        ('numpy.frombuffer(x, dtype=numpy.uint8).tobytes()', BYTES_C, '', _numpy_frombuffer),
        # ndarray(buffer=x) asks PyBUF_ANY_CONTIGUOUS (PyArray_BufferConverter) and reads the
        # memory as it lies: a Fortran-contiguous exporter's bytes in Fortran order ('A').
        ('numpy.ndarray((n,), numpy.uint8, buffer=x).tobytes()', BYTES_A, '', _numpy_ndarray),
    ]


def table():
    """[(name, kind, rule)] for consumers.cc."""
    return [(name, kind, rule) for name, kind, rule, _ in TABLE]


def _describe(e):
    text = str(e)
    return type(e).__name__ + (': ' + text if text else '')


# A consumer refusing as documented: the exceptions CPython's consumers raise for what they do
# not read (and a warning numpy would otherwise only print before reading something else).
_CLEAN = (BufferError, ValueError, TypeError, NotImplementedError, Warning)


def run(index, a, b):
    """Runs consumer `index` on a (and b): ('ok', bytes), ('refused', message), ('improper',
    message) or ('unsupported', message). Nothing of the consumer (no view, no traceback) is kept
    when it returns."""
    fn = TABLE[index][3]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('error')
            data = fn(a, b)
    except Unsupported as e:
        return ('unsupported', str(e))
    except _CLEAN as e:
        return ('refused', _describe(e))
    except Exception as e:  # SystemError, IndexError, OverflowError, MemoryError, ...
        return ('improper', _describe(e))
    if not isinstance(data, bytes):
        return ('improper', 'the consumer returned %s, not bytes' % type(data).__name__)
    return ('ok', data)
