#!/usr/bin/env bash
# The HTML scorecard and the explain SVG in headless Chromium (html_browser_test.py).
# Args: html_browser_test.py, the bufconf binary, the faulty adapter .so.
set -euo pipefail
if [[ ! -x /usr/bin/chromium ]]; then
  echo "html_browser_test: /usr/bin/chromium is missing (Debian package chromium; tools/setup.sh)" >&2
  exit 1
fi
exec /usr/bin/python3 "$@"
