// The three readings of a format string that bufconf models.
#ifndef BUFCONF_REFERENCE_FORMAT_DIALECT_H_
#define BUFCONF_REFERENCE_FORMAT_DIALECT_H_

#include <optional>
#include <string>
#include <string_view>

namespace bufconf::format {

enum class Dialect {
  // Exactly CPython 3.11 struct.calcsize (Modules/_struct.c), including what it rejects.
  kStruct,
  // numpy's PEP 3118 import (numpy.core._internal._dtype_from_pep3118 after the C entry point
  // strips whitespace outside names), without its parse bugs: trailing text after a stray '}' and
  // an unterminated 'T{' are errors here.
  kNumpy,
  // The whole PEP 3118 grammar; where the PEP is silent, C struct rules (docs/formats.md).
  kPep3118,
};

inline constexpr Dialect kAllDialects[] = {Dialect::kStruct, Dialect::kNumpy, Dialect::kPep3118};

inline const char* DialectName(Dialect d) {
  switch (d) {
    case Dialect::kStruct:
      return "struct";
    case Dialect::kNumpy:
      return "numpy";
    case Dialect::kPep3118:
      return "pep3118";
  }
  return "?";
}

inline std::optional<Dialect> DialectFromName(std::string_view name) {
  for (Dialect d : kAllDialects) {
    if (name == DialectName(d)) return d;
  }
  return std::nullopt;
}

}  // namespace bufconf::format

#endif  // BUFCONF_REFERENCE_FORMAT_DIALECT_H_
