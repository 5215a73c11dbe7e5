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
# A counterexample file that does not decode is an error (exit 2), never a reproduction.
for corrupt in '' '{' '{"rule": "REQ-GRANT"}' '{"rule": "NO-SUCH-RULE", "case": {}}' \
  '{"rule": "REQ-GRANT", "adapter": "reference", "case": {"kind": "exporter", "flags": "x"}}'; do
  printf '%s' "$corrupt" > corrupt.json
  set +e
  "$bufconf" replay corrupt.json > replay.out 2>&1
  rc=$?
  set -e
  if [ "$rc" != 2 ] || grep -q "^reproduced" replay.out; then
    echo "replay of a corrupt file ('$corrupt'): exit $rc, expected 2"
    cat replay.out
    exit 1
  fi
done
echo "corrupt counterexample files: exit 2, none reproduced"
