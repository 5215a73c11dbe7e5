/* For loader_test: declares BUFCONF_CAP_GET_POINTER but leaves get_pointer NULL. */
#include "bufconf_adapter.h"

const bufconf_adapter *bufconf_adapter_v1(void);

const bufconf_adapter *bufconf_adapter_v1(void) {
  static bufconf_adapter adapter;
  adapter.abi_version = BUFCONF_ADAPTER_ABI_VERSION;
  adapter.name = "missing-function";
  adapter.version = "0";
  adapter.capabilities = BUFCONF_CAP_GET_POINTER;
  return &adapter;
}
