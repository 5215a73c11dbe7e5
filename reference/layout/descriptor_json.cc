#include "reference/layout/descriptor_json.h"

#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <utility>
#include <vector>

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

// The address a "0x..." string spells; false and the message when it spells none.
bool HexAddress(const std::string& s, uint64_t* out, std::string* error) {
  if (s.size() > 2 && s.size() <= 18 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    uint64_t v = 0;
    for (size_t i = 2; i < s.size(); ++i) {
      const char c = s[i];
      int d = (c >= '0' && c <= '9')   ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                       : -1;
      if (d < 0) {
        *error = "bad hex digit in address '" + s + "'";
        return false;
      }
      v = v << 4 | static_cast<uint64_t>(d);
    }
    *out = v;
    return true;
  }
  *error = "expected an address like \"0x1000\", found '" + s + "'";
  return false;
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
    uint64_t v = 0;
    std::string error;
    if (!HexAddress(j.get_ref<const std::string&>(), &v, &error)) {
      throw DescriptorJsonError(field, error);
    }
    return v;
  }
  throw DescriptorJsonError(field, std::string("expected an address, found ") + j.type_name());
}

// The most entries a "pointers" array may have (kMaxRegionBytes of pointers).
constexpr size_t kMaxPointers = kMaxRegionBytes / 8;

void AppendPointer(uint64_t a, std::vector<uint8_t>* bytes) {
  for (int b = 0; b < 8; ++b) bytes->push_back(static_cast<uint8_t>(a >> (8 * b)));
}

// A "pointers" array decoded while parsing (DescriptorFromJsonText): its entries' bytes, kept
// while every entry so far is an address and there are at most kMaxPointers; else the first bad
// entry, whose error RegionFromJson throws where it would have met the entry in the document.
struct PointerTable {
  std::vector<uint8_t> bytes;
  size_t count = 0;       // entries
  size_t bad = SIZE_MAX;  // the first entry that is not an address
  std::string message;    // its error, without the field

  void Add(uint64_t a) {
    if (++count <= kMaxPointers && bad == SIZE_MAX) {
      AppendPointer(a, &bytes);
    } else {
      Drop();
    }
  }
  void AddBad(const std::string& why) {
    if (bad == SIZE_MAX) {
      bad = count;
      message = why;
      Drop();
    }
    ++count;
  }
  void Drop() {
    bytes.clear();
    bytes.shrink_to_fit();
  }
};

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

// `tables`: the pointer tables DescriptorFromJsonText decoded (a binary value in the document
// stands for one: its subtype is the index); nullptr for an ordinary document.
Region RegionFromJson(const json& j, const std::string& field, std::vector<PointerTable>* tables) {
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
    const std::string where = field + ".pointers";
    if (tables != nullptr && p.is_binary()) {
      PointerTable& t = tables->at(static_cast<size_t>(p.get_binary().subtype()));
      if (t.count > kMaxPointers) {
        throw DescriptorJsonError(where, "expected an array of addresses");
      }
      if (t.bad != SIZE_MAX) {
        throw DescriptorJsonError(where + "[" + std::to_string(t.bad) + "]", t.message);
      }
      r.bytes = std::move(t.bytes);
      return r;
    }
    if (!p.is_array() || p.size() > kMaxPointers) {
      throw DescriptorJsonError(where, "expected an array of addresses");
    }
    for (size_t i = 0; i < p.size(); ++i) {
      AppendPointer(Address(p[i], where + "[" + std::to_string(i) + "]"), &r.bytes);
    }
  }
  return r;
}

DescriptorFile Read(const json& j, std::vector<PointerTable>* tables) {
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
      Region r = RegionFromJson(m[i], field, tables);
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

// `text` with every byte outside printable ASCII as \xNN: nlohmann's messages quote the bytes
// last read ("last read: '\"\xff'"), which may be no UTF-8 (a JSON report of them would throw).
std::string Printable(const std::string& text) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", u);
      out += hex;
    }
  }
  return out;
}

// Builds the document as nlohmann::json::parse does, except a "pointers" array of a region
// ("memory[i].pointers") is decoded into a PointerTable as it is parsed and stands in the
// document as a binary value whose subtype is the table's index; a key given twice in an object
// throws DescriptorJsonError (the document would keep the last one silently); a parse error is
// kept, with the path of the value it is in ("a number out of range", "len").
class DescriptorSax {
 public:
  explicit DescriptorSax(json* root) : dom_(*root, /*allow_exceptions=*/false) {}
  std::vector<PointerTable>& tables() { return tables_; }
  // The parse error, "" when there was none.
  const std::string& error() const { return error_; }

  bool null() { return in_table_ ? Entry(0) : (Value(), dom_.null()); }
  bool boolean(bool v) {
    return in_table_ ? Bad("expected an address, found boolean") : (Value(), dom_.boolean(v));
  }
  bool number_integer(json::number_integer_t v) {
    if (!in_table_) return Value(), dom_.number_integer(v);
    return v < 0 ? Bad("an address cannot be negative") : Entry(static_cast<uint64_t>(v));
  }
  bool number_unsigned(json::number_unsigned_t v) {
    return in_table_ ? Entry(v) : (Value(), dom_.number_unsigned(v));
  }
  bool number_float(json::number_float_t v, const json::string_t& text) {
    return in_table_ ? Bad("expected an address, found number")
                     : (Value(), dom_.number_float(v, text));
  }
  bool string(json::string_t& s) {
    if (!in_table_) return Value(), dom_.string(s);
    uint64_t a = 0;
    std::string error;
    return HexAddress(s, &a, &error) ? Entry(a) : Bad(error);
  }
  bool binary(json::binary_t& b) {
    return in_table_ ? Bad("expected an address, found binary") : (Value(), dom_.binary(b));
  }
  bool key(json::string_t& k) {
    if (in_table_) return true;
    Frame& f = frames_.back();
    if (!f.keys.insert(k).second) {
      throw DescriptorJsonError(Child(f.path, k), "duplicate key '" + k + "'");
    }
    f.key = k;
    f.special_key =
        (f.role == Role::kTop && k == "memory") || (f.role == Role::kRegion && k == "pointers");
    return dom_.key(k);
  }
  bool start_object(std::size_t n) {
    if (in_table_) return Open("expected an address, found object");
    const bool region = !frames_.empty() && frames_.back().role == Role::kMemory;
    const std::string path = Where();
    Value();
    Push(frames_.empty() ? Role::kTop : region ? Role::kRegion : Role::kOther, path, false);
    return dom_.start_object(n);
  }
  bool start_array(std::size_t n) {
    if (in_table_) return Open("expected an address, found array");
    const bool special = !frames_.empty() && frames_.back().special_key;
    const std::string path = Where();
    Value();
    if (special && frames_.back().role == Role::kRegion) {
      in_table_ = true;
      tables_.emplace_back();
      return true;
    }
    Push(special ? Role::kMemory : Role::kOther, path, true);
    return dom_.start_array(n);
  }
  bool end_object() {
    if (in_table_) return Close();
    frames_.pop_back();
    return dom_.end_object();
  }
  bool end_array() {
    if (in_table_) {
      if (nesting_ > 0) return Close();
      in_table_ = false;
      json::binary_t placeholder;
      placeholder.set_subtype(tables_.size() - 1);
      return dom_.binary(placeholder);
    }
    frames_.pop_back();
    return dom_.end_array();
  }
  bool parse_error(std::size_t position, const std::string& token, const json::exception& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ..." without the tag.
    std::string what = Printable(e.what());
    if (const size_t at = what.find("] "); at != std::string::npos) what.erase(0, at + 2);
    // nlohmann's position counts the bytes read, the culprit's last one included.
    const std::string byte = std::to_string(position > 0 ? position - 1 : 0);
    if (e.id == 406) {
      // The number is the token just read: where it starts.
      const size_t start = position >= token.size() ? position - token.size() : 0;
      error_ = "a number out of range (" + what + ") at byte " + std::to_string(start);
    } else {
      error_ = what + " (byte " + byte + ")";
    }
    const std::string where = in_table_ ? "" : Where();
    if (!where.empty()) error_ += ", in field " + where;
    return dom_.parse_error(position, token, e);
  }

 private:
  // kTop: the descriptor; kMemory: its "memory" array; kRegion: an object in that array.
  enum class Role { kTop, kMemory, kRegion, kOther };
  struct Frame {
    Role role = Role::kOther;
    bool special_key = false;  // the current key is "memory" (kTop) or "pointers" (kRegion)
    std::string path;          // the container's path ("" at the top, "memory[0]")
    bool array = false;
    size_t index = 0;            // an array's entries so far
    std::string key;             // an object's current key
    std::set<std::string> keys;  // an object's keys so far
  };

  void Push(Role role, const std::string& path, bool array) {
    frames_.emplace_back();
    frames_.back().role = role;
    frames_.back().path = path;
    frames_.back().array = array;
  }
  static std::string Child(const std::string& path, const std::string& key) {
    return path.empty() || key.empty() ? path + key : path + "." + key;
  }
  // The path of the value being parsed (the next one in the innermost container).
  std::string Where() const {
    if (frames_.empty()) return "";
    const Frame& f = frames_.back();
    return f.array ? f.path + "[" + std::to_string(f.index) + "]" : Child(f.path, f.key);
  }
  // A value was met in the innermost container (an error after it is not in its field).
  void Value() {
    if (frames_.empty()) return;
    if (frames_.back().array) {
      ++frames_.back().index;
    } else {
      frames_.back().key.clear();
    }
  }

  // A pointer table's entry (at nesting 0; what is inside a bad entry is skipped).
  bool Entry(uint64_t a) {
    if (nesting_ == 0) tables_.back().Add(a);
    return true;
  }
  bool Bad(const std::string& why) {
    if (nesting_ == 0) tables_.back().AddBad(why);
    return true;
  }
  bool Open(const char* why) {
    Bad(why);
    ++nesting_;
    return true;
  }
  bool Close() {
    --nesting_;
    return true;
  }

  nlohmann::detail::json_sax_dom_parser<json> dom_;  // what nlohmann::json::parse builds with
  std::vector<Frame> frames_;
  std::vector<PointerTable> tables_;
  bool in_table_ = false;
  size_t nesting_ = 0;  // containers open inside the current table's entry
  std::string error_;
};

}  // namespace

DescriptorFile DescriptorFromJson(const json& j) { return Read(j, nullptr); }

std::optional<DescriptorFile> DescriptorFromJsonText(std::string_view text,
                                                     std::string* json_error) {
  // nlohmann's lexer takes a NUL byte for the end of the input: what follows one would be
  // ignored. A NUL byte is never valid JSON outside a string, and never valid inside one.
  if (const size_t nul = text.find('\0'); nul != std::string_view::npos) {
    if (json_error != nullptr) *json_error = "a NUL byte at byte " + std::to_string(nul);
    return std::nullopt;
  }
  json document;
  DescriptorSax sax(&document);
  if (!json::sax_parse(text.begin(), text.end(), &sax)) {
    if (json_error != nullptr) *json_error = sax.error();
    return std::nullopt;
  }
  return Read(document, &sax.tables());
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
