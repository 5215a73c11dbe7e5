#include "conformance/suite/session.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>

#include "conformance/suite/report.h"
#include "reference/layout/checker.h"
#include "reference/layout/contiguity.h"
#include "reference/layout/mirror.h"
#include "reference/layout/request.h"
#include "reference/rules/catalogue.h"

namespace bufconf::suite {

using conformance::Snapshot;
using layout::Descriptor;
using layout::Has;
using layout::RequestOutcome;

// ---------------------------------------------------------------- ExporterHandle

namespace {

std::string FlagsText(int flags) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", flags);
  return buf;
}

std::string Show(const std::optional<std::vector<int64_t>>& a) {
  if (!a) return "NULL";
  std::string s = "(";
  for (size_t i = 0; i < a->size(); ++i) s += (i ? "," : "") + std::to_string((*a)[i]);
  return s + ")";
}

// A format the adapter gave: its bytes are not always UTF-8 (findings go into JSON documents).
std::string Show(const std::optional<std::string>& s) {
  return s ? "'" + SanitizeUtf8(*s) + "'" : "NULL";
}

}  // namespace

ExporterHandle::~ExporterHandle() {
  if (handle_ != nullptr && a_.destroy_exporter != nullptr) {
    a_.destroy_exporter(a_.context, handle_);
  }
}

int ExporterHandle::Get(bufconf_buffer* view, int flags, std::string* message, unsigned char fill) {
  char buf[512] = {0};
  std::memset(view, fill, sizeof *view);
  const int rc = a_.get_buffer(a_.context, handle_, view, flags, buf, sizeof buf);
  buf[sizeof buf - 1] = '\0';
  *message = SanitizeUtf8(buf);  // the adapter's bytes: they go into JSON documents
  // A refusal all the same; the first one is kept for REQ-FAIL-BUFFERERROR.
  if (rc == BUFCONF_REFUSED_IMPROPERLY) {
    if (improper_.empty()) improper_ = "flags " + FlagsText(flags) + ": " + *message;
    return rc;
  }
  if (rc != BUFCONF_OK && rc != BUFCONF_REFUSED) {
    throw AdapterError("get_buffer(" + FlagsText(flags) + ") failed: " + *message);
  }
  return rc;
}

void ExporterHandle::Release(bufconf_buffer* view) {
  if (a_.release_buffer != nullptr) a_.release_buffer(a_.context, handle_, view);
}

namespace {

// The first address in [base, base + size) that cannot be read, or nullopt when every byte can.
// One byte of each page is read with process_vm_readv on this process (a bad address fails the
// call with EFAULT instead of raising SIGSEGV); where that call is not allowed, with write() to
// a pipe (EFAULT too). Pages are the unit of readability, so one byte per page tells.
std::optional<uintptr_t> FirstUnreadable(uintptr_t base, size_t size) {
  if (size == 0) return std::nullopt;
  const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const uintptr_t last = base + (size - 1);  // no overflow: AskRegions checked the block
  std::vector<uintptr_t> probes;
  for (uintptr_t p = base;; p = (p / page + 1) * page) {
    probes.push_back(p);
    if (last / page == p / page) break;
  }
  constexpr size_t kBatch = 1024;  // IOV_MAX
  char sink[kBatch];
  iovec local{sink, kBatch};
  iovec remote[kBatch];
  bool use_pipe = false;
  for (size_t i = 0; i < probes.size() && !use_pipe; i += kBatch) {
    const size_t n = std::min(kBatch, probes.size() - i);
    for (size_t k = 0; k < n; ++k) remote[k] = {reinterpret_cast<void*>(probes[i + k]), 1};
    local.iov_len = n;
    const ssize_t got = ::process_vm_readv(::getpid(), &local, 1, remote, n, 0);
    if (got == static_cast<ssize_t>(n)) continue;
    if (got < 0 && errno != EFAULT) {
      use_pipe = true;  // not allowed here (seccomp, no CAP_SYS_PTRACE): the pipe below
      continue;
    }
    return probes[i + static_cast<size_t>(std::max<ssize_t>(got, 0))];
  }
  if (!use_pipe) return std::nullopt;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) < 0) return std::nullopt;  // cannot tell: copied as before
  std::optional<uintptr_t> bad;
  for (const uintptr_t p : probes) {
    ssize_t w;
    do {
      w = ::write(fds[1], reinterpret_cast<const void*>(p), 1);
    } while (w < 0 && errno == EINTR);
    if (w != 1) {
      bad = p;
      break;
    }
    char c;
    while (::read(fds[0], &c, 1) < 0 && errno == EINTR) {
    }
  }
  ::close(fds[0]);
  ::close(fds[1]);
  return bad;
}

}  // namespace

std::vector<bufconf_region> AskRegions(const bufconf_adapter& a, void* exporter) {
  // x86-64 user space is 2^47 bytes: an array of more blocks than fit in it cannot exist.
  constexpr size_t kImpossible = (size_t{1} << 47) / sizeof(bufconf_region);
  std::vector<bufconf_region> out(16);
  size_t n = a.regions(a.context, exporter, out.data(), out.size());
  if (n > out.size()) {
    if (n > kImpossible) {
      throw RegionsError("regions() returned " + std::to_string(n) +
                         ", a count of memory blocks no array can hold (its array alone would "
                         "exceed the address space)");
    }
    if (n > kMaxRegions) {
      throw std::length_error("the exporter has " + std::to_string(n) +
                              " memory blocks (regions()), more than bufconf can judge (" +
                              std::to_string(kMaxRegions) + ")");
    }
    const size_t asked = n;
    out.resize(n);
    n = a.regions(a.context, exporter, out.data(), out.size());
    if (n > out.size()) {
      throw RegionsError("regions() said " + std::to_string(asked) +
                         " memory blocks, then, given room for them, " + std::to_string(n));
    }
  }
  out.resize(n);
  for (size_t i = 0; i < out.size(); ++i) {
    const uintptr_t base = reinterpret_cast<uintptr_t>(out[i].base);
    uintptr_t end;
    if ((base == 0 && out[i].size > 0) || __builtin_add_overflow(base, out[i].size, &end)) {
      char text[160];
      std::snprintf(text, sizeof text, "regions() gave block %zu at %p of %zu bytes, which %s", i,
                    out[i].base, out[i].size,
                    base == 0 ? "has a NULL base" : "wraps the address space");
      throw RegionsError(text);
    }
  }
  // Every block is copied (TakeSnapshot): one that cannot be read would crash bufconf there, a
  // crash then filed against the exporter. (A block over bufconf's limit is not copied: the
  // limit is said there.)
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].size > conformance::kMaxMemory) continue;
    const uintptr_t base = reinterpret_cast<uintptr_t>(out[i].base);
    if (const std::optional<uintptr_t> bad = FirstUnreadable(base, out[i].size)) {
      char text[200];
      std::snprintf(text, sizeof text,
                    "regions() gave block %zu at %p of %zu bytes, which cannot be read (address "
                    "%p is not readable memory)",
                    i, out[i].base, out[i].size, reinterpret_cast<void*>(*bad));
      throw RegionsError(text);
    }
  }
  return out;
}

std::vector<bufconf_region> ExporterHandle::Regions() { return AskRegions(a_, handle_); }

bool ExporterHandle::counts() const {
  return (a_.capabilities & BUFCONF_CAP_EXPORT_COUNT) != 0 && a_.export_count != nullptr;
}

int64_t ExporterHandle::Count() { return a_.export_count(a_.context, handle_); }

bool ExporterHandle::can_resize() const {
  return (a_.capabilities & BUFCONF_CAP_RESIZE) != 0 && a_.resize != nullptr;
}

int ExporterHandle::Resize(std::string* message) {
  char text[512] = {0};
  const int rc = a_.resize(a_.context, handle_, text, sizeof text);
  text[sizeof text - 1] = '\0';
  *message = SanitizeUtf8(text);
  if (rc != BUFCONF_OK && rc != BUFCONF_REFUSED && rc != BUFCONF_UNSUPPORTED) {
    throw AdapterError("resize returned " + std::to_string(rc) + ": " + *message);
  }
  return rc;
}

// ---------------------------------------------------------------- JudgeGrantedResponse

void JudgeGrantedResponse(const Descriptor& full, const layout::Memory& full_memory, int flags,
                          const Snapshot& response, const std::string& what,
                          const ReportFn& report) {
  const RequestOutcome oracle = layout::Request(full, flags);
  const Descriptor& r = response.view;
  const std::string& f = what;
  if (r.itemsize != full.itemsize) {
    report("REQ-ITEMSIZE-KEPT", f + "itemsize " + std::to_string(r.itemsize) + ", full " +
                                    std::to_string(full.itemsize));
  }
  if (r.buf != full.buf || r.len != full.len) {
    report("REQ-INDEPENDENT-FIELDS", f + "buf or len differs from the full description");
  }
  if (Has(flags, layout::kFormat)) {
    if (r.format != oracle.expected.format) {
      report("REQ-FORMAT-FILLED",
             f + "format " + Show(r.format) + ", expected " + Show(oracle.expected.format));
    }
  } else if (r.format) {
    report("REQ-FORMAT-NULL", f + "format " + Show(r.format) + " without PyBUF_FORMAT");
  }
  if (Has(flags, layout::kNd)) {
    if (r.ndim != full.ndim || r.shape != full.shape) {
      report("REQ-ND-SHAPE", f + "ndim " + std::to_string(r.ndim) + " shape " + Show(r.shape) +
                                 ", full " + std::to_string(full.ndim) + " " + Show(full.shape));
    }
  } else if (r.shape) {
    report("REQ-ND-SHAPE", f + "shape " + Show(r.shape) + " without PyBUF_ND");
  }
  const bool want_strides = Has(flags, layout::kStrides) && r.ndim > 0;
  if (want_strides != r.strides.has_value() && (Has(flags, layout::kStrides) || r.strides)) {
    report("REQ-STRIDES-FILLED", f + "strides " + Show(r.strides));
  }
  if (!Has(flags, layout::kIndirect) && r.suboffsets) {
    report("REQ-SUBOFFSETS-NULL-WITHOUT-INDIRECT", f + "suboffsets " + Show(r.suboffsets));
  }
  if (Has(flags, layout::kWritable) && r.readonly != 0) {
    report("REQ-WRITABLE",
           f + "granted PyBUF_WRITABLE with readonly " + std::to_string(r.readonly));
  }
  if (!Has(flags, layout::kWritable) && r.readonly != full.readonly) {
    report("REQ-READONLY-CONSISTENT", f + "readonly " + std::to_string(r.readonly) +
                                          ", full description " + std::to_string(full.readonly));
  }
  const struct {
    int flag;
    char order;
    const char* rule;
  } kContiguity[] = {{layout::kCContiguous, 'C', "REQ-C-CONTIGUOUS"},
                     {layout::kFContiguous, 'F', "REQ-F-CONTIGUOUS"},
                     {layout::kAnyContiguous, 'A', "REQ-ANY-CONTIGUOUS"}};
  for (const auto& k : kContiguity) {
    if (Has(flags, k.flag) && !layout::IsContiguous(r, k.order)) {
      report(k.rule, f + "the response is not " + std::string(1, k.order) + "-contiguous");
    }
  }
  try {
    if (layout::ToContiguous(r, response.memory, r.len, 'C') !=
        layout::ToContiguous(full, full_memory, full.len, 'C')) {
      report("REQ-SAME-CONTENT", f + "the response's elements differ from the full description's");
    }
  } catch (const std::exception& e) {
    report("REQ-SAME-CONTENT", f + "the response cannot be read: " + e.what());
  }
}

// ---------------------------------------------------------------- the session

namespace {

// A view the session holds.
struct View {
  int side = 0;  // 0: the case's exporter E1, 1: the second exporter E2
  int flags = 0;
  std::string name;  // "E1 view 3 (PyBUF_FULL)"
  bufconf_buffer buffer{};
  Descriptor granted;     // its fields at grant time
  bool writable = false;  // granted PyBUF_WRITABLE with readonly == 0
};

// One exporter of the session and the model of its memory.
struct Side {
  ExporterHandle* handle = nullptr;
  std::string name;  // "E1"
  Descriptor full;   // the oracle's input: the exporter's full description
  bool started = false;
  layout::Memory original;  // its declared regions at the start
  layout::Memory model;     // what they must hold now: the original plus the session's writes
  int64_t count_base = 0;
  int views = 0;  // views got so far (for names)
};

const char* RequestName(int flags) {
  switch (flags) {
    case layout::kFullRo:
      return "PyBUF_FULL_RO";
    case layout::kFull:
      return "PyBUF_FULL";
    case layout::kCContiguous:
      return "PyBUF_C_CONTIGUOUS";
    case layout::kFContiguous:
      return "PyBUF_F_CONTIGUOUS";
    case layout::kAnyContiguous:
      return "PyBUF_ANY_CONTIGUOUS";
    default:
      return nullptr;
  }
}

bool InRegions(const std::vector<bufconf_region>& regions, uint64_t address) {
  for (const bufconf_region& r : regions) {
    const uint64_t base = conformance::Address(r.base);
    if (address >= base && address - base < r.size) return true;
  }
  return false;
}

// The exporter's declared regions and their bytes now.
layout::Memory CurrentMemory(ExporterHandle& handle) {
  const std::vector<bufconf_region> regions = handle.Regions();
  const bufconf_buffer none{};
  return conformance::TakeSnapshot(none, regions.data(), regions.size()).memory;
}

// Which fields of `now` differ from `then`, for a message.
std::string ChangedFields(const Descriptor& then, const Descriptor& now) {
  std::string out;
  auto add = [&](const std::string& what) { out += (out.empty() ? "" : ", ") + what; };
  if (then.buf != now.buf) add("buf");
  if (then.len != now.len)
    add("len " + std::to_string(now.len) + ", was " + std::to_string(then.len));
  if (then.itemsize != now.itemsize) add("itemsize");
  if (then.readonly != now.readonly) add("readonly");
  if (then.ndim != now.ndim) add("ndim " + std::to_string(now.ndim));
  if (then.format != now.format) add("format " + Show(now.format) + ", was " + Show(then.format));
  if (then.shape != now.shape) add("shape " + Show(now.shape) + ", was " + Show(then.shape));
  if (then.strides != now.strides) {
    add("strides " + Show(now.strides) + ", was " + Show(then.strides));
  }
  if (then.suboffsets != now.suboffsets) {
    add("suboffsets " + Show(now.suboffsets) + ", was " + Show(then.suboffsets));
  }
  return out;
}

class Session {
 public:
  Session(ExporterHandle& first, const Descriptor& first_full, ExporterHandle* second,
          const ReportFn& report, std::vector<std::string>* steps)
      : steps_(steps),
        sink_(report),
        report_([this](const std::string& rule, const std::string& message) {
          Report(rule, message);
        }) {
    sides_[0].handle = &first;
    sides_[0].name = "E1";
    sides_[0].full = first_full;
    sides_[1].handle = second;
    sides_[1].name = "E2";
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Whatever happened: every byte written is restored (while the views are still live), then
  // every view is released.
  ~Session() {
    for (Side& s : sides_) {
      try {
        RestoreBytes(s);
      } catch (const std::exception&) {
        // The regions cannot be read any more: nothing can be restored safely.
      }
    }
    for (auto it = views_.rbegin(); it != views_.rend(); ++it) {
      sides_[(*it)->side].handle->Release(&(*it)->buffer);
    }
  }

  bool has(int side) const { return sides_[side].handle != nullptr; }

  // Starts a side: its full description (PyBUF_FULL_RO), the model of its memory, its count.
  // E1's full description is the one already judged; E2's is its own, used only when sane.
  // Returns the view, or null (then the side takes no further part).
  View* Start(int side) {
    Side& s = sides_[side];
    if (s.handle == nullptr) return nullptr;
    s.count_base = s.handle->counts() ? s.handle->Count() : 0;
    auto v = std::make_unique<View>();
    v->side = side;
    v->flags = layout::kFullRo;
    v->name = s.name + " view 1 (PyBUF_FULL_RO)";
    s.views = 1;
    std::string why;
    if (s.handle->Get(&v->buffer, layout::kFullRo, &why) != BUFCONF_OK) {
      Report("REQ-GRANT", s.name + ": PyBUF_FULL_RO was refused: " + why);
      s.handle = nullptr;
      return nullptr;
    }
    const Snapshot snap = SnapshotOrRelease(s, *v);
    v->granted = snap.view;
    s.original = snap.memory;
    s.model = snap.memory;
    s.started = true;
    if (side == 0) {
      JudgeGrantedResponse(s.full, s.model, layout::kFullRo, snap, Prefix(*v), report_);
    } else {
      bool sane = snap.view.format.has_value();
      for (const layout::Violation& violation : layout::Validate(snap.view, &snap.memory)) {
        const rules::Rule* rule = rules::FindRule(violation.rule);
        sane = sane && (rule == nullptr || rule->level != rules::Level::kMust);
      }
      if (!sane) {  // not judged here: a broken full description is the first exporter's rules
        s.handle->Release(&v->buffer);
        s.handle = nullptr;
        s.started = false;
        return nullptr;
      }
      s.full = snap.view;
    }
    views_.push_back(std::move(v));
    Step(s.name + ": get PyBUF_FULL_RO");
    return views_.back().get();
  }

  // Asks side `side` for `flags`; the oracle judges the answer. Returns the live view, or null
  // when refused (or granted against the oracle: then released at once).
  View* Get(int side, int flags) {
    Side& s = sides_[side];
    if (s.handle == nullptr) return nullptr;
    const RequestOutcome oracle = layout::Request(s.full, flags);
    auto v = std::make_unique<View>();
    v->side = side;
    v->flags = flags;
    const char* request = RequestName(flags);
    const std::string what =
        request != nullptr ? std::string(request) : "flags " + FlagsText(flags);
    v->name = s.name + " view " + std::to_string(++s.views) + " (" + what + ")";
    std::string why;
    if (s.handle->Get(&v->buffer, flags, &why) != BUFCONF_OK) {
      if (oracle.verdict == RequestOutcome::Verdict::kMustSucceed) {
        Report("REQ-GRANT", Where() + s.name + ": " + what + " (" + FlagsText(flags) +
                                ") was refused (" + why + ") with " + LiveText() +
                                ", although the memory can be shared that way");
      }
      Step(s.name + ": get " + what + " (refused)");
      return nullptr;
    }
    if (oracle.verdict == RequestOutcome::Verdict::kMustFail) {
      Report(oracle.reasons[0].first, Where() + s.name + ": " + what + " (" + FlagsText(flags) +
                                          ") was granted although " + oracle.reasons[0].second);
      s.handle->Release(&v->buffer);
      Step(s.name + ": get and release " + what);
      return nullptr;
    }
    const Snapshot snap = SnapshotOrRelease(s, *v);
    v->granted = snap.view;
    v->writable = Has(flags, layout::kWritable) && snap.view.readonly == 0;
    JudgeGrantedResponse(s.full, s.model, flags, snap, Prefix(*v), report_);
    views_.push_back(std::move(v));
    Step(s.name + ": get " + what);
    return views_.back().get();
  }

  void Release(View* v) {
    if (v == nullptr) return;
    const auto it = std::find_if(views_.begin(), views_.end(),
                                 [&](const std::unique_ptr<View>& p) { return p.get() == v; });
    if (it == views_.end()) return;
    std::unique_ptr<View> held = std::move(*it);
    views_.erase(it);
    const std::string name = held->name;
    sides_[held->side].handle->Release(&held->buffer);
    Step("release of " + name);
  }

  // Writes new item bytes through writable view `v`: every byte of its logical contents changed,
  // and distinct from item to item (`tag` makes two writers' bytes differ).
  void WriteNew(View* v, uint8_t tag) {
    if (v == nullptr || !v->writable) return;
    Side& s = sides_[v->side];
    std::vector<uint8_t> bytes;
    try {
      bytes = layout::ToContiguous(v->granted, s.model, v->granted.len, 'C');
    } catch (const std::exception&) {
      return;  // its elements are not in the declared memory: MEMORY-SPAN's business
    }
    for (size_t i = 0; i < bytes.size(); ++i) {
      uint8_t b = static_cast<uint8_t>(tag * 0x3b + 0x9d * (i + 1) + (i >> 8));
      if (b == bytes[i]) b ^= 0x80;
      bytes[i] = b;
    }
    Write(v, bytes, "write of new bytes through " + v->name);
  }

  // Writes the original contents back through writable view `v`.
  void WriteOriginal(View* v) {
    if (v == nullptr || !v->writable) return;
    Side& s = sides_[v->side];
    std::vector<uint8_t> bytes;
    try {
      bytes = layout::ToContiguous(v->granted, s.original, v->granted.len, 'C');
    } catch (const std::exception&) {
      return;
    }
    Write(v, bytes, "write of the original bytes through " + v->name);
  }

  const std::string& last_step() const { return last_step_; }

  // Reports that the session stopped before its end, after the last step it finished.
  void ReportStop(const std::string& why) {
    Report("RELEASE-MEMORY-STABLE",
           "multi-consumer session stopped after " +
               (last_step_.empty() ? std::string("its start") : last_step_) +
               ": what the exporter declares or hands out can no longer be read (" + why +
               "), although its full description, live all along, could; the remaining steps "
               "were not judged");
  }

  // The session's writes undone byte by byte (a no-op when the original bytes were written
  // back); a step of its own when something was left.
  void RestoreAll() {
    bool any = false;
    for (Side& s : sides_) any = RestoreBytes(s) || any;
    if (any) Step("restore of the original bytes");
  }

 private:
  // What `v` (granted, not yet in views_) shows, with the regions its exporter declares now. When
  // they cannot be read, `v` is released before the exception goes on, so no view is left live.
  static Snapshot SnapshotOrRelease(Side& s, View& v) {
    try {
      const std::vector<bufconf_region> regions = s.handle->Regions();
      return conformance::TakeSnapshot(v.buffer, regions.data(), regions.size());
    } catch (...) {
      s.handle->Release(&v.buffer);
      throw;
    }
  }

  std::string Prefix(const View& v) const {
    return "multi-consumer session, " + v.name + ", flags " + FlagsText(v.flags) + ": ";
  }
  std::string Where() const { return "multi-consumer session, after " + last_step_ + ": "; }

  std::string LiveText() const {
    if (views_.empty()) return "no view live";
    std::string out;
    for (const auto& v : views_) out += (out.empty() ? "" : ", ") + v->name;
    return out + " live";
  }

  void Report(const std::string& rule, const std::string& message) {
    if (!reported_.insert(rule).second) return;  // the first finding of each rule
    sink_(rule, message);
  }

  // Applies `after` (the model after a write) to real memory: only the bytes that changed, only
  // inside the regions the exporter declares now.
  bool Apply(Side& s, const layout::Memory& after) {
    const std::vector<bufconf_region> regions = s.handle->Regions();
    bool any = false;
    const auto& old_regions = s.model.regions();
    const auto& new_regions = after.regions();
    for (size_t k = 0; k < new_regions.size() && k < old_regions.size(); ++k) {
      const layout::Region& r = new_regions[k];
      for (size_t i = 0; i < r.bytes.size(); ++i) {
        if (r.bytes[i] == old_regions[k].bytes[i]) continue;
        const uint64_t address = r.base + i;
        if (!InRegions(regions, address)) continue;
        *static_cast<uint8_t*>(conformance::Pointer(address)) = r.bytes[i];
        any = true;
      }
    }
    s.model = after;
    return any;
  }

  void Write(View* v, const std::vector<uint8_t>& bytes, const std::string& what) {
    Side& s = sides_[v->side];
    layout::Memory after = s.model;
    try {
      layout::FromContiguous(v->granted, after, bytes, 'C');
    } catch (const std::exception&) {
      return;
    }
    Apply(s, after);
    wrote_ = true;
    Step(what);
  }

  // Writes the original bytes wherever the model says the session changed them.
  bool RestoreBytes(Side& s) {
    if (!s.started || s.handle == nullptr) return false;
    layout::Memory after = s.model;
    bool changed = false;
    for (const layout::Region& r : s.original.regions()) {
      uint8_t* to = after.Write(r.base, r.bytes.size());
      if (std::memcmp(to, r.bytes.data(), r.bytes.size()) != 0) {
        std::memcpy(to, r.bytes.data(), r.bytes.size());
        changed = true;
      }
    }
    if (!changed) return false;
    Apply(s, after);
    return true;
  }

  // After every get, release and write: each live view keeps its fields and its memory inside the
  // declared regions (RELEASE-MEMORY-STABLE), shows what the model says its exporter's memory
  // holds (REQ-CONTENTS once the session has written, RELEASE-MEMORY-STABLE before), and each
  // exporter counts exactly its own live exports (RELEASE-EXPORT-COUNT).
  void Step(const std::string& what) {
    last_step_ = what;
    if (steps_ != nullptr) steps_->push_back(what);
    for (int side = 0; side < 2; ++side) {
      Side& s = sides_[side];
      if (s.handle == nullptr || !s.started) continue;
      int64_t live = 0;
      for (const auto& v : views_) live += v->side == side;
      if (s.handle->counts()) {
        const int64_t count = s.handle->Count();
        if (count != s.count_base + live) {
          Report("RELEASE-EXPORT-COUNT",
                 Where() + s.name + "'s export count is " + std::to_string(count) + ", expected " +
                     std::to_string(s.count_base + live) + " (" + std::to_string(live) +
                     " of its views live" + (has(1) ? ", and views of the other exporter" : "") +
                     ")");
        }
      }
      if (live == 0) continue;
      const layout::Memory now = CurrentMemory(*s.handle);
      for (const auto& v : views_) {
        if (v->side != side) continue;
        const std::string changed = ChangedFields(v->granted, conformance::DescriptorOf(v->buffer));
        if (!changed.empty()) {
          Report("RELEASE-MEMORY-STABLE", Where() + v->name + " changed while live: " + changed);
          continue;
        }
        std::vector<uint8_t> expected;
        try {
          expected = layout::ToContiguous(v->granted, s.model, v->granted.len, 'C');
        } catch (const std::exception&) {
          continue;  // not in the declared memory when granted: MEMORY-SPAN's business
        }
        std::vector<uint8_t> actual;
        try {
          actual = layout::ToContiguous(v->granted, now, v->granted.len, 'C');
        } catch (const std::exception& e) {
          Report("RELEASE-MEMORY-STABLE", Where() + v->name +
                                              "'s memory is no longer inside the regions " +
                                              s.name + " declares: " + e.what());
          continue;
        }
        if (actual != expected) {
          size_t at = 0;
          while (at < actual.size() && actual[at] == expected[at]) ++at;
          const std::string detail = " (C-order byte " + std::to_string(at) + " is " +
                                     std::to_string(actual[at]) + ", expected " +
                                     std::to_string(expected[at]) + ")";
          if (wrote_) {
            Report("REQ-CONTENTS", Where() + v->name +
                                       " does not show what the exporter's memory must hold "
                                       "after the writes through writable views" +
                                       detail);
          } else {
            Report("RELEASE-MEMORY-STABLE",
                   Where() + v->name + "'s elements changed while it was live" + detail);
          }
        }
      }
    }
  }

  std::vector<std::string>* steps_;  // the caller's log of steps, or null
  const ReportFn& sink_;             // the caller's
  const ReportFn report_;            // Report: the first finding of each rule to sink_
  Side sides_[2];
  std::vector<std::unique_ptr<View>> views_;  // live, in the order they were got
  std::set<std::string> reported_;
  std::string last_step_;
  bool wrote_ = false;
};

}  // namespace

void RunSession(ExporterHandle& first, const Descriptor& first_full, ExporterHandle* second,
                int flags, const ReportFn& report, SessionLog* log) {
  SessionLog local;
  SessionLog& out = log != nullptr ? *log : local;
  out = SessionLog();
  Session s(first, first_full, second, report, &out.steps);
  try {
    // Both full descriptions live; the case's request beside them.
    View* full1 = s.Start(0);
    if (full1 == nullptr) {
      out.stopped = "E1's full description was refused";  // reported as REQ-GRANT
      return;
    }
    View* full2 = s.Start(1);
    View* request = s.Get(0, flags);
    // Two writable exports of one exporter at once (the oracle decides whether they must be
    // granted), and one of the other exporter.
    View* writer1 = s.Get(0, layout::kFull);
    View* writer2 = s.Get(0, layout::kFull);
    View* other_writer = s.Get(1, layout::kFull);
    // New bytes through one writer: every live view of E1 shows them, E2's do not change; then
    // fresh views (read-only and writable) show them too, and they survive their gets and
    // releases.
    s.WriteNew(writer1, 1);
    s.Release(s.Get(0, layout::kFullRo));
    s.Release(s.Get(0, layout::kFull));
    // New bytes through E2's writer: E1's views do not change.
    s.WriteNew(other_writer, 2);
    // The contiguity requests, interleaved across the exporters.
    for (const int extra : {layout::kCContiguous, layout::kFContiguous, layout::kAnyContiguous}) {
      View* a = s.Get(0, extra);
      View* b = s.Get(1, extra);
      s.Release(a);
      s.Release(b);
    }
    // E1's full description goes first; the original bytes go back through the second writer
    // (the first when the second was refused).
    s.Release(full1);
    s.WriteOriginal(writer2 != nullptr ? writer2 : writer1);
    s.WriteOriginal(other_writer);
    s.RestoreAll();
    // The case's request of E2 while its full description goes.
    View* request2 = s.Get(1, flags);
    s.Release(full2);
    s.Release(request2);
    s.Release(request);
    s.Release(writer2);
    s.Release(writer1);
    s.Release(other_writer);
    out.completed = true;
  } catch (const RegionsError& e) {
    // The regions turned to garbage after the session began: said as where it stopped.
    out.stopped = "after " + s.last_step() + ": " + e.what();
    s.ReportStop(e.what());
  } catch (const AdapterError&) {
    throw;
  } catch (const std::exception& e) {
    // A view or the regions could not be read (TakeSnapshot's limits): the rest of the session
    // cannot be judged, and that is said.
    out.stopped = "after " + s.last_step() + ": " + e.what();
    s.ReportStop(e.what());
  }
}

}  // namespace bufconf::suite
