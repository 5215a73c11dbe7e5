/* bufconf_example: a small buffer exporter written in C, with defects you can switch on.
 *
 *     Matrix(rows, cols, defect=None, readonly=False)
 *
 * holds rows x cols int32 values 0, 1, ..., rows*cols-1 in C order (format "i", itemsize 4) and
 * exports them through the buffer protocol (bf_getbuffer / bf_releasebuffer). Without a defect
 * it answers every request as PEP 3118 and Doc/c-api/buffer.rst require (docs/layouts.md,
 * "Requests"); `bufconf run --adapter python --factory factory:correct` passes.
 *
 * `defect` selects one deliberate bug, each breaking a different rule of the suite:
 *
 *   "ignore_writable"      grants PyBUF_WRITABLE on a read-only matrix     REQ-WRITABLE
 *   "wrong_strides"        reports the strides of the transposed layout    REQ-CONTENTS
 *                          (and judges requests by them, consistently)
 *   "format_without_flag"  fills format even without PyBUF_FORMAT          REQ-FORMAT-NULL
 *   "ignore_fortran"       grants PyBUF_F_CONTIGUOUS on a C-order matrix   REQ-F-CONTIGUOUS
 *   "len_in_items"         reports len in items instead of bytes           LAYOUT-LEN
 *   "short_format"         reports format "h" (2 bytes) for 4-byte items   FORMAT-SIZE
 *
 * Build (Bazel): bazel build //examples/exporter:bufconf_example.so
 * or by hand:   cc -shared -fPIC $(python3-config --includes) bufconf_example.c \
 *                  -o bufconf_example.so
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

// CPython 3.9 (the oldest the CI guide's version matrix builds for) has no immutable-type flag
// (3.10); the type works the same without it. 3.8 cannot build this module: its heap types have
// no buffer slots (Py_bf_getbuffer is 3.9).
#ifndef Py_TPFLAGS_IMMUTABLETYPE
#define Py_TPFLAGS_IMMUTABLETYPE 0
#endif

typedef enum {
  DEFECT_NONE = 0,
  DEFECT_IGNORE_WRITABLE,
  DEFECT_WRONG_STRIDES,
  DEFECT_FORMAT_WITHOUT_FLAG,
  DEFECT_IGNORE_FORTRAN,
  DEFECT_LEN_IN_ITEMS,
  DEFECT_SHORT_FORMAT,
  DEFECT_COUNT
} Defect;

static const char *const kDefectNames[DEFECT_COUNT] = {
    NULL,           "ignore_writable", "wrong_strides", "format_without_flag", "ignore_fortran",
    "len_in_items", "short_format",
};

typedef struct {
  PyObject ob_base; /* PyObject_HEAD */
  int32_t *data;    /* rows * cols values, C order (at least 1 byte allocated) */
  Py_ssize_t shape[2];
  Py_ssize_t strides[2];       /* C strides: {cols * 4, 4} */
  Py_ssize_t wrong_strides[2]; /* the transposed layout's: {4, rows * 4} ("wrong_strides") */
  int readonly;
  Defect defect;
  Py_ssize_t exports; /* buffers got and not yet released */
} Matrix;

/* "flags contains request": every bit of it is set (CPython's REQ_* macros). */
static int has(int flags, int request) { return (flags & request) == request; }

static Py_ssize_t item_count(const Matrix *self) { return self->shape[0] * self->shape[1]; }

/* The strides the matrix reports: its C strides, or the transposed layout's with the defect. */
static Py_ssize_t *reported_strides(Matrix *self) {
  return self->defect == DEFECT_WRONG_STRIDES ? self->wrong_strides : self->strides;
}

/* Whether shape and strides describe a contiguous block in `order` 'C' or 'F': every dimension
 * of extent > 1 has the stride of a packed layout in that order (PyBuffer_IsContiguous). The
 * matrix judges requests by the strides it reports, so a wrong stride is at least consistent. */
static int contiguous(Matrix *self, char order) {
  const Py_ssize_t *strides = reported_strides(self);
  Py_ssize_t expected = sizeof(int32_t);
  if (item_count(self) == 0) return 1;
  for (int k = 0; k < 2; ++k) {
    const int i = order == 'C' ? 1 - k : k;
    if (self->shape[i] > 1 && strides[i] != expected) return 0;
    expected *= self->shape[i];
  }
  return 1;
}

static int matrix_getbuffer(PyObject *obj, Py_buffer *view, int flags) {
  Matrix *self = (Matrix *)obj;
  static char format_i[] = "i";
  static char format_h[] = "h";
  if (view == NULL) {
    PyErr_SetString(PyExc_BufferError, "NULL view in getbuffer");
    return -1;
  }
  /* PyBUF_READ / PyBUF_WRITE are not request flags (CPython >= 3.13 raises SystemError). */
  if (flags == PyBUF_READ || flags == PyBUF_WRITE) {
    PyErr_SetString(PyExc_BufferError, "PyBUF_READ / PyBUF_WRITE are not getbuffer flags");
    return -1;
  }
  if (has(flags, PyBUF_WRITABLE) && self->readonly && self->defect != DEFECT_IGNORE_WRITABLE) {
    PyErr_SetString(PyExc_BufferError, "Matrix is read-only");
    return -1;
  }
  if (has(flags, PyBUF_C_CONTIGUOUS) && !contiguous(self, 'C')) {
    PyErr_SetString(PyExc_BufferError, "Matrix is not C-contiguous");
    return -1;
  }
  if (has(flags, PyBUF_F_CONTIGUOUS) && !contiguous(self, 'F') &&
      self->defect != DEFECT_IGNORE_FORTRAN) {
    PyErr_SetString(PyExc_BufferError, "Matrix is not Fortran-contiguous");
    return -1;
  }
  if (has(flags, PyBUF_ANY_CONTIGUOUS) && !contiguous(self, 'C') && !contiguous(self, 'F')) {
    PyErr_SetString(PyExc_BufferError, "Matrix is not contiguous");
    return -1;
  }
  /* Without strides the consumer assumes C order. */
  if (!has(flags, PyBUF_STRIDES) && !contiguous(self, 'C')) {
    PyErr_SetString(PyExc_BufferError, "Matrix is not C-contiguous: PyBUF_STRIDES is needed");
    return -1;
  }
  /* No suboffsets: INDIRECT or not, the answer is the same. */
  view->buf = self->data;
  Py_INCREF(obj);  // (Py_NewRef is 3.10)
  view->obj = obj;
  view->itemsize = sizeof(int32_t);
  view->len = item_count(self) * view->itemsize;
  if (self->defect == DEFECT_LEN_IN_ITEMS) view->len = item_count(self);
  /* A read-only matrix never hands out readonly 0, except through the defect. */
  view->readonly = self->readonly && !has(flags, PyBUF_WRITABLE);
  view->format = NULL;
  if (has(flags, PyBUF_FORMAT) || self->defect == DEFECT_FORMAT_WITHOUT_FLAG) {
    view->format = self->defect == DEFECT_SHORT_FORMAT ? format_h : format_i;
  }
  if (has(flags, PyBUF_ND)) {
    view->ndim = 2;
    view->shape = self->shape;
  } else {
    view->ndim = 1; /* one dimension of bytes, shape NULL (len says how many) */
    view->shape = NULL;
  }
  view->strides = NULL;
  if (has(flags, PyBUF_STRIDES)) view->strides = reported_strides(self);
  view->suboffsets = NULL;
  view->internal = NULL;
  ++self->exports;
  return 0;
}

static void matrix_releasebuffer(PyObject *obj, Py_buffer *view) {
  (void)view;
  --((Matrix *)obj)->exports;
}

static PyObject *matrix_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
  static char *keywords[] = {"rows", "cols", "defect", "readonly", NULL};
  Py_ssize_t rows = 0, cols = 0, count = 0, bytes = 0;
  const char *defect_name = NULL;
  int readonly = 0;
  Defect defect = DEFECT_NONE;
  Matrix *self;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "nn|zp:Matrix", keywords, &rows, &cols,
                                   &defect_name, &readonly)) {
    return NULL;
  }
  if (rows < 0 || cols < 0 || __builtin_mul_overflow(rows, cols, &count) ||
      __builtin_mul_overflow(count, (Py_ssize_t)sizeof(int32_t), &bytes) || count > INT32_MAX) {
    PyErr_SetString(PyExc_ValueError, "Matrix: rows and cols must be >= 0 and not too large");
    return NULL;
  }
  if (defect_name != NULL) {
    int i;
    for (i = 1; i < DEFECT_COUNT; ++i) {
      if (strcmp(defect_name, kDefectNames[i]) == 0) defect = (Defect)i;
    }
    if (defect == DEFECT_NONE) {
      PyErr_Format(PyExc_ValueError, "Matrix: unknown defect '%s' (see bufconf_example.defects())",
                   defect_name);
      return NULL;
    }
  }
  self = (Matrix *)PyType_GenericAlloc(type, 0);
  if (self == NULL) return NULL;
  self->data = PyMem_Malloc(bytes > 0 ? (size_t)bytes : 1);
  if (self->data == NULL) {
    Py_DECREF(self);
    return PyErr_NoMemory();
  }
  for (Py_ssize_t i = 0; i < count; ++i) self->data[i] = (int32_t)i;
  self->shape[0] = rows;
  self->shape[1] = cols;
  self->strides[0] = cols * (Py_ssize_t)sizeof(int32_t);
  self->strides[1] = sizeof(int32_t);
  self->wrong_strides[0] = sizeof(int32_t);
  self->wrong_strides[1] = rows * (Py_ssize_t)sizeof(int32_t);
  self->readonly = readonly;
  self->defect = defect;
  self->exports = 0;
  return (PyObject *)self;
}

static void matrix_dealloc(PyObject *obj) {
  PyTypeObject *type = Py_TYPE(obj);
  PyMem_Free(((Matrix *)obj)->data);
  type->tp_free(obj);
  Py_DECREF(type); /* instances of a heap type hold a reference to it */
}

static PyObject *matrix_repr(PyObject *obj) {
  const Matrix *self = (const Matrix *)obj;
  if (self->defect != DEFECT_NONE) {
    return PyUnicode_FromFormat("Matrix(%zd, %zd, defect='%s'%s)", self->shape[0], self->shape[1],
                                kDefectNames[self->defect],
                                self->readonly ? ", readonly=True" : "");
  }
  return PyUnicode_FromFormat("Matrix(%zd, %zd%s)", self->shape[0], self->shape[1],
                              self->readonly ? ", readonly=True" : "");
}

static PyObject *matrix_get_exports(PyObject *obj, void *closure) {
  (void)closure;
  return PyLong_FromSsize_t(((Matrix *)obj)->exports);
}

static PyObject *matrix_get_defect(PyObject *obj, void *closure) {
  const Matrix *self = (const Matrix *)obj;
  (void)closure;
  if (self->defect == DEFECT_NONE) Py_RETURN_NONE;
  return PyUnicode_FromString(kDefectNames[self->defect]);
}

static PyObject *matrix_get_readonly(PyObject *obj, void *closure) {
  (void)closure;
  return PyBool_FromLong(((Matrix *)obj)->readonly);
}

static PyObject *matrix_get_shape(PyObject *obj, void *closure) {
  const Matrix *self = (const Matrix *)obj;
  (void)closure;
  return Py_BuildValue("(nn)", self->shape[0], self->shape[1]);
}

static PyGetSetDef matrix_getset[] = {
    {"exports", matrix_get_exports, NULL, "buffers got and not yet released", NULL},
    {"defect", matrix_get_defect, NULL, "the defect switched on, or None", NULL},
    {"readonly", matrix_get_readonly, NULL, "whether the matrix is read-only", NULL},
    {"shape", matrix_get_shape, NULL, "(rows, cols)", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyType_Slot matrix_slots[] = {
    {Py_tp_new, matrix_new},
    {Py_tp_dealloc, matrix_dealloc},
    {Py_tp_repr, matrix_repr},
    {Py_tp_getset, matrix_getset},
    {Py_tp_doc,
     "Matrix(rows, cols, defect=None, readonly=False): rows x cols int32 values "
     "0..rows*cols-1 in C order, exported through the buffer protocol."},
    {Py_bf_getbuffer, matrix_getbuffer},
    {Py_bf_releasebuffer, matrix_releasebuffer},
    {0, NULL},
};

static PyType_Spec matrix_spec = {
    .name = "bufconf_example.Matrix",
    .basicsize = sizeof(Matrix),
    .flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE,
    .slots = matrix_slots,
};

static PyObject *defects(PyObject *module, PyObject *unused) {
  PyObject *out = PyTuple_New(DEFECT_COUNT - 1);
  (void)module;
  (void)unused;
  if (out == NULL) return NULL;
  for (int i = 1; i < DEFECT_COUNT; ++i) {
    PyObject *name = PyUnicode_FromString(kDefectNames[i]);
    if (name == NULL) {
      Py_DECREF(out);
      return NULL;
    }
    PyTuple_SET_ITEM(out, i - 1, name);
  }
  return out;
}

static PyMethodDef module_methods[] = {
    {"defects", defects, METH_NOARGS, "The names of the defects Matrix can switch on."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "bufconf_example",
    .m_doc =
        "A buffer exporter with switchable defects: the worked example of "
        "docs/python-factory.md.",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC PyInit_bufconf_example(void) {
  PyObject *module = PyModule_Create(&module_def);
  PyObject *type;
  if (module == NULL) return NULL;
  type = PyType_FromSpec(&matrix_spec);
  if (type == NULL || PyModule_AddObject(module, "Matrix", type) < 0) {
    Py_XDECREF(type);
    Py_DECREF(module);
    return NULL;
  }
  return module;
}
