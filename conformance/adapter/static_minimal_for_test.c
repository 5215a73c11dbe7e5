/* A statically linked adapter for loader_test: registered as "static-minimal" through
 * bufconf_adapter_library(entry = "static_minimal_adapter"). It implements nothing. */
#include "bufconf_adapter.h"

const bufconf_adapter *static_minimal_adapter(void);

const bufconf_adapter *static_minimal_adapter(void) {
  static bufconf_adapter adapter;
  adapter.abi_version = BUFCONF_ADAPTER_ABI_VERSION;
  adapter.name = "static-minimal";
  adapter.version = "0";
  return &adapter;
}
