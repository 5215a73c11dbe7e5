#include "reference/format/codes.h"

#include <cstring>

namespace bufconf::format {
namespace {

struct CodeRow {
  const char* code;
  uint64_t native_size;
  uint64_t native_alignment;
  uint64_t standard_size;  // 0: no standard size (native-only code)
  ValueKind kind;
  const char* dialects;  // which dialects accept it: s = struct, n = numpy, p = pep3118
};

// Native sizes are those of x86-64 Linux (LP64); standard sizes are struct's (Doc/library/
// struct.rst, "Format Characters"); complex alignment is the alignment of one component.
constexpr CodeRow kCodes[] = {
    {"x", 1, 1, 1, ValueKind::kPad, "snp"},       {"c", 1, 1, 1, ValueKind::kChar, "snp"},
    {"b", 1, 1, 1, ValueKind::kSigned, "snp"},    {"B", 1, 1, 1, ValueKind::kUnsigned, "snp"},
    {"?", 1, 1, 1, ValueKind::kBool, "snp"},      {"h", 2, 2, 2, ValueKind::kSigned, "snp"},
    {"H", 2, 2, 2, ValueKind::kUnsigned, "snp"},  {"i", 4, 4, 4, ValueKind::kSigned, "snp"},
    {"I", 4, 4, 4, ValueKind::kUnsigned, "snp"},  {"l", 8, 8, 4, ValueKind::kSigned, "snp"},
    {"L", 8, 8, 4, ValueKind::kUnsigned, "snp"},  {"q", 8, 8, 8, ValueKind::kSigned, "snp"},
    {"Q", 8, 8, 8, ValueKind::kUnsigned, "snp"},  {"n", 8, 8, 0, ValueKind::kSigned, "sp"},
    {"N", 8, 8, 0, ValueKind::kUnsigned, "sp"},   {"e", 2, 2, 2, ValueKind::kFloat, "snp"},
    {"f", 4, 4, 4, ValueKind::kFloat, "snp"},     {"d", 8, 8, 8, ValueKind::kFloat, "snp"},
    {"g", 16, 16, 0, ValueKind::kFloat, "np"},    {"s", 1, 1, 1, ValueKind::kBytes, "snp"},
    {"p", 1, 1, 1, ValueKind::kBytes, "sp"},      {"P", 8, 8, 0, ValueKind::kPointer, "sp"},
    {"O", 8, 8, 8, ValueKind::kPointer, "np"},    {"u", 2, 2, 2, ValueKind::kCodeUnit, "p"},
    {"w", 4, 4, 4, ValueKind::kCodeUnit, "np"},   {"t", 1, 1, 1, ValueKind::kBits, "p"},
    {"Zf", 8, 4, 8, ValueKind::kComplex, "np"},   {"Zd", 16, 8, 16, ValueKind::kComplex, "np"},
    {"Zg", 32, 16, 0, ValueKind::kComplex, "np"}, {"F", 8, 4, 8, ValueKind::kComplex, "p"},
    {"D", 16, 8, 16, ValueKind::kComplex, "p"},
};

const CodeRow* FindRow(std::string_view code) {
  for (const CodeRow& row : kCodes) {
    if (code == row.code) return &row;
  }
  return nullptr;
}

char DialectLetter(Dialect d) {
  switch (d) {
    case Dialect::kStruct:
      return 's';
    case Dialect::kNumpy:
      return 'n';
    case Dialect::kPep3118:
      return 'p';
  }
  return '?';
}

}  // namespace

bool IsOrderChar(char c) { return c != '\0' && std::strchr("@=<>!^", c) != nullptr; }

bool IsNativeSizeMode(char mode) { return mode == '@' || mode == '^'; }

bool IsUnionCode(std::string_view code) { return FindRow(code) != nullptr; }

CodeLookup LookupCode(Dialect dialect, std::string_view code, char mode) {
  const std::string quoted = "'" + std::string(code) + "'";
  const CodeRow* row = FindRow(code);
  if (row == nullptr) return {std::nullopt, "unknown format code " + quoted};
  if (std::strchr(row->dialects, DialectLetter(dialect)) == nullptr) {
    if (dialect == Dialect::kNumpy && (code == "u" || code == "t")) {
      return {std::nullopt,
              "format code " + quoted + " is an unrepresentable PEP 3118 data type for numpy"};
    }
    return {std::nullopt, "format code " + quoted + " is not supported by " + DialectName(dialect) +
                              (dialect == Dialect::kStruct ? " (CPython 3.11)" : "")};
  }
  if (IsNativeSizeMode(mode))
    return {CodeSpec{row->native_size, row->native_alignment, row->kind}, ""};
  if (row->standard_size == 0) {
    return {std::nullopt, "format code " + quoted + " has no standard size (mode '" +
                              std::string(1, mode) + "'); it is native-only"};
  }
  return {CodeSpec{row->standard_size, row->native_alignment, row->kind}, ""};
}

}  // namespace bufconf::format
