// Fuzz target: the descriptor readers (case files, descriptor JSON and the binary codec:
// fuzz/fuzz_input.h) and the checker on anything; the model's self-consistency on what the
// checker calls valid (fuzz_checks.h CheckDescriptor).
//
// A structure-aware mutator (LLVMFuzzerCustomMutator) decodes the input in any of those forms
// (JSON included: every seed is JSON) and changes it structurally: shape, strides, suboffsets,
// itemsize, len, readonly and buf; the number of dimensions (a dimension added or removed
// anywhere); the format (item codes swapped, wrapped in T{}, repeat counts, byte-order prefixes,
// fields added or removed, NULL), with itemsize and len then often made to match it; and the
// request flags of exporter case files. The result is written back in the input's form; one
// mutation in eight, and any input that does not decode, goes to libFuzzer's byte mutator.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "conformance/suite/cases.h"
#include "fuzz/fuzz_checks.h"
#include "fuzz/fuzz_input.h"
#include "reference/format/layout.h"
#include "reference/layout/descriptor_codec.h"
#include "reference/layout/descriptor_json.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 1 << 17) return 0;
  bufconf::fuzz::FuzzCase f;
  if (!bufconf::fuzz::DecodeDescriptorInput(data, size, &f)) return 0;
  bufconf::fuzz::CheckDescriptor(f.c.view, f.has_memory ? &f.c.memory : nullptr,
                                 f.flags.value_or(-1));
  return 0;
}

#ifdef BUFCONF_CUSTOM_MUTATOR
namespace {

using Rng = std::minstd_rand;
namespace layout = bufconf::layout;

size_t Pick(Rng& rng, size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng() % n); }

// Wrapping arithmetic: the mutated values may be anything, the mutator must not overflow.
void Bump(int64_t& value, int64_t by) {
  value = static_cast<int64_t>(static_cast<uint64_t>(value) + static_cast<uint64_t>(by));
}
int64_t Times(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) * static_cast<uint64_t>(b));
}

constexpr char kCodes[] = "?bBhHiIlLqQnNfdeZxcsPgOuwt";

bool IsCode(char c) { return c != '\0' && std::strchr(kCodes, c) != nullptr; }

std::string MutateFormat(std::string f, Rng& rng) {
  std::vector<size_t> codes;
  for (size_t i = 0; i < f.size(); ++i) {
    if (IsCode(f[i])) codes.push_back(i);
  }
  const char code = kCodes[Pick(rng, sizeof(kCodes) - 1)];
  switch (rng() % 6) {
    case 0:  // swap an item code
      if (!codes.empty()) {
        f[codes[Pick(rng, codes.size())]] = code;
      } else {
        f = std::string(1, code);
      }
      break;
    case 1:  // wrap in a struct
      f = "T{" + f + "}";
      break;
    case 2: {  // a repeat count or a sub-array shape before a code
      static const char* const kCounts[] = {"2", "3", "0", "16", "(2)", "(2,3)", "(0)"};
      const size_t at = codes.empty() ? 0 : codes[Pick(rng, codes.size())];
      f.insert(at, kCounts[Pick(rng, 7)]);
      break;
    }
    case 3: {  // a byte-order prefix (replacing one already there)
      static const char kOrders[] = "@=<>!^";
      const char o = kOrders[Pick(rng, 6)];
      if (!f.empty() && std::strchr(kOrders, f[0]) != nullptr) {
        f[0] = o;
      } else {
        f.insert(f.begin(), o);
      }
      break;
    }
    case 4:  // add a field, named or not
      f += rng() % 2 ? std::string(1, code)
                     : std::string(1, code) + ":f" + std::to_string(rng() % 4) + ":";
      break;
    case 5:  // remove a field: a code and its count/name
      if (!codes.empty()) {
        size_t at = codes[Pick(rng, codes.size())];
        size_t end = at + 1;
        if (end < f.size() && f[end] == ':') {
          const size_t close = f.find(':', end + 1);
          end = close == std::string::npos ? f.size() : close + 1;
        }
        while (at > 0 && (std::isdigit(static_cast<unsigned char>(f[at - 1])) != 0)) --at;
        f.erase(at, end - at);
      }
      break;
  }
  return f;
}

// len = product(shape) * itemsize when that does not overflow.
void MatchLen(layout::Descriptor& v) {
  int64_t n = v.itemsize;
  if (v.shape) {
    for (int64_t d : *v.shape) {
      if (__builtin_mul_overflow(n, d, &n)) return;
    }
  }
  v.len = n;
}

void MutateView(layout::Descriptor& v, Rng& rng) {
  const size_t n = v.shape ? v.shape->size() : 0;
  const size_t dim = Pick(rng, n);
  const int64_t delta = static_cast<int64_t>(rng() % 5) - 2;
  const int64_t unit = v.itemsize != 0 ? v.itemsize : 1;
  auto sized = [&](std::optional<std::vector<int64_t>>& field) {
    return field && field->size() == n && n > 0;
  };
  switch (rng() % 12) {
    case 0:
      if (sized(v.shape)) Bump((*v.shape)[dim], delta);
      break;
    case 1:
      if (sized(v.strides)) Bump((*v.strides)[dim], Times(delta, unit));
      break;
    case 2:
      if (v.suboffsets) {
        v.suboffsets.reset();
      } else if (v.strides && n > 0) {
        v.suboffsets = std::vector<int64_t>(v.strides->size(), -1);
        (*v.suboffsets)[Pick(rng, v.strides->size())] = delta < 0 ? 0 : delta;
      }
      break;
    case 3:
      Bump(v.itemsize, delta);
      break;
    case 4:
      Bump(v.len, Times(delta, unit));
      break;
    case 5:
      v.readonly = !v.readonly;
      break;
    case 6:
      v.buf += static_cast<uint64_t>(delta);
      break;
    case 7:
    case 8: {  // the format, often with itemsize and len made to match it
      v.format = rng() % 16 == 0 ? std::optional<std::string>()
                                 : MutateFormat(v.format.value_or("B"), rng);
      if (v.format && rng() % 2 == 0) {
        const bufconf::format::FormatResult r =
            bufconf::format::AnalyzeFormat(*v.format, bufconf::format::Dialect::kPep3118);
        if (r.ok() && r.layout().itemsize <= (uint64_t{1} << 20)) {
          v.itemsize = static_cast<int64_t>(r.layout().itemsize);
          MatchLen(v);
        }
      }
      break;
    }
    case 9: {  // add a dimension
      if (n >= 64 || !v.shape) break;
      const size_t at = Pick(rng, n + 1);
      const int64_t extent = static_cast<int64_t>(rng() % 4);
      v.shape->insert(v.shape->begin() + static_cast<std::ptrdiff_t>(at), extent);
      if (v.strides && v.strides->size() == n) {
        const int64_t stride = at < n ? Times((*v.strides)[at], extent) : Times(unit, delta);
        v.strides->insert(v.strides->begin() + static_cast<std::ptrdiff_t>(at), stride);
      }
      if (v.suboffsets && v.suboffsets->size() == n) {
        v.suboffsets->insert(v.suboffsets->begin() + static_cast<std::ptrdiff_t>(at), -1);
      }
      v.ndim = static_cast<int64_t>(v.shape->size());
      if (rng() % 2 == 0) MatchLen(v);
      break;
    }
    case 10: {  // remove a dimension
      if (n == 0) break;
      v.shape->erase(v.shape->begin() + static_cast<std::ptrdiff_t>(dim));
      if (v.strides && v.strides->size() == n) {
        v.strides->erase(v.strides->begin() + static_cast<std::ptrdiff_t>(dim));
      }
      if (v.suboffsets && v.suboffsets->size() == n) {
        v.suboffsets->erase(v.suboffsets->begin() + static_cast<std::ptrdiff_t>(dim));
      }
      v.ndim = static_cast<int64_t>(v.shape->size());
      if (rng() % 2 == 0) MatchLen(v);
      break;
    }
    case 11:  // NULL strides / shape, or back
      if (v.strides) {
        v.strides.reset();
      } else if (v.shape) {
        v.shape.reset();
      } else {
        v.shape = std::vector<int64_t>(1, v.len);
        v.ndim = 1;
      }
      break;
  }
}

// An exporter case file: its request flags (a bit flipped, or a named request) or its spec.
std::string MutateExporterCase(const uint8_t* data, size_t size, Rng& rng) {
  nlohmann::json j = nlohmann::json::parse(data, data + size, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("flags") || !j["flags"].is_number() ||
      !j.contains("spec") || !j["spec"].is_object()) {
    return "";
  }
  static const int kRequests[] = {0, 0x1, 0x4, 0x8, 0x18, 0x38, 0x58, 0x98, 0x118, 0x11c, 0x11d};
  nlohmann::json& spec = j["spec"];
  switch (rng() % 3) {
    case 0:
      j["flags"] = j["flags"].get<int64_t>() ^ (int64_t{1} << (rng() % 11));
      break;
    case 1:
      j["flags"] = kRequests[Pick(rng, 11)];
      break;
    case 2:
      if (spec.contains("format") && spec["format"].is_string()) {
        spec["format"] = MutateFormat(spec["format"].get<std::string>(), rng);
      }
      break;
  }
  return j.dump();
}

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  bufconf::fuzz::FuzzCase f;
  if (seed % 8 == 0 || !bufconf::fuzz::DecodeDescriptorInput(data, size, &f)) {
    return LLVMFuzzerMutate(data, size, max_size);
  }
  Rng rng(seed);
  std::string text;
  std::vector<uint8_t> binary;
  switch (f.form) {
    case bufconf::fuzz::InputForm::kExporterCase:
      text = MutateExporterCase(data, size, rng);
      break;
    case bufconf::fuzz::InputForm::kBinary:
    case bufconf::fuzz::InputForm::kDescriptorJson:
    case bufconf::fuzz::InputForm::kAlgorithmCase:
    case bufconf::fuzz::InputForm::kRecipe: {
      const int rounds = 1 + static_cast<int>(rng() % 3);
      for (int i = 0; i < rounds; ++i) MutateView(f.c.view, rng);
      if (f.form == bufconf::fuzz::InputForm::kBinary) {
        binary = layout::EncodeDescriptor(f.c.view, f.c.memory);
      } else if (f.form == bufconf::fuzz::InputForm::kAlgorithmCase) {
        text = bufconf::suite::ToJson(f.c).dump();
      } else {
        text = layout::DescriptorToJson(f.c.view, f.has_memory ? &f.c.memory : nullptr).dump();
      }
      break;
    }
  }
  if (!text.empty()) binary.assign(text.begin(), text.end());
  if (binary.empty() || binary.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, binary.data(), binary.size());
  return binary.size();
}
#endif
