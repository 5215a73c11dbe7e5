/* A minimal bufconf adapter: the exporter side for C-contiguous, non-indirect arrays.
 *
 * It copies each spec's items into one malloc'd block and exports it with C strides; any other
 * physical layout (Fortran order, steps, indirect dimensions) is BUFCONF_UNSUPPORTED, so those
 * cases are skipped. Requests are answered as PEP 3118 and Doc/c-api/buffer.rst require (see
 * docs/layouts.md "Requests"). Build it (outside the bufconf tree):
 *
 *     cc -shared -fPIC -I<bufconf>/conformance/adapter minimal_adapter.c -o libminimal.so
 *     bufconf run --adapter ./libminimal.so
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bufconf_adapter.h"

typedef struct minimal_exporter {
  void *data;
  char *format;
  bufconf_ssize_t len;
  bufconf_ssize_t itemsize;
  int ndim;
  int readonly;
  bufconf_ssize_t shape[64];
  bufconf_ssize_t strides[64];
  bufconf_ssize_t exports; /* buffers got and not yet released */
} minimal_exporter;

/* "flags contains request": every bit of it is set (CPython's REQ_* macros). */
static int has(int flags, int request) { return (flags & request) == request; }

static int fail(char *message, size_t size, int code, const char *text) {
  if (message != NULL && size > 0) snprintf(message, size, "%s", text);
  return code;
}

static int make_exporter(void *ctx, const bufconf_array_spec *spec, void **exporter, char *message,
                         size_t message_size) {
  minimal_exporter *ex;
  bufconf_ssize_t count = 1, len;
  int i;
  (void)ctx;
  if (spec->ndim < 0 || spec->ndim > 64 || spec->itemsize < 0 || spec->format == NULL ||
      (spec->ndim > 0 && spec->shape == NULL)) {
    return fail(message, message_size, BUFCONF_ERROR, "invalid spec");
  }
  /* What this adapter cannot express is skipped, not failed. */
  if ((spec->layout & BUFCONF_LAYOUT_FORTRAN) && spec->ndim > 1) {
    return fail(message, message_size, BUFCONF_UNSUPPORTED, "Fortran order");
  }
  for (i = 0; i < spec->ndim; ++i) {
    if (spec->steps != NULL && spec->steps[i] != 1) {
      return fail(message, message_size, BUFCONF_UNSUPPORTED, "slicing steps");
    }
    if (spec->indirect != NULL && spec->indirect[i]) {
      return fail(message, message_size, BUFCONF_UNSUPPORTED, "indirect dimensions");
    }
    if (spec->shape[i] < 0 || __builtin_mul_overflow(count, spec->shape[i], &count)) {
      return fail(message, message_size, BUFCONF_ERROR, "invalid shape");
    }
  }
  if (__builtin_mul_overflow(count, spec->itemsize, &len) || len > ((bufconf_ssize_t)1 << 30)) {
    return fail(message, message_size, BUFCONF_ERROR, "too large");
  }
  if (len > 0 && spec->items == NULL) {
    return fail(message, message_size, BUFCONF_ERROR, "items is NULL");
  }
  ex = calloc(1, sizeof *ex);
  if (ex == NULL) return fail(message, message_size, BUFCONF_ERROR, "out of memory");
  ex->data = malloc(len > 0 ? (size_t)len : 1);
  ex->format = malloc(strlen(spec->format) + 1);
  if (ex->data == NULL || ex->format == NULL) {
    free(ex->data);
    free(ex->format);
    free(ex);
    return fail(message, message_size, BUFCONF_ERROR, "out of memory");
  }
  if (len > 0) memcpy(ex->data, spec->items, (size_t)len);
  strcpy(ex->format, spec->format);
  ex->len = len;
  ex->itemsize = spec->itemsize;
  ex->ndim = spec->ndim;
  ex->readonly = (spec->layout & BUFCONF_LAYOUT_READONLY) ? 1 : 0;
  for (i = spec->ndim - 1; i >= 0; --i) { /* C strides */
    ex->shape[i] = spec->shape[i];
    ex->strides[i] = i == spec->ndim - 1 ? spec->itemsize : ex->strides[i + 1] * ex->shape[i + 1];
  }
  *exporter = ex;
  return BUFCONF_OK;
}

/* The buffer is C-contiguous; it is also Fortran-contiguous when empty or when at most one
 * extent exceeds 1 (PyBuffer_IsContiguous). */
static int fortran_contiguous(const minimal_exporter *ex) {
  int i, big = 0;
  if (ex->len == 0) return 1;
  for (i = 0; i < ex->ndim; ++i) big += ex->shape[i] > 1;
  return big <= 1;
}

static int get_buffer(void *ctx, void *exporter, bufconf_buffer *view, int flags, char *message,
                      size_t message_size) {
  minimal_exporter *ex = exporter;
  (void)ctx;
  if (flags == 0x100 || flags == 0x200) { /* PyBUF_READ / PyBUF_WRITE are not request flags */
    return fail(message, message_size, BUFCONF_REFUSED, "PyBUF_READ/PyBUF_WRITE");
  }
  if (has(flags, BUFCONF_PYBUF_WRITABLE) && ex->readonly) {
    return fail(message, message_size, BUFCONF_REFUSED, "the exporter is read-only");
  }
  if (has(flags, BUFCONF_PYBUF_F_CONTIGUOUS) && !fortran_contiguous(ex)) {
    return fail(message, message_size, BUFCONF_REFUSED, "not Fortran-contiguous");
  }
  /* C_CONTIGUOUS, ANY_CONTIGUOUS, no STRIDES, no INDIRECT: all fine for a C-contiguous block. */
  view->buf = ex->data;
  view->obj = ex;
  view->len = ex->len;
  view->itemsize = ex->itemsize;
  view->readonly = ex->readonly;
  view->format = has(flags, BUFCONF_PYBUF_FORMAT) ? ex->format : NULL;
  if (has(flags, BUFCONF_PYBUF_ND)) {
    view->ndim = ex->ndim;
    view->shape = ex->ndim > 0 ? ex->shape : NULL;
  } else {
    view->ndim = 1; /* one dimension of bytes, shape NULL (len says how many) */
    view->shape = NULL;
  }
  view->strides = has(flags, BUFCONF_PYBUF_STRIDES) && ex->ndim > 0 ? ex->strides : NULL;
  view->suboffsets = NULL;
  view->internal = NULL;
  ++ex->exports;
  return BUFCONF_OK;
}

static void release_buffer(void *ctx, void *exporter, bufconf_buffer *view) {
  (void)ctx;
  (void)view;
  --((minimal_exporter *)exporter)->exports;
}

static void destroy_exporter(void *ctx, void *exporter) {
  minimal_exporter *ex = exporter;
  (void)ctx;
  free(ex->data);
  free(ex->format);
  free(ex);
}

static size_t regions(void *ctx, void *exporter, bufconf_region *out, size_t capacity) {
  minimal_exporter *ex = exporter;
  (void)ctx;
  if (capacity >= 1) {
    out[0].base = ex->data;
    out[0].size = (size_t)ex->len;
  }
  return 1;
}

static bufconf_ssize_t export_count(void *ctx, void *exporter) {
  (void)ctx;
  return ((minimal_exporter *)exporter)->exports;
}

const bufconf_adapter *bufconf_adapter_v1(void) {
  /* One field per line, in the order of bufconf_adapter. */
  /* clang-format off */
  static const bufconf_adapter adapter = {
      BUFCONF_ADAPTER_ABI_VERSION,
      "minimal",
      "1.0",
      BUFCONF_CAP_MAKE_EXPORTER | BUFCONF_CAP_EXPORT_COUNT,
      NULL, /* context */
      NULL, /* after_fork */
      make_exporter,
      NULL, /* enumerate */
      get_buffer,
      release_buffer,
      destroy_exporter,
      regions,
      export_count,
      /* algorithm side: not implemented (its rules are reported as skipped) */
      NULL,
      NULL,
      NULL,
      NULL,
      NULL,
      NULL,
      NULL,
      NULL, /* resize (ABI 2): this exporter cannot be resized */
      NULL, /* exporter_object (ABI 3): no reference counts */
      NULL, /* reference_count */
      NULL, /* fill_info */
      NULL, /* consumer (ABI 3): no consumer side */
      NULL, /* consume */
  };
  /* clang-format on */
  return &adapter;
}
