// The HTML rendering of a conformance run (`bufconf run --html FILE`): one self-contained page
// (inline CSS, no scripts, no external resources) with the adapter and settings, the totals, every
// rule grouped by area (the ID's prefix: FIELDS, LAYOUT, MEMORY, FORMAT, CONTIG, REQ, ALGO,
// RELEASE) and every failure with its message, its counterexample (the saved file, pretty JSON,
// collapsible), a picture of the failing view and its replay command.
//
// The pictures come from a callback, so this library does not depend on the code that draws them.
#ifndef BUFCONF_CONFORMANCE_SUITE_REPORT_HTML_H_
#define BUFCONF_CONFORMANCE_SUITE_REPORT_HTML_H_

#include <cstddef>
#include <functional>
#include <string>

#include "conformance/suite/report.h"

namespace bufconf::suite {

// The picture of one failure: an SVG document (embedded inline; empty: no picture) and one line
// saying what it shows (or, with no svg, why there is no picture).
struct FailurePicture {
  std::string svg;
  std::string caption;
};

using PictureFunction = std::function<FailurePicture(const RuleFailure&)>;

struct HtmlOptions {
  std::string generated_at;            // shown when not empty, e.g. "2024-05-01 12:00:00 UTC"
  size_t max_pictures_per_rule = 8;    // further failures of the same rule are not drawn
  size_t max_picture_bytes = 2 << 20;  // a larger SVG is left out (with a note)
  size_t max_json_bytes = 256 << 10;   // a longer counterexample is cut (with a note)
};

// The page. `picture` may be empty (no pictures); it is called once per drawn failure (rules that
// fail or pass unexpectedly; expected failures are listed without pictures) and may throw (the
// page then says why there is no picture). Counterexample files are read from their paths
// (relative to the current directory). Every string of the report is escaped; bytes that are not
// valid UTF-8 are shown as "\xNN". An SVG is embedded only if it is one <svg> element without
// scripts, event handlers, foreignObject or javascript: links; its ids are made unique on the page.
std::string ScorecardHtml(const RunReport& report, const PictureFunction& picture,
                          const HtmlOptions& options = {});

}  // namespace bufconf::suite

#endif  // BUFCONF_CONFORMANCE_SUITE_REPORT_HTML_H_
