// The algorithm-side checks: the adapter's functions on generated views, realized in real
// memory, against the reference model on the same memory.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

#include "conformance/adapter/real_layout.h"
#include "conformance/suite/checks.h"
#include "reference/format/layout.h"
#include "reference/layout/addressing.h"
#include "reference/layout/contiguity.h"
#include "reference/layout/fill_info.h"
#include "reference/layout/mirror.h"
#include "reference/layout/request.h"

namespace bufconf::suite {
namespace {

using conformance::RealLayout;
using conformance::Snapshot;

// Guard bytes around every buffer the suite hands an implementation to write into.
constexpr size_t kGuard = 16;

// Where two byte strings of items first differ: "other bytes than the reference: item k (byte
// b) is 0x.., expected 0x..".
std::string FirstDifference(const std::vector<uint8_t>& theirs, const std::vector<uint8_t>& ours,
                            int64_t itemsize) {
  const size_t n = std::min(theirs.size(), ours.size());
  size_t i = 0;
  while (i < n && theirs[i] == ours[i]) ++i;
  if (i == n) return "other bytes than the reference (lengths differ)";
  char text[160];
  const size_t item = itemsize > 0 ? i / static_cast<size_t>(itemsize) : 0;
  std::snprintf(text, sizeof text,
                "other bytes than the reference: item %zu of the output (byte %zu) is 0x%02x, "
                "expected 0x%02x",
                item, i, theirs[i], ours[i]);
  return text;
}

// ALGO-FILL-INFO: PyBuffer_FillInfo over the case's buf and len, for every named request,
// PyBUF_READ, PyBUF_WRITE and two values no consumer forms, read-only and writable, into a view
// whose every byte is 0xA5 (a refusal must leave it so) against the model.
void CheckFillInfo(const bufconf_adapter& a, void* buf, int64_t len, CheckResult& out) {
  std::vector<int> flags = layout::NamedRequests();
  for (const int odd : {int{layout::kRead}, int{layout::kWrite}, 0x2, 0x21}) {
    flags.push_back(odd);
  }
  const char* const kResult[] = {"fills the view", "raises BufferError", "raises SystemError"};
  for (const int readonly : {0, 1}) {
    for (const int f : flags) {
      bufconf_buffer view;
      std::memset(&view, 0xA5, sizeof view);
      char message[256] = {0};
      const int rc =
          a.fill_info(a.context, &view, nullptr, buf, len, readonly, f, message, sizeof message);
      message[sizeof message - 1] = '\0';
      const layout::FillInfoOutcome model =
          layout::FillInfo(false, conformance::Address(buf), len, readonly, f);
      const std::string call = "fill_info(len " + std::to_string(len) + ", readonly " +
                               std::to_string(readonly) + ", flags " + std::to_string(f) + ")";
      using Result = layout::FillInfoOutcome::Result;
      std::string wrong;
      if (rc != BUFCONF_OK && rc != BUFCONF_REFUSED) {
        throw AdapterError(call + " returned " + std::to_string(rc));
      }
      const bool filled = rc == BUFCONF_OK;
      if (filled != (model.result == Result::kFilled)) {
        wrong = std::string(filled ? "filled the view" : "failed (" + std::string(message) + ")") +
                "; PyBuffer_FillInfo " + kResult[static_cast<int>(model.result)];
      } else if (!filled) {
        const std::string name =
            model.result == Result::kBufferError ? "BufferError" : "SystemError";
        const unsigned char* p = reinterpret_cast<const unsigned char*>(&view);
        if (std::string(message).find(name) == std::string::npos) {
          wrong = "failed with '" + std::string(message) + "'; PyBuffer_FillInfo raises " + name;
        } else if (!std::all_of(p, p + sizeof view, [](unsigned char b) { return b == 0xA5; })) {
          wrong = "failed but wrote into the view";
        }
      } else {
        const layout::Descriptor& e = model.view;
        const bool format_ok =
            e.format ? view.format != nullptr && std::strcmp(view.format, e.format->c_str()) == 0
                     : view.format == nullptr;
        auto array_ok = [&](const bufconf_ssize_t* got,
                            const std::optional<std::vector<int64_t>>& want) {
          if (!want) return got == nullptr;
          return got != nullptr && want->size() == 1 && got[0] == (*want)[0];
        };
        if (view.buf != buf || view.len != e.len || view.readonly != e.readonly ||
            view.itemsize != e.itemsize || view.ndim != e.ndim) {
          wrong = "filled buf, len, readonly, itemsize or ndim otherwise (len " +
                  std::to_string(view.len) + ", readonly " + std::to_string(view.readonly) +
                  ", itemsize " + std::to_string(view.itemsize) + ", ndim " +
                  std::to_string(view.ndim) + ")";
        } else if (!format_ok) {
          wrong = std::string("filled format ") +
                  (view.format ? "'" + std::string(view.format) + "'" : "NULL") + ", expected " +
                  (e.format ? "'" + *e.format + "'" : "NULL");
        } else if (!array_ok(view.shape, e.shape)) {
          wrong = e.shape ? "shape is not {len}" : "shape is not NULL";
        } else if (!array_ok(view.strides, e.strides)) {
          wrong = e.strides ? "strides is not {itemsize}" : "strides is not NULL";
        } else if (view.suboffsets != nullptr || view.internal != nullptr || view.obj != nullptr) {
          wrong = "suboffsets, internal or obj is not NULL";
        }
      }
      if (!wrong.empty()) {
        out.findings.push_back({"ALGO-FILL-INFO", call + " " + wrong, false});
        return;
      }
    }
  }
}

}  // namespace

const std::vector<AlgorithmRule>& AlgorithmRules() {
  static const std::vector<AlgorithmRule> kRules = {
      {"CONTIG-C", BUFCONF_CAP_IS_CONTIGUOUS},
      {"CONTIG-F", BUFCONF_CAP_IS_CONTIGUOUS},
      {"CONTIG-A", BUFCONF_CAP_IS_CONTIGUOUS},
      {"ALGO-GET-POINTER", BUFCONF_CAP_GET_POINTER},
      {"ALGO-TO-CONTIGUOUS", BUFCONF_CAP_TO_CONTIGUOUS},
      {"ALGO-FROM-CONTIGUOUS", BUFCONF_CAP_FROM_CONTIGUOUS},
      {"ALGO-FILL-STRIDES", BUFCONF_CAP_FILL_STRIDES},
      {"ALGO-SIZE-FROM-FORMAT", BUFCONF_CAP_SIZE_FROM_FORMAT},
      {"ALGO-COPY-DATA", BUFCONF_CAP_COPY_DATA},
      {"ALGO-FILL-INFO", BUFCONF_CAP_FILL_INFO},
      // The consumer side (consumer_checks.cc): each rule's cases run the consumers.
      {"ALGO-TOLIST", BUFCONF_CAP_CONSUMERS},
      {"ALGO-TOBYTES", BUFCONF_CAP_CONSUMERS},
      {"ALGO-EQUAL", BUFCONF_CAP_CONSUMERS},
      {"ALGO-GET-CONTIGUOUS", BUFCONF_CAP_CONSUMERS},
      {"ALGO-READ-ELEMENTS", BUFCONF_CAP_CONSUMERS},
      {"LAYOUT-STRIDES-ANY", BUFCONF_CAP_CONSUMERS},
      {"ALGO-INDIRECT-HANDLED", BUFCONF_CAP_CONSUMERS},
      {"ALGO-UNIT-EXTENT-STRIDES", BUFCONF_CAP_CONSUMERS},
      {"ALGO-NDIM-64", BUFCONF_CAP_CONSUMERS},
      {"LAYOUT-LEN-SIMPLE", BUFCONF_CAP_CONSUMERS},
      {"LAYOUT-STRIDES-NULL-C", BUFCONF_CAP_CONSUMERS},
      {"RELEASE-PAIRED", BUFCONF_CAP_CONSUMERS},
      {"FIELDS-CONSUMER-NO-MODIFY", BUFCONF_CAP_CONSUMERS},
      {"FORMAT-NULL-IS-B", BUFCONF_CAP_CONSUMERS},
  };
  return kRules;
}

CheckResult CheckAlgorithmCase(const bufconf_adapter& a, const AlgorithmCase& c,
                               const std::string& only_rule) {
  CheckResult out;
  auto add = [&](const char* rule, const std::string& message) {
    out.findings.push_back({rule, message, false});
  };
  // Only the function of `only_rule` is called when it is given: a crash then belongs to it.
  uint64_t only_capability = 0;
  for (const AlgorithmRule& r : AlgorithmRules()) {
    if (r.rule == only_rule) only_capability = r.capability;
  }
  auto has = [&](uint64_t cap) {
    return (a.capabilities & cap) != 0 && (only_rule.empty() || cap == only_capability);
  };
  for (const AlgorithmRule& r : AlgorithmRules()) {
    // (The consumer rules are listed by CheckConsumers, for the cases that exercise them.)
    if (has(r.capability) && r.capability != BUFCONF_CAP_CONSUMERS &&
        (only_rule.empty() || only_rule == r.rule)) {
      out.rules_checked.push_back(r.rule);
    }
  }
  if (has(BUFCONF_CAP_CONSUMERS)) CheckConsumers(a, c.view, c.memory, only_rule, out);
  const std::unique_ptr<RealLayout> real = conformance::Realize(c.view, c.memory);
  const Snapshot s =
      conformance::TakeSnapshot(real->view, real->regions.data(), real->regions.size());
  const layout::FullView full = layout::Expand(s.view);
  const char first_order = c.order;
  auto found_rule = [&](const char* rule) {
    return std::any_of(out.findings.begin(), out.findings.end(),
                       [&](const Finding& f) { return f.rule == rule; });
  };

  if (has(BUFCONF_CAP_IS_CONTIGUOUS)) {
    const char* kRule[] = {"CONTIG-C", "CONTIG-F", "CONTIG-A"};
    const char kOrder[] = {'C', 'F', 'A'};
    for (int k = 0; k < 3; ++k) {
      const bool theirs = a.is_contiguous(a.context, &real->view, kOrder[k]) != 0;
      if (theirs != layout::IsContiguous(s.view, kOrder[k])) {
        add(kRule[k], std::string("is_contiguous(view, '") + kOrder[k] + "') returned " +
                          (theirs ? "1" : "0"));
      }
    }
    // Any other order gives 0 (CONTIG-A): lower case, another letter, NUL.
    for (const char other : {'c', 'X', '\0'}) {
      if (a.is_contiguous(a.context, &real->view, other) != 0 &&
          !layout::IsContiguous(s.view, other)) {
        add("CONTIG-A", "is_contiguous(view, order " + std::to_string(other) +
                            ") returned 1; an order other than 'C', 'F', 'A' gives 0");
        break;
      }
    }
  }
  // PyBuffer_GetPointer needs strides when ndim >= 1: such views are not sent.
  if (has(BUFCONF_CAP_GET_POINTER) && (s.view.ndim == 0 || s.view.strides)) {
    int checked = 0;
    layout::ForEachIndex(full.shape, 'C', [&](const std::vector<int64_t>& index) {
      if (checked++ >= 4096) return;
      std::vector<bufconf_ssize_t> idx(index.begin(), index.end());
      idx.push_back(0);  // never an empty array
      const uint64_t theirs =
          reinterpret_cast<uint64_t>(a.get_pointer(a.context, &real->view, idx.data()));
      const uint64_t ours = layout::GetPointer(full, s.memory, index);
      if (theirs != ours && out.findings.empty()) {
        add("ALGO-GET-POINTER", "get_pointer of an element is off by " +
                                    std::to_string(static_cast<int64_t>(theirs - ours)) + " bytes");
      }
    });
    // The same direct layout with far strides: each stride times 2^31 + 1 and buf at 2^44, so
    // offsets pass 2^31 and 2^32 (an implementation computing them in 32 bits is wrong). The
    // memory is not there: for a direct view get_pointer is arithmetic only, and no one reads.
    int64_t reach = 0;
    if (s.view.ndim > 0 && s.view.strides && !s.view.suboffsets) {
      for (size_t d = 0; d < full.shape.size(); ++d) {
        const int64_t stride = full.strides[d];
        if (full.shape[d] > 0 && (stride > 4096 || stride < -4096)) reach = INT64_MAX;
        if (reach != INT64_MAX && full.shape[d] > 0) {
          reach += (stride < 0 ? -stride : stride) * (full.shape[d] - 1);
        }
      }
    }
    if (s.view.ndim > 0 && s.view.strides && !s.view.suboffsets && reach <= 2048 &&
        !found_rule("ALGO-GET-POINTER")) {
      constexpr int64_t kScale = (int64_t{1} << 31) + 1;
      constexpr uint64_t kFarBuf = uint64_t{1} << 44;
      bufconf_buffer far = real->view;
      std::vector<bufconf_ssize_t> far_strides;
      for (int64_t stride : full.strides) far_strides.push_back(stride * kScale);
      far.buf = reinterpret_cast<void*>(static_cast<uintptr_t>(kFarBuf));
      far.strides = far_strides.data();
      int checked_far = 0;
      layout::ForEachIndex(full.shape, 'C', [&](const std::vector<int64_t>& index) {
        if (checked_far++ >= 512 || found_rule("ALGO-GET-POINTER")) return;
        std::vector<bufconf_ssize_t> idx(index.begin(), index.end());
        idx.push_back(0);
        int64_t offset = 0;
        for (size_t d = 0; d < index.size(); ++d) offset += far_strides[d] * index[d];
        const uint64_t ours = kFarBuf + static_cast<uint64_t>(offset);
        const uint64_t theirs =
            reinterpret_cast<uint64_t>(a.get_pointer(a.context, &far, idx.data()));
        if (theirs != ours) {
          add("ALGO-GET-POINTER",
              "with strides times 2^31 + 1 and buf at 2^44 (offsets past 32 bits), get_pointer "
              "of an element is off by " +
                  std::to_string(static_cast<int64_t>(theirs - ours)) + " bytes");
        }
      });
    }
  }
  // The functions that take an order are checked in every order: the case's first, then the
  // other two (a fault in one order, e.g. 'A' on an F-contiguous view, must not depend on the
  // case having drawn that order). One finding per rule: the first order that fails.
  std::vector<char> orders = {first_order};
  for (char o : {'C', 'F', 'A'}) {
    if (o != first_order) orders.push_back(o);
  }
  const auto& found = found_rule;
  // PyBuffer_ToContiguous refuses len != src->len before it writes anything.
  if (has(BUFCONF_CAP_TO_CONTIGUOUS)) {
    for (const int64_t wrong : {s.view.len + 1, s.view.len - 1}) {
      if (wrong < 0 || found("ALGO-TO-CONTIGUOUS")) continue;
      std::vector<uint8_t> buffer(static_cast<size_t>(wrong) + 2 * kGuard, 0xA5);
      const int rc =
          a.to_contiguous(a.context, buffer.data() + kGuard, &real->view, wrong, first_order);
      if (rc == BUFCONF_OK) {
        add("ALGO-TO-CONTIGUOUS", "to_contiguous accepted len " + std::to_string(wrong) +
                                      " for a view of len " + std::to_string(s.view.len));
      } else if (std::any_of(buffer.begin(), buffer.end(), [](uint8_t b) { return b != 0xA5; })) {
        add("ALGO-TO-CONTIGUOUS",
            "to_contiguous refused len " + std::to_string(wrong) + " but wrote to the buffer");
      }
    }
  }
  for (const char order : orders) {
    if (has(BUFCONF_CAP_TO_CONTIGUOUS) && !found("ALGO-TO-CONTIGUOUS")) {
      // The buffer between guard bytes: writing outside len is seen.
      std::vector<uint8_t> buffer(static_cast<size_t>(s.view.len) + 2 * kGuard, 0xA5);
      const int rc =
          a.to_contiguous(a.context, buffer.data() + kGuard, &real->view, s.view.len, order);
      const std::vector<uint8_t> ours = layout::ToContiguous(s.view, s.memory, s.view.len, order);
      const std::vector<uint8_t> theirs(buffer.begin() + kGuard, buffer.end() - kGuard);
      const bool guards_intact =
          std::all_of(buffer.begin(), buffer.begin() + kGuard,
                      [](uint8_t b) { return b == 0xA5; }) &&
          std::all_of(buffer.end() - kGuard, buffer.end(), [](uint8_t b) { return b == 0xA5; });
      if (rc != BUFCONF_OK) {
        add("ALGO-TO-CONTIGUOUS", std::string("to_contiguous refused order '") + order + "'");
      } else if (!guards_intact) {
        add("ALGO-TO-CONTIGUOUS", std::string("to_contiguous(order '") + order +
                                      "') wrote outside the len bytes of its buffer");
      } else if (theirs != ours) {
        add("ALGO-TO-CONTIGUOUS", std::string("to_contiguous(order '") + order + "') wrote " +
                                      FirstDifference(theirs, ours, s.view.itemsize));
      }
    }
    // PyBuffer_FromContiguous walks with PyBuffer_GetPointer, which needs strides: views with
    // NULL strides are not sent (CPython 3.11 crashes on them, docs/findings.md).
    if (has(BUFCONF_CAP_FROM_CONTIGUOUS) && !s.view.readonly && !found("ALGO-FROM-CONTIGUOUS") &&
        (s.view.ndim == 0 || s.view.strides)) {
      const std::unique_ptr<RealLayout> target = conformance::Realize(c.view, c.memory);
      Snapshot expected =
          conformance::TakeSnapshot(target->view, target->regions.data(), target->regions.size());
      // Bytes past view.len are passed too: PyBuffer_FromContiguous clamps len to view.len.
      const size_t used = std::min(c.bytes.size(), static_cast<size_t>(s.view.len));
      layout::FromContiguous(expected.view, expected.memory,
                             std::vector<uint8_t>(c.bytes.begin(), c.bytes.begin() + used), order);
      const int rc = a.from_contiguous(a.context, &target->view, c.bytes.data(),
                                       static_cast<bufconf_ssize_t>(c.bytes.size()), order);
      const Snapshot after =
          conformance::TakeSnapshot(target->view, target->regions.data(), target->regions.size());
      bool same = after.memory.regions().size() == expected.memory.regions().size();
      for (size_t i = 0; same && i < after.memory.regions().size(); ++i) {
        same = after.memory.regions()[i].bytes == expected.memory.regions()[i].bytes;
      }
      if (rc != BUFCONF_OK) {
        add("ALGO-FROM-CONTIGUOUS", std::string("from_contiguous refused order '") + order +
                                        "' with len " + std::to_string(c.bytes.size()) +
                                        " (view.len " + std::to_string(s.view.len) + ")");
      } else if (!target->GuardsIntact()) {
        add("ALGO-FROM-CONTIGUOUS",
            std::string("from_contiguous(order '") + order + "') wrote outside the view's memory");
      } else if (!same) {
        add("ALGO-FROM-CONTIGUOUS", std::string("from_contiguous(order '") + order +
                                        "') left other memory than the reference");
      }
    }
    if (has(BUFCONF_CAP_FILL_STRIDES) && s.view.itemsize <= INT32_MAX &&
        !found("ALGO-FILL-STRIDES")) {
      const std::vector<int64_t> ours =
          layout::FillContiguousStrides(full.shape, s.view.itemsize, order);
      std::vector<bufconf_ssize_t> shape(full.shape.begin(), full.shape.end());
      std::vector<bufconf_ssize_t> theirs(shape.size() + 1, -12345);
      shape.push_back(0);
      a.fill_contiguous_strides(a.context, static_cast<int>(full.shape.size()), shape.data(),
                                theirs.data(), static_cast<int>(s.view.itemsize), order);
      theirs.pop_back();
      if (!std::equal(theirs.begin(), theirs.end(), ours.begin())) {
        add("ALGO-FILL-STRIDES", std::string("fill_contiguous_strides(order '") + order +
                                     "') differs from the reference");
      }
    }
  }  // orders
  if (has(BUFCONF_CAP_SIZE_FROM_FORMAT) && c.format_text.find('\0') == std::string::npos) {
    const format::FormatResult r = format::AnalyzeFormat(c.format_text, format::Dialect::kStruct);
    const int64_t ours = r.ok() ? static_cast<int64_t>(r.layout().itemsize) : -1;
    const int64_t theirs = a.size_from_format(a.context, c.format_text.c_str());
    if (theirs != ours) {
      add("ALGO-SIZE-FROM-FORMAT", "size_from_format('" + c.format_text + "') returned " +
                                       std::to_string(theirs) + ", struct says " +
                                       std::to_string(ours));
    }
  }
  // Copy the view into a C-contiguous buffer of the same shape, then into a Fortran-contiguous
  // one (a fast path that memcpys between two contiguous views of different orders is wrong).
  for (const char dest_order : {'C', 'F'}) {
    if (has(BUFCONF_CAP_COPY_DATA) && !found("ALGO-COPY-DATA")) {
      layout::Descriptor dest = s.view;
      dest.readonly = 0;
      dest.suboffsets.reset();
      // The source's elements as the reference reads them: a view with shape NULL (and ndim > 0)
      // is len unsigned bytes (LAYOUT-LEN-SIMPLE), so its copy is 1-D, itemsize 1.
      dest.ndim = static_cast<int64_t>(full.shape.size());
      dest.itemsize = full.itemsize;
      if (!s.view.shape && s.view.ndim > 0 && dest.format) dest.format = "B";
      dest.strides = layout::FillContiguousStrides(full.shape, full.itemsize, dest_order);
      if (s.view.ndim > 0) dest.shape = full.shape;
      if (s.view.ndim == 0) dest.strides.reset();
      layout::Memory dest_memory;
      dest.buf = 0x1000;
      dest_memory.AddRegion(
          {0x1000, std::vector<uint8_t>(static_cast<size_t>(s.view.len) + 1, 0), "dest"});
      const std::unique_ptr<RealLayout> target = conformance::Realize(dest, dest_memory);
      const int rc = a.copy_data(a.context, &target->view, &real->view);
      const Snapshot after =
          conformance::TakeSnapshot(target->view, target->regions.data(), target->regions.size());
      if (rc != BUFCONF_OK) {
        add("ALGO-COPY-DATA", std::string("copy_data refused to copy into a ") + dest_order +
                                  "-contiguous view of the same shape");
      } else if (!target->GuardsIntact() || after.memory.regions()[0].bytes.back() != 0) {
        add("ALGO-COPY-DATA", std::string("copy_data into a ") + dest_order +
                                  "-contiguous view wrote outside its len bytes");
      } else if (layout::ToContiguous(after.view, after.memory, after.view.len, 'C') !=
                 layout::ToContiguous(s.view, s.memory, s.view.len, 'C')) {
        add("ALGO-COPY-DATA", std::string("copy_data into a ") + dest_order +
                                  "-contiguous view gave other contents than the source");
      }
    }
  }  // dest orders
  // The drawn destination: any layout of the source's shape (must hold the copy, pointer tables
  // untouched), read-only (PyObject_CopyData asks it for PyBUF_FULL: refused) or smaller
  // (dest.len < src.len: refused). Nothing may change in a refused destination.
  if (has(BUFCONF_CAP_COPY_DATA) && c.dest && !found("ALGO-COPY-DATA")) {
    const std::unique_ptr<RealLayout> target = conformance::Realize(*c.dest, c.dest_memory);
    Snapshot expected =
        conformance::TakeSnapshot(target->view, target->regions.data(), target->regions.size());
    const bool refuse = c.dest->readonly != 0 || c.dest->len < s.view.len;
    if (!refuse) layout::CopyData(expected.view, expected.memory, s.view, s.memory);
    const int rc = a.copy_data(a.context, &target->view, &real->view);
    const Snapshot after =
        conformance::TakeSnapshot(target->view, target->regions.data(), target->regions.size());
    bool same = after.memory.regions().size() == expected.memory.regions().size();
    for (size_t i = 0; same && i < after.memory.regions().size(); ++i) {
      same = after.memory.regions()[i].bytes == expected.memory.regions()[i].bytes;
    }
    const std::string what = c.dest->readonly != 0 ? "a read-only destination"
                             : c.dest->len < s.view.len
                                 ? "a destination of len " + std::to_string(c.dest->len) +
                                       " < the source's " + std::to_string(s.view.len)
                             : c.dest->suboffsets ? "an array-of-arrays destination"
                                                  : "a strided destination";
    if (refuse && rc == BUFCONF_OK) {
      add("ALGO-COPY-DATA", "copy_data into " + what + " was not refused");
    } else if (!refuse && rc != BUFCONF_OK) {
      add("ALGO-COPY-DATA", "copy_data into " + what + " of the same shape was refused");
    } else if (!target->GuardsIntact()) {
      add("ALGO-COPY-DATA", "copy_data into " + what + " wrote outside its memory");
    } else if (!same) {
      add("ALGO-COPY-DATA", "copy_data into " + what + " left other memory than the reference" +
                                (refuse ? " (a refused copy must change nothing)" : ""));
    }
  }
  if (has(BUFCONF_CAP_FILL_INFO)) CheckFillInfo(a, real->view.buf, s.view.len, out);
  return out;
}

}  // namespace bufconf::suite
