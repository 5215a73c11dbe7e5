#include "conformance/suite/core_cases.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "conformance/generators/format_gen.h"
#include "conformance/generators/layout_gen.h"
#include "conformance/suite/consumer_rules.h"
#include "reference/format/layout.h"
#include "reference/layout/addressing.h"
#include "reference/layout/contiguity.h"

namespace bufconf::suite {
namespace {

const char kModes[] = {'\0', '@', '=', '<', '>', '!'};

std::string Mode(char mode) { return mode == '\0' ? std::string() : std::string(1, mode); }

int64_t Product(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

int64_t Elements(const layout::Descriptor& view) { return view.shape ? Product(*view.shape) : 1; }

// Every shape with ndim 0..3 and extents 0..3, fewest elements first (then fewer dimensions).
std::vector<std::vector<int64_t>> CoreShapes() {
  std::vector<std::vector<int64_t>> out = {{}};
  for (size_t ndim = 1; ndim <= 3; ++ndim) {
    std::vector<int64_t> shape(ndim, 0);
    for (;;) {
      out.push_back(shape);
      size_t k = ndim;
      while (k > 0 && shape[k - 1] == 3) shape[--k] = 0;
      if (k == 0) break;
      ++shape[k - 1];
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    const int64_t na = Product(a), nb = Product(b);
    return na != nb ? na < nb : a.size() < b.size();
  });
  return out;
}

// A strided layout of `shape` with `strides` over memory of its own (bytes 1, 2, ... mod 251, so
// that no two elements of up to 250 bytes are equal), its format given.
gen::Layout Strided(const std::vector<int64_t>& shape, const std::vector<int64_t>& strides,
                    int64_t itemsize, const std::string& format) {
  gen::Layout l;
  int64_t lo = 0, hi = 0;
  if (Product(shape) > 0) {
    for (size_t d = 0; d < shape.size(); ++d) {
      const int64_t reach = strides[d] * (shape[d] - 1);
      (reach < 0 ? lo : hi) += reach;
    }
    hi += itemsize;
  }
  layout::Region data;
  data.base = 0x10000;
  data.name = "data";
  for (int64_t i = 0; i < hi - lo; ++i) data.bytes.push_back(static_cast<uint8_t>(1 + i % 251));
  l.view.buf = data.base + static_cast<uint64_t>(-lo);
  l.view.itemsize = itemsize;
  l.view.len = Product(shape) * itemsize;
  l.view.ndim = static_cast<int64_t>(shape.size());
  l.view.format = format;
  if (!shape.empty()) {
    l.view.shape = shape;
    l.view.strides = strides;
  }
  l.memory.AddRegion(std::move(data));
  return l;
}

// The layout with dimension `d` made array-of-arrays (a pointer table, suboffset 0).
gen::Layout IndirectAt(const gen::Layout& l, size_t d) {
  gen::IndirectPlan plan;
  plan.dims = {d};
  plan.suboffsets = {0};
  plan.entry_pitches = {8};
  return gen::MakeIndirect(l, plan);
}

// A contiguous stride disturbed as TinyAlgorithmCases does: 0 kept, 1 doubled, 2 reversed,
// 3 zeroed, 4 moved by one byte.
int64_t Disturbed(int64_t stride, int kind) {
  switch (kind) {
    case 1:
      return stride * 2;
    case 2:
      return -stride;
    case 3:
      return 0;
    case 4:
      return stride + 1;
    default:
      return stride;
  }
}

// What makes two core layouts the same case: shape, strides, suboffsets, itemsize (their memory
// follows from these).
using LayoutKey = std::vector<int64_t>;
LayoutKey KeyOf(const layout::Descriptor& v) {
  LayoutKey key = {v.itemsize, v.ndim, -1};
  for (const auto& field : {v.shape, v.strides, v.suboffsets}) {
    if (field) key.insert(key.end(), field->begin(), field->end());
    key.push_back(-2);
  }
  return key;
}

// The case for one layout in each order, its bytes (from_contiguous's source) distinct.
void AddInEachOrder(const gen::Layout& l, std::set<LayoutKey>& made,
                    std::vector<AlgorithmCase>& out) {
  if (!made.insert(KeyOf(l.view)).second) return;
  for (const char order : {'C', 'F', 'A'}) {
    AlgorithmCase c;
    c.view = l.view;
    c.memory = l.memory;
    c.order = order;
    for (int64_t i = 0; i < c.view.len; ++i) c.bytes.push_back(static_cast<uint8_t>(0x80 + i));
    c.format_text = "B";
    out.push_back(std::move(c));
  }
}

std::vector<AlgorithmCase> MakeCoreLayoutCases() {
  std::vector<AlgorithmCase> out;
  std::set<LayoutKey> made;
  static const std::pair<int64_t, const char*> kItems[] = {
      {1, "B"}, {2, "h"}, {3, "3s"}, {8, "q"}, {12, "3i"}, {16, "Zd"}, {24, "3q"}};
  for (const std::vector<int64_t>& shape : CoreShapes()) {
    const size_t ndim = shape.size();
    for (const auto& [itemsize, format] : kItems) {
      // 3-D layouts with items of 1, 3 and 12 bytes (small, odd, large); the others with all.
      if (ndim == 3 && itemsize != 1 && itemsize != 3 && itemsize != 12) continue;
      for (const char base : {'C', 'F'}) {
        if (base == 'F' && ndim < 2) continue;
        const std::vector<int64_t> contiguous =
            layout::FillContiguousStrides(shape, itemsize, base);
        // Every dimension's stride disturbed alike: kept, doubled, reversed, zeroed, moved by
        // one byte.
        for (int kind = 0; kind <= 4; ++kind) {
          if (kind > 0 && ndim == 0) continue;
          std::vector<int64_t> strides = contiguous;
          for (int64_t& s : strides) s = Disturbed(s, kind);
          AddInEachOrder(Strided(shape, strides, itemsize, format), made, out);
        }
        // 2-D, 1- and 3-byte items: every pair of per-dimension disturbances, an arbitrary
        // stride on an extent-1 dimension among them.
        if (ndim == 2 && (itemsize == 1 || itemsize == 3)) {
          for (int a = 0; a <= 5; ++a) {
            for (int b = 0; b <= 5; ++b) {
              if ((a == 5 && shape[0] != 1) || (b == 5 && shape[1] != 1)) continue;
              std::vector<int64_t> strides = contiguous;
              strides[0] = a == 5 ? 7 * itemsize + 5 : Disturbed(strides[0], a);
              strides[1] = b == 5 ? 7 * itemsize + 5 : Disturbed(strides[1], b);
              AddInEachOrder(Strided(shape, strides, itemsize, format), made, out);
            }
          }
        }
        // 3-D: one dimension disturbed, the others kept.
        if (ndim == 3 && itemsize == 1) {
          for (size_t d = 0; d < 3; ++d) {
            for (int kind = 1; kind <= 4; ++kind) {
              std::vector<int64_t> strides = contiguous;
              strides[d] = Disturbed(strides[d], kind);
              AddInEachOrder(Strided(shape, strides, itemsize, format), made, out);
            }
          }
        }
        // Strides NULL (a PyBUF_ND view: C-contiguous by definition), as consumers receive.
        if (base == 'C' && ndim > 0) {
          gen::Layout l = Strided(shape, contiguous, itemsize, format);
          l.view.strides.reset();
          AddInEachOrder(l, made, out);
        }
        // Suboffsets at each dimension (array-of-arrays there), on C and Fortran strides.
        if (Product(shape) > 0 && (itemsize == 1 || itemsize == 3 || itemsize == 12)) {
          for (size_t d = 0; d < ndim; ++d) {
            AddInEachOrder(IndirectAt(Strided(shape, contiguous, itemsize, format), d), made, out);
          }
        }
      }
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const AlgorithmCase& a, const AlgorithmCase& b) {
    return Elements(a.view) < Elements(b.view);
  });
  return out;
}

std::vector<std::string> MakeCoreFormats() {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto add = [&](const std::string& f) {
    if (seen.insert(f).second) out.push_back(f);
  };
  const std::vector<std::string> codes = gen::CodesOf(format::Dialect::kStruct);
  for (const char mode : kModes) {
    for (const std::string& code : codes) {
      for (const char* count : {"0", "", "2"}) add(Mode(mode) + count + code);
    }
  }
  for (const char mode : kModes) {
    for (const std::string& a : codes) {
      for (const std::string& b : codes) add(Mode(mode) + a + b);
    }
  }
  for (const std::string& a : codes) {
    for (const std::string& b : codes) add("@" + a + "0" + b);
  }
  for (const char* extra :
       {"3x",         "0x",     "5s",        "0s",    "1s",      "5p",
        "0p",         "1p",     "255p",      "c3xi",  "@i3x",    "<h5s",
        "!5pq",       "2i3x",   "q 2i",      "i:a:",  "T{i:a:}", "T{b:a:T{h:b:}xxi:c:}",
        "T{<h:x:3x}", "(2,3)i", "@T{bT{q}}", "2(2)h", "x",       "xxx",
        "@xq",        "=xq",    "ix",        "ix0i"}) {
    add(extra);
  }
  return out;
}

std::vector<AlgorithmCase> MakeCoreFormatCases() {
  std::vector<AlgorithmCase> out;
  // The view does not matter to size_from_format: one byte, 0-d.
  const gen::Layout one = Strided({}, {}, 1, "B");
  for (const std::string& f : CoreFormats()) {
    AlgorithmCase c;
    c.view = one.view;
    c.memory = one.memory;
    c.bytes = {0x80};
    c.format_text = f;
    out.push_back(std::move(c));
  }
  return out;
}

// Distinct items, equal along broadcast (step 0) dimensions (as TinyExporterCases makes them).
void FillItems(ArraySpec& spec) {
  const size_t ndim = spec.shape.size();
  const int64_t count = Product(spec.shape);
  spec.items.resize(static_cast<size_t>(count * spec.itemsize));
  std::vector<int64_t> index(ndim, 0);
  for (int64_t e = 0; e < count; ++e) {
    int64_t source = 0;
    for (size_t d = 0; d < ndim; ++d) {
      const int64_t i = (!spec.steps.empty() && spec.steps[d] == 0) ? 0 : index[d];
      source = source * spec.shape[d] + i;
    }
    for (int64_t b = 0; b < spec.itemsize; ++b) {
      spec.items[static_cast<size_t>(e * spec.itemsize + b)] =
          static_cast<uint8_t>(1 + (source * spec.itemsize + b) % 251);
    }
    for (size_t k = ndim; k-- > 0;) {
      if (++index[k] < spec.shape[k]) break;
      index[k] = 0;
    }
  }
}

std::vector<ExporterCase> MakeCoreExporterCases() {
  std::vector<ExporterCase> out;
  auto add = [&](const std::string& format, int64_t itemsize, const std::vector<int64_t>& shape,
                 uint32_t layout, const std::vector<int64_t>& steps,
                 const std::vector<uint8_t>& indirect) {
    ExporterCase c;
    c.flags = BUFCONF_PYBUF_FULL_RO;
    c.spec.format = format;
    c.spec.itemsize = itemsize;
    c.spec.shape = shape;
    c.spec.layout = layout;
    c.spec.steps = steps;
    c.spec.indirect = indirect;
    FillItems(c.spec);
    out.push_back(std::move(c));
  };
  // Formats: every pep3118 code under every mode, counts 1 and 2, then structs, padding, named
  // fields and sub-arrays: each a writable 2-element array.
  std::vector<std::string> formats;
  for (const char mode : {'\0', '@', '=', '<', '>', '!', '^'}) {
    for (const std::string& code :
         gen::CodesIn(format::Dialect::kPep3118, mode == '\0' ? '@' : mode)) {
      for (const char* count : {"", "2"}) formats.push_back(Mode(mode) + count + code);
    }
  }
  for (const char* extra :
       {"T{b:a:xxxi:b:}", "T{B:x:3x}", "T{<h:a:>i:b:}", "T{b:a:T{h:b:q:c:}:d:}", "@T{bT{q}}",
        "T{i:a:}", "bxh", "@ci", "=ci", "c3xi", "5s", "3p", "(2,3)i", "T{(2)h:a:b:b:}", "2(3)B",
        "Zf", "@Zd", "T{?:x:@e:y:}", "@bq0l"}) {
    formats.push_back(extra);
  }
  std::set<std::string> seen;
  for (const std::string& f : formats) {
    if (!seen.insert(f).second) continue;
    const format::FormatResult r = format::AnalyzeFormat(f, format::Dialect::kPep3118);
    if (!r.ok() || r.layout().itemsize == 0 || r.layout().itemsize > 256) continue;
    add(f, static_cast<int64_t>(r.layout().itemsize), {2}, 0, {}, {});
  }
  // Layouts of 1-byte items: every shape in C and Fortran order; no steps, and steps 2, -1 and
  // 0 on every dimension at once and (2-D) on each alone; direct and array-of-arrays at each
  // dimension (3-D: at dimension 0, with no steps and steps -1 and 2); read-only on every other
  // variant.
  static const int64_t kSteps[] = {2, -1, 0};
  for (const std::vector<int64_t>& shape : CoreShapes()) {
    const size_t ndim = shape.size();
    for (const uint32_t order : {0u, uint32_t{BUFCONF_LAYOUT_FORTRAN}}) {
      if (order != 0 && ndim < 2) continue;
      std::vector<std::vector<int64_t>> step_sets = {{}};
      for (const int64_t step : kSteps) {
        if (ndim == 0 || (ndim == 3 && step == 0)) continue;
        step_sets.push_back(std::vector<int64_t>(ndim, step));
        for (size_t d = 0; ndim == 2 && d < ndim; ++d) {
          std::vector<int64_t> one(ndim, 1);
          one[d] = step;
          step_sets.push_back(one);
        }
      }
      for (size_t v = 0; v < step_sets.size(); ++v) {
        const uint32_t readonly = (v % 2 == 1) ? uint32_t{BUFCONF_LAYOUT_READONLY} : 0u;
        add("B", 1, shape, order | readonly, step_sets[v], {});
        for (size_t d = 0; d < (ndim == 3 ? 1 : ndim); ++d) {
          std::vector<uint8_t> indirect(ndim, 0);
          indirect[d] = 1;
          add("B", 1, shape, order | (readonly ^ BUFCONF_LAYOUT_READONLY), step_sets[v], indirect);
        }
      }
      // Larger items: no steps and reversed steps, up to 2-D and on 3-D shapes of extents 1
      // and 2.
      bool small_3d = ndim == 3;
      for (int64_t e : shape) small_3d = small_3d && (e == 1 || e == 2);
      if (ndim == 3 && !small_3d) continue;
      static const std::pair<int64_t, const char*> kItems[] = {{2, "h"},   {3, "3s"},  {8, "q"},
                                                               {12, "3i"}, {16, "Zd"}, {24, "3q"}};
      for (const auto& [itemsize, format] : kItems) {
        add(format, itemsize, shape, order, {}, {});
        if (ndim > 0) add(format, itemsize, shape, order, std::vector<int64_t>(ndim, -1), {});
      }
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const ExporterCase& a, const ExporterCase& b) {
    return Product(a.spec.shape) < Product(b.spec.shape);
  });
  return out;
}

}  // namespace

const std::vector<std::string>& CoreFormats() {
  static const std::vector<std::string> kFormats = MakeCoreFormats();
  return kFormats;
}

const std::vector<AlgorithmCase>& CoreLayoutCases() {
  static const std::vector<AlgorithmCase> kCases = MakeCoreLayoutCases();
  return kCases;
}

const std::vector<AlgorithmCase>& CoreAlgorithmCases(const std::string& rule) {
  if (rule == "ALGO-SIZE-FROM-FORMAT") {
    static const std::vector<AlgorithmCase> kFormatCases = MakeCoreFormatCases();
    return kFormatCases;
  }
  if (IsConsumerRule(rule)) {
    // Consumers read the layout whatever the case's order: each layout once (its 'C' case).
    // Then many dimensions, which the layout core (ndim <= 3) does not reach: 4, 8, 32, 33 and
    // 64 dimensions of extent 1 but the first two (2 each), C- and Fortran-contiguous and with
    // the first dimension reversed, 1-byte and 8-byte items.
    static const std::vector<AlgorithmCase> kConsumerCases = [] {
      std::vector<AlgorithmCase> out;
      for (const AlgorithmCase& c : CoreLayoutCases()) {
        if (c.order == 'C') out.push_back(c);
      }
      for (const int64_t ndim : {4, 8, 32, 33, 64}) {
        for (const auto& [itemsize, format] :
             {std::pair<int64_t, const char*>{1, "B"}, std::pair<int64_t, const char*>{8, "q"}}) {
          std::vector<int64_t> shape(static_cast<size_t>(ndim), 1);
          shape[0] = shape[1] = 2;
          for (int kind = 0; kind < 3; ++kind) {
            std::vector<int64_t> strides =
                layout::FillContiguousStrides(shape, itemsize, kind == 1 ? 'F' : 'C');
            if (kind == 2) strides[0] = -strides[0];
            const gen::Layout l = Strided(shape, strides, itemsize, format);
            AlgorithmCase c;
            c.view = l.view;
            c.memory = l.memory;
            c.order = 'C';
            for (int64_t i = 0; i < c.view.len; ++i) {
              c.bytes.push_back(static_cast<uint8_t>(0x80 + i));
            }
            c.format_text = "B";
            out.push_back(std::move(c));
          }
        }
      }
      return out;
    }();
    return kConsumerCases;
  }
  return CoreLayoutCases();
}

std::string CoreNote(const std::string& rule, size_t index) {
  return nlohmann::ordered_json({{"core", rule}, {"index", index}}).dump();
}

nlohmann::ordered_json ResolveCoreNote(const nlohmann::json& note) {
  if (!note.is_object() || !note.contains("core") || !note["core"].is_string() ||
      !note.contains("index") || !note["index"].is_number_unsigned()) {
    return note;
  }
  const std::string rule = note["core"].get<std::string>();
  const size_t index = note["index"].get<size_t>();
  if (rule == "exporter") {
    const std::vector<ExporterCase>& cases = CoreExporterCases();
    return index < cases.size() ? ToJson(cases[index]) : nlohmann::ordered_json();
  }
  const std::vector<AlgorithmCase>& cases = CoreAlgorithmCases(rule);
  return index < cases.size() ? ToJson(cases[index]) : nlohmann::ordered_json();
}

const std::vector<ExporterCase>& CoreExporterCases() {
  static const std::vector<ExporterCase> kCases = MakeCoreExporterCases();
  return kCases;
}

}  // namespace bufconf::suite
