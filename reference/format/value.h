// The values of one item: decoding an item's bytes through its layout into a value tree, and
// encoding a value tree back into bytes.
//
// A scalar keeps its bytes (in little-endian order, whatever the field's byte order), so that
// decoding loses nothing and equality compares by bits: NaN == NaN, and -0.0 != 0.0.
#ifndef BUFCONF_REFERENCE_FORMAT_VALUE_H_
#define BUFCONF_REFERENCE_FORMAT_VALUE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "reference/format/layout.h"

namespace bufconf::format {

struct Value {
  enum class Shape { kScalar, kArray, kStruct };
  Shape shape = Shape::kScalar;
  // kScalar
  std::string code;
  ValueKind kind = ValueKind::kPad;
  std::vector<uint8_t> bytes;  // little-endian order; only significant bits are kept
  // kArray: the elements (one dimension per level); kStruct: the members, with their names
  std::vector<Value> items;
  std::vector<std::string> names;  // kStruct: one per member, "" when unnamed

  // Numeric views of a scalar (for display and for consumers of the oracle).
  int64_t AsSigned() const;      // b h i l q n (sign-extended)
  uint64_t AsUnsigned() const;   // B H I L Q N ? P O & X u w c, and t up to 64 bits
  long double AsFloat() const;   // e f d g
  long double Imag() const;      // Zf Zd Zg F D: the imaginary part (AsFloat: the real part)
  std::string ToString() const;  // a readable rendering, e.g. (1, -2.5, b'ab', [1, 2])

  friend bool operator==(const Value& a, const Value& b);
  friend bool operator!=(const Value& a, const Value& b) { return !(a == b); }
};

// Decodes one item. `item` must hold at least layout.itemsize bytes (the caller checks the
// bounds against the exporter's memory; this function reads exactly [0, itemsize)).
// The result is a kStruct with one member per field that holds a value (padding is skipped).
// Throws std::length_error for a layout whose arrays have more than 2**24 rows (empty ones
// included), which no value tree can hold.
Value DecodeItem(const Layout& layout, const uint8_t* item);

// Encodes a value of the shape DecodeItem returns; padding and insignificant bits are zero.
// Throws std::invalid_argument if the value does not fit the layout.
std::vector<uint8_t> EncodeItem(const Layout& layout, const Value& value);

// Per byte of the item, the bits that hold a value (0xff, 0 for padding, partial for 't' and
// the unused tail of an 80-bit long double).
std::vector<uint8_t> SignificantBits(const Layout& layout);

}  // namespace bufconf::format

#endif  // BUFCONF_REFERENCE_FORMAT_VALUE_H_
