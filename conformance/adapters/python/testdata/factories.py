"""Factories for python_factory_test.sh and python_factory_entries_test.cc: every form of the
contract (docs/python-factory.md), and every way of getting it wrong."""
import array
import ctypes
import struct

import _testbuffer

import numpy as np

N_GOOD = 6  # how many objects good() returns


def good():
    """Each accepted form of an entry once."""
    a = array.array('i', [1, -2, 3])
    yield bytearray(b'plain object')                                      # an object alone
    yield ('bytearray with a description', bytearray(b'xyz'))             # (description, object)
    yield ('array.array i, expected dict', a,                             # expected: a dict
           {'format': 'i', 'shape': (3,), 'items': struct.pack('3i', 1, -2, 3)})
    yield ('numpy 2x3, expected memoryview', np.arange(6, dtype='<i2').reshape(2, 3),
           memoryview(np.arange(6, dtype='<i2').reshape(2, 3)))          # expected: bytes-like
    yield ('empty bytearray, dict with itemsize', bytearray(),
           {'format': 'B', 'shape': [0], 'items': b'', 'itemsize': 1})
    yield ('numpy transposed, expected numpy array', np.arange(6, dtype='<i4').reshape(2, 3).T,
           np.ascontiguousarray(np.arange(6, dtype='<i4').reshape(2, 3).T))


class Holder:
    make = staticmethod(lambda: [('dotted', bytearray(b'dotted'),
                                  {'format': 'B', 'shape': (6,), 'items': b'dotted'})])


def wrong_contents():
    """The second object does not hold what its expected dict says: REQ-CONTENTS fails."""
    return [('right', bytearray(b'abc'), {'format': 'B', 'shape': (3,), 'items': b'abc'}),
            ('wrong on purpose', bytearray(b'abc'),
             {'format': 'B', 'shape': (3,), 'items': b'abd'})]


# ---- errors: each must make loading fail (exit 2) with a clear message ----

not_callable = 42


def raises():
    raise RuntimeError('the factory is broken on purpose')


def returns_none():
    return None


def returns_int():
    return 7


def returns_str():
    return 'not a list'


def returns_empty():
    return []


def iteration_raises():
    yield bytearray(b'first')
    raise ValueError('the generator breaks on purpose')


# ---- entries the suite cannot judge: each is skipped alone, the others are judged ----

def with_skipped():
    """Good objects with entries that cannot be judged among them."""
    return [
        ('good bytearray', bytearray(b'first'), {'format': 'B', 'shape': (5,), 'items': b'first'}),
        ('a dict is no exporter', {'a': 1}),                              # no bf_getbuffer
        7,                                                                # no bf_getbuffer
        ('good bytes', b'second', {'format': 'B', 'shape': (6,), 'items': b'second'}),
        (1, 2, 3, 4),                                                     # a tuple of 4
        (42, bytearray(b'x')),                                            # not a str description
        ('missing key', bytearray(b'ab'), {'format': 'B', 'items': b'ab'}),
        ('wrong length', bytearray(b'ab'), {'format': 'B', 'shape': (3,), 'items': b'ab'}),
        ('junk expected', bytearray(b'ab'), 12),
        {'object': bytearray(b'x'), 'colour': 'red'},                     # an unknown key
        {'description': 'no object'},
        ('good numpy', np.arange(4, dtype='<i2'), memoryview(np.arange(4, dtype='<i2'))),
    ]


N_WITH_SKIPPED_GOOD = 3  # how many objects of with_skipped() are judged


def always_refuses():
    """An object that refuses every request is judged (REQ-GRANT fails for it), not skipped."""
    return [('refuses every request',
             _testbuffer.ndarray(list(range(4)), shape=[4], format='B',
                                 flags=_testbuffer.ND_GETBUF_FAIL)),
            ('bytearray next to it', bytearray(b'ok'))]


# ---- memory declarations ----

_BIG = bytearray(range(256))    # one block: an exporter over its first 32 bytes ...
_BYTES = b'declared, read-only'  # (kept alive here: the declarations point into them)


def declared_memory():
    """Declared memory: an owner object (its buffer is the memory; read-only when it is), or
    (address, size) pairs; each exporter lies inside what it declares."""
    ba = bytearray(b'owns itself')
    a = array.array('i', [1, -2, 3])
    address, n = a.buffer_info()
    return [
        {'object': ba, 'description': 'bytearray declared by itself', 'memory': ba},
        {'object': np.frombuffer(_BYTES, np.uint8), 'memory': _BYTES,
         'description': 'numpy over bytes, the bytes declared (read-only memory)',
         'expected': {'format': 'B', 'shape': (len(_BYTES),), 'items': _BYTES}},
        {'object': a, 'description': 'array.array declared by (address, size)',
         'memory': [(address, n * a.itemsize)], 'expected': memoryview(array.array('i', [1, -2, 3]))},
        {'object': memoryview(_BIG)[16:48], 'memory': _BIG, 'description': 'a slice of the owner'},
    ]


def outside_declared():
    """An exporter whose buf lies 64 bytes before the memory it declares (the owner is a slice
    of the same block): regions() reports the declaration only, and MEMORY-SPAN fails."""
    return [{'object': memoryview(_BIG)[0:32], 'memory': memoryview(_BIG)[64:128],
             'description': 'buf 64 bytes before the declared block'}]


def writable_over_readonly():
    """A writable exporter over memory declared read-only: a granted view with readonly == 0
    writes where it must not (MEMORY-WRITABLE)."""
    ba = bytearray(b'must not be written')
    return [{'object': ba, 'memory': ba, 'memory_readonly': True,
             'description': 'bytearray declared read-only'}]


def bad_declarations():
    """Declarations that cannot be right: each entry is skipped with the reason."""
    ba = bytearray(b'x' * 16)
    return [
        ('fine bytearray among bad declarations', bytearray(b'fine')),
        {'object': ba, 'memory': [(0, 16)], 'description': 'NULL address'},
        {'object': ba, 'memory': [(1 << 20, -1)], 'description': 'negative size'},
        {'object': ba, 'memory': [(1 << 20, 257 << 20)], 'description': 'too large'},
        {'object': ba, 'memory': [(1 << 20, 1)] * 2 + [(1, 2, 3)], 'description': 'not a pair'},
        {'object': ba, 'memory': {'no': 'buffer'}, 'description': 'owner without a buffer'},
        {'object': ba, 'memory': ba, 'memory_readonly': 'yes', 'description': 'readonly not bool'},
        {'object': ba, 'memory_readonly': True, 'description': 'readonly without memory'},
        {'object': ba, 'memory': np.arange(8.0)[::2], 'description': 'owner not contiguous'},
    ]


# ---- memoryview notes ----

def memoryviews():
    """A memoryview over a third party's object judges CPython's memoryview: the entry says so.
    Over CPython's own exporters it says nothing."""
    return [
        memoryview(np.arange(6, dtype='<i4')),
        ('described memoryview over numpy', memoryview(np.arange(3.0))),
        {'object': memoryview(np.zeros(2, 'u1')), 'description': 'dict memoryview over numpy'},
        ('memoryview over bytes', memoryview(b'builtin')),
        ('memoryview over array.array', memoryview(array.array('h', [1, 2]))),
        ('memoryview over _testbuffer',
         memoryview(_testbuffer.ndarray([1, 2], shape=[2], format='B'))),
    ]


def resizable():
    """A ctypes array: ctypes.resize grows it even while a buffer is exported (ctypes' deviation,
    RELEASE-RESIZE-WHILE-EXPORTED). The object lives through the whole run: the suite's resize
    must not change it for the cases after (a len that disagrees with the shape)."""
    return [('ctypes c_int * 3', (ctypes.c_int * 3)(1, 2, 3))]


def fixtures():
    """Every fixture above in one list (python_factory_entries_test.cc: one factory per
    process)."""
    return (with_skipped() + always_refuses() + declared_memory() + outside_declared() +
            writable_over_readonly() + bad_declarations() + memoryviews())
