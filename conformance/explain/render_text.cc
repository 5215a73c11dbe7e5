// The terminal explanation.
#include <sstream>
#include <string>

#include "conformance/explain/render.h"

namespace bufconf::explain::internal {

using layout::Descriptor;
using layout::FullView;
using layout::Memory;
using layout::Region;

std::string RenderText(const Analysis& a) {
  const Descriptor& v = *a.v;
  std::ostringstream os;
  std::string what = std::to_string(v.ndim) + "-D view";
  if (a.count) what += " of " + Plural(*a.count, "element");
  os << "bufconf explain: " << what << ", itemsize " << v.itemsize << ", format "
     << (v.format ? "\"" + Printable(*v.format, 40) + "\"" : std::string("NULL")) << "\n";
  os << "  buf " << Hex(v.buf) << (v.buf == 0 ? " (NULL)" : "") << "  len " << v.len
     << "  readonly " << v.readonly << "  ndim " << v.ndim << "\n";
  os << "  shape " << OptInts(v.shape) << "  strides " << OptInts(v.strides) << "  suboffsets "
     << OptInts(v.suboffsets) << "\n";
  os << "  " << a.format_line << "\n";
  os << "  " << a.len_line << "\n\n";

  // The dimension table.
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> notes;
  if (a.full) {
    const FullView& f = *a.full;
    for (size_t d = 0; d < f.shape.size(); ++d) {
      std::string extent = std::to_string(f.shape[d]);
      std::string stride = std::to_string(f.strides[d]);
      if (!v.shape) extent += "*";
      if (!v.strides) stride += "*";
      std::string items = "-";
      if (f.itemsize > 0 && f.strides[d] % f.itemsize == 0) {
        items = std::to_string(f.strides[d] / f.itemsize);
      }
      std::string sub = v.suboffsets ? std::to_string(f.suboffsets[d]) : "-";
      if (f.suboffsets[d] >= 0) sub += " (deref)";
      rows.push_back({std::to_string(d), extent, stride, sub, items});
    }
    if (!v.shape && !f.shape.empty()) notes.push_back("* shape NULL: len bytes, itemsize 1");
    if (!v.strides && !f.shape.empty()) notes.push_back("* strides NULL: the C strides");
  } else {
    size_t n = static_cast<size_t>(std::clamp<int64_t>(v.ndim, 0, layout::kMaxNdim));
    for (const auto* field : {&v.shape, &v.strides, &v.suboffsets}) {
      if (*field) n = std::max(n, (*field)->size());
    }
    n = std::min<size_t>(n, layout::kMaxNdim * 4);
    auto cell = [](const std::optional<std::vector<int64_t>>& field, size_t d) {
      if (!field) return std::string("-");
      return d < field->size() ? std::to_string((*field)[d]) : std::string("?");
    };
    for (size_t d = 0; d < n; ++d) {
      rows.push_back(
          {std::to_string(d), cell(v.shape, d), cell(v.strides, d), cell(v.suboffsets, d), "-"});
    }
    notes.push_back(a.structure_error + " (? = missing entry)");
  }
  if (rows.empty()) {
    os << "no dimensions (a scalar: one item at buf)\n";
  } else {
    const std::vector<std::string> head = {"dim", "extent", "stride", "suboffset",
                                           "stride/itemsize"};
    std::vector<size_t> width(head.size());
    for (size_t k = 0; k < head.size(); ++k) {
      width[k] = head[k].size();
      for (const auto& row : rows) width[k] = std::max(width[k], row[k].size());
    }
    auto line = [&](const std::vector<std::string>& row) {
      std::string s = " ";
      for (size_t k = 0; k < row.size(); ++k) s += " " + Pad(row[k], width[k], true);
      os << s << "\n";
    };
    line(head);
    for (const auto& row : rows) line(row);
  }
  for (const auto& note : notes) os << "  " << note << "\n";
  os << "\n";

  if (a.m != nullptr) {
    const auto& regions = a.m->regions();
    os << "memory: " << Plural(static_cast<int64_t>(regions.size()), "region") << "\n";
    std::vector<std::vector<std::string>> table;
    for (size_t k = 0; k < regions.size() && k < 12; ++k) {
      const Region& r = regions[k];
      table.push_back(
          {Hex(r.base) + ".." +
               (r.bytes.empty() ? std::string("(empty)") : Hex(static_cast<u128>(r.end()) - 1)),
           Plural(static_cast<int64_t>(r.bytes.size()), "byte"), RegionName(r)});
    }
    size_t w0 = 0, w1 = 0;
    for (const auto& row : table) {
      w0 = std::max(w0, row[0].size());
      w1 = std::max(w1, row[1].size());
    }
    for (const auto& row : table) {
      os << "  " << Pad(row[0], w0, false) << "  " << Pad(row[1], w1, true) << "  " << row[2]
         << "\n";
    }
    if (regions.size() > 12) os << "  ... " << regions.size() - 12 << " more\n";
  } else {
    os << "memory: not declared (the MEMORY-* rules are not checked)\n";
  }
  os << a.span_line << "\n";
  if (!a.span_memory_line.empty()) os << "  " << a.span_memory_line << "\n";
  if (a.indirect && a.full && a.placed > 0) {
    // Where the elements reached through the pointers are.
    os << "  the " << (a.summarised ? "elements drawn" : "elements") << " lie between "
       << Hex(a.placed_low) << " and " << Hex(a.placed_high - 1) << " (lowest and highest byte)\n";
  }
  if (a.m != nullptr && a.first_outside) {
    const Element& first = *a.first_outside;
    os << "  elements outside the declared memory: " << a.outside << " of the " << a.walked
       << " placed" << (a.summarised ? " (summarised)" : "") << ", e.g. " << IndexLabel(first.index)
       << " at " << Hex(first.addr) << " (" << Rel(static_cast<i128>(first.addr) - v.buf) << ")\n";
  }
  if (a.walk_capped) {
    os << "  " << Plural(*a.count, "element") << ": summarised, above the " << kMaxWalkedElements
       << " bufconf walks one by one\n";
  }
  if (a.unplaced > 0) {
    os << "  " << Plural(static_cast<int64_t>(a.unplaced), "element") << " cannot be placed, e.g. "
       << a.first_problem << "\n";
  }
  os << "\n";

  os << "contiguity (as PyBuffer_IsContiguous decides):\n";
  for (auto [name, verdict] :
       {std::pair<const char*, const Verdict*>{"C", &a.c}, {"F", &a.f}, {"A", &a.a}}) {
    os << "  " << name << "  " << (verdict->value ? "yes" : "no ") << "  " << verdict->reason
       << "\n";
  }
  if (!a.memoryview_note.empty()) os << "  " << a.memoryview_note << "\n";
  os << "\n";

  os << "layout mapping (kokkos/mdspan vocabulary, on bytes):\n";
  os << "  is_unique      " << Pad(a.unique.value, 7, false) << "  " << a.unique.reason << "\n";
  os << "  is_exhaustive  " << Pad(a.exhaustive.value, 7, false) << "  " << a.exhaustive.reason
     << "\n";
  if (a.full) {
    os << "  is_strided     "
       << (a.indirect ? "no       suboffsets dereference pointers (array of arrays)"
                      : "yes      address = buf + sum(strides[i] * index[i])")
       << "\n";
  }
  os << "\n";

  if (!a.full || !a.indirect) {
    os << "array of arrays: no dimension dereferences"
       << (v.suboffsets ? " (every suboffset is negative)" : " (suboffsets NULL)") << "\n";
  } else {
    const FullView& f = *a.full;
    os << "array of arrays:\n";
    for (size_t d = 0; d < f.shape.size(); ++d) {
      if (f.suboffsets[d] < 0) continue;
      os << "  dim " << d << ": loads a pointer (8 bytes) every " << f.strides[d]
         << " bytes, then adds suboffset " << f.suboffsets[d] << "\n";
      size_t shown = 0, total = 0;
      for (const PointerRead& p : a.pointers) {
        if (p.dim != d) continue;
        ++total;
        if (shown >= 4) continue;
        ++shown;
        os << "    " << IndexLabel(p.prefix) << " pointer at " << Hex(p.at);
        if (!p.readable) {
          os << ": outside the declared memory\n";
          continue;
        }
        os << " = " << Hex(p.value);
        if (!p.target_valid) {
          os << ", + suboffset leaves the address space\n";
          continue;
        }
        os << " -> " << Hex(p.target) << " ";
        const Region* r = a.m->RegionOf(p.target);
        os << (r != nullptr && p.target_inside ? "in '" + RegionName(*r) + "'"
                                               : std::string("OUTSIDE the declared memory"))
           << "\n";
      }
      if (total > shown) os << "    ... " << total - shown << " more pointers read\n";
    }
    if (a.m == nullptr) os << "  (no memory declared: the pointers cannot be followed)\n";
  }
  os << "\n";

  if (a.violations.empty()) {
    os << "rules (layout::Validate): none broken\n";
  } else {
    os << "rules broken (layout::Validate):\n";
    for (size_t k = 0; k < a.violations.size(); ++k) {
      os << "  " << Printable(a.violations[k].rule, 60) << " [" << rules::LevelName(a.levels[k])
         << "]: " << Printable(a.violations[k].message, 300) << "\n";
    }
  }
  if (!a.not_checked.empty()) {
    os << "rules not checked (layout::ValidateWithCoverage):\n";
    for (const layout::Violation& n : a.not_checked) {
      os << "  " << Printable(n.rule, 60) << ": " << Printable(n.message, 300) << "\n";
    }
  }
  os << "verdict: "
     << (!a.not_checked.empty()
             ? "NOT CHECKED (too large to walk; as `bufconf check`, exit status 2)"
         : a.valid ? (a.violations.empty() ? "valid" : "valid (no MUST rule broken)")
                   : "INVALID (breaks a MUST rule)")
     << "\n";
  return WrapLines(os.str());
}

}  // namespace bufconf::explain::internal
