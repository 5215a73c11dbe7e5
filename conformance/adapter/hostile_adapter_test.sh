#!/usr/bin/env bash
# Adapters that misbehave while loading (hostile/): `bufconf run` and `bufconf replay` exit 2
# with a message naming the library and what happened; a well-behaved one still runs.
# Usage: hostile_adapter_test.sh BUFCONF HOSTILE_DIR/well_behaved.so
set -uo pipefail
bufconf="$(pwd)/$1"
dir="$(dirname "$(pwd)/$2")"
cd "${TEST_TMPDIR:-/tmp}"
export BUFCONF_LOAD_TIMEOUT=2
failed=0

cat > replay.json <<'JSON'
{
  "bufconf_replay": 1,
  "rule": "REQ-GRANT",
  "adapter": "reference",
  "seed": 1,
  "timeout_seconds": 20,
  "message": "PyBUF_FULL_RO was refused",
  "case": {"kind": "enumerated", "index": 0, "flags": 284, "description": "bytes"},
  "expect": "finding"
}
JSON

# expect ADAPTER FRAGMENT: run and replay exit 2, and the message has FRAGMENT and the path.
expect() {
  local lib="$dir/$1.so" fragment="$2" rc
  for cmd in "run --adapter $lib --examples 5" "replay replay.json --adapter $lib"; do
    # `timeout`: without the probe a hanging adapter would hang the test.
    timeout 20 "$bufconf" $cmd > out.txt 2>&1
    rc=$?
    if [ "$rc" != 2 ] || ! grep -qF -- "$fragment" out.txt || ! grep -qF -- "$lib" out.txt; then
      echo "FAIL: bufconf $cmd: exit $rc, expected 2 and '$fragment'"
      head -c 2000 out.txt
      echo
      failed=1
    else
      echo "ok: $1 ($(echo $cmd | cut -d' ' -f1)): $(head -1 out.txt | head -c 300)"
    fi
  done
}

expect ctor_segv "crashed with signal 11"
expect entry_segv "crashed with signal 11"
expect ctor_exit0 "exited with status 0 while loading, before its entry returned"
expect entry_exit3 "exited with status 3 while loading"
expect entry_hang "did not finish within 2 s"
expect entry_null "bufconf_adapter_v1() returned NULL"
expect long_name "name is not NUL-terminated within 1024 bytes"
expect null_name "name is NULL"
expect unknown_caps "unknown capability bits 0x10000000020"
expect abi_0 "ABI version 0, but"
expect abi_99 "ABI version 99, but"

# A bad time limit is an error too.
BUFCONF_LOAD_TIMEOUT=abc timeout 60 "$bufconf" run --adapter "$dir/well_behaved.so" --examples 5 \
  > out.txt 2>&1
rc=$?
if [ "$rc" != 2 ] || ! grep -qF "BUFCONF_LOAD_TIMEOUT='abc'" out.txt; then
  echo "FAIL: BUFCONF_LOAD_TIMEOUT=abc: exit $rc"
  cat out.txt
  failed=1
fi

# A well-behaved adapter (no capabilities: every rule skipped) still loads and runs.
timeout 120 "$bufconf" run --adapter "$dir/well_behaved.so" --examples 5 --quiet --allow-empty \
  > out.txt 2>&1
rc=$?
if [ "$rc" != 0 ] || ! grep -q "0 pass, 0 fail, .* skip" out.txt; then
  echo "FAIL: well-behaved adapter: exit $rc"
  cat out.txt
  failed=1
elif grep -q "adapter library" out.txt; then
  echo "FAIL: well-behaved adapter: a load error"
  cat out.txt
  failed=1
else
  echo "ok: well_behaved: exit $rc"
fi
exit $failed
