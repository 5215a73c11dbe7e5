#!/usr/bin/env bash
# The interpreter matrix (issue 16): `bufconf matrix` over Debian's /usr/bin/python3 (always; on a
# fresh Debian 12 the only column, still judged through the matrix path) and every CPython
# 3.8-3.13 found on this machine (conformance/testing/find_pythons.py: pyenv's builds, or exactly
# those BUFCONF_TEST_PYTHONS names). Every column must run and exit 0 with the built-in expectations, which
# are keyed by the interpreter's version: a deviation fixed upstream in some version fails that
# column again if it comes back. Prints which interpreters it judged. Older interpreters found
# (2.7, 3.6, 3.7) must be refused with exit 2 and the reason.
# Arguments: the bufconf binary.
set -uo pipefail
bufconf="$PWD/$1"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

finder="$PWD/conformance/testing/find_pythons.py"  # (in the runfiles: data of this test)
# Debian's first, then the others oldest first: the columns read as the protocol's history.
mapfile -t supported < <(/usr/bin/python3 "$finder" --debian --min 3.8 --max 3.13)
mapfile -t unsupported < <(/usr/bin/python3 "$finder" --unsupported)

args=()
for python in "${supported[@]}"; do args+=(--python "$python"); done
cd "$tmp" || exit 1
"$bufconf" matrix "${args[@]}" --quiet --json "$tmp/matrix.json" --junit "$tmp/matrix.xml" \
  --html "$tmp/matrix.html" >"$tmp/matrix.out" 2>&1
rc=$?
cat "$tmp/matrix.out"
[ "$rc" = 0 ] || fail "bufconf matrix exited $rc, expected 0"
/usr/bin/python3 - "$tmp/matrix.json" "$tmp/matrix.xml" "${supported[@]}" <<'PY' || fail "the matrix's scorecard"
import json, subprocess, sys
import xml.etree.ElementTree as ET
m = json.load(open(sys.argv[1]))["matrix"]
pythons = sys.argv[3:]
columns = m["interpreters"]
assert len(columns) == len(pythons), (len(columns), pythons)
print("judged %d interpreter(s):" % len(columns))
for python, column in zip(pythons, columns):
    assert column["ran"], column
    assert column["exit_status"] == 0, column
    real = subprocess.run([python, "-c", "import platform, sys; print(platform.python_version(), sys.executable)"],
                          capture_output=True, text=True, check=True).stdout.split()
    assert column["implementation"] == "CPython", column
    assert column["version"] == real[0], (column["version"], real)
    assert column["totals"]["pass"] > 0, column["totals"]
    print("  %s %s at %s: %s" % (column["implementation"], column["version"], column["path"],
                                 ", ".join("%s %d" % kv for kv in column["totals"].items() if kv[1])))
# Every column judged the same rules; a rule of the interpreter itself follows its version.
for rule in m["rules"]:
    statuses = [c["status"] for c in rule["cells"]]
    assert None not in statuses, (rule["id"], statuses)
    if rule["id"] == "REQ-READ-WRITE-FLAGS":
        for column, cell in zip(columns, rule["cells"]):
            minor = int(column["version"].split(".")[1])
            want = "pass" if minor >= 13 else "xfail"
            assert cell["status"] == want, (column["version"], cell, want)
changes = [c["id"] for c in m["changes"]]
print("changed between the columns:", ", ".join(changes) or "nothing")
suites = ET.parse(sys.argv[2]).getroot().findall(".//testsuite")
assert len(suites) == len(columns), len(suites)
PY
grep -q "<html" "$tmp/matrix.html" || fail "no HTML page"

for python in "${unsupported[@]}"; do
  "$bufconf" run --python "$python" --quiet >"$tmp/old.out" 2>&1
  rc=$?
  [ "$rc" = 2 ] || fail "$python: exit $rc, expected 2"
  grep -q "is not supported: bufconf runs inside CPython 3.8 to 3.13" "$tmp/old.out" ||
    fail "$python: $(cat "$tmp/old.out")"
  echo "refused, as it must be: $python ($(head -1 "$tmp/old.out"))"
done

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "PASS"
