#include "fuzz/fuzz_checks.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "reference/format/layout.h"
#include "reference/format/printer.h"
#include "reference/format/value.h"
#include "reference/layout/addressing.h"
#include "reference/layout/checker.h"
#include "reference/layout/contiguity.h"
#include "reference/layout/mirror.h"
#include "reference/layout/request.h"
#include "reference/rules/catalogue.h"

namespace bufconf::fuzz {

void Fail(const char* what) {
  std::fprintf(stderr, "bufconf fuzz check failed: %s\n", what);
  std::abort();
}

namespace {
[[noreturn]] void FailWith(const char* what, const std::exception& e) {
  std::fprintf(stderr, "(%s)\n", e.what());
  bufconf::fuzz::Fail(what);
}
}  // namespace

namespace {

// Scalars a layout decodes into, capped: decoding is only tried on small layouts.
uint64_t Leaves(const std::vector<format::FieldLayout>& fields, uint64_t cap) {
  uint64_t n = 0;
  for (const format::FieldLayout& f : fields) {
    uint64_t count = f.element_count();
    if (count > cap) return cap + 1;
    // An empty array still has its rows: (10**18, 0) is 10**18 empty arrays to build.
    uint64_t rows = 1;
    for (uint64_t d : f.shape) {
      if (d == 0) break;
      if (d > cap || rows * d > cap) return cap + 1;
      rows *= d;
    }
    uint64_t each = f.code == "T" ? Leaves(f.members, cap) : 1;
    if (each == 0) each = 1;
    if (each > cap || count * each > cap) return cap + 1;
    n += count * each;
    if (n > cap) return cap + 1;
  }
  return n;
}

}  // namespace

void CheckFormat(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (format::Dialect d : format::kAllDialects) {
    const format::FormatResult r = format::AnalyzeFormat(text, d);
    if (!r.ok()) {
      if (r.error().position > text.size()) Fail("error position past the end");
      if (r.error().message.empty()) Fail("error without a message");
      continue;
    }
    const format::FormatResult again = format::AnalyzeFormat(format::Print(r.syntax), d);
    if (!again.ok() || !format::SameLayout(again.layout(), r.layout())) {
      Fail("canonical text does not give the same layout");
    }
    const format::Layout& layout = r.layout();
    if (layout.itemsize <= 4096 && Leaves(layout.fields, 4096) <= 4096) {
      std::vector<uint8_t> item(layout.itemsize);
      for (size_t i = 0; i < item.size(); ++i) item[i] = static_cast<uint8_t>(i * 37 + size);
      const format::Value v = format::DecodeItem(layout, item.data());
      const std::vector<uint8_t> encoded = format::EncodeItem(layout, v);
      const std::vector<uint8_t> mask = format::SignificantBits(layout);
      for (size_t i = 0; i < item.size(); ++i) {
        if (encoded[i] != (item[i] & mask[i])) Fail("encode(decode(item)) lost significant bits");
      }
    }
  }
}

namespace {
bool exhaustive = false;
}  // namespace

void SetExhaustive(bool value) { exhaustive = value; }

bool WithinWalkBudget(const layout::Descriptor& view) {
  if (exhaustive || !view.suboffsets || !view.shape) return true;
  // The walk visits the root and every index prefix: 1 + sum over d of shape[0] * ... * shape[d].
  uint64_t visits = 1, prefixes = 1;
  for (int64_t extent : *view.shape) {
    if (extent <= 0) break;
    if (static_cast<uint64_t>(extent) > kWalkBudget) return false;
    prefixes *= static_cast<uint64_t>(extent);
    visits += prefixes;
    if (prefixes > kWalkBudget || visits > kWalkBudget) return false;
  }
  return true;
}

void CheckDescriptor(const layout::Descriptor& view, const layout::Memory* memory, int flags) {
  if (!WithinWalkBudget(view)) return;
  const std::vector<layout::Violation> violations = layout::Validate(view, memory);
  for (char order : {'C', 'F', 'A', 'x'}) layout::IsContiguous(view, order);
  layout::MemoryviewFlags(view);
  for (int f : {0, 0x1, 0x8, 0x18, 0x11d, 0x100, 0x200, 0x3ff}) layout::Request(view, f);
  if (flags != -1) layout::Request(view, flags);
  if (memory == nullptr) return;
  for (const layout::Violation& v : violations) {
    const rules::Rule* rule = rules::FindRule(v.rule);
    if (rule == nullptr) Fail("the checker reported a rule the catalogue lacks");
    if (rule->level == rules::Level::kMust) return;  // only valid descriptors go further
  }
  // The checker calls it valid: the model must be able to read it, entirely inside the memory.
  layout::FullView full;
  try {
    full = layout::Expand(view);
  } catch (const std::exception& e) {
    FailWith("a valid descriptor cannot be expanded", e);
  }
  int64_t count;
  try {
    count = layout::ElementCount(full.shape);
  } catch (const std::exception&) {
    Fail("a valid descriptor's element count overflows");
  }
  if (count > 4096 || view.itemsize > 256) return;
  std::vector<uint64_t> c_order, f_order;
  try {
    c_order = layout::ElementAddresses(full, *memory, 'C');
    f_order = layout::ElementAddresses(full, *memory, 'F');
  } catch (const layout::MemoryFault&) {
    Fail("a valid descriptor's element addresses leave the memory");
  }
  for (uint64_t a : c_order) {
    if (!memory->Contains(a, static_cast<uint64_t>(full.itemsize))) {
      Fail("an element of a valid descriptor lies outside the memory");
    }
  }
  std::vector<uint64_t> sorted_c = c_order, sorted_f = f_order;
  std::sort(sorted_c.begin(), sorted_c.end());
  std::sort(sorted_f.begin(), sorted_f.end());
  if (sorted_c != sorted_f) Fail("C and F iteration visit different elements");
  // The iterator's addresses are GetPointer's, index by index (an independent address loop).
  for (char order : {'C', 'F'}) {
    const std::vector<uint64_t>& addresses = order == 'C' ? c_order : f_order;
    size_t k = 0;
    try {
      layout::ForEachIndex(full.shape, order, [&](const std::vector<int64_t>& index) {
        if (k >= addresses.size() || layout::GetPointer(full, *memory, index) != addresses[k]) {
          Fail("an element address of the iterator is not get_pointer's");
        }
        ++k;
      });
    } catch (const layout::MemoryFault&) {
      Fail("get_pointer reads outside the memory on a valid descriptor");
    }
    if (k != addresses.size()) Fail("the iterator visits another number of elements");
  }
  // ToContiguous(order) is the items along ElementAddresses(order), concatenated ('A': the
  // physical order of a C- or F-contiguous view, else C).
  auto items = [&](const std::vector<uint64_t>& addresses) {
    std::vector<uint8_t> out;
    out.reserve(addresses.size() * static_cast<size_t>(full.itemsize));
    for (uint64_t a : addresses) {
      const uint8_t* p = memory->Read(a, static_cast<uint64_t>(full.itemsize));
      out.insert(out.end(), p, p + full.itemsize);
    }
    return out;
  };
  const std::vector<uint8_t> items_c = items(c_order), items_f = items(f_order);
  const bool a_is_f = !layout::IsContiguous(view, 'C') && layout::IsContiguous(view, 'F');
  for (char order : {'C', 'F', 'A'}) {
    std::vector<uint8_t> bytes;
    try {
      bytes = layout::ToContiguous(view, *memory, view.len, order);
    } catch (const std::exception& e) {
      FailWith("to_contiguous fails on a valid descriptor", e);
    }
    const bool fortran = order == 'F' || (order == 'A' && a_is_f);
    if (bytes != (fortran ? items_f : items_c)) {
      Fail("to_contiguous differs from the items along element_addresses in that order");
    }
  }
  const bool unique =
      std::adjacent_find(sorted_c.begin(), sorted_c.end(), [&](uint64_t a, uint64_t b) {
        return b - a < static_cast<uint64_t>(full.itemsize);
      }) == sorted_c.end();
  if (unique && full.itemsize > 0) {
    layout::Memory copy = *memory;
    try {
      for (char order : {'C', 'F', 'A'}) {
        const std::vector<uint8_t> bytes = layout::ToContiguous(view, copy, view.len, order);
        layout::FromContiguous(view, copy, bytes, order);
      }
    } catch (const std::exception& e) {
      FailWith("from_contiguous fails on a valid descriptor", e);
    }
    for (size_t i = 0; i < copy.regions().size(); ++i) {
      if (copy.regions()[i].bytes != memory->regions()[i].bytes) {
        Fail("from_contiguous(to_contiguous(view)) changed the memory");
      }
    }
  }
  int64_t rows = 1;  // the nested lists ToList builds, empty ones included
  for (int64_t d : full.shape) {
    if (d == 0 || rows > (int64_t{1} << 20)) break;
    rows *= d;
  }
  if ((view.format || view.itemsize == 1) && rows <= (int64_t{1} << 20)) {
    // NULL means "B": only for itemsize 1. FORMAT-SIZE accepts an itemsize that matches the
    // format in any one dialect ('iH' is 6 bytes for struct, 8 for pep3118): decode in one that
    // matches (found by campaign 2: regressions/FORMAT-SIZE-tolist-in-a-matching-dialect).
    format::Dialect dialect = format::Dialect::kPep3118;
    uint64_t leaves = 1;  // values one item decodes into
    if (view.format) {
      for (format::Dialect d : format::kAllDialects) {
        const format::FormatResult r = format::AnalyzeFormat(*view.format, d);
        if (r.ok() && static_cast<int64_t>(r.layout().itemsize) == view.itemsize) {
          dialect = d;
          leaves = Leaves(r.layout().fields, uint64_t{1} << 20);
          break;
        }
      }
    }
    // The whole value tree within the budget too: an item of zero bytes can hold millions of
    // values, as nested sub-arrays of an empty struct, 'T{(2,3)(2,3)...(2)!T{!}}' (the model caps
    // the rows of each field, not their product). Found by campaign 3, an OOM at 2 GB:
    // regressions/ALGO-TOLIST-nested-sub-arrays-of-empty-structs.
    if (static_cast<uint64_t>(rows) * std::max<uint64_t>(leaves, 1) <= (uint64_t{1} << 20)) {
      try {
        layout::ToList(view, *memory, dialect);
      } catch (const std::exception& e) {
        FailWith("tolist fails on a valid descriptor", e);
      }
    }
  }
}

}  // namespace bufconf::fuzz
