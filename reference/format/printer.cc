#include "reference/format/printer.h"

namespace bufconf::format {

std::string PrintItem(const Item& item) {
  if (item.is_order()) return std::string(1, item.order);
  std::string out;
  for (const auto& dims : item.shapes) {
    out += '(';
    for (size_t i = 0; i < dims.size(); ++i) {
      if (i > 0) out += ',';
      out += std::to_string(dims[i]);
    }
    out += ')';
  }
  if (item.prefix_order != 0) out += item.prefix_order;
  if (item.count) out += std::to_string(*item.count);
  const Element& e = item.element;
  switch (e.kind) {
    case Element::Kind::kCode:
      out += e.code;
      break;
    case Element::Kind::kStruct:
      out += "T{" + Print(e.members) + "}";
      break;
    case Element::Kind::kPointer:
      out += "&" + Print(e.pointee);
      break;
    case Element::Kind::kFunction:
      out += "X{" + Print(e.members);
      if (e.has_arrow) out += "->" + Print(e.returns);
      out += "}";
      break;
  }
  if (item.name) out += ":" + *item.name + ":";
  return out;
}

std::string Print(const Seq& seq) {
  std::string out;
  for (const Item& item : seq) out += PrintItem(item);
  return out;
}

}  // namespace bufconf::format
