"""helper.py on its own, in whatever CPython runs this file (3.8 to 3.13; helper_test.sh runs it
under every one it finds): make() builds exporters that export exactly the items they are given,
enumerate_exporter() lists what the interpreter has and missing() says what it lacks, owner() and
resize_plan() find the memory and the way to resize it, load_factory() follows the contract of
docs/python-factory.md, and PEP 688 exporters exist on 3.12+ only.

    python3 helper_test.py [--helper PATH/helper.py] [--factories PATH/factories.py] [unittest args]

No bufconf binary: the helper is imported from its path, as a plain module."""
import array
import ctypes
import importlib.util
import io
import itertools
import mmap
import os
import struct
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
HELPER = os.path.join(HERE, 'helper.py')
FACTORIES = os.path.join(HERE, 'testdata', 'factories.py')


def _take_path_args():
    # --helper/--factories PATH: the files to test (the sh_test passes their runfiles paths).
    global HELPER, FACTORIES
    rest = [sys.argv[0]]
    args = iter(sys.argv[1:])
    for a in args:
        if a == '--helper':
            HELPER = next(args)
        elif a == '--factories':
            FACTORIES = next(args)
        else:
            rest.append(a)
    sys.argv[:] = rest


def _load_helper():
    spec = importlib.util.spec_from_file_location('_bufconf_python_adapter', HELPER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _importable(name):
    try:
        __import__(name)
        return True
    except Exception:
        return False


H = None  # the helper module (setUpModule)
PY312 = sys.version_info >= (3, 12)
HAVE_NUMPY = _importable('numpy')
HAVE_TESTBUFFER = _importable('_testbuffer')
WRITABLE, FORMAT, ND, STRIDES, FULL_RO = 0x1, 0x4, 0x8, 0x18, 0x11c


def setUpModule():
    global H
    H = _load_helper()


# ---- PyObject_GetBuffer through ctypes: requests with flags memoryview() cannot make ----

class PyBuffer(ctypes.Structure):
    _fields_ = [('buf', ctypes.c_void_p), ('obj', ctypes.c_void_p), ('len', ctypes.c_ssize_t),
                ('itemsize', ctypes.c_ssize_t), ('readonly', ctypes.c_int),
                ('ndim', ctypes.c_int), ('format', ctypes.c_char_p),
                ('shape', ctypes.POINTER(ctypes.c_ssize_t)),
                ('strides', ctypes.POINTER(ctypes.c_ssize_t)),
                ('suboffsets', ctypes.POINTER(ctypes.c_ssize_t)), ('internal', ctypes.c_void_p)]


_api = ctypes.pythonapi
_api.PyObject_GetBuffer.argtypes = [ctypes.py_object, ctypes.POINTER(PyBuffer), ctypes.c_int]
_api.PyObject_GetBuffer.restype = ctypes.c_int
_api.PyBuffer_Release.argtypes = [ctypes.POINTER(PyBuffer)]
_api.PyBuffer_Release.restype = None


class Buffer(object):
    """A buffer got with PyObject_GetBuffer(obj, flags), released on exit (ctypes raises the
    exporter's exception when the request is refused)."""

    def __init__(self, obj, flags):
        self.view = PyBuffer()
        _api.PyObject_GetBuffer(obj, ctypes.byref(self.view), flags)

    def __enter__(self):
        return self.view

    def __exit__(self, *exc):
        _api.PyBuffer_Release(ctypes.byref(self.view))


# ---- the specs make() is asked for ----

def _items(fmt, count):
    """count distinct items of a native single-code format, as bytes, and their values."""
    code = fmt.lstrip('@=<>!')
    values = []
    for i in range(count):
        if code in 'fd':
            values.append(i * 1.5 - 2.0)
        elif code == '?':
            values.append(i % 2 == 1)
        elif code in 'bhilq':
            values.append((i * 37) % 100 - 50)
        else:
            values.append((i * 37) % 200)
    return struct.pack('%s%d%s' % (fmt[0] if fmt[0] in '@=<>!' else '', count, code), *values), \
        values


FORMATS = ['B', 'b', 'h', 'i', 'q', 'd', 'f', '?', '<i', '>h']
SHAPES = [(6,), (2, 3), (2, 2, 2), (), (0,), (3, 0)]
STEPS = {1: [None, (2,), (-1,), (0,)], 2: [None, (1, 2), (-2, 1)], 3: [None]}


def _specs():
    for fmt, shape, layout in itertools.product(FORMATS, SHAPES, range(4)):
        for steps in STEPS.get(len(shape), [None]):
            if steps is not None and len(steps) != len(shape):
                continue
            count = 1
            for n in shape:
                count *= n
            items, values = _items(fmt, count)
            if steps is not None and 0 in steps and count:
                # a step 0 repeats one item (broadcasting): the spec's items are all equal
                itemsize = struct.calcsize(fmt)
                items, values = items[:itemsize] * count, values[:1] * count
            yield fmt, shape, layout, steps, items, values


def _c_order(view):
    # The view's items in C order through tolist (the values, not the bytes).
    def flat(x):
        if isinstance(x, list):
            for y in x:
                for z in flat(y):
                    yield z
        else:
            yield x
    return list(flat(view.tolist()))


class MakeTest(unittest.TestCase):
    def check_exporter(self, obj, fmt, shape, layout, steps, items, values, what):
        itemsize = struct.calcsize(fmt)
        with memoryview(obj) as m:
            self.assertEqual(tuple(m.shape), shape, what)
            self.assertEqual(m.itemsize, itemsize, what)
            # exactly the items given, in C order: the bytes and, decoded, the values
            self.assertEqual(m.tobytes(), items, what)
            self.assertEqual(m.nbytes, len(items), what)
            self.assertEqual(m.readonly, bool(layout & 2), what)
            if m.format == fmt and fmt[0] not in '@=<>!':  # tolist reads native codes only
                self.assertEqual(_c_order(m), values, what)
            if steps is not None and 0 in steps and 0 not in shape and shape[0] > 1:
                self.assertEqual(m.strides[0], 0, what + ': step 0 broadcasts')
            if layout & 1 and len(shape) > 1 and steps is None and 0 not in shape:
                self.assertTrue(m.f_contiguous, what + ': Fortran order')
        if isinstance(obj, H.Pep688Exporter):
            self.assertEqual(obj.exports, 0, what + ': every export released')

    def test_make_exports_exactly_the_items(self):
        made, unsupported, pep688 = 0, [], 0
        for fmt, shape, layout, steps, items, values in _specs():
            args = (fmt.encode(), struct.calcsize(fmt), shape, items, layout, steps, None)
            try:
                obj, what = H.make(*args)
            except H.Unsupported as e:
                unsupported.append('%s %s: %s' % (fmt, shape, e))
                self.assertTrue(str(e), 'Unsupported says why')
                continue
            made += 1
            pep688 += what.startswith('generated pep688')
            with self.subTest(fmt=fmt, shape=shape, layout=layout, steps=steps, what=what):
                self.check_exporter(obj, fmt, shape, layout, steps, items, values, what)
            # the same spec makes the same kind of exporter (a replay gets what the run got)
            self.assertEqual(H.make(*args)[1], what)
        # Without numpy the helper still makes C-order exporters (memoryview, _testbuffer).
        self.assertGreater(made, 300 if HAVE_NUMPY else 150, unsupported[:5])
        if HAVE_NUMPY:
            self.assertLess(len(unsupported), made // 10, unsupported[:10])
        self.assertEqual(pep688 > 0, PY312, 'PEP 688 exporters are made on 3.12+ only')

    def test_unsupported_says_what_is_missing(self):
        # Fortran order with a step: only numpy expresses it.
        items, _ = _items('i', 6)
        args = (b'i', 4, (2, 3), items, 1, (1, 1), None)
        if HAVE_NUMPY:
            return
        with self.assertRaises(H.Unsupported) as cm:
            H._make_checked(b'i', 4, (2, 3), items * 2, 1, (2, 1), None)
        self.assertIn('numpy is not importable', str(cm.exception))
        del args

    def test_indirect_is_testbuffer_pil(self):
        items, values = _items('h', 6)
        args = (b'h', 2, (2, 3), items, 0, None, (1, 0))
        if not HAVE_TESTBUFFER:
            with self.assertRaises(H.Unsupported) as cm:
                H._make_checked(*args)
            self.assertIn('_testbuffer', str(cm.exception))
            return
        obj, what = H._make_checked(*args)
        self.assertIn('ND_PIL', what)
        with memoryview(obj) as m:
            self.assertEqual(len(m.suboffsets), 2)
            self.assertEqual(m.tobytes(), items)
            self.assertEqual(m.tolist(), [values[:3], values[3:]])
        with self.assertRaises(H.Unsupported):
            H._make_checked(b'h', 2, (2, 3), items, 0, None, (0, 1))  # only the first

    def test_make_pep688(self):
        items, values = _items('i', 6)
        args = (b'i', 4, (2, 3), items, 2, None, None)
        if not PY312:
            with self.assertRaises(H.Unsupported) as cm:
                H.make_pep688(*args)
            self.assertIn('PEP 688 needs Python 3.12+', str(cm.exception))
            return
        import collections.abc
        obj, what = H.make_pep688(*args)
        self.assertTrue(what.startswith('generated pep688 exporter over '), what)
        self.assertIsInstance(obj, collections.abc.Buffer)
        with memoryview(obj) as m:
            self.assertEqual(obj.exports, 1)
            self.assertEqual(m.tolist(), [values[:3], values[3:]])
            self.assertTrue(m.readonly)
        self.assertEqual(obj.exports, 0)
        # flags honoured: WRITABLE refused on read-only memory (BufferError), FORMAT and ND
        # filled only when asked
        with self.assertRaises(BufferError):
            Buffer(obj, WRITABLE)
        self.assertEqual(obj.exports, 0)
        with Buffer(obj, 0) as v:
            self.assertIsNone(v.format)
            self.assertFalse(v.shape)
            self.assertEqual(v.len, 24)
            self.assertEqual(obj.exports, 1)
        self.assertEqual(obj.exports, 0)
        with Buffer(obj, FULL_RO) as v:
            self.assertEqual(v.format, b'i')
            self.assertEqual((v.ndim, v.shape[0], v.shape[1]), (2, 2, 3))
        # refused by the memoryview (Fortran order asked of C-order items): refused in
        # __buffer__ itself, so the export is not counted (no __release_buffer__ would follow)
        with self.assertRaises(BufferError):
            Buffer(obj, 0x58)
        self.assertEqual(obj.exports, 0)
        # writable inner memory: WRITABLE granted
        obj, _ = H.make_pep688(b'i', 4, (2, 3), items, 0, None, None)
        with Buffer(obj, WRITABLE | FORMAT | ND) as v:
            self.assertEqual(v.readonly, 0)


class EnumerateTest(unittest.TestCase):
    def entries(self):
        out = []
        for i in itertools.count():
            r = H.enumerate_exporter(i)
            if r is None:
                return out
            out.append(r)

    def test_every_index(self):
        entries = self.entries()
        self.assertEqual(len(entries), len(H.ENTRIES))
        self.assertIsNone(H.enumerate_exporter(len(entries) + 5))
        descriptions = [d for _, d, _, _ in entries]
        self.assertEqual(len(set(descriptions)), len(descriptions), 'descriptions are unique')
        checked = 0
        for obj, description, expected, extra in entries:
            with self.subTest(description):
                self.assertIsNone(extra)
                if 'ND_GETBUF_FAIL' in description:
                    with self.assertRaises(BufferError):
                        memoryview(obj)
                    continue
                if expected is None:
                    # no expected contents: the object grants a plain request (numpy's
                    # datetime64 refuses PyBUF_FORMAT, with ValueError)
                    with Buffer(obj, STRIDES) as v:
                        self.assertGreaterEqual(v.len, 0)
                    continue
                with memoryview(obj) as m:
                    fmt, itemsize, shape, items = expected
                    self.assertEqual(tuple(m.shape), shape)
                    self.assertEqual(m.itemsize, itemsize)
                    self.assertEqual(len(items), m.nbytes)
                    if 'g' not in fmt:  # long double padding bytes are not significant
                        self.assertEqual(m.tobytes(), items)
                    checked += 1
        self.assertGreater(checked, 50)

    def test_what_is_left_out_is_said(self):
        missing = H.missing()
        self.assertIsInstance(missing, list)
        for line in missing:
            self.assertIsInstance(line, str)
        text = '\n'.join(missing)
        descriptions = [d for d, _ in H.ENTRIES]
        self.assertEqual('numpy: not importable' in text, not HAVE_NUMPY)
        self.assertEqual(any(d.startswith('numpy') for d in descriptions), HAVE_NUMPY)
        self.assertEqual('_testbuffer: not importable' in text, not HAVE_TESTBUFFER)
        self.assertEqual(any(d.startswith('_testbuffer') for d in descriptions),
                         HAVE_TESTBUFFER)
        self.assertEqual('PEP 688 exporters: need Python 3.12+' in text, not PY312)
        self.assertEqual(any(d.startswith('pep688') for d in descriptions), PY312)
        if not HAVE_NUMPY:
            self.assertIn('ModuleNotFoundError', text)

    def test_version_dependent_entries(self):
        descriptions = [d for d, _ in H.ENTRIES]
        self.assertEqual("array.array('w', 'abc')" in descriptions, sys.version_info >= (3, 13))
        self.assertEqual(any(m.startswith("array.array('w'): ") for m in H.missing()),
                         sys.version_info < (3, 13))
        self.assertIn("array.array('u', 'abc')", descriptions)


class OwnerTest(unittest.TestCase):
    def test_array(self):
        a = array.array('i', [1, 2, 3])
        address, n = a.buffer_info()
        self.assertEqual(H.owner(a), [(address, 12)])

    def test_ctypes(self):
        c = (ctypes.c_double * 3)(1, 2, 3)
        self.assertEqual(H.owner(c), [(ctypes.addressof(c), 24)])
        s = ctypes.c_int(5)
        self.assertEqual(H.owner(s), [(ctypes.addressof(s), ctypes.sizeof(ctypes.c_int))])

    def test_mmap(self):
        m = mmap.mmap(-1, 64)
        [(address, size)] = H.owner(m)
        self.assertEqual(size, 64)
        m.write(b'owner!')
        self.assertEqual(ctypes.string_at(address, 6), b'owner!')
        del address
        m.close()

    def test_read_only_file_map(self):
        # enumerate's read-only map: found in /proc/self/maps
        obj, _ = dict(H.ENTRIES)['mmap.mmap(<16-byte temp file>, 0, access=ACCESS_READ) '
                                 '(read-only)']()
        [(address, size)] = H.owner(obj)
        self.assertEqual(ctypes.string_at(address, size), obj[:])

    def test_numpy(self):
        if not HAVE_NUMPY:
            return
        import numpy as np
        a = np.arange(6, dtype='<i4')
        self.assertEqual(H.owner(a), [(a.__array_interface__['data'][0], 24)])
        self.assertIs(H.owner(a[::2]), a)

    def test_unknown_is_none(self):
        self.assertIsNone(H.owner(object()))


class ResizeTest(unittest.TestCase):
    def resize(self, obj):
        fn, args, what = H.resize_plan(obj)
        fn(*args)
        return what

    def test_plans(self):
        b = bytearray(b'abc')
        self.assertEqual(self.resize(b), 'bytearray.extend')
        self.assertEqual(len(b), 3 + 64)
        a = array.array('h', [1])
        self.assertEqual(self.resize(a), 'array.array.frombytes')
        self.assertEqual(len(a), 17)
        m = mmap.mmap(-1, 16)
        self.assertEqual(self.resize(m), 'mmap.resize')
        self.assertEqual(len(m), 16 + mmap.PAGESIZE)
        m.close()
        c = (ctypes.c_char * 8)()
        self.assertEqual(self.resize(c), 'ctypes.resize')
        self.assertGreaterEqual(ctypes.sizeof(c), 8)
        view, _ = dict(H.ENTRIES)["io.BytesIO(b'bytesio').getbuffer()"]()
        fn, args, what = H.resize_plan(view)
        self.assertEqual(what, 'io.BytesIO.write past the end')
        with self.assertRaises(BufferError):  # the exported view holds the BytesIO
            fn(*args)
        view.release()
        fn(*args)
        with self.assertRaises(H.Unsupported):
            H.resize_plan(b'bytes')

    def test_through_a_memoryview_refused_while_exported(self):
        b = bytearray(b'abcdef')
        m = memoryview(b)
        fn, args, what = H.resize_plan(m)
        self.assertEqual(what, 'bytearray.extend')
        with self.assertRaises(BufferError):
            fn(*args)
        m.release()
        fn(*args)
        self.assertEqual(len(b), 6 + 64)

    def test_pep688(self):
        if not PY312:
            return
        b = bytearray(b'pep')
        obj = H.Pep688Exporter(b, 'b')
        fn, args, what = H.resize_plan(obj)
        self.assertEqual(what, 'bytearray.extend')
        with memoryview(obj):
            with self.assertRaises(BufferError):
                fn(*args)
        fn(*args)  # every export released
        self.assertEqual(len(b), 3 + 64)


# A factory module that needs nothing but the standard library (factories.py needs numpy).
_PLAIN_FACTORY = textwrap.dedent('''
    import array, itertools, time
    def forms():
        yield bytearray(b'one')
        yield ('two', b'two', {'format': 'B', 'shape': (3,), 'items': b'two'})
        yield {'object': array.array('h', [1, 2]), 'description': 'three',
               'expected': memoryview(array.array('h', [1, 2]))}
        yield ('skipped', 7)
        yield (1, 2, 3, 4)
    def endless():
        return (bytearray(b'x') for _ in itertools.count())
    def slow():
        time.sleep(30)
    def raises():
        raise KeyError('on purpose')
''')


class FactoryTest(unittest.TestCase):
    def setUp(self):
        self.path = list(sys.path)
        self.tmp = tempfile.TemporaryDirectory()
        with open(os.path.join(self.tmp.name, 'helper_test_plain.py'), 'w') as f:
            f.write(_PLAIN_FACTORY)

    def tearDown(self):
        H.FACTORY = None  # enumerate lists the built-in entries again
        H.FACTORY_MORE = None
        sys.path[:] = self.path
        self.tmp.cleanup()

    def load(self, spec, **kw):
        return H.load_factory(spec, self.tmp.name, '', **kw)

    def test_forms(self):
        entries = self.load('helper_test_plain:forms')
        self.assertEqual(len(entries), 5)
        (d0, o0, x0, e0), (d1, o1, x1, e1), (d2, o2, x2, e2) = entries[:3]
        self.assertEqual((d0, o0, x0, e0['skip']), ('helper_test_plain:forms[0] bytearray',
                                                    bytearray(b'one'), None, None))
        self.assertEqual((d1, x1), ('two', ('B', 1, (3,), b'two')))
        self.assertEqual((d2, x2), ('three', ('h', 2, (2,), struct.pack('2h', 1, 2))))
        # not judgeable: skipped (the adapter checks bf_getbuffer itself), or a bad tuple
        self.assertIsNone(entries[3][3]['skip'])
        self.assertIn('a tuple of 4 items', entries[4][3]['skip'])
        # enumerate now lists the factory's objects only
        self.assertEqual(H.enumerate_exporter(1)[1], 'two')
        self.assertIsNone(H.enumerate_exporter(5))

    def test_limits(self):
        entries = self.load('helper_test_plain:endless', max_objects=3)
        self.assertEqual(len(entries), 3)
        self.assertIn('more than 3 objects', H.enumerate_exporter(3)[1])
        with self.assertRaises(H.FactoryError) as cm:
            self.load('helper_test_plain:slow', timeout=0.3)
        self.assertIn('did not finish within 0.3 s', str(cm.exception))

    def test_errors(self):
        for spec, words in [('helper_test_plain:raises', "KeyError: 'on purpose'"),
                            ('helper_test_plain:nothing', "has no attribute 'nothing'"),
                            ('no_such_module_here:x', "No module named 'no_such_module_here'"),
                            ('not a spec', 'is not of the form package.module:callable')]:
            with self.assertRaises(H.FactoryError) as cm:
                self.load(spec)
            self.assertIn(words, str(cm.exception))

    def test_testdata_factories(self):
        # testdata/factories.py imports numpy and _testbuffer: where they are missing, that is
        # the error the factory gets; where they exist, its entries.
        directory = os.path.dirname(FACTORIES)
        if not (HAVE_NUMPY and HAVE_TESTBUFFER):
            with self.assertRaises(H.FactoryError) as cm:
                H.load_factory('factories:good', directory, '')
            self.assertIn('cannot import module', str(cm.exception))
            return
        sys.modules.pop('factories', None)
        entries = H.load_factory('factories:good', directory, '')
        factories = sys.modules['factories']
        self.assertEqual(len(entries), factories.N_GOOD)
        for description, obj, expected, extra in entries:
            self.assertIsNone(extra['skip'], description)
            if expected is not None:
                fmt, itemsize, shape, items = expected
                with memoryview(obj) as m:
                    self.assertEqual((tuple(m.shape), m.itemsize), (shape, itemsize))
                    self.assertEqual(m.tobytes(), items, description)
        entries = H.load_factory('factories:with_skipped', directory, '')
        self.assertTrue(any(e[3]['skip'] for e in entries))
        self.assertTrue(any(not e[3]['skip'] for e in entries))
        with self.assertRaises(H.FactoryError) as cm:
            H.load_factory('factories:raises', directory, '')
        self.assertIn('broken on purpose', str(cm.exception))


if __name__ == '__main__':
    _take_path_args()
    print('helper_test: %s (CPython %s) on %s' % (sys.executable, sys.version.split()[0], HELPER))
    unittest.main(verbosity=1)
