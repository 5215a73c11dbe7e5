/* For loader_test and bufconf run: an adapter built against an older ABI version (OLD_ABI = 1 or
 * 2), whose struct really ends where that version's struct ends: it lies at the very end of a
 * mapped page followed by a PROT_NONE page, so that reading any field of a later version crashes.
 * A tiny algorithm side: is_contiguous, as CPython's PyBuffer_IsContiguous (Objects/abstract.c).
 * EXTRA_CAPS (default 0) adds capability bits the version does not have (the loader must refuse
 * them). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bufconf_adapter.h"

#ifndef OLD_ABI
#error "define OLD_ABI (1 or 2)"
#endif
#ifndef EXTRA_CAPS
#define EXTRA_CAPS 0
#endif

#if OLD_ABI == 1
#define OLD_STRUCT_SIZE offsetof(bufconf_adapter, resize)
#define OLD_NAME "old-abi-v1"
#elif OLD_ABI == 2
#define OLD_STRUCT_SIZE offsetof(bufconf_adapter, exporter_object)
#define OLD_NAME "old-abi-v2"
#else
#error "OLD_ABI must be 1 or 2"
#endif

static int c_contiguous(const bufconf_buffer *view) {
  bufconf_ssize_t sd;
  int i;
  if (view->len == 0 || view->strides == NULL) return 1;
  sd = view->itemsize;
  for (i = view->ndim - 1; i >= 0; i--) {
    const bufconf_ssize_t dim = view->shape[i];
    if (dim > 1 && view->strides[i] != sd) return 0;
    sd *= dim;
  }
  return 1;
}

static int f_contiguous(const bufconf_buffer *view) {
  bufconf_ssize_t sd;
  int i;
  if (view->len == 0) return 1;
  if (view->strides == NULL) {
    int long_dims = 0;
    if (view->ndim <= 1) return 1;
    for (i = 0; i < view->ndim; i++) {
      if (view->shape[i] > 1) long_dims += 1;
    }
    return long_dims <= 1;
  }
  sd = view->itemsize;
  for (i = 0; i < view->ndim; i++) {
    const bufconf_ssize_t dim = view->shape[i];
    if (dim > 1 && view->strides[i] != sd) return 0;
    sd *= dim;
  }
  return 1;
}

static int is_contiguous(void *ctx, const bufconf_buffer *view, char order) {
  (void)ctx;
  if (view->suboffsets != NULL) return 0;
  if (order == 'C') return c_contiguous(view);
  if (order == 'F') return f_contiguous(view);
  if (order == 'A') return c_contiguous(view) || f_contiguous(view);
  return 0;
}

const bufconf_adapter *bufconf_adapter_v1(void);

const bufconf_adapter *bufconf_adapter_v1(void) {
  static const bufconf_adapter *placed = NULL;
  bufconf_adapter full;
  long page;
  unsigned char *pages;
  if (placed != NULL) return placed;
  page = sysconf(_SC_PAGESIZE);
  if (page <= 0 || (size_t)page < sizeof full) return NULL;
  pages = (unsigned char *)mmap(NULL, 2 * (size_t)page, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (pages == MAP_FAILED) return NULL;
  if (mprotect(pages + page, (size_t)page, PROT_NONE) != 0) return NULL;
  memset(&full, 0, sizeof full);
  full.abi_version = OLD_ABI;
  full.name = OLD_NAME;
  full.version = "0";
  full.capabilities = BUFCONF_CAP_IS_CONTIGUOUS | (uint64_t)(EXTRA_CAPS);
  full.is_contiguous = is_contiguous;
  /* The old struct ends exactly at the guard page. */
  memcpy(pages + page - OLD_STRUCT_SIZE, &full, OLD_STRUCT_SIZE);
  placed = (const bufconf_adapter *)(pages + page - OLD_STRUCT_SIZE);
  return placed;
}
