#include "reference/rules/catalogue.h"

namespace bufconf::rules {
namespace {

constexpr Level kMust = Level::kMust;
constexpr Level kShould = Level::kShould;
constexpr Level kPortability = Level::kPortability;

// Quotes are copied from the research notes (cpython.md), which quote the PEP, the docs and
// CPython's code; markdown markup (backticks, bold) and line breaks are dropped.
const std::vector<Rule>* MakeCatalogue() {
  return new std::vector<Rule>{
      // ---------------------------------------------------------------- fields
      {"FIELDS-NDIM-RANGE", Area::kFields, kMust, "Set 0 <= ndim <= PyBUF_MAX_NDIM (64).",
       "PEP 3118, 'Rules' 13; Doc/c-api/buffer.rst, 'Buffer structure' (ndim)",
       "exporters MUST respect it"},
      {"FIELDS-ITEMSIZE-NONNEG", Area::kFields, kMust, "Set itemsize >= 0.",
       "Derived: Doc/c-api/buffer.rst, 'Buffer structure' (itemsize == struct.calcsize(format)), "
       "and a format's size is never negative",
       ""},
      {"FIELDS-ITEMSIZE-POSITIVE", Area::kFields, kPortability,
       "Set itemsize >= 1: itemsize-0 formats such as '0s' are legal (calcsize('0s') == 0), but "
       "_testbuffer rejects them and consumers divide by itemsize (len / itemsize, "
       "PyBuffer_FromContiguous).",
       "Modules/_testbuffer.c, ndarray constructor; Objects/abstract.c, PyBuffer_FromContiguous "
       "(derived from code)",
       "itemsize must not be zero"},
      {"FIELDS-LEN-NONNEG", Area::kFields, kMust, "Set len >= 0.",
       "Derived: PEP 3118, 'Rules' 11 (len is a product of non-negative extents and itemsize)", ""},
      {"FIELDS-SCALAR-NULLS", Area::kFields, kMust,
       "If ndim == 0, set shape, strides and suboffsets to NULL (buf points to the single item).",
       "PEP 3118, 'Rules' 13; Doc/c-api/buffer.rst, 'Buffer structure' (ndim)",
       "shape, strides, suboffsets MUST be NULL"},
      {"FIELDS-SHAPE-NONNEG", Area::kFields, kMust,
       "If shape != NULL, every shape[i] (0 <= i < ndim) is >= 0; 0 is allowed and makes the view "
       "empty.",
       "Doc/c-api/buffer.rst, 'Buffer structure' (shape)", "shape[n] >= 0"},
      {"FIELDS-ARRAY-LENGTH", Area::kFields, kMust,
       "If shape, strides or suboffsets is not NULL, it has exactly ndim entries.",
       "PEP 3118, 'Specification' (shape, strides, suboffsets: arrays of length ndim)", ""},
      {"FIELDS-SHAPE-PRESENT-STRIDES", Area::kFields, kMust, "If strides != NULL, shape != NULL.",
       "Doc/c-api/buffer.rst, 'Shape, strides, suboffsets' (request table); PEP 3118, 'Rules' 8 "
       "(STRIDES implies ND)",
       "each flag contains all bits of those below"},
      {"FIELDS-SUBOFFSETS-NEED-STRIDES", Area::kFields, kMust,
       "If suboffsets != NULL, strides != NULL (and so shape != NULL).",
       "PEP 3118, 'Rules' 10; Doc/c-api/buffer.rst, 'Shape, strides, suboffsets' (request table)",
       "(implies STRIDES): suboffsets returned (may be NULL if not needed)"},
      {"FIELDS-READONLY-BOOL", Area::kFields, kPortability,
       "Set readonly to exactly 0 (writable) or 1 (read-only): PyBuffer_FillInfo refuses a "
       "PyBUF_WRITABLE request only when readonly == 1, so another non-zero value is writable "
       "there and read-only everywhere else.",
       "PEP 3118, 'Rules' 12; Objects/abstract.c, PyBuffer_FillInfo (readonly == 1 check)",
       "1 = read-only, 0 = writable"},
      {"FIELDS-OBJ", Area::kFields, kMust,
       "On success set obj to a new reference to the exporting object (a redirecting chained "
       "exporter may use the root exporter); never NULL.",
       "Doc/c-api/buffer.rst, 'Buffer structure' (obj); Doc/c-api/typeobj.rst, 'Buffer Object "
       "Structures' (bf_getbuffer step 4)",
       "Exporters MUST NOT use the NULL scheme"},
      {"FIELDS-BUF-NONNULL", Area::kFields, kPortability,
       "Set buf != NULL, also when len == 0 (for len > 0 MEMORY-SPAN already requires it; "
       "PyMemoryView_FromBuffer raises ValueError for buf == NULL whatever len is).",
       "Derived: Objects/memoryobject.c, PyMemoryView_FromBuffer; no document states it",
       "info->buf == NULL ⇒ ValueError"},
      {"FIELDS-CONSUMER-NO-MODIFY", Area::kFields, kMust,
       "As a consumer, never write, repoint or free format, shape, strides, suboffsets or "
       "internal, "
       "nor the arrays and string they point to.",
       "PEP 3118, 'Rules' 18 and 20; Doc/c-api/buffer.rst, 'Buffer structure'",
       "shape/strides/suboffsets/format/internal are read-only for the consumer"},

      // ---------------------------------------------------------------- layout
      {"LAYOUT-LEN", Area::kLayout, kMust,
       "If shape != NULL, len == itemsize * shape[0] * ... * shape[ndim-1], with or without "
       "format and whatever the strides (for non-contiguous views len is the size of a "
       "contiguous copy); a 0-d response (ND in flags, ndim == 0) has len == itemsize.",
       "PEP 3118, 'Rules' 11; Doc/c-api/buffer.rst, 'Buffer structure' (len, itemsize)",
       "product(shape) × itemsize"},
      {"LAYOUT-LEN-SIMPLE", Area::kLayout, kMust,
       "If shape == NULL in a response to a request without ND, len is the byte length of the "
       "C-contiguous block buf[0..len-1] holding the whole content, equal to the len of the "
       "exporter's full description; consumers read it as unsigned bytes and ignore itemsize and "
       "ndim.",
       "Doc/c-api/buffer.rst, 'Buffer structure' (itemsize); PEP 3118, 'Rules' 4",
       "the consumer must disregard itemsize and assume 1"},
      {"LAYOUT-STRIDES-NULL-C", Area::kLayout, kMust,
       "If strides == NULL and shape != NULL, the elements are laid out C-contiguously: element "
       "addresses are those given by the C strides of shape and itemsize (ALGO-FILL-STRIDES, "
       "order 'C').",
       "PEP 3118, 'Rules' 14; Doc/c-api/buffer.rst, 'Contiguity requests' and 'NumPy-style: shape "
       "and strides'",
       "Without stride information, the buffer must be C-contiguous."},
      {"LAYOUT-STRIDES-ANY", Area::kLayout, kMust,
       "Accept any stride value - zero, negative, larger than the extent, not a multiple of "
       "itemsize; a layout is invalid only by MEMORY-SPAN or MEMORY-POINTER.",
       "Doc/c-api/buffer.rst, 'Buffer structure' (strides)",
       "Strides can be any integer; a consumer MUST handle strides[n] <= 0"},
      {"LAYOUT-STRIDES-MULTIPLE", Area::kLayout, kPortability,
       "Prefer strides[i] % itemsize == 0 for every i (buffer.rst's verify_structure and "
       "_testbuffer require it, some consumers convert to element strides); numpy field views "
       "legitimately violate it.",
       "Doc/c-api/buffer.rst, 'NumPy-style: shape and strides' (verify_structure); nanobind #487",
       "\"strides multiple of itemsize\" is a property of this checker, NOT a PEP requirement"},
      {"LAYOUT-OFFSET-MULTIPLE", Area::kLayout, kPortability,
       "Prefer (buf - start of the exporter's memory block) % itemsize == 0, as verify_structure "
       "and _testbuffer require; the PEP does not.",
       "Doc/c-api/buffer.rst, 'NumPy-style: shape and strides' (verify_structure); "
       "Modules/_testbuffer.c, ndarray constructor",
       "offset % itemsize == 0"},
      {"LAYOUT-SUBOFFSETS-ALL-NEGATIVE-NULL", Area::kLayout, kMust,
       "If suboffsets != NULL, at least one suboffsets[i] (0 <= i < ndim) is >= 0; if all are "
       "negative, set the field to NULL (CPython treats redundant suboffsets as non-contiguous).",
       "PEP 3118, 'Rules' 15", "If all suboffsets are negative, the field must be NULL."},

      // ---------------------------------------------------------------- memory
      {"MEMORY-SPAN", Area::kMemory, kMust,
       "For every index tuple (0 <= indices[i] < shape[i]), the bytes [p, p + itemsize) at the "
       "element address p (ALGO-GET-POINTER; C strides if strides is NULL; [buf, buf + len) if "
       "shape is NULL) lie inside one memory block the exporter owns; a view with a zero extent "
       "has no elements.",
       "Doc/c-api/buffer.rst, 'NumPy-style: shape and strides' (verify_structure), generalized to "
       "suboffsets (derived)",
       "valid iff 0 <= offset+imin and offset+imax+itemsize <= memlen"},
      {"MEMORY-POINTER", Area::kMemory, kMust,
       "For every dimension i with suboffsets[i] >= 0 and every reachable index prefix, the "
       "sizeof(char*) bytes read as a pointer lie inside memory the exporter owns, and the pointer "
       "plus suboffsets[i] points into a block the exporter owns.",
       "PEP 3118, 'Rules' 15-16; Doc/c-api/buffer.rst, 'PIL-style: shape, strides and suboffsets' "
       "(derived)",
       "each pointer dereference must land in some allocated block"},
      {"MEMORY-POINTER-ALIGNED", Area::kMemory, kPortability,
       "Store each suboffset pointer at an address aligned to alignof(char*): the canonical "
       "address loop reads it as *(char**)p.",
       "Derived from the element-address loop (PEP 3118, 'Rules' 16); _testbuffer rounds its "
       "pointer block up to 8 bytes",
       ""},
      {"MEMORY-ARRAYS", Area::kMemory, kMust,
       "When non-NULL, shape, strides and suboffsets each point to ndim readable Py_ssize_t values "
       "and format points to a NUL-terminated string.",
       "Derived: PEP 3118, 'Rules' 19; Py_buffer layout (Include/pybuffer.h)", ""},
      {"MEMORY-WRITABLE", Area::kMemory, kMust,
       "If readonly == 0, every element byte (MEMORY-SPAN) may be written by the consumer until "
       "release.",
       "PEP 3118, 'Rules' 5 and 12 (derived)", "1 = read-only, 0 = writable"},
      {"MEMORY-OVERLAP-WRITABLE", Area::kMemory, kPortability,
       "Prefer readonly == 1 for a view in which two distinct index tuples have overlapping item "
       "bytes (e.g. a zero stride on an extent > 1), since writes through it alias.",
       "Derived; no source forbids it (test_buffer's rand_structure generates writable "
       "overlapping layouts and copy_buffer handles them)",
       ""},

      // ---------------------------------------------------------------- format
      {"FORMAT-PARSES", Area::kFormat, kMust,
       "If format != NULL, it parses in the pep3118 dialect (reference/format, Dialect::kPep3118).",
       "PEP 3118, 'Rules' 6 and 'Additions to the struct string-syntax'; Doc/c-api/buffer.rst, "
       "'Buffer structure' (format)",
       "format must be the true format"},
      {"FORMAT-SIZE", Area::kFormat, kMust,
       "If format != NULL, its size in the pep3118 dialect equals itemsize.",
       "Doc/c-api/buffer.rst, 'Buffer structure' (itemsize); PEP 3118, 'Rules' 17",
       "itemsize == struct.calcsize(format) for non-NULL format"},
      {"FORMAT-SIZE-STRUCT", Area::kFormat, kPortability,
       "If format != NULL and the struct dialect parses it, its struct size (calcsize) equals "
       "itemsize.",
       "bpo-10746, bpo-32780 (ctypes formats); CPython's struct module",
       "calcsize(format) must equal itemsize"},
      {"FORMAT-SIZE-NUMPY", Area::kFormat, kPortability,
       "If format != NULL and the numpy dialect parses it, its numpy itemsize equals itemsize.",
       "numpy/numpy #10528, #7798 (numpy's PEP 3118 import)",
       "Item size computed from the PEP 3118 buffer format string does not match the actual item "
       "size"},
      {"FORMAT-PARSES-STRUCT", Area::kFormat, kPortability,
       "Prefer formats the struct dialect parses: memoryview item access and tolist need one "
       "native struct code, and memoryview equality treats struct-rejected formats as unequal, "
       "even to themselves.",
       "Objects/memoryobject.c, memory_richcompare and adjust_fmt (derived from code); bpo-15625",
       "unknown formats are never equal (even to themselves)"},
      {"FORMAT-PARSES-NUMPY", Area::kFormat, kPortability,
       "Prefer formats the numpy dialect parses (numpy imports buffers through "
       "_dtype_from_pep3118).",
       "Derived; numpy/numpy #9049", ""},
      {"FORMAT-NULL-IS-B", Area::kFormat, kMust,
       "Read format == NULL as \"B\" (unsigned bytes); outside responses to requests without "
       "FORMAT (whose itemsize is kept, REQ-ITEMSIZE-KEPT), a NULL format requires itemsize == 1.",
       "PEP 3118, 'Rules' 4 and 6; Doc/c-api/buffer.rst, 'Buffer structure' (format)",
       "(NULL means \"B\")"},

      // ---------------------------------------------------------------- contiguity
      {"CONTIG-C", Area::kContiguity, kMust,
       "C-contiguous iff suboffsets == NULL and (len == 0, or strides == NULL, or with sd = "
       "itemsize for i = ndim-1 down to 0: shape[i] <= 1 or strides[i] == sd, then sd *= "
       "shape[i]); so ndim 0 is C-contiguous and non-NULL suboffsets never are.",
       "Objects/abstract.c, _IsCContiguous and PyBuffer_IsContiguous (bpo-22445); Doc/c-api "
       "glossary 'contiguous'",
       "Dimensions of extent 0 or 1 impose no stride constraint."},
      {"CONTIG-F", Area::kContiguity, kMust,
       "F-contiguous iff suboffsets == NULL and (len == 0, or strides == NULL and (ndim <= 1 or at "
       "most one shape[i] > 1), or strides != NULL and with sd = itemsize for i = 0 up to ndim-1: "
       "shape[i] <= 1 or strides[i] == sd, then sd *= shape[i]).",
       "Objects/abstract.c, _IsFortranContiguous and PyBuffer_IsContiguous (bpo-22445)",
       "ndim 0 with strides NULL ⇒ C and F contiguous"},
      {"CONTIG-A", Area::kContiguity, kMust,
       "PyBuffer_IsContiguous(view, 'A') == CONTIG-C || CONTIG-F; any order other than 'C', 'F', "
       "'A' gives 0; the call never fails.",
       "Objects/abstract.c, PyBuffer_IsContiguous; Doc/c-api/buffer.rst, PyBuffer_IsContiguous; "
       "glossary 'contiguous'",
       "a buffer is contiguous iff C- or Fortran-contiguous"},
      {"CONTIG-MEMORYVIEW", Area::kContiguity, kPortability,
       "memoryview's c/f_contiguous are: ndim 0 both; ndim 1 both iff shape[0] == 1 or strides[0] "
       "== itemsize; ndim > 1 CONTIG-C/CONTIG-F; neither if suboffsets != NULL - so give empty 1-D "
       "views strides[0] == itemsize, or memoryview calls them non-contiguous (cast and contiguous "
       "requests fail).",
       "Objects/memoryobject.c, init_flags (MV_CONTIGUOUS_NDIM1) and memory_getbuf (derived from "
       "code, verified on 3.13.0)",
       "the ndim-1 fast path omits the shape[0] == 0 case that PyBuffer_IsContiguous accepts"},

      // ---------------------------------------------------------------- request
      {"REQ-FAIL-BUFFERERROR", Area::kRequest, kMust,
       "If the request cannot be met, return -1 with BufferError set (another exception only when "
       "it is the real cause, e.g. MemoryError) and view->obj == NULL; on success return 0.",
       "PEP 3118, 'Rules' 1; Doc/c-api/buffer.rst, PyObject_GetBuffer; Doc/c-api/typeobj.rst, "
       "'Buffer Object Structures' (bf_getbuffer step 1)",
       "on failure MUST raise BufferError"},
      {"REQ-FIELDS-ALL-FILLED", Area::kRequest, kMust,
       "On success write every field - buf, obj, len, itemsize, readonly, ndim, format, shape, "
       "strides, suboffsets, internal - with NULL where not requested or not needed; the result "
       "must not depend on the view's prior contents.",
       "PEP 3118, 'Rules' 2", "E must always fill in all elements of the struct"},
      {"REQ-INDEPENDENT-FIELDS", Area::kRequest, kMust,
       "Return the same obj, buf, len and itemsize in every successful response from the same "
       "exporter state, whatever the flags (for ndim see REQ-SIMPLE-SHAPE).",
       "Doc/c-api/buffer.rst, 'Request-independent fields'",
       "Request-independent fields (always filled correctly regardless of flags)"},
      {"REQ-SAME-CONTENT", Area::kRequest, kMust,
       "Every successful response describes the full description's elements: same element "
       "addresses for every index tuple (C strides when strides is NULL), same non-NULL shape and "
       "suboffsets, same strides except where shape[i] <= 1, and with shape NULL buf[0..len-1] is "
       "its C-order bytes.",
       "Lib/test/test_buffer.py, verify_getbuf (derived from the test oracle)",
       "shape = orig_ex.shape if ND else ()"},
      {"REQ-GRANT", Area::kRequest, kShould,
       "Grant every request the exporter's memory can satisfy: refuse only for the reasons of "
       "REQ-WRITABLE, REQ-STRIDES-NEEDED, REQ-INDIRECT-NEEDED, REQ-C-CONTIGUOUS, "
       "REQ-F-CONTIGUOUS, REQ-ANY-CONTIGUOUS or REQ-READ-WRITE-FLAGS (REQ-FORMAT-WITHOUT-ND may "
       "go either way).",
       "PEP 3118, 'Rules' 1 and 3 (derived: BufferError signals that the exporter cannot share "
       "its memory in the requested way)",
       ""},
      {"REQ-CONTENTS", Area::kRequest, kMust,
       "The full description (PyBUF_FULL_RO) holds the exporter's logical contents: every "
       "element, read at its address and decoded through the format, equals the value the "
       "exporter was made with.",
       "PEP 3118, 'Specification' (derived: the buffer describes the exporter's memory)", ""},
      {"REQ-WRITABLE", Area::kRequest, kMust,
       "If PyBUF_WRITABLE is in flags, fail with BufferError unless the memory can be written, "
       "and on success set readonly == 0.",
       "PEP 3118, 'Rules' 5; Doc/c-api/buffer.rst, 'readonly, format'",
       "returned buffer must be writable, else error."},
      {"REQ-READONLY-CONSISTENT", Area::kRequest, kMust,
       "Return the same readonly value in every successful response to a request without "
       "PyBUF_WRITABLE from the same exporter state, whichever consumer asks.",
       "Doc/c-api/buffer.rst, 'readonly, format' (PyBUF_WRITABLE)",
       "the choice MUST be consistent for all consumers"},
      {"REQ-FORMAT-FILLED", Area::kRequest, kMust,
       "If PyBUF_FORMAT is in flags, on success set format != NULL to the exporter's true element "
       "format (\"B\" included).",
       "PEP 3118, 'Rules' 6; Doc/c-api/buffer.rst, 'readonly, format' (PyBUF_FORMAT)",
       "format must be the true format"},
      {"REQ-FORMAT-NULL", Area::kRequest, kMust,
       "If PyBUF_FORMAT is not in flags, on success set format == NULL.",
       "PEP 3118, 'Rules' 6; Doc/c-api/buffer.rst, 'readonly, format' (PyBUF_FORMAT)",
       "if not requested, format must be NULL"},
      {"REQ-ITEMSIZE-KEPT", Area::kRequest, kMust,
       "Set itemsize to the exporter's true itemsize in every response, including those without "
       "PyBUF_FORMAT (format NULL) and without PyBUF_ND (shape NULL).",
       "Doc/c-api/buffer.rst, 'Buffer structure' (itemsize); Lib/test/test_buffer.py, "
       "verify_getbuf",
       "itemsize keeps the original value"},
      {"REQ-ND-SHAPE", Area::kRequest, kMust,
       "If PyBUF_ND is in flags, on success set shape to ndim extents (non-NULL unless ndim == 0); "
       "otherwise set shape == NULL.",
       "PEP 3118, 'Rules' 7; Doc/c-api/buffer.rst, 'Shape, strides, suboffsets'",
       "shape must be provided; memory is assumed C-contiguous; if not given, shape is NULL."},
      {"REQ-SIMPLE-SHAPE", Area::kRequest, kPortability,
       "For a request without PyBUF_ND, return ndim == 1 with shape, strides and suboffsets NULL "
       "(also for 0-d exporters), as memoryview and PyBuffer_FillInfo do; numpy returns ndim 0, so "
       "consumers must not use ndim when shape is NULL.",
       "Objects/memoryobject.c, memory_getbuf; Lib/test/test_buffer.py, verify_getbuf (derived "
       "from code; conflicts with Doc/c-api/buffer.rst listing ndim as request-independent)",
       "ndim = ex.ndim if ND requested else 1"},
      {"REQ-STRIDES-FILLED", Area::kRequest, kMust,
       "If PyBUF_STRIDES is in flags, on success set strides non-NULL (unless ndim == 0); "
       "otherwise set strides == NULL.",
       "PEP 3118, 'Rules' 8-9; Doc/c-api/buffer.rst, 'Shape, strides, suboffsets'",
       "strides must be non-NULL"},
      {"REQ-STRIDES-NEEDED", Area::kRequest, kMust,
       "If PyBUF_STRIDES is not in flags and the exporter's full description is not C-contiguous "
       "(CONTIG-C), fail with BufferError.",
       "PEP 3118, 'Rules' 3 and 14; Lib/test/test_buffer.py, verify_getbuf (f)",
       "if strides not requested and not C-contiguous ⇒ BufferError"},
      {"REQ-INDIRECT-NEEDED", Area::kRequest, kMust,
       "If PyBUF_INDIRECT is not in flags and the exporter's full description has non-NULL "
       "suboffsets, fail with BufferError.",
       "PEP 3118, 'Rules' 3 and 15; Lib/test/test_buffer.py, verify_getbuf (e)",
       "suboffsets needed but PyBUF_INDIRECT not given"},
      {"REQ-SUBOFFSETS-NULL-WITHOUT-INDIRECT", Area::kRequest, kMust,
       "If PyBUF_INDIRECT is not in flags, on success set suboffsets == NULL.",
       "PEP 3118, 'Rules' 15; Doc/c-api/buffer.rst, 'Shape, strides, suboffsets'",
       "If not requested (no INDIRECT) ⇒ NULL or BufferError."},
      {"REQ-C-CONTIGUOUS", Area::kRequest, kMust,
       "If PyBUF_C_CONTIGUOUS is in flags, succeed only with a C-contiguous response (CONTIG-C) "
       "whose strides are filled and suboffsets NULL; otherwise fail with BufferError.",
       "PEP 3118, 'Rules' 9; Doc/c-api/buffer.rst, 'Contiguity requests'; "
       "Lib/test/test_buffer.py, verify_getbuf (b)",
       "buffer must be C / Fortran / either contiguous"},
      {"REQ-F-CONTIGUOUS", Area::kRequest, kMust,
       "If PyBUF_F_CONTIGUOUS is in flags, succeed only with an F-contiguous response (CONTIG-F) "
       "whose strides are filled and suboffsets NULL; otherwise fail with BufferError.",
       "PEP 3118, 'Rules' 9; Doc/c-api/buffer.rst, 'Contiguity requests'; "
       "Lib/test/test_buffer.py, verify_getbuf (c)",
       "buffer must be C / Fortran / either contiguous"},
      {"REQ-ANY-CONTIGUOUS", Area::kRequest, kMust,
       "If PyBUF_ANY_CONTIGUOUS is in flags, succeed only with a C- or F-contiguous response "
       "(CONTIG-A) whose strides are filled and suboffsets NULL; otherwise fail with BufferError.",
       "PEP 3118, 'Rules' 9; Doc/c-api/buffer.rst, 'Contiguity requests'; "
       "Lib/test/test_buffer.py, verify_getbuf (d)",
       "buffer must be C / Fortran / either contiguous"},
      {"REQ-FORMAT-WITHOUT-ND", Area::kRequest, kPortability,
       "A request with PyBUF_FORMAT but without PyBUF_ND may fail with BufferError (memoryview, "
       "_testbuffer) or succeed with the true format and shape NULL (bytes, PyBuffer_FillInfo); "
       "consumers should not make it.",
       "Doc/c-api/buffer.rst, 'readonly, format' (PyBUF_FORMAT); gh-123609; "
       "Lib/test/test_buffer.py, verify_getbuf (g)",
       "not directly disallowed by PyBuffer_FillInfo"},
      {"REQ-READ-WRITE-FLAGS", Area::kRequest, kShould,
       "Treat flags == PyBUF_READ (0x100) or flags == PyBUF_WRITE (0x200) as invalid: consumers "
       "never pass them and exporters fail (CPython >= 3.13 raises SystemError) instead of "
       "reading 0x100 as the INDIRECT bit.",
       "Include/pybuffer.h; Objects/abstract.c, PyObject_GetBuffer and PyBuffer_FillInfo (3.13+, "
       "exact equality tests, gh-114685); gh-126980 (derived from code)",
       "memoryview-API only; NOT getbuffer flags"},
      {"REQ-FILLINFO-ARGS", Area::kRequest, kMust,
       "Inside bf_getbuffer, call PyBuffer_FillInfo with the exporting object as obj and the "
       "consumer's flags unmodified; elsewhere pass obj = NULL.",
       "Doc/c-api/buffer.rst, PyBuffer_FillInfo",
       "exporter MUST be the exporting object and flags passed unmodified"},

      // ---------------------------------------------------------------- algorithm
      {"ALGO-GET-POINTER", Area::kAlgorithm, kMust,
       "Element address: p = buf; for i in 0..ndim-1: p += strides[i] * indices[i]; if "
       "suboffsets != NULL and suboffsets[i] >= 0: p = *(char**)p + suboffsets[i]; ndim 0 gives "
       "buf (CPython's PyBuffer_GetPointer needs strides != NULL when ndim >= 1).",
       "PEP 3118, 'Rules' 16; Doc/c-api/buffer.rst, 'PIL-style' and PyBuffer_GetPointer; "
       "Objects/abstract.c",
       "add suboffsets[i] after dereferencing"},
      {"ALGO-TO-CONTIGUOUS", Area::kAlgorithm, kMust,
       "PyBuffer_ToContiguous(buf, src, len, order): ValueError unless len == src->len; writes the "
       "elements in C order ('C'), Fortran order ('F'), or for 'A' the physical bytes if src is C- "
       "or F-contiguous and C order otherwise (a src contiguous in the order is memcpy'd).",
       "Doc/c-api/buffer.rst, PyBuffer_ToContiguous; Objects/memoryobject.c (derived from code)",
       "fails if len != src->len"},
      {"ALGO-FROM-CONTIGUOUS", Area::kAlgorithm, kMust,
       "PyBuffer_FromContiguous(view, buf, len, fort): clamps len to view->len; memcpy if view is "
       "contiguous in fort (so 'A' = physical order); else copies len / itemsize items in Fortran "
       "order if fort == 'F' and C order otherwise, ignoring len % itemsize trailing bytes.",
       "Doc/c-api/buffer.rst, PyBuffer_FromContiguous; Objects/abstract.c (derived from code)",
       "silently clamps"},
      {"ALGO-FILL-STRIDES", Area::kAlgorithm, kMust,
       "PyBuffer_FillContiguousStrides(nd, shape, strides, itemsize, order): sd = itemsize; for k "
       "over the dims (0 up for 'F', nd-1 down for anything else): strides[k] = sd; sd *= "
       "shape[k].",
       "Doc/c-api/buffer.rst, PyBuffer_FillContiguousStrides; Objects/abstract.c (derived from "
       "code)",
       "'F' ⇒ Fortran strides, anything else ⇒ C strides"},
      {"ALGO-COPY-DATA", Area::kAlgorithm, kMust,
       "PyObject_CopyData(dest, src): dest via PyBUF_FULL, src via PyBUF_FULL_RO; BufferError if "
       "dest.len < src.len; memcpy src.len bytes if both are C- or both F-contiguous, else copy "
       "element-wise in C order with src's indices on both (callers must pass equal ndim/shape).",
       "Doc/c-api/buffer.rst, PyObject_CopyData; Objects/abstract.c (derived from code)",
       "destination is too small"},
      {"ALGO-SIZE-FROM-FORMAT", Area::kAlgorithm, kMust,
       "PyBuffer_SizeFromFormat(format) returns struct.calcsize(format), or -1 with an exception "
       "if the format is invalid.",
       "Doc/c-api/buffer.rst, PyBuffer_SizeFromFormat; Objects/abstract.c",
       "implied itemsize; -1 + exception on error"},
      {"ALGO-FILL-INFO", Area::kAlgorithm, kMust,
       "PyBuffer_FillInfo(view, obj, buf, len, readonly, flags): SystemError for flags == "
       "PyBUF_READ "
       "or PyBUF_WRITE (3.13+); BufferError if WRITABLE is in flags and readonly == 1; else obj "
       "(INCREF), buf, len, readonly, itemsize 1, format \"B\" "
       "iff FORMAT, ndim 1, shape &len iff ND, strides &itemsize iff STRIDES, suboffsets and "
       "internal NULL.",
       "Doc/c-api/buffer.rst, PyBuffer_FillInfo; Objects/abstract.c (derived from code)",
       "ndim = 1 (ALWAYS, even for SIMPLE)"},
      {"ALGO-TOLIST", Area::kAlgorithm, kMust,
       "tolist(): ndim 0 gives the single item; else nested lists in C index order (last index "
       "fastest), each element "
       "unpacked (struct) from its ALGO-GET-POINTER address.",
       "Objects/memoryobject.c, memory_tolist; Lib/test/test_buffer.py, verify (derived)",
       "every API must be a function of it"},
      {"ALGO-TOBYTES", Area::kAlgorithm, kMust,
       "memoryview.tobytes(order) returns the bytes PyBuffer_ToContiguous writes for order "
       "(ALGO-TO-CONTIGUOUS), None meaning 'C'; any order but 'C', 'F', 'A', None is ValueError.",
       "Objects/memoryobject.c, memory_tobytes; bpo-12834; Lib/test/test_buffer.py, verify",
       "the logical bytes must equal the C-order serialization"},
      {"ALGO-GET-CONTIGUOUS", Area::kAlgorithm, kMust,
       "PyMemoryView_GetContiguous(obj, READ|WRITE, order): BufferError for WRITE on read-only; "
       "the view itself if contiguous in order; else BufferError for WRITE, or for READ a "
       "read-only copy in Fortran order for 'F' and C order for 'C'/'A'.",
       "Objects/memoryobject.c, PyMemoryView_GetContiguous; Lib/test/test_buffer.py, verify "
       "(derived from code)",
       "writable contiguous buffer requested for a non-contiguous object."},
      {"ALGO-EQUAL", Area::kAlgorithm, kMust,
       "Two views are equal iff ndim matches, extents match up to and including the first 0, and "
       "every element pair unpacked with its own format compares equal (NaN != NaN; a format "
       "struct rejects makes them unequal).",
       "Objects/memoryobject.c, memory_richcompare (derived from code)",
       "equality by struct unpacking"},
      {"ALGO-NDIM-64", Area::kAlgorithm, kShould,
       "Handle every ndim from 0 to 64 in consumer algorithms.",
       "Doc/c-api/buffer.rst, 'Buffer structure' (ndim)", "consumers SHOULD handle up to 64"},
      {"ALGO-INDIRECT-HANDLED", Area::kAlgorithm, kMust,
       "Request PyBUF_INDIRECT only in a consumer that follows suboffsets (ALGO-GET-POINTER).",
       "numpy/numpy #9456 (derived)",
       "a consumer must not request INDIRECT unless it handles suboffsets"},
      {"ALGO-UNIT-EXTENT-STRIDES", Area::kAlgorithm, kMust,
       "Never let strides[i] of a dimension with shape[i] <= 1 change a result (contiguity, "
       "copies, comparisons, addresses of existing elements).",
       "Derived from CONTIG-C/CONTIG-F (bpo-22445); numpy NPY_RELAXED_STRIDES_DEBUG "
       "(numpy/numpy #12172)",
       ""},

      // ---------------------------------------------------------------- release
      {"RELEASE-PAIRED", Area::kRelease, kMust,
       "Pair every successful get with exactly one release of that view, and never release a "
       "view whose get failed or that was not obtained by a get.",
       "Doc/c-api/buffer.rst, PyObject_GetBuffer and PyBuffer_Release",
       "Must be paired with exactly one PyBuffer_Release."},
      {"RELEASE-MEMORY-STABLE", Area::kRelease, kMust,
       "Until release, keep the element memory, format, shape, strides and suboffsets valid and "
       "their values unchanged (an exporter that changes them uses per-export copies).",
       "PEP 3118, 'Rules' 19",
       "All memory pointed to by buf/format/shape/strides/suboffsets must stay valid until "
       "release."},
      {"RELEASE-RESIZE-WHILE-EXPORTED", Area::kRelease, kMust,
       "While exports exist, do not resize, reallocate or free the exported memory; fail the "
       "operation (bytearray raises BufferError) instead.",
       "Derived from PEP 3118, 'Rules' 19; CPython bytearray/array resize checks", ""},
      {"RELEASE-INTERNAL", Area::kRelease, kMust,
       "In bf_releasebuffer, find per-export resources through view->internal (and view->obj), "
       "never through the Py_buffer's address: the consumer may pass a copy.",
       "Doc/c-api/typeobj.rst, 'Buffer Object Structures' (bf_releasebuffer)",
       "internal is guaranteed constant, while a consumer MAY pass a copy of the original "
       "Py_buffer"},
      {"RELEASE-NO-DECREF", Area::kRelease, kMust,
       "In bf_releasebuffer, do not DECREF view->obj (PyBuffer_Release does).",
       "Doc/c-api/typeobj.rst, 'Buffer Object Structures' (bf_releasebuffer)",
       "releasebuffer MUST NOT decref view->obj"},
      {"RELEASE-CLEARS-OBJ", Area::kRelease, kMust,
       "PyBuffer_Release(view) with view->obj != NULL calls bf_releasebuffer (if any) once, sets "
       "view->obj = NULL and DECREFs obj; with view->obj == NULL it does nothing.",
       "Doc/c-api/buffer.rst, PyBuffer_Release; Objects/abstract.c (derived from code)",
       "No-op if view->obj == NULL"},
      {"RELEASE-EXPORT-COUNT", Area::kRelease, kShould,
       "Count exports: increment on each successful get, decrement in bf_releasebuffer, and use "
       "the count to refuse changes to exported memory (RELEASE-RESIZE-WHILE-EXPORTED).",
       "Doc/c-api/typeobj.rst, 'Buffer Object Structures' (bf_getbuffer step 3, the one optional "
       "step)",
       "increment export counter"},
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
