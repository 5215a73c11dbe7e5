#include "reference/layout/descriptor_json.h"

#include <cstdio>
#include <set>

#include "reference/format/format_json.h"

namespace bufconf::layout {
namespace {

using nlohmann::json;

int64_t Integer(const json& j, const std::string& field) {
  // nlohmann's is_number_integer() is true for unsigned values too: test unsigned first.
  if (j.is_number_unsigned()) {
    if (j.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      throw DescriptorJsonError(field, "integer " + j.dump() + " exceeds PY_SSIZE_T_MAX");
    }
    return static_cast<int64_t>(j.get<uint64_t>());
  }
  if (j.is_number_integer()) return j.get<int64_t>();
  if (j.is_number_float()) {
    throw DescriptorJsonError(field, "expected an integer, found the floating-point number " +
                                         j.dump() + " (write integers without '.' or 'e')");
  }
  throw DescriptorJsonError(field, std::string("expected an integer, found ") + j.type_name());
}

// An address: a non-negative integer or a "0x..." string; null is address 0 (NULL).
uint64_t Address(const json& j, const std::string& field) {
  if (j.is_null()) return 0;
  if (j.is_number_unsigned()) return j.get<uint64_t>();
  if (j.is_number_integer()) {
    if (j.get<int64_t>() < 0) throw DescriptorJsonError(field, "an address cannot be negative");
    return static_cast<uint64_t>(j.get<int64_t>());
  }
  if (j.is_string()) {
    const std::string s = j.get<std::string>();
    if (s.size() > 2 && s.size() <= 18 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
      uint64_t v = 0;
      for (size_t i = 2; i < s.size(); ++i) {
        const char c = s[i];
        int d = (c >= '0' && c <= '9')   ? c - '0'
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                         : -1;
        if (d < 0) throw DescriptorJsonError(field, "bad hex digit in address '" + s + "'");
        v = v << 4 | static_cast<uint64_t>(d);
      }
      return v;
    }
    throw DescriptorJsonError(field, "expected an address like \"0x1000\", found '" + s + "'");
  }
  throw DescriptorJsonError(field, std::string("expected an address, found ") + j.type_name());
}

std::optional<std::vector<int64_t>> IntArray(const json& j, const std::string& field) {
  if (j.is_null()) return std::nullopt;
  if (!j.is_array()) {
    throw DescriptorJsonError(field,
                              std::string("expected an array or null, found ") + j.type_name());
  }
  if (j.size() > static_cast<size_t>(kMaxNdim) * 4) {
    throw DescriptorJsonError(field, "has " + std::to_string(j.size()) + " entries");
  }
  std::vector<int64_t> out;
  for (size_t i = 0; i < j.size(); ++i) {
    out.push_back(Integer(j[i], field + "[" + std::to_string(i) + "]"));
  }
  return out;
}

std::vector<uint8_t> HexBytes(const json& j, const std::string& field) {
  if (!j.is_string()) throw DescriptorJsonError(field, "expected a hex string");
  const std::string s = j.get<std::string>();
  if (s.size() % 2 != 0) throw DescriptorJsonError(field, "hex string of odd length");
  if (s.size() / 2 > kMaxRegionBytes) throw DescriptorJsonError(field, "region too large");
  std::vector<uint8_t> out;
  for (size_t i = 0; i < s.size(); i += 2) {
    unsigned v;
    if (std::sscanf(s.substr(i, 2).c_str(), "%2x", &v) != 1 || !isxdigit(s[i]) ||
        !isxdigit(s[i + 1])) {
      throw DescriptorJsonError(field, "bad hex at character " + std::to_string(i));
    }
    out.push_back(static_cast<uint8_t>(v));
  }
  return out;
}

void CheckKeys(const json& j, const std::set<std::string>& allowed, const std::string& where) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (allowed.count(it.key()) == 0) {
      throw DescriptorJsonError(where + it.key(), "unknown field");
    }
  }
}

Region RegionFromJson(const json& j, const std::string& field) {
  if (!j.is_object()) throw DescriptorJsonError(field, "expected an object");
  CheckKeys(j, {"base", "bytes", "size", "pointers", "name"}, field + ".");
  Region r;
  if (!j.contains("base")) throw DescriptorJsonError(field + ".base", "missing");
  r.base = Address(j["base"], field + ".base");
  r.name = field;
  if (j.contains("name")) {
    if (!j["name"].is_string()) throw DescriptorJsonError(field + ".name", "expected a string");
    r.name = j["name"].get<std::string>();
  }
  const int ways = j.contains("bytes") + j.contains("size") + j.contains("pointers");
  if (ways != 1) {
    throw DescriptorJsonError(field, "give exactly one of \"bytes\", \"size\", \"pointers\"");
  }
  if (j.contains("bytes")) r.bytes = HexBytes(j["bytes"], field + ".bytes");
  if (j.contains("size")) {
    const int64_t size = Integer(j["size"], field + ".size");
    if (size < 0 || static_cast<uint64_t>(size) > kMaxRegionBytes) {
      throw DescriptorJsonError(field + ".size", "must be 0.." + std::to_string(kMaxRegionBytes));
    }
    r.bytes.assign(static_cast<size_t>(size), 0);
  }
  if (j.contains("pointers")) {
    const json& p = j["pointers"];
    if (!p.is_array() || p.size() > kMaxRegionBytes / 8) {
      throw DescriptorJsonError(field + ".pointers", "expected an array of addresses");
    }
    for (size_t i = 0; i < p.size(); ++i) {
      uint64_t a = Address(p[i], field + ".pointers[" + std::to_string(i) + "]");
      for (int b = 0; b < 8; ++b) r.bytes.push_back(static_cast<uint8_t>(a >> (8 * b)));
    }
  }
  return r;
}

}  // namespace

DescriptorFile DescriptorFromJson(const json& j) {
  if (!j.is_object()) {
    throw DescriptorJsonError("(top)", std::string("expected an object, found ") + j.type_name());
  }
  CheckKeys(j,
            {"buf", "len", "itemsize", "readonly", "ndim", "format", "shape", "strides",
             "suboffsets", "memory", "obj", "internal", "comment"},
            "");
  for (const char* required : {"buf", "len", "itemsize", "ndim"}) {
    if (!j.contains(required)) throw DescriptorJsonError(required, "missing");
  }
  DescriptorFile out;
  Descriptor& v = out.view;
  v.buf = Address(j["buf"], "buf");
  v.len = Integer(j["len"], "len");
  v.itemsize = Integer(j["itemsize"], "itemsize");
  v.ndim = Integer(j["ndim"], "ndim");
  if (j.contains("readonly")) {
    const json& r = j["readonly"];
    if (r.is_boolean()) {
      v.readonly = r.get<bool>() ? 1 : 0;
    } else {
      const int64_t ro = Integer(r, "readonly");
      if (ro < INT32_MIN || ro > INT32_MAX) throw DescriptorJsonError("readonly", "not an int");
      v.readonly = static_cast<int>(ro);
    }
  }
  if (j.contains("format") && !j["format"].is_null()) {
    if (!j["format"].is_string()) throw DescriptorJsonError("format", "expected a string or null");
    std::string message;
    auto bytes = format::JsonTextToBytes(j["format"].get<std::string>(), &message);
    if (!bytes) throw DescriptorJsonError("format", message);
    v.format = *bytes;
  }
  if (j.contains("shape")) v.shape = IntArray(j["shape"], "shape");
  if (j.contains("strides")) v.strides = IntArray(j["strides"], "strides");
  if (j.contains("suboffsets")) v.suboffsets = IntArray(j["suboffsets"], "suboffsets");
  if (j.contains("memory") && !j["memory"].is_null()) {
    const json& m = j["memory"];
    if (!m.is_array()) throw DescriptorJsonError("memory", "expected an array of regions");
    Memory memory;
    uint64_t total = 0;
    for (size_t i = 0; i < m.size(); ++i) {
      const std::string field = "memory[" + std::to_string(i) + "]";
      Region r = RegionFromJson(m[i], field);
      total += r.bytes.size();
      if (total > kMaxRegionBytes) throw DescriptorJsonError(field, "memory too large in total");
      try {
        memory.AddRegion(std::move(r));
      } catch (const std::invalid_argument& e) {
        throw DescriptorJsonError(field, e.what());
      }
    }
    out.memory = std::move(memory);
  }
  return out;
}

nlohmann::ordered_json DescriptorToJson(const Descriptor& v, const Memory* memory) {
  nlohmann::ordered_json j;
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v.buf));
  j["buf"] = v.buf == 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(buf);
  j["len"] = v.len;
  j["itemsize"] = v.itemsize;
  j["readonly"] = v.readonly;
  j["ndim"] = v.ndim;
  j["format"] = v.format ? nlohmann::ordered_json(format::BytesToJsonText(*v.format))
                         : nlohmann::ordered_json(nullptr);
  auto array = [](const std::optional<std::vector<int64_t>>& a) {
    return a ? nlohmann::ordered_json(*a) : nlohmann::ordered_json(nullptr);
  };
  j["shape"] = array(v.shape);
  j["strides"] = array(v.strides);
  j["suboffsets"] = array(v.suboffsets);
  if (memory != nullptr) {
    j["memory"] = nlohmann::ordered_json::array();
    for (const Region& r : memory->regions()) {
      std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(r.base));
      std::string hex;
      for (uint8_t b : r.bytes) {
        char h[3];
        std::snprintf(h, sizeof h, "%02x", b);
        hex += h;
      }
      j["memory"].push_back({{"base", buf}, {"bytes", hex}, {"name", r.name}});
    }
  }
  return j;
}

}  // namespace bufconf::layout
