"""Factories for python_factory_test.sh: every form of the contract (docs/python-factory.md), and
every way of getting it wrong."""
import array
import struct

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
    make = staticmethod(lambda: [bytearray(b'dotted')])


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


def not_an_exporter():
    return [bytearray(b'ok'), ('a dict is no exporter', {'a': 1})]


def bad_tuple():
    return [(1, 2, 3, 4)]


def expected_missing_key():
    return [('x', bytearray(b'ab'), {'format': 'B', 'items': b'ab'})]


def expected_wrong_length():
    return [('x', bytearray(b'ab'), {'format': 'B', 'shape': (3,), 'items': b'ab'})]


def expected_junk():
    return [('x', bytearray(b'ab'), 12)]


def iteration_raises():
    yield bytearray(b'first')
    raise ValueError('the generator breaks on purpose')
