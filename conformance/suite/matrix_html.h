// The HTML rendering of `bufconf matrix` (--html FILE): one self-contained page (inline CSS in the
// run scorecard's colours, no scripts, no external resources) with the verdict, one card per
// interpreter (title, path, exit status, totals, problems, or why it did not run), the table of
// rules by interpreters with one coloured cell each, and the rules that changed verdict between
// the interpreters with every message of the differing cells.
#ifndef BUFCONF_CONFORMANCE_SUITE_MATRIX_HTML_H_
#define BUFCONF_CONFORMANCE_SUITE_MATRIX_HTML_H_

#include <string>

#include "conformance/suite/matrix_report.h"

namespace bufconf::suite {

// `generated_at` is shown when not empty ("2024-05-01 12:00:00 UTC"). Every string is escaped;
// bytes that are not valid UTF-8 are shown as "\xNN".
std::string MatrixHtml(const Matrix& matrix, const std::string& generated_at = "");

}  // namespace bufconf::suite

#endif  // BUFCONF_CONFORMANCE_SUITE_MATRIX_HTML_H_
