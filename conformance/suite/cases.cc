#include "conformance/suite/cases.h"

#include <stdexcept>

#include "conformance/generators/format_gen.h"
#include "conformance/generators/layout_gen.h"
#include "reference/format/layout.h"
#include "reference/format/printer.h"
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

std::vector<uint8_t> Unhex(const json& j, const char* field) {
  if (!j.is_string()) throw std::runtime_error(std::string(field) + ": expected a hex string");
  const std::string s = j.get<std::string>();
  if (s.size() % 2 != 0) throw std::runtime_error(std::string(field) + ": odd-length hex");
  std::vector<uint8_t> out;
  auto digit = [&](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    throw std::runtime_error(std::string(field) + ": bad hex digit");
  };
  for (size_t i = 0; i < s.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(digit(s[i]) << 4 | digit(s[i + 1])));
  }
  return out;
}

template <typename T>
T Get(const json& j, const char* field) {
  if (!j.contains(field)) throw std::runtime_error(std::string(field) + ": missing");
  try {
    return j.at(field).get<T>();
  } catch (const json::exception& e) {
    throw std::runtime_error(std::string(field) + ": " + e.what());
  }
}

int64_t Product(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
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
  ArraySpec s;
  s.format = Get<std::string>(j, "format");
  s.itemsize = Get<int64_t>(j, "itemsize");
  s.shape = Get<std::vector<int64_t>>(j, "shape");
  s.items = Unhex(j.at("items"), "items");
  if (Get<bool>(j, "fortran")) s.layout |= BUFCONF_LAYOUT_FORTRAN;
  if (Get<bool>(j, "readonly")) s.layout |= BUFCONF_LAYOUT_READONLY;
  if (j.contains("steps") && !j["steps"].is_null()) s.steps = Get<std::vector<int64_t>>(j, "steps");
  if (j.contains("indirect") && !j["indirect"].is_null()) {
    s.indirect = Get<std::vector<uint8_t>>(j, "indirect");
  }
  if (s.shape.size() > 64) throw std::runtime_error("shape: more than 64 dimensions");
  for (int64_t d : s.shape) {
    if (d < 0 || d > (1 << 20)) throw std::runtime_error("shape: extent out of range");
  }
  if (s.itemsize < 0 || s.itemsize > (1 << 20)) throw std::runtime_error("itemsize: out of range");
  if (static_cast<int64_t>(s.items.size()) != Product(s.shape) * s.itemsize) {
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
  ExporterCase c;
  c.flags = Get<int>(j, "flags");
  if (!j.contains("spec")) throw std::runtime_error("spec: missing");
  c.spec = ArraySpecFromJson(j["spec"]);
  return c;
}

ordered_json ToJson(const EnumeratedCase& c) {
  return {{"kind", "enumerated"},
          {"index", c.index},
          {"flags", c.flags},
          {"description", c.description}};
}

EnumeratedCase EnumeratedCaseFromJson(const json& j) {
  EnumeratedCase c;
  c.index = Get<size_t>(j, "index");
  c.flags = Get<int>(j, "flags");
  if (j.contains("description") && j["description"].is_string()) {
    c.description = j["description"].get<std::string>();
  }
  return c;
}

ordered_json ToJson(const AlgorithmCase& c) {
  return {{"kind", "algorithm"},
          {"order", std::string(1, c.order)},
          {"bytes", Hex(c.bytes)},
          {"format_text", c.format_text},
          {"view", layout::DescriptorToJson(c.view, &c.memory)}};
}

AlgorithmCase AlgorithmCaseFromJson(const json& j) {
  AlgorithmCase c;
  const std::string order = Get<std::string>(j, "order");
  if (order.size() != 1) throw std::runtime_error("order: expected one character");
  c.order = order[0];
  c.bytes = Unhex(j.at("bytes"), "bytes");
  c.format_text = Get<std::string>(j, "format_text");
  if (!j.contains("view")) throw std::runtime_error("view: missing");
  layout::DescriptorFile file = layout::DescriptorFromJson(j["view"]);
  c.view = file.view;
  if (file.memory) c.memory = *file.memory;
  return c;
}

rc::Gen<ArraySpec> GenArraySpec() {
  return rc::gen::exec([] {
    ArraySpec s;
    // The item: mostly plain codes, sometimes any format of the pep3118 dialect.
    const int kind = *rc::gen::inRange(0, 10);
    if (kind < 7) {
      static const std::vector<std::pair<const char*, int64_t>> kItems = {
          {"B", 1}, {"b", 1},  {"h", 2},  {"i", 4},   {"q", 8}, {"d", 8}, {"3s", 3},
          {"?", 1}, {"<H", 2}, {">i", 4}, {"Zd", 16}, {"e", 2}, {"f", 4}, {"T{b:a:xxxi:b:}", 8}, {"0s", 0}};
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
    const int ndim = *rc::gen::weightedOneOf<int>(
        {{10, rc::gen::inRange(0, 5)}, {1, rc::gen::inRange(5, 9)}, {1, rc::gen::just(64)}});
    int64_t elements = 1;
    for (int i = 0; i < ndim; ++i) {
      int64_t extent = ndim > 8
                           ? *rc::gen::inRange<int64_t>(1, 2)
                           : *rc::gen::weightedOneOf<int64_t>({{4, rc::gen::inRange<int64_t>(1, 5)},
                                                               {1, rc::gen::just<int64_t>(0)},
                                                               {2, rc::gen::just<int64_t>(1)}});
      if (elements * extent > 512) extent = 1;
      elements *= extent;
      s.shape.push_back(extent);
    }
    // Every choice shrinks towards 0, the plain case: C order, writable, no steps, direct.
    if (*rc::gen::inRange(0, 3) == 2) s.layout |= BUFCONF_LAYOUT_FORTRAN;
    if (*rc::gen::inRange(0, 3) == 2) s.layout |= BUFCONF_LAYOUT_READONLY;
    if (ndim > 0 && *rc::gen::inRange(0, 3) == 2) {
      for (int i = 0; i < ndim; ++i) {
        s.steps.push_back(
            *rc::gen::weightedOneOf<int64_t>({{6, rc::gen::just<int64_t>(1)},
                                              {2, rc::gen::element<int64_t>(-1, 2, -2, 3)},
                                              {1, rc::gen::just<int64_t>(0)}}));
      }
    }
    if (ndim > 0 && ndim <= 8 && *rc::gen::inRange(0, 4) == 3) {
      for (int i = 0; i < ndim; ++i) s.indirect.push_back(*rc::gen::inRange(0, 3) == 2 ? 1 : 0);
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

rc::Gen<int> GenFlags() { return gen::RequestFlags(); }

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
    gen::Layout l = *gen::StridedLayout();
    if (*rc::gen::inRange(0, 3) == 0) l = *gen::ArrayOfArrays(l);
    c.view = l.view;
    c.memory = l.memory;
    c.order = *rc::gen::element('C', 'F', 'A');
    c.bytes = *gen::RandomBytes(static_cast<size_t>(c.view.len));
    c.format_text = *rc::gen::oneOf(gen::FormatText(format::Dialect::kStruct),
                                    gen::FormatSoup(/*ascii_printable_only=*/true));
    return c;
  });
}

}  // namespace bufconf::suite
