"""The ecosystem survey's factory for Cython (Debian cython3): make() returns what Cython
exports, built by build.sh (bufconf_cy, bufconf_cy_docs on the path).

- cython.view.array ('c' and 'fortran' mode; formats 'i', 'd', 'b'; the struct formats Cython
  writes for a C struct and a packed C struct; 1-d to 3-d; sizes 1 and n: view.array refuses
  an extent of 0, "Invalid shape in axis 0: 0.");
- Cython memoryview objects (_memoryviewslice: a typed memoryview returned to Python), whole,
  sliced, with negative steps, transposed, Fortran-contiguous, 3-d, empty, and read-only
  (const typed memoryviews over read-only exporters);
- the docs' buffer-protocol Matrix (a cdef class with __getbuffer__/__releasebuffer__, as
  "Implementing the buffer protocol" shows it), and a read-only variant.

Every expected content is computed here from the same value functions bufconf_cy.pyx writes
with (element at C-order index k of a fresh array holds value(k)); slicing and transposing are
modelled on flat C-order lists, without Cython or numpy.
"""
import itertools
import struct

import bufconf_cy
import bufconf_cy_docs


def _dvalue(k):
    return k * 0.5 - 3.0


def _ivalue(k):
    return k * 7 - 100


def _bvalue(k):
    return (k * 37) % 256 - 128


_VALUE = {"d": _dvalue, "i": _ivalue, "b": _bvalue}


def _prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


class _Grid:
    """An n-d array as (shape, flat values in C order), with the slicing Cython does."""

    def __init__(self, shape, flat):
        self.shape = tuple(shape)
        self.flat = list(flat)
        assert len(self.flat) == _prod(self.shape)

    @classmethod
    def fresh(cls, shape, value):
        return cls(shape, [value(k) for k in range(_prod(shape))])

    def _at(self, index):
        k = 0
        for i, n in zip(index, self.shape):
            k = k * n + i
        return self.flat[k]

    def __getitem__(self, key):
        if not isinstance(key, tuple):
            key = (key,)
        key = key + (slice(None),) * (len(self.shape) - len(key))
        axes = []
        shape = []
        for k, n in zip(key, self.shape):
            if isinstance(k, int):
                axes.append([k])
            else:
                r = list(range(*k.indices(n)))
                axes.append(r)
                shape.append(len(r))
        return _Grid(shape, [self._at(ix) for ix in itertools.product(*axes)])

    @property
    def T(self):
        shape = self.shape[::-1]
        return _Grid(shape, [self._at(ix[::-1])
                             for ix in itertools.product(*[range(n) for n in shape])])

    def expected(self, fmt):
        size = struct.calcsize(fmt)
        return {"format": fmt, "shape": self.shape,
                "items": struct.pack("%d%s" % (len(self.flat), fmt), *self.flat),
                "itemsize": size}


def _records(n, pack, fmt, size):
    fields = _REC_FIELDS[pack]
    items = b"".join(struct.pack(pack, *[f(k) for f in fields]) for k in range(n))
    assert len(items) == n * size
    return {"format": fmt, "shape": (n,), "items": items, "itemsize": size}


# struct.pack formats laid out as Cython's structs are (native, with C's padding):
# Rec {int a; double b; signed char c;} = 24 bytes; packed PackedRec {signed char c; int i;
# double d;} = 13 bytes.
_REC_PACK = "@idb7x"
_PACKED_PACK = "=bid"
_REC_FIELDS = {_REC_PACK: (_ivalue, _dvalue, _bvalue),
               _PACKED_PACK: (_bvalue, _ivalue, _dvalue)}


def _view_arrays():
    out = []
    # Every shape for 'i'; a few for 'd' and 'b' (the getter does not look at the format).
    shapes = {"i": [(1,), (7,), (1, 1), (3, 4), (2, 3, 4), (1, 5, 1)],
              "d": [(1,), (3, 4), (2, 3, 4)],
              "b": [(7,), (1, 5, 1), (3, 4)]}
    for fmt in ("i", "d", "b"):
        for mode in ("c", "fortran"):
            for shape in shapes[fmt]:
                arr = bufconf_cy.view_array(shape, fmt, mode)
                desc = "view.array(shape=%r, format=%r, mode=%r)" % (shape, fmt, mode)
                out.append((desc, arr, _Grid.fresh(shape, _VALUE[fmt]).expected(fmt)))
    rec_size, packed_size = bufconf_cy.record_sizes()
    for n in (1, 5):
        arr = bufconf_cy.record_array(n)
        fmt = memoryview(arr).format
        out.append(("view.array from <Rec[:%d]> ptr, format %s" % (n, fmt), arr,
                    _records(n, _REC_PACK, fmt, rec_size)))
        arr = bufconf_cy.packed_record_array(n)
        fmt = memoryview(arr).format
        out.append(("view.array from <PackedRec[:%d]> ptr, format %s" % (n, fmt), arr,
                    _records(n, _PACKED_PACK, fmt, packed_size)))
    return out


def _memoryviews():
    out = []
    for rows, cols in ((1, 1), (3, 4), (4, 5)):
        base = _Grid.fresh((rows, cols), _dvalue)
        cases = [("full", base), ("[::2, 1:]", base[::2, 1:]), ("[::-1]", base[::-1]),
                 ("[::-1, ::-2]", base[::-1, ::-2]), (".T", base.T), ("[1:1]", base[1:1]),
                 ("fortran", base), ("fortran.T", base.T)]
        if rows > 1 and cols > 1:
            cases += [("[1]", base[1]), ("[:, 1]", base[:, 1])]
        for how, grid in cases:
            mv = bufconf_cy.memview(rows, cols, how)
            if how.startswith("fortran"):
                desc = "_memoryviewslice double[::1, :] %dx%d%s" % (rows, cols,
                                                                    how[len("fortran"):])
            else:
                desc = "_memoryviewslice double[:, :] %dx%d%s" % (
                    rows, cols, "" if how == "full" else how)
            out.append((desc, mv, grid.expected("d")))
    for a, b, c in ((1, 1, 1), (2, 3, 4)):
        base = _Grid.fresh((a, b, c), _ivalue)
        for how, grid in (("full", base), ("[:, ::-1, 1:]", base[:, ::-1, 1:]),
                          (".T", base.T)):
            mv = bufconf_cy.memview3(a, b, c, how)
            desc = "_memoryviewslice int[:, :, :] %dx%dx%d%s" % (
                a, b, c, "" if how == "full" else how)
            out.append((desc, mv, grid.expected("i")))
    return out


def _read_only():
    out = []
    for n in (0, 1, 6):
        values = [_dvalue(k) for k in range(n)]
        data = struct.pack("%dd" % n, *values)
        mv = bufconf_cy.const_doubles(memoryview(data).cast("d"))
        out.append({"description": "_memoryviewslice const double[:] over bytes, %d items" % n,
                    "object": mv,
                    "expected": _Grid((n,), values).expected("d"), "memory": data})
    data = struct.pack("6d", *[_dvalue(k) for k in range(6)])
    mv = bufconf_cy.const_doubles_step(memoryview(data).cast("d"))
    out.append({"description": "_memoryviewslice const double[:] over bytes, 6 items[::-2]",
                "object": mv,
                "expected": _Grid.fresh((6,), _dvalue)[::-2].expected("d"), "memory": data})
    for n in (0, 1, 8):
        data = bytes((k * 11) % 256 for k in range(n))
        out.append({"description":
                    "_memoryviewslice const unsigned char[:] over bytes, %d items" % n,
                    "object": bufconf_cy.const_bytes(data),
                    "expected": {"format": "B", "shape": (n,), "items": data, "itemsize": 1},
                    "memory": data})
    data = struct.pack("12d", *[_dvalue(k) for k in range(12)])
    mv = bufconf_cy.const_matrix(memoryview(data).cast("B").cast("d", (3, 4)))
    out.append({"description": "_memoryviewslice const double[:, :] 3x4 over bytes", "object": mv,
                "expected": _Grid.fresh((3, 4), _dvalue).expected("d"), "memory": data})
    data = bytearray(range(5))
    out.append({"description": "_memoryviewslice unsigned char[:] over bytearray, 5 items",
                "object": bufconf_cy.writable_bytes(data),
                "expected": {"format": "B", "shape": (5,), "items": bytes(data)},
                "memory": data})
    return out


def _docs_matrices():
    out = []
    for cls in (bufconf_cy_docs.Matrix, bufconf_cy_docs.ReadOnlyMatrix):
        for ncols, nrows in ((3, 0), (1, 1), (4, 3), (1, 5)):
            m = cls(ncols, nrows)
            grid = _Grid((nrows, ncols), [k * 1.5 - 2 for k in range(nrows * ncols)])
            out.append(("docs %s(ncols=%d) with %d rows" % (cls.__name__, ncols, nrows), m,
                        grid.expected("f")))
    return out


def make():
    return _view_arrays() + _memoryviews() + _read_only() + _docs_matrices()
