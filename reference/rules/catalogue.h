// The rules catalogue: the one list of buffer-protocol rules (PEP 3118, Doc/c-api/buffer.rst,
// Doc/c-api/typeobj.rst and CPython's own behaviour) that the checker, `bufconf rules`, the docs
// and the tests all use.
//
// Levels:
//   kMust        the sources require it (MUST / "must" / a definition CPython implements exactly);
//                a violation is a conformance failure.
//   kShould      the sources recommend it, or CPython enforces it without the docs requiring it.
//   kPortability not required, but real consumers or exporters (CPython's memoryview, _testbuffer,
//                struct, numpy) break or disagree without it.
//
// Flag notation in statements: "F is in flags" means (flags & F) == F, with the values of
// Include/pybuffer.h: WRITABLE 0x1, FORMAT 0x4, ND 0x8, STRIDES 0x18, C_CONTIGUOUS 0x38,
// F_CONTIGUOUS 0x58, ANY_CONTIGUOUS 0x98, INDIRECT 0x118. "The exporter's full description" is its
// successful response to PyBUF_FULL_RO.
#ifndef BUFCONF_REFERENCE_RULES_CATALOGUE_H_
#define BUFCONF_REFERENCE_RULES_CATALOGUE_H_

#include <optional>
#include <string_view>
#include <vector>

namespace bufconf::rules {

enum class Level { kMust, kShould, kPortability };

// Who must keep a rule, and so who broke it when it fails:
//   kExporter     the object's bf_getbuffer / bf_releasebuffer (what `bufconf run` judges on
//                 exporters);
//   kConsumer     code that gets, reads and releases buffers;
//   kInterpreter  the interpreter's C-API: PyObject_GetBuffer's own checks before bf_getbuffer,
//                 PyBuffer_* and memoryview algorithms (or a library implementing them). A
//                 failure of such a rule is never the exporter's.
enum class Party { kExporter, kConsumer, kInterpreter };

enum class Area { kFields, kLayout, kMemory, kFormat, kContiguity, kRequest, kAlgorithm, kRelease };

struct Rule {
  const char* id;  // stable, UPPER-KEBAB with the area's prefix, e.g. "LAYOUT-LEN"
  Area area;
  Level level;
  Party party;
  const char* statement;  // one line, imperative, precise enough to implement a check from
  const char* source;     // where the rule comes from; "derived" when no document states it
  const char* quote;      // the source's own words (as quoted in the research notes), or ""
};

// Every rule, grouped by area in the order of `Area`, in a stable order within each area.
const std::vector<Rule>& Catalogue();

// The rule with this id, or nullptr if there is none.
const Rule* FindRule(std::string_view id);

// "MUST", "SHOULD", "PORTABILITY".
const char* LevelName(Level level);
// "exporter", "consumer", "interpreter".
const char* PartyName(Party party);
std::optional<Party> PartyFromName(std::string_view name);

// "fields", "layout", "memory", "format", "contiguity", "request", "algorithm", "release".
const char* AreaName(Area area);
// The id prefix of an area: "FIELDS", "LAYOUT", "MEMORY", "FORMAT", "CONTIG", "REQ", "ALGO",
// "RELEASE".
const char* AreaPrefix(Area area);

// Inverses of LevelName and AreaName (exact, case-sensitive); nullopt for unknown names.
std::optional<Level> LevelFromName(std::string_view name);
std::optional<Area> AreaFromName(std::string_view name);

inline constexpr Level kAllLevels[] = {Level::kMust, Level::kShould, Level::kPortability};
inline constexpr Area kAllAreas[] = {Area::kFields,    Area::kLayout,     Area::kMemory,
                                     Area::kFormat,    Area::kContiguity, Area::kRequest,
                                     Area::kAlgorithm, Area::kRelease};

}  // namespace bufconf::rules

#endif  // BUFCONF_REFERENCE_RULES_CATALOGUE_H_
