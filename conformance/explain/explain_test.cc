// `bufconf explain`: the text names the right contiguity reasons, mapping properties and rule IDs;
// the SVG is well-formed, self-contained and bounded, and marks elements, pointers, overlaps and
// stray bytes. Any descriptor at all (generated, mutated, absurd) is explained without throwing.
#include "conformance/explain/explain.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>

#include <cstdint>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "conformance/generators/layout_gen.h"
#include "conformance/generators/rc_support.h"
#include "reference/layout/addressing.h"
#include "reference/layout/contiguity.h"
#include "reference/layout/descriptor_json.h"

namespace bufconf::explain {
namespace {

using layout::Descriptor;
using layout::DescriptorFile;
using layout::Memory;
using layout::Region;

// ---------------------------------------------------------------------------------------------
// A small XML well-formedness checker (what the SVG needs: elements, attributes, character and
// entity references, comments, one prolog); it collects tags, class names and text.

struct Xml {
  bool ok = false;
  std::string error;
  std::string root;
  std::map<std::string, int> tags;     // tag name -> count
  std::map<std::string, int> classes;  // each class name -> count
  std::vector<std::string> texts;      // the character data of every element
  std::vector<std::map<std::string, std::string>> attributes;  // of every element
};

class XmlChecker {
 public:
  explicit XmlChecker(const std::string& s) : s_(s) {}

  Xml Check() {
    Xml x;
    try {
      if (s_.compare(0, 5, "<?xml") == 0) {
        const size_t end = s_.find("?>");
        if (end == std::string::npos) Fail("unterminated prolog");
        p_ = end + 2;
      }
      SkipMisc();
      if (p_ >= s_.size() || s_[p_] != '<') Fail("no root element");
      x.root = Element(x);
      SkipMisc();
      if (p_ != s_.size()) Fail("content after the root element");
      x.ok = true;
    } catch (const std::runtime_error& e) {
      x.error = std::string(e.what()) + " at byte " + std::to_string(p_);
    }
    return x;
  }

 private:
  [[noreturn]] void Fail(const std::string& what) { throw std::runtime_error(what); }

  void SkipSpace() {
    while (p_ < s_.size() && (s_[p_] == ' ' || s_[p_] == '\n' || s_[p_] == '\t' || s_[p_] == '\r'))
      ++p_;
  }

  void SkipMisc() {
    for (;;) {
      SkipSpace();
      if (s_.compare(p_, 4, "<!--") == 0) {
        const size_t end = s_.find("-->", p_ + 4);
        if (end == std::string::npos) Fail("unterminated comment");
        p_ = end + 3;
      } else {
        return;
      }
    }
  }

  static bool NameChar(char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
  }

  std::string Name() {
    const size_t start = p_;
    if (p_ >= s_.size() || !NameChar(s_[p_], true)) Fail("bad name");
    while (p_ < s_.size() && NameChar(s_[p_], false)) ++p_;
    return s_.substr(start, p_ - start);
  }

  // Character data up to `stop`, with references checked; returns the decoded text.
  std::string CharData(char stop) {
    std::string out;
    while (p_ < s_.size() && s_[p_] != stop && (stop == '<' || s_[p_] != '<')) {
      const auto c = static_cast<unsigned char>(s_[p_]);
      if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') Fail("control character");
      if (c >= 0x80) Fail("non-ASCII byte (explain writes ASCII only)");
      if (c == '&') {
        const size_t end = s_.find(';', p_);
        if (end == std::string::npos) Fail("unterminated reference");
        const std::string ref = s_.substr(p_ + 1, end - p_ - 1);
        static const std::map<std::string, char> kEntities = {
            {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''}};
        if (kEntities.count(ref) > 0) {
          out += kEntities.at(ref);
        } else if (ref.size() > 1 && ref[0] == '#' &&
                   ref.find_first_not_of("0123456789", 1) == std::string::npos) {
          out += '?';
        } else {
          Fail("bad reference &" + ref + ";");
        }
        p_ = end + 1;
      } else {
        out += static_cast<char>(c);
        ++p_;
      }
    }
    if (p_ < s_.size() && s_[p_] == '<' && stop != '<') Fail("'<' in an attribute value");
    return out;
  }

  std::string Element(Xml& x) {
    ++p_;  // '<'
    const std::string name = Name();
    ++x.tags[name];
    std::map<std::string, std::string> attributes;
    for (;;) {
      SkipSpace();
      if (p_ >= s_.size()) Fail("unterminated tag");
      if (s_[p_] == '/' || s_[p_] == '>') break;
      const std::string attribute = Name();
      SkipSpace();
      if (p_ >= s_.size() || s_[p_] != '=') Fail("attribute without '='");
      ++p_;
      SkipSpace();
      if (p_ >= s_.size() || (s_[p_] != '"' && s_[p_] != '\'')) Fail("unquoted attribute");
      const char quote = s_[p_++];
      const std::string value = CharData(quote);
      if (p_ >= s_.size()) Fail("unterminated attribute value");
      ++p_;
      if (!attributes.insert({attribute, value}).second) Fail("duplicate attribute " + attribute);
    }
    if (attributes.count("class") > 0) {
      std::istringstream in(attributes["class"]);
      std::string c;
      while (in >> c) ++x.classes[c];
    }
    x.attributes.push_back(attributes);
    if (s_[p_] == '/') {
      if (s_.compare(p_, 2, "/>") != 0) Fail("bad empty-element tag");
      p_ += 2;
      return name;
    }
    ++p_;  // '>'
    std::string text;
    for (;;) {
      text += CharData('<');
      if (p_ >= s_.size()) Fail("unterminated element " + name);
      if (s_.compare(p_, 4, "<!--") == 0) {
        SkipMisc();
        continue;
      }
      if (s_.compare(p_, 2, "</") == 0) {
        p_ += 2;
        if (Name() != name) Fail("mismatched end tag for " + name);
        SkipSpace();
        if (p_ >= s_.size() || s_[p_] != '>') Fail("bad end tag");
        ++p_;
        break;
      }
      Element(x);
    }
    x.texts.push_back(text);
    return name;
  }

  const std::string& s_;
  size_t p_ = 0;
};

Xml ParseXml(const std::string& s) { return XmlChecker(s).Check(); }

bool HasText(const Xml& x, const std::string& needle) {
  for (const std::string& t : x.texts) {
    if (t.find(needle) != std::string::npos) return true;
  }
  return false;
}

// Self-contained: no script, no foreign object, no reference outside the document.
void ExpectSelfContained(const std::string& svg, const Xml& x) {
  EXPECT_EQ(x.tags.count("script"), 0u);
  EXPECT_EQ(x.tags.count("foreignObject"), 0u);
  EXPECT_EQ(x.tags.count("image"), 0u);
  EXPECT_EQ(svg.find("href"), std::string::npos);
  EXPECT_EQ(svg.find("@import"), std::string::npos);
  size_t at = 0;
  while ((at = svg.find("url(", at)) != std::string::npos) {
    EXPECT_EQ(svg[at + 4], '#') << svg.substr(at, 40);
    ++at;
  }
  // Every url(#id) names an id of the document.
  std::set<std::string> ids;
  for (const auto& attributes : x.attributes) {
    if (attributes.count("id") > 0) ids.insert(attributes.at("id"));
  }
  at = 0;
  while ((at = svg.find("url(#", at)) != std::string::npos) {
    const size_t end = svg.find(')', at);
    ASSERT_NE(end, std::string::npos);
    EXPECT_EQ(ids.count(svg.substr(at + 5, end - at - 5)), 1u) << svg.substr(at, 40);
    at = end;
  }
  // width, height and viewBox on the root.
  ASSERT_FALSE(x.attributes.empty());
  const auto& root = x.attributes.front();
  EXPECT_EQ(root.count("width"), 1u);
  EXPECT_EQ(root.count("height"), 1u);
  EXPECT_EQ(root.count("viewBox"), 1u);
}

void ExpectNarrow(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) EXPECT_LE(line.size(), 100u) << line;
}

struct Explained {
  std::string text;
  std::string svg;
  nlohmann::json json;
  Xml xml;
};

Explained Explain(const Descriptor& view, const Memory* memory, ExplainOptions options = {}) {
  Explained e;
  e.text = ExplainText(view, memory, options);
  e.svg = ExplainSvg(view, memory, options);
  e.json = nlohmann::json::parse(ExplainJson(view, memory, options));
  e.xml = ParseXml(e.svg);
  EXPECT_TRUE(e.xml.ok) << e.xml.error;
  EXPECT_EQ(e.xml.root, "svg");
  ExpectSelfContained(e.svg, e.xml);
  ExpectNarrow(e.text);
  return e;
}

Explained ExplainJsonText(const char* descriptor, ExplainOptions options = {}) {
  const DescriptorFile d = layout::DescriptorFromJson(nlohmann::json::parse(descriptor));
  return Explain(d.view, d.memory ? &*d.memory : nullptr, options);
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

#define EXPECT_CONTAINS(haystack, needle) \
  EXPECT_TRUE(Contains(haystack, needle)) << "missing: " << (needle) << "\n" << (haystack)

int Count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------

TEST(ExplainTest, CContiguous2x3) {
  const Explained e = ExplainJsonText(
      R"({"buf":"0x1000","len":24,"itemsize":4,"ndim":2,"format":"i","shape":[2,3],
          "strides":[12,4],"memory":[{"base":"0x1000","size":24,"name":"data"}]})");
  EXPECT_CONTAINS(e.text, "C  yes  strides are the C strides");
  EXPECT_CONTAINS(e.text, "F  no   dim 0: stride 12 != expected 4");
  EXPECT_CONTAINS(e.text, "A  yes  C-contiguous");
  EXPECT_CONTAINS(e.text, "required span: 24 bytes, lowest byte buf+0, highest byte buf+23");
  EXPECT_CONTAINS(e.text, "inside region 'data'");
  EXPECT_CONTAINS(e.text, "is_unique      yes");
  EXPECT_CONTAINS(e.text, "is_exhaustive  yes");
  EXPECT_CONTAINS(e.text, "len 24 = 6 elements x itemsize 4: matches");
  EXPECT_CONTAINS(e.text, "verdict: valid");
  // The table: dim, extent, stride, suboffset, stride in items.
  EXPECT_CONTAINS(e.text, "    0      2     12         -               3\n");
  for (const char* label : {"(0,0)", "(0,1)", "(0,2)", "(1,0)", "(1,1)", "(1,2)"}) {
    EXPECT_TRUE(HasText(e.xml, label)) << label;
  }
  EXPECT_EQ(e.xml.classes.at("overlap"), 1);  // the legend only
  EXPECT_EQ(e.xml.classes.at("outside"), 1);
  EXPECT_EQ(e.xml.classes.count("el0") + e.xml.classes.count("el1"), 2u);  // both shades
  EXPECT_EQ(e.xml.classes.at("el0") + e.xml.classes.at("el1"), 6 + 1);     // + the legend
  EXPECT_TRUE(HasText(e.xml, "data (24 B)"));
  EXPECT_EQ(e.json["valid"], true);
  EXPECT_EQ(e.json["contiguous"]["F"]["value"], false);
  EXPECT_EQ(e.json["span"]["size"], 24);
  EXPECT_EQ(e.json["dims"][0]["stride_items"], 3);
}

TEST(ExplainTest, Transposed) {
  const Explained e = ExplainJsonText(
      R"({"buf":"0x1000","len":24,"itemsize":4,"ndim":2,"format":"i","shape":[2,3],
          "strides":[4,8]})");
  EXPECT_CONTAINS(e.text, "C  no   dim 1: stride 8 != expected 4");
  EXPECT_CONTAINS(e.text, "F  yes  strides are the Fortran strides");
  EXPECT_CONTAINS(e.text, "A  yes  Fortran-contiguous");
  EXPECT_CONTAINS(e.text, "memory: not declared");
  EXPECT_TRUE(HasText(e.xml, "(1,2)"));
  EXPECT_TRUE(HasText(e.xml, "no memory declared"));
}

TEST(ExplainTest, NegativeStride) {
  const Explained e = ExplainJsonText(
      R"({"buf":"0x1008","len":12,"itemsize":4,"ndim":1,"format":"i","shape":[3],
          "strides":[-4],"memory":[{"base":"0x1000","size":12}]})");
  EXPECT_CONTAINS(e.text, "lowest byte buf-8, highest byte buf+3 (0x1000..0x100b)");
  EXPECT_CONTAINS(e.text, "C  no   dim 0: stride -4 != expected 4");
  EXPECT_CONTAINS(e.text, "is_exhaustive  yes");
  EXPECT_CONTAINS(e.text, "rules (layout::Validate): none broken");
  EXPECT_TRUE(HasText(e.xml, "buf-8"));  // the row label of the first row
  EXPECT_EQ(e.json["span"]["lowest"], -8);
}

TEST(ExplainTest, SizeOneDimensionWithOddStride) {
  const Explained e = ExplainJsonText(
      R"({"buf":"0x1000","len":12,"itemsize":4,"ndim":2,"format":"i","shape":[1,3],
          "strides":[7,4],"memory":[{"base":"0x1000","size":12}]})");
  EXPECT_CONTAINS(e.text,
                  "C  yes  strides are the C strides; ignored as size-1/empty: dim 0 "
                  "(extent 1, stride 7)");
  EXPECT_CONTAINS(e.text, "F  yes");
  EXPECT_CONTAINS(e.text, "LAYOUT-STRIDES-MULTIPLE [PORTABILITY]");
  EXPECT_CONTAINS(e.text, "verdict: valid (no MUST rule broken)");
  EXPECT_TRUE(IsValid(layout::DescriptorFromJson(
                          nlohmann::json::parse(
                              R"({"buf":"0x1000","len":12,"itemsize":4,"ndim":2,"shape":[1,3],
                              "strides":[7,4]})"))
                          .view,
                      nullptr));
}

TEST(ExplainTest, OverlappingBroadcast) {
  const Explained e = ExplainJsonText(
      R"({"buf":"0x1000","len":24,"itemsize":4,"ndim":2,"format":"i","shape":[3,2],
          "strides":[0,4],"readonly":0,"memory":[{"base":"0x1000","size":8,"name":"row"}]})");
  EXPECT_CONTAINS(e.text, "is_unique      no       elements (0,0) and (1,0) share bytes");
  EXPECT_CONTAINS(e.text, "is_exhaustive  yes");
  EXPECT_CONTAINS(e.text, "C  no   dim 0: stride 0 != expected 8");
  EXPECT_CONTAINS(e.text, "MEMORY-OVERLAP-WRITABLE [PORTABILITY]");
  EXPECT_GE(e.xml.classes.at("overlap"), 2 + 1);  // two groups of three, and the legend
  EXPECT_TRUE(HasText(e.xml, "(0,0)x3"));
  EXPECT_EQ(e.json["is_unique"]["value"], "no");
}

TEST(ExplainTest, ArrayOfArraysWithPointerTable) {
  const Explained e = ExplainJsonText(
      R"({"buf":"0x100","len":6,"itemsize":1,"ndim":2,"format":"B","shape":[2,3],
          "strides":[8,1],"suboffsets":[0,-1],
          "memory":[{"base":"0x100","pointers":["0x200","0x300"],"name":"rows"},
                    {"base":"0x200","bytes":"010203","name":"row 0"},
                    {"base":"0x300","bytes":"040506","name":"row 1"}]})");
  EXPECT_CONTAINS(e.text, "dim 0: loads a pointer (8 bytes) every 8 bytes, then adds suboffset 0");
  EXPECT_CONTAINS(e.text, "(0) pointer at 0x100 = 0x200 -> 0x200 in 'row 0'");
  EXPECT_CONTAINS(e.text, "(1) pointer at 0x108 = 0x300 -> 0x300 in 'row 1'");
  EXPECT_CONTAINS(e.text, "C  no   suboffsets is not NULL");
  EXPECT_CONTAINS(e.text, "is_strided     no");
  EXPECT_CONTAINS(e.text, "verdict: valid");
  EXPECT_EQ(e.xml.classes.at("ptr"), 2 + 1);
  EXPECT_EQ(e.xml.classes.at("arrow"), 2 + 1);  // two pointers, and the legend
  EXPECT_EQ(Count(e.svg, "marker-end=\"url(#arrow)\""), 3);
  EXPECT_TRUE(HasText(e.xml, "*(1)"));
  EXPECT_TRUE(HasText(e.xml, "(1,2)"));
  EXPECT_TRUE(HasText(e.xml, "rows (16 B)"));
  EXPECT_EQ(e.xml.classes.count("arrowbad"), 0u);
  EXPECT_EQ(e.json["array_of_arrays"][0]["dim"], 0);
}

TEST(ExplainTest, PointerLeadingOutsideTheMemory) {
  const Explained e = ExplainJsonText(
      R"({"buf":"0x100","len":6,"itemsize":1,"ndim":2,"format":"B","shape":[2,3],
          "strides":[8,1],"suboffsets":[0,-1],
          "memory":[{"base":"0x100","pointers":["0x200","0x900"],"name":"rows"},
                    {"base":"0x200","bytes":"010203"}]})");
  EXPECT_CONTAINS(e.text, "(1) pointer at 0x108 = 0x900 -> 0x900 OUTSIDE the declared memory");
  EXPECT_CONTAINS(e.text, "MEMORY-POINTER [MUST]");
  EXPECT_CONTAINS(e.text, "verdict: INVALID");
  EXPECT_EQ(e.xml.classes.at("arrowbad"), 1);
  EXPECT_EQ(e.xml.classes.at("ptrbad"), 1);
  EXPECT_GE(e.xml.classes.at("outside"), 1 + 1);
}

TEST(ExplainTest, ElementOutsideTheDeclaredRegion) {
  const Explained e = ExplainJsonText(
      R"({"buf":"0x1000","len":24,"itemsize":4,"ndim":2,"format":"i","shape":[2,3],
          "strides":[12,4],"memory":[{"base":"0x1000","size":20,"name":"data"}]})");
  EXPECT_CONTAINS(e.text, "NOT inside one declared region");
  EXPECT_CONTAINS(e.text,
                  "elements outside the declared memory: 1 of the 6 placed, e.g. (1,2) "
                  "at 0x1014 (buf+20)");
  EXPECT_CONTAINS(e.text, "MEMORY-SPAN [MUST]");
  EXPECT_CONTAINS(e.text, "verdict: INVALID");
  EXPECT_EQ(e.xml.classes.at("outside"), 1 + 1);
  EXPECT_GE(e.xml.classes.at("stray"), 1 + 1);
  EXPECT_GE(e.xml.classes.at("boundary"), 2);
  EXPECT_EQ(e.json["valid"], false);
  EXPECT_EQ(e.json["violations"][0]["rule"], "MEMORY-SPAN");
}

TEST(ExplainTest, HugeViewIsSummarised) {
  // 4096 x 4096 ints: a 64 MiB span.
  const Explained e = ExplainJsonText(
      R"({"buf":"0x10000000","len":67108864,"itemsize":4,"ndim":2,"format":"i",
          "shape":[4096,4096],"strides":[16384,4]})");
  EXPECT_TRUE(HasText(e.xml, "16777216 elements, summarised"));
  EXPECT_TRUE(HasText(e.xml, "(0,0)"));
  EXPECT_TRUE(HasText(e.xml, "(4095,4095)"));
  EXPECT_TRUE(HasText(e.xml, "bytes not drawn"));
  EXPECT_LT(e.svg.size(), 200u * 1024);
  EXPECT_CONTAINS(e.text, "is_unique      yes");
  EXPECT_CONTAINS(e.text, "is_exhaustive  yes      the span is exactly 67108864 bytes");
  EXPECT_CONTAINS(e.text, "required span: 67108864 bytes");
}

TEST(ExplainTest, HugeViewOverHugeMemory) {
  // A 64 MiB region, every byte an element, and a view with a huge stride over it.
  Memory memory;
  Region r;
  r.base = 0x1000000;
  r.name = "big";
  r.bytes.assign(size_t{64} << 20, 0);
  memory.AddRegion(std::move(r));
  Descriptor bytes;
  bytes.buf = 0x1000000;
  bytes.len = int64_t{64} << 20;
  bytes.itemsize = 1;
  bytes.ndim = 1;
  bytes.shape = std::vector<int64_t>{bytes.len};
  bytes.strides = std::vector<int64_t>{1};
  Explained e = Explain(bytes, &memory);
  EXPECT_TRUE(HasText(e.xml, "67108864 elements, summarised"));
  EXPECT_LT(e.svg.size(), 200u * 1024);
  EXPECT_CONTAINS(e.text, "inside region 'big'");
  Descriptor sparse = bytes;  // 60000 elements 1 KiB apart: drawn or summarised, never huge
  sparse.shape = std::vector<int64_t>{60000};
  sparse.strides = std::vector<int64_t>{1024};
  sparse.len = 60000;
  for (int64_t max_elements : {int64_t{10000}, int64_t{100000}}) {
    ExplainOptions options;
    options.max_elements = max_elements;
    e = Explain(sparse, &memory, options);
    EXPECT_LT(e.svg.size(), 16u << 20) << max_elements;
    EXPECT_CONTAINS(e.text, "is_exhaustive  no");
  }
  EXPECT_TRUE(HasText(e.xml, "(59999)"));  // all drawn, at a coarser scale
  EXPECT_TRUE(HasText(e.xml, "1 cell = "));
}

TEST(ExplainTest, TenThousandElementsAreDrawn) {
  const Explained e = ExplainJsonText(
      R"({"buf":"0x1000","len":40000,"itemsize":4,"ndim":2,"format":"i","shape":[100,100],
          "strides":[400,4],"memory":[{"base":"0x1000","size":40000}]})");
  EXPECT_FALSE(HasText(e.xml, "summarised"));
  EXPECT_TRUE(HasText(e.xml, "(99,99)"));
  EXPECT_EQ(e.xml.classes.at("el0") + e.xml.classes.at("el1"), 10000 + 1);
  EXPECT_LT(e.svg.size(), 6u << 20);
}

TEST(ExplainTest, InvalidDescriptorsAreStillExplained) {
  const char* kCases[] = {
      R"({"buf":"0x10","len":1,"itemsize":1,"ndim":70})",
      R"({"buf":"0x10","len":4,"itemsize":4,"ndim":2,"shape":[1]})",
      R"({"buf":"0x10","len":0,"itemsize":4,"ndim":1,"shape":[-3],"strides":[4]})",
      R"({"buf":"0x10","len":-5,"itemsize":1,"ndim":1})",
      R"({"buf":"0x10","len":4,"itemsize":-4,"ndim":1,"shape":[1],"strides":[4]})",
      R"({"buf":"0x10","len":4,"itemsize":4,"ndim":1,"strides":[4]})",
      R"({"buf":"0x10","len":8,"itemsize":4,"ndim":2,"shape":[2,1],"suboffsets":[0,0]})",
      R"({"buf":"0xfffffffffffffff0","len":8,"itemsize":4,"ndim":1,"shape":[2],
          "strides":[9223372036854775807]})",
      R"({"buf":"0x10","len":8,"itemsize":4,"ndim":2,"shape":[9223372036854775807,4],
          "strides":[-9223372036854775807,4]})",
      R"({"buf":"0x10","len":8,"itemsize":9223372036854775807,"ndim":1,"shape":[3],
          "strides":[1]})",
      R"({"buf":null,"len":0,"itemsize":0,"ndim":1,"shape":[5],"strides":[0],"format":"0s"})",
      R"({"buf":"0x10","len":8,"itemsize":1,"ndim":1,"shape":[8],"strides":[1],
          "suboffsets":[0]})",
      R"({"buf":"0x10","len":8,"itemsize":1,"ndim":1,"shape":[8],"strides":[1],
          "suboffsets":[5],"memory":[{"base":"0x10","pointers":["0xfffffffffffffffe"]}]})",
      R"({"buf":"0x10","len":4,"itemsize":4,"ndim":0,"format":"T{i:x:}\u0001"})",
      R"({"buf":"0x10","len":4,"itemsize":4,"ndim":0,"shape":[],"strides":[],
          "memory":[{"base":"0x0","size":1,"name":"<&\"'>"}]})",
  };
  for (const char* descriptor : kCases) {
    SCOPED_TRACE(descriptor);
    Explained e;
    ASSERT_NO_THROW(e = ExplainJsonText(descriptor));
    EXPECT_CONTAINS(e.text, "verdict: ");
    EXPECT_LT(e.svg.size(), 1u << 20);
  }
  const Explained ndim = ExplainJsonText(kCases[0]);
  EXPECT_CONTAINS(ndim.text, "FIELDS-NDIM-RANGE [MUST]");
  EXPECT_TRUE(HasText(ndim.xml, "the elements cannot be placed"));
  const Explained mismatch = ExplainJsonText(kCases[1]);
  EXPECT_CONTAINS(mismatch.text, "FIELDS-ARRAY-LENGTH [MUST]: shape has 1 entries but ndim is 2");
  EXPECT_CONTAINS(mismatch.text, "    1      ?");
  const Explained far = ExplainJsonText(kCases[7]);  // the span ends past PY_SSIZE_T_MAX
  EXPECT_EQ(far.json["span"]["highest"], "9223372036854775810");
  EXPECT_CONTAINS(far.text, "cannot be placed");
  const Explained wild = ExplainJsonText(kCases[12]);
  EXPECT_CONTAINS(wild.text, "+ suboffset");
}

// ---------------------------------------------------------------------------------------------
// Property: generated layouts, sometimes made indirect, sometimes broken in one field.

void Mutate(Descriptor& v) {
  const int64_t wild = *rc::gen::oneOf(
      rc::gen::element<int64_t>(0, 1, -1, 7, -8, std::numeric_limits<int64_t>::max(),
                                std::numeric_limits<int64_t>::min(), int64_t{1} << 40),
      rc::gen::arbitrary<int64_t>());
  auto some = [&](std::optional<std::vector<int64_t>>& field) {
    if (!field || field->empty()) {
      field = std::vector<int64_t>{wild};
    } else {
      (*field)[*rc::gen::inRange<size_t>(0, field->size())] = wild;
    }
  };
  switch (*rc::gen::inRange(0, 10)) {
    case 0:
      some(v.strides);
      break;
    case 1:
      some(v.shape);
      break;
    case 2:
      some(v.suboffsets);
      break;
    case 3:
      v.len = wild;
      break;
    case 4:
      v.itemsize = wild;
      break;
    case 5:
      v.ndim = *rc::gen::inRange<int64_t>(-2, 70);
      break;
    case 6:
      v.buf = static_cast<uint64_t>(wild);
      break;
    case 7:
      v.format = *rc::gen::container<std::string>(rc::gen::inRange<char>(0, 127));
      break;
    case 8:
      v.strides.reset();
      break;
    default:
      v.shape.reset();
      break;
  }
}

TEST(ExplainProperties, AnyLayoutIsExplainedBoundedAndWellFormed) {
  gen::CheckAtLeast(150, [] {
    gen::LayoutGenOptions generation;
    generation.max_elements = 300;
    gen::Layout l = *gen::StridedLayout(generation);
    if (*rc::gen::inRange(0, 3) == 0) l = *gen::ArrayOfArrays(l);
    const bool mutated = *rc::gen::inRange(0, 3) == 0;
    if (mutated) Mutate(l.view);
    const bool with_memory = *rc::gen::inRange(0, 5) != 0;
    ExplainOptions options;
    options.max_elements = *rc::gen::element<int64_t>(1, 7, 10000);
    const Memory* memory = with_memory ? &l.memory : nullptr;
    const std::string text = ExplainText(l.view, memory, options);
    const std::string svg = ExplainSvg(l.view, memory, options);
    const nlohmann::json j = nlohmann::json::parse(ExplainJson(l.view, memory, options));
    Xml x = ParseXml(svg);
    RC_ASSERT(x.ok);
    RC_ASSERT(x.root == "svg");
    RC_ASSERT(svg.size() < (size_t{4} << 20));
    RC_ASSERT(x.tags["rect"] + x.tags["path"] + x.tags["text"] < 20000);
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) RC_ASSERT(line.size() <= 100u);
    // The verdicts are the model's.
    for (const char* order : {"C", "F", "A"}) {
      RC_ASSERT(j["contiguous"][order]["value"].get<bool>() ==
                layout::IsContiguous(l.view, order[0]));
    }
    RC_ASSERT(j["valid"].get<bool>() == IsValid(l.view, memory));
    // is_unique "yes" / "no" agree with the element addresses.
    if (!mutated && with_memory && j["is_unique"]["value"] != "unknown" &&
        j["is_unique"]["value"] != "n/a") {
      const layout::FullView full = layout::Expand(l.view);
      std::vector<uint64_t> at = layout::ElementAddresses(full, l.memory, 'C');
      std::sort(at.begin(), at.end());
      bool shared = false;
      for (size_t k = 1; k < at.size(); ++k) {
        shared = shared || at[k] - at[k - 1] < static_cast<uint64_t>(full.itemsize);
      }
      RC_ASSERT((j["is_unique"]["value"] == "no") == shared);
    }
  });
}

}  // namespace
}  // namespace bufconf::explain
