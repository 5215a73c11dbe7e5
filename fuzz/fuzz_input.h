// The one input codec of the fuzz targets, shared with RapidCheck counterexamples and
// `bufconf replay` files: every input decodes to the suite's in-memory case type,
// suite::AlgorithmCase (a view, its memory, an order, from_contiguous bytes and a
// size_from_format text), and every case is written back as the suite's own case JSON
// (suite::ToJson) inside a `bufconf replay` file, so a crashing fuzz input becomes a replay file
// (fuzz/to_case.cc).
//
// Accepted forms:
//   - a replay file of `bufconf run` ({"bufconf_replay": 1, "rule", "adapter", ..., "case": C}),
//     or the case C alone;
//   - a bufconf case: {"kind": "algorithm", "order", "bytes", "format_text", "view"}
//     (suite::AlgorithmCaseFromJson: counterexamples and replay files), or {"kind": "exporter",
//     "flags", "spec"} (suite::ExporterCaseFromJson: the spec's layout, materialized, with flags);
//   - a descriptor in JSON (`bufconf check` form, docs/descriptor.md);
//   - the compact binary codec (reference/layout/descriptor_codec.h);
//   - for the model, differential and mirror targets: a recipe (fuzz/recipe.h), one more
//     generator of the same case type.
#ifndef BUFCONF_FUZZ_FUZZ_INPUT_H_
#define BUFCONF_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "conformance/suite/cases.h"
#include "reference/layout/descriptor.h"

namespace bufconf::fuzz {

// Which form an input had (the custom mutator writes a mutated input back in the same form).
enum class InputForm { kAlgorithmCase, kExporterCase, kDescriptorJson, kBinary, kRecipe };

struct FuzzCase {
  suite::AlgorithmCase c;
  bool has_memory = false;
  std::optional<int> flags;  // the request flags of an exporter case file
  InputForm form = InputForm::kBinary;
};

// A case file, descriptor JSON or the binary codec (the descriptor target's input). JSON is
// recognised by its first non-blank byte '{'. False for anything that does not decode.
bool DecodeDescriptorInput(const uint8_t* data, size_t size, FuzzCase* out);

// The same, as view and memory only (has_memory: the input declared memory).
bool DecodeInput(const uint8_t* data, size_t size, layout::Descriptor* view, layout::Memory* memory,
                 bool* has_memory);

// The fuzz targets whose inputs are cases, and how each frames its input:
//   descriptor:   DecodeDescriptorInput;
//   model:        a case file or descriptor JSON ('{'), else a recipe;
//   differential: a case file or descriptor JSON ('{'; a case's from_contiguous bytes, if fewer
//                 than view.len, repeated to view.len), else one byte (the order: C, F, A for
//                 0, 1, 2 mod 3), a recipe, then a size_from_format text (one length byte, 0..31,
//                 then the text; length 0: the view's format) and the from_contiguous bytes (the
//                 rest, repeated to view.len);
//   mirror:       one control byte (fuzz/mirror_fuzzer.cc: bits 0-1 the order, bit 2 a recipe),
//                 then a recipe or DecodeDescriptorInput.
enum class Target { kDescriptor, kModel, kDifferential, kMirror };
std::optional<Target> TargetNamed(const std::string& name);  // "model_fuzzer", "model", ...
bool DecodeTargetInput(Target target, const uint8_t* data, size_t size, FuzzCase* out);

// Fills what a case needs and an input did not give: from_contiguous bytes (view.len of them when
// there are fewer and view.len is at most 1 MiB: `fill` repeated, or a counting pattern when it
// is empty) and a size_from_format text (the
// view's format, "B" when NULL), made 7-bit (the case file keeps it as a JSON string).
void CompleteCase(suite::AlgorithmCase* c, const std::string& fill = "");

// Memory with every two regions that touch (one ends where the other begins) merged into one:
// the same bytes at the same addresses. The targets that realize a case in real memory use it,
// because conformance::Realize resolves a pointer to the boundary of two touching regions to the
// region that ends there (a row table followed by its rows, as _testbuffer's ND_PIL arrays lay
// them out, then reads the first row outside its block): see docs/fuzzing.md and
// corpus/differential_fuzzer/regressions/MEMORY-POINTER-row-at-a-region-boundary.
layout::Memory MergeTouchingRegions(const layout::Memory& memory);

// A layout the checker calls valid (no MUST rule broken), small enough to realize and walk
// quickly (at most 65,536 elements and 1 MiB), with buf not NULL (address 0 cannot be realized).
bool Realizable(const layout::Descriptor& view, const layout::Memory& memory);

}  // namespace bufconf::fuzz

#endif  // BUFCONF_FUZZ_FUZZ_INPUT_H_
