#include "reference/layout/mirror.h"

#include <cstring>
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

bool LogicallyEqual(const Descriptor& a, const Memory& a_memory, const Descriptor& b,
                    const Memory& b_memory) {
  const FullView fa = Expand(a);
  const FullView fb = Expand(b);
  if (fa.shape != fb.shape) return false;
  return ToList(a, a_memory) == ToList(b, b_memory);
}

}  // namespace bufconf::layout
