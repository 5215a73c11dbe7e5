#!/usr/bin/env bash
# A correct exporter passes under the factory with no expectations file (issue "verdicts a
# maintainer can trust", done-when): the Cython Matrix of matrix.pyx, compiled here with Debian's
# cython3 and gcc, and the standard library's PyBuffer_FillInfo exporters (factory.py:correct).
# `bufconf run --adapter python --factory factory:correct` must exit 0: nothing fails, the only
# known deviation is the interpreter's (CPython 3.11's PyObject_GetBuffer passes PyBUF_READ /
# PyBUF_WRITE on), filed once on the interpreter and expected by the built-in expectations,
# and the Cython exporter's unwritten view->internal is not held against it.
# Arguments: the bufconf binary, matrix.pyx, factory.py (runfiles paths).
set -uo pipefail
bufconf="$PWD/$1"
pyx="$PWD/$2"
factory_dir="$(cd "$(dirname "$3")" && pwd)"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
build="$tmp/build"
mkdir -p "$build"
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# 1. Build the extension as a user would (cython3, then the C compiler).
cython3 -3 -o "$build/matrix.c" "$pyx" || { echo "FAIL: cython3"; exit 1; }
cc -shared -fPIC -O1 -w $(/usr/bin/python3-config --includes) "$build/matrix.c" \
  -o "$build/matrix$(/usr/bin/python3-config --extension-suffix)" || { echo "FAIL: cc"; exit 1; }
/usr/bin/python3 - "$build" <<'PY' || fail "matrix imports and exports as documented"
import sys
sys.path.insert(0, sys.argv[1])
import matrix
m = matrix.Matrix(2, 3)
with memoryview(m) as v:
    assert (v.format, v.shape, v.strides, v.readonly) == ('d', (2, 3), (24, 8), False), v
    assert v.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert m.exports == 1
assert m.exports == 0
PY

# 2. The run: no expectations file.
cd "$tmp" || exit 1
BUFCONF_PYTHON_PATH="$build:$factory_dir" "$bufconf" run --adapter python \
  --factory factory:correct --quiet --seed 3 --failures-dir "$tmp/failures" \
  --json "$tmp/score.json" >"$tmp/run.out" 2>&1
rc=$?
if [ "$rc" != 0 ]; then
  fail "a correct exporter: exit $rc, expected 0"
  cat "$tmp/run.out"
fi

# 3. What the scorecard says: every object judged, nothing failed, the interpreter's deviation
# filed once on the interpreter, no pass without cases.
/usr/bin/python3 - "$tmp/score.json" <<'PY' || fail "the scorecard of a correct exporter"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["objects"] == 9, s["objects"]
assert s["skipped_objects"] == [], s["skipped_objects"]
assert s["errors"] == [], s["errors"]
by = {r["rule"]: r for r in s["results"]}
bad = [r["rule"] for r in s["results"] if r["status"] in ("fail", "xpass", "error")]
assert not bad, bad
for r in s["results"]:
    assert r["status"] != "pass" or r["cases"] > 0, r
rw = by["REQ-READ-WRITE-FLAGS"]
assert rw["status"] == "xfail" and rw["party"] == "interpreter", rw
assert len(rw["failures"]) == 1 and rw["failures"][0]["where"].startswith("interpreter "), rw
for rule in ("REQ-FIELDS-ALL-FILLED", "REQ-CONTENTS", "REQ-WRITABLE", "REQ-F-CONTIGUOUS",
             "MEMORY-SPAN", "REQ-FORMAT-NULL"):
    assert by[rule]["status"] == "pass" and by[rule]["cases"] > 0, by[rule]
print("scorecard as expected:", s["totals"])
PY

# 4. Expectations name a deviation, not a family: the built-in line for numpy's ValueError
# refusals (REQ-FAIL-BUFFERERROR @numpy* ~"...ValueError...") expects a lookalike refusing with
# ValueError, and a new deviation in the same family, a TypeError refusal, still fails the run.
"$bufconf" run --adapter python --print-expectations >"$tmp/builtin.txt" 2>&1 ||
  fail "--print-expectations"
grep '^REQ-FAIL-BUFFERERROR  *@numpy\*' "$tmp/builtin.txt" >"$tmp/numpy.txt" ||
  fail "no built-in REQ-FAIL-BUFFERERROR line for numpy"
for error in value_error type_error; do
  BUFCONF_PYTHON_PATH="$build:$factory_dir" "$bufconf" run --adapter python \
    --factory "factory:$error" --quiet --expectations "$tmp/numpy.txt" \
    --filter 'REQ-FAIL-BUFFERERROR' --failures-dir "$tmp/$error" >"$tmp/$error.out" 2>&1
  echo $? >"$tmp/$error.rc"
done
if [ "$(cat "$tmp/value_error.rc")" != 0 ]; then
  fail "the known deviation (ValueError) is not expected: exit $(cat "$tmp/value_error.rc")"
  cat "$tmp/value_error.out"
fi
if [ "$(cat "$tmp/type_error.rc")" != 1 ] ||
  ! grep -q "REQ-FAIL-BUFFERERROR .*fail" "$tmp/type_error.out" ||
  ! grep -q "raised TypeError" "$tmp/type_error.out"; then
  fail "a new deviation in the numpy family (TypeError) did not fail the run"
  cat "$tmp/type_error.out"
fi

if (( failures > 0 )); then
  echo "$failures failure(s)"
  exit 1
fi
echo "cython_factory_test: a correct Cython exporter and the FillInfo exporters pass"
