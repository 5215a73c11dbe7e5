// JSON forms of the format model's answers (the output of `bufconf format --json`).
#ifndef BUFCONF_REFERENCE_FORMAT_FORMAT_JSON_H_
#define BUFCONF_REFERENCE_FORMAT_FORMAT_JSON_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "reference/format/layout.h"

namespace bufconf::format {

// Format strings are bytes; JSON strings are Unicode. bufconf maps byte b to code point U+00bb
// both ways, so every byte string has a JSON form.
std::string BytesToJsonText(std::string_view bytes);
// The inverse; nullopt when a code point is above U+00FF (the message says which).
std::optional<std::string> JsonTextToBytes(std::string_view utf8, std::string* message);

nlohmann::ordered_json FieldToJson(const FieldLayout& field);

// {"format", "dialect", "itemsize", "alignment", "canonical", "fields"} or
// {"format", "dialect", "error": {"position", "message"}}.
nlohmann::ordered_json ResultToJson(std::string_view format, Dialect dialect,
                                    const FormatResult& result);

}  // namespace bufconf::format

#endif  // BUFCONF_REFERENCE_FORMAT_FORMAT_JSON_H_
