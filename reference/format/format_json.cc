#include "reference/format/format_json.h"

#include "reference/format/printer.h"

namespace bufconf::format {

std::string BytesToJsonText(std::string_view bytes) {
  std::string out;
  for (char c : bytes) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x80) {
      out += c;
    } else {
      out += static_cast<char>(0xc0 | (u >> 6));
      out += static_cast<char>(0x80 | (u & 0x3f));
    }
  }
  return out;
}

std::optional<std::string> JsonTextToBytes(std::string_view utf8, std::string* message) {
  std::string out;
  for (size_t i = 0; i < utf8.size(); ++i) {
    unsigned char u = static_cast<unsigned char>(utf8[i]);
    if (u < 0x80) {
      out += static_cast<char>(u);
    } else if ((u == 0xc2 || u == 0xc3) && i + 1 < utf8.size()) {
      unsigned char next = static_cast<unsigned char>(utf8[++i]);
      out += static_cast<char>(((u & 0x1f) << 6) | (next & 0x3f));
    } else {
      if (message != nullptr) {
        *message = "character at byte " + std::to_string(i) +
                   " is above U+00FF; formats are bytes: write byte b as \\u00bb";
      }
      return std::nullopt;
    }
  }
  return out;
}

nlohmann::ordered_json FieldToJson(const FieldLayout& f) {
  nlohmann::ordered_json j;
  j["name"] =
      f.named ? nlohmann::ordered_json(BytesToJsonText(f.name)) : nlohmann::ordered_json(nullptr);
  j["code"] = f.code;
  j["offset"] = f.offset;
  j["size"] = f.size;
  j["stride"] = f.stride;
  j["extent"] = f.extent;
  j["alignment"] = f.alignment;
  j["shape"] = f.shape;
  j["mode"] = std::string(1, f.mode);
  j["byte_order"] = f.byte_order == '<' ? "little" : "big";
  j["padding"] = f.padding;
  if (f.code == "t") j["bits"] = f.bits;
  if (f.code == "T") {
    j["fields"] = nlohmann::ordered_json::array();
    for (const FieldLayout& m : f.members) j["fields"].push_back(FieldToJson(m));
  }
  if (f.code == "&") {
    j["pointee"] = nlohmann::ordered_json::array();
    for (const FieldLayout& m : f.pointee) j["pointee"].push_back(FieldToJson(m));
  }
  return j;
}

nlohmann::ordered_json ResultToJson(std::string_view format, Dialect dialect,
                                    const FormatResult& r) {
  nlohmann::ordered_json j;
  j["format"] = BytesToJsonText(format);
  j["dialect"] = DialectName(dialect);
  if (!r.ok()) {
    j["error"] = {{"position", r.error().position},
                  {"message", BytesToJsonText(r.error().message)}};
    // Not a verdict on the format: bufconf's own limit (kMaxItems, kMaxNesting).
    if (r.error().beyond_limit) j["error"]["beyond_limit"] = true;
    return j;
  }
  j["itemsize"] = r.layout().itemsize;
  j["alignment"] = r.layout().alignment;
  j["canonical"] = BytesToJsonText(Print(r.syntax));
  j["fields"] = nlohmann::ordered_json::array();
  for (const FieldLayout& f : r.layout().fields) j["fields"].push_back(FieldToJson(f));
  return j;
}

}  // namespace bufconf::format
