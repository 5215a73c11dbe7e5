#!/usr/bin/env bash
# survey.py's own verdicts on a fixture library of ctypes arrays (testdata/ctypes_lib: known
# failures of the standard library, no third-party package needed): a fully triaged library
# passes and its page shows the deviations; an untriaged failure, a stale triage entry, a
# reproducer that no longer reproduces, a changed verdict and a page that is not the data's
# rendering each make it exit 1, naming what is wrong; a library.json with a bad key exits 2.
# Arguments: the bufconf binary, survey.py (runfiles paths).
set -uo pipefail
bufconf="$PWD/$1"
survey="$PWD/$2"
fixture="$(dirname "$survey")/testdata/ctypes_lib"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
# run NAME [args]: survey.py over $tmp/NAME (a root holding one library), output in NAME.out.
run() {
  local name="$1"
  shift
  /usr/bin/python3 "$survey" --bufconf "$bufconf" --root "$tmp/$name" "$@" >"$tmp/$name.out" 2>&1
  echo $? >"$tmp/$name.rc"
}
expect() {  # expect NAME RC TEXT
  local rc
  rc="$(cat "$tmp/$1.rc")"
  [ "$rc" = "$2" ] || { fail "$1: exit $rc, expected $2"; cat "$tmp/$1.out"; return; }
  grep -qF -- "$3" "$tmp/$1.out" || { fail "$1: the output lacks '$3'"; cat "$tmp/$1.out"; }
}
# root NAME: a fresh root with the fixture library; edit its library.json with a Python lambda.
root() {
  rm -rf "${tmp:?}/$1"
  mkdir -p "$tmp/$1"
  cp -rL "$fixture" "$tmp/$1/ctypes_lib"
  chmod -R u+w "$tmp/$1"
}
edit() {  # edit NAME PYTHON-EXPRESSION-ON-lib
  /usr/bin/python3 - "$tmp/$1/ctypes_lib/library.json" "$2" <<'PY'
import json, sys
path, expr = sys.argv[1], sys.argv[2]
lib = json.load(open(path))
exec(expr)
json.dump(lib, open(path, "w"))
PY
}

# 1. Fully triaged: exit 0; the data, the page and the findings' section are written.
root good
printf '# Findings\n' >"$tmp/findings.md"
run good --data "$tmp/data.json" --write "$tmp/page.md" --findings "$tmp/findings.md"
expect good 0 "survey: ctypes_lib: 2 objects, 0 problems"
grep -qF "| [REQ-FORMAT-NULL](spec.md#req-format-null) | **deviation** (2 of 2) |" "$tmp/page.md" ||
  fail "the page's matrix lacks REQ-FORMAT-NULL's deviation"
grep -qF "| [LAYOUT-LEN](spec.md#layout-len) | pass |" "$tmp/page.md" ||
  fail "the page's matrix lacks LAYOUT-LEN's pass (ctypes arrays are not resized for good)"
grep -qF "reproduced — \`REPRODUCED: format b'<i' without PyBUF_FORMAT\`" "$tmp/page.md" ||
  fail "the page lacks the reproducer's outcome"
grep -qF "repro_flags.py](../conformance/adapters/python/ecosystem/ctypes_lib/repro_flags.py)" \
  "$tmp/findings.md" || fail "the findings' section lacks the new-upstream deviation"

# 2. The check against its own data passes (profile quick); a changed verdict, a page that is
#    not the rendering, and findings without the section fail it.
run good --check "$tmp/data.json" --page "$tmp/page.md" --findings "$tmp/findings.md"
expect good 0 "ctypes_lib: 2 objects, verdicts (one run, profile quick) as in"
/usr/bin/python3 - "$tmp/data.json" "$tmp/changed.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
lib = d["libraries"][0]
assert lib["quick"]["REQ-ND-SHAPE"] == ["fail", "c_double * 2", "c_int * 3"], lib["quick"]
lib["quick"]["REQ-ND-SHAPE"] = ["pass"]
json.dump(d, open(sys.argv[2], "w"))
PY
printf 'stale\n' >>"$tmp/page.md"
printf '# Findings\n' >"$tmp/bare.md"
run good --check "$tmp/changed.json" --page "$tmp/page.md" --findings "$tmp/bare.md"
expect good 1 "ctypes_lib: REQ-ND-SHAPE: ['pass'] in $tmp/changed.json, ['fail', 'c_double * 2', 'c_int * 3'] now"
expect good 1 "page.md is not the rendering of"
expect good 1 "bare.md's section on third-party libraries is not the one"

# 3. An untriaged failure: REQ-ND-SHAPE's entry removed.
root untriaged
edit untriaged 'lib["deviations"] = [d for d in lib["deviations"] if d["rule"] != "REQ-ND-SHAPE"]'
run untriaged --data "$tmp/u.json"
expect untriaged 1 "ctypes_lib: REQ-ND-SHAPE on 'c_int * 3' (one run, profile quick)"
expect untriaged 1 "ctypes_lib: REQ-ND-SHAPE on 'c_int * 3': c_int * 3: flags"

# 4. A stale entry: one for a rule nothing breaks.
root stale
edit stale 'lib["deviations"].append(dict(lib["deviations"][0], rule="LAYOUT-LEN"))'
run stale --data "$tmp/s.json"
expect stale 1 "deviation entry LAYOUT-LEN / c_* matches no failure"

# 5. A reproducer that no longer reproduces.
root fixed
BUFCONF_FIXTURE_FIXED=1 run fixed --data "$tmp/f.json"
expect fixed 1 "reproducer repro_flags.py: not reproduced (NOT REPRODUCED: format NULL)"

# 6. A library.json with an unknown key: exit 2, the file named.
root badkey
edit badkey 'lib["colour"] = "blue"'
run badkey --data "$tmp/b.json"
expect badkey 2 "unknown keys ['colour']"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "survey.py: every verdict as expected"
