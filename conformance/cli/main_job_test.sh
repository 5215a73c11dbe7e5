#!/usr/bin/env bash
# The README's main job, as CI sees it: `bufconf run` with no arguments exits 0, prints the
# scorecard, and the JSON and JUnit files are written.
set -euo pipefail
bufconf="$(pwd)/$1"
cd "${TEST_TMPDIR:-/tmp}"
"$bufconf" run --quiet --json score.json --junit junit.xml > scorecard.txt
grep -q "xfail" scorecard.txt
tail -1 scorecard.txt
/usr/bin/python3 -c "import json; d = json.load(open('score.json')); assert d['totals']['fail'] == 0, d['totals']"
/usr/bin/python3 -c "import xml.dom.minidom; xml.dom.minidom.parse('junit.xml')"
