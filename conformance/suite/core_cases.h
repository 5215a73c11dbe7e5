// The bounded-exhaustive core of each rule's input space (the small-scope hypothesis, as in
// SmallCheck and Korat): every small input, in a fixed order, judged at every seed before the
// random cases. A fault that changes an answer anywhere in the core is caught whatever the seed;
// the random, shrinking cases cover what lies outside it. docs/layouts.md lists the spaces.
#ifndef BUFCONF_CONFORMANCE_SUITE_CORE_CASES_H_
#define BUFCONF_CONFORMANCE_SUITE_CORE_CASES_H_

#include <string>
#include <vector>

#include "conformance/suite/cases.h"

namespace bufconf::suite {

// size_from_format's core (struct syntax, which PyBuffer_SizeFromFormat takes): every code under
// every mode (none, @ = < > !) with counts 0, 1 and 2; every ordered pair of codes under each
// mode (alignment and padding), and each pair around a 0-count under '@' (the end-padding
// idiom); x, s and p with counts; and the pep3118 forms struct does not take (T{} nested two
// deep with padding, named fields, sub-arrays), which must be refused.
const std::vector<std::string>& CoreFormats();

// The layout core of the algorithm rules (CONTIG-*, ALGO-GET-POINTER, ALGO-TO/FROM-CONTIGUOUS,
// ALGO-FILL-STRIDES, ALGO-COPY-DATA): every shape with ndim 0 to 3 and extents 0 to 3; items of
// 1, 2, 3, 8, 12, 16 and 24 bytes (3-D: 1, 3 and 12); C and Fortran strides kept, doubled,
// reversed, zeroed or moved by one byte on every dimension at once; in 2-D (1- and 3-byte
// items) every pair of per-dimension disturbances, an arbitrary stride on an extent-1 dimension
// among them; in 3-D (1-byte items) each dimension disturbed alone; strides NULL (a PyBUF_ND
// view); suboffsets (array-of-arrays) at each dimension; each in order C, F and A. Fewest
// elements first.
const std::vector<AlgorithmCase>& CoreLayoutCases();

// The core of one algorithm rule: CoreFormats as size_from_format cases for
// ALGO-SIZE-FROM-FORMAT, CoreLayoutCases for the others.
const std::vector<AlgorithmCase>& CoreAlgorithmCases(const std::string& rule);

// The exporter core, judged once for every exporter rule (each finding under the rule it
// breaks), every exporter asked every named request: every pep3118 code under every mode with
// counts 1 and 2, and structs, padding, named fields and sub-arrays, each as a 2-element array;
// then 1-byte items in every shape with ndim 0 to 3 and extents 0 to 3, C and Fortran order, no
// steps or steps 2, -1 and 0 on every dimension (2-D: also on each alone; 3-D: no 0), direct or
// array-of-arrays at each dimension (3-D: at dimension 0), read-only on every other variant;
// then items of 2, 3, 8, 12, 16 and 24 bytes with no steps and reversed steps, up to 2-D and on
// 3-D shapes of extents 1 and 2. Fewest elements first.
const std::vector<ExporterCase>& CoreExporterCases();

// A core case noted by its place in the core (`{"core": RULE, "index": K}`): what a child notes
// before it runs one, instead of the case's JSON. ResolveCoreNote turns such a note back into the
// case's JSON (any other note is returned as it is; an index past the end gives null).
std::string CoreNote(const std::string& rule, size_t index);
nlohmann::ordered_json ResolveCoreNote(const nlohmann::json& note);

}  // namespace bufconf::suite

#endif  // BUFCONF_CONFORMANCE_SUITE_CORE_CASES_H_
