#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets from real exporters (run with Debian's
/usr/bin/python3: CPython 3.11, numpy 1.24, _testbuffer). Re-run after changing it:
    /usr/bin/python3 corpus/make_seeds.py
Seeds go to corpus/<target>/seeds/; corpus/<target>/regressions/ holds inputs that found bugs.
"""
import array
import ctypes
import hashlib
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, data):
    if isinstance(data, str):
        data = data.encode('latin-1')
    d = os.path.join(HERE, target, 'seeds')
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, hashlib.sha1(data).hexdigest()[:16]), 'wb') as f:
        f.write(data)


def formats():
    out = set()
    # numpy exports: scalars, structured (aligned and packed), sub-arrays, strings
    dtypes = ['?', 'i1', 'u2', 'i4', 'u8', 'f2', 'f4', 'f8', 'g', 'c8', 'c16', 'G', 'S5', 'U3', 'V4',
              '>i4', '<u8', [('a', 'u1'), ('b', 'i4'), ('c', 'u1')],
              {'names': ['x', 'y'], 'formats': ['i2', ('f8', (2, 3))]},
              [('s', [('c', 'i1'), ('d', 'f8'), ('e', 'i1')]), ('x', 'i1')]]
    for dt in dtypes:
        for align in (False, True):
            try:
                out.add(memoryview(np.zeros(1, np.dtype(dt, align=align))).format)
            except (TypeError, ValueError):
                pass
    # ctypes structures and arrays
    class P(ctypes.Structure):
        _fields_ = [('x', ctypes.c_byte), ('y', ctypes.c_uint)]
    class Packed(ctypes.Structure):
        _pack_ = 1
        _fields_ = [('x', ctypes.c_byte), ('y', ctypes.c_uint)]
    class BE(ctypes.BigEndianStructure):
        _fields_ = [('a', ctypes.c_short), ('b', ctypes.c_double)]
    class Nested(ctypes.Structure):
        _fields_ = [('p', P), ('arr', ctypes.c_int * 3), ('q', ctypes.c_longdouble)]
    for obj in (P(), Packed(), BE(), Nested(), (ctypes.c_long * 2)(), (ctypes.c_void_p * 2)(),
                ctypes.c_double(), (ctypes.c_char * 4)(), (P * 2)()):
        out.add(memoryview(obj).format)
    # array typecodes, struct docs, PEP examples, pybind11 and PIL style
    out.update(array.typecodes)
    out.update(['@llh0l', '<qh6xq', 'ic0i', '^T{b:a:3xi:b:}', 'B:r: B:g: B:b:',
                '>i:big: <i:little:', 'i:ival: T{ H:sval: B:bval: B:cval: }:sub:',
                'i:ival: (16,4)d:data:', '&<b', '&(2)<h', 'X{}', '(2)(3)i', '3t', 'T{}',
                'Zd', 'Zg', '=Qq', '>hQiLl', 'l x d x', '( 1)i', 'i:a', 'i}xyz', 'T{i'])
    return sorted(out)


def descriptor(buf_offset, itemsize, fmt, shape, strides, base_bytes, suboffsets=None,
               extra_regions=(), readonly=0, base=0x10000):
    n = itemsize
    for d in shape:
        n *= d
    return json.dumps({
        'buf': hex(base + buf_offset), 'len': n, 'itemsize': itemsize, 'readonly': readonly,
        'ndim': len(shape), 'format': fmt, 'shape': list(shape) if shape else None,
        'strides': list(strides) if shape else None, 'suboffsets': suboffsets,
        'memory': [{'base': hex(base), 'bytes': base_bytes.hex()}] + list(extra_regions)})


def numpy_views():
    a = np.arange(60, dtype='<i4').reshape(3, 4, 5)
    s = np.zeros(4, np.dtype([('a', 'u1'), ('b', '<i4')]))
    views = [a, a.T, a[::-1], a[:, ::2, 1:4], a[:, 1:2, :], a[:0], np.broadcast_to(a[0, 0], (3, 5)),
             np.asfortranarray(a), s['b'], a[1, 2, 3]]
    for v in views:
        root = v
        while isinstance(root.base, np.ndarray):
            root = root.base
        raw = root.tobytes(order='A') if root.flags.forc else bytes(root)
        start = root.__array_interface__['data'][0]
        off = v.__array_interface__['data'][0] - start
        m = memoryview(v)
        yield descriptor(off, m.itemsize, m.format, m.shape, m.strides, raw,
                         readonly=int(m.readonly))


def pil_view():
    # _testbuffer's ND_PIL layout, written out: 2 rows of 3 bytes behind row pointers
    rows = {'base': hex(0x20000), 'bytes': (0x30000).to_bytes(8, 'little').hex() +
            (0x30003).to_bytes(8, 'little').hex()}
    data = {'base': hex(0x30000), 'bytes': bytes(range(6)).hex()}
    return json.dumps({'buf': hex(0x20000), 'len': 6, 'itemsize': 1, 'ndim': 2, 'format': 'B',
                       'shape': [2, 3], 'strides': [8, 1], 'suboffsets': [0, -1],
                       'memory': [rows, data]})


def big_numpy_views():
    # Views that take the mirror library's fast paths: transposes (tiles), long runs, reversed
    # and strided lines, broadcasts, odd item sizes.
    f32 = np.arange(48 * 40, dtype='<f4').reshape(48, 40)
    u8 = np.arange(700, dtype='u1')
    f64 = np.arange(30 * 24, dtype='<f8').reshape(30, 24)
    i16 = np.arange(6 * 20 * 16, dtype='<i2').reshape(6, 20, 16)
    s3 = np.frombuffer(bytes(range(256)) * 3, dtype='S3').reshape(16, 16)
    views = [f32.T, f32[::2], f32[:, ::-3], u8[::-1], f64[:, ::2], f64.T[::-1], i16[:, 1:-1, :],
             i16.transpose(2, 0, 1), np.broadcast_to(f32[0], (5, 40)), s3.T, s3[::-1, 1::2]]
    for v in views:
        root = v
        while isinstance(root.base, np.ndarray):
            root = root.base
        raw = root.tobytes(order='A')  # every root here is C-contiguous
        start = root.__array_interface__['data'][0]
        off = v.__array_interface__['data'][0] - start
        m = memoryview(v)
        yield descriptor(off, m.itemsize, m.format, m.shape, m.strides, raw, readonly=0)


RECIPES = (b'\x02\x02\x03\x04\x00\x01\x01\x00\x00', b'\x00\x03\x02\x02\x02\x01\x00\x03\x04\x05\x01',
           b'\x05\x01\x04\x00\x05\x02\x01', b'\x06\x04\x01\x02\x01\x02\x00\x01\x02\x03\x06\x00\x02',
           b'\x01\x02\x03\x03\x01\x00\x00\x00\x00' + bytes(64) + b'\x00\x00\x03',
           b'\x03\x00')


def main():
    for f in formats():
        write('format_fuzzer', f)
    for d in numpy_views():
        write('descriptor_fuzzer', d)
    write('descriptor_fuzzer', pil_view())
    # recipe seeds: item kind, ndim, extents, permutation, steps, pad, slack, bytes...
    for recipe in RECIPES:
        write('model_fuzzer', recipe)
        write('differential_fuzzer', b'\x01' + recipe)
    # mirror_fuzzer: a control byte (bits 0-1 order, bit 2 recipe, bits 3-7 dimensions reversed
    # in the overlapping copy), then a recipe or a descriptor with memory
    for i, recipe in enumerate(RECIPES):
        write('mirror_fuzzer', bytes([4 | i % 3 | (i * 11) << 3 & 0xf8]) + recipe)
    for i, d in enumerate(list(numpy_views()) + [pil_view()] + list(big_numpy_views())):
        write('mirror_fuzzer', bytes([i % 3 | (i * 7) << 3 & 0xf8]) + d.encode('latin-1'))


if __name__ == '__main__':
    main()
