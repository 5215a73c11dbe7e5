// The three presentations of an Analysis (analysis.h): the terminal text, the JSON object and
// the SVG memory map.
#ifndef BUFCONF_CONFORMANCE_EXPLAIN_RENDER_H_
#define BUFCONF_CONFORMANCE_EXPLAIN_RENDER_H_

#include <string>

#include "conformance/explain/analysis.h"

namespace bufconf::explain::internal {

std::string RenderText(const Analysis& a);  // render_text.cc
std::string RenderJson(const Analysis& a);  // render_json.cc
std::string RenderSvg(const Analysis& a);   // render_svg.cc

}  // namespace bufconf::explain::internal

#endif  // BUFCONF_CONFORMANCE_EXPLAIN_RENDER_H_
