// Where every field of an item lies: the layout of a parsed format under one dialect.
#ifndef BUFCONF_REFERENCE_FORMAT_LAYOUT_H_
#define BUFCONF_REFERENCE_FORMAT_LAYOUT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "reference/format/ast.h"
#include "reference/format/codes.h"
#include "reference/format/dialect.h"
#include "reference/format/parser.h"

namespace bufconf::format {

struct FieldLayout {
  size_t position = 0;  // where the field starts in the format string
  std::string code;     // "i", "Zd", "s", ...; "T" for a struct, "&" pointer, "X" function
  ValueKind kind = ValueKind::kPad;
  bool named = false;
  std::string name;
  bool padding = false;   // an unnamed 'x': bytes that hold no value
  char mode = '@';        // the mode in force: @ = < > ! ^
  char byte_order = '<';  // resolved: '<' little-endian, '>' big-endian
  // Array dimensions from shape prefixes and, for repeating codes, the count. Empty: one element.
  std::vector<uint64_t> shape;
  uint64_t offset = 0;     // from the start of the enclosing struct (or of the item)
  uint64_t size = 0;       // bytes of one element; for s, p, x the count; for t ceil(bits / 8)
  uint64_t stride = 0;     // bytes from one element to the next
  uint64_t alignment = 1;  // the alignment applied to the field (1 outside '@' mode)
  uint64_t extent = 0;     // bytes of the whole field: stride * product(shape)
  uint64_t bits = 0;       // 't' only: the number of bits
  std::vector<FieldLayout> members;  // 'T': the members, offsets relative to the struct
  std::vector<FieldLayout> pointee;  // '&': the layout of what it points to (one field)

  uint64_t element_count() const;  // product(shape)
};

struct Layout {
  uint64_t itemsize = 0;
  uint64_t alignment = 1;
  std::vector<FieldLayout> fields;
};

// Equal layouts: every field's code, name, mode, shape, offset, size, alignment and members;
// the positions in the source text are not compared.
bool SameField(const FieldLayout& a, const FieldLayout& b);
bool SameLayout(const Layout& a, const Layout& b);

// The layout of `seq` under `dialect`. Throws FormatException (with the field's position) for a
// code the dialect does not accept in the mode in force, or a size beyond PY_SSIZE_T_MAX.
Layout ComputeLayout(const Seq& seq, Dialect dialect);

// Parse + layout, with errors as values: what every caller outside the model uses.
struct FormatResult {
  bool ok() const { return std::holds_alternative<Layout>(result); }
  const Layout& layout() const { return std::get<Layout>(result); }
  const FormatError& error() const { return std::get<FormatError>(result); }
  Seq syntax;  // empty on a syntax error
  std::variant<Layout, FormatError> result;
};
FormatResult AnalyzeFormat(std::string_view format, Dialect dialect);

}  // namespace bufconf::format

#endif  // BUFCONF_REFERENCE_FORMAT_LAYOUT_H_
