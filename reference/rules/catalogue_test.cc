#include "reference/rules/catalogue.h"

#include <gtest/gtest.h>

#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "reference/rules/rules_json.h"

namespace bufconf::rules {
namespace {

// Quotes are the sources' words: no notation of the research notes (an arrow for "implies", a
// times sign) and no numbering of theirs ("PEP 3118, 'Rules' 13": the PEP has no numbered rules).
TEST(CatalogueTest, QuotesAreSourceWords) {
  for (const Rule& rule : Catalogue()) {
    SCOPED_TRACE(rule.id);
    const std::string quote = rule.quote, source = rule.source;
    EXPECT_EQ(quote.find("\u21d2"), std::string::npos) << quote;  // the arrow
    EXPECT_EQ(quote.find("\u00d7"), std::string::npos) << quote;  // the times sign
    EXPECT_EQ(source.find("'Rules'"), std::string::npos) << source;
  }
}

TEST(CatalogueTest, IsNotEmptyAndStable) {
  ASSERT_FALSE(Catalogue().empty());
  EXPECT_EQ(&Catalogue(), &Catalogue());
}

// UPPER-KEBAB: [A-Z]+ then one or more -[A-Z0-9]+. (No std::regex: gcc 12 -O1 warns inside it.)
bool IsUpperKebab(const std::string& id) {
  size_t parts = 0;
  size_t start = 0;
  for (;;) {
    const size_t dash = id.find('-', start);
    const std::string part = id.substr(start, dash == std::string::npos ? dash : dash - start);
    if (part.empty()) return false;
    for (char c : part) {
      const bool upper = c >= 'A' && c <= 'Z';
      const bool digit = c >= '0' && c <= '9';
      if (!upper && !(digit && parts > 0)) return false;
    }
    ++parts;
    if (dash == std::string::npos) return parts >= 2;
    start = dash + 1;
  }
}

// Every rule ID a statement mentions: maximal runs of [A-Z0-9-] starting with an area prefix.
std::vector<std::string> RuleReferences(const std::string& text) {
  std::vector<std::string> out;
  auto in_id = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'; };
  for (size_t i = 0; i < text.size();) {
    if (!in_id(text[i]) || (i > 0 && in_id(text[i - 1]))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && in_id(text[j])) ++j;
    std::string token = text.substr(i, j - i);
    while (!token.empty() && token.back() == '-') token.pop_back();
    for (Area area : kAllAreas) {
      const std::string prefix = std::string(AreaPrefix(area)) + "-";
      if (token.size() > prefix.size() && token.compare(0, prefix.size(), prefix) == 0) {
        out.push_back(token);
      }
    }
    i = j;
  }
  return out;
}

TEST(CatalogueTest, IdsAreUnique) {
  std::set<std::string> seen;
  for (const Rule& rule : Catalogue()) {
    EXPECT_TRUE(seen.insert(rule.id).second) << "duplicate id " << rule.id;
  }
}

TEST(CatalogueTest, IdsAreUpperKebabWithTheirAreaPrefix) {
  EXPECT_FALSE(IsUpperKebab("FIELDS"));
  EXPECT_FALSE(IsUpperKebab("fields-x"));
  EXPECT_FALSE(IsUpperKebab("1X-Y"));
  EXPECT_TRUE(IsUpperKebab("REQ-C-CONTIGUOUS"));
  for (const Rule& rule : Catalogue()) {
    const std::string id = rule.id;
    EXPECT_TRUE(IsUpperKebab(id)) << id;
    const std::string prefix = std::string(AreaPrefix(rule.area)) + "-";
    EXPECT_EQ(id.compare(0, prefix.size(), prefix), 0)
        << id << " is in area " << AreaName(rule.area) << " but lacks prefix " << prefix;
  }
}

TEST(CatalogueTest, EveryRuleHasStatementAndSource) {
  for (const Rule& rule : Catalogue()) {
    ASSERT_NE(rule.statement, nullptr) << rule.id;
    ASSERT_NE(rule.source, nullptr) << rule.id;
    ASSERT_NE(rule.quote, nullptr) << rule.id;
    const std::string statement = rule.statement;
    EXPECT_FALSE(statement.empty()) << rule.id;
    EXPECT_FALSE(std::string(rule.source).empty()) << rule.id;
    // One line, ASCII, ending in a full stop.
    EXPECT_EQ(statement.find('\n'), std::string::npos) << rule.id;
    for (char c : statement) {
      EXPECT_EQ(static_cast<unsigned char>(c) & 0x80, 0) << rule.id << ": non-ASCII statement";
    }
    EXPECT_EQ(statement.back(), '.') << rule.id;
    const std::string quote = rule.quote;
    EXPECT_EQ(quote.find('\n'), std::string::npos) << rule.id;
    if (!quote.empty()) {
      EXPECT_NE(quote.front(), ' ') << rule.id;
      EXPECT_NE(quote.back(), ' ') << rule.id;
    }
  }
}

TEST(CatalogueTest, RulesAreGroupedByAreaInEnumOrder) {
  const std::vector<Rule>& rules = Catalogue();
  for (size_t i = 1; i < rules.size(); ++i) {
    EXPECT_LE(static_cast<int>(rules[i - 1].area), static_cast<int>(rules[i].area))
        << rules[i - 1].id << " before " << rules[i].id;
  }
  for (Area area : kAllAreas) {
    bool found = false;
    for (const Rule& rule : rules) found = found || rule.area == area;
    EXPECT_TRUE(found) << "no rule in area " << AreaName(area);
  }
}

TEST(CatalogueTest, CrossReferencesInStatementsNameExistingRules) {
  EXPECT_EQ(RuleReferences("see MEMORY-SPAN, and ALGO-FILL-STRIDES."),
            (std::vector<std::string>{"MEMORY-SPAN", "ALGO-FILL-STRIDES"}));
  for (const Rule& rule : Catalogue()) {
    for (const std::string& ref : RuleReferences(rule.statement)) {
      EXPECT_NE(FindRule(ref), nullptr) << rule.id << " refers to unknown " << ref;
    }
  }
}

TEST(FindRuleTest, FindsEveryRuleByItsId) {
  for (const Rule& rule : Catalogue()) {
    EXPECT_EQ(FindRule(rule.id), &rule) << rule.id;
  }
}

TEST(FindRuleTest, ReturnsNullForUnknownIds) {
  EXPECT_EQ(FindRule(""), nullptr);
  EXPECT_EQ(FindRule("NO-SUCH-RULE"), nullptr);
  EXPECT_EQ(FindRule("layout-len"), nullptr);  // ids are case-sensitive
  EXPECT_EQ(FindRule("LAYOUT-LEN "), nullptr);
  EXPECT_EQ(FindRule("LAYOUT"), nullptr);
}

TEST(FindRuleTest, AcceptsNonTerminatedViews) {
  const std::string text = "LAYOUT-LEN-SIMPLE";
  const Rule* rule = FindRule(std::string_view(text).substr(0, std::strlen("LAYOUT-LEN")));
  ASSERT_NE(rule, nullptr);
  EXPECT_STREQ(rule->id, "LAYOUT-LEN");
}

// The ids other components (checker, CLI, docs) refer to by name.
TEST(CatalogueTest, RequiredIdsExist) {
  const char* const kRequired[] = {
      "FIELDS-NDIM-RANGE",
      "FIELDS-ITEMSIZE-POSITIVE",
      "FIELDS-SCALAR-NULLS",
      "FIELDS-SHAPE-NONNEG",
      "FIELDS-SHAPE-PRESENT-STRIDES",
      "FIELDS-SUBOFFSETS-NEED-STRIDES",
      "FIELDS-READONLY-BOOL",
      "FIELDS-OBJ",
      "FIELDS-BUF-NONNULL",
      "LAYOUT-LEN",
      "LAYOUT-LEN-SIMPLE",
      "LAYOUT-SUBOFFSETS-ALL-NEGATIVE-NULL",
      "LAYOUT-STRIDES-MULTIPLE",
      "MEMORY-SPAN",
      "MEMORY-POINTER",
      "MEMORY-OVERLAP-WRITABLE",
      "FORMAT-PARSES",
      "FORMAT-SIZE",
      "FORMAT-SIZE-STRUCT",
      "FORMAT-SIZE-NUMPY",
      "FORMAT-NULL-IS-B",
      "CONTIG-C",
      "CONTIG-F",
      "CONTIG-A",
      "CONTIG-MEMORYVIEW",
      "REQ-WRITABLE",
      "REQ-STRIDES-NEEDED",
      "REQ-INDIRECT-NEEDED",
      "REQ-C-CONTIGUOUS",
      "REQ-F-CONTIGUOUS",
      "REQ-ANY-CONTIGUOUS",
      "REQ-FORMAT-FILLED",
      "REQ-FORMAT-NULL",
      "REQ-ND-SHAPE",
      "REQ-STRIDES-FILLED",
      "REQ-SUBOFFSETS-NULL-WITHOUT-INDIRECT",
      "REQ-READ-WRITE-FLAGS",
      "REQ-FORMAT-WITHOUT-ND",
      "REQ-READONLY-CONSISTENT",
      "REQ-FAIL-BUFFERERROR",
      "REQ-FIELDS-ALL-FILLED",
      "REQ-ITEMSIZE-KEPT",
      "REQ-SIMPLE-SHAPE",
      "ALGO-GET-POINTER",
      "ALGO-TO-CONTIGUOUS",
      "ALGO-FROM-CONTIGUOUS",
      "ALGO-FILL-STRIDES",
      "ALGO-COPY-DATA",
      "ALGO-SIZE-FROM-FORMAT",
      "ALGO-TOLIST",
      "ALGO-EQUAL",
      "RELEASE-PAIRED",
      "RELEASE-MEMORY-STABLE",
      "RELEASE-RESIZE-WHILE-EXPORTED",
      // PEP 688 (Python exporters, CPython 3.12+; conformance/zoo/pep688)
      "REQ-PEP688-RETURNS-MEMORYVIEW",
      "REQ-PEP688-FLAGS-INT",
      "RELEASE-PEP688-PAIRED",
      "RELEASE-PEP688-RELEASES",
  };
  for (const char* id : kRequired) {
    EXPECT_NE(FindRule(id), nullptr) << "missing required rule " << id;
  }
}

// Levels decided on purpose; a change here is a change of the suite's verdicts.
TEST(CatalogueTest, DecidedLevels) {
  struct Expected {
    const char* id;
    Level level;
  };
  const Expected kDecided[] = {
      {"FIELDS-NDIM-RANGE", Level::kMust},
      {"FIELDS-ITEMSIZE-POSITIVE", Level::kPortability},  // '0s' is legal; _testbuffer rejects it
      {"FIELDS-READONLY-BOOL", Level::kPortability},
      {"FIELDS-BUF-NONNULL", Level::kPortability},
      {"LAYOUT-STRIDES-MULTIPLE", Level::kPortability},  // numpy field views violate it
      {"LAYOUT-SUBOFFSETS-ALL-NEGATIVE-NULL", Level::kMust},
      {"MEMORY-OVERLAP-WRITABLE", Level::kPortability},
      {"FORMAT-SIZE", Level::kMust},
      {"FORMAT-SIZE-STRUCT", Level::kPortability},
      {"FORMAT-SIZE-NUMPY", Level::kPortability},
      {"CONTIG-C", Level::kMust},
      {"CONTIG-MEMORYVIEW", Level::kPortability},
      {"REQ-FORMAT-WITHOUT-ND", Level::kPortability},  // bytes accept, memoryview rejects
      {"REQ-SIMPLE-SHAPE", Level::kPortability},
      {"REQ-READ-WRITE-FLAGS", Level::kShould},
      {"RELEASE-PAIRED", Level::kMust},
      {"REQ-PEP688-RETURNS-MEMORYVIEW", Level::kMust},  // "must return a memoryview object"
      {"REQ-PEP688-FLAGS-INT", Level::kShould},         // CPython's behaviour, not a document's
      {"RELEASE-PEP688-PAIRED", Level::kMust},
      {"RELEASE-PEP688-RELEASES", Level::kMust},  // "must release any resources"
  };
  for (const Expected& e : kDecided) {
    const Rule* rule = FindRule(e.id);
    ASSERT_NE(rule, nullptr) << e.id;
    EXPECT_EQ(rule->level, e.level) << e.id << " is " << LevelName(rule->level);
  }
}

// Who must keep a rule decides whom its failure blames; a change here moves verdicts between
// exporters, consumers and the interpreter.
TEST(CatalogueTest, DecidedParties) {
  struct Expected {
    const char* id;
    Party party;
  };
  const Expected kDecided[] = {
      {"FIELDS-OBJ", Party::kExporter},
      {"FIELDS-CONSUMER-NO-MODIFY", Party::kConsumer},  // "As a consumer, never write ..."
      {"FIELDS-BUF-NULL-BEFORE-GET", Party::kConsumer},
      {"REQ-GRANT", Party::kExporter},
      {"REQ-FIELDS-ALL-FILLED", Party::kExporter},
      {"REQ-FILLINFO-ARGS", Party::kExporter},  // the exporter calls PyBuffer_FillInfo
      // PyObject_GetBuffer's own check (gh-114685: the 3.13 fix is in the caller).
      {"REQ-READ-WRITE-FLAGS", Party::kInterpreter},
      {"ALGO-TO-CONTIGUOUS", Party::kInterpreter},
      {"CONTIG-C", Party::kInterpreter},  // judged through is_contiguous (PyBuffer_IsContiguous)
      {"RELEASE-PAIRED", Party::kConsumer},
      {"RELEASE-CLEARS-OBJ", Party::kInterpreter},  // PyBuffer_Release
      {"RELEASE-RESIZE-WHILE-EXPORTED", Party::kExporter},
      // PEP 688: __buffer__ and __release_buffer__ are the exporter's; calling them is CPython's.
      {"REQ-PEP688-RETURNS-MEMORYVIEW", Party::kExporter},
      {"REQ-PEP688-FLAGS-INT", Party::kInterpreter},
      {"RELEASE-PEP688-PAIRED", Party::kInterpreter},
      {"RELEASE-PEP688-RELEASES", Party::kExporter},
  };
  for (const Expected& e : kDecided) {
    const Rule* rule = FindRule(e.id);
    ASSERT_NE(rule, nullptr) << e.id;
    EXPECT_EQ(rule->party, e.party) << e.id << " is " << PartyName(rule->party);
  }
  for (Party p : {Party::kExporter, Party::kConsumer, Party::kInterpreter}) {
    EXPECT_EQ(PartyFromName(PartyName(p)), p);
  }
  EXPECT_EQ(PartyFromName("Exporter"), std::nullopt);
}

TEST(NamesTest, LevelNamesRoundTrip) {
  std::set<std::string> names;
  for (Level level : kAllLevels) {
    const std::string name = LevelName(level);
    EXPECT_NE(name, "?");
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_EQ(LevelFromName(name), level) << name;
  }
  EXPECT_EQ(LevelName(Level::kMust), std::string("MUST"));
  EXPECT_EQ(LevelFromName("must"), std::nullopt);
  EXPECT_EQ(LevelFromName(""), std::nullopt);
}

TEST(NamesTest, AreaNamesAndPrefixesRoundTrip) {
  std::set<std::string> names;
  std::set<std::string> prefixes;
  for (Area area : kAllAreas) {
    const std::string name = AreaName(area);
    EXPECT_NE(name, "?");
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_TRUE(prefixes.insert(AreaPrefix(area)).second) << AreaPrefix(area);
    EXPECT_EQ(AreaFromName(name), area) << name;
  }
  EXPECT_EQ(std::string(AreaPrefix(Area::kContiguity)), "CONTIG");
  EXPECT_EQ(std::string(AreaPrefix(Area::kRequest)), "REQ");
  EXPECT_EQ(AreaFromName("CONTIG"), std::nullopt);
}

TEST(RulesJsonTest, OneObjectPerRuleInOrder) {
  const nlohmann::ordered_json json = RulesToJson();
  ASSERT_TRUE(json.is_array());
  const std::vector<Rule>& rules = Catalogue();
  ASSERT_EQ(json.size(), rules.size());
  const std::vector<std::string> kKeys = {"id",        "area",   "level", "party",
                                          "statement", "source", "quote"};
  for (size_t i = 0; i < rules.size(); ++i) {
    const nlohmann::ordered_json& object = json[i];
    ASSERT_TRUE(object.is_object());
    std::vector<std::string> keys;
    for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
    EXPECT_EQ(keys, kKeys);
    EXPECT_EQ(object["id"], rules[i].id);
    EXPECT_EQ(object["area"], AreaName(rules[i].area));
    EXPECT_EQ(object["level"], LevelName(rules[i].level));
    EXPECT_EQ(object["party"], PartyName(rules[i].party));
    EXPECT_EQ(object["statement"], rules[i].statement);
    EXPECT_EQ(object["source"], rules[i].source);
    EXPECT_EQ(object["quote"], rules[i].quote);
  }
}

TEST(RulesJsonTest, SerializesAsValidUtf8) {
  // Quotes contain non-ASCII characters (e.g. U+21D2, U+00D7); dump() throws on invalid UTF-8.
  const std::string text = RulesToJson().dump();
  EXPECT_EQ(nlohmann::ordered_json::parse(text), RulesToJson());
}

}  // namespace
}  // namespace bufconf::rules
