// The abstract syntax of a buffer format string (PEP 3118, "Additions to the struct
// string-syntax"), shared by all dialects. A dialect restricts what the parser accepts and how
// the layout is computed; the tree itself is the same.
//
//   format  = seq
//   seq     = { item }
//   item    = order                                   (sticky byte-order / mode switch)
//           | field
//   field   = { shape } [ order ] [ count ] element [ ":" name ":" ]
//   element = code | "T{" seq "}" | "&" field | "X{" [ seq ] [ "->" seq ] "}"
#ifndef BUFCONF_REFERENCE_FORMAT_AST_H_
#define BUFCONF_REFERENCE_FORMAT_AST_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bufconf::format {

struct Item;

struct Element {
  enum class Kind { kCode, kStruct, kPointer, kFunction };
  Kind kind = Kind::kCode;
  std::string code;           // kCode: "i", "Zd", "s", ...
  std::vector<Item> members;  // kStruct: the members; kFunction: the arguments
  std::vector<Item> returns;  // kFunction: what follows "->"
  bool has_arrow = false;     // kFunction: "->" was written
  std::vector<Item> pointee;  // kPointer: exactly one field item
};

struct Item {
  size_t position = 0;  // byte offset of the item in the format string
  // An order item: one of @ = < > ! ^. Zero for a field.
  char order = 0;
  // Field parts, in source order.
  std::vector<std::vector<uint64_t>> shapes;  // each "(k1,...,kn)" prefix
  char prefix_order = 0;                      // an order mark between shape and count
  std::optional<uint64_t> count;
  Element element;
  std::optional<std::string> name;

  bool is_order() const { return order != 0; }
};

using Seq = std::vector<Item>;

}  // namespace bufconf::format

#endif  // BUFCONF_REFERENCE_FORMAT_AST_H_
