// Text helpers shared by explain's model and its renderers. Everything printed or drawn goes
// through Printable: ASCII only, so neither a terminal nor an XML parser ever sees a control
// character or a broken UTF-8 sequence.
#ifndef BUFCONF_CONFORMANCE_EXPLAIN_TEXT_UTIL_H_
#define BUFCONF_CONFORMANCE_EXPLAIN_TEXT_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reference/layout/descriptor.h"

namespace bufconf::explain::internal {

using i128 = __int128;
using u128 = unsigned __int128;

// Lines of the terminal explanation are wrapped at this width.
inline constexpr size_t kTextWidth = 100;

// ASCII only, at most max_chars characters (then "...").
std::string Printable(std::string_view s, size_t max_chars = 80);
std::string Dec(i128 v);
std::string Hex(u128 v);
// An offset from buf: "buf+24", "buf-8".
std::string Rel(i128 offset);
std::string Plural(i128 n, const char* word);
// "(1,2)".
std::string IndexLabel(const std::vector<int64_t>& index);
std::string Ints(const std::vector<int64_t>& v);
std::string OptInts(const std::optional<std::vector<int64_t>>& v);
std::string Pad(const std::string& s, size_t width, bool right);
// Wraps every line longer than kTextWidth at a space (or anywhere, if it has none); the
// continuation is indented four columns past the line's own indentation.
std::string WrapLines(const std::string& text);
std::string RegionName(const layout::Region& r);

}  // namespace bufconf::explain::internal

#endif  // BUFCONF_CONFORMANCE_EXPLAIN_TEXT_UTIL_H_
