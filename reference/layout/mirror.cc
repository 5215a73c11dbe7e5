#include "reference/layout/mirror.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "reference/format/layout.h"
#include "reference/layout/addressing.h"
#include "reference/layout/contiguity.h"

namespace bufconf::layout {
namespace {

constexpr int64_t kMaxListNodes = int64_t{1} << 26;

char IterationOrder(char order) { return order == 'F' ? 'F' : 'C'; }

void CheckOrder(char order) {
  if (order != 'C' && order != 'F' && order != 'A') {
    throw ArgumentError(std::string("order must be 'C', 'F' or 'A', not '") + order + "'");
  }
}

// The element addresses of the view in `order` ('C' or 'F').
std::vector<uint64_t> Addresses(const Descriptor& view, const Memory& memory, char order) {
  return ElementAddresses(Expand(view), memory, order);
}

// The C-order element list as nested arrays, one level per dimension of `shape`.
format::Value Nest(const std::vector<int64_t>& shape, size_t dim,
                   const std::vector<format::Value>& elements, size_t& next) {
  if (dim == shape.size()) return elements.at(next++);
  format::Value array;
  array.shape = format::Value::Shape::kArray;
  for (int64_t i = 0; i < shape[dim]; ++i)
    array.items.push_back(Nest(shape, dim + 1, elements, next));
  return array;
}

}  // namespace

std::vector<uint8_t> ToContiguous(const Descriptor& view, const Memory& memory, int64_t len,
                                  char order) {
  CheckOrder(order);
  if (len != view.len) {
    throw ArgumentError("len " + std::to_string(len) + " != view.len " + std::to_string(view.len));
  }
  if (len < 0) throw ArgumentError("view.len is negative");
  if (IsContiguous(view, order)) {
    const uint8_t* p = memory.Read(view.buf, static_cast<uint64_t>(len));
    return std::vector<uint8_t>(p, p + len);
  }
  std::vector<uint8_t> out;
  const uint64_t itemsize = static_cast<uint64_t>(Expand(view).itemsize);  // NULL shape: bytes
  for (uint64_t address : Addresses(view, memory, IterationOrder(order))) {
    const uint8_t* p = memory.Read(address, itemsize);
    out.insert(out.end(), p, p + itemsize);
  }
  return out;
}

void FromContiguous(const Descriptor& view, Memory& memory, const std::vector<uint8_t>& bytes,
                    char order) {
  CheckOrder(order);
  if (static_cast<int64_t>(bytes.size()) != view.len) {
    throw ArgumentError("len " + std::to_string(bytes.size()) + " != view.len " +
                        std::to_string(view.len));
  }
  if (IsContiguous(view, order)) {
    if (!bytes.empty())
      std::memcpy(memory.Write(view.buf, bytes.size()), bytes.data(), bytes.size());
    return;
  }
  const uint64_t itemsize = static_cast<uint64_t>(Expand(view).itemsize);  // NULL shape: bytes
  const std::vector<uint64_t> addresses = Addresses(view, memory, IterationOrder(order));
  if (addresses.size() * itemsize != bytes.size()) {
    throw ArgumentError("view.len does not match product(shape) * itemsize");
  }
  for (size_t e = 0; e < addresses.size(); ++e) {
    if (itemsize > 0)
      std::memcpy(memory.Write(addresses[e], itemsize), &bytes[e * itemsize], itemsize);
  }
}

void CopyData(const Descriptor& dest, Memory& dest_memory, const Descriptor& src,
              const Memory& src_memory) {
  const FullView d = Expand(dest);
  const FullView s = Expand(src);
  if (d.shape != s.shape) throw ArgumentError("destination and source shapes differ");
  if (d.itemsize != s.itemsize) throw ArgumentError("destination and source itemsizes differ");
  const uint64_t itemsize = static_cast<uint64_t>(s.itemsize);
  // Read everything first, then write: correct when the two views overlap.
  std::vector<uint8_t> staged;
  for (uint64_t address : ElementAddresses(s, src_memory, 'C')) {
    const uint8_t* p = src_memory.Read(address, itemsize);
    staged.insert(staged.end(), p, p + itemsize);
  }
  const std::vector<uint64_t> targets = ElementAddresses(d, dest_memory, 'C');
  for (size_t e = 0; e < targets.size(); ++e) {
    if (itemsize > 0) {
      std::memcpy(dest_memory.Write(targets[e], itemsize), &staged[e * itemsize], itemsize);
    }
  }
}

format::Value ToList(const Descriptor& view, const Memory& memory, format::Dialect dialect) {
  // NULL shape (a non-ND request): len unsigned bytes, whatever format and itemsize say.
  const bool bytes_only = !view.shape && view.ndim > 0;
  const std::string text = bytes_only ? "B" : view.format.value_or("B");
  const format::FormatResult parsed = format::AnalyzeFormat(text, dialect);
  if (!parsed.ok()) throw ArgumentError("format '" + text + "': " + parsed.error().message);
  const format::Layout& layout = parsed.layout();
  if (static_cast<int64_t>(layout.itemsize) != (bytes_only ? 1 : view.itemsize)) {
    throw ArgumentError("format '" + text + "' has itemsize " + std::to_string(layout.itemsize) +
                        ", the view " + std::to_string(view.itemsize));
  }
  const FullView full = Expand(view);
  // An empty view can still have many empty rows ((2**40, 0) has 2**40): refuse absurd ones.
  int64_t rows = 1;
  for (int64_t extent : full.shape) {
    if (extent == 0) break;
    rows = MulIndex(rows, extent);
    if (rows > kMaxListNodes) throw ArgumentError("the view has too many elements to list");
  }
  std::vector<format::Value> elements;
  for (uint64_t address : ElementAddresses(full, memory, 'C')) {
    format::Value item = format::DecodeItem(layout, memory.Read(address, layout.itemsize));
    // One field: the element is that field's value (memoryview.tolist gives 1, not (1,)).
    elements.push_back(item.items.size() == 1 ? item.items[0] : item);
  }
  size_t next = 0;
  return Nest(full.shape, 0, elements, next);
}

bool BitwiseEqual(const Descriptor& a, const Memory& a_memory, const Descriptor& b,
                  const Memory& b_memory) {
  const FullView fa = Expand(a);
  const FullView fb = Expand(b);
  if (fa.shape != fb.shape) return false;
  return ToList(a, a_memory) == ToList(b, b_memory);
}

namespace {

// A value struct.unpack gives, as Python compares it: an int (any size, bools as 0/1), a float
// (every struct float is a double) or bytes.
struct PyScalar {
  enum class Type { kInt, kFloat, kBytes };
  Type type = Type::kInt;
  bool negative = false;  // kInt: the value is -magnitude if negative, else magnitude
  uint64_t magnitude = 0;
  double real = 0;             // kFloat
  std::vector<uint8_t> bytes;  // kBytes
};

PyScalar PyInt(bool negative, uint64_t magnitude) {
  PyScalar s;
  s.negative = negative && magnitude != 0;
  s.magnitude = magnitude;
  return s;
}

// The values struct.unpack gives for one decoded item, in order (arrays flattened, as '3i').
void Flatten(const format::Value& v, std::vector<PyScalar>& out) {
  using format::ValueKind;
  if (v.shape != format::Value::Shape::kScalar) {
    for (const format::Value& item : v.items) Flatten(item, out);
    return;
  }
  PyScalar s;
  switch (v.kind) {
    case ValueKind::kSigned: {
      const int64_t x = v.AsSigned();
      // 0 - u is defined for unsigned u: the magnitude of INT64_MIN too.
      s = x < 0 ? PyInt(true, uint64_t{0} - static_cast<uint64_t>(x))
                : PyInt(false, static_cast<uint64_t>(x));
      break;
    }
    case ValueKind::kUnsigned:
    case ValueKind::kPointer:
      s = PyInt(false, v.AsUnsigned());
      break;
    case ValueKind::kBool: {  // struct: the truth of the byte
      bool truth = false;
      for (uint8_t byte : v.bytes) truth = truth || byte != 0;
      s = PyInt(false, truth ? 1 : 0);
      break;
    }
    case ValueKind::kFloat:  // e, f, d: exact in a double
      s.type = PyScalar::Type::kFloat;
      s.real = static_cast<double>(v.AsFloat());
      break;
    case ValueKind::kChar:
      s.type = PyScalar::Type::kBytes;
      s.bytes = v.bytes;
      break;
    case ValueKind::kBytes:
      s.type = PyScalar::Type::kBytes;
      if (v.code == "p") {
        // Pascal string: the first byte is the length, at most count - 1 (_struct.c). With a
        // count of 0 the length is -1: PyBytes_FromStringAndSize raises SystemError.
        if (v.bytes.empty()) throw ArgumentError("format code '0p': SystemError in CPython");
        const size_t used = std::min<size_t>(v.bytes[0], v.bytes.size() - 1);
        s.bytes.assign(v.bytes.begin() + 1, v.bytes.begin() + 1 + static_cast<ptrdiff_t>(used));
      } else {
        s.bytes = v.bytes;
      }
      break;
    default:  // no other kind is in the struct dialect
      throw ArgumentError("format code '" + v.code + "' is not a struct code");
  }
  out.push_back(s);
}

// Python's int == float: exact (no rounding of the int); never equal to inf or NaN.
bool IntEqualsFloat(const PyScalar& i, double f) {
  if (!std::isfinite(f) || std::trunc(f) != f) return false;
  const double magnitude = std::fabs(f);
  if (magnitude >= 0x1p64) return false;  // beyond every struct integer
  return i.negative == (f < 0) && i.magnitude == static_cast<uint64_t>(magnitude);
}

// Python's == on two unpacked values.
bool PyEqual(const PyScalar& x, const PyScalar& y) {
  using Type = PyScalar::Type;
  if (x.type == Type::kBytes || y.type == Type::kBytes) {
    return x.type == y.type && x.bytes == y.bytes;
  }
  if (x.type == Type::kFloat && y.type == Type::kFloat) return x.real == y.real;
  if (x.type == Type::kInt && y.type == Type::kInt) {
    return x.negative == y.negative && x.magnitude == y.magnitude;
  }
  return x.type == Type::kInt ? IntEqualsFloat(x, y.real) : IntEqualsFloat(y, x.real);
}

// The format a consumer reads: NULL is "B"; a C string ends at its first NUL.
std::string CFormat(const Descriptor& view) {
  // NULL shape (never a memoryview's): len unsigned bytes, as Expand reads it.
  if (!view.shape && view.ndim > 0) return "B";
  const std::string text = view.format.value_or("B");
  return text.substr(0, text.find('\0'));
}

// memoryview's fast-path code (get_native_fmtchar of 3.11): one native code, optionally after
// '@'. 3.11 has no 'e' here, so 'e' goes through struct (observable only when the itemsize is
// below 2: struct then raises).
char NativeCode(const std::string& format) {
  const std::string code = !format.empty() && format[0] == '@' ? format.substr(1) : format;
  if (code.size() == 1 && std::string("cbBhHiIlLqQnNfd?P").find(code[0]) != std::string::npos) {
    return code[0];
  }
  return 0;
}

// memoryview's unpack of one element through struct: `itemsize` bytes at `address`, decoded as
// struct.Struct(format).unpack_from does.
std::vector<PyScalar> StructUnpack(const format::Layout& layout, int64_t itemsize,
                                   const Memory& memory, uint64_t address) {
  if (layout.itemsize > static_cast<uint64_t>(itemsize)) {
    throw ArgumentError("struct.error: the format needs " + std::to_string(layout.itemsize) +
                        " bytes, the item has " + std::to_string(itemsize));
  }
  const uint8_t* item = memory.Read(address, static_cast<uint64_t>(itemsize));
  std::vector<PyScalar> values;
  Flatten(format::DecodeItem(layout, item), values);
  return values;
}

}  // namespace

bool MemoryviewEqual(const Descriptor& a, const Memory& a_memory, const Descriptor& b,
                     const Memory& b_memory) {
  const FullView fa = Expand(a);
  const FullView fb = Expand(b);
  // equiv_shape: ndim, then the extents up to and including the first 0.
  if (fa.shape.size() != fb.shape.size()) return false;
  for (size_t i = 0; i < fa.shape.size(); ++i) {
    if (fa.shape[i] != fb.shape[i]) return false;
    if (fa.shape[i] == 0) break;
  }
  const std::string format_a = CFormat(a);
  const std::string format_b = CFormat(b);
  const char code = NativeCode(format_a);
  const bool fast = code != 0 && code == NativeCode(format_b);
  format::Layout layout_a;
  format::Layout layout_b;
  uint64_t native_size = 0;
  if (fast) {
    native_size =
        format::AnalyzeFormat(std::string(1, code), format::Dialect::kStruct).layout().itemsize;
  } else {
    // struct rejects a format: StructError, which memoryview turns into "not equal".
    const format::FormatResult pa = format::AnalyzeFormat(format_a, format::Dialect::kStruct);
    const format::FormatResult pb = format::AnalyzeFormat(format_b, format::Dialect::kStruct);
    if (!pa.ok() || !pb.ok()) return false;
    layout_a = pa.layout();
    layout_b = pb.layout();
  }
  // Shapes equal up to the first 0: both have no element, or the same shape.
  const std::vector<uint64_t> pa = ElementAddresses(fa, a_memory, 'C');
  const std::vector<uint64_t> pb = ElementAddresses(fb, b_memory, 'C');
  if (pa.size() != pb.size()) throw std::logic_error("equal shapes with different sizes");
  for (size_t e = 0; e < pa.size(); ++e) {
    bool equal = true;
    if (fast) {
      // CMP_SINGLE: sizeof(type) bytes, whatever the itemsize.
      const uint8_t* x = a_memory.Read(pa[e], native_size);
      const uint8_t* y = b_memory.Read(pb[e], native_size);
      if (code == 'f') {
        float fx, fy;
        std::memcpy(&fx, x, sizeof fx);
        std::memcpy(&fy, y, sizeof fy);
        equal = fx == fy;
      } else if (code == 'd') {
        double dx, dy;
        std::memcpy(&dx, x, sizeof dx);
        std::memcpy(&dy, y, sizeof dy);
        equal = dx == dy;
      } else {
        equal = std::memcmp(x, y, native_size) == 0;  // integers, 'c', 'P'; '?' as _Bool bytes
      }
    } else {
      const std::vector<PyScalar> x = StructUnpack(layout_a, fa.itemsize, a_memory, pa[e]);
      const std::vector<PyScalar> y = StructUnpack(layout_b, fb.itemsize, b_memory, pb[e]);
      // One value is unpacked alone, several as a tuple: either way, equal iff the flat lists
      // have the same length and are equal element by element.
      equal = x.size() == y.size();
      for (size_t i = 0; equal && i < x.size(); ++i) equal = PyEqual(x[i], y[i]);
    }
    if (!equal) return false;
  }
  return true;
}

}  // namespace bufconf::layout
