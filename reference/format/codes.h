// The format codes, with their sizes and alignments on the reference ABI (x86-64 Linux, LP64,
// little-endian, 16-byte long double) and which dialect accepts which code in which mode.
#ifndef BUFCONF_REFERENCE_FORMAT_CODES_H_
#define BUFCONF_REFERENCE_FORMAT_CODES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "reference/format/dialect.h"

namespace bufconf::format {

// What kind of value an element of a code holds (used by the value decoder).
enum class ValueKind {
  kPad,       // x
  kChar,      // c: one byte
  kSigned,    // b h i l q n
  kUnsigned,  // B H I L Q N
  kBool,      // ?
  kFloat,     // e f d g
  kComplex,   // Zf Zd Zg F D: two floats
  kBytes,     // s p: the count is the byte length
  kCodeUnit,  // u w: one UCS-2 / UCS-4 code unit
  kBits,      // t: the count is the number of bits
  kPointer,   // P O & X: an address
};

struct CodeSpec {
  uint64_t size = 0;       // bytes of one element in the mode asked for
  uint64_t alignment = 1;  // natural alignment (used only in '@' mode)
  ValueKind kind = ValueKind::kPad;
};

// True when c is one of the byte-order / mode characters @ = < > ! ^.
bool IsOrderChar(char c);

// True when the mode uses native sizes ('@' and '^'); the others use standard sizes.
bool IsNativeSizeMode(char mode);

// True when `code` (one character, or 'Z' plus one) is a code of the union grammar.
bool IsUnionCode(std::string_view code);

// Size and alignment of one element of `code` in `dialect` under `mode`, or an error message
// saying why the dialect does not accept it. Codes whose size depends on the count (s, p, x, t)
// report the size of one unit (1 byte; 1 bit for t).
struct CodeLookup {
  std::optional<CodeSpec> spec;
  std::string error;
};
CodeLookup LookupCode(Dialect dialect, std::string_view code, char mode);

}  // namespace bufconf::format

#endif  // BUFCONF_REFERENCE_FORMAT_CODES_H_
