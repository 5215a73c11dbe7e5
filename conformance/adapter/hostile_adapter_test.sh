#!/usr/bin/env bash
# Adapters that misbehave while loading (hostile/): `bufconf run` and `bufconf replay` exit 2
# with a message naming the library and what happened; a well-behaved one still runs. Adapters
# that misbehave after loading (enumerate hanging or endless, regions returning garbage): `bufconf
# run` ends within a bounded time, exit 2 (an adapter error naming the call) or 3 (bufconf's
# object limit, said in the report), never a finding against the exporter.
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
expect unknown_caps "unknown capability bits 0x10000000040"
expect abi_0 "ABI version 0, but"
expect abi_99 "ABI version 99, but"

# expect_run ADAPTER RC MAX_SECONDS FRAGMENT [ARGS...]: `bufconf run` exits RC within MAX_SECONDS
# and says FRAGMENT; and no rule fails (the adapter's misbehaviour is no finding).
expect_run() {
  local name="$1" lib="$dir/$1.so" want="$2" seconds="$3" fragment="$4" rc start took
  shift 4
  start=$(date +%s)
  timeout 120 "$bufconf" run --adapter "$lib" --examples 5 --failures-dir "$PWD/failures-$name" "$@" \
    > out.txt 2>&1
  rc=$?
  took=$(($(date +%s) - start))
  if [ "$rc" != "$want" ] || ! grep -qF -- "$fragment" out.txt || [ "$took" -gt "$seconds" ] ||
    ! grep -q " 0 fail, " out.txt || grep -qE "length_error|_M_default_append|bad_alloc" out.txt; then
    echo "FAIL: $name: exit $rc in $took s, expected $want within $seconds s, '$fragment', no failure"
    head -c 4000 out.txt
    echo
    failed=1
  else
    echo "ok: $name (run): exit $rc in $took s: $(grep -F -- "$fragment" out.txt | head -1 | head -c 300)"
  fi
}

# enumerate(1) never returns: an adapter error after --timeout, and the run ends (the old code
# filed it under REQ-GRANT and went on asking).
expect_run enumerate_hang 2 30 "the adapter's enumerate(1) did not return within 2 s (--timeout)" \
  --timeout 2
# enumerate(0) answers BUFCONF_ERROR: an adapter error (the old code counted it as bufconf's own
# error, exit 3); index 1 is judged.
expect_run enumerate_error 2 30 "the adapter's enumerate(0) returned -1: the object could not be made"
# enumerate answers OK for every index: --max-objects of them judged, the rest said (exit 3).
expect_run enumerate_endless 3 60 "enumerate: the adapter has more than 3 objects" \
  --max-objects 3 --json "$PWD/endless.json"
if ! grep -qF '"objects": 3' endless.json; then
  echo "FAIL: enumerate_endless: the JSON scorecard does not count 3 objects"
  failed=1
fi
# regions() returns SIZE_MAX, or a block that wraps the address space: adapter errors naming it.
expect_run regions_huge 2 30 "regions() returned 18446744073709551615, a count of memory blocks"
expect_run regions_wrap 2 30 "of 18446744073709551615 bytes, which wraps the address space"
# regions() gives a block at NULL, or on a page that is not mapped: adapter errors naming
# regions() and the block (the old code filed the first under bufconf's own errors, and crashed
# copying the second: "the implementation crashed" under REQ-GRANT).
expect_run regions_null 2 30 "regions() gave block 0 at (nil) of 4096 bytes, which has a NULL base"
expect_run regions_unmapped 2 30 "of 8 bytes, which cannot be read (address 0x"
# after_fork crashes, or returns -1: an adapter error naming after_fork, no rule run (the old
# code filed the crash as the exporter's under REQ-GRANT, and ignored the -1).
expect_run after_fork_segv 2 30 \
  "the adapter's after_fork (called in each forked child before its cases) crashed (signal 11"
expect_run after_fork_fail 2 30 \
  "the adapter's after_fork (called in each forked child before its cases) returned -1"
# Expected contents of 1 TiB: bufconf's limit, named (the old code said std::bad_alloc); expected
# contents with items NULL: an adapter error (the old code read through NULL: a crash filed
# under REQ-GRANT).
# (--allow-empty: no case could be judged, which alone is exit 1.)
expect_run expected_huge 3 30 "are 1099511627776 bytes, more than bufconf judges (256 MiB)" \
  --allow-empty
expect_run expected_null 2 30 "has_expected with 4 bytes of expected items, but items is NULL"

# expect_finding ADAPTER FRAGMENT: `bufconf run` reports a finding (exit 1) that says FRAGMENT,
# and none of bufconf's own errors.
expect_finding() {
  local name="$1" lib="$dir/$1.so" fragment="$2" rc
  timeout 120 "$bufconf" run --adapter "$lib" --examples 5 --failures-dir "$PWD/failures-$name" \
    --json "$PWD/$name.json" > out.txt 2>&1
  rc=$?
  if [ "$rc" != 1 ] || ! grep -qF -- "$fragment" out.txt || grep -qF "json.exception" out.txt ||
    grep -qF "Errors of bufconf" out.txt || grep -qF "the implementation ok" out.txt; then
    echo "FAIL: $name: exit $rc, expected 1 and '$fragment', no error of bufconf"
    head -c 4000 out.txt
    echo
    failed=1
  else
    echo "ok: $name (run): exit $rc: $(grep -F -- "$fragment" out.txt | head -1 | head -c 300)"
  fi
}
# Messages, descriptions and make_exporter's message in bytes that are not UTF-8: the refusals
# are a REQ-GRANT finding, the bytes written as \xNN (the old code: 36 rules "error ...
# [json.exception.type_error.316]", exit 3).
expect_finding refuse_bin 'fail: PyBUF_FULL_RO was refused: refused \x86\xff'
# get_buffer calls _exit(0): a finding that says so (the old code: "the implementation ok on ...").
expect_finding get_exit0 "the implementation exited with status 0 during the case"

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
