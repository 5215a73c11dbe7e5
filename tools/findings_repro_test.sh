#!/usr/bin/env bash
# docs/findings.md's rows and their version column, measured: tools/findings_repro.py runs under
# Debian's /usr/bin/python3 (always; on a fresh Debian 12 the only interpreter) and every CPython
# 3.8-3.13 found by conformance/testing/find_pythons.py (pyenv's builds; BUFCONF_TEST_PYTHONS
# overrides the search, set and empty: Debian's only). Under each, every row
# must come out as its versions say (REPRODUCED where it reproduces, NOT REPRODUCED (fixed) with
# the corrected behaviour checked where it is fixed, SKIPPED where numpy, _testbuffer or the
# exporter is absent); the crash rows run in child processes under each version. Then the script
# checks that findings.md's version column says what its rows' versions say (--doc).
# Arguments: tools/findings_repro.py, docs/findings.md.
set -uo pipefail
script="$1"
doc="$2"
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

finder="$PWD/conformance/testing/find_pythons.py"  # (in the runfiles: data of this test)
# Debian's first, then oldest first, as the version column reads.
mapfile -t pythons < <(/usr/bin/python3 "$finder" --debian --min 3.8 --max 3.13)
while read -r python; do
  [ -n "$python" ] && echo "not run: $python (the findings cover CPython 3.8 to 3.13)"
done < <(/usr/bin/python3 "$finder" --unsupported)

ran=()
for python in "${pythons[@]}"; do
  echo "=== $python"
  out="$("$python" "$script" 2>&1)"
  rc=$?
  echo "$out"
  [ "$rc" = 0 ] || fail "$python: findings_repro.py exited $rc (an UNEXPECTED row above)"
  # Every row printed one outcome: nothing may go unreported.
  grep -q ' 0 unexpected$' <<<"$out" || fail "$python: no clean summary line"
  if grep -q '^UNEXPECTED\|^Traceback\|Exception ignored' <<<"$out"; then
    fail "$python: unexpected output"
  fi
  ran+=("$("$python" -c 'import platform; print(platform.python_version())')")
done

echo "=== the version column of $doc"
/usr/bin/python3 "$script" --doc "$doc" || fail "findings.md's version column differs from the rows' versions"

echo "ran findings_repro.py under ${#ran[@]} interpreter(s): CPython ${ran[*]}"
[ "$failures" = 0 ] || { echo "$failures failure(s)"; exit 1; }
echo PASS
