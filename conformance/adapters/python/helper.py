"""The python adapter's helper module (imported as _bufconf_python_adapter inside the embedded
interpreter): building exporters (make, enumerate), finding the memory they own (owner), how
users resize them (resize_plan), and the factory plug-in (load_factory; docs/python-factory.md).
Embedded into the adapter at build time (//conformance/adapters/python:helper_source): the binary
needs no file at run time."""
import array, ctypes, importlib, io, itertools, mmap, operator, os, pickle, signal, struct, sys
import tempfile, traceback, warnings, weakref, zlib

# The helper runs inside any CPython 3.8 to 3.13 (`bufconf run --python INTERPRETER`), not only
# Debian's 3.11: no syntax or library call newer than 3.8, and numpy and _testbuffer are optional.
# What an interpreter lacks is left out of enumerate, its generated exporters raise Unsupported
# with the reason, and missing() lists it for the report.

# [(what, why)] of what this interpreter lacks: missing() says it.
_MISSING = []


def _absent(what, why):
    _MISSING.append((what, why))


class _NotImported:
    """Stands in for a module that did not import: its classes are types nothing is an instance
    of (so isinstance tests, e.g. owner()'s and resize_plan()'s, are simply False)."""

    def __init__(self, *class_names):
        for name in class_names:
            setattr(self, name, type('absent_' + name, (), {}))


def _import_error(e):
    return 'not importable in this interpreter (%s: %s)' % (type(e).__name__, e)


try:
    import numpy as np
    from numpy.lib import stride_tricks
    HAVE_NUMPY = True
except Exception as e:  # ImportError, or a numpy built for another interpreter failing to load
    np = _NotImported('ndarray')
    stride_tricks = _NotImported('DummyArray')
    HAVE_NUMPY = False
    _absent('numpy', _import_error(e))

try:
    import _testbuffer as tb
    HAVE_TESTBUFFER = True
except Exception as e:  # CPython's test module: some builds (and distributions) leave it out
    tb = _NotImported('ndarray')
    HAVE_TESTBUFFER = False
    _absent('_testbuffer', _import_error(e))

# PEP 688 (CPython 3.12+): classes with __buffer__ / __release_buffer__ are exporters.
HAVE_PEP688 = sys.version_info >= (3, 12)
if not HAVE_PEP688:
    _absent('PEP 688 exporters', 'need Python 3.12+ (this is %d.%d)' % sys.version_info[:2])
if sys.version_info < (3, 13):
    _absent("array.array('w')",
            'the Py_UCS4 typecode is new in Python 3.13 (this is %d.%d)' % sys.version_info[:2])


def missing():
    """What this interpreter lacks, as sentences for the report, e.g. ["numpy: not importable in
    this interpreter (ModuleNotFoundError: No module named 'numpy')"]: its exporters are not
    enumerated and make() does not build them."""
    return ['%s: %s' % (what, why) for what, why in _MISSING]


class Unsupported(Exception):
    """The adapter cannot express this spec with a real exporter (the case is skipped)."""


def _prod(xs):
    p = 1
    for x in xs:
        p *= x
    return p


def _c_offset(idx, shape):
    off = 0
    for i, n in zip(idx, shape):
        off = off * n + i
    return off


def _f_indices(shape):
    # Indices in Fortran order: the first index varies fastest.
    for rev in itertools.product(*[range(n) for n in reversed(shape)]):
        yield tuple(reversed(rev))


def _base_index(i, k, b):
    # Logical index i along a dimension of step k over a base extent b.
    return i * k if k > 0 else b - 1 + i * k


# ---- make_exporter ----

_ARRAY_CODES = 'bBhHiIlLqQfd'


def _struct_values(fmt, itemsize, items):
    """The items as struct values (struct's own format rules); their bytes must round-trip."""
    try:
        size = struct.calcsize(fmt)
    except (struct.error, TypeError, ValueError) as e:
        raise Unsupported('struct cannot parse the format: %s' % e)
    if size != itemsize or size == 0:
        raise Unsupported('struct.calcsize %d != itemsize %d' % (size, itemsize))
    values = []
    for i in range(0, len(items), size):
        chunk = items[i:i + size]
        try:
            t = struct.unpack(fmt, chunk)
            again = struct.pack(fmt, *t)
        except SystemError as e:
            raise Unsupported(_struct_bug(fmt, e))
        if again != chunk:
            raise Unsupported('item bytes do not round-trip through struct values '
                              '(NaN payload, padding, bool or pascal string)')
        values.append(t[0] if len(t) == 1 else t)
    return values


def _struct_bug(fmt, e):
    # CPython 3.11's struct fails with SystemError on a zero-length pascal string ('0p':
    # struct.unpack('0p', b'') -> "Negative size passed to PyBytes_FromStringAndSize";
    # gh-124248, fixed in 3.12/3.13). docs/findings.md.
    return ("CPython's struct module cannot unpack %r (SystemError: %s; a '0p' field is "
            "gh-124248)" % (fmt, e))


def _make_testbuffer(fmt, itemsize, shape, items, fortran, readonly, steps, pil):
    if not HAVE_TESTBUFFER:
        raise Unsupported('_testbuffer is not importable in this interpreter')
    if _prod(shape) == 0:
        raise Unsupported('_testbuffer.ndarray cannot be empty')
    values = _struct_values(fmt, itemsize, items)
    zero = _struct_values(fmt, itemsize, bytes(itemsize))[0]
    st = tuple(steps) if steps is not None else (1,) * len(shape)
    if 0 in st:
        raise Unsupported('_testbuffer.ndarray cannot broadcast (step 0)')
    base_shape = [n * abs(k) for n, k in zip(shape, st)]
    flat = [zero] * _prod(base_shape)
    for pos, idx in enumerate(itertools.product(*[range(n) for n in shape])):
        bidx = [_base_index(i, k, b) for i, k, b in zip(idx, st, base_shape)]
        flat[_c_offset(bidx, base_shape)] = values[pos]
    flags = 0 if readonly else tb.ND_WRITABLE
    if fortran and len(shape) > 1:
        # _testbuffer takes its items in memory order.
        flat = [flat[_c_offset(idx, base_shape)] for idx in _f_indices(base_shape)]
        flags |= tb.ND_FORTRAN
    if pil:
        flags |= tb.ND_PIL
    try:
        if len(shape) == 0:
            nd = tb.ndarray(flat[0], shape=[], format=fmt, flags=flags)
        else:
            nd = tb.ndarray(flat, shape=base_shape, format=fmt, flags=flags)
        if any(k != 1 for k in st):
            nd = nd[tuple(slice(None, None, k) for k in st)]
    except (ValueError, TypeError, struct.error) as e:
        raise Unsupported('_testbuffer.ndarray refused: %s: %s' % (type(e).__name__, e))
    except SystemError as e:
        raise Unsupported(_struct_bug(fmt, e))
    return nd


def _numpy_dtype(fmt, itemsize):
    if not HAVE_NUMPY:
        raise Unsupported('numpy is not importable in this interpreter')
    try:
        dt = np.core._internal._dtype_from_pep3118(fmt)
    except Exception as e:
        raise Unsupported('numpy cannot read the format: %s: %s' % (type(e).__name__, e))
    if dt.hasobject:
        raise Unsupported('numpy reads an object dtype')
    if dt.subdtype is not None:
        raise Unsupported('numpy turns a sub-array item (%s) into dimensions' % dt)
    if dt.itemsize != itemsize or itemsize == 0:
        raise Unsupported('numpy itemsize %d != itemsize %d' % (dt.itemsize, itemsize))
    try:
        memoryview(np.empty(1, dt))
    except Exception as e:
        raise Unsupported('numpy cannot export %s: %s' % (dt, e))
    return dt


def _make_numpy(dt, shape, items, fortran, readonly, steps, kind):
    itemsize = dt.itemsize
    st = tuple(steps) if steps is not None else (1,) * len(shape)
    base_shape = tuple(n * abs(k) if k else min(n, 1) for n, k in zip(shape, st))
    # The memory: one owning uint8 array; the base array is laid over it in C or F order.
    store = np.zeros(max(_prod(base_shape) * itemsize, 1), np.uint8)
    base = np.ndarray(base_shape, dtype=dt, buffer=store, order='F' if fortran else 'C')
    # (a 0-d base stays an array: base[()] would be a numpy scalar)
    pre = base[tuple(slice(None, None, k) if k else slice(None) for k in st)] if st else base
    view = pre
    if 0 in st:
        strides = tuple(0 if k == 0 else s for s, k in zip(pre.strides, st))
        view = stride_tricks.as_strided(pre, shape=shape, strides=strides, writeable=True)
    if _prod(shape):
        # The items' exact bytes (padding, NaN payloads) through a uint8 view with the same
        # strides: numpy's own strided copy, not the exporter's buffer.
        off = view.__array_interface__['data'][0] - store.__array_interface__['data'][0]
        raw = np.ndarray(shape + (itemsize,), dtype=np.uint8, buffer=store, offset=off,
                         strides=view.strides + (1,))
        raw[...] = np.frombuffer(items, np.uint8).reshape(shape + (itemsize,))
    if readonly:
        if 0 in st and kind % 2 == 0:
            view = np.broadcast_to(pre, shape)  # read-only by construction
        else:
            view.flags.writeable = False
    return memoryview(view) if kind == 1 else view


def make(*args):
    """A real exporter for the spec, or Unsupported. Returns (exporter, what it is). On
    CPython 3.12+ one spec in four gets a PEP 688 exporter (make_pep688) around the exporter."""
    if HAVE_PEP688 and (_spec_hash(*args) >> 12) % 4 == 0:
        return make_pep688(*args)
    return _make_checked(*args)


def _make_checked(*args):
    try:
        return _make(*args)
    except Unsupported:
        raise
    except (ValueError, TypeError) as e:
        # numpy's own limits on what a format may spell (e.g. a name equal to one it makes up
        # for an unnamed field): the spec cannot be expressed, it is not an adapter failure.
        raise Unsupported('numpy refused the spec: %s: %s' % (type(e).__name__, e))


def _spec_hash(fmt_bytes, itemsize, shape, items, layout, steps, indirect):
    # Which kind of exporter a spec gets: a function of the spec alone (a replay gets the same).
    return zlib.crc32(repr((fmt_bytes, itemsize, tuple(shape), layout, steps, indirect)).encode()
                      + items)


# ---- PEP 688: exporters written in Python (CPython 3.12+) ----

# inspect.BufferFlags.WRITABLE (inspect is not imported for one constant; it exists from 3.12).
_PYBUF_WRITABLE = 0x1


class Pep688Exporter(object):
    """A pure-Python exporter (PEP 688): __buffer__(flags) returns a new memoryview of `inner`
    (an exporter make() built), refusing PyBUF_WRITABLE on read-only memory with BufferError;
    CPython then asks that memoryview for the same flags, so every other flag is honoured the
    way memoryview honours it. __release_buffer__ releases the memoryview it gets (the one
    __buffer__ returned) and counts the export as ended: `exports` is the number of buffers
    granted and not yet released. Before 3.12 the class is no exporter (no bf_getbuffer)."""

    def __init__(self, inner, what):
        self.inner = inner
        self.what = what
        self.exports = 0

    def __buffer__(self, flags):
        m = memoryview(self.inner)
        try:
            if flags & _PYBUF_WRITABLE and m.readonly:
                raise BufferError('%s is read-only' % self.what)
            # CPython asks m for the same flags once this returns, and when m refuses (e.g.
            # PyBUF_F_CONTIGUOUS on C-order items) no __release_buffer__ follows: ask m first,
            # so that a refusal happens here, before the export is counted.
            m.__buffer__(flags).release()
        except BaseException:
            m.release()
            raise
        self.exports += 1
        return m

    def __release_buffer__(self, view):
        self.exports -= 1
        view.release()

    def __repr__(self):
        return '<Pep688Exporter over %s>' % self.what


def make_pep688(*args):
    """make()'s spec as a PEP 688 exporter over the exporter make() builds for it: (exporter,
    'generated pep688 exporter over ...'). Unsupported before CPython 3.12."""
    if not HAVE_PEP688:
        raise Unsupported('PEP 688 needs Python 3.12+ (this is %d.%d)' % sys.version_info[:2])
    inner, what = _make_checked(*args)
    return Pep688Exporter(inner, what), 'generated pep688 exporter over %s' % what


def _layout_text(shape, fortran, readonly, steps):
    parts = ['Fortran order' if fortran and len(shape) > 1 else 'C order']
    if steps is not None and any(k != 1 for k in steps):
        parts.append('steps %s' % (tuple(steps),))
    if readonly:
        parts.append('read-only')
    return ', '.join(parts)


def _make_memoryview(fmt, itemsize, shape, items, steps, readonly=True):
    """memoryview(bytes).cast(fmt, base shape)[::k]: read-only (over a bytearray when not
    readonly), C order, a step on the first dimension only (memoryview slices one dimension), no
    broadcasting, no empty extent (cast refuses zeros in shape). The format must be one
    memoryview.cast takes (a native code)."""
    st = tuple(steps) if steps is not None else (1,) * len(shape)
    if 0 in shape or 0 in st or any(k != 1 for k in st[1:]):
        raise Unsupported('memoryview(bytes) cannot express this layout')
    try:
        probe = memoryview(bytes(itemsize)).cast(fmt)
    except (TypeError, ValueError) as e:
        raise Unsupported('memoryview.cast refuses the format: %s' % e)
    if probe.itemsize != itemsize or probe.format != fmt:
        raise Unsupported('memoryview.cast(%r) has itemsize %d' % (fmt, probe.itemsize))
    base_shape = list(shape)
    if shape:
        base_shape[0] = shape[0] * abs(st[0])
    store = bytearray(_prod(base_shape) * itemsize)
    for pos, idx in enumerate(itertools.product(*[range(n) for n in shape])):
        bidx = list(idx)
        if shape:
            bidx[0] = _base_index(idx[0], st[0], base_shape[0])
        off = _c_offset(bidx, base_shape) * itemsize
        store[off:off + itemsize] = items[pos * itemsize:(pos + 1) * itemsize]
    owner = bytes(store) if readonly else store
    try:
        m = memoryview(owner).cast(fmt, base_shape)
    except (TypeError, ValueError) as e:
        raise Unsupported('memoryview.cast(%r, %r) refused: %s' % (fmt, base_shape, e))
    text = 'memoryview(%s).cast(%r, %r)' % (type(owner).__name__, fmt, base_shape)
    if shape and st[0] != 1:
        m = m[::st[0]]
        text += '[::%d]' % st[0]
    return m, text


def _make(fmt_bytes, itemsize, shape, items, layout, steps, indirect):
    fmt = fmt_bytes.decode('latin-1')
    shape = tuple(shape)
    fortran = bool(layout & 1)
    readonly = bool(layout & 2)
    h = _spec_hash(fmt_bytes, itemsize, shape, items, layout, steps, indirect)
    kind = h % 4
    how = _layout_text(shape, fortran, readonly, steps)
    if indirect is not None and any(indirect):
        if indirect[0] != 1 or any(indirect[1:]):
            raise Unsupported("_testbuffer's ND_PIL makes exactly the first dimension indirect")
        return (_make_testbuffer(fmt, itemsize, shape, items, fortran, readonly, steps, True),
                '_testbuffer.ndarray ND_PIL (%s)' % how)
    if readonly and (not fortran or len(shape) <= 1) and (h >> 4) % 3 == 0:
        try:
            return _make_memoryview(fmt, itemsize, shape, items, steps)
        except Unsupported:
            pass
    plain = steps is None or all(k == 1 for k in steps)
    try:
        if len(shape) > 32:
            raise Unsupported('numpy arrays have at most 32 dimensions')
        dt = _numpy_dtype(fmt, itemsize)
    except Unsupported as e:
        reasons = [str(e)]
        if plain:
            try:
                return (_make_testbuffer(fmt, itemsize, shape, items, fortran, readonly, None,
                                         False),
                        '_testbuffer.ndarray (%s)' % how)
            except Unsupported as e2:
                reasons.append(str(e2))
        if not HAVE_NUMPY and (not fortran or len(shape) <= 1):
            # No numpy in this interpreter: CPython's own memoryview over bytes or a bytearray
            # expresses C order with a step on the first dimension.
            try:
                return _make_memoryview(fmt, itemsize, shape, items, steps, readonly)
            except Unsupported as e3:
                reasons.append(str(e3))
        raise Unsupported('; '.join(reasons))
    if kind == 2 and plain and (not fortran or len(shape) <= 1):
        buf = bytes(items) if readonly else bytearray(items)
        return (np.frombuffer(buf, dtype=dt).reshape(shape),
                'numpy.frombuffer(%s, %s) (%s)' % (type(buf).__name__, dt.str, how))
    if kind == 3 and plain and len(shape) == 1:
        if fmt in _ARRAY_CODES and array.array(fmt).itemsize == itemsize:
            a = array.array(fmt)
            a.frombytes(items)
            if readonly:
                return (memoryview(a).toreadonly(),
                        'memoryview(array.array(%r)).toreadonly()' % fmt)
            return a, 'array.array(%r)' % fmt
    if kind == 3 and plain:
        try:
            return (_make_testbuffer(fmt, itemsize, shape, items, fortran, readonly, None, False),
                    '_testbuffer.ndarray (%s)' % how)
        except Unsupported:
            pass
    obj = _make_numpy(dt, shape, items, fortran, readonly, steps, kind)
    if isinstance(obj, memoryview):
        return obj, 'memoryview(numpy.ndarray %s (%s))' % (dt.str, how)
    return obj, 'numpy.ndarray %s (%s)' % (dt.str, how)


# ---- regions ----

_CTYPES = (ctypes._SimpleCData, ctypes.Array, ctypes.Structure, ctypes.Union, ctypes._Pointer)


def owner(o):
    """The memory o owns: a list of (address, size), another object to ask (its base), or
    None when the object cannot be introspected."""
    if isinstance(o, Pep688Exporter):
        return o.inner  # its buffers are memoryviews of it: the memory is the inner exporter's
    if isinstance(o, np.ndarray):
        if o.base is None:
            return [(o.__array_interface__['data'][0], o.nbytes)]
        return o.base
    if isinstance(o, stride_tricks.DummyArray):
        return o.base
    if isinstance(o, array.array):
        address, n = o.buffer_info()
        return [(address, n * o.itemsize)]
    if isinstance(o, _CTYPES):
        return [(ctypes.addressof(o), ctypes.sizeof(o))]
    if isinstance(o, mmap.mmap):
        try:
            return [(ctypes.addressof(ctypes.c_char.from_buffer(o)), len(o))]
        except (TypeError, ValueError):
            # A read-only map (ctypes wants a writable buffer): its mapping of the file, found
            # in /proc/self/maps by the file's device and inode.
            return _file_map_region(o)
    return None


# Read-only file maps made by enumerate: id(map) -> (device, inode) of the file it maps.
_FILE_MAPS = {}


def _track_file_map(m, st):
    _FILE_MAPS[id(m)] = (st.st_dev, st.st_ino)
    weakref.finalize(m, _FILE_MAPS.pop, id(m), None)


def _file_map_region(m):
    key = _FILE_MAPS.get(id(m))
    if key is None:
        return None
    dev, ino = key
    with open('/proc/self/maps') as f:
        for line in f:
            parts = line.split()
            if len(parts) < 5 or int(parts[4]) != ino or int(parts[2], 16) != 0:
                continue
            major, minor = (int(x, 16) for x in parts[3].split(':'))
            if os.makedev(major, minor) != dev:
                continue
            start, end = (int(x, 16) for x in parts[0].split('-'))
            if end - start >= len(m):
                return [(start, len(m))]
    return None


# ---- resize ----

# Exporters whose memory belongs to an object only the user holds (BytesIO.getbuffer()'s view:
# its BytesIO): id(exporter) -> that object.
_RESIZE_OWNERS = {}


def _resized_by(obj, owner):
    _RESIZE_OWNERS[id(obj)] = owner
    weakref.finalize(obj, _RESIZE_OWNERS.pop, id(obj), None)
    return obj


def resize_plan(o):
    """How a user changes the size of the memory behind o: (callable, args, what). The adapter
    makes the call itself, holding no other reference to the object (numpy's resize counts
    them). Unsupported when no user can resize that memory."""
    root = o
    for _ in range(64):
        if id(root) in _RESIZE_OWNERS:
            root = _RESIZE_OWNERS[id(root)]
        elif isinstance(root, memoryview):
            root = root.obj  # the memoryview is an export of it
        elif isinstance(root, Pep688Exporter):
            root = root.inner  # its buffers are memoryviews of it
        elif isinstance(root, pickle.PickleBuffer):
            with root.raw() as m:
                root = m.obj
        elif isinstance(root, np.ndarray) and root.base is not None:
            if not isinstance(root.base, memoryview):
                raise Unsupported('numpy cannot resize an array that does not own its data')
            root = root.base
        else:
            break
    if isinstance(root, bytearray):
        return root.extend, (bytes(64),), 'bytearray.extend'
    if isinstance(root, array.array):
        return root.frombytes, (bytes(16 * root.itemsize),), 'array.array.frombytes'
    if isinstance(root, io.BytesIO):
        root.seek(0, io.SEEK_END)
        return root.write, (bytes(64),), 'io.BytesIO.write past the end'
    if isinstance(root, mmap.mmap):
        return root.resize, (len(root) + mmap.PAGESIZE,), 'mmap.resize'
    if isinstance(root, _CTYPES):
        return ctypes.resize, (root, 2 * ctypes.sizeof(root) + 64), 'ctypes.resize'
    if isinstance(root, np.ndarray):
        # One element more, so the byte size changes: numpy reallocates only then (and counts the
        # references first); a new shape of the same byte size (a zero-size array) is no resize.
        if root.itemsize == 0:
            raise Unsupported('numpy cannot change the byte size of an array of 0-byte items')
        return root.resize, ((root.size + 1,),), 'numpy.ndarray.resize'
    raise Unsupported('%s cannot be resized' % type(root).__name__)


# ---- enumerate ----

def _x(fmt, shape, items, itemsize=None):
    # Expected contents: format, itemsize (struct's, or given for formats struct cannot read),
    # shape, items.
    return (fmt, struct.calcsize(fmt) if itemsize is None else itemsize, tuple(shape),
            bytes(items))


def _array_u():
    # 'u' (wchar_t) is deprecated since 3.13 (DeprecationWarning when made): made all the same,
    # the warning silenced so that -W error does not turn it into a failure.
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        a = array.array('u', 'abc')
    return a, _x('w', [3], 'abc'.encode('utf-32-le'), 4)


def _mmap():
    m = mmap.mmap(-1, 16)
    m.write(b'0123456789abcdef')
    return m, _x('B', [16], b'0123456789abcdef')


def _bytesio():
    b = io.BytesIO(b'bytesio')
    return _resized_by(b.getbuffer(), b), _x('B', [7], b'bytesio')


def _mmap_read_only():
    with tempfile.TemporaryFile() as f:
        f.write(b'read-only map!\x00\xff')
        f.flush()
        m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        _track_file_map(m, os.fstat(f.fileno()))
    return m, _x('B', [16], b'read-only map!\x00\xff')


def _ctypes_entries():
    c = ctypes

    class S(c.Structure):
        _fields_ = [('a', c.c_char), ('b', c.c_int)]

    class P(c.Structure):
        _pack_ = 1
        _fields_ = [('a', c.c_char), ('b', c.c_int)]

    class BE(c.BigEndianStructure):
        _fields_ = [('a', c.c_short), ('b', c.c_int)]

    class N(c.Structure):
        _fields_ = [('s', S), ('d', c.c_double)]

    class LE(c.LittleEndianStructure):
        _fields_ = [('a', c.c_short), ('b', c.c_int)]

    class U(c.Union):
        _fields_ = [('i', c.c_int), ('d', c.c_double)]

    class Bits(c.Structure):
        _fields_ = [('a', c.c_int, 3), ('b', c.c_int, 5)]

    def pointers():
        x, y = c.c_int(7), c.c_int(-7)  # kept alive by the pointers (their _objects)
        p = (c.POINTER(c.c_int) * 2)(c.pointer(x), c.pointer(y))
        return p, _x('&i', [2], struct.pack('2P', c.addressof(x), c.addressof(y)), 8)

    def pointer():
        target = c.c_double(2.5)
        return c.pointer(target), _x('&d', [], struct.pack('P', c.addressof(target)), 8)

    s_fmt = 'T{c:a:xxxi:b:}'
    return [
        ('ctypes (c_int*4)(1, -2, 3, 2**31-1)',
         lambda: ((c.c_int * 4)(1, -2, 3, 2**31 - 1),
                  _x('i', [4], struct.pack('4i', 1, -2, 3, 2**31 - 1)))),
        ('ctypes (c_double*3)(0.5, -1.0, 1e300)',
         lambda: ((c.c_double * 3)(0.5, -1.0, 1e300),
                  _x('d', [3], struct.pack('3d', 0.5, -1.0, 1e300)))),
        ("ctypes (c_char*5) b'hello'",
         lambda: ((c.c_char * 5).from_buffer_copy(b'hello'), _x('c', [5], b'hello'))),
        ('ctypes (c_short*3)*2 [[1,2,3],[4,5,6]]',
         lambda: (((c.c_short * 3) * 2)((1, 2, 3), (4, 5, 6)),
                  _x('h', [2, 3], struct.pack('6h', 1, 2, 3, 4, 5, 6)))),
        ('ctypes c_int(3) (scalar)', lambda: (c.c_int(3), _x('i', [], struct.pack('i', 3)))),
        ('ctypes (c_bool*2)(True, False)',
         lambda: ((c.c_bool * 2)(True, False), _x('?', [2], b'\x01\x00'))),
        ('ctypes (c_void_p*2)(None, 0x1234)',
         lambda: ((c.c_void_p * 2)(None, 0x1234), _x('P', [2], struct.pack('2P', 0, 0x1234)))),
        ('ctypes (c_longdouble*2)(1.5, -2.0)', lambda: ((c.c_longdouble * 2)(1.5, -2.0), None)),
        ("ctypes Structure {c_char a; c_int b} (b'x', 5)",
         lambda: (S(b'x', 5), _x(s_fmt, [], struct.pack('c3xi', b'x', 5), 8))),
        ("ctypes Structure _pack_=1 {c_char a; c_int b} (b'x', 5)",
         lambda: (P(b'x', 5), _x('T{=c:a:i:b:}', [], struct.pack('=ci', b'x', 5), 5))),
        ('ctypes BigEndianStructure {c_short a; c_int b} (1, 2)',
         lambda: (BE(1, 2), _x('T{>h:a:2x>i:b:}', [], struct.pack('>h2xi', 1, 2), 8))),
        ("ctypes nested Structure {S s; c_double d} ((b'y', -1), 2.5)",
         lambda: (N(S(b'y', -1), 2.5),
                  _x('T{%s:s:d:d:}' % s_fmt, [], struct.pack('c3xid', b'y', -1, 2.5), 16))),
        ("ctypes (S*3) array of structs",
         lambda: ((S * 3)((b'a', 1), (b'b', -2), (b'c', 3)),
                  _x(s_fmt, [3], struct.pack('c3xic3xic3xi', b'a', 1, b'b', -2, b'c', 3), 8))),
        ('ctypes LittleEndianStructure {c_short a; c_int b} (1, 2)',
         lambda: (LE(1, 2), _x('T{<h:a:2x<i:b:}', [], struct.pack('<h2xi', 1, 2), 8))),
        ('ctypes Union {c_int i; c_double d} (d=1.5)', lambda: (U(d=1.5), None)),
        ('ctypes bit-field Structure {c_int a:3; c_int b:5} (1, 2)',
         lambda: (Bits(1, 2), None)),
        ("ctypes (c_wchar*3)('a', 'b', 'c')",
         lambda: ((c.c_wchar * 3)('a', 'b', 'c'), _x('w', [3], 'abc'.encode('utf-32-le'), 4))),
        ("ctypes (c_char_p*2)(b'x', None)", lambda: ((c.c_char_p * 2)(b'x', None), None)),
        ('ctypes (POINTER(c_int)*2) (pointers to 7, -7)', pointers),
        ('ctypes pointer(c_double(2.5))', pointer),
    ]


def _numpy_entries():
    e = []

    def num(desc, make, expected):
        e.append((desc, lambda: (make(), expected)))

    num('numpy bool [True, False, True]', lambda: np.array([True, False, True]),
        _x('?', [3], b'\x01\x00\x01'))
    ints = [('b', 'i1', [-128, 0, 127]), ('B', 'u1', [0, 200, 255]),
            ('h', '<i2', [-32768, 1, 32767]), ('H', '<u2', [0, 65535]),
            ('i', '<i4', [-2**31, 5, 2**31 - 1]), ('I', '<u4', [0, 2**32 - 1]),
            ('q', '<i8', [-2**63, 9, 2**63 - 1]), ('Q', '<u8', [0, 2**64 - 1]),
            ('e', '<f2', [1.0, -2.0, 65504.0]), ('f', '<f4', [0.5, -1.25, float('inf')]),
            ('d', '<f8', [0.1, -0.0, 1e300])]
    for code, dtype, vals in ints:
        num('numpy %s %r' % (dtype, vals), lambda dtype=dtype, vals=vals: np.array(vals, dtype),
            _x(code, [len(vals)], struct.pack('%d%s' % (len(vals), code), *vals)))
    # x87 80-bit extended in 16 bytes: 64-bit mantissa (explicit integer bit), sign+exponent,
    # 6 bytes of padding (not significant: bufconf's 'g' masks them).
    def x87(mantissa, sign_exponent):
        return struct.pack('<QH6x', mantissa, sign_exponent)

    one_half, minus_two = x87(0xC000000000000000, 0x3FFF), x87(0x8000000000000000, 0xC000)
    num('numpy longdouble [1.5, -2.0]', lambda: np.array([1.5, -2.0], np.longdouble),
        _x('g', [2], one_half + minus_two, 16))
    num('numpy complex64 [1+2j, 3-4j]', lambda: np.array([1 + 2j, 3 - 4j], np.complex64),
        _x('Zf', [2], struct.pack('4f', 1, 2, 3, -4), 8))
    num('numpy complex128 [0.5-1j]', lambda: np.array([0.5 - 1j], np.complex128),
        _x('Zd', [1], struct.pack('2d', 0.5, -1), 16))
    num('numpy clongdouble [1.5-2j]', lambda: np.array([1.5 - 2j], np.clongdouble),
        _x('Zg', [1], one_half + minus_two, 32))
    num("numpy S5 [b'hello', b'ab']", lambda: np.array([b'hello', b'ab'], 'S5'),
        _x('5s', [2], b'helloab\0\0\0'))
    num("numpy U3 ['abc', 'd']", lambda: np.array(['abc', 'd'], 'U3'),
        _x('3w', [2], 'abcd\0\0'.encode('utf-32-le'), 12))
    # numpy exports raw void items as pad bytes ('4x'): the view has no values to compare.
    num("numpy V4 [b'\\x01\\x02\\x03\\x04', b'abcd']",
        lambda: np.array([b'\x01\x02\x03\x04', b'abcd'], 'V4'), _x('4x', [2], b'\x01\x02\x03\x04abcd'))
    # dtype('c') is numpy's S1: exported as '1s' (one bytes item, as a 'c' field would be).
    num("numpy dtype('c') [b'a', b'z'] (S1)", lambda: np.array([b'a', b'z'], 'c'),
        _x('1s', [2], b'az'))
    # datetime64 / timedelta64: no PEP 3118 code; numpy refuses every request with
    # PyBUF_FORMAT (ValueError, not BufferError) and grants the others.
    num("numpy datetime64[D] ['1970-01-02', '2000-01-01']",
        lambda: np.array(['1970-01-02', '2000-01-01'], 'M8[D]'), None)
    num('numpy timedelta64[ms] [1, -2]', lambda: np.array([1, -2], 'm8[ms]'), None)

    def structured(align):
        a = np.zeros(2, np.dtype([('a', 'u1'), ('b', '<i4')], align=align))
        a['a'] = [1, 255]
        a['b'] = [-5, 7]
        return a

    num('numpy structured aligned {u1 a; i4 b}', lambda: structured(True),
        _x('T{B:a:xxxi:b:}', [2], struct.pack('B3xiB3xi', 1, -5, 255, 7), 8))
    num('numpy structured packed {u1 a; i4 b}', lambda: structured(False),
        _x('T{=B:a:i:b:}', [2], struct.pack('=BiBi', 1, -5, 255, 7), 5))

    def subarray():
        a = np.zeros(2, [('x', '<i4', (2,))])
        a['x'] = [[1, 2], [3, 4]]
        return a

    num('numpy sub-array dtype {i4 x[2]}', subarray,
        _x('T{(2)i:x:}', [2], struct.pack('4i', 1, 2, 3, 4), 8))
    num('numpy arange(6, i4).reshape(2,3).T (transpose)',
        lambda: np.arange(6, dtype='<i4').reshape(2, 3).T,
        _x('i', [3, 2], struct.pack('6i', 0, 3, 1, 4, 2, 5)))
    num('numpy arange(24, i2).reshape(2,3,4).transpose(2,0,1)',
        lambda: np.arange(24, dtype='<i2').reshape(2, 3, 4).transpose(2, 0, 1),
        _x('h', [4, 2, 3], struct.pack('24h', *[i + 12 * j + 4 * k for i in range(4)
                                                for j in range(2) for k in range(3)])))
    num('numpy arange(10, i2)[::-3]', lambda: np.arange(10, dtype='<i2')[::-3],
        _x('h', [4], struct.pack('4h', 9, 6, 3, 0)))
    num('numpy arange(20, i4).reshape(4,5)[::-2, 1::2]',
        lambda: np.arange(20, dtype='<i4').reshape(4, 5)[::-2, 1::2],
        _x('i', [2, 2], struct.pack('4i', 16, 18, 6, 8)))
    num('numpy broadcast_to([1,2,3], (2,3)) (stride 0, read-only)',
        lambda: np.broadcast_to(np.array([1, 2, 3], '<i4'), (2, 3)),
        _x('i', [2, 3], struct.pack('6i', 1, 2, 3, 1, 2, 3)))
    num('numpy as_strided(zeros(1, f8), (3,), (0,)) writeable',
        lambda: stride_tricks.as_strided(np.full(1, 2.5), (3,), (0,), writeable=True),
        _x('d', [3], struct.pack('3d', 2.5, 2.5, 2.5)))

    def field_b():
        a = structured(False)
        return a['b']

    num("numpy packed structured ['b'] (itemsize 4, stride 5)", field_b,
        _x('i', [2], struct.pack('2i', -5, 7)))
    raw = bytes(range(16))
    num('numpy ndarray((3,), i4, buffer=bytes(range(16)), offset=1, strides=(3,)) (unaligned)',
        lambda: np.ndarray((3,), '<i4', buffer=raw, offset=1, strides=(3,)),
        _x('i', [3], raw[1:5] + raw[4:8] + raw[7:11]))

    def readonly():
        a = np.arange(4.0)
        a.flags.writeable = False
        return a

    num('numpy arange(4.0) read-only', readonly, _x('d', [4], struct.pack('4d', 0, 1, 2, 3)))
    num('numpy array(7, i8) (0-d)', lambda: np.array(7, '<i8'), _x('q', [], struct.pack('q', 7)))
    num('numpy 0-d structured aligned', lambda: structured(True)[1:2].reshape(()),
        _x('T{B:a:xxxi:b:}', [], struct.pack('B3xi', 255, 7), 8))
    num('numpy empty((0,3), f8)', lambda: np.empty((0, 3), '<f8'), _x('d', [0, 3], b''))
    num('numpy zeros((2,0,3), u1)', lambda: np.zeros((2, 0, 3), 'u1'), _x('B', [2, 0, 3], b''))
    num('numpy asfortranarray(arange(6, i4).reshape(2,3))',
        lambda: np.asfortranarray(np.arange(6, dtype='<i4').reshape(2, 3)),
        _x('i', [2, 3], struct.pack('6i', *range(6))))
    num('numpy arange(6, >i4) (big-endian)', lambda: np.arange(6, dtype='>i4'),
        _x('>i', [6], struct.pack('>6i', *range(6))))
    num('memoryview(numpy arange(6, f4).reshape(3,2))',
        lambda: memoryview(np.arange(6, dtype='<f4').reshape(3, 2)),
        _x('f', [3, 2], struct.pack('6f', *range(6))))
    num("numpy frombuffer(b'abcd', u1) (read-only, base bytes)",
        lambda: np.frombuffer(b'abcd', np.uint8), _x('B', [4], b'abcd'))
    return e


def _stdlib_entries():
    e = [
        ("bytes b'bufconf'", lambda: (b'bufconf', _x('B', [7], b'bufconf'))),
        ("bytes b'' (empty)", lambda: (b'', _x('B', [0], b''))),
        ("bytearray(b'\\x00\\x01\\xfe\\xff')",
         lambda: (bytearray(b'\x00\x01\xfe\xff'), _x('B', [4], b'\x00\x01\xfe\xff'))),
        ('bytearray() (empty)', lambda: (bytearray(), _x('B', [0], b''))),
    ]
    values = {'b': [-128, -1, 0, 127], 'B': [0, 1, 255], 'h': [-32768, 2, 32767],
              'H': [0, 65535], 'i': [-2**31, 7, 2**31 - 1], 'I': [0, 2**32 - 1],
              'l': [-2**63, 5, 2**63 - 1], 'L': [0, 2**64 - 1], 'q': [-2**63, 1, 2**63 - 1],
              'Q': [0, 2**64 - 1, 3], 'f': [1.5, -0.0, float('inf')],
              'd': [0.1, -2.5, float('nan')]}
    for tc, vals in values.items():
        e.append(('array.array(%r, %r)' % (tc, vals),
                  lambda tc=tc, vals=vals: (array.array(tc, vals),
                                            _x(tc, [len(vals)],
                                               struct.pack('%d%s' % (len(vals), tc), *vals)))))
    if sys.version_info >= (3, 13):
        # 3.13's new typecode: Py_UCS4, exported as 'w'.
        e.append(("array.array('w', 'abc')",
                  lambda: (array.array('w', 'abc'), _x('w', [3], 'abc'.encode('utf-32-le'), 4))))
    e += [
        ("array.array('u', 'abc')", _array_u),
        ("array.array('d') (empty)", lambda: (array.array('d'), _x('d', [0], b''))),
        ("array.array('B') (empty)", lambda: (array.array('B'), _x('B', [0], b''))),
        ("memoryview(b'abcdefgh')[::2]",
         lambda: (memoryview(b'abcdefgh')[::2], _x('B', [4], b'aceg'))),
        ("memoryview(b'abcdefgh')[::-1]",
         lambda: (memoryview(b'abcdefgh')[::-1], _x('B', [8], b'hgfedcba'))),
        ("memoryview(b'abcdefgh')[1:1]", lambda: (memoryview(b'abcdefgh')[1:1], _x('B', [0], b''))),
        ("memoryview(<16 bytes>).cast('I')",
         lambda: (memoryview(struct.pack('4I', 1, 2, 3, 2**32 - 1)).cast('I'),
                  _x('I', [4], struct.pack('4I', 1, 2, 3, 2**32 - 1)))),
        ("memoryview(b'abcdef').cast('B', shape=[2, 3])",
         lambda: (memoryview(b'abcdef').cast('B', shape=[2, 3]), _x('B', [2, 3], b'abcdef'))),
        ("memoryview(bytearray(b'xyz')).toreadonly()",
         lambda: (memoryview(bytearray(b'xyz')).toreadonly(), _x('B', [3], b'xyz'))),
        ("memoryview(bytearray(<6 h>)).cast('h')[::-2]",
         lambda: (memoryview(bytearray(struct.pack('6h', 1, 2, 3, 4, 5, 6))).cast('h')[::-2],
                  _x('h', [3], struct.pack('3h', 6, 4, 2)))),
        ("memoryview(bytes(range(24))).cast('i')[::-2]",
         lambda: (memoryview(bytes(range(24))).cast('i')[::-2],
                  _x('i', [3], bytes(range(20, 24)) + bytes(range(12, 16)) +
                     bytes(range(4, 8))))),
        ("memoryview(bytes(range(24))).cast('B', [2, 3, 4])",
         lambda: (memoryview(bytes(range(24))).cast('B', [2, 3, 4]),
                  _x('B', [2, 3, 4], bytes(range(24))))),
        ("memoryview(bytes(range(24))).cast('h', [3, 4])[::-2]",
         lambda: (memoryview(bytes(range(24))).cast('h', [3, 4])[::-2],
                  _x('h', [2, 4], bytes(range(16, 24)) + bytes(range(0, 8))))),
        ("memoryview(bytes(range(8))).cast('Q', []) (0-d)",
         lambda: (memoryview(bytes(range(8))).cast('Q', []), _x('Q', [], bytes(range(8))))),
        ("memoryview(bytes(range(16)))[3:13:3] (read-only slice)",
         lambda: (memoryview(bytes(range(16)))[3:13:3], _x('B', [4], bytes([3, 6, 9, 12])))),
        ('mmap.mmap(-1, 16) (anonymous)', _mmap),
        ('mmap.mmap(<16-byte temp file>, 0, access=ACCESS_READ) (read-only)', _mmap_read_only),
        ("pickle.PickleBuffer(bytearray(b'pickle'))",
         lambda: (pickle.PickleBuffer(bytearray(b'pickle')), _x('B', [6], b'pickle'))),
        ("pickle.PickleBuffer(b'frozen') (read-only)",
         lambda: (pickle.PickleBuffer(b'frozen'), _x('B', [6], b'frozen'))),
        ("io.BytesIO(b'bytesio').getbuffer()", _bytesio),
    ]
    return e


def _testbuffer_entries():
    return [
        ("_testbuffer.ndarray(range(12), shape=[3,4], format='i', ND_WRITABLE)",
         lambda: (tb.ndarray(list(range(12)), shape=[3, 4], format='i', flags=tb.ND_WRITABLE),
                  _x('i', [3, 4], struct.pack('12i', *range(12))))),
        ("_testbuffer.ndarray(range(6), shape=[2,3], format='h', ND_FORTRAN)",
         lambda: (tb.ndarray(list(range(6)), shape=[2, 3], format='h', flags=tb.ND_FORTRAN),
                  _x('h', [2, 3], struct.pack('6h', 0, 2, 4, 1, 3, 5)))),
        ("_testbuffer.ndarray(range(6), shape=[2,3], format='B', ND_PIL)",
         lambda: (tb.ndarray(list(range(6)), shape=[2, 3], format='B', flags=tb.ND_PIL),
                  _x('B', [2, 3], bytes(range(6))))),
        ("_testbuffer.ndarray(range(12), shape=[3,4], format='i', ND_WRITABLE)[::2, ::-1]",
         lambda: (tb.ndarray(list(range(12)), shape=[3, 4], format='i',
                             flags=tb.ND_WRITABLE)[::2, ::-1],
                  _x('i', [2, 4], struct.pack('8i', 3, 2, 1, 0, 11, 10, 9, 8)))),
        ("_testbuffer.ndarray(range(12), shape=[3,4], format='i', ND_PIL)[::-1, 1:3]",
         lambda: (tb.ndarray(list(range(12)), shape=[3, 4], format='i', flags=tb.ND_PIL)[::-1, 1:3],
                  _x('i', [3, 2], struct.pack('6i', 9, 10, 5, 6, 1, 2)))),
        ("_testbuffer.ndarray(7, shape=[], format='q') (0-d)",
         lambda: (tb.ndarray(7, shape=[], format='q'), _x('q', [], struct.pack('q', 7)))),
        ("_testbuffer.ndarray([(1, 2.5), (-3, 0.25)], shape=[2], format='hd')",
         lambda: (tb.ndarray([(1, 2.5), (-3, 0.25)], shape=[2], format='hd'),
                  _x('hd', [2], struct.pack('hdhd', 1, 2.5, -3, 0.25)))),
        ("_testbuffer.ndarray(range(12), shape=[3,4], format='i', ND_WRITABLE|ND_VAREXPORT)",
         lambda: (tb.ndarray(list(range(12)), shape=[3, 4], format='i',
                             flags=tb.ND_WRITABLE | tb.ND_VAREXPORT),
                  _x('i', [3, 4], struct.pack('12i', *range(12))))),
        ("_testbuffer.ndarray(<ndarray range(6), 'h'>, ND_REDIRECT)",
         lambda: (tb.ndarray(tb.ndarray(list(range(6)), shape=[6], format='h',
                                        flags=tb.ND_WRITABLE), flags=tb.ND_REDIRECT),
                  _x('h', [6], struct.pack('6h', *range(6))))),
        ("_testbuffer.ndarray(range(4), shape=[4], format='B', ND_GETBUF_FAIL) "
         "(refuses every request)",
         lambda: (tb.ndarray(list(range(4)), shape=[4], format='B', flags=tb.ND_GETBUF_FAIL),
                  None)),
    ]


def _pep688_entries():
    """Pure-Python exporters (PEP 688, CPython 3.12+) over CPython's own exporters."""
    def pep(inner, what):
        return Pep688Exporter(inner, what)

    return [
        ("pep688 exporter over bytearray(b'pep688')",
         lambda: (pep(bytearray(b'pep688'), "bytearray(b'pep688')"), _x('B', [6], b'pep688'))),
        ("pep688 exporter over bytes b'frozen' (read-only)",
         lambda: (pep(b'frozen', "b'frozen'"), _x('B', [6], b'frozen'))),
        ("pep688 exporter over array.array('d', [0.5, -1.0])",
         lambda: (pep(array.array('d', [0.5, -1.0]), "array.array('d')"),
                  _x('d', [2], struct.pack('2d', 0.5, -1.0)))),
        ("pep688 exporter over memoryview(bytes(range(24))).cast('h', [3, 4])[::-2]",
         lambda: (pep(memoryview(bytes(range(24))).cast('h', [3, 4])[::-2], 'a 2x4 view'),
                  _x('h', [2, 4], bytes(range(16, 24)) + bytes(range(0, 8))))),
    ]


# What this interpreter can make: numpy, _testbuffer and PEP 688 entries only where they exist
# (missing() says what was left out).
ENTRIES = (_stdlib_entries() + _ctypes_entries() +
           (_testbuffer_entries() if HAVE_TESTBUFFER else []) +
           (_numpy_entries() if HAVE_NUMPY else []) +
           (_pep688_entries() if HAVE_PEP688 else []))


def enumerate_exporter(index):
    """(exporter, description, expected or None, extra or None), or None past the end. expected
    is (format, itemsize, shape, items). With a factory (load_factory), its objects only; extra
    is then the entry's dict of 'skip', 'memory', 'owner', 'memory_readonly' and 'note'
    (_factory_entry)."""
    if FACTORY is not None:
        if index == len(FACTORY) and FACTORY_MORE is not None:
            # More objects than the limit: this index says so (skipped, never judged).
            return None, FACTORY_MORE, None, {'skip': FACTORY_MORE, 'memory': None,
                                              'owner': None, 'memory_readonly': None,
                                              'note': None}
        if index >= len(FACTORY):
            return None
        description, obj, expected, extra = FACTORY[index]
        return obj, description, expected, extra
    if index >= len(ENTRIES):
        return None
    description, build = ENTRIES[index]
    obj, expected = build()
    return obj, description, expected, None


# ---- the factory plug-in (BUFCONF_PYTHON_FACTORY=package.module:callable) ----

class FactoryError(Exception):
    """The factory cannot be used; the message says why."""


class _Skip(Exception):
    """One entry of the factory's list cannot be judged; the message says why. The entry is
    enumerated as skipped (BUFCONF_SKIPPED) and the others are judged."""


# [(description, object, expected or None, extra)] once load_factory succeeded
FACTORY = None
# Why the factory's list was cut at the object limit (then enumerate says so at that index), or
# None: it gave no more objects than the limit.
FACTORY_MORE = None

# The keys of a dict entry.
_ENTRY_KEYS = ('object', 'description', 'expected', 'memory', 'memory_readonly')

# The most memory one entry may declare (the suite copies the declared memory to judge it).
_MAX_DECLARED = 256 << 20


def _user_traceback(e):
    # The exception with its traceback, without this module's frames.
    tb_ = e.__traceback__
    while tb_ is not None and tb_.tb_frame.f_globals.get('__name__') == __name__:
        tb_ = tb_.tb_next
    te = traceback.TracebackException(type(e), e, tb_)
    # importlib's own frames say nothing about the user's module
    te.stack = traceback.StackSummary.from_list(
        [f for f in te.stack if not f.filename.startswith('<frozen importlib')])
    return ''.join(te.format()).rstrip()


def _factory_expected(x):
    """expected as (format, itemsize, shape, items), from a dict or a bytes-like object. Raises
    _Skip when it is malformed."""
    if x is None:
        return None
    if isinstance(x, dict):
        unknown = sorted(set(map(str, x)) - {'format', 'shape', 'items', 'itemsize'})
        if unknown:
            raise _Skip('unknown keys %s in the expected dict (keys: format, shape, items, and '
                        'optionally itemsize)' % unknown)
        missing = [k for k in ('format', 'shape', 'items') if k not in x]
        if missing:
            raise _Skip('the expected dict lacks %s' % missing)
        fmt = x['format']
        if isinstance(fmt, (bytes, bytearray)):
            fmt = bytes(fmt).decode('latin-1')
        if not isinstance(fmt, str) or not fmt or '\0' in fmt:
            raise _Skip('expected format must be a non-empty str, not %r' % (fmt,))
        try:
            shape = tuple(operator.index(n) for n in x['shape'])
        except TypeError:
            raise _Skip('expected shape must be a tuple of ints, not %r' % (x['shape'],)) from None
        if len(shape) > 64 or any(n < 0 for n in shape):
            raise _Skip('expected shape %r: at most 64 extents, each >= 0' % (shape,))
        try:
            items = memoryview(x['items']).tobytes()
        except TypeError:
            raise _Skip('expected items must be bytes (C-order item bytes), not %s'
                        % type(x['items']).__name__) from None
        count = _prod(shape)
        if 'itemsize' in x:
            try:
                itemsize = operator.index(x['itemsize'])
            except TypeError:
                raise _Skip('expected itemsize must be an int') from None
        elif count > 0:
            itemsize = len(items) // count
        else:
            try:
                itemsize = struct.calcsize(fmt)
            except (struct.error, TypeError):
                raise _Skip('an empty expected array whose format struct cannot size needs an '
                            'explicit itemsize') from None
        if itemsize < 0 or len(items) != count * itemsize:
            raise _Skip('expected items are %d bytes, not product(shape %r) x itemsize %d'
                        % (len(items), shape, itemsize))
        return fmt, itemsize, shape, items
    try:
        m = memoryview(x)
    except TypeError:
        raise _Skip('expected must be None, a dict {"format", "shape", "items"} or a bytes-like '
                    'object (e.g. a memoryview), not %s' % type(x).__name__) from None
    with m:
        return m.format, m.itemsize, tuple(m.shape), m.tobytes()


def _factory_memory(memory):
    """A declaration of the memory an object owns: a list of (address, size) pairs (checked
    here), or an owner object whose buffer is that memory (the adapter reads its address and
    length when the entry is enumerated). Returns (pairs or None, owner or None)."""
    if not isinstance(memory, (list, tuple)):
        return None, memory
    pairs = []
    total = 0
    for k, pair in enumerate(memory):
        try:
            address, size = (operator.index(v) for v in pair)
        except (TypeError, ValueError):
            raise _Skip('memory[%d] is %r, not an (address: int, size: int) pair (memory is a '
                        'list of such pairs, or an object whose buffer is the memory)'
                        % (k, pair)) from None
        if size < 0:
            raise _Skip('memory[%d] has size %d < 0' % (k, size))
        if address < 0 or address + size > 1 << 64:
            raise _Skip('memory[%d] (0x%x, %d) is not in the address space' % (k, address, size))
        if address == 0 and size > 0:
            raise _Skip('memory[%d] declares %d bytes at address NULL' % (k, size))
        total += size
        if total > _MAX_DECLARED:
            raise _Skip('memory declares more than 256 MiB')
        pairs.append((address, size))
    return pairs, None


def _type_name(o):
    t = type(o)
    return t.__qualname__ if t.__module__ == 'builtins' else '%s.%s' % (t.__module__,
                                                                       t.__qualname__)


def _cpython_exporter(o):
    """Whether o is an exporter CPython itself implements (a memoryview over it re-exports
    CPython's code all the same)."""
    return (type(o) in (bytes, bytearray, memoryview, array.array, mmap.mmap, pickle.PickleBuffer,
                        tb.ndarray) or type(o).__module__ == '_io' or isinstance(o, _CTYPES))


def _memoryview_note(obj):
    """A memoryview entry over a third party's object judges CPython's memoryview (it re-exports
    the buffer it got once, when it was made), not the object's bf_getbuffer: say so."""
    if not isinstance(obj, memoryview):
        return None
    try:
        under = obj.obj
    except ValueError:  # released: every request fails, the report says so
        return None
    if under is None or _cpython_exporter(under):
        return None
    return ("a memoryview: CPython's memoryview is judged, not the %s under it"
            % _type_name(under))


def _factory_entry(spec, i, entry):
    """One entry as (description, object, expected, extra): extra is a dict with 'skip' (why
    the entry cannot be judged, or None), 'memory' ((address, size) pairs) or 'owner' (an object
    whose buffer is the memory), 'memory_readonly' (True/False, or None: the owner's buffer
    says) and 'note'."""
    description = '%s[%d] %s' % (spec, i, _type_name(entry))
    extra = {'skip': None, 'memory': None, 'owner': None, 'memory_readonly': None, 'note': None}
    obj = expected = None
    try:
        if isinstance(entry, tuple):
            if len(entry) not in (2, 3):
                raise _Skip('a tuple of %d items; expected (description: str, object) or '
                            '(description: str, object, expected)' % len(entry))
            if not isinstance(entry[0], str):
                raise _Skip('the tuple\'s description is a %s, not a str'
                            % type(entry[0]).__name__)
            description, obj = entry[0].replace('\0', ' '), entry[1]
            if len(entry) == 3:
                expected = _factory_expected(entry[2])
        elif isinstance(entry, dict):
            keys = [k for k in entry if k not in _ENTRY_KEYS]
            if keys:
                raise _Skip('unknown keys %r in the entry dict (keys: object, and optionally '
                            'description, expected, memory, memory_readonly)' % keys)
            if 'object' not in entry:
                raise _Skip('the entry dict has no "object"')
            obj = entry['object']
            description = '%s[%d] %s' % (spec, i, _type_name(obj))
            if 'description' in entry:
                if not isinstance(entry['description'], str):
                    raise _Skip('the entry\'s description is a %s, not a str'
                                % type(entry['description']).__name__)
                description = entry['description'].replace('\0', ' ')
            expected = _factory_expected(entry.get('expected'))
            if 'memory' in entry:
                extra['memory'], extra['owner'] = _factory_memory(entry['memory'])
                if extra['memory'] is not None:
                    extra['memory_readonly'] = False
            if 'memory_readonly' in entry:
                readonly = entry['memory_readonly']
                if not isinstance(readonly, bool):
                    raise _Skip('memory_readonly is a %s, not a bool' % type(readonly).__name__)
                if 'memory' not in entry:
                    raise _Skip('memory_readonly without memory')
                extra['memory_readonly'] = readonly
        else:
            obj = entry
        extra['note'] = _memoryview_note(obj)
    except Exception as e:
        # _Skip, or the entry's own code raising while it is read (e.g. an expected object's
        # buffer): this entry cannot be judged, the others can.
        why = str(e) if isinstance(e, _Skip) else 'reading the entry raised %s: %s' % (
            type(e).__name__, e)
        if len(description) > 120:
            description = description[:117] + '...'
        extra['skip'] = '%s: skipped: %s' % (description, why)
    return description, obj, expected, extra


class _FactoryTimeout(BaseException):
    """The factory's time limit passed (a BaseException: the user's `except Exception` does not
    swallow it)."""


def load_factory(spec, cwd, path, max_objects=10000, timeout=20.0):
    """Imports package.module, calls its callable once and keeps the exporters it returns:
    objects, (description, object), (description, object, expected) or dicts
    {"object", "description", "expected", "memory", "memory_readonly"}. An entry that cannot be
    judged is kept as skipped, with the reason. At most max_objects are taken (one more is asked
    for, to tell that there are more: an infinite generator is never run to its end), and
    importing, calling and iterating must end within `timeout` seconds (SIGALRM interrupts
    Python code; the adapter's watchdog ends what does not stop). Raises FactoryError when the
    factory as a whole cannot be used."""
    stage = ['importing the module']

    def on_alarm(signum, frame):
        raise _FactoryTimeout()

    try:
        previous = signal.signal(signal.SIGALRM, on_alarm)
    except ValueError:  # not the main thread: the watchdog alone limits it
        previous = None
    else:
        signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        return _load_factory(spec, cwd, path, max_objects, stage)
    except _FactoryTimeout:
        raise FactoryError('%s did not finish within %g s (--timeout), while %s'
                           % (spec, timeout, stage[0])) from None
    finally:
        if previous is not None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)


def _load_factory(spec, cwd, path, max_objects, stage):
    global FACTORY, FACTORY_MORE
    module_name, _, attr = spec.partition(':')
    if (not module_name or not attr or
            not all(p.isidentifier() for p in module_name.split('.') + attr.split('.'))):
        raise FactoryError("%r is not of the form package.module:callable" % spec)
    dirs = [cwd] + [d if os.path.isabs(d) else os.path.join(cwd, d)
                    for d in path.split(':') if d]
    sys.path[:0] = dirs
    try:
        module = importlib.import_module(module_name)
    except Exception as e:
        raise FactoryError('cannot import module %r (sys.path starts with %s):\n%s'
                           % (module_name, dirs, _user_traceback(e))) from None
    fn = module
    for part in attr.split('.'):
        try:
            fn = getattr(fn, part)
        except AttributeError:
            raise FactoryError('module %r (%s) has no attribute %r'
                               % (module_name, getattr(module, '__file__', '?'), attr)) from None
    if not callable(fn):
        raise FactoryError('%s is a %s, not a callable' % (spec, type(fn).__name__))
    stage[0] = 'calling it'
    try:
        result = fn()
    except Exception as e:
        raise FactoryError('%s() raised:\n%s' % (spec, _user_traceback(e))) from None
    if isinstance(result, (str, bytes, bytearray, memoryview, dict)) or result is None:
        raise FactoryError('%s() returned %s; it must return an iterable (e.g. a list) of '
                           'objects, (description, object), (description, object, expected) '
                           'or dicts {"object": ...}' % (spec, type(result).__name__))
    try:
        it = iter(result)
    except TypeError:
        raise FactoryError('%s() returned %s, which is not iterable'
                           % (spec, type(result).__name__)) from None
    entries = []
    more = False
    try:
        # One more than the limit, and no further: an endless generator is not run to its end.
        stage[0] = 'iterating what it returned (0 objects so far)'
        for i, entry in enumerate(itertools.islice(it, max_objects + 1)):
            if i == max_objects:
                more = True
                break
            entries.append(_factory_entry(spec, i, entry))
            stage[0] = 'iterating what it returned (%d objects so far)' % len(entries)
    except Exception as e:
        raise FactoryError('iterating over what %s() returned raised:\n%s'
                           % (spec, _user_traceback(e))) from None
    if not entries:
        raise FactoryError('%s() returned no objects' % spec)
    FACTORY = entries
    FACTORY_MORE = None
    if more:
        FACTORY_MORE = ('%s() returned more than %d objects: the ones after the first %d were '
                        'not taken (--max-objects)' % (spec, max_objects, max_objects))
    return entries
