#include "conformance/adapter/loader.h"

#include <dlfcn.h>
#include <sys/stat.h>

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <map>
#include <utility>

#include "conformance/adapter/reference_adapter.h"

namespace bufconf::conformance {
namespace {

std::map<std::string, AdapterFactory>& Registry() {
  static std::map<std::string, AdapterFactory> registry = {{"reference", &ReferenceAdapter}};
  return registry;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string Hex(uint64_t v) {
  char text[32];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(v));
  return text;
}

// A version-1 adapter's struct ends before `resize`: its fields are copied into a struct of
// this version whose later fields are NULL (kept for the life of the process; adapters are few).
const bufconf_adapter* Upgraded(const bufconf_adapter* a) {
  if (a->abi_version != 1) return a;
  auto* copy = new bufconf_adapter{};
  std::memcpy(static_cast<void*>(copy), a, offsetof(bufconf_adapter, resize));
  copy->capabilities &= ~BUFCONF_CAP_RESIZE;  // not defined in version 1
  return copy;
}

LoadedAdapter Checked(LoadedAdapter loaded, const std::string& what) {
  if (loaded.adapter->abi_version == 1 && (loaded.adapter->capabilities & BUFCONF_CAP_RESIZE)) {
    if (loaded.dl_handle != nullptr) dlclose(loaded.dl_handle);
    throw AdapterLoadError(what + ": capability BUFCONF_CAP_RESIZE needs ABI version 2");
  }
  loaded.adapter = Upgraded(loaded.adapter);
  const std::string problem = CheckAdapter(*loaded.adapter);
  if (!problem.empty()) {
    if (loaded.dl_handle != nullptr) dlclose(loaded.dl_handle);
    throw AdapterLoadError(what + ": " + problem);
  }
  return loaded;
}

}  // namespace

bool RegisterAdapter(const char* name, AdapterFactory factory) {
  if (name == nullptr || factory == nullptr) return false;
  const bool inserted = Registry().emplace(name, factory).second;
  if (!inserted) {
    std::fprintf(stderr, "bufconf: adapter name '%s' is registered twice; the first is kept\n",
                 name);
  }
  return inserted;
}

std::vector<std::string> BuiltinAdapterNames() {
  std::vector<std::string> names;
  for (const auto& entry : Registry()) names.push_back(entry.first);
  return names;
}

std::string CheckAdapter(const bufconf_adapter& a) {
  if (a.abi_version != 1 && a.abi_version != BUFCONF_ADAPTER_ABI_VERSION) {
    return "ABI version " + std::to_string(a.abi_version) +
           ", but this bufconf supports ABI versions 1 and " +
           std::to_string(BUFCONF_ADAPTER_ABI_VERSION) + " (bufconf_adapter.h)";
  }
  if (a.name == nullptr) return "the adapter's name is NULL";
  const uint64_t known =
      BUFCONF_CAP_MAKE_EXPORTER | BUFCONF_CAP_ENUMERATE | BUFCONF_CAP_EXPORT_COUNT |
      BUFCONF_CAP_RESIZE | BUFCONF_CAP_IS_CONTIGUOUS | BUFCONF_CAP_GET_POINTER |
      BUFCONF_CAP_TO_CONTIGUOUS | BUFCONF_CAP_FROM_CONTIGUOUS | BUFCONF_CAP_FILL_STRIDES |
      BUFCONF_CAP_SIZE_FROM_FORMAT | BUFCONF_CAP_COPY_DATA | BUFCONF_CAP_VIA_INTERPRETER;
  if ((a.capabilities & ~known) != 0) {
    return "unknown capability bits " + Hex(a.capabilities & ~known) + " (ABI version " +
           std::to_string(BUFCONF_ADAPTER_ABI_VERSION) + " defines " + Hex(known) + ")";
  }
  std::string missing;
  auto need = [&](uint64_t cap, const char* cap_name, bool present, const char* function) {
    if ((a.capabilities & cap) != 0 && !present) {
      missing +=
          std::string(missing.empty() ? "" : ", ") + function + " (needed by " + cap_name + ")";
    }
  };
  const uint64_t exporters = BUFCONF_CAP_MAKE_EXPORTER | BUFCONF_CAP_ENUMERATE;
  need(BUFCONF_CAP_MAKE_EXPORTER, "BUFCONF_CAP_MAKE_EXPORTER", a.make_exporter != nullptr,
       "make_exporter");
  need(BUFCONF_CAP_ENUMERATE, "BUFCONF_CAP_ENUMERATE", a.enumerate != nullptr, "enumerate");
  if ((a.capabilities & exporters) != 0) {
    const char* cap = (a.capabilities & BUFCONF_CAP_MAKE_EXPORTER) ? "BUFCONF_CAP_MAKE_EXPORTER"
                                                                   : "BUFCONF_CAP_ENUMERATE";
    need(exporters, cap, a.get_buffer != nullptr, "get_buffer");
    need(exporters, cap, a.release_buffer != nullptr, "release_buffer");
    need(exporters, cap, a.destroy_exporter != nullptr, "destroy_exporter");
    need(exporters, cap, a.regions != nullptr, "regions");
  }
  need(BUFCONF_CAP_EXPORT_COUNT, "BUFCONF_CAP_EXPORT_COUNT", a.export_count != nullptr,
       "export_count");
  need(BUFCONF_CAP_RESIZE, "BUFCONF_CAP_RESIZE", a.resize != nullptr, "resize");
  need(BUFCONF_CAP_IS_CONTIGUOUS, "BUFCONF_CAP_IS_CONTIGUOUS", a.is_contiguous != nullptr,
       "is_contiguous");
  need(BUFCONF_CAP_GET_POINTER, "BUFCONF_CAP_GET_POINTER", a.get_pointer != nullptr, "get_pointer");
  need(BUFCONF_CAP_TO_CONTIGUOUS, "BUFCONF_CAP_TO_CONTIGUOUS", a.to_contiguous != nullptr,
       "to_contiguous");
  need(BUFCONF_CAP_FROM_CONTIGUOUS, "BUFCONF_CAP_FROM_CONTIGUOUS", a.from_contiguous != nullptr,
       "from_contiguous");
  need(BUFCONF_CAP_FILL_STRIDES, "BUFCONF_CAP_FILL_STRIDES", a.fill_contiguous_strides != nullptr,
       "fill_contiguous_strides");
  need(BUFCONF_CAP_SIZE_FROM_FORMAT, "BUFCONF_CAP_SIZE_FROM_FORMAT", a.size_from_format != nullptr,
       "size_from_format");
  need(BUFCONF_CAP_COPY_DATA, "BUFCONF_CAP_COPY_DATA", a.copy_data != nullptr, "copy_data");
  if (!missing.empty()) return "declared capabilities need functions that are NULL: " + missing;
  return "";
}

LoadedAdapter LoadAdapter(const std::string& name_or_path) {
  const bool is_path = name_or_path.find('/') != std::string::npos || EndsWith(name_or_path, ".so");
  if (!is_path) {
    const auto it = Registry().find(name_or_path);
    if (it == Registry().end()) {
      std::string names;
      for (const std::string& n : BuiltinAdapterNames()) names += (names.empty() ? "" : ", ") + n;
      throw AdapterLoadError("unknown adapter '" + name_or_path + "' (built-in adapters: " + names +
                             "; a shared library is given by a path containing '/' or ending in "
                             "'.so')");
    }
    LoadedAdapter loaded;
    loaded.adapter = it->second();
    loaded.source = "built-in " + name_or_path;
    if (loaded.adapter == nullptr) {
      throw AdapterLoadError("built-in adapter '" + name_or_path + "' returned NULL");
    }
    return Checked(loaded, "built-in adapter '" + name_or_path + "'");
  }
  const std::string path =
      name_or_path.find('/') == std::string::npos ? "./" + name_or_path : name_or_path;
  const std::string what = "adapter library '" + path + "'";
  struct stat st;
  if (stat(path.c_str(), &st) != 0) throw AdapterLoadError(what + ": no such file");
  if (!S_ISREG(st.st_mode)) throw AdapterLoadError(what + ": not a regular file");
  dlerror();
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* error = dlerror();
    throw AdapterLoadError(what + ": dlopen failed: " + (error ? error : "unknown error"));
  }
  dlerror();
  void* symbol = dlsym(handle, BUFCONF_ADAPTER_ENTRY);
  if (symbol == nullptr) {
    dlclose(handle);
    throw AdapterLoadError(what + ": does not export " BUFCONF_ADAPTER_ENTRY
                                  " (is it a bufconf adapter?)");
  }
  auto entry = reinterpret_cast<bufconf_adapter_entry_fn>(symbol);
  LoadedAdapter loaded;
  loaded.adapter = entry();
  loaded.dl_handle = handle;
  loaded.source = path;
  if (loaded.adapter == nullptr) {
    dlclose(handle);
    throw AdapterLoadError(what + ": " BUFCONF_ADAPTER_ENTRY "() returned NULL");
  }
  return Checked(loaded, what);
}

void UnloadAdapter(LoadedAdapter& loaded) {
  if (loaded.dl_handle != nullptr) dlclose(loaded.dl_handle);
  loaded = LoadedAdapter{};
}

}  // namespace bufconf::conformance
