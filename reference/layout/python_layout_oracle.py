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

{"op": "getbuf", "base": {"kind": "bytes" | "bytearray" | "array" | "ndarray", "n": count,
 "typecode": "B" | "h" | "i" | "d", "shape": [...], "format": "B" | "b" | "i" | "l" | "?",
 "flags": ["WRITABLE", "FORTRAN", "PIL"]}, "chain": [{"op": "memoryview" | "toreadonly"} |
 {"op": "slice", "slices": [[start, stop, step], ...]}]}: the exporter `ex` built from the base
(bytes(range(n)), array.array(typecode, range(n)), _testbuffer.ndarray(items, shape, format,
flags)) and the chain (memoryview(x), x.toreadonly(), x[slices]). Reply: "full", its PyBUF_FULL_RO
description through _testbuffer.ndarray(ex, getbuf=PyBUF_FULL_RO) ([ndim, shape, strides,
suboffsets, format, readonly, itemsize, nbytes] as _testbuffer shows them: () for NULL arrays, ''
for a NULL format); "is_contiguous": PyBuffer_IsContiguous of that buffer for C/F/A; "mv":
memoryview(ex).c_contiguous/f_contiguous; "getbuf": for every flags value 0..0x3ff (the research
notes' section 6.4 matrix), _testbuffer.ndarray(ex, getbuf=flags) as the same list, or
"BufferError", or "<exception type>: message" for any other exception.

{"op": "pair", "a": spec, "b": spec} (memoryview_differential_test; ALGO-EQUAL, ALGO-TOLIST,
ALGO-TOBYTES): builds view a, then view b from a's C-order bytes (see build() and pair_case()).
Reply: "views" (each memoryview's own Py_buffer with format), "regions" (the bytes they own or
touch, pointer tables included), "eq" (a == b, b == a, a == a, b == b: a bool or an error),
"tolist" ({"value": canonical()} or an error) and "tobytes" (per order C, F, A, None, hex).
"""
import array
import ctypes
import itertools
import json
import struct
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


# ---------------------------------------------------------------------------------------------
# "pair": memoryview ==, tolist and tobytes (ALGO-EQUAL, ALGO-TOLIST, ALGO-TOBYTES).

class RawExporter:
    """A memoryview over a Py_buffer of our own (PyMemoryView_FromBuffer): any format, itemsize,
    shape and strides over a ctypes buffer, even ones that lie about the itemsize."""

    def __init__(self, data, fmt, itemsize, offset, shape, strides):
        n = max(len(shape), 1)
        self.keep = [ctypes.create_string_buffer(data, len(data)), ctypes.c_char_p(fmt),
                     (ctypes.c_ssize_t * n)(*shape), (ctypes.c_ssize_t * n)(*strides)]
        view = Py_buffer()
        view.buf = ctypes.addressof(self.keep[0]) + offset
        view.len = itemsize
        for extent in shape:
            view.len *= extent
        view.itemsize = itemsize
        view.readonly = 1
        view.ndim = len(shape)
        view.format = self.keep[1]
        view.shape = self.keep[2] if shape else None
        view.strides = self.keep[3] if shape else None
        self.view = view
        self.memoryview = api.PyMemoryView_FromBuffer(ctypes.byref(view))
        self.base = (ctypes.addressof(self.keep[0]), len(data))


api.PyMemoryView_FromBuffer.argtypes = [ctypes.POINTER(Py_buffer)]
api.PyMemoryView_FromBuffer.restype = ctypes.py_object


def filler(n, seed):
    return bytes((i * 61 + seed * 7 + 13) % 256 for i in range(n))


def placement(shape, steps, pads):
    """The physical shape holding a logical `shape` with per-dimension steps (sign: direction)
    and pads, and the slices that select the logical array from it."""
    phys, slices = [], []
    for n, step, pad in zip(shape, steps, pads):
        span = (n - 1) * abs(step) + 1 if n > 0 else 0
        phys.append(2 * pad + span)
        if n == 0:
            slices.append(slice(pad, pad, step))
        elif step > 0:
            slices.append(slice(pad, pad + span, step))
        else:
            stop = pad - 1
            slices.append(slice(pad + span - 1, stop if stop >= 0 else None, step))
    return phys, tuple(slices)


def physical_bytes(content, itemsize, shape, layout, order='C'):
    """(phys shape, slices, the physical array's bytes in `order`) with the C-order element bytes
    `content` placed at the slices and filler bytes elsewhere."""
    phys_shape, slices = placement(shape, layout['steps'], layout['pads'])
    count = 1
    for n in phys_shape:
        count *= n
    phys = np.frombuffer(filler(count * itemsize, layout['seed']), dtype=np.uint8).copy()
    phys = phys.reshape(tuple(phys_shape) + (itemsize,))
    phys[slices + (slice(None),)] = np.frombuffer(content, dtype=np.uint8).reshape(
        tuple(shape) + (itemsize,))
    if order == 'F':
        phys = phys.transpose(tuple(reversed(range(len(shape)))) + (len(shape),))
    return phys_shape, slices, np.ascontiguousarray(phys).tobytes()


def items_of(fmt, data):
    size = struct.calcsize(fmt)
    def item(t):
        return t[0] if len(t) == 1 else t
    items = [item(t) for t in struct.iter_unpack(fmt, data)] if size else []
    return items or [item(struct.unpack(fmt, bytes(size)))]  # ndarray wants at least one item


def np_dtype(d):
    """A dtype from its string, or from {"fields": [[name, dtype], ...], "align": bool}."""
    if isinstance(d, dict):
        return np.dtype([tuple(f) for f in d['fields']], align=d['align'])
    return np.dtype(d)


def item_size(spec):
    """The itemsize a spec builds: numpy's dtype's, else struct's for the format."""
    if spec['kind'] == 'numpy':
        return np_dtype(spec['dtype']).itemsize
    return struct.calcsize(spec['format'])


def build(spec, content, shape):
    """(exporter object, what was built, [(begin, end)] of memory it owns or None)."""
    kind, layout = spec['kind'], spec.get('layout')
    if kind == 'raw':  # A only: arbitrary strides and itemsize over given bytes
        base = bytes.fromhex(spec['base'])
        raw = RawExporter(base, spec['format'].encode('latin-1'), spec['itemsize'],
                          spec['offset'], spec['shape'], spec['strides'])
        return raw.memoryview, 'raw', [(raw.base[0], raw.base[0] + raw.base[1])], raw
    if kind == 'numpy_strided':  # A only: numpy's own constructor over a uint8 base
        base = np.frombuffer(bytearray.fromhex(spec['base']), dtype=np.uint8)
        a = np.ndarray(tuple(spec['shape']), dtype=np_dtype(spec['dtype']), buffer=base,
                       offset=spec['offset'], strides=tuple(spec['strides']))
        address = base.__array_interface__['data'][0]
        return a, kind, [(address, address + len(base))], base
    fmt, dtype, itemsize = spec['format'], spec.get('dtype'), item_size(spec)
    if kind == 'mv':
        phys_shape, slices, data = physical_bytes(content, itemsize, shape, layout)
        # memoryview slices dimension 0 only, and casts no shape with a 0.
        only_first = all(s == 1 for s in layout['steps'][1:]) and not any(layout['pads'][1:])
        if 0 not in phys_shape and len(shape) > 0 and only_first:
            try:
                m = memoryview(data).cast('B').cast(fmt, phys_shape)[slices[0]]
                address = with_buffer(data, lambda v: v.buf)
                return m, 'mv', [(address, address + len(data))], data
            except (TypeError, ValueError):
                pass  # a format or shape cast does not take: build it another way
        kind = 'testbuffer'
    if kind == 'numpy':
        perm = layout['perm']
        phys_shape, slices = placement(shape, layout['steps'], layout['pads'])
        storage_shape = [phys_shape[p] for p in perm]
        count = 1
        for n in phys_shape:
            count *= n
        storage = np.frombuffer(bytearray(filler(count * itemsize, layout['seed'])),
                                dtype=np.uint8).reshape(tuple(storage_shape) + (itemsize,))
        inverse = [perm.index(d) for d in range(len(perm))]
        phys = storage.transpose(tuple(inverse) + (len(perm),))
        phys[slices + (slice(None),)] = np.frombuffer(content, dtype=np.uint8).reshape(
            tuple(shape) + (itemsize,))
        sub = phys[slices + (slice(None),)]
        address = storage.__array_interface__['data'][0]
        offset = sub.__array_interface__['data'][0] - address
        if 0 in shape:
            offset = min(max(offset, 0), storage.nbytes)
        a = np.ndarray(tuple(shape), dtype=np_dtype(dtype), buffer=storage.reshape(-1),
                       offset=offset, strides=sub.strides[:-1])
        return a, 'numpy', [(address, address + storage.nbytes)], storage
    # _testbuffer.ndarray: ND_PIL (not 0-d), ND_FORTRAN, or plain; sliced into the placement.
    flags = {'pil': _testbuffer.ND_PIL, 'fortran': _testbuffer.ND_FORTRAN, 'plain': 0}[
        layout['flags']]
    if not shape:
        flags &= ~_testbuffer.ND_PIL
    order = 'F' if flags & _testbuffer.ND_FORTRAN else 'C'
    phys_shape, slices, data = physical_bytes(content, itemsize, shape, layout, order)
    items = items_of(fmt, data)
    if not shape:
        nd = _testbuffer.ndarray(items[0], shape=[], format=fmt, flags=flags)
        return nd, 'testbuffer', None, None
    nd = _testbuffer.ndarray(items, shape=phys_shape, format=fmt, flags=flags)
    if any(s != slice(0, n, 1) for s, n in zip(slices, phys_shape)):
        nd = nd[slices]
    return nd, 'testbuffer ' + layout['flags'], None, None


def canonical(x):
    """A tolist value as JSON: ints as numbers, floats as the hex of their double's bits or
    "nan" (3.11 does not keep NaN payloads through every unpacking), bools, bytes as {"b": hex}."""
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


def outcome(fn):
    try:
        return fn()
    except Exception as e:
        return {'error': type(e).__name__, 'message': str(e)}


def touched(view):
    """Every byte range the canonical loop reads: pointer slots and elements."""
    out = describe(view)
    shape, strides = out['shape'] or [], out['strides'] or []
    subs = out['suboffsets'] or [-1] * view.ndim
    ranges = []
    for index in itertools.product(*(range(n) for n in shape)):
        p = view.buf
        for i in range(view.ndim):
            p += strides[i] * index[i]
            if subs[i] >= 0:
                ranges.append((p, p + PTR))
                p = ctypes.c_void_p.from_address(p).value + subs[i]
        ranges.append((p, p + view.itemsize))
    return ranges


def pair_case(request):
    """Builds views a and b (b from a's C-order bytes, unless b's spec says otherwise) and answers
    ==, tolist and tobytes for them."""
    a_spec, b_spec = request['a'], request['b']
    a, built_a, owned_a, keep_a = build(a_spec, bytes.fromhex(a_spec.get('content', '')),
                                        a_spec.get('shape'))
    ma = memoryview(a)
    shape = b_spec['shape'] if b_spec.get('shape') is not None else list(ma.shape)
    count = 1
    for n in shape:
        count *= n
    itemsize = item_size(b_spec)
    content = ma.tobytes()[:count * itemsize]
    content += filler(count * itemsize - len(content), 5)
    if b_spec.get('content') is not None:
        content = bytes.fromhex(b_spec['content'])
    if b_spec.get('flip') is not None and content:
        k = b_spec['flip'][0] % len(content)
        content = content[:k] + bytes([content[k] ^ b_spec['flip'][1]]) + content[k + 1:]
    b, built_b, owned_b, keep_b = build(b_spec, content, shape)
    mb = memoryview(b)
    out = {'built': [built_a, built_b], 'views': []}
    ranges = []
    for m, owned in ((ma, owned_a), (mb, owned_b)):
        def fn(view):
            d = describe(view)
            d['format'] = view.format.decode('latin-1')
            d['readonly'] = view.readonly
            ranges.extend(owned if owned is not None else touched(view))
            return d
        out['views'].append(with_buffer(m, fn))
    out['regions'] = [[b0, ctypes.string_at(b0, e - b0).hex()] for b0, e in merge(ranges) if e > b0]

    def eq(x, y):
        return outcome(lambda: bool(x == y))
    out['eq'] = [eq(ma, mb), eq(mb, ma), eq(ma, ma), eq(mb, mb)]
    out['tolist'] = [outcome(lambda m=m: {'value': canonical(m.tolist())}) for m in (ma, mb)]
    out['tobytes'] = [{str(o): m.tobytes(order=o).hex() for o in ('C', 'F', 'A', None)}
                      for m in (ma, mb)]
    ma.release()
    mb.release()
    del keep_a, keep_b
    return out


def nd_fields(nd):
    return [nd.ndim, list(nd.shape), list(nd.strides), list(nd.suboffsets), nd.format,
            bool(nd.readonly), nd.itemsize, nd.nbytes]


def build_exporter(base, chain):
    kind = base['kind']
    if kind == 'bytes':
        ex = bytes(i % 256 for i in range(base['n']))
    elif kind == 'bytearray':
        ex = bytearray(i % 256 for i in range(base['n']))
    elif kind == 'array':
        ex = array.array(base['typecode'], range(base['n']))
    else:
        shape, fmt = base['shape'], base['format']
        count = 1
        for n in shape:
            count *= n
        items = [(i % 2 == 1) if fmt == '?' else i % 100 for i in range(max(count, 1))]
        flags = 0
        for name in base['flags']:
            flags |= getattr(_testbuffer, 'ND_' + name)
        ex = _testbuffer.ndarray(items if shape else items[0], shape=shape, format=fmt,
                                 flags=flags)
    for step in chain:
        if step['op'] == 'memoryview':
            ex = memoryview(ex)
        elif step['op'] == 'toreadonly':
            ex = ex.toreadonly()
        else:
            slices = tuple(slice(*s) for s in step['slices'])
            ex = ex[slices[0] if len(slices) == 1 else slices]
    return ex


def getbuf_case(request):
    ex = build_exporter(request['base'], request['chain'])
    out = {'full': nd_fields(_testbuffer.ndarray(ex, getbuf=PyBUF_FULL_RO))}
    out['is_contiguous'] = with_buffer(
        ex, lambda view: {o: bool(api.PyBuffer_IsContiguous(ctypes.byref(view), o.encode()))
                          for o in ORDERS})
    m = memoryview(ex)
    out['mv'] = [m.c_contiguous, m.f_contiguous]
    m.release()
    results = []
    for flags in range(0x400):
        try:
            results.append(nd_fields(_testbuffer.ndarray(ex, getbuf=flags)))
        except BufferError:
            results.append('BufferError')
        except Exception as e:
            results.append('%s: %s' % (type(e).__name__, e))
    out['getbuf'] = results
    return out


def answer(request):
    try:
        if request['op'] == 'numpy':
            out = numpy_case(request)
        elif request['op'] == 'getbuf':
            out = getbuf_case(request)
        elif request['op'] == 'pair':
            out = pair_case(request)
        else:
            out = pil_case(request)
        out['ok'] = True
        return out
    except Exception as e:  # every failure is an answer
        return {'ok': False, 'error': '%s: %s' % (type(e).__name__, e)}


for line in sys.stdin:
    sys.stdout.write(json.dumps(answer(json.loads(line))) + '\n')
    sys.stdout.flush()
