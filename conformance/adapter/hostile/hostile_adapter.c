/* For hostile_adapter_test: shared-library adapters that misbehave while loading, one way each
 * (HOSTILE_* chosen by -D in BUILD). A well-behaved adapter (no HOSTILE_*) has a valid struct. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bufconf_adapter.h"

const bufconf_adapter *bufconf_adapter_v1(void);

#if defined(HOSTILE_CTOR_SEGV) || defined(HOSTILE_ENTRY_SEGV)
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
  adapter.capabilities = (UINT64_C(1) << 40) | (UINT64_C(1) << 5);
#endif
#ifdef HOSTILE_ABI
  adapter.abi_version = HOSTILE_ABI;
#endif
  return &adapter;
}
