// The multi-consumer session of the exporter-side judgement: several views of one exporter, and
// of a second exporter made for the same spec, live at once; gets and releases interleaved;
// writes through writable views. What one request at a time cannot show: an exporter that
// refuses a second writable export, counts the exports of all its instances together, changes a
// live view's fields or memory when another view comes or goes, or does not keep what was
// written through a writable view.
//
// Every grant and refusal is judged by the request oracle (layout::Request) on the exporter's
// full description; every view's contents are compared with the reference model of the
// exporter's memory (its bytes at the start, changed only by the session's own writes, computed
// with layout::FromContiguous). The script depends only on the case, so a counterexample file
// replays it.
#ifndef BUFCONF_CONFORMANCE_SUITE_SESSION_H_
#define BUFCONF_CONFORMANCE_SUITE_SESSION_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "conformance/adapter/bufconf_adapter.h"
#include "conformance/adapter/real_layout.h"
#include "conformance/suite/checks.h"
#include "reference/layout/descriptor.h"

namespace bufconf::suite {

// The memory blocks the adapter's regions() reports for an exporter, asked with room for 16 and
// again with room for as many as it said. Throws AdapterError when the answer is garbage (a count
// no array of blocks can hold, a second answer larger than the room it was given, a block that
// wraps the address space or has a NULL base); std::length_error (bufconf's own limit, never the
// implementation's fault) for more than kMaxRegions blocks.
// (RegionsError: the session, which asks again after each step, reports garbage that appears
// mid-session as where it stopped, not as an adapter error.)
class RegionsError : public AdapterError {
 public:
  using AdapterError::AdapterError;
};
constexpr size_t kMaxRegions = size_t{1} << 20;
std::vector<bufconf_region> AskRegions(const bufconf_adapter& a, void* exporter);

// One exporter handle and the adapter's exporter functions on it; destroys the exporter when it
// goes.
class ExporterHandle {
 public:
  ExporterHandle(const bufconf_adapter& a, void* handle) : a_(a), handle_(handle) {}
  ~ExporterHandle();
  ExporterHandle(const ExporterHandle&) = delete;
  ExporterHandle& operator=(const ExporterHandle&) = delete;

  // get_buffer into a zeroed `view`: BUFCONF_OK, or a refusal (BUFCONF_REFUSED, or
  // BUFCONF_REFUSED_IMPROPERLY where the ABI defines it) with the exporter's message; anything
  // else throws AdapterError.
  // With `fill`, every byte of `view` is set to it instead of zero before the call.
  int Get(bufconf_buffer* view, int flags, std::string* message, unsigned char fill = 0);
  // The message of the first refusal made improperly (BUFCONF_REFUSED_IMPROPERLY: not a
  // BufferError, or view->obj left set), or "".
  const std::string& improper() const { return improper_; }
  void Release(bufconf_buffer* view);
  // The regions the exporter declares now.
  std::vector<bufconf_region> Regions();
  // Whether the adapter reports export counts, and the count.
  bool counts() const;
  int64_t Count();
  // Whether the adapter can resize exporters (ABI 2, RESIZE), and resize: BUFCONF_OK,
  // BUFCONF_REFUSED or BUFCONF_UNSUPPORTED with the adapter's message; anything else throws
  // AdapterError.
  bool can_resize() const;
  int Resize(std::string* message);

 private:
  const bufconf_adapter& a_;
  void* handle_;
  std::string improper_;
};

// Reports a broken rule: its catalogue ID and what was seen.
using ReportFn = std::function<void(const std::string& rule, const std::string& message)>;

// Judges a granted response to `flags` (not one the oracle says must fail) against the request
// oracle on the full description `full`, whose elements are read over `full_memory`: itemsize,
// buf and len, format, shape, strides, suboffsets, readonly, contiguity, and the same elements
// (REQ-SAME-CONTENT). Messages start with `what`.
void JudgeGrantedResponse(const layout::Descriptor& full, const layout::Memory& full_memory,
                          int flags, const conformance::Snapshot& response, const std::string& what,
                          const ReportFn& report);

// What a session did: its steps in order ("E1: get PyBUF_FULL_RO", "release of E1 view 3
// (PyBUF_FULL)", ...), whether it ran to its last step, and why it stopped when it did not.
struct SessionLog {
  std::vector<std::string> steps;
  bool completed = false;
  std::string stopped;  // empty when completed
};

// Runs the session on `first` (a live exporter whose full description, `first_full`, is sane and
// which has no export left) and, when `second` is given, on a second exporter made for the same
// spec; `flags` are the case's request flags. Reports at most one finding per rule. Every view
// it gets is released and every byte it wrote is restored, also when the adapter fails
// (AdapterError is passed on). Neither exporter is destroyed.
// A session that cannot go on (what the exporter declares or hands out can no longer be read,
// although its full description, live all along, could) is not silently cut short: it reports
// RELEASE-MEMORY-STABLE with the step it stopped after, and `log` (when given) says so too.
void RunSession(ExporterHandle& first, const layout::Descriptor& first_full, ExporterHandle* second,
                int flags, const ReportFn& report, SessionLog* log = nullptr);

}  // namespace bufconf::suite

#endif  // BUFCONF_CONFORMANCE_SUITE_SESSION_H_
