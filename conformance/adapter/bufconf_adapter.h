/* bufconf adapter ABI, version 3 (version-1 and version-2 adapters still load: see resize and
 * the consumer side below).
 *
 * An implementation of the buffer protocol plugs into the bufconf conformance suite through
 * this plain-C interface: a shared library exporting `bufconf_adapter_v1`, an object linked into
 * a binary with the Bazel macro `bufconf_adapter_library`, or an adapter built into the runner.
 * Usable from C, C++ and Rust (fixed-width types, no bit-fields, no C++). See docs/adapters.md.
 *
 * Three sides, each optional:
 *   exporter side  - make (or enumerate) exporters, get/release buffers with any flags value,
 *                    report the memory regions an exporter owns, its export count and (ABI 3)
 *                    the reference counts of view->obj;
 *   algorithm side - the C-API functions a consumer library implements (is_contiguous,
 *                    get_pointer, to/from_contiguous, fill_contiguous_strides, size_from_format,
 *                    copy_data, fill_info), called on views the suite builds in its own memory;
 *   consumer side  - (ABI 3) the implementation's consumers (memoryview.tolist, bytes(),
 *                    numpy.asarray, an element iterator, ...) reading exporters the suite
 *                    provides: legal but exotic layouts answered by the reference model.
 * A side or function the adapter lacks is NULL: its rules are reported as skipped, never passed.
 */
#ifndef BUFCONF_ADAPTER_H_
#define BUFCONF_ADAPTER_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BUFCONF_ADAPTER_ABI_VERSION 3

/* Py_ssize_t */
typedef ptrdiff_t bufconf_ssize_t;

/* The memory layout of Py_buffer (Include/pybuffer.h; stable ABI since CPython 3.11). */
typedef struct bufconf_buffer {
  void *buf;
  void *obj;
  bufconf_ssize_t len;
  bufconf_ssize_t itemsize;
  int readonly;
  int ndim;
  char *format;
  bufconf_ssize_t *shape;
  bufconf_ssize_t *strides;
  bufconf_ssize_t *suboffsets;
  void *internal;
} bufconf_buffer;

/* Request flags, as in Include/pybuffer.h. */
#define BUFCONF_PYBUF_SIMPLE 0
#define BUFCONF_PYBUF_WRITABLE 0x0001
#define BUFCONF_PYBUF_FORMAT 0x0004
#define BUFCONF_PYBUF_ND 0x0008
#define BUFCONF_PYBUF_STRIDES (0x0010 | BUFCONF_PYBUF_ND)
#define BUFCONF_PYBUF_C_CONTIGUOUS (0x0020 | BUFCONF_PYBUF_STRIDES)
#define BUFCONF_PYBUF_F_CONTIGUOUS (0x0040 | BUFCONF_PYBUF_STRIDES)
#define BUFCONF_PYBUF_ANY_CONTIGUOUS (0x0080 | BUFCONF_PYBUF_STRIDES)
#define BUFCONF_PYBUF_INDIRECT (0x0100 | BUFCONF_PYBUF_STRIDES)
#define BUFCONF_PYBUF_FULL_RO (BUFCONF_PYBUF_INDIRECT | BUFCONF_PYBUF_FORMAT)

/* Return codes. */
#define BUFCONF_OK 0
#define BUFCONF_REFUSED 1     /* the exporter refused the request (BufferError in CPython) */
#define BUFCONF_UNSUPPORTED 2 /* the adapter cannot express this case: it is skipped */
#define BUFCONF_ERROR (-1)    /* the adapter itself failed; the message says why */
/* get_buffer (ABI 2) and consume (ABI 3): the exporter (consumer) refused, but not the way the protocol says a failed
 * request must end (an exception other than BufferError, or view->obj left set); the message
 * says how. The suite takes it as a refusal and reports REQ-FAIL-BUFFERERROR. */
#define BUFCONF_REFUSED_IMPROPERLY 3
/* enumerate only (ABI 2): the index holds an entry the suite cannot judge (e.g. an object
 * without a buffer interface); info->description says what it is and why. The object is
 * reported as skipped, with that reason, and the sweep goes on to the next index. */
#define BUFCONF_SKIPPED 4

/* Capability bits: what the adapter implements. */
#define BUFCONF_CAP_MAKE_EXPORTER (UINT64_C(1) << 0) /* make_exporter */
#define BUFCONF_CAP_ENUMERATE (UINT64_C(1) << 1)     /* enumerate */
#define BUFCONF_CAP_EXPORT_COUNT (UINT64_C(1) << 2)  /* export_count */
#define BUFCONF_CAP_RESIZE (UINT64_C(1) << 3)        /* resize (ABI 2) */
/* get_buffer goes through an interpreter's own entry point (CPython's PyObject_GetBuffer), whose
 * checks run before the exporter's bf_getbuffer: rules whose party is the interpreter
 * (`bufconf rules`) are judged once, on the interpreter, never on the exporters. */
#define BUFCONF_CAP_VIA_INTERPRETER (UINT64_C(1) << 4)
/* (ABI 3) exporter_object and reference_count: the suite measures view->obj's references
 * (FIELDS-OBJ, RELEASE-NO-DECREF; with VIA_INTERPRETER also RELEASE-CLEARS-OBJ). */
#define BUFCONF_CAP_REFERENCES (UINT64_C(1) << 5)
#define BUFCONF_CAP_IS_CONTIGUOUS (UINT64_C(1) << 8)     /* is_contiguous */
#define BUFCONF_CAP_GET_POINTER (UINT64_C(1) << 9)       /* get_pointer */
#define BUFCONF_CAP_TO_CONTIGUOUS (UINT64_C(1) << 10)    /* to_contiguous */
#define BUFCONF_CAP_FROM_CONTIGUOUS (UINT64_C(1) << 11)  /* from_contiguous */
#define BUFCONF_CAP_FILL_STRIDES (UINT64_C(1) << 12)     /* fill_contiguous_strides */
#define BUFCONF_CAP_SIZE_FROM_FORMAT (UINT64_C(1) << 13) /* size_from_format */
#define BUFCONF_CAP_COPY_DATA (UINT64_C(1) << 14)        /* copy_data */
#define BUFCONF_CAP_FILL_INFO (UINT64_C(1) << 15)        /* fill_info (ABI 3) */
#define BUFCONF_CAP_CONSUMERS (UINT64_C(1) << 16)        /* consumer and consume (ABI 3) */

/* Physical layouts make_exporter is asked for (bits of bufconf_array_spec.layout). */
#define BUFCONF_LAYOUT_FORTRAN (1u << 0)  /* store the array in Fortran order (else C order) */
#define BUFCONF_LAYOUT_READONLY (1u << 1) /* the exporter is read-only */

/* A logical array and the physical layout an exporter should give it. */
typedef struct bufconf_array_spec {
  const char *format;           /* one item, PEP 3118 (pep3118 dialect), NUL-terminated */
  bufconf_ssize_t itemsize;     /* bytes of one item */
  int ndim;                     /* 0..64 */
  const bufconf_ssize_t *shape; /* ndim extents (NULL when ndim == 0) */
  const void *items;            /* product(shape) items in C order, itemsize bytes each */
  uint32_t layout;              /* BUFCONF_LAYOUT_* bits */
  /* NULL, or one step per dimension: the exporter shows the array as a slice taking every
   * |step|-th element of a larger one (step 2: strides doubled), reversed when step < 0, and
   * broadcast when step == 0 (stride 0; the suite then sends items that are equal along that
   * dimension). */
  const bufconf_ssize_t *steps;
  /* NULL, or one byte per dimension: 1 = array-of-arrays at this dimension (PIL style: the
   * dimension's stride walks a table of pointers, suboffsets[i] >= 0). */
  const uint8_t *indirect;
} bufconf_array_spec;

/* A block of memory an exporter owns: every byte a buffer exposes (items, pointer tables) must
 * lie in one of them. */
typedef struct bufconf_region {
  const void *base;
  size_t size;
} bufconf_region;

/* What an enumerated exporter is, and (optionally) what it must contain. */
typedef struct bufconf_enumerated {
  char description[256]; /* e.g. "array.array('d', [1.5, 2.0])" */
  int has_expected;      /* 1: the fields below give the expected logical contents */
  const char *format;    /* expected item format (pep3118 dialect) */
  bufconf_ssize_t itemsize;
  int ndim;
  const bufconf_ssize_t *shape;
  const void *items; /* C order; valid until the exporter is destroyed */
  /* ---- added to ABI 2 later: the suite zeroes the struct before enumerate, so an adapter
   * built against an older header leaves these 0 / NULL ---- */
  /* 1: the memory regions() reports must never be written through this exporter (e.g. the
   * storage of a bytes object): a granted view with readonly == 0 breaks MEMORY-WRITABLE. */
  int memory_readonly;
  /* 1: regions() reports memory the implementation declared the exporter owns (MEMORY-SPAN is
   * judged against it); 0: regions() can only report what the full view itself spans. */
  int memory_declared;
  /* NULL, or a note the report shows with the exporter, e.g. that a memoryview over a
   * third-party object judges CPython's memoryview, not the object under it. Valid until the
   * exporter is destroyed. */
  const char *note;
} bufconf_enumerated;

/* ---- consumer side (ABI 3) ---- */

/* An exporter the suite provides to a consumer: a generated layout in the suite's memory, which
 * get_buffer answers for every flags value exactly as the reference model's request oracle says
 * (docs/layouts.md, "Requests"). The adapter wraps it in an object of its own (CPython: an
 * object whose bf_getbuffer calls get_buffer, sets view->obj to itself with a new reference, and
 * whose bf_releasebuffer calls release_buffer) and hands that object to the consumer. The
 * provider records every get and release: a consumer that leaves a view unreleased, releases one
 * twice (RELEASE-PAIRED) or changes the fields and arrays it was given
 * (FIELDS-CONSUMER-NO-MODIFY) is seen there. */
typedef struct bufconf_provider {
  void *ctx; /* passed back to the functions below */
  /* bf_getbuffer: fills every field of `view` but obj (left NULL). BUFCONF_OK, or
   * BUFCONF_REFUSED: the consumer must see the exporter refuse (CPython: raise BufferError with
   * `message`). */
  int (*get_buffer)(void *ctx, bufconf_buffer *view, int flags, char *message,
                    size_t message_size);
  /* bf_releasebuffer, on the view get_buffer filled (or a copy of it: internal identifies it). */
  void (*release_buffer)(void *ctx, bufconf_buffer *view);
} bufconf_provider;

/* Where a consumer's output goes: write may be called any number of times, the pieces are
 * concatenated. */
typedef struct bufconf_sink {
  void *ctx;
  void (*write)(void *ctx, const void *data, size_t size);
} bufconf_sink;

/* What a consumer's output is (bufconf_consumer_info.kind); the suite compares it with the
 * reference model's reading of the provided layout. */
#define BUFCONF_CONSUME_BYTES_C 1 /* the items' bytes in C order (PyBuffer_ToContiguous 'C') */
#define BUFCONF_CONSUME_BYTES_F 2 /* ... in Fortran order ('F') */
#define BUFCONF_CONSUME_BYTES_A 3 /* ... in 'A' order (Fortran if F- and not C-contiguous) */
/* The values as memoryview.tolist() gives them (struct dialect; ndim 0: the single value), as
 * UTF-8 JSON: nested arrays in C index order; an integer as a JSON number; a bool as true or
 * false; a float as "nan" or the 16 hex digits of its IEEE double's 8 bytes, little-endian
 * (struct.pack('<d', x).hex()); bytes as {"b": "<hex>"}. */
#define BUFCONF_CONSUME_VALUES 4
/* The elements as struct.unpack gives them: one JSON array, every element in C index order, each
 * its one value, or {"struct": [its values]} when the format has several. */
#define BUFCONF_CONSUME_VALUES_FLAT 5
/* Reads two providers (a and b) and compares them: writes one byte, 1 equal or 0 unequal
 * (memoryview ==, ALGO-EQUAL). */
#define BUFCONF_CONSUME_EQUAL 6

typedef struct bufconf_consumer_info {
  char name[64]; /* e.g. "memoryview.tolist()", "numpy.asarray(x).tobytes('C')" */
  uint32_t kind; /* BUFCONF_CONSUME_* */
  /* The catalogue rule the consumer is judged on: "ALGO-TOLIST", "ALGO-TOBYTES", "ALGO-EQUAL",
   * "ALGO-GET-CONTIGUOUS", or "" for ALGO-READ-ELEMENTS (any other consumer). */
  char rule[32];
} bufconf_consumer_info;

typedef struct bufconf_adapter {
  uint32_t abi_version; /* BUFCONF_ADAPTER_ABI_VERSION */
  const char *name;
  const char *version;
  uint64_t capabilities; /* BUFCONF_CAP_* bits */
  void *context;         /* passed back as `ctx` to every function */

  /* Called in the child after the runner forks for isolation (NULL: nothing to do). Returns 0
   * when the child is ready, anything else when it failed: bufconf run calls it first in a child
   * of its own, and a nonzero return (or a crash, exit or hang there) is an adapter error (exit
   * status 2), with no rule run. */
  int (*after_fork)(void *ctx);

  /* ---- exporter side ---- */
  /* Make an exporter for `spec`. BUFCONF_UNSUPPORTED skips the case. On success `message` may
   * say what was made (e.g. "numpy.ndarray <i4 (C order)"): failures of the case are reported
   * at "generated <message>", which expectation scopes (@GLOB) can match. */
  int (*make_exporter)(void *ctx, const bufconf_array_spec *spec, void **exporter, char *message,
                       size_t message_size);
  /* The index-th exporter the implementation makes on its own; BUFCONF_UNSUPPORTED past the
   * last one. */
  int (*enumerate)(void *ctx, size_t index, void **exporter, bufconf_enumerated *info);
  /* bf_getbuffer: fill `view` for `flags`. BUFCONF_REFUSED when the exporter refuses. The suite
   * does not always zero `view` first (REQ-FIELDS-ALL-FILLED): write every field. */
  int (*get_buffer)(void *ctx, void *exporter, bufconf_buffer *view, int flags, char *message,
                    size_t message_size);
  /* bf_releasebuffer (the view is the one get_buffer filled). */
  void (*release_buffer)(void *ctx, void *exporter, bufconf_buffer *view);
  void (*destroy_exporter)(void *ctx, void *exporter);
  /* The regions the exporter owns; returns how many there are (may exceed capacity). */
  size_t (*regions)(void *ctx, void *exporter, bufconf_region *out, size_t capacity);
  /* Live exports of the exporter (buffers got and not yet released). */
  bufconf_ssize_t (*export_count)(void *ctx, void *exporter);

  /* ---- algorithm side (views in the suite's memory) ---- */
  int (*is_contiguous)(void *ctx, const bufconf_buffer *view, char order);
  void *(*get_pointer)(void *ctx, const bufconf_buffer *view, const bufconf_ssize_t *indices);
  /* BUFCONF_OK, or BUFCONF_REFUSED when the call is refused (e.g. len != view->len). */
  int (*to_contiguous)(void *ctx, void *buf, const bufconf_buffer *src, bufconf_ssize_t len,
                       char order);
  int (*from_contiguous)(void *ctx, const bufconf_buffer *view, const void *buf,
                         bufconf_ssize_t len, char order);
  void (*fill_contiguous_strides)(void *ctx, int ndim, const bufconf_ssize_t *shape,
                                  bufconf_ssize_t *strides, int itemsize, char order);
  /* The itemsize a struct-module format implies, or -1 when it is not one. */
  bufconf_ssize_t (*size_from_format)(void *ctx, const char *format);
  int (*copy_data)(void *ctx, const bufconf_buffer *dest, const bufconf_buffer *src);

  /* ---- added in ABI version 2: a version-1 adapter's struct ends above, and the loader reads
   * the fields below as NULL for it ---- */
  /* Try to change the size of the exporter's memory the way its users can (bytearray.extend,
   * array.append, ctypes.resize, BytesIO.write past the end, ...). BUFCONF_OK: it changed;
   * BUFCONF_REFUSED: the exporter refused (it must while exports exist:
   * RELEASE-RESIZE-WHILE-EXPORTED); BUFCONF_UNSUPPORTED: this exporter cannot be resized. */
  int (*resize)(void *ctx, void *exporter, char *message, size_t message_size);

  /* ---- added in ABI version 3: a version-2 adapter's struct ends above, and the loader reads
   * the fields below as NULL for it ---- */
  /* References (BUFCONF_CAP_REFERENCES). The object a view of `exporter` names in view->obj
   * (FIELDS-OBJ): its address, as get_buffer fills obj (NULL: unknown). */
  void *(*exporter_object)(void *ctx, void *exporter);
  /* The reference count of the object `obj` points to (CPython: Py_REFCNT), or -1 when it
   * cannot be known (an immortal object). Only called on objects that are alive. */
  bufconf_ssize_t (*reference_count)(void *ctx, const void *obj);

  /* PyBuffer_FillInfo(view, obj, buf, len, readonly, flags) (BUFCONF_CAP_FILL_INFO): BUFCONF_OK,
   * or BUFCONF_REFUSED when it fails (the message names the exception). `obj` is NULL (no
   * reference is taken). */
  int (*fill_info)(void *ctx, bufconf_buffer *view, void *obj, void *buf, bufconf_ssize_t len,
                   int readonly, int flags, char *message, size_t message_size);

  /* Consumers (BUFCONF_CAP_CONSUMERS). The index-th consumer: fills `info`, BUFCONF_OK, or
   * BUFCONF_UNSUPPORTED past the last one. */
  int (*consumer)(void *ctx, size_t index, bufconf_consumer_info *info);
  /* Run consumer `index` on the exporter `a` provides (and, for BUFCONF_CONSUME_EQUAL, `b`;
   * otherwise b is NULL), writing its output to `out`. Returns
   *   BUFCONF_OK          the consumer read the exporter: `out` holds what it read;
   *   BUFCONF_REFUSED     it refused cleanly, as documented (CPython: BufferError, ValueError,
   *                       TypeError or NotImplementedError); `message` says how;
   *   BUFCONF_REFUSED_IMPROPERLY  it failed another way (e.g. SystemError): a finding;
   *   BUFCONF_UNSUPPORTED the adapter cannot run this consumer on this exporter (skipped);
   *   BUFCONF_ERROR       the adapter itself failed. */
  int (*consume)(void *ctx, size_t index, const bufconf_provider *a, const bufconf_provider *b,
                 const bufconf_sink *out, char *message, size_t message_size);
} bufconf_adapter;

/* The entry point of a shared-library adapter (bufconf run --adapter ./lib.so). */
typedef const bufconf_adapter *(*bufconf_adapter_entry_fn)(void);
#define BUFCONF_ADAPTER_ENTRY "bufconf_adapter_v1"

#ifdef __cplusplus
}
#endif

#endif /* BUFCONF_ADAPTER_H_ */
