# cython: language_level=3
# A buffer exporter written in Cython, after Cython's "Implementing the buffer protocol"
# (docs.cython.org, userguide/buffer.html): a cdef class with __getbuffer__ and
# __releasebuffer__, keeping its shape and strides in the object. Unlike the docs' sketch, it
# honours the request flags as Doc/c-api/buffer.rst requires (format only with PyBUF_FORMAT,
# shape only with PyBUF_ND, strides only with PyBUF_STRIDES, BufferError for PyBUF_WRITABLE on
# a read-only matrix and for a contiguity it does not have). Like every Cython-generated
# exporter, it never writes view->internal: only the exporter reads that field.
from cpython.buffer cimport (PyBUF_FORMAT, PyBUF_ND, PyBUF_STRIDES, PyBUF_WRITABLE,
                             PyBUF_F_CONTIGUOUS)
from cpython.mem cimport PyMem_Malloc, PyMem_Free


cdef class Matrix:
    """rows x cols doubles 0.0, 1.0, ... in C order."""
    cdef double* data
    cdef Py_ssize_t shape[2]
    cdef Py_ssize_t strides[2]
    cdef readonly int exports
    cdef readonly bint readonly
    cdef object error  # what a refusal raises: BufferError, as the protocol requires

    def __cinit__(self, Py_ssize_t rows, Py_ssize_t cols, bint readonly=False,
                  error=BufferError):
        if rows < 0 or cols < 0:
            raise ValueError("negative extent")
        self.data = <double*>PyMem_Malloc(max(1, rows * cols) * sizeof(double))
        if self.data == NULL:
            raise MemoryError()
        for i in range(rows * cols):
            self.data[i] = i
        self.shape[0] = rows
        self.shape[1] = cols
        self.strides[0] = cols * sizeof(double)
        self.strides[1] = sizeof(double)
        self.readonly = readonly
        self.error = error

    def __dealloc__(self):
        PyMem_Free(self.data)

    def __getbuffer__(self, Py_buffer* buffer, int flags):
        cdef Py_ssize_t rows = self.shape[0], cols = self.shape[1]
        if (flags & PyBUF_WRITABLE) == PyBUF_WRITABLE and self.readonly:
            raise self.error("the matrix is read-only")
        # C order: Fortran-contiguous only when empty or a single row or column.
        if ((flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS
                and not (rows * cols == 0 or rows == 1 or cols == 1)):
            raise self.error("the matrix is not Fortran-contiguous")
        buffer.buf = <char*>self.data
        buffer.obj = self
        buffer.len = rows * cols * sizeof(double)
        buffer.itemsize = sizeof(double)
        buffer.readonly = self.readonly
        if (flags & PyBUF_FORMAT) == PyBUF_FORMAT:
            buffer.format = "d"
        else:
            buffer.format = NULL
        if (flags & PyBUF_ND) == PyBUF_ND:
            buffer.ndim = 2
            buffer.shape = self.shape
        else:
            buffer.ndim = 1
            buffer.shape = NULL
        buffer.strides = self.strides if (flags & PyBUF_STRIDES) == PyBUF_STRIDES else NULL
        buffer.suboffsets = NULL
        self.exports += 1

    def __releasebuffer__(self, Py_buffer* buffer):
        self.exports -= 1
