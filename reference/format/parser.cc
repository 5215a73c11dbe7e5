#include "reference/format/parser.h"

#include <algorithm>
#include <cstdint>
#include <unordered_set>
#include <vector>

#include "reference/checked.h"
#include "reference/format/codes.h"

namespace bufconf::format {
namespace {

// Py_ISSPACE and NumPyOS_ascii_isspace: the same six characters.
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string Quote(char c) {
  static const char kHex[] = "0123456789abcdef";
  unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return "'" + std::string(1, c) + "'";
  return std::string("byte 0x") + kHex[u >> 4] + kHex[u & 15];
}

// What each dialect's grammar allows; the parser below is the same for all three.
struct Grammar {
  bool order_only_first;    // struct: one order mark, first character only
  bool order_items;         // pep3118: an order mark is an item of its own, anywhere
  bool order_after_shape;   // numpy, pep3118: field = shape order count element
  bool space_in_field;      // whitespace between shape, order, count, element and name
  bool shapes;              // "(k1,...,kn)" prefixes
  bool repeated_shapes;     // "(2)(3)i"
  bool names;               // ":name:"
  bool empty_names;         // "::"
  bool structs;             // "T{...}"
  bool pointers_functions;  // "&..." and "X{...}"
  bool strip_spaces;        // numpy: whitespace outside names is removed before parsing
};

Grammar GrammarOf(Dialect d) {
  Grammar g{};
  switch (d) {
    case Dialect::kStruct:  // Modules/_struct.c: whichtable() and prepare_s()
      g.order_only_first = true;
      break;
    case Dialect::kNumpy:  // numpy/core/_internal.py: __dtype_from_pep3118()
      g.order_after_shape = g.shapes = g.names = g.empty_names = g.structs = true;
      g.strip_spaces = true;
      break;
    case Dialect::kPep3118:  // docs/formats.md
      g.order_items = g.order_after_shape = g.space_in_field = true;
      g.shapes = g.repeated_shapes = g.names = g.structs = g.pointers_functions = true;
      break;
  }
  return g;
}

class Parser {
 public:
  Parser(std::string_view format, Dialect dialect) : original_(format), g_(GrammarOf(dialect)) {
    // An embedded NUL ends the string for every C implementation; bufconf refuses it instead.
    for (size_t i = 0; i < format.size(); ++i) {
      if (format[i] == '\0') throw FormatException(i, "embedded NUL character");
    }
    if (g_.strip_spaces) {
      // numpy's _descriptor_from_pep3118_format: drop whitespace, except inside ":name:".
      // Each run of kept bytes is recorded once (not one position per byte: memory stays
      // proportional to the format).
      bool in_name = false;
      bool kept_previous = false;
      for (size_t i = 0; i < format.size(); ++i) {
        char c = format[i];
        if (c == ':') in_name = !in_name;
        if (c == ':' || in_name || !IsSpace(c)) {
          if (!kept_previous) runs_.push_back({text_.size(), i});
          text_.push_back(c);
          kept_previous = true;
        } else {
          kept_previous = false;
        }
      }
    } else {
      text_ = std::string(format);
      runs_.push_back({0, 0});
    }
  }

  Seq ParseFormat() {
    Seq seq;
    if (g_.order_only_first && !AtEnd() && Peek() != '^' && IsOrderChar(Peek())) {
      CountItem();
      Item item;
      item.position = Position();
      item.order = Next();
      seq.push_back(std::move(item));
    }
    ParseSeq(seq, Context::kTop, 0);
    return seq;
  }

 private:
  enum class Context { kTop, kStruct, kFunctionArgs, kFunctionReturns };

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  char Next() { return text_[pos_++]; }
  // The position in original_ of text_[pos_] (the end of original_ at the end).
  size_t Position() const {
    if (pos_ >= text_.size()) return original_.size();
    auto run = std::upper_bound(runs_.begin(), runs_.end(), pos_,
                                [](size_t p, const Run& r) { return p < r.text; });
    --run;  // runs_[0].text == 0 whenever text_ is not empty
    return run->original + (pos_ - run->text);
  }
  // Counts one more item (field or order mark, at any depth) against kMaxItems.
  void CountItem() {
    if (++items_ > kMaxItems) {
      throw FormatException(Position(),
                            "more than " + std::to_string(kMaxItems) +
                                " items (fields and order marks, nested ones included): bufconf's "
                                "limit on the size of a format",
                            /*beyond_limit=*/true);
    }
  }
  [[noreturn]] void Fail(const std::string& message) const {
    throw FormatException(Position(), message);
  }
  void SkipSpace() {
    while (!AtEnd() && IsSpace(Peek())) ++pos_;
  }
  void SkipFieldSpace() {
    if (g_.space_in_field) SkipSpace();
  }

  // seq = { item }, ended by the end of the string, '}' (struct, function) or "->".
  // `open` is the position of the "T{" or "X{" that the sequence is inside.
  void ParseSeq(Seq& seq, Context context, int depth, size_t open = 0) {
    std::unordered_set<std::string> names;
    for (;;) {
      SkipSpace();
      if (AtEnd()) {
        if (context == Context::kTop) return;
        throw FormatException(
            open, context == Context::kStruct ? "unterminated 'T{'" : "unterminated 'X{'");
      }
      char c = Peek();
      if (c == '}') {
        if (context == Context::kTop) Fail("'}' without a matching 'T{'");
        return;  // the caller consumes it
      }
      if (context == Context::kFunctionArgs && c == '-' && Peek(1) == '>') return;
      if (IsOrderChar(c) && g_.order_items) {
        CountItem();
        Item item;
        item.position = Position();
        item.order = Next();
        seq.push_back(std::move(item));
        continue;
      }
      Item item = ParseField(depth);
      if (item.name) {
        if (!names.insert(*item.name).second) {
          throw FormatException(item.position, "duplicate field name '" + *item.name + "'");
        }
      }
      seq.push_back(std::move(item));
    }
  }

  // field = { shape } [ order ] [ count ] element [ name ]
  Item ParseField(int depth, bool named = true) {
    CountItem();
    Item item;
    item.position = Position();
    if (Peek() == '(' && g_.shapes) {
      do {
        if (!item.shapes.empty() && !g_.repeated_shapes) Fail("a second shape is not allowed");
        item.shapes.push_back(ParseShape());
        SkipFieldSpace();
      } while (Peek() == '(');
    }
    if (IsOrderChar(Peek()) && g_.order_after_shape) {
      item.prefix_order = Next();
      SkipFieldSpace();
      if (AtEnd() || Peek() == '}') {
        Fail("byte order mark " + Quote(item.prefix_order) + " is not followed by a field");
      }
    } else if (IsOrderChar(Peek())) {
      Fail(g_.order_only_first && Peek() != '^'
               ? "byte order mark " + Quote(Peek()) + " is only allowed as the first character"
               : "bad character " + Quote(Peek()));
    }
    if (IsDigit(Peek())) {
      item.count = ParseNumber("repeat count");
      SkipFieldSpace();
      if (AtEnd()) Fail("repeat count given without format specifier");
    }
    ParseElement(item.element, depth);
    SkipFieldSpace();
    if (named && Peek() == ':' && g_.names) {
      size_t start = Position();
      ++pos_;
      std::string name;
      while (!AtEnd() && Peek() != ':') name.push_back(Next());
      if (AtEnd()) throw FormatException(start, "unterminated field name");
      ++pos_;
      if (name.empty() && !g_.empty_names) throw FormatException(start, "empty field name");
      item.name = std::move(name);
    }
    return item;
  }

  // shape = "(" uint { "," uint } ")"
  std::vector<uint64_t> ParseShape() {
    size_t open = Position();
    ++pos_;  // '('
    std::vector<uint64_t> dims;
    for (;;) {
      SkipFieldSpace();
      if (!IsDigit(Peek())) {
        if (AtEnd()) throw FormatException(open, "unterminated shape");
        Fail("expected a dimension (decimal digits) in shape, found " + Quote(Peek()));
      }
      dims.push_back(ParseNumber("shape dimension"));
      SkipFieldSpace();
      if (Peek() == ',') {
        ++pos_;
        continue;
      }
      if (Peek() == ')') {
        ++pos_;
        return dims;
      }
      if (AtEnd()) throw FormatException(open, "unterminated shape");
      Fail("expected ',' or ')' in shape, found " + Quote(Peek()));
    }
  }

  uint64_t ParseNumber(const char* what) {
    size_t start = Position();
    uint64_t value = 0;
    while (IsDigit(Peek())) {
      uint64_t digit = static_cast<uint64_t>(Next() - '0');
      if (value > (kMaxSize - digit) / 10) {
        throw FormatException(start, std::string(what) + " exceeds PY_SSIZE_T_MAX");
      }
      value = value * 10 + digit;
    }
    return value;
  }

  void ParseElement(Element& element, int depth) {
    if (AtEnd()) Fail("expected a format code at the end of the string");
    char c = Peek();
    if (c == 'T' && Peek(1) == '{' && g_.structs) {
      CheckDepth(depth);
      const size_t open = Position();
      pos_ += 2;
      element.kind = Element::Kind::kStruct;
      ParseSeq(element.members, Context::kStruct, depth + 1, open);
      ++pos_;  // '}'
      return;
    }
    if (c == '&' && g_.pointers_functions) {
      CheckDepth(depth);
      ++pos_;
      SkipFieldSpace();
      if (AtEnd()) Fail("'&' is not followed by a field");
      element.kind = Element::Kind::kPointer;
      // The pointee is a field of its own and may carry an order mark ("&<b", as ctypes
      // writes); that mark describes the pointee only.
      // A name after the pointee names the pointer field ("&i:p:").
      Item pointee = ParseField(depth + 1, /*named=*/false);
      element.pointee.push_back(std::move(pointee));
      return;
    }
    if (c == 'X' && Peek(1) == '{' && g_.pointers_functions) {
      CheckDepth(depth);
      const size_t open = Position();
      pos_ += 2;
      element.kind = Element::Kind::kFunction;
      ParseSeq(element.members, Context::kFunctionArgs, depth + 1, open);
      if (Peek() == '-') {
        pos_ += 2;
        element.has_arrow = true;
        ParseSeq(element.returns, Context::kFunctionReturns, depth + 1, open);
      }
      ++pos_;  // '}'
      return;
    }
    std::string code(1, c);
    if (c == 'Z' && IsUnionCode(std::string("Z") + Peek(1))) code.push_back(Peek(1));
    if (!IsUnionCode(code)) {
      if (c == 'Z') Fail("'Z' must be followed by 'f', 'd' or 'g'");
      if (IsSpace(c)) Fail("whitespace between a count or shape and its format code");
      Fail("bad character " + Quote(c) + " where a format code was expected");
    }
    pos_ += code.size();
    element.kind = Element::Kind::kCode;
    element.code = std::move(code);
  }

  void CheckDepth(int depth) const {
    if (depth >= kMaxNesting) {
      throw FormatException(Position(),
                            "nesting deeper than " + std::to_string(kMaxNesting) +
                                " levels: bufconf's limit on the depth of a format",
                            /*beyond_limit=*/true);
    }
  }

  std::string_view original_;
  Grammar g_;
  // A run of text_ copied from original_ without a gap: text_[text + k] is original_[original + k].
  struct Run {
    size_t text;
    size_t original;
  };
  std::string text_;
  std::vector<Run> runs_;  // ascending in both; the first starts at text_[0]
  size_t pos_ = 0;
  size_t items_ = 0;
};

}  // namespace

Seq Parse(std::string_view format, Dialect dialect) {
  return Parser(format, dialect).ParseFormat();
}

}  // namespace bufconf::format
