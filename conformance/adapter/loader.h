// Finding an adapter by name: the built-in ones ("reference", and any registered with
// RegisterAdapter, e.g. statically linked by bufconf_adapter_library), or a shared library
// exporting BUFCONF_ADAPTER_ENTRY.
#ifndef BUFCONF_CONFORMANCE_ADAPTER_LOADER_H_
#define BUFCONF_CONFORMANCE_ADAPTER_LOADER_H_

#include <stdexcept>
#include <string>
#include <vector>

#include "conformance/adapter/bufconf_adapter.h"

namespace bufconf::conformance {

// Why an adapter could not be loaded; the message names the adapter (or file) and the problem.
class AdapterLoadError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LoadedAdapter {
  const bufconf_adapter* adapter = nullptr;
  void* dl_handle = nullptr;  // dlopen handle of a shared library; null for a built-in adapter
  std::string source;         // "built-in reference", or the library's path
};

using AdapterFactory = const bufconf_adapter* (*)();

// Adds a built-in adapter (safe from static initializers). Returns false, changing nothing, when
// `name` is already taken (by "reference" or an earlier registration).
bool RegisterAdapter(const char* name, AdapterFactory factory);

// The built-in adapter names, sorted ("reference" included).
std::vector<std::string> BuiltinAdapterNames();

// A built-in name, or a path to a shared library (anything containing '/' or ending in ".so"; a
// bare "lib.so" is looked up in the current directory, not the library search path). Libraries
// are opened with RTLD_NOW | RTLD_LOCAL. The adapter is checked (CheckAdapter) before it is
// returned. Throws AdapterLoadError.
LoadedAdapter LoadAdapter(const std::string& name_or_path);

// Closes a shared library LoadAdapter opened (nothing for a built-in adapter); `loaded` is reset.
void UnloadAdapter(LoadedAdapter& loaded);

// What is wrong with an adapter, or "" when nothing is: abi_version, NULL name, unknown
// capability bits, and NULL functions the declared capabilities require.
std::string CheckAdapter(const bufconf_adapter& adapter);

}  // namespace bufconf::conformance

#endif  // BUFCONF_CONFORMANCE_ADAPTER_LOADER_H_
