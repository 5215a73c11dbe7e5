// Canonical text of a parsed format: no whitespace, every part as written. Parsing the canonical
// text under the same dialect gives the same layout.
#ifndef BUFCONF_REFERENCE_FORMAT_PRINTER_H_
#define BUFCONF_REFERENCE_FORMAT_PRINTER_H_

#include <string>

#include "reference/format/ast.h"

namespace bufconf::format {

std::string Print(const Seq& seq);
std::string PrintItem(const Item& item);

}  // namespace bufconf::format

#endif  // BUFCONF_REFERENCE_FORMAT_PRINTER_H_
