#include "reference/rules/catalogue.h"

namespace bufconf::rules {
namespace {

constexpr Level kMust = Level::kMust;
constexpr Level kShould = Level::kShould;
constexpr Level kPortability = Level::kPortability;
constexpr Party kExporter = Party::kExporter;
constexpr Party kConsumer = Party::kConsumer;
constexpr Party kInterpreter = Party::kInterpreter;

// Quotes are the sources' own words. Those of PEP 3118 (peps/pep-3118.rst) and
// Doc/c-api/buffer.rst are verbatim, with markup (backticks, roles) and line breaks dropped, and
// sections are the documents' section names ('Access flags', 'The Py_buffer struct', 'Buffer
// structure', 'readonly, format', ...); other quotes are CPython's code, messages or issue threads
// as quoted in the research notes (cpython.md). A rule without source words has quote "".
const std::vector<Rule>* MakeCatalogue() {
  return new std::vector<Rule>{
      // ---------------------------------------------------------------- fields
      {"FIELDS-NDIM-RANGE", Area::kFields, kMust, kExporter,
       "Set 0 <= ndim <= PyBUF_MAX_NDIM (64).",
       "Doc/c-api/buffer.rst, 'Buffer structure' (ndim); PEP 3118, 'The Py_buffer struct' (ndim)",
       "Exporters MUST respect this limit"},
      {"FIELDS-ITEMSIZE-NONNEG", Area::kFields, kMust, kExporter, "Set itemsize >= 0.",
       "Derived: Doc/c-api/buffer.rst, 'Buffer structure' (itemsize == struct.calcsize(format)), "
       "and a format's size is never negative",
       ""},
      {"FIELDS-ITEMSIZE-POSITIVE", Area::kFields, kPortability, kExporter,
       "Set itemsize >= 1: itemsize-0 formats such as '0s' are legal (calcsize('0s') == 0), but "
       "_testbuffer rejects them and consumers divide by itemsize (len / itemsize, "
       "PyBuffer_FromContiguous).",
       "Modules/_testbuffer.c, ndarray constructor; Objects/abstract.c, PyBuffer_FromContiguous "
       "(derived from code)",
       "itemsize must not be zero"},
      {"FIELDS-LEN-NONNEG", Area::kFields, kMust, kExporter, "Set len >= 0.",
       "Derived: PEP 3118, 'The Py_buffer struct' (len: the product of the shape array and the "
       "bytes per item)",
       ""},
      {"FIELDS-SCALAR-NULLS", Area::kFields, kMust, kExporter,
       "If ndim == 0, set shape, strides and suboffsets to NULL (buf points to the single item).",
       "Doc/c-api/buffer.rst, 'Buffer structure' (ndim); PEP 3118, 'The Py_buffer struct' (ndim)",
       "In this case, shape, strides and suboffsets MUST be NULL."},
      {"FIELDS-SHAPE-NONNEG", Area::kFields, kMust, kExporter,
       "If shape != NULL, every shape[i] (0 <= i < ndim) is >= 0; 0 is allowed and makes the view "
       "empty.",
       "Doc/c-api/buffer.rst, 'Buffer structure' (shape)",
       "Shape values are restricted to shape[n] >= 0."},
      {"FIELDS-ARRAY-LENGTH", Area::kFields, kMust, kExporter,
       "If shape, strides or suboffsets is not NULL, it has exactly ndim entries.",
       "Doc/c-api/buffer.rst, 'Buffer structure' (shape, strides, suboffsets); PEP 3118, 'The "
       "Py_buffer struct'",
       "An array of Py_ssize_t of length ndim"},
      {"FIELDS-SHAPE-PRESENT-STRIDES", Area::kFields, kMust, kExporter,
       "If strides != NULL, shape != NULL.",
       "Doc/c-api/buffer.rst, 'shape, strides, suboffsets' (request table); PEP 3118, 'Access "
       "flags' (PyBUF_STRIDES implies PyBUF_ND)",
       "Note that each flag contains all bits of the flags below it."},
      {"FIELDS-SUBOFFSETS-NEED-STRIDES", Area::kFields, kMust, kExporter,
       "If suboffsets != NULL, strides != NULL (and so shape != NULL).",
       "PEP 3118, 'Access flags' (PyBUF_INDIRECT implies PyBUF_STRIDES); Doc/c-api/buffer.rst, "
       "'shape, strides, suboffsets' (request table)",
       "The returned buffer must have suboffsets information (which can be NULL if no suboffsets "
       "are needed)."},
      {"FIELDS-READONLY-BOOL", Area::kFields, kPortability, kExporter,
       "Set readonly to exactly 0 (writable) or 1 (read-only): PyBuffer_FillInfo refuses a "
       "PyBUF_WRITABLE request only when readonly == 1, so another non-zero value is writable "
       "there and read-only everywhere else.",
       "PEP 3118, 'The Py_buffer struct' (readonly); Objects/abstract.c, PyBuffer_FillInfo "
       "(readonly == 1 check)",
       "1 means the memory is readonly, zero means the memory is writable."},
      {"FIELDS-OBJ", Area::kFields, kMust, kExporter,
       "On success set obj to a new reference to the exporting object (a redirecting chained "
       "exporter may use the root exporter); never NULL.",
       "Doc/c-api/buffer.rst, 'Buffer structure' (obj); Doc/c-api/typeobj.rst, 'Buffer Object "
       "Structures' (bf_getbuffer step 4)",
       "In general, exporting objects MUST NOT use this scheme."},
      {"FIELDS-BUF-NULL-BEFORE-GET", Area::kFields, kShould, kConsumer,
       "As a consumer, set view->buf = NULL before calling bf_getbuffer for a new buffer (the "
       "PEP's words; CPython neither requires nor checks it, and exporters must not depend on it).",
       "PEP 3118, 'The Py_buffer struct'",
       "the buf field must be NULL when requesting a new buffer."},
      {"FIELDS-BUF-NONNULL", Area::kFields, kPortability, kExporter,
       "Set buf != NULL, also when len == 0 (for len > 0 MEMORY-SPAN already requires it; "
       "PyMemoryView_FromBuffer raises ValueError for buf == NULL whatever len is).",
       "Derived: Objects/memoryobject.c, PyMemoryView_FromBuffer; no document states it", ""},
      {"FIELDS-CONSUMER-NO-MODIFY", Area::kFields, kMust, kConsumer,
       "As a consumer, never write, repoint or free format, shape, strides, suboffsets or "
       "internal, "
       "nor the arrays and string they point to.",
       "Doc/c-api/buffer.rst, 'Buffer structure' (shape, strides, suboffsets, internal); PEP 3118, "
       "'Issues and Details'",
       "The consumer MUST NOT alter this value."},

      // ---------------------------------------------------------------- layout
      {"LAYOUT-LEN", Area::kLayout, kMust, kExporter,
       "If shape != NULL, len == itemsize * shape[0] * ... * shape[ndim-1], with or without "
       "format and whatever the strides (for non-contiguous views len is the size of a "
       "contiguous copy); a 0-d response (ND in flags, ndim == 0) has len == itemsize.",
       "Doc/c-api/buffer.rst, 'Buffer structure' (len, shape); PEP 3118, 'The Py_buffer struct' "
       "(len, shape)",
       "Note that shape[0] * ... * shape[ndim-1] * itemsize MUST be equal to len."},
      {"LAYOUT-LEN-SIMPLE", Area::kLayout, kMust, kConsumer,
       "As a consumer, read a view with shape == NULL (the response to a request without ND) as "
       "the C-contiguous block buf[0..len-1] holding the whole content (len equals the len of "
       "the exporter's full description), in unsigned bytes, ignoring itemsize and ndim.",
       "Doc/c-api/buffer.rst, 'Buffer structure' (itemsize); PEP 3118, 'Access flags' "
       "(PyBUF_SIMPLE)",
       "the consumer must disregard itemsize and assume itemsize == 1."},
      {"LAYOUT-STRIDES-NULL-C", Area::kLayout, kMust, kConsumer,
       "As a consumer, read a view with strides == NULL and shape != NULL as C-contiguous: "
       "element addresses are those given by the C strides of shape and itemsize "
       "(ALGO-FILL-STRIDES, order 'C').",
       "PEP 3118, 'The Py_buffer struct' (strides); Doc/c-api/buffer.rst, 'contiguity requests' "
       "and 'NumPy-style: shape and strides'",
       "Without stride information, the buffer must be C-contiguous."},
      {"LAYOUT-STRIDES-ANY", Area::kLayout, kMust, kConsumer,
       "As a consumer, accept any stride value - zero, negative, larger than the extent, not a "
       "multiple of "
       "itemsize; a layout is invalid only by MEMORY-SPAN or MEMORY-POINTER.",
       "Doc/c-api/buffer.rst, 'Buffer structure' (strides)",
       "Stride values can be any integer. For regular arrays, strides are usually positive, but a "
       "consumer MUST be able to handle the case strides[n] <= 0."},
      {"LAYOUT-STRIDES-MULTIPLE", Area::kLayout, kPortability, kExporter,
       "Prefer strides[i] % itemsize == 0 for every i (buffer.rst's verify_structure and "
       "_testbuffer require it, some consumers convert to element strides); numpy field views "
       "legitimately violate it.",
       "Doc/c-api/buffer.rst, 'NumPy-style: shape and strides' (verify_structure); nanobind #487",
       "if any(v % itemsize for v in strides): return False"},
      {"LAYOUT-OFFSET-MULTIPLE", Area::kLayout, kPortability, kExporter,
       "Prefer (buf - start of the exporter's memory block) % itemsize == 0, as verify_structure "
       "and _testbuffer require; the PEP does not.",
       "Doc/c-api/buffer.rst, 'NumPy-style: shape and strides' (verify_structure); "
       "Modules/_testbuffer.c, ndarray constructor",
       "if offset % itemsize: return False"},
      {"LAYOUT-SUBOFFSETS-ALL-NEGATIVE-NULL", Area::kLayout, kMust, kExporter,
       "If suboffsets != NULL, at least one suboffsets[i] (0 <= i < ndim) is >= 0; if all are "
       "negative, set the field to NULL (CPython treats redundant suboffsets as non-contiguous).",
       "Doc/c-api/buffer.rst, 'Buffer structure' (suboffsets); PEP 3118, 'The Py_buffer struct' "
       "(suboffsets)",
       "If all suboffsets are negative (i.e. no de-referencing is needed), then this field must be "
       "NULL (the default value)."},

      // ---------------------------------------------------------------- memory
      {"MEMORY-SPAN", Area::kMemory, kMust, kExporter,
       "For every index tuple (0 <= indices[i] < shape[i]), the bytes [p, p + itemsize) at the "
       "element address p (ALGO-GET-POINTER; C strides if strides is NULL; [buf, buf + len) if "
       "shape is NULL) lie inside one memory block the exporter owns; a view with a zero extent "
       "has no elements.",
       "Doc/c-api/buffer.rst, 'NumPy-style: shape and strides' (verify_structure), generalized to "
       "suboffsets (derived)",
       "return 0 <= offset+imin and offset+imax+itemsize <= memlen"},
      {"MEMORY-POINTER", Area::kMemory, kMust, kExporter,
       "For every dimension i with suboffsets[i] >= 0 and every reachable index prefix, the "
       "sizeof(char*) bytes read as a pointer lie inside memory the exporter owns, and the pointer "
       "plus suboffsets[i] points into a block the exporter owns.",
       "PEP 3118, 'The Py_buffer struct' (suboffsets); Doc/c-api/buffer.rst, 'PIL-style: shape, "
       "strides and suboffsets' (derived)",
       "pointer = *((char**)pointer) + suboffsets[i];"},
      {"MEMORY-POINTER-ALIGNED", Area::kMemory, kPortability, kExporter,
       "Store each suboffset pointer at an address aligned to alignof(char*): the canonical "
       "address loop reads it as *(char**)p.",
       "Derived from the element-address loop (PEP 3118, 'The Py_buffer struct', "
       "get_item_pointer); _testbuffer rounds its pointer block up to 8 bytes",
       ""},
      {"MEMORY-ARRAYS", Area::kMemory, kMust, kExporter,
       "When non-NULL, shape, strides and suboffsets each point to ndim readable Py_ssize_t values "
       "and format points to a NUL-terminated string.",
       "Derived: PEP 3118, 'The Py_buffer struct'; Py_buffer layout (Include/pybuffer.h)", ""},
      {"MEMORY-WRITABLE", Area::kMemory, kMust, kExporter,
       "If readonly == 0, every element byte (MEMORY-SPAN) may be written by the consumer until "
       "release.",
       "PEP 3118, 'Access flags' (PyBUF_WRITABLE) and 'The Py_buffer struct' (readonly) (derived)",
       "1 means the memory is readonly, zero means the memory is writable."},
      {"MEMORY-OVERLAP-WRITABLE", Area::kMemory, kPortability, kExporter,
       "Prefer readonly == 1 for a view in which two distinct index tuples have overlapping item "
       "bytes (e.g. a zero stride on an extent > 1), since writes through it alias.",
       "Derived; no source forbids it (test_buffer's rand_structure generates writable "
       "overlapping layouts and copy_buffer handles them)",
       ""},

      // ---------------------------------------------------------------- format
      {"FORMAT-PARSES", Area::kFormat, kMust, kExporter,
       "If format != NULL, it parses in the pep3118 dialect (reference/format, Dialect::kPep3118).",
       "PEP 3118, 'Access flags' (PyBUF_FORMAT) and 'Additions to the struct string-syntax'; "
       "Doc/c-api/buffer.rst, 'Buffer structure' (format)",
       "The returned buffer must have true format information if this flag is provided."},
      {"FORMAT-SIZE", Area::kFormat, kMust, kExporter,
       "If format != NULL, itemsize equals the format's size in at least one dialect that parses "
       "it (struct, numpy or pep3118; the dialects disagree on padding, e.g. 'ic' is 5 for struct "
       "and 8 for numpy); a dialect that parses it with another size is FORMAT-SIZE-STRUCT or "
       "FORMAT-SIZE-NUMPY.",
       "Doc/c-api/buffer.rst, 'Buffer structure' (itemsize); PEP 3118, 'The Py_buffer struct' "
       "(format, itemsize)",
       "Same as the value of struct.calcsize() called on non-NULL format values."},
      {"FORMAT-SIZE-STRUCT", Area::kFormat, kPortability, kExporter,
       "If format != NULL and the struct dialect parses it, its struct size (calcsize) equals "
       "itemsize.",
       "bpo-10746, bpo-32780 (ctypes formats); CPython's struct module",
       "calcsize(format) must equal itemsize"},
      {"FORMAT-SIZE-NUMPY", Area::kFormat, kPortability, kExporter,
       "If format != NULL and the numpy dialect parses it, its numpy itemsize equals itemsize.",
       "numpy/numpy #10528, #7798 (numpy's PEP 3118 import)",
       "Item size computed from the PEP 3118 buffer format string does not match the actual item "
       "size"},
      {"FORMAT-PARSES-STRUCT", Area::kFormat, kPortability, kExporter,
       "Prefer formats the struct dialect parses: memoryview item access and tolist need one "
       "native struct code, and memoryview equality treats struct-rejected formats as unequal, "
       "even to themselves.",
       "Objects/memoryobject.c, memory_richcompare and adjust_fmt (derived from code); bpo-15625",
       "unknown formats are never equal (even to themselves)"},
      {"FORMAT-PARSES-NUMPY", Area::kFormat, kPortability, kExporter,
       "Prefer formats the numpy dialect parses (numpy imports buffers through "
       "_dtype_from_pep3118).",
       "Derived; numpy/numpy #9049", ""},
      {"FORMAT-NULL-IS-B", Area::kFormat, kMust, kExporter,
       "Read format == NULL as \"B\" (unsigned bytes); outside responses to requests without "
       "FORMAT (whose itemsize is kept, REQ-ITEMSIZE-KEPT), a NULL format requires itemsize == 1.",
       "PEP 3118, 'Access flags' (PyBUF_SIMPLE, PyBUF_FORMAT); Doc/c-api/buffer.rst, 'Buffer "
       "structure' (format)",
       "If this is NULL, \"B\" (unsigned bytes) is assumed."},

      // ---------------------------------------------------------------- contiguity
      {"CONTIG-C", Area::kContiguity, kMust, kInterpreter,
       "C-contiguous iff suboffsets == NULL and (len == 0, or strides == NULL, or with sd = "
       "itemsize for i = ndim-1 down to 0: shape[i] <= 1 or strides[i] == sd, then sd *= "
       "shape[i]); so ndim 0 is C-contiguous and non-NULL suboffsets never are.",
       "Objects/abstract.c, _IsCContiguous and PyBuffer_IsContiguous (bpo-22445); Doc/c-api "
       "glossary 'contiguous'",
       "Dimensions of extent 0 or 1 impose no stride constraint."},
      {"CONTIG-F", Area::kContiguity, kMust, kInterpreter,
       "F-contiguous iff suboffsets == NULL and (len == 0, or strides == NULL and (ndim <= 1 or at "
       "most one shape[i] > 1), or strides != NULL and with sd = itemsize for i = 0 up to ndim-1: "
       "shape[i] <= 1 or strides[i] == sd, then sd *= shape[i]).",
       "Objects/abstract.c, _IsFortranContiguous and PyBuffer_IsContiguous (bpo-22445)", ""},
      {"CONTIG-A", Area::kContiguity, kMust, kInterpreter,
       "PyBuffer_IsContiguous(view, 'A') == CONTIG-C || CONTIG-F; any order other than 'C', 'F', "
       "'A' gives 0; the call never fails.",
       "Objects/abstract.c, PyBuffer_IsContiguous; Doc/c-api/buffer.rst, PyBuffer_IsContiguous; "
       "glossary 'contiguous'",
       "Return 1 if the memory defined by the view is C-style (order is 'C') or Fortran-style "
       "(order is 'F') contiguous or either one (order is 'A'). Return 0 otherwise. This function "
       "always succeeds."},
      {"CONTIG-MEMORYVIEW", Area::kContiguity, kPortability, kInterpreter,
       "memoryview's c/f_contiguous are: ndim 0 both; ndim 1 both iff shape[0] == 1 or strides[0] "
       "== itemsize; ndim > 1 CONTIG-C/CONTIG-F; neither if suboffsets != NULL - so give empty 1-D "
       "views strides[0] == itemsize, or memoryview calls them non-contiguous (cast and contiguous "
       "requests fail).",
       "Objects/memoryobject.c, init_flags (MV_CONTIGUOUS_NDIM1) and memory_getbuf (derived from "
       "code, verified on 3.13.0)",
       "the ndim-1 fast path omits the shape[0] == 0 case that PyBuffer_IsContiguous accepts"},

      // ---------------------------------------------------------------- request
      {"REQ-FAIL-BUFFERERROR", Area::kRequest, kMust, kExporter,
       "If the request cannot be met, return -1 with BufferError set (another exception only when "
       "it is the real cause, e.g. MemoryError) and view->obj == NULL; on success return 0.",
       "PEP 3118, 'Specification'; Doc/c-api/buffer.rst, PyObject_GetBuffer; "
       "Doc/c-api/typeobj.rst, 'Buffer Object Structures' (bf_getbuffer step 1)",
       "If the exporter cannot provide a buffer of the exact type, it MUST raise "
       "PyExc_BufferError, set view->obj to NULL and return -1."},
      {"REQ-FIELDS-ALL-FILLED", Area::kRequest, kMust, kExporter,
       "On success write every field - buf, obj, len, itemsize, readonly, ndim, format, shape, "
       "strides, suboffsets, internal - with NULL where not requested or not needed; the result "
       "must not depend on the view's prior contents.",
       "PEP 3118, 'Specification'",
       "The exporter should always fill in all elements of the buffer structure (with defaults or "
       "NULLs if nothing else is requested)."},
      {"REQ-INDEPENDENT-FIELDS", Area::kRequest, kMust, kExporter,
       "Return the same obj, buf, len and itemsize in every successful response from the same "
       "exporter state, whatever the flags (for ndim see REQ-SIMPLE-SHAPE).",
       "Doc/c-api/buffer.rst, 'request-independent fields'",
       "The following fields are not influenced by flags and must always be filled in with the "
       "correct values"},
      {"REQ-SAME-CONTENT", Area::kRequest, kMust, kExporter,
       "Every successful response describes the full description's elements: same element "
       "addresses for every index tuple (C strides when strides is NULL), same non-NULL shape and "
       "suboffsets, same strides except where shape[i] <= 1, and with shape NULL buf[0..len-1] is "
       "its C-order bytes.",
       "Lib/test/test_buffer.py, verify_getbuf (derived from the test oracle)",
       "shape = orig_ex.shape if ND else ()"},
      {"REQ-GRANT", Area::kRequest, kShould, kExporter,
       "Grant every request the exporter's memory can satisfy: refuse only for the reasons of "
       "REQ-WRITABLE, REQ-STRIDES-NEEDED, REQ-INDIRECT-NEEDED, REQ-C-CONTIGUOUS, "
       "REQ-F-CONTIGUOUS, REQ-ANY-CONTIGUOUS or REQ-READ-WRITE-FLAGS (REQ-FORMAT-WITHOUT-ND may "
       "go either way).",
       "PEP 3118, 'Specification' and 'Access flags' (derived: BufferError signals that the "
       "exporter cannot share its memory in the requested way)",
       ""},
      {"REQ-CONTENTS", Area::kRequest, kMust, kExporter,
       "The full description (PyBUF_FULL_RO) holds the exporter's logical contents: every "
       "element, read at its address and decoded through the format, equals the value the "
       "exporter was made with.",
       "PEP 3118, 'Specification' (derived: the buffer describes the exporter's memory)", ""},
      {"REQ-WRITABLE", Area::kRequest, kMust, kExporter,
       "If PyBUF_WRITABLE is in flags, fail with BufferError unless the memory can be written, "
       "and on success set readonly == 0.",
       "PEP 3118, 'Access flags' (PyBUF_WRITABLE); Doc/c-api/buffer.rst, 'readonly, format'",
       "The returned buffer must be writable.  If it is not writable, then raise an error."},
      {"REQ-READONLY-CONSISTENT", Area::kRequest, kMust, kExporter,
       "Return the same readonly value in every successful response to a request without "
       "PyBUF_WRITABLE from the same exporter state, whichever consumer asks.",
       "Doc/c-api/buffer.rst, 'readonly, format' (PyBUF_WRITABLE)",
       "the exporter MAY provide either a read-only or writable buffer, but the choice MUST be "
       "consistent for all consumers."},
      {"REQ-FORMAT-FILLED", Area::kRequest, kMust, kExporter,
       "If PyBUF_FORMAT is in flags, on success set format != NULL to the exporter's true element "
       "format (\"B\" included).",
       "PEP 3118, 'Access flags' (PyBUF_FORMAT); Doc/c-api/buffer.rst, 'readonly, format' "
       "(PyBUF_FORMAT)",
       "If set, this field MUST be filled in correctly."},
      {"REQ-FORMAT-NULL", Area::kRequest, kMust, kExporter,
       "If PyBUF_FORMAT is not in flags, on success set format == NULL.",
       "PEP 3118, 'Access flags' (PyBUF_FORMAT); Doc/c-api/buffer.rst, 'readonly, format' "
       "(PyBUF_FORMAT)",
       "Otherwise, this field MUST be NULL."},
      {"REQ-ITEMSIZE-KEPT", Area::kRequest, kMust, kExporter,
       "Set itemsize to the exporter's true itemsize in every response, including those without "
       "PyBUF_FORMAT (format NULL) and without PyBUF_ND (shape NULL).",
       "Doc/c-api/buffer.rst, 'Buffer structure' (itemsize); Lib/test/test_buffer.py, "
       "verify_getbuf",
       "If a consumer requests a buffer without the PyBUF_FORMAT flag, format will be set to NULL, "
       "but itemsize still has the value for the original format."},
      {"REQ-ND-SHAPE", Area::kRequest, kMust, kExporter,
       "If PyBUF_ND is in flags, on success set shape to ndim extents (non-NULL unless ndim == 0); "
       "otherwise set shape == NULL.",
       "PEP 3118, 'Access flags' (PyBUF_ND); Doc/c-api/buffer.rst, 'shape, strides, suboffsets'",
       "The returned buffer must provide shape information."},
      {"REQ-SIMPLE-SHAPE", Area::kRequest, kPortability, kExporter,
       "For a request without PyBUF_ND, return ndim == 1 with shape, strides and suboffsets NULL "
       "(also for 0-d exporters), as memoryview and PyBuffer_FillInfo do; numpy returns ndim 0, so "
       "consumers must not use ndim when shape is NULL.",
       "Objects/memoryobject.c, memory_getbuf; Lib/test/test_buffer.py, verify_getbuf (derived "
       "from code; conflicts with Doc/c-api/buffer.rst listing ndim as request-independent)",
       "ndim = ex.ndim if ND requested else 1"},
      {"REQ-STRIDES-FILLED", Area::kRequest, kMust, kExporter,
       "If PyBUF_STRIDES is in flags, on success set strides non-NULL (unless ndim == 0); "
       "otherwise set strides == NULL.",
       "PEP 3118, 'Access flags' (PyBUF_STRIDES, PyBUF_C_CONTIGUOUS); Doc/c-api/buffer.rst, "
       "'shape, strides, suboffsets'",
       "The returned buffer must provide strides information (i.e. the strides cannot be NULL)."},
      {"REQ-STRIDES-NEEDED", Area::kRequest, kMust, kExporter,
       "If PyBUF_STRIDES is not in flags and the exporter's full description is not C-contiguous "
       "(CONTIG-C), fail with BufferError.",
       "PEP 3118, 'Access flags' and 'The Py_buffer struct' (strides); Lib/test/test_buffer.py, "
       "verify_getbuf (f)",
       "If this is not requested by the caller (PyBUF_STRIDES is not set), then this should be set "
       "to NULL which indicates a C-style contiguous array or a PyExc_BufferError raised if this "
       "is not possible."},
      {"REQ-INDIRECT-NEEDED", Area::kRequest, kMust, kExporter,
       "If PyBUF_INDIRECT is not in flags and the exporter's full description has non-NULL "
       "suboffsets, fail with BufferError.",
       "PEP 3118, 'Access flags' and 'The Py_buffer struct' (suboffsets); Lib/test/test_buffer.py, "
       "verify_getbuf (e)",
       "If certain information is not asked for by the consumer, but the exporter cannot share its "
       "memory without that information, then a PyErr_BufferError should be raised."},
      {"REQ-SUBOFFSETS-NULL-WITHOUT-INDIRECT", Area::kRequest, kMust, kExporter,
       "If PyBUF_INDIRECT is not in flags, on success set suboffsets == NULL.",
       "PEP 3118, 'The Py_buffer struct' (suboffsets); Doc/c-api/buffer.rst, 'shape, strides, "
       "suboffsets'",
       "If this is not requested by the caller (PyBUF_INDIRECT is not set), then this should be "
       "set to NULL or an PyExc_BufferError raised if this is not possible."},
      {"REQ-C-CONTIGUOUS", Area::kRequest, kMust, kExporter,
       "If PyBUF_C_CONTIGUOUS is in flags, succeed only with a C-contiguous response (CONTIG-C) "
       "whose strides are filled and suboffsets NULL; otherwise fail with BufferError.",
       "PEP 3118, 'Access flags'; Doc/c-api/buffer.rst, 'contiguity requests'; "
       "Lib/test/test_buffer.py, verify_getbuf (b)",
       "These flags indicate that the returned buffer must be respectively, C-contiguous (last "
       "dimension varies the fastest), Fortran contiguous (first dimension varies the fastest) or "
       "either one."},
      {"REQ-F-CONTIGUOUS", Area::kRequest, kMust, kExporter,
       "If PyBUF_F_CONTIGUOUS is in flags, succeed only with an F-contiguous response (CONTIG-F) "
       "whose strides are filled and suboffsets NULL; otherwise fail with BufferError.",
       "PEP 3118, 'Access flags'; Doc/c-api/buffer.rst, 'contiguity requests'; "
       "Lib/test/test_buffer.py, verify_getbuf (c)",
       "These flags indicate that the returned buffer must be respectively, C-contiguous (last "
       "dimension varies the fastest), Fortran contiguous (first dimension varies the fastest) or "
       "either one."},
      {"REQ-ANY-CONTIGUOUS", Area::kRequest, kMust, kExporter,
       "If PyBUF_ANY_CONTIGUOUS is in flags, succeed only with a C- or F-contiguous response "
       "(CONTIG-A) whose strides are filled and suboffsets NULL; otherwise fail with BufferError.",
       "PEP 3118, 'Access flags'; Doc/c-api/buffer.rst, 'contiguity requests'; "
       "Lib/test/test_buffer.py, verify_getbuf (d)",
       "These flags indicate that the returned buffer must be respectively, C-contiguous (last "
       "dimension varies the fastest), Fortran contiguous (first dimension varies the fastest) or "
       "either one."},
      {"REQ-FORMAT-WITHOUT-ND", Area::kRequest, kPortability, kExporter,
       "A request with PyBUF_FORMAT but without PyBUF_ND may fail with BufferError (memoryview, "
       "_testbuffer) or succeed with the true format and shape NULL (bytes, PyBuffer_FillInfo); "
       "consumers should not make it.",
       "Doc/c-api/buffer.rst, 'readonly, format' (PyBUF_FORMAT); gh-123609; "
       "Lib/test/test_buffer.py, verify_getbuf (g)",
       "PyBUF_FORMAT can be |'d to any of the flags except PyBUF_SIMPLE."},
      {"REQ-READ-WRITE-FLAGS", Area::kRequest, kShould, kInterpreter,
       "PyObject_GetBuffer refuses flags == PyBUF_READ (0x100) or flags == PyBUF_WRITE (0x200) "
       "before calling bf_getbuffer (CPython >= 3.13 raises SystemError): they are not request "
       "flags, consumers never pass them, and an exporter must not read 0x100 as the INDIRECT "
       "bit. It is the interpreter's check: exporters are not judged on these values.",
       "Include/pybuffer.h; Objects/abstract.c, PyObject_GetBuffer and PyBuffer_FillInfo (3.13+, "
       "exact equality tests, gh-114685); gh-126980 (derived from code)",
       "memoryview-API only; NOT getbuffer flags"},
      {"REQ-FILLINFO-ARGS", Area::kRequest, kMust, kExporter,
       "Inside bf_getbuffer, call PyBuffer_FillInfo with the exporting object as obj and the "
       "consumer's flags unmodified; elsewhere pass obj = NULL.",
       "Doc/c-api/buffer.rst, PyBuffer_FillInfo",
       "If this function is used as part of a getbufferproc, exporter MUST be set to the exporting "
       "object and flags must be passed unmodified. Otherwise, exporter MUST be NULL."},
      // PEP 688 (CPython 3.12+): exporters written in Python, a class with __buffer__ and
      // __release_buffer__ (Objects/typeobject.c: slot_bf_getbuffer, wrap_buffer).
      {"REQ-PEP688-RETURNS-MEMORYVIEW", Area::kRequest, kMust, kExporter,
       "A Python exporter's __buffer__(flags) returns a memoryview, or raises (BufferError to "
       "refuse); CPython fails the request with TypeError ('__buffer__ returned non-memoryview "
       "object') otherwise, and asks that memoryview for the same flags.",
       "Doc/reference/datamodel.rst, 'Emulating buffer types' "
       "(https://docs.python.org/3/reference/datamodel.html#emulating-buffer-types); PEP 688, "
       "'Specification'; Objects/typeobject.c, slot_bf_getbuffer",
       "The method must return a memoryview object."},
      {"REQ-PEP688-FLAGS-INT", Area::kRequest, kShould, kInterpreter,
       "__buffer__ gets the consumer's flags as a plain int, unchanged, bits outside "
       "inspect.BufferFlags (e.g. 0x400) included; obj.__buffer__(flags) called from Python "
       "raises OverflowError for flags above INT_MAX and passes any other int, negative ones "
       "too, to bf_getbuffer.",
       "Doc/reference/datamodel.rst, 'Emulating buffer types' "
       "(https://docs.python.org/3/reference/datamodel.html#emulating-buffer-types); "
       "Objects/typeobject.c, slot_bf_getbuffer and wrap_buffer (derived from code, verified on "
       "3.12.1 and 3.13.0)",
       "The flags argument is an integer representing the kind of buffer requested"},

      // ---------------------------------------------------------------- algorithm
      {"ALGO-GET-POINTER", Area::kAlgorithm, kMust, kInterpreter,
       "Element address: p = buf; for i in 0..ndim-1: p += strides[i] * indices[i]; if "
       "suboffsets != NULL and suboffsets[i] >= 0: p = *(char**)p + suboffsets[i]; ndim 0 gives "
       "buf (CPython's PyBuffer_GetPointer needs strides != NULL when ndim >= 1).",
       "PEP 3118, 'The Py_buffer struct' (suboffsets, get_item_pointer); Doc/c-api/buffer.rst, "
       "'PIL-style: shape, strides and suboffsets' and PyBuffer_GetPointer; Objects/abstract.c",
       "Notice the suboffset is added \"after\" the dereferencing occurs."},
      {"ALGO-TO-CONTIGUOUS", Area::kAlgorithm, kMust, kInterpreter,
       "PyBuffer_ToContiguous(buf, src, len, order): ValueError unless len == src->len; writes the "
       "elements in C order ('C'), Fortran order ('F'), or for 'A' the physical bytes if src is C- "
       "or F-contiguous and C order otherwise (a src contiguous in the order is memcpy'd).",
       "Doc/c-api/buffer.rst, PyBuffer_ToContiguous; Objects/memoryobject.c (derived from code)",
       "This function fails if len != src->len."},
      {"ALGO-FROM-CONTIGUOUS", Area::kAlgorithm, kMust, kInterpreter,
       "PyBuffer_FromContiguous(view, buf, len, fort): clamps len to view->len; memcpy if view is "
       "contiguous in fort (so 'A' = physical order); else copies len / itemsize items in Fortran "
       "order if fort == 'F' and C order otherwise, ignoring len % itemsize trailing bytes.",
       "Doc/c-api/buffer.rst, PyBuffer_FromContiguous; Objects/abstract.c (derived from code)", ""},
      {"ALGO-FILL-STRIDES", Area::kAlgorithm, kMust, kInterpreter,
       "PyBuffer_FillContiguousStrides(nd, shape, strides, itemsize, order): sd = itemsize; for k "
       "over the dims (0 up for 'F', nd-1 down for anything else): strides[k] = sd; sd *= "
       "shape[k].",
       "Doc/c-api/buffer.rst, PyBuffer_FillContiguousStrides; Objects/abstract.c (derived from "
       "code)",
       ""},
      {"ALGO-COPY-DATA", Area::kAlgorithm, kMust, kInterpreter,
       "PyObject_CopyData(dest, src): dest via PyBUF_FULL, src via PyBUF_FULL_RO; BufferError if "
       "dest.len < src.len; memcpy src.len bytes if both are C- or both F-contiguous, else copy "
       "element-wise in C order with src's indices on both (callers must pass equal ndim/shape).",
       "Doc/c-api/buffer.rst, PyObject_CopyData; Objects/abstract.c (derived from code)",
       "destination is too small"},
      {"ALGO-SIZE-FROM-FORMAT", Area::kAlgorithm, kMust, kInterpreter,
       "PyBuffer_SizeFromFormat(format) returns struct.calcsize(format), or -1 with an exception "
       "if the format is invalid.",
       "Doc/c-api/buffer.rst, PyBuffer_SizeFromFormat; Objects/abstract.c",
       "Return the implied itemsize from format. On error, raise an exception and return -1."},
      {"ALGO-FILL-INFO", Area::kAlgorithm, kMust, kInterpreter,
       "PyBuffer_FillInfo(view, obj, buf, len, readonly, flags): SystemError for flags == "
       "PyBUF_READ "
       "or PyBUF_WRITE (3.13+); BufferError if WRITABLE is in flags and readonly == 1; else obj "
       "(INCREF), buf, len, readonly, itemsize 1, format \"B\" "
       "iff FORMAT, ndim 1, shape &len iff ND, strides &itemsize iff STRIDES, suboffsets and "
       "internal NULL.",
       "Doc/c-api/buffer.rst, PyBuffer_FillInfo; Objects/abstract.c (derived from code)",
       "This function always fills in view as specified by flags, unless buf has been designated "
       "as read-only and PyBUF_WRITABLE is set in flags."},
      {"ALGO-TOLIST", Area::kAlgorithm, kMust, kInterpreter,
       "tolist(): ndim 0 gives the single item; else nested lists in C index order (last index "
       "fastest), each element "
       "unpacked (struct) from its ALGO-GET-POINTER address.",
       "Objects/memoryobject.c, memory_tolist; Lib/test/test_buffer.py, verify (derived)",
       "every API must be a function of it"},
      {"ALGO-TOBYTES", Area::kAlgorithm, kMust, kInterpreter,
       "memoryview.tobytes(order) returns the bytes PyBuffer_ToContiguous writes for order "
       "(ALGO-TO-CONTIGUOUS), None meaning 'C'; any order but 'C', 'F', 'A', None is ValueError.",
       "Objects/memoryobject.c, memory_tobytes; bpo-12834; Lib/test/test_buffer.py, verify",
       "the logical bytes must equal the C-order serialization"},
      {"ALGO-GET-CONTIGUOUS", Area::kAlgorithm, kMust, kInterpreter,
       "PyMemoryView_GetContiguous(obj, READ|WRITE, order): BufferError for WRITE on read-only; "
       "the view itself if contiguous in order; else BufferError for WRITE, or for READ a "
       "read-only copy in Fortran order for 'F' and C order for 'C'/'A'.",
       "Objects/memoryobject.c, PyMemoryView_GetContiguous; Lib/test/test_buffer.py, verify "
       "(derived from code)",
       "writable contiguous buffer requested for a non-contiguous object."},
      {"ALGO-EQUAL", Area::kAlgorithm, kMust, kInterpreter,
       "memoryview == (CPython 3.11): unequal unless ndim matches and the extents match up to and "
       "including the first 0; if both formats are the same native code of cbBhHiIlLqQnNfd?P "
       "(optionally after '@'), elements compare as that C type at the code's native size "
       "whatever the itemsize (f, d by value: NaN != NaN, -0.0 == 0.0; other codes by bytes); "
       "otherwise a format struct rejects makes the views unequal (even a view and itself), and "
       "each element pair unpacked by struct compares with Python ==.",
       "Objects/memoryobject.c, memory_richcompare (derived from code)",
       "equality by struct unpacking"},
      {"ALGO-READ-ELEMENTS", Area::kAlgorithm, kMust, kConsumer,
       "As a consumer, read each element at the address ALGO-GET-POINTER gives (following "
       "suboffsets), in C index order unless the API names another, decoded by the format "
       "(NULL: unsigned bytes); or refuse the view with an exception. Never read other memory.",
       "Doc/c-api/buffer.rst, 'Buffer structure' (buf, format, shape, strides, suboffsets) and "
       "'PIL-style: shape, strides and suboffsets'; PEP 3118, 'The Py_buffer struct' (derived)",
       ""},
      {"ALGO-NDIM-64", Area::kAlgorithm, kShould, kConsumer,
       "Handle every ndim from 0 to 64 in consumer algorithms.",
       "Doc/c-api/buffer.rst, 'Buffer structure' (ndim)",
       "consumers of multi-dimensional buffers SHOULD be able to handle up to PyBUF_MAX_NDIM "
       "dimensions."},
      {"ALGO-INDIRECT-HANDLED", Area::kAlgorithm, kMust, kConsumer,
       "Request PyBUF_INDIRECT only in a consumer that follows suboffsets (ALGO-GET-POINTER).",
       "numpy/numpy #9456 (derived)",
       "a consumer must not request INDIRECT unless it handles suboffsets"},
      {"ALGO-UNIT-EXTENT-STRIDES", Area::kAlgorithm, kMust, kConsumer,
       "Never let strides[i] of a dimension with shape[i] <= 1 change a result (contiguity, "
       "copies, comparisons, addresses of existing elements).",
       "Derived from CONTIG-C/CONTIG-F (bpo-22445); numpy NPY_RELAXED_STRIDES_DEBUG "
       "(numpy/numpy #12172)",
       ""},

      // ---------------------------------------------------------------- release
      {"RELEASE-PAIRED", Area::kRelease, kMust, kConsumer,
       "Pair every successful get with exactly one release of that view, and never release a "
       "view whose get failed or that was not obtained by a get.",
       "Doc/c-api/buffer.rst, PyObject_GetBuffer and PyBuffer_Release",
       "Successful calls to PyObject_GetBuffer must be paired with calls to PyBuffer_Release"},
      {"RELEASE-MEMORY-STABLE", Area::kRelease, kMust, kExporter,
       "Until release, keep the element memory, format, shape, strides and suboffsets valid and "
       "their values unchanged (an exporter that changes them uses per-export copies).",
       "PEP 3118, 'The Py_buffer struct' and 'Releasing the buffer'",
       "The exporter is responsible for making sure that any memory pointed to by buf, format, "
       "shape, strides, and suboffsets is valid until releasebuffer is called."},
      {"RELEASE-RESIZE-WHILE-EXPORTED", Area::kRelease, kMust, kExporter,
       "While exports exist, do not resize, reallocate or free the exported memory; fail the "
       "operation (bytearray raises BufferError) instead.",
       "Derived from PEP 3118, 'Releasing the buffer'; CPython bytearray/array resize checks", ""},
      {"RELEASE-INTERNAL", Area::kRelease, kMust, kExporter,
       "In bf_releasebuffer, find per-export resources through view->internal (and view->obj), "
       "never through the Py_buffer's address: the consumer may pass a copy.",
       "Doc/c-api/typeobj.rst, 'Buffer Object Structures' (bf_releasebuffer)",
       "internal is guaranteed constant, while a consumer MAY pass a copy of the original "
       "Py_buffer"},
      {"RELEASE-NO-DECREF", Area::kRelease, kMust, kExporter,
       "In bf_releasebuffer, do not DECREF view->obj (PyBuffer_Release does).",
       "Doc/c-api/typeobj.rst, 'Buffer Object Structures' (bf_releasebuffer)",
       "releasebuffer MUST NOT decref view->obj"},
      {"RELEASE-CLEARS-OBJ", Area::kRelease, kMust, kInterpreter,
       "PyBuffer_Release(view) with view->obj != NULL calls bf_releasebuffer (if any) once, sets "
       "view->obj = NULL and DECREFs obj; with view->obj == NULL it does nothing.",
       "Doc/c-api/buffer.rst, PyBuffer_Release; Objects/abstract.c (derived from code)",
       "No-op if view->obj == NULL"},
      {"RELEASE-EXPORT-COUNT", Area::kRelease, kShould, kExporter,
       "Count exports: increment on each successful get, decrement in bf_releasebuffer, and use "
       "the count to refuse changes to exported memory (RELEASE-RESIZE-WHILE-EXPORTED).",
       "Doc/c-api/typeobj.rst, 'Buffer Object Structures' (bf_getbuffer step 3, the one optional "
       "step)",
       "increment export counter"},
      {"RELEASE-PEP688-PAIRED", Area::kRelease, kMust, kInterpreter,
       "For each buffer granted through a Python exporter's __buffer__, releasing it calls "
       "__release_buffer__ exactly once, with the very memoryview __buffer__ returned, after the "
       "interpreter released its own export of that memoryview; a request that memoryview "
       "refuses after __buffer__ returned fails with no __release_buffer__ call.",
       "Doc/reference/datamodel.rst, 'Emulating buffer types' "
       "(https://docs.python.org/3/reference/datamodel.html#emulating-buffer-types); "
       "Objects/typeobject.c, bufferwrapper_releasebuf and releasebuffer_call_python",
       "The buffer argument is a memoryview object that was previously returned by __buffer__()."},
      {"RELEASE-PEP688-RELEASES", Area::kRelease, kMust, kExporter,
       "A Python exporter's __release_buffer__(buffer) releases what its __buffer__ acquired for "
       "that buffer (buffer.release(), the memoryview's reference, a count): once every consumer "
       "released, no export of its memory remains and the memory can be resized.",
       "Doc/reference/datamodel.rst, 'Emulating buffer types' "
       "(https://docs.python.org/3/reference/datamodel.html#emulating-buffer-types); PEP 688, "
       "'Specification'",
       "The method must release any resources associated with the buffer."},
  };
}

}  // namespace

const std::vector<Rule>& Catalogue() {
  static const std::vector<Rule>* const kCatalogue = MakeCatalogue();
  return *kCatalogue;
}

const Rule* FindRule(std::string_view id) {
  for (const Rule& rule : Catalogue()) {
    if (id == rule.id) return &rule;
  }
  return nullptr;
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kMust:
      return "MUST";
    case Level::kShould:
      return "SHOULD";
    case Level::kPortability:
      return "PORTABILITY";
  }
  return "?";
}

const char* PartyName(Party party) {
  switch (party) {
    case Party::kExporter:
      return "exporter";
    case Party::kConsumer:
      return "consumer";
    case Party::kInterpreter:
      return "interpreter";
  }
  return "?";
}

std::optional<Party> PartyFromName(std::string_view name) {
  for (Party p : {Party::kExporter, Party::kConsumer, Party::kInterpreter}) {
    if (name == PartyName(p)) return p;
  }
  return std::nullopt;
}

const char* AreaName(Area area) {
  switch (area) {
    case Area::kFields:
      return "fields";
    case Area::kLayout:
      return "layout";
    case Area::kMemory:
      return "memory";
    case Area::kFormat:
      return "format";
    case Area::kContiguity:
      return "contiguity";
    case Area::kRequest:
      return "request";
    case Area::kAlgorithm:
      return "algorithm";
    case Area::kRelease:
      return "release";
  }
  return "?";
}

const char* AreaPrefix(Area area) {
  switch (area) {
    case Area::kFields:
      return "FIELDS";
    case Area::kLayout:
      return "LAYOUT";
    case Area::kMemory:
      return "MEMORY";
    case Area::kFormat:
      return "FORMAT";
    case Area::kContiguity:
      return "CONTIG";
    case Area::kRequest:
      return "REQ";
    case Area::kAlgorithm:
      return "ALGO";
    case Area::kRelease:
      return "RELEASE";
  }
  return "?";
}

std::optional<Level> LevelFromName(std::string_view name) {
  for (Level level : kAllLevels) {
    if (name == LevelName(level)) return level;
  }
  return std::nullopt;
}

std::optional<Area> AreaFromName(std::string_view name) {
  for (Area area : kAllAreas) {
    if (name == AreaName(area)) return area;
  }
  return std::nullopt;
}

}  // namespace bufconf::rules
