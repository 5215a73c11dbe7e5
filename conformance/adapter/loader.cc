#include "conformance/adapter/loader.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
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

// Where an adapter's struct ends in its ABI version: version 1 before `resize`, version 2 before
// `exporter_object` (the fields added in version 3), version 3 at the end.
size_t StructSize(uint32_t abi_version) {
  if (abi_version == 1) return offsetof(bufconf_adapter, resize);
  if (abi_version == 2) return offsetof(bufconf_adapter, exporter_object);
  return sizeof(bufconf_adapter);
}

bool KnownVersion(uint32_t abi_version) {
  return abi_version >= 1 && abi_version <= BUFCONF_ADAPTER_ABI_VERSION;
}

// The capabilities each version defines: a bit of a later version in an older adapter is
// refused (its functions lie past the end of that adapter's struct).
uint64_t VersionCapabilities(uint32_t abi_version) {
  uint64_t caps = BUFCONF_CAP_MAKE_EXPORTER | BUFCONF_CAP_ENUMERATE | BUFCONF_CAP_EXPORT_COUNT |
                  BUFCONF_CAP_IS_CONTIGUOUS | BUFCONF_CAP_GET_POINTER | BUFCONF_CAP_TO_CONTIGUOUS |
                  BUFCONF_CAP_FROM_CONTIGUOUS | BUFCONF_CAP_FILL_STRIDES |
                  BUFCONF_CAP_SIZE_FROM_FORMAT | BUFCONF_CAP_COPY_DATA |
                  BUFCONF_CAP_VIA_INTERPRETER;
  if (abi_version >= 2) caps |= BUFCONF_CAP_RESIZE;
  if (abi_version >= 3)
    caps |= BUFCONF_CAP_REFERENCES | BUFCONF_CAP_FILL_INFO | BUFCONF_CAP_CONSUMERS;
  return caps;
}

// An older adapter's struct ends early: its fields are copied into a struct of this version
// whose later fields are NULL (kept for the life of the process; adapters are few).
const bufconf_adapter* Upgraded(const bufconf_adapter* a) {
  if (a->abi_version == BUFCONF_ADAPTER_ABI_VERSION) return a;
  auto* copy = new bufconf_adapter{};
  std::memcpy(static_cast<void*>(copy), a, StructSize(a->abi_version));
  return copy;
}

// A capability bit of a later ABI version than the adapter's own (its functions would lie past
// the end of that adapter's struct): the problem, or "".
std::string LaterCapabilities(uint32_t version, uint64_t capabilities) {
  if (!KnownVersion(version) || version == BUFCONF_ADAPTER_ABI_VERSION) return "";
  const uint64_t later = capabilities & ~VersionCapabilities(version) &
                         VersionCapabilities(BUFCONF_ADAPTER_ABI_VERSION);
  if (later == 0) return "";
  return "capability bits " + Hex(later) + " need ABI version " +
         ((later & BUFCONF_CAP_RESIZE) != 0 ? "2" : "3") + ", but the adapter says version " +
         std::to_string(version);
}

LoadedAdapter Checked(LoadedAdapter loaded, const std::string& what) {
  const std::string later =
      LaterCapabilities(loaded.adapter->abi_version, loaded.adapter->capabilities);
  if (!later.empty()) {
    if (loaded.dl_handle != nullptr) dlclose(loaded.dl_handle);
    throw AdapterLoadError(what + ": " + later);
  }
  loaded.adapter = Upgraded(loaded.adapter);
  const std::string problem = CheckAdapter(*loaded.adapter);
  if (!problem.empty()) {
    if (loaded.dl_handle != nullptr) dlclose(loaded.dl_handle);
    throw AdapterLoadError(what + ": " + problem);
  }
  return loaded;
}

// The function pointers of bufconf_adapter, in order: bit i of a probe's function mask is
// kFunctionOffsets[i].
constexpr size_t kFunctionOffsets[] = {
    offsetof(bufconf_adapter, after_fork),
    offsetof(bufconf_adapter, make_exporter),
    offsetof(bufconf_adapter, enumerate),
    offsetof(bufconf_adapter, get_buffer),
    offsetof(bufconf_adapter, release_buffer),
    offsetof(bufconf_adapter, destroy_exporter),
    offsetof(bufconf_adapter, regions),
    offsetof(bufconf_adapter, export_count),
    offsetof(bufconf_adapter, is_contiguous),
    offsetof(bufconf_adapter, get_pointer),
    offsetof(bufconf_adapter, to_contiguous),
    offsetof(bufconf_adapter, from_contiguous),
    offsetof(bufconf_adapter, fill_contiguous_strides),
    offsetof(bufconf_adapter, size_from_format),
    offsetof(bufconf_adapter, copy_data),
    offsetof(bufconf_adapter, resize),
    offsetof(bufconf_adapter, exporter_object),
    offsetof(bufconf_adapter, reference_count),
    offsetof(bufconf_adapter, fill_info),
    offsetof(bufconf_adapter, consumer),
    offsetof(bufconf_adapter, consume),
};

// Length of a string field as the probe reports it: -1 for NULL, -2 for longer than the limit.
long long BoundedLength(const char* s) {
  if (s == nullptr) return -1;
  const size_t n = strnlen(s, kMaxAdapterStringLength + 1);
  return n > kMaxAdapterStringLength ? -2 : static_cast<long long>(n);
}

void WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// In the probe's child: load the library, call the entry, describe the struct as one line
// ("ok ABI CAPS FUNCTIONS NAME_LENGTH VERSION_LENGTH" in hex/decimal, or "error MESSAGE").
[[noreturn]] void ProbeChild(const std::string& path, int fd) {
  std::string line;
  dlerror();
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* error = dlerror();
    line = std::string("error dlopen failed: ") + (error ? error : "unknown error");
  } else if (void* symbol = dlsym(handle, BUFCONF_ADAPTER_ENTRY); symbol == nullptr) {
    line = "error does not export " BUFCONF_ADAPTER_ENTRY " (is it a bufconf adapter?)";
  } else {
    const bufconf_adapter* a = reinterpret_cast<bufconf_adapter_entry_fn>(symbol)();
    char text[256];
    if (a == nullptr) {
      line = "error " BUFCONF_ADAPTER_ENTRY "() returned NULL";
    } else if (!KnownVersion(a->abi_version)) {
      // The struct's size is unknown: nothing past abi_version is read.
      std::snprintf(text, sizeof text, "ok %u 0 0 0 0", a->abi_version);
      line = text;
    } else {
      const size_t size = StructSize(a->abi_version);
      unsigned long long functions = 0;
      for (size_t i = 0; i < sizeof kFunctionOffsets / sizeof kFunctionOffsets[0]; ++i) {
        if (kFunctionOffsets[i] >= size) continue;
        void (*f)() = nullptr;
        std::memcpy(&f, reinterpret_cast<const char*>(a) + kFunctionOffsets[i], sizeof f);
        if (f != nullptr) functions |= 1ULL << i;
      }
      std::snprintf(text, sizeof text, "ok %u %llx %llx %lld %lld", a->abi_version,
                    static_cast<unsigned long long>(a->capabilities), functions,
                    BoundedLength(a->name), BoundedLength(a->version));
      line = text;
    }
  }
  for (char& c : line) {
    if (c == '\n') c = ' ';
  }
  WriteAll(fd, line + "\n");
  _exit(0);
}

void NotAFunction() {}

double LoadTimeoutSeconds(const std::string& what) {
  const char* env = std::getenv("BUFCONF_LOAD_TIMEOUT");
  if (env == nullptr || *env == '\0') return kDefaultLoadTimeoutSeconds;
  char* end = nullptr;
  const double seconds = std::strtod(env, &end);
  if (*end != '\0' || !(seconds > 0 && seconds <= 86400)) {
    throw AdapterLoadError(what + ": BUFCONF_LOAD_TIMEOUT='" + env +
                           "' is not a number of seconds in (0, 86400]");
  }
  return seconds;
}

double Now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Loads the library in a forked child first (ProbeChild), with a time limit; throws
// AdapterLoadError when the child crashes, hangs, exits before the entry returns, or describes
// a struct that fails the checks.
void ProbeLibrary(const std::string& path, const std::string& what) {
  const double limit = LoadTimeoutSeconds(what);
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    throw AdapterLoadError(what + ": cannot probe it (pipe: " + std::strerror(errno) + ")");
  }
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    throw AdapterLoadError(what + ": cannot probe it (fork: " + std::strerror(errno) + ")");
  }
  if (pid == 0) {
    close(fds[0]);
    ProbeChild(path, fds[1]);
  }
  close(fds[1]);
  std::string line;
  const double deadline = Now() + limit;
  bool timed_out = false;
  for (;;) {
    const double left = deadline - Now();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left * 1000) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;
    char buffer[512];
    const ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the child is gone (or closed the pipe)
    line.append(buffer, static_cast<size_t>(n));
    if (line.size() > 4096) break;
  }
  close(fds[0]);
  // The child exits right after its line; wait for it until the deadline, then kill it.
  int status = 0;
  pid_t waited = 0;
  while (!timed_out) {
    waited = waitpid(pid, &status, WNOHANG);
    if (waited == pid || (waited < 0 && errno != EINTR)) break;
    if (Now() >= deadline) {
      timed_out = true;
      break;
    }
    usleep(2000);
  }
  if (timed_out) {
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    char text[64];
    std::snprintf(text, sizeof text, "%g", limit);
    throw AdapterLoadError(what + ": loading it did not finish within " + text +
                           " s (a constructor of the library or " BUFCONF_ADAPTER_ENTRY
                           "() hangs; BUFCONF_LOAD_TIMEOUT sets the limit in seconds)");
  }
  const size_t newline = line.find('\n');
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* sig_name = strsignal(sig);
    throw AdapterLoadError(what + ": the adapter's library crashed with signal " +
                           std::to_string(sig) + " (" + (sig_name ? sig_name : "unknown") +
                           ") while loading (in a constructor or in " BUFCONF_ADAPTER_ENTRY
                           "(), or while bufconf read the struct it returned)");
  }
  if (newline == std::string::npos) {
    const std::string how =
        WIFEXITED(status) ? "exited with status " + std::to_string(WEXITSTATUS(status)) : "ended";
    throw AdapterLoadError(what + ": the adapter's library " + how +
                           " while loading, before its entry returned (a constructor of the "
                           "library or " BUFCONF_ADAPTER_ENTRY "() ended the process)");
  }
  line.resize(newline);
  if (line.compare(0, 6, "error ") == 0) throw AdapterLoadError(what + ": " + line.substr(6));
  unsigned abi = 0;
  unsigned long long caps = 0, functions = 0;
  long long name_length = 0, version_length = 0;
  if (std::sscanf(line.c_str(), "ok %u %llx %llx %lld %lld", &abi, &caps, &functions, &name_length,
                  &version_length) != 5) {
    throw AdapterLoadError(what + ": the probe of the library wrote an unexpected line: " + line);
  }
  // The struct as the child saw it, with stand-ins for the strings and functions.
  bufconf_adapter seen{};
  seen.abi_version = abi;
  seen.capabilities = caps;
  seen.name = name_length == -1 ? nullptr : "";
  for (size_t i = 0; i < sizeof kFunctionOffsets / sizeof kFunctionOffsets[0]; ++i) {
    if ((functions & (1ULL << i)) == 0) continue;
    void (*f)() = &NotAFunction;
    std::memcpy(reinterpret_cast<char*>(&seen) + kFunctionOffsets[i], &f, sizeof f);
  }
  const std::string later = LaterCapabilities(abi, caps);
  if (!later.empty()) throw AdapterLoadError(what + ": " + later);
  std::string problem = CheckAdapter(seen);
  const std::string within = " within " + std::to_string(kMaxAdapterStringLength) + " bytes";
  if (problem.empty() && name_length == -2) {
    problem = "the adapter's name is not NUL-terminated" + within;
  }
  if (problem.empty() && version_length == -2) {
    problem = "the adapter's version is not NUL-terminated" + within;
  }
  if (!problem.empty()) throw AdapterLoadError(what + ": " + problem);
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
  if (!KnownVersion(a.abi_version)) {
    return "ABI version " + std::to_string(a.abi_version) +
           ", but this bufconf supports ABI versions 1 to " +
           std::to_string(BUFCONF_ADAPTER_ABI_VERSION) + " (bufconf_adapter.h)";
  }
  if (a.name == nullptr) return "the adapter's name is NULL";
  if (strnlen(a.name, kMaxAdapterStringLength + 1) > kMaxAdapterStringLength) {
    return "the adapter's name is not NUL-terminated within " +
           std::to_string(kMaxAdapterStringLength) + " bytes";
  }
  if (a.version != nullptr &&
      strnlen(a.version, kMaxAdapterStringLength + 1) > kMaxAdapterStringLength) {
    return "the adapter's version is not NUL-terminated within " +
           std::to_string(kMaxAdapterStringLength) + " bytes";
  }
  const uint64_t known = VersionCapabilities(BUFCONF_ADAPTER_ABI_VERSION);
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
  need(BUFCONF_CAP_REFERENCES, "BUFCONF_CAP_REFERENCES", a.exporter_object != nullptr,
       "exporter_object");
  need(BUFCONF_CAP_REFERENCES, "BUFCONF_CAP_REFERENCES", a.reference_count != nullptr,
       "reference_count");
  need(BUFCONF_CAP_FILL_INFO, "BUFCONF_CAP_FILL_INFO", a.fill_info != nullptr, "fill_info");
  need(BUFCONF_CAP_CONSUMERS, "BUFCONF_CAP_CONSUMERS", a.consumer != nullptr, "consumer");
  need(BUFCONF_CAP_CONSUMERS, "BUFCONF_CAP_CONSUMERS", a.consume != nullptr, "consume");
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
  ProbeLibrary(path, what);
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
