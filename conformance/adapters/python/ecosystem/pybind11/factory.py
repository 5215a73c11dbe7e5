"""The ecosystem survey's factory for pybind11 (Debian pybind11-dev): make() returns objects
of classes declared with py::class_<T>(m, "T", py::buffer_protocol()).def_buffer(...), built
by build.sh (bufconf_pb11 on the path), each in sizes 0, 1 and n:

- Matrix: the docs' row-major float matrix;
- Transposed: a float matrix exported with swapped strides (column-major storage);
- EveryOtherRow: every other row of a float matrix (row stride doubled: not contiguous);
- ReadOnlyMatrix: doubles, py::buffer_info(..., /*readonly=*/true);
- Tensor3: a 3-d C-order double array;
- Records: a struct {int32 a; double b;} with a hand-written format, "T{i:a:d:b:}" or "id"
  (py::format_descriptor of a struct needs PYBIND11_NUMPY_DTYPE, i.e. numpy);
- Bytes, Int64s, Complexes: 1-d vectors of uint8, int64, std::complex<double> (format from
  py::format_descriptor<T>: "B", "q", "Zd").

The expected contents are computed here from the value functions bufconf_pb11.cpp fills with
(element at C-order index k holds value(k)).
"""
import struct

import bufconf_pb11


def _prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _expected(fmt, shape, values):
    values = list(values)
    assert len(values) == _prod(shape)
    return {"format": fmt, "shape": tuple(shape),
            "items": struct.pack("%d%s" % (len(values), fmt), *values),
            "itemsize": struct.calcsize(fmt)}


def _float(k):
    return k * 0.25 - 1


def _double(k):
    return k * 0.5 - 3


def _int64(k):
    v = k * 1000003 - 7
    return -v * 1000000007 if k % 2 else v


def _uint8(k):
    return (k * 37 + 5) % 256


def make():
    out = []
    for rows, cols in ((0, 3), (3, 0), (1, 1), (3, 4), (1, 5), (5, 1)):
        n = rows * cols
        floats = [_float(k) for k in range(n)]
        out.append(("Matrix(%d, %d)" % (rows, cols), bufconf_pb11.Matrix(rows, cols),
                    _expected("f", (rows, cols), floats)))
        out.append(("Transposed(%d, %d)" % (rows, cols), bufconf_pb11.Transposed(rows, cols),
                    _expected("f", (rows, cols), floats)))
        out.append(("EveryOtherRow(%d, %d)" % (rows, cols), bufconf_pb11.EveryOtherRow(rows, cols),
                    _expected("f", (rows, cols), floats)))
        out.append(("ReadOnlyMatrix(%d, %d)" % (rows, cols),
                    bufconf_pb11.ReadOnlyMatrix(rows, cols),
                    _expected("d", (rows, cols), [_double(k) for k in range(n)])))
    for shape in ((0, 2, 3), (1, 1, 1), (2, 3, 4), (4, 1, 2)):
        out.append(("Tensor3%r" % (shape,), bufconf_pb11.Tensor3(*shape),
                    _expected("d", shape, [_double(k) for k in range(_prod(shape))])))
    for n in (0, 1, 7):
        for fmt in ("T{i:a:d:b:}", "id"):
            items = b"".join(struct.pack("@id", k * 7 - 100, _double(k)) for k in range(n))
            out.append(("Records(%d, %r)" % (n, fmt), bufconf_pb11.Records(n, fmt),
                        {"format": fmt, "shape": (n,), "items": items, "itemsize": 16}))
        out.append(("Bytes(%d)" % n, bufconf_pb11.Bytes(n),
                    _expected("B", (n,), [_uint8(k) for k in range(n)])))
        out.append(("Int64s(%d)" % n, bufconf_pb11.Int64s(n),
                    _expected("q", (n,), [_int64(k) for k in range(n)])))
        pairs = [x for k in range(n) for x in (float(k), -k / 2.0)]
        out.append(("Complexes(%d)" % n, bufconf_pb11.Complexes(n),
                    {"format": "Zd", "shape": (n,), "items": struct.pack("%dd" % (2 * n), *pairs),
                     "itemsize": 16}))
    return out
