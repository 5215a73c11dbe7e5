// The algorithm-side checks: the adapter's functions on generated views, realized in real
// memory, against the reference model on the same memory.
#include <algorithm>
#include <cstring>
#include <memory>

#include "conformance/adapter/real_layout.h"
#include "conformance/suite/checks.h"
#include "reference/format/layout.h"
#include "reference/layout/addressing.h"
#include "reference/layout/contiguity.h"
#include "reference/layout/mirror.h"

namespace bufconf::suite {

using conformance::RealLayout;
using conformance::Snapshot;

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
    if (has(r.capability) && (only_rule.empty() || only_rule == r.rule)) {
      out.rules_checked.push_back(r.rule);
    }
  }
  const std::unique_ptr<RealLayout> real = conformance::Realize(c.view, c.memory);
  const Snapshot s =
      conformance::TakeSnapshot(real->view, real->regions.data(), real->regions.size());
  const layout::FullView full = layout::Expand(s.view);
  const char first_order = c.order;

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
  }
  // The functions that take an order are checked in every order: the case's first, then the
  // other two (a fault in one order, e.g. 'A' on an F-contiguous view, must not depend on the
  // case having drawn that order). One finding per rule: the first order that fails.
  std::vector<char> orders = {first_order};
  for (char o : {'C', 'F', 'A'}) {
    if (o != first_order) orders.push_back(o);
  }
  auto found = [&](const char* rule) {
    return std::any_of(out.findings.begin(), out.findings.end(),
                       [&](const Finding& f) { return f.rule == rule; });
  };
  for (const char order : orders) {
    if (has(BUFCONF_CAP_TO_CONTIGUOUS) && !found("ALGO-TO-CONTIGUOUS")) {
      std::vector<uint8_t> theirs(static_cast<size_t>(s.view.len) + 1, 0xA5);
      const int rc = a.to_contiguous(a.context, theirs.data(), &real->view, s.view.len, order);
      const std::vector<uint8_t> ours = layout::ToContiguous(s.view, s.memory, s.view.len, order);
      theirs.resize(static_cast<size_t>(s.view.len));
      if (rc != BUFCONF_OK) {
        add("ALGO-TO-CONTIGUOUS", std::string("to_contiguous refused order '") + order + "'");
      } else if (theirs != ours) {
        add("ALGO-TO-CONTIGUOUS", std::string("to_contiguous(order '") + order +
                                      "') wrote other bytes than the reference");
      }
    }
    // PyBuffer_FromContiguous walks with PyBuffer_GetPointer, which needs strides: views with
    // NULL strides are not sent (CPython 3.11 crashes on them, docs/findings.md).
    if (has(BUFCONF_CAP_FROM_CONTIGUOUS) && !s.view.readonly && !found("ALGO-FROM-CONTIGUOUS") &&
        (s.view.ndim == 0 || s.view.strides)) {
      const std::unique_ptr<RealLayout> target = conformance::Realize(c.view, c.memory);
      Snapshot expected =
          conformance::TakeSnapshot(target->view, target->regions.data(), target->regions.size());
      layout::FromContiguous(expected.view, expected.memory, c.bytes, order);
      const int rc = a.from_contiguous(a.context, &target->view, c.bytes.data(),
                                       static_cast<bufconf_ssize_t>(c.bytes.size()), order);
      const Snapshot after =
          conformance::TakeSnapshot(target->view, target->regions.data(), target->regions.size());
      bool same = after.memory.regions().size() == expected.memory.regions().size();
      for (size_t i = 0; same && i < after.memory.regions().size(); ++i) {
        same = after.memory.regions()[i].bytes == expected.memory.regions()[i].bytes;
      }
      if (rc != BUFCONF_OK) {
        add("ALGO-FROM-CONTIGUOUS", std::string("from_contiguous refused order '") + order + "'");
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
      dest.strides = layout::FillContiguousStrides(full.shape, s.view.itemsize, dest_order);
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
      } else if (layout::ToContiguous(after.view, after.memory, after.view.len, 'C') !=
                 layout::ToContiguous(s.view, s.memory, s.view.len, 'C')) {
        add("ALGO-COPY-DATA", std::string("copy_data into a ") + dest_order +
                                  "-contiguous view gave other contents than the source");
      }
    }
  }  // dest orders
  return out;
}

}  // namespace bufconf::suite
