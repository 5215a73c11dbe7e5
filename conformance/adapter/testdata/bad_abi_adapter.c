/* For loader_test: a shared-library adapter that declares an ABI version bufconf does not have. */
#include "bufconf_adapter.h"

const bufconf_adapter *bufconf_adapter_v1(void);

const bufconf_adapter *bufconf_adapter_v1(void) {
  static bufconf_adapter adapter;
  adapter.abi_version = BUFCONF_ADAPTER_ABI_VERSION + 1;
  adapter.name = "bad-abi";
  adapter.version = "0";
  return &adapter;
}
