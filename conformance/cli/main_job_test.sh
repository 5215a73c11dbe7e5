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
# Coverage (issue 18): every MUST rule is judged with real cases on the main job (pass, xfail or
# fail with cases), or is skipped with a reason that says why it cannot be observed from outside:
# a known gap of the adapter ABI (conformance/suite/known_gaps.cc), or an export count the
# python adapter cannot report. A judged rule that loses all of its checks or cases fails here.
/usr/bin/python3 - <<'PY'
import json
d = json.load(open('score.json'))
allowed = ('not checkable through the adapter ABI: ',
           'the adapter does not report export counts (export_count)')
unjudged = []
for r in d['results']:
    if r['level'] != 'MUST':
        continue
    if r['status'] == 'skip':
        if not (r.get('reason') or '').startswith(allowed):
            unjudged.append((r['rule'], r.get('reason')))
    elif r.get('cases', 0) <= 0:
        unjudged.append((r['rule'], 'no cases'))
assert not unjudged, 'MUST rules the main job does not judge: %r' % unjudged
print('every MUST rule judged with cases, or skipped as not observable:',
      sum(1 for r in d['results'] if r['level'] == 'MUST' and r['status'] != 'skip'), 'judged')
PY
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
