#!/usr/bin/env bash
# The python adapter's factory after the import, within bufconf's limits (docs/python-factory.md,
# "Limits"): an infinite generator is taken only up to --max-objects (and one more, to tell there
# are more) in bounded memory, and the report says the rest were not judged (exit 3); a factory
# that hangs while called or iterated is interrupted after --timeout (exit 2, the adapter does not
# load), and one that ignores the interruption is ended by the watchdog (exit 2).
# Arguments: the bufconf binary, testdata/limit_factories.py (runfiles paths).
set -uo pipefail
bufconf="$PWD/$1"
testdata="$(cd "$(dirname "$2")" && pwd)"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# check NAME RC MAX_SECONDS FRAGMENT FACTORY [ARGS...]: runs under 3 GiB of address space and
# `timeout` (the old code grew without bound, or hung); expects the exit status, the time bound
# and FRAGMENT in the output.
check() {
  local name="$1" want="$2" seconds="$3" fragment="$4" factory="$5"
  shift 5
  local start rc took
  start=$(date +%s)
  (
    ulimit -v 3145728
    cd "$tmp" && BUFCONF_PYTHON_PATH="$testdata" timeout 300 "$bufconf" run --adapter python \
      --factory "limit_factories:$factory" --quiet --failures-dir "$tmp/$name" "$@" \
      >"$tmp/$name.out" 2>&1
  )
  rc=$?
  took=$(($(date +%s) - start))
  if [ "$rc" != "$want" ] || ! grep -qF -- "$fragment" "$tmp/$name.out" || [ "$took" -gt "$seconds" ]; then
    fail "$name: exit $rc in ${took} s, expected $want within $seconds s and '$fragment'"
    head -c 3000 "$tmp/$name.out"
    echo
  else
    echo "ok: $name: exit $rc in ${took} s"
  fi
}

# An infinite generator, at the default limit (10000): the load ends, in bounded memory. Only an
# algorithm rule runs, so no object is judged and the run passes.
check endless_default 0 120 "1 pass, 0 fail" endless --filter ALGO-SIZE-FROM-FORMAT --examples 5
# ... and with a small limit and an exporter rule: three judged, the rest reported as not judged.
check endless_small 3 120 "limit_factories:endless() returned more than 3 objects" endless \
  --max-objects 3 --filter REQ-GRANT --examples 5 --json "$tmp/endless_small.json"
if ! python3 -c "
import json, sys
j = json.load(open(sys.argv[1]))
assert j['objects'] == 3, j['objects']
assert any('more than 3 objects' in e for e in j['errors']), j['errors']
assert j['exit_status'] == 3
" "$tmp/endless_small.json"; then
  fail "endless_small: the JSON scorecard does not say the objects were cut"
fi
# Hangs, interrupted after --timeout 2.
check spin 2 30 "limit_factories:spin did not finish within 2 s (--timeout), while calling it" \
  spin --timeout 2
check sleeps 2 30 "limit_factories:sleeps did not finish within 2 s (--timeout), while calling it" \
  sleeps --timeout 2
check stalls 2 30 "while iterating what it returned (3 objects so far)" stalls --timeout 2
# Swallows the interruption: the watchdog ends bufconf at --timeout + 5 s.
check stubborn 2 40 "did not stop when interrupted: bufconf stops (exit status 2)" stubborn \
  --timeout 2
# The limits are options of `run`, checked.
check bad_max 2 30 "--max-objects: must be a whole number of objects from 1 to 1000000" endless \
  --max-objects 0

exit $((failures > 0))
