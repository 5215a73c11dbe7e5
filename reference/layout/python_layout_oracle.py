"""Answers layout questions with the real CPython buffer C-API and numpy, one JSON per line.

Run by Debian's /usr/bin/python3 (CPython 3.11, numpy 1.24, _testbuffer) from
layout_differential_test. Every reply is {"ok": true, ...} or {"ok": false, "error": "..."}.

{"op": "numpy", "base": hex, "offset": n, "dtype": "u1" | "<u2" | "V3" ..., "shape": [...],
 "strides": [...]}: the numpy view np.ndarray(shape, dtype, buffer=base, offset, strides) over a
uint8 base array (numpy checks that every element lies inside the base). Reply: the Py_buffer
numpy exports for PyBUF_FULL_RO (buf_offset = buf - base address, len, itemsize, ndim, shape,
strides, suboffsets), PyBuffer_IsContiguous for C/F/A ("is_contiguous"), PyBuffer_ToContiguous
for C/F/A on that buffer ("to_contiguous", hex), numpy's a.tobytes(order) ("tobytes", hex),
numpy's own a.flags ("numpy_flags": [c, f]) and memoryview(a).c_contiguous/f_contiguous ("mv").

{"op": "pil", "items": [...], "shape": [...], "format": "B" | "i", "writable": bool,
 "slices": [[start, stop, step], ...] or null}: _testbuffer.ndarray(items, shape, format,
flags=ND_PIL [| ND_WRITABLE]), optionally sliced. Reply: its PyBUF_FULL_RO Py_buffer (buf, len,
itemsize, ndim, shape, strides, suboffsets as absolute addresses/values), "regions": the union of
every byte CPython's PyBuffer_GetPointer loop touches (pointer slots and elements) as
[[address, hex], ...], "pointers_c"/"pointers_f": PyBuffer_GetPointer of every index in C and
Fortran order, "is_contiguous", "to_contiguous" (PyBuffer_ToContiguous), "tobytes"
(ndarray.tobytes()) and "mv" (memoryview flags).
"""
import ctypes
import itertools
import json
import sys

import numpy as np
import _testbuffer

PyBUF_FULL_RO = 0x0100 | 0x0008 | 0x0010 | 0x0004  # INDIRECT | ND | STRIDES | FORMAT
PTR = ctypes.sizeof(ctypes.c_void_p)


class Py_buffer(ctypes.Structure):
    _fields_ = [
        ('buf', ctypes.c_void_p),
        ('obj', ctypes.c_void_p),
        ('len', ctypes.c_ssize_t),
        ('itemsize', ctypes.c_ssize_t),
        ('readonly', ctypes.c_int),
        ('ndim', ctypes.c_int),
        ('format', ctypes.c_char_p),
        ('shape', ctypes.POINTER(ctypes.c_ssize_t)),
        ('strides', ctypes.POINTER(ctypes.c_ssize_t)),
        ('suboffsets', ctypes.POINTER(ctypes.c_ssize_t)),
        ('internal', ctypes.c_void_p),
    ]


api = ctypes.pythonapi
api.PyObject_GetBuffer.argtypes = [ctypes.py_object, ctypes.POINTER(Py_buffer), ctypes.c_int]
api.PyObject_GetBuffer.restype = ctypes.c_int
api.PyBuffer_Release.argtypes = [ctypes.POINTER(Py_buffer)]
api.PyBuffer_Release.restype = None
api.PyBuffer_IsContiguous.argtypes = [ctypes.POINTER(Py_buffer), ctypes.c_char]
api.PyBuffer_IsContiguous.restype = ctypes.c_int
api.PyBuffer_ToContiguous.argtypes = [
    ctypes.c_void_p, ctypes.POINTER(Py_buffer), ctypes.c_ssize_t, ctypes.c_char]
api.PyBuffer_ToContiguous.restype = ctypes.c_int
api.PyBuffer_GetPointer.argtypes = [ctypes.POINTER(Py_buffer), ctypes.POINTER(ctypes.c_ssize_t)]
api.PyBuffer_GetPointer.restype = ctypes.c_void_p

ORDERS = ('C', 'F', 'A')


def array_of(view, field):
    p = getattr(view, field)
    if not p:
        return None
    return [p[i] for i in range(view.ndim)]


def describe(view):
    return {
        'buf': view.buf or 0,
        'len': view.len,
        'itemsize': view.itemsize,
        'ndim': view.ndim,
        'shape': array_of(view, 'shape'),
        'strides': array_of(view, 'strides'),
        'suboffsets': array_of(view, 'suboffsets'),
    }


def c_api_answers(view):
    out = {'is_contiguous': {}, 'to_contiguous': {}}
    for order in ORDERS:
        o = order.encode()
        out['is_contiguous'][order] = bool(api.PyBuffer_IsContiguous(ctypes.byref(view), o))
        dest = ctypes.create_string_buffer(max(view.len, 1))
        api.PyBuffer_ToContiguous(dest, ctypes.byref(view), view.len, o)
        out['to_contiguous'][order] = dest.raw[:view.len].hex()
    return out


def with_buffer(obj, fn):
    view = Py_buffer()
    api.PyObject_GetBuffer(obj, ctypes.byref(view), PyBUF_FULL_RO)
    try:
        return fn(view)
    finally:
        api.PyBuffer_Release(ctypes.byref(view))


def numpy_case(request):
    base = np.frombuffer(bytearray.fromhex(request['base']), dtype=np.uint8)
    a = np.ndarray(tuple(request['shape']), dtype=np.dtype(request['dtype']), buffer=base,
                   offset=request['offset'], strides=tuple(request['strides']))
    base_address = base.__array_interface__['data'][0]

    def fn(view):
        out = describe(view)
        out['buf_offset'] = (view.buf or 0) - base_address
        out.update(c_api_answers(view))
        return out

    out = with_buffer(a, fn)
    out['tobytes'] = {order: a.tobytes(order=order).hex() for order in ORDERS}
    out['numpy_flags'] = [bool(a.flags.c_contiguous), bool(a.flags.f_contiguous)]
    m = memoryview(a)
    out['mv'] = [m.c_contiguous, m.f_contiguous]
    m.release()
    return out


def merge(ranges):
    """Sorted union of [begin, end) byte ranges, adjacent ones joined."""
    out = []
    for b, e in sorted(ranges):
        if out and b <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([b, e])
    return out


def pil_case(request):
    flags = _testbuffer.ND_PIL | (_testbuffer.ND_WRITABLE if request['writable'] else 0)
    nd = _testbuffer.ndarray(request['items'], shape=request['shape'], format=request['format'],
                             flags=flags)
    if request.get('slices') is not None:
        nd = nd[tuple(slice(*s) for s in request['slices'])]

    def fn(view):
        out = describe(view)
        shape, strides = out['shape'], out['strides']
        subs = out['suboffsets'] or [-1] * view.ndim
        touched = []
        pointers = {}
        index_t = ctypes.c_ssize_t * max(view.ndim, 1)
        for index in itertools.product(*(range(n) for n in shape)):
            # The canonical loop, recording every pointer slot it reads.
            p = view.buf
            for i in range(view.ndim):
                p += strides[i] * index[i]
                if subs[i] >= 0:
                    touched.append((p, p + PTR))
                    p = ctypes.c_void_p.from_address(p).value + subs[i]
            got = api.PyBuffer_GetPointer(ctypes.byref(view), index_t(*index))
            if got != p:
                raise AssertionError('PyBuffer_GetPointer%r = %#x, loop %#x' % (index, got, p))
            touched.append((p, p + view.itemsize))
            pointers[index] = got
        c_order = list(itertools.product(*(range(n) for n in shape)))
        f_order = [tuple(reversed(i)) for i in
                   itertools.product(*(range(n) for n in reversed(shape)))]
        out['pointers_c'] = [pointers[i] for i in c_order]
        out['pointers_f'] = [pointers[i] for i in f_order]
        out['regions'] = [[b, ctypes.string_at(b, e - b).hex()] for b, e in merge(touched)]
        out.update(c_api_answers(view))
        return out

    out = with_buffer(nd, fn)
    out['tobytes'] = nd.tobytes().hex()
    m = memoryview(nd)
    out['mv'] = [m.c_contiguous, m.f_contiguous]
    # memoryview.tobytes(order) for each order and None (ALGO-TOBYTES).
    out['mv_tobytes'] = {str(o): m.tobytes(order=o).hex() for o in ('C', 'F', 'A', None)}
    m.release()
    return out


def answer(request):
    try:
        if request['op'] == 'numpy':
            out = numpy_case(request)
        else:
            out = pil_case(request)
        out['ok'] = True
        return out
    except Exception as e:  # every failure is an answer
        return {'ok': False, 'error': '%s: %s' % (type(e).__name__, e)}


for line in sys.stdin:
    sys.stdout.write(json.dumps(answer(json.loads(line))) + '\n')
    sys.stdout.flush()
