#include "conformance/generators/format_gen.h"

#include <cctype>
#include <set>
#include <utility>

#include "reference/format/codes.h"

namespace bufconf::gen {
namespace {

using format::Dialect;
using format::Element;
using format::Item;
using format::Seq;

const char* const kNames[] = {"a", "b", "val", "f0", "x y", "_1", "n}", "T{"};

class Drawer {
 public:
  Drawer(Dialect d, FormatGenOptions o) : d_(d), o_(o) {}

  Seq DrawTop() {
    Seq seq;
    if (d_ == Dialect::kStruct && *rc::gen::inRange(0, 3) == 0) {
      Item order;
      order.order = *rc::gen::element('@', '=', '<', '>', '!');
      mode_ = order.order;
      seq.push_back(order);
    }
    DrawSeq(seq, 0);
    return seq;
  }

 private:
  void DrawSeq(Seq& seq, int depth) {
    const int n = *rc::gen::inRange(0, (depth == 0 ? o_.max_items : o_.max_items / 2) + 1);
    std::set<std::string> names;
    for (int i = 0; i < n; ++i) {
      if (d_ == Dialect::kPep3118 && *rc::gen::inRange(0, 6) == 0) {
        Item order;
        order.order = DrawOrder();
        mode_ = order.order;
        seq.push_back(order);
      }
      Item field = DrawField(depth);
      if (field.name) {
        std::string name = *field.name;
        for (int k = 2; !names.insert(name).second; ++k) name = *field.name + std::to_string(k);
        field.name = name;
      }
      seq.push_back(std::move(field));
    }
  }

  char DrawOrder() { return *rc::gen::element('@', '=', '<', '>', '!', '^'); }

  uint64_t DrawDim() { return static_cast<uint64_t>(*rc::gen::inRange<int>(0, o_.max_count + 1)); }

  Item DrawField(int depth) {
    Item item;
    if (d_ != Dialect::kStruct && *rc::gen::inRange(0, 6) == 0) {
      const int shapes = d_ == Dialect::kPep3118 ? *rc::gen::inRange(1, 3) : 1;
      for (int s = 0; s < shapes; ++s) {
        std::vector<uint64_t> dims;
        const int ndims = *rc::gen::inRange(1, 4);
        for (int k = 0; k < ndims; ++k) dims.push_back(DrawDim());
        item.shapes.push_back(dims);
      }
    }
    // numpy spells every order change as a field prefix; pep3118 also allows it after a shape.
    const bool prefix_allowed =
        d_ == Dialect::kNumpy || (d_ == Dialect::kPep3118 && !item.shapes.empty());
    if (prefix_allowed && *rc::gen::inRange(0, 5) == 0) {
      item.prefix_order = DrawOrder();
      mode_ = item.prefix_order;
    }
    // numpy refuses a shape on a zero-size element; with a shape it gets no count here, so the
    // element is a scalar, a one-byte string or a plain struct.
    const bool numpy_shaped = d_ == Dialect::kNumpy && !item.shapes.empty();
    if (!numpy_shaped && *rc::gen::inRange(0, 3) == 0) item.count = DrawDim();
    const bool nested = depth < o_.max_depth;
    const int kind = *rc::gen::inRange(0, 12);
    if (nested && d_ != Dialect::kStruct && kind == 0) {
      item.element.kind = Element::Kind::kStruct;
      DrawSeq(item.element.members, depth + 1);  // the mode is global: it flows through
    } else if (nested && d_ == Dialect::kPep3118 && kind == 1) {
      item.element.kind = Element::Kind::kPointer;
      const char saved = mode_;
      Item pointee = DrawField(depth + 1);
      pointee.name.reset();
      item.element.pointee.push_back(std::move(pointee));
      mode_ = saved;  // a pointee's order marks are its own
    } else if (nested && d_ == Dialect::kPep3118 && kind == 2) {
      item.element.kind = Element::Kind::kFunction;
      const char saved = mode_;
      DrawSeq(item.element.members, depth + 1);
      mode_ = saved;
      item.element.has_arrow = *rc::gen::arbitrary<bool>();
      if (item.element.has_arrow) DrawSeq(item.element.returns, depth + 1);
      mode_ = saved;
    } else {
      item.element.kind = Element::Kind::kCode;
      item.element.code = *rc::gen::elementOf(CodesIn(d_, mode_));
    }
    if (d_ != Dialect::kStruct && *rc::gen::inRange(0, 3) == 0) {
      item.name =
          *rc::gen::elementOf(std::vector<std::string>(std::begin(kNames), std::end(kNames)));
    }
    return item;
  }

  Dialect d_;
  FormatGenOptions o_;
  char mode_ = '@';
};

void AppendTokens(const Seq& seq, Dialect d, std::vector<std::string>& out);

void AppendItemTokens(const Item& item, Dialect d, std::vector<std::string>& out) {
  if (item.is_order()) {
    out.push_back(std::string(1, item.order));
    return;
  }
  for (const auto& dims : item.shapes) {
    out.push_back("(");
    for (size_t i = 0; i < dims.size(); ++i) {
      if (i > 0) out.push_back(",");
      out.push_back(std::to_string(dims[i]));
    }
    out.push_back(")");
  }
  if (item.prefix_order != 0) out.push_back(std::string(1, item.prefix_order));
  if (item.count) out.push_back(std::to_string(*item.count));
  const Element& e = item.element;
  switch (e.kind) {
    case Element::Kind::kCode:
      out.push_back(e.code);
      break;
    case Element::Kind::kStruct:
      out.push_back("T{");
      AppendTokens(e.members, d, out);
      out.push_back("}");
      break;
    case Element::Kind::kPointer:
      out.push_back("&");
      AppendTokens(e.pointee, d, out);
      break;
    case Element::Kind::kFunction:
      out.push_back("X{");
      AppendTokens(e.members, d, out);
      if (e.has_arrow) {
        out.push_back("->");
        AppendTokens(e.returns, d, out);
      }
      out.push_back("}");
      break;
  }
  if (item.name) out.push_back(":" + *item.name + ":");
}

void AppendTokens(const Seq& seq, Dialect d, std::vector<std::string>& out) {
  for (const Item& item : seq) AppendItemTokens(item, d, out);
}

}  // namespace

std::vector<std::string> CodesOf(Dialect d) {
  switch (d) {
    case Dialect::kStruct:
      return {"x", "c", "b", "B", "?", "h", "H", "i", "I", "l", "L",
              "q", "Q", "n", "N", "e", "f", "d", "s", "p", "P"};
    case Dialect::kNumpy:
      return {"?", "c", "b", "B", "h",  "H",  "i",  "I", "l", "L", "q", "Q",
              "e", "f", "d", "g", "Zf", "Zd", "Zg", "s", "w", "O", "x"};
    case Dialect::kPep3118:
      return {"x", "c", "b", "B", "?", "h", "H", "i", "I", "l", "L",  "q",  "Q",  "n", "N", "e",
              "f", "d", "g", "s", "p", "P", "O", "u", "w", "t", "Zf", "Zd", "Zg", "F", "D"};
  }
  return {};
}

// Codes the dialect accepts in `mode` (native-only codes drop out of the standard modes).
std::vector<std::string> CodesIn(Dialect d, char mode) {
  std::vector<std::string> out;
  for (const std::string& code : CodesOf(d)) {
    if (format::LookupCode(d, code, mode).spec) out.push_back(code);
  }
  return out;
}

rc::Gen<Seq> FormatSyntax(Dialect dialect, FormatGenOptions options) {
  return rc::gen::exec([dialect, options] { return Drawer(dialect, options).DrawTop(); });
}

std::vector<std::string> FormatTokens(const Seq& seq, Dialect dialect) {
  std::vector<std::string> tokens;
  if (dialect == Dialect::kStruct) {
    // struct allows whitespace only before a count or code: one token per item.
    for (const Item& item : seq) {
      std::vector<std::string> parts;
      AppendItemTokens(item, dialect, parts);
      std::string joined;
      for (const std::string& p : parts) joined += p;
      tokens.push_back(joined);
    }
    return tokens;
  }
  AppendTokens(seq, dialect, tokens);
  if (dialect == Dialect::kNumpy) {
    // numpy strips whitespace everywhere outside names: every character is a token.
    std::vector<std::string> chars;
    for (const std::string& t : tokens) {
      if (!t.empty() && t[0] == ':') {
        chars.push_back(t);
      } else {
        for (char c : t) chars.push_back(std::string(1, c));
      }
    }
    return chars;
  }
  return tokens;
}

rc::Gen<std::string> RenderWithSpaces(const Seq& seq, Dialect dialect) {
  std::vector<std::string> tokens = FormatTokens(seq, dialect);
  return rc::gen::exec([tokens, dialect] {
    static const char* const kSpaces[] = {" ", "\t", "\n", "\r", "\v", "\f", "  "};
    std::string out;
    for (size_t i = 0; i <= tokens.size(); ++i) {
      // struct's first character must be its order mark, if any: no leading whitespace then.
      const bool leading_order = dialect == Dialect::kStruct && i == 0 && !tokens.empty() &&
                                 format::IsOrderChar(tokens[0][0]);
      if (!leading_order && *rc::gen::inRange(0, 4) == 0) {
        out +=
            *rc::gen::elementOf(std::vector<std::string>(std::begin(kSpaces), std::end(kSpaces)));
      }
      if (i < tokens.size()) out += tokens[i];
    }
    return out;
  });
}

rc::Gen<std::string> FormatText(Dialect dialect, FormatGenOptions options) {
  return rc::gen::mapcat(FormatSyntax(dialect, options),
                         [dialect](const Seq& seq) { return RenderWithSpaces(seq, dialect); });
}

rc::Gen<std::string> FormatSoup(bool ascii_printable_only) {
  static const std::vector<std::string> kTokens = {"i",
                                                   "c",
                                                   "x",
                                                   "d",
                                                   "s",
                                                   "p",
                                                   "g",
                                                   "?",
                                                   "e",
                                                   "q",
                                                   "l",
                                                   "n",
                                                   "P",
                                                   "O",
                                                   "w",
                                                   "u",
                                                   "t",
                                                   "Zf",
                                                   "Zd",
                                                   "Z",
                                                   "Zi",
                                                   "F",
                                                   "T{",
                                                   "T",
                                                   "{",
                                                   "}",
                                                   "(",
                                                   ")",
                                                   ",",
                                                   "(2,3)",
                                                   "( 1)",
                                                   "0",
                                                   "1",
                                                   "2",
                                                   "3",
                                                   "7",
                                                   "12",
                                                   "99999999999999999999",
                                                   "9223372036854775807",
                                                   "@",
                                                   "=",
                                                   "<",
                                                   ">",
                                                   "!",
                                                   "^",
                                                   ":",
                                                   ":a:",
                                                   "::",
                                                   ":b c:",
                                                   "&",
                                                   "X{",
                                                   "->",
                                                   "-",
                                                   "+",
                                                   "_",
                                                   " ",
                                                   "\t",
                                                   "\n"};
  static const std::vector<std::string> kBinary = {std::string(1, '\0'), "\x80", "\xff", "\x7f"};
  std::vector<std::string> tokens = kTokens;
  if (!ascii_printable_only) tokens.insert(tokens.end(), kBinary.begin(), kBinary.end());
  return rc::gen::map(rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(tokens)),
                      [](const std::vector<std::string>& parts) {
                        std::string out;
                        for (const std::string& p : parts) out += p;
                        return out;
                      });
}

rc::Gen<std::string> FormatNearMiss(format::Dialect dialect) {
  return rc::gen::exec([dialect] {
    FormatGenOptions options;
    options.max_depth = 2;
    options.max_items = 4;
    std::string text = *FormatText(dialect, options);
    const size_t at = *rc::gen::inRange<size_t>(0, text.size() + 1);
    // Where a count ends and its code follows ("3i"), if anywhere.
    size_t count_end = std::string::npos;
    for (size_t i = 1; i < text.size(); ++i) {
      if (std::isdigit(static_cast<unsigned char>(text[i - 1])) &&
          !std::isdigit(static_cast<unsigned char>(text[i]))) {
        count_end = i;
        break;
      }
    }
    switch (*rc::gen::inRange(0, 10)) {
      case 0:  // an order mark inside the format (struct: only at the start)
        text.insert(std::min(std::max<size_t>(at, 1), text.size()), 1,
                    *rc::gen::element('@', '<', '>', '=', '!'));
        break;
      case 1:  // a native-only code under a standard mode
        text.insert(at, 1, *rc::gen::element('n', 'N', 'P'));
        text.insert(0, 1, *rc::gen::element('<', '>', '=', '!'));
        break;
      case 2:  // whitespace between a count and its code
        if (count_end != std::string::npos) text.insert(count_end, 1, ' ');
        break;
      case 3:  // a count without a code at the end
        text += std::to_string(*rc::gen::inRange(0, 20));
        break;
      case 4:  // a huge count
        text.insert(at, *rc::gen::element<std::string>("9223372036854775807", "4611686018427387904",
                                                       "99999999999999999999", "2147483648"));
        text.insert(text.size(), "x");
        break;
      case 5:  // a token of the PEP 3118 additions
        text.insert(at, *rc::gen::element<std::string>("T{i}", "Zd", ":a:", "&i", "(2)i", "g", "u",
                                                       "w", "O", "Zf", "t", "^", "X{}"));
        break;
      case 6:  // a zero count before an aligned code (aligns, adds nothing): twice as often
      case 9:
        text.insert(at, *rc::gen::element<std::string>("0i", "0q", "0d", "0h", "0P", "0e"));
        break;
      case 7:  // a character dropped
        if (!text.empty()) text.erase(std::min(at, text.size() - 1), 1);
        break;
      case 8:  // a character doubled
        if (!text.empty()) {
          const size_t i = std::min(at, text.size() - 1);
          text.insert(i, 1, text[i]);
        }
        break;
      default:
        break;
    }
    return text;
  });
}

}  // namespace bufconf::gen
