#include "reference/layout/values_json.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace bufconf::layout {
namespace {

using nlohmann::json;

std::string Hex(const std::vector<uint8_t>& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

// Every scalar of an element, members and array items in order (what struct.unpack gives).
void Scalars(const format::Value& v, json* out) {
  if (v.shape == format::Value::Shape::kScalar) {
    out->push_back(ValuesJson(v));
    return;
  }
  for (const format::Value& item : v.items) Scalars(item, out);
}

void Flatten(const format::Value& v, int64_t levels, json* out) {
  if (levels <= 0 || v.shape != format::Value::Shape::kArray) {
    json scalars = json::array();
    Scalars(v, &scalars);
    if (scalars.size() == 1) {
      out->push_back(scalars[0]);
    } else {
      out->push_back({{"struct", scalars}});
    }
    return;
  }
  for (const format::Value& item : v.items) Flatten(item, levels - 1, out);
}

}  // namespace

json ValuesJson(const format::Value& v) {
  using format::ValueKind;
  if (v.shape != format::Value::Shape::kScalar) {
    json items = json::array();
    for (const format::Value& item : v.items) items.push_back(ValuesJson(item));
    if (v.shape == format::Value::Shape::kStruct) return {{"struct", items}};
    return items;
  }
  switch (v.kind) {
    case ValueKind::kSigned:
      return v.AsSigned();
    case ValueKind::kUnsigned:
    case ValueKind::kPointer:
      return v.AsUnsigned();
    case ValueKind::kBool: {
      bool truth = false;
      for (uint8_t byte : v.bytes) truth = truth || byte != 0;
      return truth;
    }
    case ValueKind::kFloat: {
      const double d = static_cast<double>(v.AsFloat());
      if (std::isnan(d)) return "nan";
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      std::vector<uint8_t> bytes;
      for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<uint8_t>(bits >> (8 * i)));
      return Hex(bytes);
    }
    case ValueKind::kChar:
      return {{"b", Hex(v.bytes)}};
    case ValueKind::kBytes: {
      // 's': every byte; 'p' (a Pascal string): the first byte is the length, capped to the
      // bytes that follow (struct's unpacking).
      if (v.code.find('p') == std::string::npos || v.bytes.empty()) return {{"b", Hex(v.bytes)}};
      const size_t n = std::min<size_t>(v.bytes[0], v.bytes.size() - 1);
      return {{"b", Hex(std::vector<uint8_t>(v.bytes.begin() + 1, v.bytes.begin() + 1 + n))}};
    }
    default:
      return {{"unexpected", v.ToString()}};
  }
}

json FlatValuesJson(const format::Value& value, int64_t ndim) {
  json out = json::array();
  Flatten(value, ndim, &out);
  return out;
}

}  // namespace bufconf::layout
