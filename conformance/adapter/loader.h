// Finding an adapter by name: the built-in ones ("reference", and any registered with
// RegisterAdapter, e.g. statically linked by bufconf_adapter_library), or a shared library
// exporting BUFCONF_ADAPTER_ENTRY.
#ifndef BUFCONF_CONFORMANCE_ADAPTER_LOADER_H_
#define BUFCONF_CONFORMANCE_ADAPTER_LOADER_H_

#include <cstddef>
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

// The longest name or version an adapter may have (bytes before the NUL).
constexpr size_t kMaxAdapterStringLength = 1024;

// How long a shared library may take to load (constructors and the entry function) in the probe
// LoadAdapter runs first, unless the environment variable BUFCONF_LOAD_TIMEOUT gives seconds.
constexpr double kDefaultLoadTimeoutSeconds = 10;

using AdapterFactory = const bufconf_adapter* (*)();

// Adds a built-in adapter (safe from static initializers). Returns false, changing nothing, when
// `name` is already taken (by "reference" or an earlier registration).
bool RegisterAdapter(const char* name, AdapterFactory factory);

// The built-in adapter names, sorted ("reference" included).
std::vector<std::string> BuiltinAdapterNames();

// A built-in name, or a path to a shared library (anything containing '/' or ending in ".so"; a
// bare "lib.so" is looked up in the current directory, not the library search path). A library
// is first probed in a forked child (dlopen, the entry function, the struct read there), with a
// time limit (kDefaultLoadTimeoutSeconds, or BUFCONF_LOAD_TIMEOUT seconds): a library that
// crashes, hangs, exits or returns a bad struct there is an AdapterLoadError, and bufconf's own
// process never runs it. Only then is it opened here, with RTLD_NOW | RTLD_LOCAL. The adapter is
// checked (CheckAdapter) before it is returned. Throws AdapterLoadError.
LoadedAdapter LoadAdapter(const std::string& name_or_path);

// Closes a shared library LoadAdapter opened (nothing for a built-in adapter); `loaded` is reset.
void UnloadAdapter(LoadedAdapter& loaded);

// What is wrong with an adapter, or "" when nothing is: abi_version, NULL name, name or version
// not NUL-terminated within kMaxAdapterStringLength bytes, unknown capability bits, and NULL
// functions the declared capabilities require.
std::string CheckAdapter(const bufconf_adapter& adapter);

}  // namespace bufconf::conformance

#endif  // BUFCONF_CONFORMANCE_ADAPTER_LOADER_H_
