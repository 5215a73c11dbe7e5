#!/usr/bin/env bash
# The worked example of docs/python-factory.md, end to end: bufconf_example.so imports in
# /usr/bin/python3 and behaves; `bufconf run --adapter python` with BUFCONF_PYTHON_FACTORY
# (the environment variable alone, no --factory flag) passes factory:correct (exit 0) and fails
# every defect's factory (exit 1) on the one rule the defect breaks, with a counterexample file that
# `bufconf replay` reproduces (exit 1).
# Arguments: the bufconf binary, bufconf_example.so, factory.py (runfiles paths).
set -uo pipefail
bufconf="$PWD/$1"
so_dir="$(cd "$(dirname "$2")" && pwd)"
factory_dir="$(cd "$(dirname "$3")" && pwd)"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# 1. The extension imports from a directory and exports what it says.
if ! /usr/bin/python3 - "$so_dir" <<'PY'; then fail "bufconf_example in /usr/bin/python3"; fi
import struct, sys
sys.path.insert(0, sys.argv[1])
import bufconf_example as be
m = be.Matrix(2, 3)
with memoryview(m) as v:
    assert (v.format, v.itemsize, v.shape, v.strides) == ('i', 4, (2, 3), (12, 4)), v
    assert v.tobytes() == struct.pack('6i', *range(6))
    assert not v.readonly and m.exports == 1
assert m.exports == 0
r = be.Matrix(2, 2, readonly=True)
try:
    memoryview(r)[0, 0] = 1
except TypeError:
    pass
else:
    raise AssertionError('a read-only Matrix was written')
assert memoryview(r).readonly
assert sorted(be.defects()) == sorted(['ignore_writable', 'wrong_strides', 'format_without_flag',
                                       'ignore_fortran', 'len_in_items', 'short_format'])
try:
    be.Matrix(1, 1, defect='nope')
except ValueError as e:
    assert 'nope' in str(e)
else:
    raise AssertionError('unknown defect accepted')
with memoryview(be.Matrix(2, 3, defect='wrong_strides')) as v:
    assert v.strides == (4, 8), v.strides
print('bufconf_example imports and exports as documented')
PY

export BUFCONF_PYTHON_PATH="$so_dir:$factory_dir"
cd "$tmp" || exit 1

run() {  # run NAME: bufconf run with factory:NAME; prints the exit status
  BUFCONF_PYTHON_FACTORY="factory:$1" "$bufconf" run --adapter python --quiet --seed 7 \
    --failures-dir "$tmp/$1" --json "$tmp/$1.json" >"$tmp/$1.out" 2>&1
  echo $?
}

# 2. No defect: every rule passes.
start=$SECONDS
rc=$(run correct)
if [ "$rc" != 0 ]; then
  fail "factory:correct: exit $rc, expected 0"
  cat "$tmp/correct.out"
elif ! grep -q "factory factory:correct" "$tmp/correct.out"; then
  fail "factory:correct: the banner does not name the factory"
else
  echo "factory:correct: exit 0 ($((SECONDS - start)) s)"
fi

# 3. Each defect: exit 1, its rule fails, and the counterexample replays.
for pair in ignore_writable:REQ-WRITABLE wrong_strides:REQ-CONTENTS \
    format_without_flag:REQ-FORMAT-NULL ignore_fortran:REQ-F-CONTIGUOUS \
    len_in_items:LAYOUT-LEN short_format:FORMAT-SIZE; do
  defect="${pair%%:*}"
  rule="${pair#*:}"
  start=$SECONDS
  rc=$(run "$defect")
  file="$tmp/$defect/$rule.json"
  if [ "$rc" != 1 ]; then
    fail "factory:$defect: exit $rc, expected 1"
    cat "$tmp/$defect.out"
    continue
  fi
  if [ ! -f "$file" ]; then
    fail "factory:$defect: no counterexample for $rule (rules failed: $(ls "$tmp/$defect"))"
    continue
  fi
  # Only that rule: each defect breaks a rule of its own. (The interpreter's own deviations,
  # expected for it and filed once per run, e.g. 3.11's PyBuffer_FillInfo, are not the factory's.)
  others="$(ls "$tmp/$defect" | grep -v -E "^($rule|ALGO-FILL-INFO|REQ-READ-WRITE-FLAGS)(-[0-9]+)?\.json\$")"
  if [ -n "$others" ]; then
    fail "factory:$defect: other rules fail too: $others"
    continue
  fi
  BUFCONF_PYTHON_FACTORY="factory:$defect" "$bufconf" replay "$file" >"$tmp/$defect.replay" 2>&1
  replay_rc=$?
  if [ "$replay_rc" != 1 ] || ! grep -q "^reproduced" "$tmp/$defect.replay"; then
    fail "factory:$defect: bufconf replay $rule: exit $replay_rc, expected 1 (reproduced)"
    cat "$tmp/$defect.replay"
    continue
  fi
  # The same case against the correct Matrix does not break the rule.
  BUFCONF_PYTHON_FACTORY="factory:correct" "$bufconf" replay "$file" >"$tmp/$defect.fixed" 2>&1
  fixed_rc=$?
  if [ "$fixed_rc" != 0 ]; then
    fail "factory:$defect: replay against factory:correct: exit $fixed_rc, expected 0"
    cat "$tmp/$defect.fixed"
    continue
  fi
  echo "factory:$defect: exit 1, only $rule fails ($(ls "$tmp/$defect" | wc -l) places)," \
    "replay reproduces it ($((SECONDS - start)) s)"
done

if [ "$failures" != 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "all passed"
