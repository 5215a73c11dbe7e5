/* For hostile_adapter_test: shared-library adapters that misbehave while loading, or after it
 * (enumerate, regions), one way each (HOSTILE_* chosen by -D in BUILD). A well-behaved adapter
 * (no HOSTILE_*) has a valid struct. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bufconf_adapter.h"

const bufconf_adapter *bufconf_adapter_v1(void);

#if defined(HOSTILE_CTOR_SEGV) || defined(HOSTILE_ENTRY_SEGV) || defined(HOSTILE_AFTER_FORK_SEGV)
static volatile int *volatile nowhere;
#endif

#if defined(HOSTILE_CTOR_SEGV) || defined(HOSTILE_CTOR_EXIT0)
__attribute__((constructor)) static void misbehave(void) {
#ifdef HOSTILE_CTOR_SEGV
  *nowhere = 1;
#else
  _exit(0);
#endif
}
#endif

#ifdef HOSTILE_LONG_NAME
static char long_name[65536]; /* all 'A', no NUL */
#endif

#if defined(HOSTILE_ENUMERATE_HANG) || defined(HOSTILE_ENUMERATE_ENDLESS) || \
    defined(HOSTILE_REGIONS_HUGE) || defined(HOSTILE_REGIONS_WRAP) ||        \
    defined(HOSTILE_EXPECTED_HUGE) || defined(HOSTILE_EXPECTED_NULL) ||      \
    defined(HOSTILE_ENUMERATE_ERROR) || defined(HOSTILE_REFUSE_BIN) ||       \
    defined(HOSTILE_REGIONS_NULL) || defined(HOSTILE_REGIONS_UNMAPPED) ||    \
    defined(HOSTILE_AFTER_FORK_SEGV) || defined(HOSTILE_AFTER_FORK_FAIL) ||  \
    defined(HOSTILE_GET_EXIT0)
#define HOSTILE_EXPORTER 1
/* The exporter side after loading: enumerate lists exporters of 4 writable bytes ('B', shape
 * {4}) that answer every request correctly; one function misbehaves.
 *   ENUMERATE_HANG    enumerate(1) never returns (index 0 is fine)
 *   ENUMERATE_ENDLESS enumerate answers BUFCONF_OK for every index, forever
 *   REGIONS_HUGE      regions returns SIZE_MAX (a count no array can hold)
 *   REGIONS_WRAP      regions gives one block of SIZE_MAX bytes (it wraps the address space)
 *   EXPECTED_HUGE     enumerate says the expected contents have shape {2^40} (1 TiB of items)
 *   EXPECTED_NULL     enumerate says there are expected contents, with items NULL
 *   ENUMERATE_ERROR   enumerate(0) answers BUFCONF_ERROR (index 1 is fine)
 *   REFUSE_BIN        get_buffer refuses every request, its message (and the description
 *                     enumerate gives, and make_exporter's message) not UTF-8: a REQ-GRANT
 *                     finding, reported (the old code failed to write it as JSON: exit 3)
 *   REGIONS_NULL      regions gives one block of 4096 bytes at NULL
 *   REGIONS_UNMAPPED  regions gives one block of 8 bytes on a page that is not mapped
 *   AFTER_FORK_SEGV   after_fork crashes (SIGSEGV)
 *   AFTER_FORK_FAIL   after_fork returns -1
 *   GET_EXIT0         get_buffer calls _exit(0) (a finding: the exporter ended the process) */
typedef struct hostile_exporter {
  unsigned char data[4];
  bufconf_ssize_t shape[1];
  bufconf_ssize_t strides[1];
} hostile_exporter;

static int enumerate(void *ctx, size_t index, void **exporter, bufconf_enumerated *info) {
  hostile_exporter *ex;
  (void)ctx;
#ifdef HOSTILE_ENUMERATE_HANG
  if (index == 1) {
    for (;;) sleep(1);
  }
#endif
#ifndef HOSTILE_ENUMERATE_ENDLESS
  if (index >= 2) return BUFCONF_UNSUPPORTED;
#endif
#ifdef HOSTILE_ENUMERATE_ERROR
  if (index == 0) {
    strcpy(info->description, "the object could not be made");
    return BUFCONF_ERROR;
  }
#endif
  ex = calloc(1, sizeof *ex);
  if (ex == NULL) return BUFCONF_ERROR;
  memset(ex->data, (int)(index & 0xff), sizeof ex->data);
  ex->shape[0] = 4;
  ex->strides[0] = 1;
#ifdef HOSTILE_REFUSE_BIN
  strcpy(info->description, "four \xff\x86 bytes");
#else
  strcpy(info->description, "four bytes");
#endif
#if defined(HOSTILE_EXPECTED_HUGE) || defined(HOSTILE_EXPECTED_NULL)
  {
    static const bufconf_ssize_t huge_shape[1] = {(bufconf_ssize_t)1 << 40};
    info->has_expected = 1;
    info->format = "B";
    info->itemsize = 1;
    info->ndim = 1;
#ifdef HOSTILE_EXPECTED_HUGE
    info->shape = huge_shape;
    info->items = ex->data;
#else
    (void)huge_shape;
    info->shape = ex->shape;
    info->items = NULL;
#endif
  }
#endif
  *exporter = ex;
  return BUFCONF_OK;
}

static int get_buffer(void *ctx, void *exporter, bufconf_buffer *view, int flags, char *message,
                      size_t message_size) {
  hostile_exporter *ex = exporter;
  (void)ctx;
#ifdef HOSTILE_GET_EXIT0
  _exit(0);
#endif
#ifdef HOSTILE_REFUSE_BIN
  (void)ex;
  (void)view;
  (void)flags;
  if (message_size > 0) strncpy(message, "refused \x86\xff", message_size - 1);
  return BUFCONF_REFUSED;
#endif
  if (flags == 0x100 || flags == 0x200) {
    if (message_size > 0) strncpy(message, "PyBUF_READ/PyBUF_WRITE", message_size - 1);
    return BUFCONF_REFUSED;
  }
  view->buf = ex->data;
  view->obj = ex;
  view->len = 4;
  view->itemsize = 1;
  view->readonly = 0;
  view->format = (flags & BUFCONF_PYBUF_FORMAT) ? "B" : NULL;
  view->ndim = 1;
  view->shape = (flags & BUFCONF_PYBUF_ND) ? ex->shape : NULL;
  view->strides = (flags & BUFCONF_PYBUF_STRIDES) == BUFCONF_PYBUF_STRIDES ? ex->strides : NULL;
  view->suboffsets = NULL;
  view->internal = NULL;
  return BUFCONF_OK;
}

static void release_buffer(void *ctx, void *exporter, bufconf_buffer *view) {
  (void)ctx;
  (void)exporter;
  (void)view;
}

static void destroy_exporter(void *ctx, void *exporter) {
  (void)ctx;
  free(exporter);
}

static size_t regions(void *ctx, void *exporter, bufconf_region *out, size_t capacity) {
  hostile_exporter *ex = exporter;
  (void)ctx;
#if defined(HOSTILE_REGIONS_NULL) || defined(HOSTILE_REGIONS_UNMAPPED)
  (void)ex;
  if (capacity >= 1) {
#ifdef HOSTILE_REGIONS_NULL
    out[0].base = NULL;
    out[0].size = 4096;
#else
    /* A page mapped and unmapped again: nothing is there. */
    static void *gone;
    if (gone == NULL) {
      gone = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (gone != MAP_FAILED) munmap(gone, 4096);
    }
    out[0].base = gone;
    out[0].size = 8;
#endif
  }
  return 1;
#elif defined(HOSTILE_REGIONS_HUGE)
  (void)ex;
  (void)out;
  (void)capacity;
  return SIZE_MAX;
#else
  if (capacity >= 1) {
    out[0].base = ex->data;
#ifdef HOSTILE_REGIONS_WRAP
    out[0].size = SIZE_MAX;
#else
    out[0].size = sizeof ex->data;
#endif
  }
  return 1;
#endif
}

#ifdef HOSTILE_REFUSE_BIN
/* Makes the same four bytes whatever the spec asks for; says so in bytes that are not UTF-8. */
static int make_exporter(void *ctx, const bufconf_array_spec *spec, void **exporter, char *message,
                         size_t message_size) {
  (void)ctx;
  (void)spec;
  *exporter = calloc(1, sizeof(hostile_exporter));
  if (*exporter == NULL) return BUFCONF_ERROR;
  if (message_size > 0) strncpy(message, "made \x86\xff", message_size - 1);
  return BUFCONF_OK;
}
#endif

#if defined(HOSTILE_AFTER_FORK_SEGV) || defined(HOSTILE_AFTER_FORK_FAIL)
static int after_fork(void *ctx) {
  (void)ctx;
#ifdef HOSTILE_AFTER_FORK_SEGV
  *nowhere = 1;
#endif
  return -1;
}
#endif
#endif

const bufconf_adapter *bufconf_adapter_v1(void) {
  static bufconf_adapter adapter;
#ifdef HOSTILE_ENTRY_SEGV
  *nowhere = 1;
#endif
#ifdef HOSTILE_ENTRY_EXIT3
  _exit(3);
#endif
#ifdef HOSTILE_ENTRY_HANG
  for (;;) sleep(1);
#endif
#ifdef HOSTILE_ENTRY_NULL
  return NULL;
#endif
  adapter.abi_version = BUFCONF_ADAPTER_ABI_VERSION;
  adapter.name = "hostile";
  adapter.version = "0";
#ifdef HOSTILE_LONG_NAME
  memset(long_name, 'A', sizeof long_name);
  adapter.name = long_name;
#endif
#ifdef HOSTILE_NULL_NAME
  adapter.name = NULL;
#endif
#ifdef HOSTILE_UNKNOWN_CAPS
  adapter.capabilities = (UINT64_C(1) << 40) | (UINT64_C(1) << 6);
#endif
#ifdef HOSTILE_ABI
  adapter.abi_version = HOSTILE_ABI;
#endif
#ifdef HOSTILE_EXPORTER
  adapter.capabilities = BUFCONF_CAP_ENUMERATE;
  adapter.enumerate = enumerate;
  adapter.get_buffer = get_buffer;
  adapter.release_buffer = release_buffer;
  adapter.destroy_exporter = destroy_exporter;
  adapter.regions = regions;
#endif
#ifdef HOSTILE_REFUSE_BIN
  adapter.capabilities |= BUFCONF_CAP_MAKE_EXPORTER;
  adapter.make_exporter = make_exporter;
#endif
#if defined(HOSTILE_AFTER_FORK_SEGV) || defined(HOSTILE_AFTER_FORK_FAIL)
  adapter.after_fork = after_fork;
#endif
  return &adapter;
}
