#include "conformance/explain/explain.h"

#include "conformance/explain/analysis.h"
#include "conformance/explain/render.h"
#include "conformance/explain/verdict.h"
#include "reference/layout/checker.h"
#include "reference/rules/catalogue.h"

namespace bufconf::explain {

using internal::Analyse;
using internal::Analysis;
using internal::RenderJson;
using internal::RenderSvg;
using internal::RenderText;

std::string ExplainText(const layout::Descriptor& view, const layout::Memory* memory,
                        const ExplainOptions& options) {
  return RenderText(Analyse(view, memory, options));
}

std::string ExplainSvg(const layout::Descriptor& view, const layout::Memory* memory,
                       const ExplainOptions& options) {
  return RenderSvg(Analyse(view, memory, options));
}

std::string ExplainJson(const layout::Descriptor& view, const layout::Memory* memory,
                        const ExplainOptions& options) {
  return RenderJson(Analyse(view, memory, options));
}

int ExitStatus(const layout::Descriptor& view, const layout::Memory* memory, int64_t max_walk) {
  return Judge(view, memory, max_walk).ExitStatus();
}

bool IsValid(const layout::Descriptor& view, const layout::Memory* memory) {
  for (const layout::Violation& v : layout::Validate(view, memory)) {
    const rules::Rule* rule = rules::FindRule(v.rule);
    if (rule == nullptr || rule->level == rules::Level::kMust) return false;
  }
  return true;
}

}  // namespace bufconf::explain
