#!/usr/bin/env bash
# `bufconf explain` from the command line: exit 0 (valid), 1 (breaks a MUST rule), 2 (unreadable
# input, naming the field); --svg writes a well-formed SVG; --json is JSON; '-' reads stdin; the
# example SVG in docs/images is what the tool draws today.
set -euo pipefail
bufconf="$(pwd)/$1"
testdata="$(pwd)/$2"
shift 2
docs_svgs=()
for svg in "$@"; do docs_svgs+=("$(pwd)/$svg"); done
cd "${TEST_TMPDIR:-/tmp}"

status() { set +e; "$@" > out.txt 2> err.txt; echo $?; set -e; }
fail() { echo "FAIL: $*"; echo "--- stdout"; cat out.txt; echo "--- stderr"; cat err.txt; exit 1; }

[ "$(status "$bufconf" explain "$testdata/c_2x3.json")" = 0 ] || fail "c_2x3 should exit 0"
grep -q "F  no   dim 0: stride 12 != expected 4" out.txt || fail "F reason"
grep -q "verdict: valid" out.txt || fail "verdict"
awk 'length > 100 { exit 1 }' out.txt || fail "a line longer than 100 columns"

[ "$(status "$bufconf" explain "$testdata/broken.json" --svg broken.svg)" = 1 ] || fail "broken: 1"
grep -q "MEMORY-SPAN \[MUST\]" out.txt || fail "MEMORY-SPAN listed"
[ -s broken.svg ] || fail "--svg did not write the file"
/usr/bin/python3 - broken.svg <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
classes = " ".join(e.get("class", "") for e in root.iter()).split()
for c in ("overlap", "outside", "stray", "boundary", "span"):
    assert c in classes, c
texts = "".join(root.itertext())
assert "(2,2)" in texts and "MEMORY-SPAN" in texts
PY

[ "$(status "$bufconf" explain - --json < "$testdata/pil.json")" = 0 ] || fail "pil from stdin"
/usr/bin/python3 -c "
import json, sys
d = json.load(open('out.txt'))
assert d['valid'] is True and d['contiguous']['C']['value'] is False, d
assert d['array_of_arrays'] == [{'dim': 0, 'stride': 8, 'suboffset': 0}], d['array_of_arrays']
"

[ "$(status "$bufconf" explain "$testdata/pil.json" --svg -)" = 0 ] || fail "--svg -"
/usr/bin/python3 -c "import xml.etree.ElementTree as ET; ET.parse('out.txt')"
grep -q 'marker-end="url(#arrow)"' out.txt || fail "pointer arrows"

[ "$(status "$bufconf" explain "$testdata/bad_field.json")" = 2 ] || fail "bad field: 2"
grep -q "shape\[1\]" err.txt || fail "the error names the field"
[ "$(status "$bufconf" explain "$testdata/not_json.json")" = 2 ] || fail "not JSON: 2"
grep -q "not valid JSON" err.txt || fail "not JSON message"
[ "$(status "$bufconf" explain does-not-exist.json)" = 2 ] || fail "missing file: 2"
[ "$(status "$bufconf" explain "$testdata/c_2x3.json" --svg /nonexistent/dir/x.svg)" = 2 ] ||
  fail "unwritable --svg: 2"
# An unwritable --svg is found before any work: before the descriptor is read (the error names
# --svg, not the bad descriptor; stdin is not read) and nothing is printed.
printf '{' > not-json.json
for svg in /nonexistent/dir/x.svg "$(pwd)" /dev/null/x; do
  [ "$(status "$bufconf" explain not-json.json --svg "$svg")" = 2 ] || fail "--svg $svg: 2"
  grep -qF -- "--svg: cannot write $svg" err.txt || fail "--svg $svg: the error names --svg"
  [ ! -s out.txt ] || fail "--svg $svg: printed before failing"
done
[ "$(status "$bufconf" explain - --svg /nonexistent/dir/x.svg < /dev/zero)" = 2 ] ||
  fail "--svg unwritable, stdin /dev/zero: 2"
grep -qF -- "--svg: cannot write /nonexistent/dir/x.svg" err.txt || fail "--svg before stdin"
[ "$(status "$bufconf" explain "$testdata/c_2x3.json" --svg /dev/full)" = 2 ] || fail "/dev/full"
grep -qF -- "--svg: cannot write /dev/full: No space left on device" err.txt || fail "/dev/full"
# Inputs that cannot be read name what and why; /dev/zero stops at the descriptor limit (memory
# bounded: ulimit -v), never at the end of memory (it was 'internal error: std::bad_alloc', 3).
[ "$(status "$bufconf" explain "$(pwd)")" = 2 ] || fail "a directory: 2"
grep -qF "cannot read $(pwd): Is a directory" err.txt || fail "a directory: message"
for input in /dev/zero -; do
  [ "$(ulimit -v 2000000; status "$bufconf" explain "$input" < /dev/zero)" = 2 ] ||
    fail "explain $input < /dev/zero: 2"
  name="$input"; [ "$input" = - ] && name=stdin
  grep -qF "$name is larger than the 268435456-byte (256 MiB) limit for descriptors" err.txt ||
    fail "explain $input < /dev/zero: the limit's message"
done

# check and explain agree on every file in testdata: the same exit status (the aoa_beyond_walk
# files: not checked, 2) and, when there is a verdict, the same rule IDs.
for f in "$testdata"/*.json; do
  c="$(status "$bufconf" check --json "$f")"; cp out.txt check.txt
  e="$(status "$bufconf" explain --json "$f")"
  [ "$c" = "$e" ] || fail "$(basename "$f"): check exits $c, explain $e"
  if [ "$c" != 2 ]; then
    /usr/bin/python3 -c "
import json
c, e = json.load(open('check.txt')), json.load(open('out.txt'))
assert c['valid'] == e['valid'] and [v['rule'] for v in c['violations']] == [
    v['rule'] for v in e['violations']], (c, e)
" || fail "$(basename "$f"): check and explain give different verdicts"
  fi
done
[ "$(status "$bufconf" explain "$testdata/aoa_beyond_walk.json")" = 2 ] || fail "beyond walk: 2"
grep -q "verdict: NOT CHECKED" out.txt || fail "beyond walk: the verdict says not checked"

# The documentation's examples (docs/images/explain-NAME.svg, drawn from testdata/NAME.json) are
# the tool's current drawings.
for svg in "${docs_svgs[@]}"; do
  name="$(basename "$svg" .svg)"
  "$bufconf" explain "$testdata/${name#explain-}.json" --svg - > current.svg || true
  cmp -s current.svg "$svg" ||
    fail "docs/images/$name.svg is stale: regenerate it (docs/explain.md says how)"
done
echo "PASS"
