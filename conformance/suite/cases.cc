#include "conformance/suite/cases.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <set>
#include <stdexcept>
#include <type_traits>

#include "conformance/generators/format_gen.h"
#include "conformance/generators/layout_gen.h"
#include "conformance/generators/weighted.h"
#include "reference/format/layout.h"
#include "reference/format/printer.h"
#include "reference/layout/addressing.h"
#include "reference/layout/descriptor_json.h"

namespace bufconf::suite {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

std::string Hex(const std::vector<uint8_t>& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

// The codec's readers: each takes exactly one JSON type, and an error names the field by its
// path inside the case ("spec.shape[2]"), never a raw nlohmann exception.
[[noreturn]] void Fail(const std::string& field, const std::string& message) {
  throw std::runtime_error(field + ": " + message);
}

const json& Member(const json& j, const char* name) {
  const auto it = j.find(name);
  if (it == j.end()) Fail(name, "missing");
  return *it;
}

// An object (a case, a spec): anything else is an error naming it.
void ExpectObject(const json& j, const std::string& field) {
  if (!j.is_object()) Fail(field, std::string("expected an object, found ") + j.type_name());
}

std::vector<uint8_t> Unhex(const json& j, const std::string& field) {
  if (!j.is_string()) Fail(field, std::string("expected a hex string, found ") + j.type_name());
  const std::string& s = j.get_ref<const std::string&>();
  if (s.size() % 2 != 0) Fail(field, "odd-length hex");
  std::vector<uint8_t> out;
  auto digit = [&](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    Fail(field, "bad hex digit");
  };
  for (size_t i = 0; i < s.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(digit(s[i]) << 4 | digit(s[i + 1])));
  }
  return out;
}

std::string String(const json& j, const std::string& field) {
  if (!j.is_string()) Fail(field, std::string("expected a string, found ") + j.type_name());
  return j.get<std::string>();
}

bool Bool(const json& j, const std::string& field) {
  if (!j.is_boolean()) Fail(field, std::string("expected true or false, found ") + j.type_name());
  return j.get<bool>();
}

// A JSON integer that fits T; a float (even 1.0), a boolean, a string or null is an error, and so
// is an integer outside T's range (nlohmann's get<T>() would convert a float out of range with
// undefined behaviour, and wrap an integer out of range).
template <typename T>
T Integer(const json& j, const std::string& field) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  const auto range = [] {
    return " is out of range for this field (" + std::to_string(std::numeric_limits<T>::min()) +
           ".." + std::to_string(std::numeric_limits<T>::max()) + ")";
  };
  // nlohmann's is_number_integer() is true for unsigned values too: test unsigned first.
  if (j.is_number_unsigned()) {
    const uint64_t v = j.get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<T>::max())) Fail(field, j.dump() + range());
    return static_cast<T>(v);
  }
  if (j.is_number_integer()) {
    const int64_t v = j.get<int64_t>();
    if constexpr (std::is_unsigned_v<T>) {
      if (v < 0 || static_cast<uint64_t>(v) > std::numeric_limits<T>::max()) {
        Fail(field, j.dump() + range());
      }
    } else {
      if (v < std::numeric_limits<T>::min() || v > std::numeric_limits<T>::max()) {
        Fail(field, j.dump() + range());
      }
    }
    return static_cast<T>(v);
  }
  if (j.is_number_float()) {
    // JSON integers beyond 64 bits parse as floats: said to be out of range.
    const double d = j.get<double>();
    if (std::isfinite(d) && std::trunc(d) == d && std::fabs(d) >= 0x1p63) {
      Fail(field, j.dump() + range());
    }
    Fail(field, "expected an integer, found the floating-point number " + j.dump() +
                    " (write integers without '.' or 'e')");
  }
  Fail(field, std::string("expected an integer, found ") + j.type_name());
}

template <typename T>
std::vector<T> IntegerArray(const json& j, const std::string& field) {
  if (!j.is_array()) Fail(field, std::string("expected an array, found ") + j.type_name());
  std::vector<T> out;
  out.reserve(j.size());
  for (size_t i = 0; i < j.size(); ++i) {
    out.push_back(Integer<T>(j[i], field + "[" + std::to_string(i) + "]"));
  }
  return out;
}

int64_t Product(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

// A choice among [lo, hi), uniform whatever the RapidCheck size, shrinking towards lo. (A plain
// rc::gen::inRange is size-scaled: the first cases of a run, drawn at small sizes, would all take
// the plainest option — C order, writable, no steps, direct, 0-d — and a fault that needs any
// other layout would go unseen for dozens of cases.)
template <typename T>
T Choice(T lo, T hi) {
  return *rc::gen::resize(100, rc::gen::inRange<T>(lo, hi));
}

// A contiguous stride disturbed: 0 kept, 1 doubled, 2 reversed, 3 zeroed, 4 moved by one byte,
// 5 arbitrary (7 * itemsize + 5) on an extent-1 dimension, else tripled.
int64_t DisturbedStride(int64_t stride, int kind, int64_t extent, int64_t itemsize) {
  switch (kind) {
    case 0:
      return stride;
    case 1:
      return stride * 2;
    case 2:
      return -stride;
    case 3:
      return 0;
    case 4:
      return stride + 1;
    default:
      return extent <= 1 ? 7 * itemsize + 5 : stride * 3;
  }
}

// One dimension of an edge layout: its extent and how its contiguous stride is disturbed (0:
// not; doubled, reversed, zero, off by one byte, or arbitrary).
struct EdgeDim {
  int64_t extent = 1;
  int disturbance = 0;
};

rc::Gen<EdgeDim> GenEdgeDim() {
  return rc::gen::exec([] {
    EdgeDim d;
    d.extent = *gen::WeightedElement<int64_t>({{2, 1}, {2, 0}, {4, 2}, {2, 3}});
    d.disturbance = *gen::WeightedElement<int>({{7, 0}, {1, 1}, {1, 2}, {1, 3}, {1, 4}, {1, 5}});
    return d;
  });
}

// A contiguous layout (C or Fortran order) of a small edge shape (extents 0, 1, 2, 3, ndim 0..4,
// mostly 1-D or 2-D), each dimension's stride disturbed five times in twelve: doubled, reversed,
// zero, off by one byte, or arbitrary on an extent-1 dimension (numpy's
// NPY_RELAXED_STRIDES_DEBUG). These are the layouts whose contiguity, physical order and 'A'
// handling algorithms most often get wrong.
gen::Layout EdgeLayout() {
  // Items of 0 bytes too (len 0 whatever the shape: "empty" is len == 0, not a zero extent).
  const auto item = *gen::WeightedElement<std::pair<int64_t, const char*>>(
      {{4, {1, "B"}}, {3, {2, "h"}}, {3, {4, "i"}}, {3, {8, "q"}}, {3, {3, "3s"}}, {2, {0, "0s"}}});
  // The dimensions are one pick (extent and disturbance together), so a shrink drops a whole
  // dimension and keeps the others as they were. Now and then many dimensions (up to
  // PyBUF_MAX_NDIM), all but the first three of extent 1 (their strides still disturbed).
  const std::vector<EdgeDim> dims = *gen::WeightedLengthVector<EdgeDim>(
      {{2, 0}, {7, 1}, {12, 2}, {6, 3}, {2, 4}, {1, 9}, {1, 64}}, GenEdgeDim());
  const int ndim = static_cast<int>(dims.size());
  std::vector<int64_t> shape;
  for (size_t d = 0; d < dims.size(); ++d) {
    shape.push_back(ndim > 4 && d >= 3 ? std::min<int64_t>(dims[d].extent, 1) : dims[d].extent);
  }
  const char order = *rc::gen::element('C', 'F');
  // 0-byte items: the strides of 1-byte items, disturbed alike (any strides are legal for them,
  // and "empty" must come from len == 0, not from the strides).
  std::vector<int64_t> strides =
      layout::FillContiguousStrides(shape, std::max<int64_t>(item.first, 1), order);
  // One layout in three is left exactly C- or Fortran-contiguous (where fast paths live).
  const bool disturbed = Choice(0, 3) != 0;
  for (size_t d = 0; disturbed && d < dims.size(); ++d) {
    strides[d] = DisturbedStride(strides[d], dims[d].disturbance, shape[d], item.first);
  }
  int64_t lo = 0, hi = 0;
  const int64_t count = Product(shape);
  if (count > 0) {
    for (int i = 0; i < ndim; ++i) {
      const int64_t reach = strides[static_cast<size_t>(i)] * (shape[static_cast<size_t>(i)] - 1);
      (reach < 0 ? lo : hi) += reach;
    }
    hi += item.first;
  }
  const int64_t head = Choice<int64_t>(0, 9);
  gen::Layout out;
  layout::Region data;
  data.base = 0x10000;
  data.name = "data";
  data.bytes = *gen::RandomBytes(static_cast<size_t>(hi - lo + head + Choice<int64_t>(0, 9)));
  layout::Descriptor& v = out.view;
  v.buf = data.base + static_cast<uint64_t>(head - lo);
  v.itemsize = item.first;
  v.len = count * item.first;
  v.readonly = Choice(0, 2);
  v.ndim = ndim;
  v.format = std::string(item.second);
  if (ndim > 0) {
    v.shape = shape;
    v.strides = strides;
  }
  out.memory.AddRegion(std::move(data));
  return out;
}

}  // namespace

bufconf_array_spec ArraySpec::Abi() const {
  abi_shape_.assign(shape.begin(), shape.end());
  abi_steps_.assign(steps.begin(), steps.end());
  bufconf_array_spec s{};
  s.format = format.c_str();
  s.itemsize = itemsize;
  s.ndim = static_cast<int>(shape.size());
  s.shape = abi_shape_.empty() ? nullptr : abi_shape_.data();
  s.items = items.data();
  s.layout = layout;
  s.steps = abi_steps_.empty() ? nullptr : abi_steps_.data();
  s.indirect = indirect.empty() ? nullptr : indirect.data();
  return s;
}

ordered_json ToJson(const ArraySpec& s) {
  ordered_json j;
  j["format"] = s.format;
  j["itemsize"] = s.itemsize;
  j["shape"] = s.shape;
  j["items"] = Hex(s.items);
  j["fortran"] = (s.layout & BUFCONF_LAYOUT_FORTRAN) != 0;
  j["readonly"] = (s.layout & BUFCONF_LAYOUT_READONLY) != 0;
  j["steps"] = s.steps.empty() ? ordered_json(nullptr) : ordered_json(s.steps);
  j["indirect"] = s.indirect.empty() ? ordered_json(nullptr) : ordered_json(s.indirect);
  return j;
}

ArraySpec ArraySpecFromJson(const json& j) {
  ExpectObject(j, "spec");
  ArraySpec s;
  s.format = String(Member(j, "format"), "format");
  s.itemsize = Integer<int64_t>(Member(j, "itemsize"), "itemsize");
  s.shape = IntegerArray<int64_t>(Member(j, "shape"), "shape");
  s.items = Unhex(Member(j, "items"), "items");
  if (Bool(Member(j, "fortran"), "fortran")) s.layout |= BUFCONF_LAYOUT_FORTRAN;
  if (Bool(Member(j, "readonly"), "readonly")) s.layout |= BUFCONF_LAYOUT_READONLY;
  if (j.contains("steps") && !j["steps"].is_null()) {
    s.steps = IntegerArray<int64_t>(j["steps"], "steps");
  }
  if (j.contains("indirect") && !j["indirect"].is_null()) {
    s.indirect = IntegerArray<uint8_t>(j["indirect"], "indirect");
  }
  if (s.shape.size() > 64) throw std::runtime_error("shape: more than 64 dimensions");
  for (int64_t d : s.shape) {
    if (d < 0 || d > (1 << 20)) throw std::runtime_error("shape: extent out of range");
  }
  if (s.itemsize < 0 || s.itemsize > (1 << 20)) throw std::runtime_error("itemsize: out of range");
  // product(shape) * itemsize, overflow-checked (64 extents of up to 2^20 each overflow int64_t).
  int64_t bytes = s.itemsize;
  for (int64_t d : s.shape) {
    if (__builtin_mul_overflow(bytes, d, &bytes)) {
      throw std::runtime_error("shape: product(shape) * itemsize overflows 64 bits");
    }
  }
  if (static_cast<int64_t>(s.items.size()) != bytes) {
    throw std::runtime_error("items: not product(shape) * itemsize bytes");
  }
  if (!s.steps.empty() && s.steps.size() != s.shape.size()) {
    throw std::runtime_error("steps: not one per dimension");
  }
  if (!s.indirect.empty() && s.indirect.size() != s.shape.size()) {
    throw std::runtime_error("indirect: not one per dimension");
  }
  return s;
}

ordered_json ToJson(const ExporterCase& c) {
  return {{"kind", "exporter"}, {"flags", c.flags}, {"spec", ToJson(c.spec)}};
}

ExporterCase ExporterCaseFromJson(const json& j) {
  ExpectObject(j, "(case)");
  ExporterCase c;
  c.flags = Integer<int>(Member(j, "flags"), "flags");
  const json& spec = Member(j, "spec");
  try {
    c.spec = ArraySpecFromJson(spec);
  } catch (const std::runtime_error& e) {
    // The spec's fields by their path in the case: "spec.itemsize".
    const std::string what = e.what();
    throw std::runtime_error(what.rfind("spec: ", 0) == 0 ? what : "spec." + what);
  }
  return c;
}

ordered_json ToJson(const EnumeratedCase& c) {
  return {{"kind", "enumerated"},
          {"index", c.index},
          {"flags", c.flags},
          {"description", c.description}};
}

EnumeratedCase EnumeratedCaseFromJson(const json& j) {
  ExpectObject(j, "(case)");
  EnumeratedCase c;
  c.index = Integer<size_t>(Member(j, "index"), "index");
  c.flags = Integer<int>(Member(j, "flags"), "flags");
  if (j.contains("description") && !j["description"].is_null()) {
    c.description = String(j["description"], "description");
  }
  return c;
}

ordered_json ToJson(const AlgorithmCase& c) {
  ordered_json j = {{"kind", "algorithm"},
                    {"order", std::string(1, c.order)},
                    {"bytes", Hex(c.bytes)},
                    {"format_text", c.format_text},
                    {"view", layout::DescriptorToJson(c.view, &c.memory)}};
  if (c.dest) j["dest"] = layout::DescriptorToJson(*c.dest, &c.dest_memory);
  return j;
}

AlgorithmCase AlgorithmCaseFromJson(const json& j) {
  ExpectObject(j, "(case)");
  AlgorithmCase c;
  const std::string order = String(Member(j, "order"), "order");
  if (order.size() != 1) throw std::runtime_error("order: expected one character");
  c.order = order[0];
  c.bytes = Unhex(Member(j, "bytes"), "bytes");
  c.format_text = String(Member(j, "format_text"), "format_text");
  // The descriptors' fields by their path in the case: "view.shape[1]", "dest.memory[0].base".
  const auto descriptor = [](const json& d, const char* name) {
    try {
      return layout::DescriptorFromJson(d);
    } catch (const layout::DescriptorJsonError& e) {
      const std::string& f = e.field();
      const std::string message = std::string(e.what()).substr(f.size() + 2);
      Fail(std::string(name) + (f == "(top)" ? "" : f[0] == '[' ? f : "." + f), message);
    }
  };
  layout::DescriptorFile file = descriptor(Member(j, "view"), "view");
  c.view = file.view;
  if (file.memory) c.memory = *file.memory;
  if (j.contains("dest") && !j["dest"].is_null()) {
    layout::DescriptorFile dest = descriptor(j["dest"], "dest");
    if (!dest.memory) throw std::runtime_error("dest.memory: missing");
    c.dest = dest.view;
    c.dest_memory = *dest.memory;
  }
  return c;
}

// One dimension of a generated spec: its extent, its slice step (used when the spec has steps)
// and whether it is an array-of-arrays dimension (when the spec has any).
struct SpecDim {
  int64_t extent = 1;
  int64_t step = 1;
  uint8_t indirect = 0;
};

rc::Gen<SpecDim> GenSpecDim() {
  return rc::gen::exec([] {
    SpecDim d;
    // Mostly short (1..4), sometimes longer rows (5..17: unrolled loops have tails), now and
    // then a long one (64..300; the spec's element budget keeps the rest small).
    d.extent = *gen::WeightedOneOf<int64_t>(
        {{12, rc::gen::resize(100, rc::gen::inRange<int64_t>(1, 5))},
         {3, rc::gen::just<int64_t>(0)},
         {6, rc::gen::just<int64_t>(1)},
         {3, rc::gen::resize(100, rc::gen::inRange<int64_t>(5, 18))},
         {1, rc::gen::resize(100, rc::gen::inRange<int64_t>(64, 301))}});
    d.step = *gen::WeightedOneOf<int64_t>({{3, rc::gen::just<int64_t>(1)},
                                           {4, rc::gen::element<int64_t>(-1, 2, -2, 3)},
                                           {1, rc::gen::element<int64_t>(-3, 4, 5, -5)},
                                           {1, rc::gen::just<int64_t>(0)}});
    d.indirect = Choice(0, 3) == 2 ? 1 : 0;
    return d;
  });
}

rc::Gen<ArraySpec> GenArraySpec() {
  return rc::gen::exec([] {
    ArraySpec s;
    // The item: mostly plain codes, sometimes any format of the pep3118 dialect.
    const int kind = Choice(0, 10);
    if (kind < 7) {
      static const std::vector<std::pair<const char*, int64_t>> kItems = {
          {"B", 1},
          {"b", 1},
          {"h", 2},
          {"i", 4},
          {"q", 8},
          {"d", 8},
          {"3s", 3},
          {"?", 1},
          {"<H", 2},
          {">i", 4},
          {"Zd", 16},
          {"e", 2},
          {"f", 4},
          {"T{b:a:xxxi:b:}", 8},
          {"0s", 0},
          // native 8-byte longs, and a struct with trailing padding (numpy's void items)
          {"l", 8},
          {"Q", 8},
          {"T{B:x:3x}", 4}};
      const auto item = *rc::gen::elementOf(kItems);
      s.format = item.first;
      s.itemsize = item.second;
    } else {
      gen::FormatGenOptions options;
      options.max_depth = 2;
      options.max_items = 3;
      options.max_count = 3;
      const format::Seq seq = *gen::FormatSyntax(format::Dialect::kPep3118, options);
      const format::Layout layout = format::ComputeLayout(seq, format::Dialect::kPep3118);
      RC_PRE(layout.itemsize <= 256);
      s.format = format::Print(seq);
      s.itemsize = static_cast<int64_t>(layout.itemsize);
    }
    // Every choice shrinks towards the plain case: C order, writable, no steps, direct.
    if (Choice(0, 3) == 2) s.layout |= BUFCONF_LAYOUT_FORTRAN;
    if (Choice(0, 3) == 2) s.layout |= BUFCONF_LAYOUT_READONLY;
    const bool with_steps = Choice(0, 3) >= 1;
    const bool with_indirect = Choice(0, 4) == 3;
    // ndim 0..4 mostly, 5..8 rarely, 64 (PyBUF_MAX_NDIM) as rarely. Each dimension (extent, step,
    // array-of-arrays or not) is drawn together, and the dimensions are one pick: a shrink drops
    // a whole dimension and keeps the others as they were.
    std::vector<std::pair<size_t, size_t>> lengths;
    for (size_t d = 0; d <= 4; ++d) lengths.push_back({24, d});
    for (size_t d = 5; d <= 8; ++d) lengths.push_back({3, d});
    lengths.push_back({12, 64});
    const std::vector<SpecDim> dims = *gen::WeightedLengthVector<SpecDim>(lengths, GenSpecDim());
    const int ndim = static_cast<int>(dims.size());
    // The caps (kMaxSpecElements, kMaxSpecParent) count a 0 extent as 1: the extents after it
    // still size the parent array the steps slice and its pointer tables, which the adapter
    // allocates even though the array holds no element.
    int64_t elements = 1, span = 1, parent = 1;
    for (const SpecDim& dim : dims) {
      int64_t extent = dim.extent;
      const int64_t step = with_steps ? dim.step : 1;
      const int64_t reach = std::max<int64_t>(extent, 1);
      const int64_t based = extent == 0 || step == 0 ? 1 : (extent - 1) * std::abs(step) + 1;
      if (ndim > 8 || span * reach > kMaxSpecElements || parent * based > kMaxSpecParent) {
        extent = 1;
      }
      elements *= extent;
      span *= std::max<int64_t>(extent, 1);
      parent *= extent == 0 || step == 0 ? 1 : (extent - 1) * std::abs(step) + 1;
      s.shape.push_back(extent);
      if (with_steps) s.steps.push_back(dim.step);
      if (with_indirect && ndim <= 8) s.indirect.push_back(dim.indirect);
    }
    // Items: random bytes, equal along broadcast (step 0) dimensions.
    const size_t itemsize = static_cast<size_t>(s.itemsize);
    const std::vector<uint8_t> pool = *gen::RandomBytes(static_cast<size_t>(elements) * itemsize);
    s.items.resize(pool.size());
    std::vector<int64_t> index(s.shape.size(), 0);
    for (int64_t e = 0; e < elements; ++e) {
      // The source element: the same index with every broadcast dimension set to 0.
      int64_t source = 0;
      for (size_t d = 0; d < s.shape.size(); ++d) {
        const int64_t i = (!s.steps.empty() && s.steps[d] == 0) ? 0 : index[d];
        source = source * s.shape[d] + i;
      }
      std::copy(pool.begin() + source * s.itemsize, pool.begin() + (source + 1) * s.itemsize,
                s.items.begin() + e * s.itemsize);
      for (size_t k = s.shape.size(); k-- > 0;) {
        if (++index[k] < s.shape[k]) break;
        index[k] = 0;
      }
    }
    return s;
  });
}

// Request flags: gen::RequestFlags() (named requests, combinations, illegal bits), and as often
// the requests whose verdict depends on the layout — each contiguity request, STRIDES, ND and
// SIMPLE (STRIDES needed?), INDIRECT and STRIDES without it (INDIRECT needed?), with or without
// WRITABLE and FORMAT — and the exact illegal values PyBUF_READ and PyBUF_WRITE.
rc::Gen<int> GenFlags() {
  static const std::vector<int> kBoundary = {
      BUFCONF_PYBUF_C_CONTIGUOUS, BUFCONF_PYBUF_F_CONTIGUOUS, BUFCONF_PYBUF_ANY_CONTIGUOUS,
      BUFCONF_PYBUF_STRIDES,      BUFCONF_PYBUF_ND,           BUFCONF_PYBUF_SIMPLE,
      BUFCONF_PYBUF_INDIRECT};
  return gen::WeightedOneOf<int>({{3, gen::RequestFlags()},
                                  {3, rc::gen::exec([] {
                                     return *rc::gen::elementOf(kBoundary) |
                                            *rc::gen::element(
                                                0, BUFCONF_PYBUF_WRITABLE, BUFCONF_PYBUF_FORMAT,
                                                BUFCONF_PYBUF_WRITABLE | BUFCONF_PYBUF_FORMAT);
                                   })},
                                  {1, rc::gen::element(0x100, 0x200)}});
}

rc::Gen<ExporterCase> GenExporterCase() {
  return rc::gen::exec([] {
    ExporterCase c;
    c.spec = *GenArraySpec();
    c.flags = *GenFlags();
    return c;
  });
}

rc::Gen<AlgorithmCase> GenAlgorithmCase() {
  return rc::gen::exec([] {
    AlgorithmCase c;
    // Strided layouts of every kind (two thirds of them made array-of-arrays), and more often
    // contiguous edge layouts (EdgeLayout).
    gen::Layout l;
    if (Choice(0, 4) == 3) {
      l = *gen::StridedLayout();
      if (Choice(0, 3) != 0) l = *gen::ArrayOfArrays(l);
    } else {
      l = EdgeLayout();
    }
    c.view = l.view;
    c.memory = l.memory;
    c.order = *rc::gen::element('C', 'F', 'A');
    // Sometimes more bytes than view.len for from_contiguous (CPython clamps len).
    const size_t extra = Choice(0, 4) == 3 ? Choice<size_t>(1, 17) : 0;
    c.bytes = *gen::RandomBytes(static_cast<size_t>(c.view.len) + extra);
    c.format_text =
        *gen::WeightedOneOf<std::string>({{2, gen::FormatText(format::Dialect::kStruct)},
                                          {2, gen::FormatNearMiss(format::Dialect::kStruct)},
                                          {1, gen::FormatSoup(/*ascii_printable_only=*/true)}});
    // One case in two also copies into a destination of its own (copy_data): any layout of the
    // source's shape, array-of-arrays, read-only, or one element row short.
    if (Choice(0, 2) == 1) {
      const layout::FullView full = layout::Expand(c.view);
      std::vector<int64_t> shape = full.shape;
      const bool smaller = Choice(0, 4) == 3 && c.view.len > 0 && !shape.empty();
      if (smaller) shape[0] -= 1;
      gen::LayoutGenOptions options;
      options.max_elements = 1 << 20;
      gen::Layout d = *gen::StridedLayoutOfShape(shape, c.view.itemsize, c.view.format, options);
      if (!smaller && !shape.empty() && Choice(0, 2) == 1) d = *gen::ArrayOfArrays(d);
      d.view.readonly = Choice(0, 5) == 4 ? 1 : 0;
      // Only destinations whose elements share no byte: CPython writes an overlapping one in a
      // rotated C order (it advances the index before each copy), which the C-API leaves
      // undefined, so such destinations are not sent.
      std::vector<uint64_t> at = layout::ElementAddresses(layout::Expand(d.view), d.memory, 'C');
      std::sort(at.begin(), at.end());
      bool unique = true;
      for (size_t i = 1; i < at.size(); ++i) {
        unique = unique && at[i] - at[i - 1] >= static_cast<uint64_t>(d.view.itemsize);
      }
      if (unique) {
        c.dest = d.view;
        c.dest_memory = d.memory;
      }
    }
    return c;
  });
}

namespace {

// Every shape with ndim <= 3, extents 0..3 and at most `max_elements` elements.
void TinyShapes(int64_t max_elements, std::vector<int64_t>& shape,
                std::vector<std::vector<int64_t>>& out) {
  out.push_back(shape);
  if (shape.size() == 3) return;
  for (int64_t extent = 0; extent <= 3; ++extent) {
    shape.push_back(extent);
    if (Product(shape) <= max_elements) TinyShapes(max_elements, shape, out);
    shape.pop_back();
  }
}

}  // namespace

std::vector<AlgorithmCase> TinyAlgorithmCases(int64_t max_elements,
                                              const std::string& format_text) {
  std::vector<std::vector<int64_t>> shapes;
  std::vector<int64_t> empty;
  TinyShapes(std::max<int64_t>(max_elements, 0), empty, shapes);
  std::stable_sort(shapes.begin(), shapes.end(), [](const auto& a, const auto& b) {
    const int64_t na = Product(a), nb = Product(b);
    return na != nb ? na < nb : a.size() < b.size();
  });
  std::vector<AlgorithmCase> out;
  std::set<std::string> made;
  for (const std::vector<int64_t>& shape : shapes) {
    const size_t ndim = shape.size();
    std::set<std::vector<int64_t>> seen;  // strides + itemsize already made for this shape
    // Stride variants per dimension: all six up to 2-D; kept, doubled or reversed in 3-D; kept
    // or doubled in an empty view (whose strides constrain nothing).
    const size_t per_dim = Product(shape) == 0 ? 2 : ndim == 3 ? 3 : 6;
    size_t variants = 1;
    for (size_t d = 0; d < ndim; ++d) variants *= per_dim;
    for (const int64_t itemsize : {int64_t{1}, int64_t{2}, int64_t{3}}) {
      for (const char base : {'C', 'F'}) {
        if (base == 'F' && ndim < 2) continue;  // the same strides as C
        const std::vector<int64_t> contiguous =
            layout::FillContiguousStrides(shape, itemsize, base);
        for (size_t v = 0; v < variants; ++v) {
          std::vector<int64_t> strides = contiguous;
          size_t code = v;
          bool skip = false;
          for (size_t d = 0; d < ndim; ++d, code /= per_dim) {
            const int kind = static_cast<int>(code % per_dim);
            // Arbitrary strides matter only where the extent is 1.
            if (kind == 5 && shape[d] != 1) skip = true;
            strides[d] = DisturbedStride(strides[d], kind, shape[d], itemsize);
          }
          if (skip) continue;
          // C and Fortran strides coincide on some shapes (and disturbed ones may): once each.
          std::vector<int64_t> key = strides;
          key.push_back(itemsize);
          if (!seen.insert(key).second) continue;
          gen::Layout l;
          int64_t lo = 0, hi = 0;
          if (Product(shape) > 0) {
            for (size_t d = 0; d < ndim; ++d) {
              const int64_t reach = strides[d] * (shape[d] - 1);
              (reach < 0 ? lo : hi) += reach;
            }
            hi += itemsize;
          }
          layout::Region data;
          data.base = 0x10000;
          data.name = "data";
          for (int64_t i = 0; i < hi - lo; ++i) data.bytes.push_back(static_cast<uint8_t>(i + 1));
          l.view.buf = data.base + static_cast<uint64_t>(-lo);
          l.view.itemsize = itemsize;
          l.view.len = Product(shape) * itemsize;
          l.view.ndim = static_cast<int64_t>(ndim);
          l.view.format = itemsize == 1 ? "B" : itemsize == 2 ? "h" : "3s";
          if (ndim > 0) {
            l.view.shape = shape;
            l.view.strides = strides;
          }
          l.memory.AddRegion(std::move(data));
          std::vector<gen::Layout> layouts = {l};
          if (ndim > 0 && Product(shape) > 0) {
            gen::IndirectPlan plan;
            plan.dims = {0};
            plan.suboffsets = {0};
            plan.entry_pitches = {8};
            layouts.push_back(gen::MakeIndirect(l, plan));
          }
          for (const gen::Layout& each : layouts) {
            for (const char order : {'C', 'F', 'A'}) {
              AlgorithmCase c;
              c.view = each.view;
              c.memory = each.memory;
              c.order = order;
              for (int64_t i = 0; i < c.view.len; ++i) {
                c.bytes.push_back(static_cast<uint8_t>(0x80 + i));
              }
              c.format_text = format_text;
              // An array-of-arrays dimension 0 replaces its stride: variants may coincide.
              if (!made.insert(ToJson(c).dump()).second) continue;
              out.push_back(std::move(c));
            }
          }
        }
      }
    }
  }
  return out;
}

std::vector<ExporterCase> TinyExporterCases(const ExporterCase& like, int64_t max_elements) {
  std::vector<std::vector<int64_t>> shapes;
  std::vector<int64_t> empty;
  TinyShapes(std::max<int64_t>(max_elements, 0), empty, shapes);
  std::stable_sort(shapes.begin(), shapes.end(), [](const auto& a, const auto& b) {
    const int64_t na = Product(a), nb = Product(b);
    return na != nb ? na < nb : a.size() < b.size();
  });
  static const int64_t kSteps[] = {1, 2, -1, 0};
  std::vector<ExporterCase> out;
  for (const std::vector<int64_t>& shape : shapes) {
    const size_t ndim = shape.size();
    const size_t per_dim = ndim == 3 ? 2 : 4;
    size_t step_variants = 1;
    for (size_t d = 0; d < ndim; ++d) step_variants *= per_dim;
    for (const uint32_t order : {0u, uint32_t{BUFCONF_LAYOUT_FORTRAN}}) {
      if (order != 0 && ndim < 2) continue;
      for (const uint32_t readonly : {0u, uint32_t{BUFCONF_LAYOUT_READONLY}}) {
        // Variant 0: no steps at all (NULL); then every combination of per-dimension steps.
        for (size_t v = 0; v <= (ndim > 0 ? step_variants : 0); ++v) {
          for (const bool indirect : {false, true}) {
            if (indirect && ndim == 0) continue;
            ExporterCase c;
            c.flags = like.flags;
            ArraySpec& spec = c.spec;
            spec.format = like.spec.format;
            spec.itemsize = like.spec.itemsize;
            spec.shape = shape;
            spec.layout = order | readonly;
            if (v > 0) {
              size_t code = v - 1;
              for (size_t d = 0; d < ndim; ++d, code /= per_dim) {
                spec.steps.push_back(kSteps[code % per_dim]);
              }
            }
            if (indirect) {
              spec.indirect.assign(ndim, 0);
              spec.indirect[0] = 1;
            }
            // Distinct items, equal along broadcast (step 0) dimensions.
            const int64_t count = Product(shape);
            spec.items.resize(static_cast<size_t>(count * spec.itemsize));
            std::vector<int64_t> index(ndim, 0);
            for (int64_t e = 0; e < count; ++e) {
              int64_t source = 0;
              for (size_t d = 0; d < ndim; ++d) {
                const int64_t i = (!spec.steps.empty() && spec.steps[d] == 0) ? 0 : index[d];
                source = source * shape[d] + i;
              }
              for (int64_t b = 0; b < spec.itemsize; ++b) {
                spec.items[static_cast<size_t>(e * spec.itemsize + b)] =
                    static_cast<uint8_t>(1 + source * spec.itemsize + b);
              }
              for (size_t k = ndim; k-- > 0;) {
                if (++index[k] < shape[k]) break;
                index[k] = 0;
              }
            }
            out.push_back(std::move(c));
          }
        }
      }
    }
  }
  return out;
}

}  // namespace bufconf::suite
