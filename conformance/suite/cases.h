// The inputs of conformance checks, as data: generated, shrunk, saved as counterexample files
// and replayed (`bufconf replay FILE`).
#ifndef BUFCONF_CONFORMANCE_SUITE_CASES_H_
#define BUFCONF_CONFORMANCE_SUITE_CASES_H_

#include <rapidcheck.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "conformance/adapter/bufconf_adapter.h"
#include "reference/layout/descriptor.h"

namespace bufconf::suite {

// Owned data behind a bufconf_array_spec: a logical array and the physical layout asked for.
struct ArraySpec {
  std::string format = "B";
  int64_t itemsize = 1;
  std::vector<int64_t> shape;
  std::vector<uint8_t> items;     // C order
  uint32_t layout = 0;            // BUFCONF_LAYOUT_* bits
  std::vector<int64_t> steps;     // empty: NULL
  std::vector<uint8_t> indirect;  // empty: NULL

  // A view of this spec for the C ABI; valid while *this is alive and unchanged.
  bufconf_array_spec Abi() const;

 private:
  mutable std::vector<bufconf_ssize_t> abi_shape_, abi_steps_;
};

// An exporter made for `spec`, asked for a buffer with `flags`.
struct ExporterCase {
  ArraySpec spec;
  int flags = 0;
};

// The index-th exporter the implementation enumerates, asked for a buffer with `flags`.
struct EnumeratedCase {
  size_t index = 0;
  int flags = 0;
  std::string description;  // what the adapter called it (informational)
};

// An algorithm-side input: a view over memory (virtual addresses; the runner realizes it in
// real memory), an order, and data for from_contiguous / copy_data / size_from_format.
struct AlgorithmCase {
  layout::Descriptor view;
  layout::Memory memory;
  char order = 'C';
  // from_contiguous's source: view.len bytes, or more (all are passed; PyBuffer_FromContiguous
  // clamps len to view.len).
  std::vector<uint8_t> bytes;
  std::string format_text;  // size_from_format input
  // A destination for copy_data besides the C- and Fortran-contiguous ones every case copies
  // into: the source's shape and itemsize in memory of its own (strided, array-of-arrays,
  // read-only), or fewer elements (a copy that must be refused). Absent when not drawn.
  std::optional<layout::Descriptor> dest;
  layout::Memory dest_memory;
};

nlohmann::ordered_json ToJson(const ArraySpec& spec);
ArraySpec ArraySpecFromJson(const nlohmann::json& j);  // throws std::runtime_error naming the field
nlohmann::ordered_json ToJson(const ExporterCase& c);
ExporterCase ExporterCaseFromJson(const nlohmann::json& j);
nlohmann::ordered_json ToJson(const EnumeratedCase& c);
EnumeratedCase EnumeratedCaseFromJson(const nlohmann::json& j);
nlohmann::ordered_json ToJson(const AlgorithmCase& c);
AlgorithmCase AlgorithmCaseFromJson(const nlohmann::json& j);

// Generators. Specs are built valid directly: shapes with 0- and 1-extents, ndim 0..64 (mostly
// small), formats of the pep3118 dialect (scalars, structs, arrays, odd sizes), random item
// bytes (equal along broadcast dimensions), C/F order, steps (negative, zero), array-of-arrays
// dimensions, read-only. Flags: every named request, combinations, and illegal values.
// The caps of every generated spec, in every profile: at most kMaxSpecElements elements counting
// each 0 extent as 1 (an empty array's other extents still size its parent array), and a parent
// array (the steps' slice source) of at most kMaxSpecParent elements; items are at most 256
// bytes. generator_caps_test holds the generators to them.
inline constexpr int64_t kMaxSpecElements = 512;
inline constexpr int64_t kMaxSpecParent = 4096;
rc::Gen<ArraySpec> GenArraySpec();
rc::Gen<int> GenFlags();
rc::Gen<ExporterCase> GenExporterCase();
rc::Gen<AlgorithmCase> GenAlgorithmCase();

// Every tiny algorithm case with at most `max_elements` elements, fewest elements first (then
// fewer dimensions): ndim 0..3, extents 0..3, itemsize 1, 2 or 3, C or Fortran strides each
// kept, doubled, reversed, zeroed or moved by one byte (and an arbitrary stride on extent-1
// dimensions), order C, F or A, direct or array-of-arrays at dimension 0; item bytes all
// distinct. Exhaustive where random cases are not: a failure found here has no smaller one in
// this space. `format_text` is given to every case (size_from_format's input).
std::vector<AlgorithmCase> TinyAlgorithmCases(int64_t max_elements, const std::string& format_text);

// Every tiny exporter case like `like` (its item format, itemsize and request flags) with at
// most `max_elements` elements, fewest first: shapes as TinyAlgorithmCases, C or Fortran order,
// writable or read-only, no steps or steps 1, 2, -1, 0 per dimension (1 or 2 in 3-D), direct or
// array-of-arrays at dimension 0; item bytes all distinct (equal along broadcast dimensions).
std::vector<ExporterCase> TinyExporterCases(const ExporterCase& like, int64_t max_elements);

}  // namespace bufconf::suite

#endif  // BUFCONF_CONFORMANCE_SUITE_CASES_H_
