// Parsing a format string into the syntax tree of ast.h under one dialect's grammar.
#ifndef BUFCONF_REFERENCE_FORMAT_PARSER_H_
#define BUFCONF_REFERENCE_FORMAT_PARSER_H_

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include "reference/format/ast.h"
#include "reference/format/dialect.h"

namespace bufconf::format {

// Nesting of T{...}, &... and X{...} deeper than this is rejected (no dialect needs more; it
// keeps recursion bounded on hostile input).
inline constexpr int kMaxNesting = 64;

// A format of more items than this (fields and order marks, nested ones included) is rejected
// (docs/formats.md): the syntax tree and layout take a few hundred bytes per item, so the cap
// keeps a format's memory bounded (a few MB) however long the string is.
inline constexpr size_t kMaxItems = 16384;

// A format the dialect does not accept: where (byte offset into the format) and why.
struct FormatError {
  size_t position = 0;
  std::string message;
  // The format may well be valid: it is beyond bufconf's own limits (kMaxItems, kMaxNesting),
  // so nothing is claimed about it (check: not checked; format: exit 2).
  bool beyond_limit = false;
};

// Thrown inside the format model; the public entry points turn it into a FormatError.
class FormatException : public std::runtime_error {
 public:
  FormatException(size_t position, const std::string& message, bool beyond_limit = false)
      : std::runtime_error(message), position_(position), beyond_limit_(beyond_limit) {}
  size_t position() const { return position_; }
  bool beyond_limit() const { return beyond_limit_; }

 private:
  size_t position_;
  bool beyond_limit_;
};

// Parses `format` (any bytes) under `dialect`. Throws FormatException on a syntax error.
// Semantic checks (which codes exist in which mode, sizes) belong to the layout.
Seq Parse(std::string_view format, Dialect dialect);

}  // namespace bufconf::format

#endif  // BUFCONF_REFERENCE_FORMAT_PARSER_H_
