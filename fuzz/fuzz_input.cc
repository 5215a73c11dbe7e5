#include "fuzz/fuzz_input.h"

#include <algorithm>
#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <vector>

#include "conformance/adapter/real_layout.h"
#include "fuzz/recipe.h"
#include "reference/layout/addressing.h"
#include "reference/layout/checker.h"
#include "reference/layout/descriptor_codec.h"
#include "reference/layout/descriptor_json.h"
#include "reference/rules/catalogue.h"

namespace bufconf::fuzz {
namespace {

bool StartsWithBrace(const uint8_t* data, size_t size) {
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') continue;
    return data[i] == '{';
  }
  return false;
}

// An exporter case's spec, materialized as the suite does (its full description and memory).
bool FromExporterCase(const nlohmann::json& j, FuzzCase* out) {
  const suite::ExporterCase e = suite::ExporterCaseFromJson(j);
  const bufconf_array_spec abi = e.spec.Abi();
  std::unique_ptr<conformance::RealLayout> real;
  try {
    real = conformance::Materialize(abi);
  } catch (const std::invalid_argument&) {
    return false;
  }
  conformance::Snapshot s;
  try {
    s = conformance::TakeSnapshot(real->view, real->regions.data(), real->regions.size());
  } catch (const std::invalid_argument&) {
    return false;
  }
  out->c = suite::AlgorithmCase();
  out->c.view = std::move(s.view);
  out->c.memory = std::move(s.memory);
  out->has_memory = true;
  out->flags = e.flags;
  out->form = InputForm::kExporterCase;
  CompleteCase(&out->c);
  return true;
}

bool FromJsonValue(const nlohmann::json& j, FuzzCase* out) {
  if (!j.is_object()) return false;
  try {
    // A replay file of `bufconf run` ({"bufconf_replay": 1, "rule", "adapter", ..., "case"}).
    const auto replay = j.find("bufconf_replay");
    if (replay != j.end()) {
      const auto c = j.find("case");
      return c != j.end() && c->is_object() && !c->contains("bufconf_replay") &&
             FromJsonValue(*c, out);
    }
    const auto kind = j.find("kind");
    if (kind != j.end()) {
      if (*kind == "algorithm") {
        out->c = suite::AlgorithmCaseFromJson(j);
        out->has_memory = j.at("view").contains("memory");
        out->flags.reset();
        out->form = InputForm::kAlgorithmCase;
        return true;
      }
      if (*kind == "exporter") return FromExporterCase(j, out);
      return false;  // "enumerated" cases name an exporter of an implementation: no layout
    }
    layout::DescriptorFile file = layout::DescriptorFromJson(j);
    out->c = suite::AlgorithmCase();
    out->c.view = std::move(file.view);
    out->has_memory = file.memory.has_value();
    if (file.memory) out->c.memory = std::move(*file.memory);
    out->flags.reset();
    out->form = InputForm::kDescriptorJson;
    CompleteCase(&out->c);
    return true;
  } catch (const std::runtime_error&) {  // DescriptorJsonError, the case readers' field errors
    return false;
  } catch (const nlohmann::json::exception&) {  // a field of the wrong JSON type
    return false;
  } catch (const std::invalid_argument&) {  // overlapping or wrapping memory regions
    return false;
  }
}

bool FromJson(const uint8_t* data, size_t size, FuzzCase* out) {
  const nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr, false);
  return !j.is_discarded() && FromJsonValue(j, out);
}

bool FromRecipe(const uint8_t* data, size_t size, FuzzCase* out, size_t* used) {
  out->c = suite::AlgorithmCase();
  if (!LayoutFromRecipe(data, size, &out->c.view, &out->c.memory, used)) return false;
  out->has_memory = true;
  out->flags.reset();
  out->form = InputForm::kRecipe;
  return true;
}

}  // namespace

bool DecodeDescriptorInput(const uint8_t* data, size_t size, FuzzCase* out) {
  if (StartsWithBrace(data, size)) return FromJson(data, size, out);
  auto decoded = layout::DecodeDescriptor(data, size);
  if (!decoded) return false;
  out->c = suite::AlgorithmCase();
  out->c.view = std::move(decoded->view);
  out->c.memory = std::move(decoded->memory);
  out->has_memory = true;
  out->flags.reset();
  out->form = InputForm::kBinary;
  CompleteCase(&out->c);
  return true;
}

bool DecodeInput(const uint8_t* data, size_t size, layout::Descriptor* view, layout::Memory* memory,
                 bool* has_memory) {
  FuzzCase f;
  if (!DecodeDescriptorInput(data, size, &f)) return false;
  *view = std::move(f.c.view);
  *memory = std::move(f.c.memory);
  *has_memory = f.has_memory;
  return true;
}

std::optional<Target> TargetNamed(const std::string& name) {
  if (name == "descriptor" || name == "descriptor_fuzzer") return Target::kDescriptor;
  if (name == "model" || name == "model_fuzzer") return Target::kModel;
  if (name == "differential" || name == "differential_fuzzer" ||
      name == "differential_fuzzer_python") {
    return Target::kDifferential;
  }
  if (name == "mirror" || name == "mirror_fuzzer") return Target::kMirror;
  return std::nullopt;
}

bool DecodeTargetInput(Target target, const uint8_t* data, size_t size, FuzzCase* out) {
  switch (target) {
    case Target::kDescriptor:
      return DecodeDescriptorInput(data, size, out);
    case Target::kModel: {
      if (StartsWithBrace(data, size)) return FromJson(data, size, out);
      if (!FromRecipe(data, size, out, nullptr)) return false;
      CompleteCase(&out->c);
      return true;
    }
    case Target::kDifferential: {
      if (StartsWithBrace(data, size)) {
        if (!FromJson(data, size, out)) return false;
        // from_contiguous needs view.len bytes: a case file (mutated) with fewer is padded.
        if (out->c.view.len > 0 && out->c.view.len <= (int64_t{1} << 20) &&
            out->c.bytes.size() < static_cast<size_t>(out->c.view.len)) {
          const std::vector<uint8_t> given = out->c.bytes;
          out->c.bytes.clear();
          CompleteCase(&out->c, std::string(given.begin(), given.end()));
        }
        return true;
      }
      if (size < 1) return false;
      size_t used = 0;
      if (!FromRecipe(data + 1, size - 1, out, &used)) return false;
      out->c.order = "CFA"[data[0] % 3];
      size_t pos = 1 + used;
      if (pos < size) {
        const size_t want = data[pos] % 32;
        ++pos;
        const size_t n = std::min(want, size - pos);
        out->c.format_text.assign(reinterpret_cast<const char*>(data + pos), n);
        pos += n;
      }
      CompleteCase(&out->c, std::string(reinterpret_cast<const char*>(data + pos), size - pos));
      return true;
    }
    case Target::kMirror: {
      if (size < 1) return false;
      const uint8_t control = data[0];
      bool ok;
      if ((control & 4) != 0) {
        ok = FromRecipe(data + 1, size - 1, out, nullptr);
        if (ok) CompleteCase(&out->c);
      } else {
        ok = DecodeDescriptorInput(data + 1, size - 1, out);
      }
      if (ok) out->c.order = "CFAC"[control & 3];
      return ok;
    }
  }
  return false;
}

void CompleteCase(suite::AlgorithmCase* c, const std::string& fill) {
  // Only for views the targets can realize (at most 1 MiB, fuzz_input.h Realizable): filling
  // the bytes of a view declaring a 256 MB len took seconds per input (campaign 2).
  const size_t len =
      c->view.len > 0 && c->view.len <= (int64_t{1} << 20) ? static_cast<size_t>(c->view.len) : 0;
  if (c->bytes.size() < len) {
    c->bytes.resize(len);
    for (size_t i = 0; i < len; ++i) {
      c->bytes[i] = fill.empty() ? static_cast<uint8_t>(i * 7 + 1)
                                 : static_cast<uint8_t>(fill[i % fill.size()]);
    }
  }
  if (c->format_text.empty()) c->format_text = c->view.format.value_or("B");
  // The case file keeps format_text as a JSON string: 7-bit text, so that it is valid UTF-8.
  for (char& ch : c->format_text) ch = static_cast<char>(static_cast<unsigned char>(ch) & 0x7f);
}

layout::Memory MergeTouchingRegions(const layout::Memory& memory) {
  std::vector<layout::Region> regions = memory.regions();
  std::sort(regions.begin(), regions.end(),
            [](const layout::Region& a, const layout::Region& b) { return a.base < b.base; });
  layout::Memory out;
  std::vector<layout::Region> merged;
  for (layout::Region& r : regions) {
    if (!merged.empty() && !r.bytes.empty() && !merged.back().bytes.empty() &&
        merged.back().end() == r.base) {
      merged.back().bytes.insert(merged.back().bytes.end(), r.bytes.begin(), r.bytes.end());
      merged.back().name += " + " + r.name;
    } else {
      merged.push_back(std::move(r));
    }
  }
  for (layout::Region& r : merged) out.AddRegion(std::move(r));
  return out;
}

bool Realizable(const layout::Descriptor& view, const layout::Memory& memory) {
  if (view.buf == 0) return false;
  for (const layout::Violation& v : layout::Validate(view, &memory)) {
    const rules::Rule* rule = rules::FindRule(v.rule);
    if (rule == nullptr || rule->level == rules::Level::kMust) return false;
  }
  try {
    const layout::FullView full = layout::Expand(view);
    const int64_t count = layout::ElementCount(full.shape);
    return count <= (1 << 16) && full.itemsize <= 4096 && count * full.itemsize <= (1 << 20);
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace bufconf::fuzz
