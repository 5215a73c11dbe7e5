#include "conformance/explain/text_util.h"

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace bufconf::explain::internal {

using layout::Region;

std::string Printable(std::string_view s, size_t max_chars) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (out.size() >= max_chars) {
      out += "...";
      break;
    }
    if (c == '\\') {
      out += "\\\\";
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string Dec(i128 v) {
  if (v == 0) return "0";
  const bool negative = v < 0;
  u128 u = negative ? -static_cast<u128>(v) : static_cast<u128>(v);
  std::string s;
  while (u != 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(u % 10)));
    u /= 10;
  }
  return negative ? "-" + s : s;
}

std::string Hex(u128 v) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s;
  do {
    s.insert(s.begin(), kDigits[static_cast<int>(v & 15)]);
    v >>= 4;
  } while (v != 0);
  return "0x" + s;
}

// An offset from buf: "buf+24", "buf-8".
std::string Rel(i128 offset) { return offset < 0 ? "buf" + Dec(offset) : "buf+" + Dec(offset); }

std::string Plural(i128 n, const char* word) { return Dec(n) + " " + word + (n == 1 ? "" : "s"); }

std::string IndexLabel(const std::vector<int64_t>& index) {
  std::string s = "(";
  for (size_t i = 0; i < index.size(); ++i) {
    if (i > 0) s += ",";
    s += std::to_string(index[i]);
    if (s.size() > 60) {
      s += ",...";
      break;
    }
  }
  return s + ")";
}

std::string Ints(const std::vector<int64_t>& v) {
  std::string s = "(";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(v[i]);
    if (s.size() > 60 && i + 1 < v.size()) {
      s += ", ...";
      break;
    }
  }
  return s + ")";
}

std::string OptInts(const std::optional<std::vector<int64_t>>& v) {
  return v ? Ints(*v) : std::string("NULL");
}

std::string Pad(const std::string& s, size_t width, bool right) {
  if (s.size() >= width) return s;
  return right ? std::string(width - s.size(), ' ') + s : s + std::string(width - s.size(), ' ');
}

// Wraps every line longer than kTextWidth at a space (or anywhere, if it has none); the
// continuation is indented four columns past the line's own indentation.
std::string WrapLines(const std::string& text) {
  std::string out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const size_t lead = line.find_first_not_of(' ');
    const size_t indent = std::min<size_t>(lead == std::string::npos ? 0 : lead, 40) + 4;
    bool first = true;
    while (line.size() > kTextWidth) {
      size_t cut = line.rfind(' ', kTextWidth);
      const size_t floor = first ? 0 : indent;
      if (cut == std::string::npos || cut <= floor + 10) cut = kTextWidth;
      out += line.substr(0, cut) + "\n";
      size_t rest = cut;
      while (rest < line.size() && line[rest] == ' ') ++rest;
      line = std::string(indent, ' ') + line.substr(rest);
      first = false;
    }
    out += line + "\n";
  }
  return out;
}

std::string RegionName(const Region& r) {
  return r.name.empty() ? "(unnamed)" : Printable(r.name, 40);
}

}  // namespace bufconf::explain::internal
