#!/usr/bin/env bash
# The python adapter's factory plug-in through the bufconf binary, with the environment variable
# alone (BUFCONF_PYTHON_FACTORY, no --factory flag): every accepted form of the contract
# (docs/python-factory.md), only the factory's objects enumerated and judged, no make_exporter,
# imports from the working directory and from BUFCONF_PYTHON_PATH, entries that cannot be judged
# skipped alone, declared memory judged by MEMORY-SPAN, and every kind of error of the factory as
# a whole failing the load with exit 2 and a message saying what is wrong.
# Arguments: the bufconf binary, testdata/factories.py (runfiles paths).
set -uo pipefail
bufconf="$PWD/$1"
testdata="$(cd "$(dirname "$2")" && pwd)"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
# CPython 3.11's own exporters (bytearray, array.array, numpy) accept PyBUF_READ / PyBUF_WRITE,
# and its PyBuffer_FillInfo fills a view for them (gh-114685, both fixed in 3.13).
# numpy refuses improper requests with ValueError, not BufferError (numpy #3634, docs/findings.md):
# an expectation scoped to the numpy entries of factories:good, whose descriptions start "numpy".
printf '%s\n' 'REQ-READ-WRITE-FLAGS  CPython 3.11 accepts PyBUF_READ/PyBUF_WRITE' \
  'ALGO-FILL-INFO  CPython 3.11 PyBuffer_FillInfo fills for PyBUF_READ/PyBUF_WRITE' \
  'REQ-FAIL-BUFFERERROR @numpy*  numpy #3634' >"$tmp/expect.txt"

# bufconf_run NAME FACTORY [args]: runs in $tmp/NAME with BUFCONF_PYTHON_PATH=$testdata; the exit
# status in $tmp/NAME.rc, output in $tmp/NAME.out.
bufconf_run() {
  local name="$1" factory="$2"
  shift 2
  (cd "$tmp" && BUFCONF_PYTHON_PATH="$testdata" BUFCONF_PYTHON_FACTORY="$factory" \
    "$bufconf" run --adapter python --quiet --failures-dir "$tmp/$name" "$@" \
    >"$tmp/$name.out" 2>&1)
  echo $? >"$tmp/$name.rc"
}
expect_rc() {  # expect_rc NAME RC
  local rc
  rc="$(cat "$tmp/$1.rc")"
  if [ "$rc" != "$2" ]; then
    fail "$1: exit $rc, expected $2"
    cat "$tmp/$1.out"
    return 1
  fi
}
expect_out() {  # expect_out NAME TEXT
  if ! grep -qF -- "$2" "$tmp/$1.out"; then
    fail "$1: the output lacks '$2'"
    cat "$tmp/$1.out"
    return 1
  fi
}

# 1. Every accepted form: passes, the factory's objects only, no make_exporter.
bufconf_run good factories:good --expectations "$tmp/expect.txt" --json "$tmp/good.json"
if expect_rc good 0; then
  expect_out good "python-factory"
  expect_out good "factory factories:good"
  if grep -q "make_exporter" "$tmp/good.out"; then fail "good: make_exporter is declared"; fi
  # Only the factory's 6 objects, each with the 32 flags values of the quick sweep.
  if ! /usr/bin/python3 - "$tmp/good.json" <<'PY'; then fail "good: case counts"; fi
import json, sys
results = {r['rule']: r for r in json.load(open(sys.argv[1]))['results']}
# (a runner that counts only the cases that could break a rule reports the objects without
# expected contents as not exercised)
r = results['REQ-CONTENTS']
assert r['cases'] + r.get('not_exercised', 0) == 6 * 32, r
assert results['REQ-CONTENTS']['status'] == 'pass', results['REQ-CONTENTS']
assert results['CONTIG-C']['status'] == 'pass', results['CONTIG-C']  # the algorithm side stays
PY
fi

# 2. A dotted attribute path, imported from the working directory (no BUFCONF_PYTHON_PATH).
cp "$testdata/factories.py" "$tmp/cwd_factories.py"
(cd "$tmp" && BUFCONF_PYTHON_FACTORY=cwd_factories:Holder.make "$bufconf" run --adapter python \
  --quiet --failures-dir "$tmp/cwd" --filter 'REQ-CONTENTS' >"$tmp/cwd.out" 2>&1)
echo $? >"$tmp/cwd.rc"
expect_rc cwd 0

# 3. Wrong expected contents: REQ-CONTENTS fails on that object, and the replay reproduces it
#    (with the same environment variable).
bufconf_run wrong factories:wrong_contents --expectations "$tmp/expect.txt"
if expect_rc wrong 1; then
  expect_out wrong "wrong on purpose: the elements differ"
  (cd "$tmp" && BUFCONF_PYTHON_PATH="$testdata" BUFCONF_PYTHON_FACTORY=factories:wrong_contents \
    "$bufconf" replay "$tmp/wrong/REQ-CONTENTS.json" >"$tmp/replay.out" 2>&1)
  echo $? >"$tmp/replay.rc"
  expect_rc replay 1 && expect_out replay "reproduced"
fi

# 4. Entries that cannot be judged (no buffer interface, malformed) are skipped alone, each named
#    with the reason; the load does not fail and the other objects are judged.
#    (Each entry's reason is asserted at the adapter level by python_factory_entries_test; the
#    report's list of skipped objects, "skipped_objects" in the JSON, is checked when the runner
#    writes one.)
bufconf_run skipped factories:with_skipped --expectations "$tmp/expect.txt" \
  --filter 'REQ-CONTENTS' --json "$tmp/skipped.json"
if expect_rc skipped 0; then
  if ! /usr/bin/python3 - "$tmp/skipped.json" <<'PY'; then fail "skipped: report"; fi
import json, sys
report = json.load(open(sys.argv[1]))
results = {r['rule']: r for r in report['results']}
# the 3 good objects of the 12 entries are judged, with the 32 flags values of the quick sweep
r = results['REQ-CONTENTS']
assert r['cases'] + r.get('not_exercised', 0) == 3 * 32, r
if 'skipped_objects' in report:
    text = json.dumps(report['skipped_objects'])
    for reason in ['a dict is no exporter: skipped: dict does not support the buffer protocol',
                   'factories:with_skipped[2] int: skipped: int does not support the buffer',
                   "missing key: skipped: the expected dict lacks ['shape']"]:
        assert json.dumps(reason)[1:-1] in text, (reason, text)
    assert len(report['skipped_objects']) == 9, report['skipped_objects']
PY
fi

# 5. A declared memory the exporter's view lies outside of: MEMORY-SPAN fails on it.
bufconf_run outside factories:outside_declared --expectations "$tmp/expect.txt" \
  --filter 'MEMORY-SPAN'
if expect_rc outside 1; then
  expect_out outside "buf 64 bytes before the declared block"
fi
# The same rule passes when every view lies inside what its entry declares.
bufconf_run declared factories:declared_memory --expectations "$tmp/expect.txt" \
  --filter 'MEMORY-*' --json "$tmp/declared.json"
if expect_rc declared 0; then
  # numpy over a bytes object, the bytes declared: read-only memory, judged and kept.
  /usr/bin/python3 - "$tmp/declared.json" <<'PY' || fail "declared: MEMORY-WRITABLE judged"
import json, sys
r = {x["rule"]: x for x in json.load(open(sys.argv[1]))["results"]}["MEMORY-WRITABLE"]
assert r["status"] == "pass" and r["cases"] > 0, r
PY
fi
# A writable exporter over memory declared read-only: MEMORY-WRITABLE fails on it.
bufconf_run writable factories:writable_over_readonly --expectations "$tmp/expect.txt" \
  --filter 'MEMORY-WRITABLE'
if expect_rc writable 1; then
  expect_out writable "bytearray declared read-only: the exporter's memory is declared read-only"
fi

# A factory's objects live through the run: the resize of RELEASE-RESIZE-WHILE-EXPORTED (which
# ctypes grants while exported) happens in a child of its own, so no later case sees a resized
# ctypes array (LAYOUT-LEN held it against ctypes on every case after the first: len 88 bytes,
# shape (3,) of 4-byte items).
bufconf_run resizable factories:resizable --expectations "$tmp/expect.txt" \
  --json "$tmp/resizable.json"
/usr/bin/python3 - "$tmp/resizable.json" <<'PY' || fail "resizable: the resize must not persist"
import json, sys
r = {x["rule"]: x for x in json.load(open(sys.argv[1]))["results"]}
assert r["LAYOUT-LEN"]["status"] == "pass" and r["LAYOUT-LEN"]["cases"] == 32, r["LAYOUT-LEN"]
assert r["RELEASE-RESIZE-WHILE-EXPORTED"]["status"] == "fail", r["RELEASE-RESIZE-WHILE-EXPORTED"]
assert r["RELEASE-RESIZE-WHILE-EXPORTED"]["cases"] == 32, r["RELEASE-RESIZE-WHILE-EXPORTED"]
PY

# 6. Errors of the factory as a whole: exit 2, the reason on stderr.
check_error() {  # check_error FACTORY TEXT...
  local factory="$1" name
  shift
  name="error_${factory//[^A-Za-z0-9_]/_}"
  bufconf_run "$name" "$factory"
  expect_rc "$name" 2 || return
  expect_out "$name" "bufconf: python adapter: BUFCONF_PYTHON_FACTORY=$factory: "
  for text in "$@"; do expect_out "$name" "$text"; done
}
check_error "no_colon" "is not of the form package.module:callable"
check_error "factories:" "is not of the form package.module:callable"
check_error "no_such_module_xyz:make" "cannot import module 'no_such_module_xyz'" \
  "ModuleNotFoundError: No module named 'no_such_module_xyz'"
check_error "import_error:make" "cannot import module 'import_error'" "import_error.py" \
  "No module named 'this_module_does_not_exist_anywhere'"
check_error "factories:missing" "module 'factories'" "has no attribute 'missing'"
check_error "factories:not_callable" "factories:not_callable is a int, not a callable"
check_error "factories:raises" "factories:raises() raised:" "factories.py" \
  "RuntimeError: the factory is broken on purpose"
check_error "factories:returns_none" "returned NoneType; it must return an iterable"
check_error "factories:returns_int" "returned int, which is not iterable"
check_error "factories:returns_str" "returned str; it must return an iterable"
check_error "factories:returns_empty" "returned no objects"
check_error "factories:iteration_raises" "iterating over what factories:iteration_raises()" \
  "ValueError: the generator breaks on purpose"

if [ "$failures" != 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all passed"
