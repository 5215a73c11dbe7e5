"""faults.py's exporters asked directly through CPython's PyObject_GetBuffer (ctypes), under the
running interpreter (3.12+; faults_test.sh finds them): the control exporters keep every rule,
and each faulty one shows its fault the way the suite would see it (docs/zoo.md). Also what
CPython itself does around __buffer__ (RELEASE-PEP688-PAIRED, REQ-PEP688-FLAGS-INT).

    python3.12 faults_test.py [unittest args]"""
import ctypes
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faults  # noqa: E402

WRITABLE, FORMAT, ND, STRIDES = 0x1, 0x4, 0x8, 0x18
C_CONTIGUOUS, F_CONTIGUOUS, ANY_CONTIGUOUS, FULL_RO = 0x38, 0x58, 0x98, 0x11c
FLAGS = [0, WRITABLE, FORMAT, ND, ND | FORMAT, STRIDES, STRIDES | WRITABLE, C_CONTIGUOUS,
         F_CONTIGUOUS, ANY_CONTIGUOUS, FULL_RO, FULL_RO | WRITABLE]


class PyBuffer(ctypes.Structure):
    _fields_ = [('buf', ctypes.c_void_p), ('obj', ctypes.c_void_p), ('len', ctypes.c_ssize_t),
                ('itemsize', ctypes.c_ssize_t), ('readonly', ctypes.c_int),
                ('ndim', ctypes.c_int), ('format', ctypes.c_char_p),
                ('shape', ctypes.POINTER(ctypes.c_ssize_t)),
                ('strides', ctypes.POINTER(ctypes.c_ssize_t)),
                ('suboffsets', ctypes.POINTER(ctypes.c_ssize_t)), ('internal', ctypes.c_void_p)]


api = ctypes.pythonapi
api.PyObject_GetBuffer.argtypes = [ctypes.py_object, ctypes.POINTER(PyBuffer), ctypes.c_int]
api.PyObject_GetBuffer.restype = ctypes.c_int
api.PyBuffer_Release.argtypes = [ctypes.POINTER(PyBuffer)]
api.PyBuffer_Release.restype = None


def get(obj, flags):
    """A granted view (release it with release()); ctypes raises the exporter's exception."""
    view = PyBuffer()
    api.PyObject_GetBuffer(obj, ctypes.byref(view), flags)
    return view


def release(view):
    api.PyBuffer_Release(ctypes.byref(view))


def span(owner):
    # the memory an owner's buffer spans (the suite reads a declared owner the same way)
    v = get(owner, 0)
    try:
        return v.buf, v.len
    finally:
        release(v)


def contents(view):
    """The elements of a FULL_RO view, read at their addresses, in C order, as bytes."""
    out = b''
    shape = [view.shape[i] for i in range(view.ndim)]
    strides = [view.strides[i] for i in range(view.ndim)]
    index = [0] * view.ndim
    count = 1
    for n in shape:
        count *= n
    for _ in range(count):
        address = view.buf + sum(i * s for i, s in zip(index, strides))
        out += ctypes.string_at(address, view.itemsize)
        for d in reversed(range(view.ndim)):
            index[d] += 1
            if index[d] < shape[d]:
                break
            index[d] = 0
    return out


@unittest.skipIf(sys.version_info < (3, 12), 'PEP 688 needs CPython 3.12+')
class FaultsTest(unittest.TestCase):
    def judge(self, entry):
        """What the suite's exporter checks would find on this entry: a list of (rule, why)."""
        obj, owner, readonly = entry['object'], entry['memory'], entry['memory_readonly']
        base, size = span(owner)
        found = []
        for flags in FLAGS:
            try:
                v = get(obj, flags)
            except BufferError:
                continue  # a proper refusal
            except Exception as e:
                found.append(('REQ-FAIL-BUFFERERROR', 'flags 0x%x: %s: %s'
                              % (flags, type(e).__name__, e)))
                continue
            try:
                if not base <= v.buf and v.buf + v.len <= base + size:
                    found.append(('MEMORY-SPAN', 'flags 0x%x: outside the declared memory'
                                  % flags))
                if readonly and v.readonly == 0:
                    found.append(('MEMORY-WRITABLE', 'flags 0x%x: granted writable' % flags))
                if flags == FULL_RO:
                    x = entry['expected']
                    got = ([v.shape[i] for i in range(v.ndim)], contents(v))
                    if got != (list(x['shape']), x['items']):
                        found.append(('REQ-CONTENTS', 'shape %s, %d bytes' % (got[0],
                                                                             len(got[1]))))
            finally:
                release(v)
        if getattr(obj, 'exports', 0) != 0:
            found.append(('RELEASE-PEP688-RELEASES', 'exports %d after every release'
                          % obj.exports))
        try:
            owner.append(0)  # refused while the bytearray is exported
            del owner[-1]
        except BufferError as e:
            found.append(('RELEASE-PEP688-RELEASES', 'the owner cannot be resized: %s' % e))
        return found

    def rules(self, factory):
        return sorted({rule for entry in factory() for rule, _ in self.judge(entry)})

    def test_control_passes(self):
        for entry in faults.control():
            self.assertEqual(self.judge(entry), [], entry['description'])

    def test_control_counts_and_releases(self):
        g = faults.Grid(readonly=True)
        with self.assertRaises(BufferError):
            get(g, WRITABLE)
        v = get(g, FULL_RO)
        self.assertEqual((g.exports, v.readonly, v.format), (1, 1, b'i'))
        with self.assertRaises(BufferError):
            g.data.append(0)  # exported: not resizable
        release(v)
        self.assertEqual(g.exports, 0)
        g.data.append(0)

    def test_each_fault_breaks_its_rule(self):
        self.assertEqual(self.rules(faults.flags_ignored), ['MEMORY-WRITABLE'])
        self.assertEqual(self.rules(faults.wrong_size), ['REQ-CONTENTS'])
        self.assertEqual(self.rules(faults.returns_bytes), ['REQ-FAIL-BUFFERERROR'])
        self.assertEqual(self.rules(faults.never_releases), ['RELEASE-PEP688-RELEASES'])

    def test_a_count_in_buffer_leaks_when_cpython_refuses(self):
        # Why Grid asks its memoryview first: CPython asks the memoryview __buffer__ returned
        # for the same flags, and when that refuses, __release_buffer__ is never called.
        class Naive(faults.Grid):
            def __buffer__(self, flags):
                self.exports += 1
                return self.view(flags)

        n, g = Naive(), faults.Grid()
        for obj in (n, g):
            with self.assertRaises(BufferError):  # the items are C order, not Fortran
                get(obj, F_CONTIGUOUS)
        self.assertEqual((n.exports, g.exports), (1, 0))

    def test_returns_bytes_is_a_type_error(self):
        with self.assertRaisesRegex(TypeError, '__buffer__ returned non-memoryview object'):
            memoryview(faults.ReturnsBytes())

    def test_never_releases_holds_forever(self):
        g = faults.NeverReleases()
        for _ in range(3):
            release(get(g, 0))
        self.assertEqual((g.exports, len(g.held)), (3, 3))
        with self.assertRaises(BufferError):
            g.data.append(0)

    def test_release_called_once_with_the_memoryview_returned(self):
        # RELEASE-PEP688-PAIRED: CPython's side of the pairing.
        calls = []

        class Recorder(faults.Grid):
            def __buffer__(self, flags):
                m = faults.Grid.__buffer__(self, flags)
                calls.append(('get', flags, type(flags), m))
                return m

            def __release_buffer__(self, view):
                calls.append(('release', view))
                faults.Grid.__release_buffer__(self, view)

        r = Recorder()
        for flags in (0, FULL_RO, 0x400):
            v = get(r, flags)
            self.assertEqual(len(calls), 1)
            release(v)
            release(v)  # a second release of the same view does nothing (obj is NULL now)
            (_, got_flags, flags_type, returned), (_, released) = calls
            self.assertIs(released, returned)
            # REQ-PEP688-FLAGS-INT: the flags as a plain int, unknown bits (0x400) included
            self.assertEqual((got_flags, flags_type), (flags, int))
            del calls[:]
        with self.assertRaises(BufferError):  # a refused request is not released
            get(faults.Grid(readonly=True), WRITABLE)
        with self.assertRaisesRegex(OverflowError, 'buffer flags too large'):
            bytearray(b'x').__buffer__(2 ** 31)
        bytearray(b'x').__buffer__(-1).release()  # negative flags pass to bf_getbuffer


@unittest.skipIf(sys.version_info >= (3, 12), 'for interpreters without PEP 688')
class BeforePep688Test(unittest.TestCase):
    def test_factories_say_why(self):
        with self.assertRaisesRegex(RuntimeError, 'PEP 688 exporters need CPython 3.12'):
            faults.control()


if __name__ == '__main__':
    print('faults_test: %s (CPython %s)' % (sys.executable, sys.version.split()[0]))
    unittest.main(verbosity=1)
