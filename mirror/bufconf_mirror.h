/* bufconf mirror: fast contiguous mirroring, copying and element iteration over any layout the
 * buffer protocol allows (strided, negative and zero strides, PIL-style suboffsets).
 *
 * A plain C API: a C extension passes its Py_buffer (the views below have Py_buffer's memory
 * layout) and links the library. Separate from bufconf's reference model, which is the oracle
 * this library is tested against (conformance suite adapter "mirror", docs/performance.md,
 * mirror/README.md).
 *
 * Plan once, run many: a plan captures shape, strides, suboffsets and itemsize (not the buffer
 * pointers), merges dimensions, and picks memcpy runs, item-size loops or a blocked transpose.
 * All planning arithmetic is overflow-checked; a view whose byte offsets do not fit in
 * ptrdiff_t is refused with BUFCONF_MIRROR_EOVERFLOW, never copied.
 *
 * How a view is read (as CPython consumers read a Py_buffer): NULL shape (ndim >= 1) = len
 * unsigned bytes (itemsize 1, strides must be NULL); NULL strides = C-contiguous; suboffsets:
 * for each dimension p += strides[i] * index[i], then if suboffsets[i] >= 0,
 * p = *(char **)p + suboffsets[i]; ndim 0 = one item at buf. ndim must be 0..64, itemsize and
 * extents >= 0, otherwise BUFCONF_MIRROR_EINVAL. Every call is safe to make concurrently on
 * different destination memory; plans are immutable once made (one plan may run in many
 * threads at once).
 */
#ifndef BUFCONF_MIRROR_H_
#define BUFCONF_MIRROR_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The memory layout of Py_buffer (Include/pybuffer.h): a Py_buffer* may be passed as is. */
typedef struct bufconf_view {
  void *buf;
  void *obj;
  ptrdiff_t len;
  ptrdiff_t itemsize;
  int readonly;
  int ndim;
  char *format;
  ptrdiff_t *shape;      /* NULL: the view is len bytes (PyBUF_SIMPLE) */
  ptrdiff_t *strides;    /* NULL: C-contiguous */
  ptrdiff_t *suboffsets; /* NULL: no array-of-arrays dimension */
  void *internal;
} bufconf_view;

/* Return codes. */
#define BUFCONF_MIRROR_OK 0
#define BUFCONF_MIRROR_EINVAL 1    /* bad arguments: order, len != view len, shapes differ... */
#define BUFCONF_MIRROR_EOVERFLOW 2 /* the layout's byte offsets overflow ptrdiff_t */
#define BUFCONF_MIRROR_ENOMEM 3
#define BUFCONF_MIRROR_EREADONLY 4 /* writing into a read-only view */

/* A human-readable name for a return code. */
const char *bufconf_mirror_strerror(int code);

/* ---- one-shot calls, with CPython's semantics ---- */

/* PyBuffer_ToContiguous: len must equal src->len; order 'C', 'F' or 'A'. A view contiguous in
 * `order` (PyBuffer_IsContiguous) is copied as is (len bytes from src->buf); otherwise its items
 * in Fortran order for 'F', else in C order ('A': C unless the view is F-contiguous). Then
 * product(shape) * itemsize must equal len (EINVAL otherwise). `buf` may overlap the view's
 * memory (the copy then goes through a temporary). */
int bufconf_to_contiguous(void *buf, const bufconf_view *src, ptrdiff_t len, char order);
/* PyBuffer_FromContiguous, except that len != view->len is EINVAL (CPython clamps silently).
 * Items are written in Fortran order for 'F', else C order; where items of the view share bytes
 * (zero strides, overlapping strides) the last one written wins, as in CPython. Every pointer of
 * an array-of-arrays view is read before the first byte is written. Like CPython, the view's
 * readonly flag is not consulted. */
int bufconf_from_contiguous(const bufconf_view *view, const void *buf, ptrdiff_t len, char order);
/* PyObject_CopyData on two views of the same shape and itemsize (EINVAL otherwise; a NULL-shape
 * view has shape (len,) and itemsize 1); correct when they overlap (as if every source item were
 * read before the first write). dest->readonly != 0 is EREADONLY. len is not consulted. */
int bufconf_copy_data(const bufconf_view *dest, const bufconf_view *src);

/* Calls fn(ctx, item, index) for every element in 'C' or 'F' order (following suboffsets);
 * index has ndim entries (1 for a NULL-shape view; never NULL). A nonzero return from fn stops
 * the walk and is returned (choose values other than the BUFCONF_MIRROR_* codes to tell them
 * apart). Pointers are followed as the walk goes. */
typedef int (*bufconf_element_fn)(void *ctx, void *item, const ptrdiff_t *index);
int bufconf_for_each(const bufconf_view *view, char order, bufconf_element_fn fn, void *ctx);

/* PyBuffer_IsContiguous: 1 when the view is contiguous in `order` ('C', 'F', or 'A' = either),
 * else 0 (any other order: 0). Non-NULL suboffsets are never contiguous; len 0 always is;
 * dimensions of extent <= 1 do not constrain their stride (bpo-22445). */
int bufconf_is_contiguous(const bufconf_view *view, char order);
/* PyBuffer_GetPointer: the address of the item at `indices` (ndim entries; not range-checked,
 * as in CPython), following suboffsets. NULL when the view cannot be read (the EINVAL cases
 * above), indices is NULL with ndim >= 1, or an address step overflows. */
void *bufconf_get_pointer(const bufconf_view *view, const ptrdiff_t *indices);
/* PyBuffer_FillContiguousStrides: the strides of a contiguous array of `shape`, Fortran for
 * order 'F', C for any other order. Products wrap around as in CPython (no check). */
void bufconf_fill_contiguous_strides(int ndim, const ptrdiff_t *shape, ptrdiff_t *strides,
                                     int itemsize, char order);

/* ---- plans ---- */

typedef struct bufconf_mirror_plan bufconf_mirror_plan;

/* Plans for views with this shape/strides/suboffsets/itemsize; buf pointers are given at run
 * time (bufconf_mirror_run's dst and src), so one plan serves every buffer of that layout.
 * The same arguments are checked as by the one-shot calls (len is src->len / dest->len); on
 * error *plan is set to NULL. */
int bufconf_mirror_plan_to_contiguous(const bufconf_view *src, char order,
                                      bufconf_mirror_plan **plan);
int bufconf_mirror_plan_from_contiguous(const bufconf_view *dest, char order,
                                        bufconf_mirror_plan **plan);
int bufconf_mirror_plan_copy(const bufconf_view *dest, const bufconf_view *src,
                             bufconf_mirror_plan **plan);
/* The number of bytes a plan moves (the logical length). */
ptrdiff_t bufconf_mirror_plan_bytes(const bufconf_mirror_plan *plan);
/* Runs a plan: dst/src are the buf pointers of the planned views (for to_contiguous, dst is the
 * contiguous buffer; for from_contiguous, src is). Returns OK, ENOMEM (a temporary for
 * overlapping memory or a pointer table could not be allocated), EOVERFLOW (a pointer loaded
 * from an array-of-arrays table plus its suboffset leaves the address space) or EINVAL (NULL
 * plan). */
int bufconf_mirror_run(const bufconf_mirror_plan *plan, void *dst, const void *src);
/* Options of a run; a zeroed struct (or NULL) is the defaults, which bufconf_mirror_run and the
 * one-shot calls use. */
typedef struct bufconf_mirror_options {
  /* Threads the run may use, 0..64 (0: 1). The copy's outermost dimension (for a single plane,
   * its lines, or the items of its one line; for one contiguous run, its bytes; for an array of
   * arrays, its rows) is split into blocks of consecutive indices, one a thread, the calling
   * thread taking the first. Fewer
   * threads run when a block would be smaller than thread_min_bytes, when items of the
   * destination may share bytes or memory overlaps (the copy then runs on one thread, in the
   * order the one-shot calls write), and when a thread cannot be started (its block runs on the
   * calling thread). Threads are started and joined within the call. The bytes written are the
   * same for every thread count. */
  int threads;
  /* Bytes a thread must have at least, >= 0 (0: 1 MiB). */
  ptrdiff_t thread_min_bytes;
  /* Copies moving at least this many bytes write with non-temporal stores where a kernel has
   * them (transposes with AVX2, contiguous runs of 512 bytes or more): no read for ownership of
   * the destination and no eviction of the cache's contents, at the price of the result not
   * being in the cache afterwards. 0: the size of the last-level cache as the system reports it
   * (sysconf; 32 MiB if it reports none); -1: never; >= -1. */
  ptrdiff_t stream_min_bytes;
} bufconf_mirror_options;

/* bufconf_mirror_run under `options` (NULL: the defaults); EINVAL for options out of range. */
int bufconf_mirror_run_with(const bufconf_mirror_plan *plan, void *dst, const void *src,
                            const bufconf_mirror_options *options);
void bufconf_mirror_plan_free(bufconf_mirror_plan *plan);

#ifdef __cplusplus
}
#endif

#endif /* BUFCONF_MIRROR_H_ */
