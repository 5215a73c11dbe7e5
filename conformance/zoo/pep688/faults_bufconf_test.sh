#!/usr/bin/env bash
# The PEP 688 zoo through the suite itself: `bufconf run --python PY --factory
# conformance.zoo.pep688.faults:NAME` under each CPython 3.12+ found (pyenv's versions
# directories under /root and $HOME, or BUFCONF_TEST_PYTHONS, colon-separated): control passes,
# each fault fails exactly the suite rules docs/zoo.md names for it. Under the embedded 3.11
# (no --python) the factories fail to load, saying they need 3.12 (exit 2).
#   faults_bufconf_test.sh BUFCONF
set -uo pipefail
bufconf="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
# The factories' module, conformance.zoo.pep688.faults, imports from the working directory
# (the runfiles tree: conformance/zoo/pep688/faults.py).
[[ -f conformance/zoo/pep688/faults.py ]] || { echo "not in the runfiles tree" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# What failed in a JSON scorecard, sorted, comma-separated.
failed_rules() {
  /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(",".join(sorted(r["rule"] for r in d["results"] if r["status"] == "fail")))' "$1"
}

# NAME EXPECTED_EXIT EXPECTED_FAILED_RULES PYTHON
expect() {
  local name="$1" want_exit="$2" want_rules="$3" python="$4"
  local out="$tmp/$name.out" json="$tmp/$name.json"
  "$bufconf" run --python "$python" --factory "conformance.zoo.pep688.faults:$name" --quiet \
    --json "$json" >"$out" 2>&1
  local status=$?
  local rules
  rules="$(failed_rules "$json" 2>/dev/null)"
  echo "  $name: exit $status, failed: ${rules:-none}"
  [[ "$status" == "$want_exit" ]] || { fail "$name under $python: exit $status, not $want_exit"; tail -20 "$out" >&2; }
  [[ "$rules" == "$want_rules" ]] || fail "$name under $python: failed '$rules', not '$want_rules'"
}

finder="$PWD/conformance/testing/find_pythons.py"  # (in the runfiles: data of this test)
mapfile -t pythons < <(/usr/bin/python3 "$finder" --min 3.12 --max 3.13)

# The embedded interpreter (3.11): no PEP 688, the factory says so and the load fails.
"$bufconf" run --factory conformance.zoo.pep688.faults:control --quiet >"$tmp/embedded.out" 2>&1
status=$?
echo "embedded interpreter: control: exit $status"
[[ "$status" == 2 ]] || fail "control under the embedded interpreter: exit $status, not 2"
grep -q 'PEP 688 exporters need CPython 3.12+' "$tmp/embedded.out" ||
  fail "the load error does not say that PEP 688 needs 3.12"

first=1
for python in "${pythons[@]}"; do
  echo "==== $python"
  expect control 0 "" "$python"
  expect flags_ignored 1 "MEMORY-WRITABLE" "$python"
  if ((first)); then
    # The other faults under the first interpreter only (each run takes about 15 s).
    expect wrong_size 1 "REQ-CONTENTS" "$python"
    expect returns_bytes 1 "REQ-FAIL-BUFFERERROR,REQ-GRANT" "$python"
    # __release_buffer__ that never releases: the suite cannot see it (a known gap, listed as a
    # skip); faults_test shows the fault itself.
    expect never_releases 0 "" "$python"
    first=0
  fi
done
echo
echo "faults_bufconf_test ran under: embedded /usr/bin/python3${pythons[*]:+ and ${pythons[*]}}"
((${#pythons[@]} > 0)) || echo "  (no CPython 3.12+ found: only the embedded interpreter's refusal was checked)"
((failures == 0))
