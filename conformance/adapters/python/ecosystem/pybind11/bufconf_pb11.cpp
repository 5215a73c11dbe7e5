// The ecosystem survey's pybind11 objects (conformance/adapters/python/ecosystem/pybind11):
// classes exported with py::class_<T>(m, "T", py::buffer_protocol()).def_buffer(...), as
// pybind11's docs show ("Buffer protocol", docs/advanced/pycpp/numpy.rst), built without numpy
// (pybind11.h and complex.h only) by build.sh.
//
// Every element's value is a function of its C-order index k in the exported (logical) array,
// so the factory computes the expected contents in Python:
//   float  k * 0.25 - 1      double k * 0.5 - 3      int64 k * 1000003 - 7 (sign flips)
//   uint8  (k * 37 + 5) % 256      complex<double> (k, -k / 2)
//   record {int32 a = k * 7 - 100; double b = k * 0.5 - 3}
#include <pybind11/complex.h>
#include <pybind11/pybind11.h>

#include <complex>
#include <cstdint>
#include <string>
#include <vector>

namespace py = pybind11;

namespace {

// The docs' example: a row-major float matrix.
class Matrix {
 public:
  Matrix(py::ssize_t rows, py::ssize_t cols) : rows_(rows), cols_(cols), data_(rows * cols) {
    for (py::ssize_t k = 0; k < rows * cols; ++k) data_[k] = static_cast<float>(k * 0.25 - 1);
  }
  float* data() { return data_.data(); }
  py::ssize_t rows() const { return rows_; }
  py::ssize_t cols() const { return cols_; }

 private:
  py::ssize_t rows_, cols_;
  std::vector<float> data_;
};

// A rows x cols float matrix stored column by column: it exports its logical (row-major)
// shape with the swapped strides of a transpose, {4, 4 * rows}. Element (i, j) holds the
// value of C index k = i * cols + j.
class Transposed {
 public:
  Transposed(py::ssize_t rows, py::ssize_t cols) : rows_(rows), cols_(cols), data_(rows * cols) {
    for (py::ssize_t i = 0; i < rows; ++i)
      for (py::ssize_t j = 0; j < cols; ++j)
        data_[j * rows + i] = static_cast<float>((i * cols + j) * 0.25 - 1);
  }
  py::buffer_info buffer() {
    return py::buffer_info(data_.data(), sizeof(float), py::format_descriptor<float>::format(), 2,
                           {rows_, cols_},
                           {static_cast<py::ssize_t>(sizeof(float)),
                            static_cast<py::ssize_t>(sizeof(float)) * rows_});
  }

 private:
  py::ssize_t rows_, cols_;
  std::vector<float> data_;
};

// Every other row of a (2 * rows) x cols float matrix: strides {2 * 4 * cols, 4}, neither C-
// nor Fortran-contiguous once rows > 1 and cols > 1. Exported element (i, j) holds the value of
// C index k = i * cols + j; the skipped rows hold 999.
class EveryOtherRow {
 public:
  EveryOtherRow(py::ssize_t rows, py::ssize_t cols)
      : rows_(rows), cols_(cols), data_(2 * rows * cols, 999.0f) {
    for (py::ssize_t i = 0; i < rows; ++i)
      for (py::ssize_t j = 0; j < cols; ++j)
        data_[2 * i * cols + j] = static_cast<float>((i * cols + j) * 0.25 - 1);
  }
  py::buffer_info buffer() {
    const py::ssize_t f = sizeof(float);
    return py::buffer_info(data_.data(), f, py::format_descriptor<float>::format(), 2,
                           {rows_, cols_}, {2 * f * cols_, f});
  }

 private:
  py::ssize_t rows_, cols_;
  std::vector<float> data_;
};

// A read-only row-major double matrix: py::buffer_info(..., /*readonly=*/true).
class ReadOnlyMatrix {
 public:
  ReadOnlyMatrix(py::ssize_t rows, py::ssize_t cols)
      : rows_(rows), cols_(cols), data_(rows * cols) {
    for (py::ssize_t k = 0; k < rows * cols; ++k) data_[k] = k * 0.5 - 3;
  }
  py::buffer_info buffer() {
    return py::buffer_info(data_.data(), sizeof(double), py::format_descriptor<double>::format(),
                           2, {rows_, cols_},
                           {static_cast<py::ssize_t>(sizeof(double)) * cols_,
                            static_cast<py::ssize_t>(sizeof(double))},
                           /*readonly=*/true);
  }

 private:
  py::ssize_t rows_, cols_;
  std::vector<double> data_;
};

// A 1-d vector of T: the buffer_info(T*, py::ssize_t) constructor (format from
// py::format_descriptor<T>).
template <typename T>
class Vector {
 public:
  template <typename F>
  Vector(py::ssize_t n, F value) : data_(n) {
    for (py::ssize_t k = 0; k < n; ++k) data_[k] = value(k);
  }
  py::buffer_info buffer() {
    return py::buffer_info(data_.data(), static_cast<py::ssize_t>(data_.size()));
  }

 private:
  std::vector<T> data_;
};

using Bytes = Vector<std::uint8_t>;
using Int64s = Vector<std::int64_t>;
using Complexes = Vector<std::complex<double>>;

// A 3-d C-order double array.
class Tensor3 {
 public:
  Tensor3(py::ssize_t a, py::ssize_t b, py::ssize_t c) : shape_{a, b, c}, data_(a * b * c) {
    for (py::ssize_t k = 0; k < a * b * c; ++k) data_[k] = k * 0.5 - 3;
  }
  py::buffer_info buffer() {
    const py::ssize_t d = sizeof(double);
    return py::buffer_info(data_.data(), d, py::format_descriptor<double>::format(), 3, shape_,
                           {shape_[1] * shape_[2] * d, shape_[2] * d, d});
  }

 private:
  std::vector<py::ssize_t> shape_;
  std::vector<double> data_;
};

// A record type. py::format_descriptor of a struct needs PYBIND11_NUMPY_DTYPE (numpy.h, which
// needs numpy at run time), so the format is written by hand, as pybind11's buffer_info allows:
// "T{i:a:d:b:}" or its unnamed spelling "id" (native alignment: 4 bytes of padding after a).
struct Record {
  std::int32_t a;
  double b;
};
static_assert(sizeof(Record) == 16, "Record: int32, 4 bytes of padding, double");

class Records {
 public:
  Records(py::ssize_t n, std::string format) : format_(std::move(format)), data_(n) {
    // data_(n) value-initializes: the padding is zero too.
    for (py::ssize_t k = 0; k < n; ++k) {
      data_[k].a = static_cast<std::int32_t>(k * 7 - 100);
      data_[k].b = k * 0.5 - 3;
    }
  }
  py::buffer_info buffer() {
    return py::buffer_info(data_.data(), sizeof(Record), format_, 1,
                           {static_cast<py::ssize_t>(data_.size())},
                           {static_cast<py::ssize_t>(sizeof(Record))});
  }

 private:
  std::string format_;
  std::vector<Record> data_;
};

}  // namespace

PYBIND11_MODULE(bufconf_pb11, m) {
  m.doc() = "bufconf's pybind11 buffer exporters (conformance/adapters/python/ecosystem/pybind11)";

  // The docs' example, as written there.
  py::class_<Matrix>(m, "Matrix", py::buffer_protocol())
      .def(py::init<py::ssize_t, py::ssize_t>())
      .def_buffer([](Matrix& m) -> py::buffer_info {
        return py::buffer_info(
            m.data(),                               /* Pointer to buffer */
            sizeof(float),                          /* Size of one scalar */
            py::format_descriptor<float>::format(), /* Python struct-style format descriptor */
            2,                                      /* Number of dimensions */
            {m.rows(), m.cols()},                   /* Buffer dimensions */
            {sizeof(float) * m.cols(),              /* Strides (in bytes) for each index */
             sizeof(float)});
      });

  py::class_<Transposed>(m, "Transposed", py::buffer_protocol())
      .def(py::init<py::ssize_t, py::ssize_t>())
      .def_buffer(&Transposed::buffer);
  py::class_<EveryOtherRow>(m, "EveryOtherRow", py::buffer_protocol())
      .def(py::init<py::ssize_t, py::ssize_t>())
      .def_buffer(&EveryOtherRow::buffer);
  py::class_<ReadOnlyMatrix>(m, "ReadOnlyMatrix", py::buffer_protocol())
      .def(py::init<py::ssize_t, py::ssize_t>())
      .def_buffer(&ReadOnlyMatrix::buffer);
  py::class_<Tensor3>(m, "Tensor3", py::buffer_protocol())
      .def(py::init<py::ssize_t, py::ssize_t, py::ssize_t>())
      .def_buffer(&Tensor3::buffer);
  py::class_<Records>(m, "Records", py::buffer_protocol())
      .def(py::init<py::ssize_t, std::string>())
      .def_buffer(&Records::buffer);
  py::class_<Bytes>(m, "Bytes", py::buffer_protocol())
      .def(py::init([](py::ssize_t n) {
        return new Bytes(n, [](py::ssize_t k) {
          return static_cast<std::uint8_t>((k * 37 + 5) % 256);
        });
      }))
      .def_buffer(&Bytes::buffer);
  py::class_<Int64s>(m, "Int64s", py::buffer_protocol())
      .def(py::init([](py::ssize_t n) {
        return new Int64s(n, [](py::ssize_t k) {
          std::int64_t v = static_cast<std::int64_t>(k) * 1000003 - 7;
          return (k % 2) ? -v * 1000000007LL : v;
        });
      }))
      .def_buffer(&Int64s::buffer);
  py::class_<Complexes>(m, "Complexes", py::buffer_protocol())
      .def(py::init([](py::ssize_t n) {
        return new Complexes(n, [](py::ssize_t k) {
          return std::complex<double>(static_cast<double>(k), -k / 2.0);
        });
      }))
      .def_buffer(&Complexes::buffer);
}
