# cython: language_level=3
# distutils: language = c++
# Cython's "Implementing the buffer protocol" example (docs.cython.org, src/userguide/buffer.rst,
# examples/userguide/buffer/matrix.pyx), as the docs show it: a cdef class over a
# libcpp vector[float] whose __getbuffer__ fills every field whatever the request flags are, and
# an empty __releasebuffer__. Two additions, so the survey has values and sizes to check:
# __cinit__ takes the number of rows too and fill() writes element k = k * 1.5 - 2.
# ReadOnlyMatrix is the same pattern with buffer.readonly = 1; it refuses PyBUF_WRITABLE with
# BufferError, the one check a read-only exporter cannot do without (the docs' example is
# writable and checks nothing).
from cpython cimport Py_buffer
from cpython.buffer cimport PyBUF_WRITABLE
from libcpp.vector cimport vector


cdef class Matrix:
    cdef Py_ssize_t ncols
    cdef Py_ssize_t shape[2]
    cdef Py_ssize_t strides[2]
    cdef vector[float] v

    def __cinit__(self, Py_ssize_t ncols, Py_ssize_t nrows=0):
        self.ncols = ncols
        for _ in range(nrows):
            self.add_row()
        self.fill()

    def add_row(self):
        """Adds a row, initially zero-filled."""
        self.v.resize(self.v.size() + self.ncols)

    def fill(self):
        cdef size_t k
        for k in range(self.v.size()):
            self.v[k] = k * 1.5 - 2

    def __getbuffer__(self, Py_buffer *buffer, int flags):
        cdef Py_ssize_t itemsize = sizeof(self.v[0])

        self.shape[0] = self.v.size() // self.ncols
        self.shape[1] = self.ncols

        # Stride 1 is the distance, in bytes, between two items in a row;
        # this is the distance between two adjacent items in the vector.
        # Stride 0 is the distance between the first elements of adjacent rows.
        self.strides[1] = <Py_ssize_t>(  <char *>&(self.v[1])
                                       - <char *>&(self.v[0]))
        self.strides[0] = self.ncols * self.strides[1]

        buffer.buf = <char *>&(self.v[0])
        buffer.format = 'f'                     # float
        buffer.internal = NULL                  # see References
        buffer.itemsize = itemsize
        buffer.len = self.v.size() * itemsize   # product(shape) * itemsize
        buffer.ndim = 2
        buffer.obj = self
        buffer.readonly = 0
        buffer.shape = self.shape
        buffer.strides = self.strides
        buffer.suboffsets = NULL                # for pointer arrays only

    def __releasebuffer__(self, Py_buffer *buffer):
        pass


cdef class ReadOnlyMatrix:
    cdef Py_ssize_t ncols
    cdef Py_ssize_t shape[2]
    cdef Py_ssize_t strides[2]
    cdef vector[float] v

    def __cinit__(self, Py_ssize_t ncols, Py_ssize_t nrows=0):
        self.ncols = ncols
        self.v.resize(nrows * ncols)
        cdef size_t k
        for k in range(self.v.size()):
            self.v[k] = k * 1.5 - 2

    def __getbuffer__(self, Py_buffer *buffer, int flags):
        cdef Py_ssize_t itemsize = sizeof(self.v[0])
        if (flags & PyBUF_WRITABLE) == PyBUF_WRITABLE:
            raise BufferError("ReadOnlyMatrix is read-only")

        self.shape[0] = self.v.size() // self.ncols
        self.shape[1] = self.ncols
        self.strides[1] = <Py_ssize_t>(  <char *>&(self.v[1])
                                       - <char *>&(self.v[0]))
        self.strides[0] = self.ncols * self.strides[1]

        buffer.buf = <char *>&(self.v[0])
        buffer.format = 'f'
        buffer.internal = NULL
        buffer.itemsize = itemsize
        buffer.len = self.v.size() * itemsize
        buffer.ndim = 2
        buffer.obj = self
        buffer.readonly = 1
        buffer.shape = self.shape
        buffer.strides = self.strides
        buffer.suboffsets = NULL

    def __releasebuffer__(self, Py_buffer *buffer):
        pass
