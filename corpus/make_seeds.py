#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets from real exporters (run with Debian's
/usr/bin/python3: CPython 3.11, numpy 1.24, _testbuffer). Re-run after changing it:
    /usr/bin/python3 corpus/make_seeds.py
Seeds go to corpus/<target>/seeds/ (the old seeds are removed first); corpus/<target>/regressions/
holds inputs that found bugs and is never touched here. Layouts are read from the exporters
themselves (PyObject_GetBuffer through ctypes: numpy views, _testbuffer's ND_PIL arrays) and
written in the shared codec's JSON forms (fuzz/fuzz_input.h): descriptor JSON, the suite's
algorithm and exporter cases, and `bufconf replay` files; //fuzz:fuzz_input_test checks that
every JSON seed decodes for its target. Then minimize (docs/fuzzing.md, "Seeds"):
    libFuzzer's -merge=1 keeps the seeds that add coverage.
"""
import array
import ctypes
import glob
import hashlib
import json
import os
import struct

import _testbuffer
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


class PyBuffer(ctypes.Structure):
    _fields_ = [('buf', ctypes.c_void_p), ('obj', ctypes.c_void_p), ('len', ctypes.c_ssize_t),
                ('itemsize', ctypes.c_ssize_t), ('readonly', ctypes.c_int),
                ('ndim', ctypes.c_int), ('format', ctypes.c_char_p),
                ('shape', ctypes.POINTER(ctypes.c_ssize_t)),
                ('strides', ctypes.POINTER(ctypes.c_ssize_t)),
                ('suboffsets', ctypes.POINTER(ctypes.c_ssize_t)), ('internal', ctypes.c_void_p)]


PyBUF_FULL_RO = 0x11c | 0x100  # PyBUF_INDIRECT | PyBUF_FORMAT


def pil_views():
    # _testbuffer's ND_PIL arrays, read back through PyObject_GetBuffer: the row-pointer table
    # and the rows as _testbuffer laid them out, at their real addresses.
    get = ctypes.pythonapi.PyObject_GetBuffer
    get.argtypes = [ctypes.py_object, ctypes.POINTER(PyBuffer), ctypes.c_int]
    release = ctypes.pythonapi.PyBuffer_Release
    release.argtypes = [ctypes.POINTER(PyBuffer)]
    arrays = [
        _testbuffer.ndarray(list(range(6)), shape=[2, 3], format='B', flags=_testbuffer.ND_PIL),
        _testbuffer.ndarray(list(range(24)), shape=[2, 3, 4], format='<h',
                            flags=_testbuffer.ND_PIL | _testbuffer.ND_WRITABLE),
        _testbuffer.ndarray([(i, i * 0.5) for i in range(12)], shape=[4, 3], format='<id',
                            flags=_testbuffer.ND_PIL),
        _testbuffer.ndarray(list(range(20)), shape=[4, 5], format='i',
                            flags=_testbuffer.ND_PIL)[::-1, 1::2],
    ]
    for nd in arrays:
        b = PyBuffer()
        get(nd, ctypes.byref(b), PyBUF_FULL_RO)
        try:
            n = b.ndim
            shape = [b.shape[i] for i in range(n)]
            strides = [b.strides[i] for i in range(n)]
            subs = [b.suboffsets[i] for i in range(n)]
            assert subs[0] >= 0 and all(x < 0 for x in subs[1:]), subs
            # the table: shape[0] pointers from buf (stride may be negative)
            first = b.buf + min(0, strides[0] * (shape[0] - 1))
            table_len = abs(strides[0]) * (shape[0] - 1) + 8
            table = ctypes.string_at(first, table_len)
            rows = [int.from_bytes(ctypes.string_at(b.buf + strides[0] * i, 8), 'little') + subs[0]
                    for i in range(shape[0])]
            lo = hi = 0
            for d in range(1, n):
                reach = strides[d] * (shape[d] - 1)
                lo, hi = (lo + reach, hi) if reach < 0 else (lo, hi + reach)
            start = min(rows) + lo
            end = max(rows) + hi + b.itemsize
            data = ctypes.string_at(start, end - start)
            assert end <= first or start >= first + table_len, 'rows overlap the table'
            yield json.dumps({
                'buf': hex(b.buf), 'len': b.len, 'itemsize': b.itemsize, 'readonly': b.readonly,
                'ndim': n, 'format': b.format.decode('latin-1'), 'shape': shape,
                'strides': strides, 'suboffsets': subs,
                'memory': [{'base': hex(first), 'bytes': table.hex()},
                           {'base': hex(start), 'bytes': data.hex()}]})
        finally:
            release(ctypes.byref(b))


def algorithm_case(descriptor_json, order, format_text, replay=False):
    # The suite's algorithm case (conformance/suite/cases.cc ToJson), or a `bufconf replay` file
    # around it (runner.cc): view, order, from_contiguous bytes, size_from_format text.
    view = json.loads(descriptor_json)
    case = {'kind': 'algorithm', 'order': order,
            'bytes': bytes((i * 37 + 11) & 0xff for i in range(view['len'])).hex(),
            'format_text': format_text, 'view': view}
    if replay:
        case = {'bufconf_replay': 1, 'rule': 'ALGO-TO-CONTIGUOUS', 'adapter': 'reference',
                'seed': 1, 'timeout_seconds': 60, 'message': 'seed', 'case': case}
    return json.dumps(case)


def exporter_cases():
    # The suite's exporter cases (cases.cc ToJson(ExporterCase)): a spec and request flags.
    specs = [('<i4', 4, [2, 3], False, None, None), ('B', 1, [4], False, [-1], None),
             ('<h', 2, [3, 2], True, None, None), ('T{<h:a:<h:b:}', 4, [2, 2], False, None, [1, 0]),
             ('<d', 8, [2, 2, 2], False, [1, -1, 2], None), ('<q', 8, [], False, None, None)]
    for i, (fmt, itemsize, shape, fortran, steps, indirect) in enumerate(specs):
        n = itemsize
        for d in shape:
            n *= d
        spec = {'format': fmt, 'itemsize': itemsize, 'shape': shape,
                'items': bytes((k * 13 + 5) & 0xff for k in range(n)).hex(),
                'fortran': fortran, 'readonly': i % 2 == 1, 'steps': steps, 'indirect': indirect}
        yield json.dumps({'kind': 'exporter', 'flags': [0x11d, 0x18, 0x1, 0x3c, 0x11c, 0x58][i],
                          'spec': spec})


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


# fuzz/recipe.h: item kind, ndim, extents, permutation (ndim - 1 bytes), steps, pad, slack,
# readonly, options (1 separate rows, 2 NULL strides, 4 NULL format), indirect mask, a suboffset
# per indirect dimension, then item bytes.
RECIPES = (
    b'\x02\x02\x03\x04\x00\x01\x01\x00\x00\x00\x00\x00',
    b'\x00\x03\x02\x02\x02\x01\x00\x03\x04\x05\x01\x00\x00\x00\x00',
    b'\x05\x01\x04\x00\x05\x02\x01\x00\x00\x00',
    b'\x06\x04\x01\x02\x01\x02\x00\x01\x02\x03\x06\x00\x02\x01\x00\x00',
    b'\x01\x02\x03\x03\x01\x00\x00\x01\x00\x00\x01\x01\x03',
    b'\x02\x03\x02\x03\x02\x00\x01\x00\x00\x00\x00\x00\x01\x05\x02\x05',
    b'\x00\x02\x02\x02\x00\x00\x00\x00\x00\x00\x01\x02\x07',
    b'\x00\x01\x04\x00\x00\x00\x00\x06\x00',
    b'\x03\x00',
)


def main():
    for target in ('format_fuzzer', 'descriptor_fuzzer', 'model_fuzzer', 'differential_fuzzer',
                   'mirror_fuzzer'):
        for old in glob.glob(os.path.join(HERE, target, 'seeds', '*')):
            os.remove(old)
    for f in formats():
        write('format_fuzzer', f)
    views = list(numpy_views()) + list(pil_views())
    for d in views:
        write('descriptor_fuzzer', d)
    for e in exporter_cases():
        write('descriptor_fuzzer', e)
    text_formats = [f for f in formats() if f.isascii() and f.isprintable()]
    for i, recipe in enumerate(RECIPES):
        write('model_fuzzer', recipe)
        # differential: order byte, recipe, size_from_format text, from_contiguous bytes
        text = text_formats[i * 5 % len(text_formats)].encode()
        write('differential_fuzzer', bytes([i % 3]) + recipe + bytes([len(text)]) + text)
    # the real views as cases (the shared codec), for the model and differential targets
    for i, d in enumerate(views):
        fmt = json.loads(d)['format']
        write('model_fuzzer', algorithm_case(d, 'CFA'[i % 3], fmt, replay=i % 4 == 0))
        write('differential_fuzzer', algorithm_case(d, 'CFA'[(i + 1) % 3],
                                                    text_formats[i * 7 % len(text_formats)],
                                                    replay=i % 4 == 1))
    # mirror_fuzzer: a control byte (bits 0-1 order, bit 2 recipe, bits 3-7 dimensions reversed
    # in the overlapping copy), then a recipe or a descriptor with memory
    for i, recipe in enumerate(RECIPES):
        write('mirror_fuzzer', bytes([4 | i % 3 | (i * 11) << 3 & 0xf8]) + recipe)
    for i, d in enumerate(views + list(big_numpy_views())):
        write('mirror_fuzzer', bytes([i % 3 | (i * 7) << 3 & 0xf8]) + d.encode('latin-1'))


if __name__ == '__main__':
    main()
