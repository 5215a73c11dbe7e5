// The JSON explanation (`bufconf explain --json`).
#include <nlohmann/json.hpp>
#include <string>

#include "conformance/explain/render.h"
#include "reference/format/format_json.h"
#include "reference/format/layout.h"

namespace bufconf::explain::internal {

using layout::Descriptor;
using layout::FullView;
using layout::Memory;
using layout::Region;

std::string RenderJson(const Analysis& a) {
  using J = nlohmann::ordered_json;
  const Descriptor& v = *a.v;
  J j;
  j["valid"] = a.valid;
  J violations = J::array();
  for (size_t k = 0; k < a.violations.size(); ++k) {
    violations.push_back({{"rule", Printable(a.violations[k].rule, 60)},
                          {"level", rules::LevelName(a.levels[k])},
                          {"message", Printable(a.violations[k].message, 300)}});
  }
  j["violations"] = std::move(violations);
  if (!a.not_checked.empty()) {
    // Not checked is no verdict: "valid" is null, as `bufconf check` gives none (exit 2).
    j["valid"] = nullptr;
    J not_checked = J::array();
    for (const layout::Violation& n : a.not_checked) {
      not_checked.push_back(
          {{"rule", Printable(n.rule, 60)}, {"message", Printable(n.message, 300)}});
    }
    j["not_checked"] = std::move(not_checked);
  }
  j["itemsize"] = v.itemsize;
  j["format"] = v.format ? J(format::BytesToJsonText(*v.format)) : J(nullptr);
  j["format_note"] = a.format_line;
  j["len"] = {{"value", v.len}, {"note", a.len_line}};
  j["elements"] = a.count ? J(*a.count) : J(nullptr);
  J dims = J::array();
  if (a.full) {
    const FullView& f = *a.full;
    for (size_t d = 0; d < f.shape.size(); ++d) {
      J dim = {{"dim", d},
               {"extent", f.shape[d]},
               {"stride", f.strides[d]},
               {"suboffset", v.suboffsets ? J(f.suboffsets[d]) : J(nullptr)}};
      dim["stride_items"] = f.itemsize > 0 && f.strides[d] % f.itemsize == 0
                                ? J(f.strides[d] / f.itemsize)
                                : J(nullptr);
      dims.push_back(std::move(dim));
    }
  }
  j["dims"] = std::move(dims);
  if (!a.structure_error.empty()) j["structure_error"] = a.structure_error;
  if (a.has_span && a.hi_end > a.lo) {
    // Offsets from buf; beyond the int64 range (an itemsize near PY_SSIZE_T_MAX) as strings.
    auto number = [](i128 n) {
      return n >= INT64_MIN && n <= INT64_MAX ? J(static_cast<int64_t>(n)) : J(Dec(n));
    };
    j["span"] = {{"lowest", number(a.lo)},
                 {"highest", number(a.hi_end - 1)},
                 {"size", number(a.hi_end - a.lo)},
                 {"note", a.span_line}};
  } else {
    j["span"] = {{"note", a.span_line}};
  }
  if (!a.span_memory_line.empty()) j["span"]["memory"] = a.span_memory_line;
  J contiguous;
  for (auto [name, verdict] :
       {std::pair<const char*, const Verdict*>{"C", &a.c}, {"F", &a.f}, {"A", &a.a}}) {
    contiguous[name] = {{"value", verdict->value}, {"reason", verdict->reason}};
  }
  j["contiguous"] = std::move(contiguous);
  if (!a.memoryview_note.empty()) j["memoryview"] = a.memoryview_note;
  j["is_unique"] = {{"value", a.unique.value}, {"reason", a.unique.reason}};
  j["is_exhaustive"] = {{"value", a.exhaustive.value}, {"reason", a.exhaustive.reason}};
  J aoa = J::array();
  if (a.full && a.indirect) {
    for (size_t d = 0; d < a.full->shape.size(); ++d) {
      if (a.full->suboffsets[d] >= 0) {
        aoa.push_back(
            {{"dim", d}, {"stride", a.full->strides[d]}, {"suboffset", a.full->suboffsets[d]}});
      }
    }
  }
  j["array_of_arrays"] = std::move(aoa);
  return j.dump(2) + "\n";
}

}  // namespace bufconf::explain::internal
