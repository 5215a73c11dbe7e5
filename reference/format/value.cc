#include "reference/format/value.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace bufconf::format {
namespace {

static_assert(sizeof(long double) == 16, "the reference ABI is x86-64: 80-bit long double in 16");
static_assert(sizeof(double) == 8 && sizeof(float) == 4, "IEEE 754 binary32/binary64");

bool IsNumeric(ValueKind k) {
  return k != ValueKind::kBytes && k != ValueKind::kChar && k != ValueKind::kPad;
}

// Bytes of one byte-swappable unit: complex numbers swap each half on its own.
uint64_t SwapUnit(const FieldLayout& f) {
  return f.kind == ValueKind::kComplex ? f.size / 2 : f.size;
}

// The significant bits of one element, in little-endian value order.
std::vector<uint8_t> ValueMask(const FieldLayout& f) {
  std::vector<uint8_t> mask(f.size, f.padding ? 0x00 : 0xff);
  if (f.code == "g" || f.code == "Zg") {  // x87 extended: 10 of every 16 bytes hold the value
    for (uint64_t i = 0; i < f.size; ++i) {
      if (i % 16 >= 10) mask[i] = 0;
    }
  }
  if (f.kind == ValueKind::kBits && f.bits % 8 != 0) {
    mask.back() = static_cast<uint8_t>((1u << (f.bits % 8)) - 1);
  }
  return mask;
}

// Converts between memory order and little-endian value order (an involution).
void ToValueOrder(const FieldLayout& f, uint8_t* bytes) {
  if (f.byte_order != '>' || !IsNumeric(f.kind)) return;
  uint64_t unit = SwapUnit(f);
  for (uint64_t start = 0; start + unit <= f.size && unit > 0; start += unit) {
    std::reverse(bytes + start, bytes + start + unit);
  }
}

void DecodeField(const FieldLayout& f, const uint8_t* base, std::vector<Value>& out);

Value DecodeElement(const FieldLayout& f, const uint8_t* p) {
  Value v;
  if (f.code == "T") {
    v.shape = Value::Shape::kStruct;
    for (const FieldLayout& m : f.members) {
      if (m.padding) continue;
      DecodeField(m, p, v.items);
      v.names.push_back(m.name);
    }
    return v;
  }
  v.code = f.code;
  v.kind = f.kind;
  v.bytes.assign(p, p + f.size);
  ToValueOrder(f, v.bytes.data());
  std::vector<uint8_t> mask = ValueMask(f);
  for (size_t i = 0; i < v.bytes.size(); ++i) v.bytes[i] &= mask[i];
  return v;
}

// Decodes the elements of f's array dimensions [dim, ...) starting at p.
Value DecodeArray(const FieldLayout& f, const uint8_t* p, size_t dim, uint64_t* next_index) {
  if (dim == f.shape.size()) {
    const uint8_t* at = p + (*next_index)++ * f.stride;
    return DecodeElement(f, at);
  }
  Value v;
  v.shape = Value::Shape::kArray;
  for (uint64_t i = 0; i < f.shape[dim]; ++i)
    v.items.push_back(DecodeArray(f, p, dim + 1, next_index));
  return v;
}

// Arrays of a value tree, empty ones included: (10**18, 0) would be 10**18 empty arrays.
constexpr uint64_t kMaxRows = uint64_t{1} << 24;

void CheckRows(const FieldLayout& f) {
  uint64_t rows = 1;
  for (uint64_t d : f.shape) {
    if (d == 0) break;
    if (d > kMaxRows || rows * d > kMaxRows) {
      throw std::length_error("field '" + f.code + "' has too many array rows to decode");
    }
    rows *= d;
  }
}

void DecodeField(const FieldLayout& f, const uint8_t* base, std::vector<Value>& out) {
  CheckRows(f);
  uint64_t index = 0;
  out.push_back(DecodeArray(f, base + f.offset, 0, &index));
}

void EncodeField(const FieldLayout& f, const Value& v, uint8_t* base);

void EncodeElement(const FieldLayout& f, const Value& v, uint8_t* p) {
  if (f.code == "T") {
    if (v.shape != Value::Shape::kStruct) throw std::invalid_argument("expected a struct value");
    size_t i = 0;
    for (const FieldLayout& m : f.members) {
      if (m.padding) continue;
      if (i >= v.items.size()) throw std::invalid_argument("struct value has too few members");
      EncodeField(m, v.items[i++], p);
    }
    if (i != v.items.size()) throw std::invalid_argument("struct value has too many members");
    return;
  }
  if (v.shape != Value::Shape::kScalar || v.code != f.code || v.bytes.size() != f.size) {
    throw std::invalid_argument("value does not match field code '" + f.code + "'");
  }
  std::vector<uint8_t> bytes = v.bytes;
  std::vector<uint8_t> mask = ValueMask(f);
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] &= mask[i];
  ToValueOrder(f, bytes.data());
  if (!bytes.empty()) std::memcpy(p, bytes.data(), bytes.size());
}

void EncodeArray(const FieldLayout& f, const Value& v, uint8_t* p, size_t dim,
                 uint64_t* next_index) {
  if (dim == f.shape.size()) {
    EncodeElement(f, v, p + (*next_index)++ * f.stride);
    return;
  }
  if (v.shape != Value::Shape::kArray || v.items.size() != f.shape[dim]) {
    throw std::invalid_argument("array value does not match the field's shape");
  }
  for (const Value& item : v.items) EncodeArray(f, item, p, dim + 1, next_index);
}

void EncodeField(const FieldLayout& f, const Value& v, uint8_t* base) {
  CheckRows(f);
  uint64_t index = 0;
  EncodeArray(f, v, base + f.offset, 0, &index);
}

void MarkField(const FieldLayout& f, uint8_t* base) {
  if (f.element_count() == 0) return;  // no element: nothing to mark (its size may be huge)
  std::vector<uint8_t> mask = ValueMask(f);
  ToValueOrder(f, mask.data());
  for (uint64_t e = 0; e < f.element_count(); ++e) {
    uint8_t* p = base + f.offset + e * f.stride;
    if (f.code == "T") {
      for (const FieldLayout& m : f.members) MarkField(m, p);
    } else {
      for (uint64_t i = 0; i < f.size; ++i) p[i] |= mask[i];
    }
  }
}

std::string EscapeBytes(const std::vector<uint8_t>& bytes) {
  std::string out = "b'";
  char buf[8];
  for (uint8_t b : bytes) {
    if (b == '\\' || b == '\'') {
      out += '\\';
      out += static_cast<char>(b);
    } else if (b >= 0x20 && b < 0x7f) {
      out += static_cast<char>(b);
    } else {
      std::snprintf(buf, sizeof buf, "\\x%02x", b);
      out += buf;
    }
  }
  return out + "'";
}

long double HalfToFloat(uint16_t h) {
  int exponent = (h >> 10) & 0x1f;
  int mantissa = h & 0x3ff;
  long double magnitude;
  if (exponent == 0) {
    magnitude = mantissa * 0x1p-24L;
  } else if (exponent == 31) {
    magnitude = mantissa == 0 ? __builtin_infl() : __builtin_nanl("");
  } else {
    magnitude = (1024 + mantissa) * 0x1p-25L * static_cast<long double>(1u << exponent);
  }
  return (h & 0x8000) ? -magnitude : magnitude;
}

long double FloatFromBytes(const uint8_t* p, uint64_t size) {
  switch (size) {
    case 2:
      return HalfToFloat(static_cast<uint16_t>(p[0] | (p[1] << 8)));
    case 4: {
      float f;
      std::memcpy(&f, p, 4);
      return f;
    }
    case 8: {
      double d;
      std::memcpy(&d, p, 8);
      return d;
    }
    case 16: {
      long double g;
      std::memcpy(&g, p, 16);
      return g;
    }
  }
  return 0;
}

}  // namespace

int64_t Value::AsSigned() const {
  uint64_t u = AsUnsigned();
  size_t n = bytes.size();
  if (n > 0 && n < 8 && (bytes[n - 1] & 0x80)) u |= ~uint64_t{0} << (8 * n);
  int64_t s;
  std::memcpy(&s, &u, sizeof s);
  return s;
}

uint64_t Value::AsUnsigned() const {
  uint64_t u = 0;
  for (size_t i = 0; i < bytes.size() && i < 8; ++i) u |= uint64_t{bytes[i]} << (8 * i);
  return u;
}

long double Value::AsFloat() const {
  uint64_t size = kind == ValueKind::kComplex ? bytes.size() / 2 : bytes.size();
  return FloatFromBytes(bytes.data(), size);
}

long double Value::Imag() const {
  if (kind != ValueKind::kComplex) return 0;
  return FloatFromBytes(bytes.data() + bytes.size() / 2, bytes.size() / 2);
}

std::string Value::ToString() const {
  char buf[96];
  switch (shape) {
    case Shape::kStruct:
    case Shape::kArray: {
      std::string out = shape == Shape::kStruct ? "(" : "[";
      for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ", ";
        if (shape == Shape::kStruct && !names[i].empty()) out += names[i] + "=";
        out += items[i].ToString();
      }
      return out + (shape == Shape::kStruct ? ")" : "]");
    }
    case Shape::kScalar:
      break;
  }
  switch (kind) {
    case ValueKind::kSigned:
      return std::to_string(AsSigned());
    case ValueKind::kUnsigned:
      return std::to_string(AsUnsigned());
    case ValueKind::kBool:
      return AsUnsigned() == 0   ? "False"
             : AsUnsigned() == 1 ? "True"
                                 : "bool(" + std::to_string(AsUnsigned()) + ")";
    case ValueKind::kFloat:
      std::snprintf(buf, sizeof buf, "%.21Lg", AsFloat());
      return buf;
    case ValueKind::kComplex:
      std::snprintf(buf, sizeof buf, "(%.21Lg%+.21Lgj)", AsFloat(), Imag());
      return buf;
    case ValueKind::kCodeUnit:
      std::snprintf(buf, sizeof buf, "U+%04llX", static_cast<unsigned long long>(AsUnsigned()));
      return buf;
    case ValueKind::kPointer:
      std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(AsUnsigned()));
      return buf;
    case ValueKind::kBits: {
      std::string out = "0b";
      for (size_t i = bytes.size(); i-- > 0;) {
        for (int b = 7; b >= 0; --b) out += ((bytes[i] >> b) & 1) ? '1' : '0';
      }
      return out;
    }
    case ValueKind::kChar:
    case ValueKind::kBytes:
    case ValueKind::kPad:
      return EscapeBytes(bytes);
  }
  return "?";
}

bool operator==(const Value& a, const Value& b) {
  return a.shape == b.shape && a.code == b.code && a.kind == b.kind && a.bytes == b.bytes &&
         a.items == b.items && a.names == b.names;
}

Value DecodeItem(const Layout& layout, const uint8_t* item) {
  Value v;
  v.shape = Value::Shape::kStruct;
  for (const FieldLayout& f : layout.fields) {
    if (f.padding) continue;
    DecodeField(f, item, v.items);
    v.names.push_back(f.name);
  }
  return v;
}

std::vector<uint8_t> EncodeItem(const Layout& layout, const Value& value) {
  std::vector<uint8_t> out(layout.itemsize, 0);
  FieldLayout top;
  top.code = "T";
  top.members = layout.fields;
  top.size = top.stride = layout.itemsize;
  EncodeField(top, value, out.data());
  return out;
}

std::vector<uint8_t> SignificantBits(const Layout& layout) {
  std::vector<uint8_t> mask(layout.itemsize, 0);
  for (const FieldLayout& f : layout.fields) MarkField(f, mask.data());
  return mask;
}

}  // namespace bufconf::format
