// RapidCheck generators of format strings, shared by the reference tests, the conformance
// properties and the fuzz corpus scripts.
//
// Valid formats are built directly as syntax trees that the dialect accepts (never filtered),
// so they shrink towards small formats; a rendering step adds whitespace where the dialect
// allows it. A token soup generator produces mostly-invalid strings for robustness checks.
#ifndef BUFCONF_CONFORMANCE_GENERATORS_FORMAT_GEN_H_
#define BUFCONF_CONFORMANCE_GENERATORS_FORMAT_GEN_H_

#include <rapidcheck.h>

#include <string>
#include <vector>

#include "reference/format/ast.h"
#include "reference/format/dialect.h"

namespace bufconf::gen {

struct FormatGenOptions {
  int max_depth = 3;       // nesting of T{...}, & and X{...}
  int max_items = 6;       // items per sequence
  uint64_t max_count = 5;  // repeat counts and shape dimensions
};

// Every single-character-or-Z code the dialect knows, and those it accepts in `mode` (native-only
// codes drop out of the standard modes).
std::vector<std::string> CodesOf(format::Dialect d);
std::vector<std::string> CodesIn(format::Dialect d, char mode);

// A syntax tree the dialect accepts, whose layout succeeds.
rc::Gen<format::Seq> FormatSyntax(format::Dialect dialect, FormatGenOptions options = {});

// The tokens of a syntax tree: whitespace may stand between any two tokens in the dialect.
std::vector<std::string> FormatTokens(const format::Seq& seq, format::Dialect dialect);

// A rendering of `seq` with whitespace inserted where `dialect` allows it.
rc::Gen<std::string> RenderWithSpaces(const format::Seq& seq, format::Dialect dialect);

// A valid format string of the dialect, with whitespace.
rc::Gen<std::string> FormatText(format::Dialect dialect, FormatGenOptions options = {});

// A string of format tokens and junk: codes, digits, order marks, braces, parentheses, names,
// whitespace, NUL and high bytes. Mostly invalid; sometimes valid.
rc::Gen<std::string> FormatSoup(bool ascii_printable_only = false);

// A valid format of the dialect with exactly one near miss: an order mark inside it, a
// native-only code under a standard mode, whitespace between a count and its code, a trailing
// count, a huge count, a token of the PEP 3118 additions, a zero count before an aligned code,
// a character dropped or doubled. Valid or not by a hair: where parsers and size computations
// differ.
rc::Gen<std::string> FormatNearMiss(format::Dialect dialect);

}  // namespace bufconf::gen

#endif  // BUFCONF_CONFORMANCE_GENERATORS_FORMAT_GEN_H_
