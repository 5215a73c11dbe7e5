#include "reference/format/layout.h"

#include <utility>

#include "reference/checked.h"

namespace bufconf::format {
namespace {

char ByteOrderOf(char mode) { return (mode == '>' || mode == '!') ? '>' : '<'; }

// The three dialects differ in three places only; everything else is one algorithm.
struct Rules {
  // Where the '@'-or-not decision for a struct field is taken. numpy looks at the mode *after*
  // the struct was read (the mode is stream state); C and pep3118 at the mode where it starts.
  bool struct_aligned_by_mode_after;
  // Trailing padding of a struct and of the whole item: never (struct), when the mode at its
  // end is '@' (numpy), always to its alignment (pep3118, C rules).
  enum class Trailing { kNever, kIfAtModeAtEnd, kAlways } trailing;
  // numpy reads 'w' like 's': the count is the string length, not a repetition.
  bool w_count_is_length;
};

Rules RulesOf(Dialect d) {
  switch (d) {
    case Dialect::kStruct:
      return {false, Rules::Trailing::kNever, false};
    case Dialect::kNumpy:
      return {true, Rules::Trailing::kIfAtModeAtEnd, true};
    case Dialect::kPep3118:
      return {false, Rules::Trailing::kAlways, false};
  }
  return {};
}

class LayoutBuilder {
 public:
  explicit LayoutBuilder(Dialect dialect) : dialect_(dialect), rules_(RulesOf(dialect)) {}

  // Lays out a sequence as a struct: its fields, its size and alignment.
  Layout LayoutSeq(const Seq& seq) {
    Layout out;
    uint64_t offset = 0;
    for (const Item& item : seq) {
      if (item.is_order()) {
        mode_ = item.order;
        continue;
      }
      out.fields.push_back(LayoutField(item, offset, out.alignment));
    }
    bool pad = rules_.trailing == Rules::Trailing::kAlways ||
               (rules_.trailing == Rules::Trailing::kIfAtModeAtEnd && mode_ == '@');
    try {
      out.itemsize = pad ? RoundUp(offset, out.alignment, "itemsize") : offset;
    } catch (const Overflow& e) {
      // The padding at the end of the item (or struct) overflows: blamed on its last field.
      throw FormatException(seq.empty() ? 0 : seq.back().position, e.what());
    }
    return out;
  }

 private:
  // Lays out one field at `offset` (advanced past it); folds its alignment into `alignment`.
  FieldLayout LayoutField(const Item& item, uint64_t& offset, uint64_t& alignment) {
    try {
      return LayoutFieldUnchecked(item, offset, alignment);
    } catch (const Overflow& e) {
      throw FormatException(item.position, e.what());
    }
  }

  FieldLayout LayoutFieldUnchecked(const Item& item, uint64_t& offset, uint64_t& alignment) {
    if (item.prefix_order != 0) mode_ = item.prefix_order;
    FieldLayout f;
    f.position = item.position;
    f.named = item.name.has_value();
    f.name = item.name.value_or("");
    f.mode = mode_;
    for (const auto& dims : item.shapes) {
      for (uint64_t d : dims) f.shape.push_back(d);
    }
    const uint64_t count = item.count.value_or(1);
    bool count_repeats = true;
    uint64_t natural_alignment = 1;
    const Element& e = item.element;
    switch (e.kind) {
      case Element::Kind::kCode: {
        CodeLookup lookup = LookupCode(dialect_, e.code, mode_);
        if (!lookup.spec) throw FormatException(item.position, lookup.error);
        f.code = e.code;
        f.kind = lookup.spec->kind;
        f.size = lookup.spec->size;
        natural_alignment = lookup.spec->alignment;
        if (f.kind == ValueKind::kBytes || f.kind == ValueKind::kPad ||
            (e.code == "w" && rules_.w_count_is_length)) {
          f.size = MulSize(f.size, count, "string size");
          count_repeats = false;
        } else if (f.kind == ValueKind::kBits) {
          f.bits = count;
          f.size = count / 8 + (count % 8 != 0 ? 1 : 0);
          count_repeats = false;
        }
        f.padding = f.kind == ValueKind::kPad && !f.named;
        break;
      }
      case Element::Kind::kStruct: {
        f.code = "T";
        f.kind = ValueKind::kPad;             // a struct is decoded member by member
        Layout inner = LayoutSeq(e.members);  // the mode is global: changes inside persist
        f.size = inner.itemsize;
        natural_alignment = inner.alignment;
        f.members = std::move(inner.fields);
        if (rules_.struct_aligned_by_mode_after) f.mode = mode_;
        break;
      }
      case Element::Kind::kPointer:
      case Element::Kind::kFunction: {
        f.code = e.kind == Element::Kind::kPointer ? "&" : "X";
        f.kind = ValueKind::kPointer;
        f.size = 8;  // sizeof(void *): in every mode, since no standard size exists
        natural_alignment = 8;
        // What a pointer points to, and a function's signature, are checked in their own scope:
        // an order mark inside them does not change the mode of the item being laid out.
        LayoutBuilder scoped(dialect_);
        scoped.mode_ = mode_;
        if (e.kind == Element::Kind::kPointer) {
          f.pointee = scoped.LayoutSeq(e.pointee).fields;
        } else {
          scoped.LayoutSeq(e.members);
          scoped.mode_ = mode_;
          scoped.LayoutSeq(e.returns);
        }
        break;
      }
    }
    if (dialect_ == Dialect::kNumpy && !item.shapes.empty()) {
      // numpy builds dtype((value, shape)); it refuses a zero-size value unless it is a plain
      // struct: S0, U0, V0 and a sub-array of zero size ("(2)0s", "(2)0i", "(1)2T{}").
      const bool plain_struct = e.kind == Element::Kind::kStruct && count == 1;
      const bool repeated = count_repeats && count != 1;
      if (!plain_struct && (f.size == 0 || (repeated && count == 0) ||
                            (repeated && e.kind == Element::Kind::kStruct && f.size == 0))) {
        throw FormatException(item.position,
                              "numpy cannot give a shape to a zero-size element "
                              "(ValueError: invalid itemsize in generic type tuple)");
      }
    }
    if (count_repeats && item.count && count != 1) f.shape.push_back(count);
    f.byte_order = ByteOrderOf(f.mode);

    const bool aligned = f.mode == '@';
    f.alignment = aligned ? natural_alignment : 1;
    offset = RoundUp(offset, f.alignment, "field offset");
    alignment = Lcm(alignment, f.alignment, "alignment");
    f.offset = offset;
    f.stride = RoundUp(f.size, f.alignment, "element size");
    f.extent = MulSize(f.stride, f.element_count(), "field size");
    offset = AddSize(offset, f.extent, "itemsize");
    return f;
  }

  Dialect dialect_;
  Rules rules_;
  char mode_ = '@';
};

}  // namespace

uint64_t FieldLayout::element_count() const {
  for (uint64_t d : shape) {
    if (d == 0) return 0;  // an empty array has no elements, however large the other dims
  }
  uint64_t n = 1;
  for (uint64_t d : shape) n = MulSize(n, d, "number of elements");
  return n;
}

bool SameField(const FieldLayout& a, const FieldLayout& b) {
  auto same_fields = [](const std::vector<FieldLayout>& x, const std::vector<FieldLayout>& y) {
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!SameField(x[i], y[i])) return false;
    }
    return true;
  };
  return a.code == b.code && a.kind == b.kind && a.named == b.named && a.name == b.name &&
         a.padding == b.padding && a.mode == b.mode && a.byte_order == b.byte_order &&
         a.shape == b.shape && a.offset == b.offset && a.size == b.size && a.stride == b.stride &&
         a.alignment == b.alignment && a.extent == b.extent && a.bits == b.bits &&
         same_fields(a.members, b.members) && same_fields(a.pointee, b.pointee);
}

bool SameLayout(const Layout& a, const Layout& b) {
  if (a.itemsize != b.itemsize || a.alignment != b.alignment) return false;
  if (a.fields.size() != b.fields.size()) return false;
  for (size_t i = 0; i < a.fields.size(); ++i) {
    if (!SameField(a.fields[i], b.fields[i])) return false;
  }
  return true;
}

Layout ComputeLayout(const Seq& seq, Dialect dialect) {
  return LayoutBuilder(dialect).LayoutSeq(seq);
}

FormatResult AnalyzeFormat(std::string_view format, Dialect dialect) {
  FormatResult r;
  try {
    r.syntax = Parse(format, dialect);
    r.result = ComputeLayout(r.syntax, dialect);
  } catch (const FormatException& e) {
    r.result = FormatError{e.position(), e.what(), e.beyond_limit()};
  }
  return r;
}

}  // namespace bufconf::format
