# cython: language_level=3, boundscheck=False, wraparound=False
# The ecosystem survey's Cython objects (conformance/adapters/python/ecosystem/cython): what
# Cython itself exports, built with Debian's cython3 and the C compiler (build.sh).
#
# - cython.view.array in 'c' and 'fortran' mode, formats 'i', 'd', 'b' and the struct formats
#   Cython writes for a C struct (a plain one and a packed one), 1-d to 3-d. The values are
#   written here through the array's data pointer at each element's address in the array's own
#   order; element (i0, i1, ...) holds value(format, c_index), c_index being its C-order
#   position, so the factory computes the expected contents in C order without Cython.
# - typed memoryviews returned to Python (Cython's _memoryviewslice): double[:, :], slices
#   with steps and negative steps, .T, double[::1, :], int[:, :, :], and read-only
#   const double[:] / const unsigned char[:] / const double[:, :] over read-only exporters.
from cython cimport view
from libc.stdlib cimport malloc, free

cdef struct Rec:
    int a
    double b
    signed char c

cdef packed struct PackedRec:
    signed char c
    int i
    double d


cdef double dvalue(Py_ssize_t k):
    return k * 0.5 - 3.0

cdef int ivalue(Py_ssize_t k):
    return <int>(k * 7 - 100)

cdef signed char bvalue(Py_ssize_t k):
    return <signed char>((k * 37) % 256 - 128)


def view_array(tuple shape, str fmt, str mode):
    """A cython.view.array of `shape` ('c' or 'fortran' mode), format 'i', 'd' or 'b', element
    at C-order index k holding ivalue/dvalue/bvalue(k)."""
    cdef Py_ssize_t itemsize
    if fmt == 'i':
        itemsize = sizeof(int)
    elif fmt == 'd':
        itemsize = sizeof(double)
    elif fmt == 'b':
        itemsize = sizeof(signed char)
    else:
        raise ValueError(fmt)
    cdef view.array arr = view.array(shape=shape, itemsize=itemsize, format=fmt, mode=mode)
    cdef Py_ssize_t n = 1, k, rest, off, idx, stride, d
    cdef Py_ssize_t nd = len(shape)
    for d in range(nd):
        n *= <Py_ssize_t>shape[d]
    for k in range(n):
        # element's multi-index from its C-order position, then its memory offset
        rest = k
        off = 0
        if mode == 'c':
            off = k
        else:
            stride = 1
            # Fortran offset: sum(idx[d] * prod(shape[:d]))
            # idx from C order: last dimension varies fastest
            off = 0
            for d in range(nd - 1, -1, -1):
                idx = rest % <Py_ssize_t>shape[d]
                rest //= <Py_ssize_t>shape[d]
                # stride of dimension d in Fortran order
                stride = 1
                for e in range(d):
                    stride *= <Py_ssize_t>shape[e]
                off += idx * stride
        if fmt == 'i':
            (<int*>arr.data)[off] = ivalue(k)
        elif fmt == 'd':
            (<double*>arr.data)[off] = dvalue(k)
        else:
            (<signed char*>arr.data)[off] = bvalue(k)
    return arr


def record_array(Py_ssize_t n):
    """A cython.view.array of n Rec structs made as Cython's docs show (a pointer cast to a
    typed memoryview, callback_free_data = free): the format is the one Cython writes for the
    struct. Rec k = {a: ivalue(k), b: dvalue(k), c: bvalue(k)}."""
    cdef Rec* p = <Rec*>malloc(n * sizeof(Rec))
    if p == NULL:
        raise MemoryError()
    cdef Py_ssize_t k
    for k in range(n):
        p[k].a = ivalue(k)
        p[k].b = dvalue(k)
        p[k].c = bvalue(k)
    cdef view.array arr = <Rec[:n]> p
    arr.callback_free_data = free
    return arr


def packed_record_array(Py_ssize_t n):
    """As record_array, for a packed struct (PackedRec k = {c: bvalue(k), i: ivalue(k),
    d: dvalue(k)})."""
    cdef PackedRec* p = <PackedRec*>malloc(n * sizeof(PackedRec))
    if p == NULL:
        raise MemoryError()
    cdef Py_ssize_t k
    for k in range(n):
        p[k].c = bvalue(k)
        p[k].i = ivalue(k)
        p[k].d = dvalue(k)
    cdef view.array arr = <PackedRec[:n]> p
    arr.callback_free_data = free
    return arr


def record_sizes():
    return sizeof(Rec), sizeof(PackedRec)


cdef double[:, :] _matrix(Py_ssize_t rows, Py_ssize_t cols, str mode):
    """rows x cols doubles, element (i, j) = dvalue(i * cols + j), written through a typed
    memoryview over a new cython.view.array."""
    cdef double[:, :] mv = view.array(shape=(rows, cols), itemsize=sizeof(double), format="d",
                                      mode=mode)
    cdef Py_ssize_t i, j
    for i in range(rows):
        for j in range(cols):
            mv[i, j] = dvalue(i * cols + j)
    return mv


cdef object _matrix_object(Py_ssize_t rows, Py_ssize_t cols, str mode):
    return _matrix(rows, cols, mode)


def memview(Py_ssize_t rows, Py_ssize_t cols, str how):
    """A typed memoryview double[:, :] returned to Python (a _memoryviewslice), sliced as
    `how` says."""
    cdef double[:, :] mv = _matrix(rows, cols, 'c')
    cdef double[::1, :] fmv
    if how == "full":
        return mv
    if how == "[::2, 1:]":
        return mv[::2, 1:]
    if how == "[::-1]":
        return mv[::-1]
    if how == "[::-1, ::-2]":
        return mv[::-1, ::-2]
    if how == ".T":
        return mv.T
    if how == "[1:1]":
        return mv[1:1]
    if how == "[1]":
        return mv[1]
    if how == "[:, 1]":
        return mv[:, 1]
    if how == "fortran":
        fmv = _matrix_object(rows, cols, 'fortran')
        return fmv
    if how == "fortran.T":
        fmv = _matrix_object(rows, cols, 'fortran')
        return fmv.T
    raise ValueError(how)


def memview3(Py_ssize_t a, Py_ssize_t b, Py_ssize_t c, str how):
    """int[:, :, :] over a new cython.view.array, element (i, j, k) = ivalue(C index)."""
    cdef int[:, :, :] mv = view.array(shape=(a, b, c), itemsize=sizeof(int), format="i")
    cdef Py_ssize_t i, j, k
    for i in range(a):
        for j in range(b):
            for k in range(c):
                mv[i, j, k] = ivalue((i * b + j) * c + k)
    if how == "full":
        return mv
    if how == "[:, ::-1, 1:]":
        return mv[:, ::-1, 1:]
    if how == ".T":
        return mv.T
    raise ValueError(how)


def const_doubles(data):
    """const double[:] over a read-only exporter (bytes): a read-only typed memoryview."""
    cdef const double[:] mv = data
    return mv


def const_doubles_step(data):
    cdef const double[:] mv = data
    return mv[::-2]


def const_bytes(data):
    cdef const unsigned char[:] mv = data
    return mv


def const_matrix(data):
    """const double[:, :] over a read-only 2-d exporter (a memoryview cast of bytes)."""
    cdef const double[:, :] mv = data
    return mv


def writable_bytes(data):
    """unsigned char[:] over a writable exporter (a bytearray)."""
    cdef unsigned char[:] mv = data
    return mv
