// The JSON form of a descriptor and its memory (docs/descriptor.md), read strictly: any field of
// the wrong type, an unknown field, or an absurd size is an error that names the field.
#ifndef BUFCONF_REFERENCE_LAYOUT_DESCRIPTOR_JSON_H_
#define BUFCONF_REFERENCE_LAYOUT_DESCRIPTOR_JSON_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "reference/layout/descriptor.h"

namespace bufconf::layout {

// Unreadable input: `field` is the JSON path of the culprit ("shape[2]", "memory[0].bytes").
class DescriptorJsonError : public std::runtime_error {
 public:
  DescriptorJsonError(const std::string& field, const std::string& message)
      : std::runtime_error(field + ": " + message), field_(field) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

// The largest memory region a descriptor file may declare (keeps the checker's memory bounded).
inline constexpr uint64_t kMaxRegionBytes = uint64_t{1} << 28;

struct DescriptorFile {
  Descriptor view;
  std::optional<Memory> memory;  // absent when the file declares no memory
};

DescriptorFile DescriptorFromJson(const nlohmann::json& j);

// DescriptorFromJson(nlohmann::json::parse(text)), with the same results and errors, except that
// the pointer tables ("memory[i].pointers") are decoded as they are parsed: 8 bytes a pointer, not
// a JSON document of about 80 bytes a pointer (3 M pointers: 24 MiB, not 250 MB); and stricter:
// a key given twice in one object throws DescriptorJsonError ("ndim: duplicate key 'ndim'"), where
// the document keeps the last. std::nullopt when `text` is not valid JSON (all of it: a NUL byte
// anywhere is invalid, not the end), with the reason and its byte offset in `*json_error` when
// given ("a number out of range (...) at byte 70, in field len", "a NUL byte at byte 9"); throws
// DescriptorJsonError like DescriptorFromJson.
std::optional<DescriptorFile> DescriptorFromJsonText(std::string_view text,
                                                     std::string* json_error = nullptr);
nlohmann::ordered_json DescriptorToJson(const Descriptor& view, const Memory* memory);

}  // namespace bufconf::layout

#endif  // BUFCONF_REFERENCE_LAYOUT_DESCRIPTOR_JSON_H_
