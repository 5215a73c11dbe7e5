#!/usr/bin/env bash
# bufconf run --python VENV/bin/python judges a factory package installed in a virtual
# environment (issue 16): the run happens inside the venv's interpreter, with its site-packages,
# from a working directory that does not hold the package, with no PYTHONPATH. The same factory
# without --python (Debian's embedded 3.11, outside the venv) cannot import it.
# The venv is made from CPython 3.12 when this machine has one (pyenv), else from Debian's 3.11.
# Arguments: the bufconf binary, testdata/venv_demo/bufconf_venv_demo/__init__.py.
set -uo pipefail
bufconf="$PWD/$1"
package="$(cd "$(dirname "$2")" && pwd)"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

finder="$PWD/conformance/testing/find_pythons.py"  # (in the runfiles: data of this test)
base="$(/usr/bin/python3 "$finder" --min 3.12 --max 3.12 | head -1)"
[ -n "$base" ] || base=/usr/bin/python3
echo "venv base interpreter: $base ($("$base" --version 2>&1))"
venv="$tmp/venv"
rm -rf "$venv"
if ! "$base" -m venv --without-pip "$venv"; then
  echo "FAIL: $base -m venv failed (Debian: apt-get install python3-venv)"
  exit 1
fi
site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
cp -r "$package" "$site/"
mkdir -p "$tmp/elsewhere"
cd "$tmp/elsewhere" || exit 1
unset PYTHONPATH BUFCONF_PYTHON_PATH

"$bufconf" run --python "$venv/bin/python" --factory bufconf_venv_demo:objects --quiet \
  --json "$tmp/venv.json" --failures-dir "$tmp/failures" >"$tmp/venv.out" 2>&1
rc=$?
cat "$tmp/venv.out"
[ "$rc" = 0 ] || fail "the venv run exited $rc, expected 0"
/usr/bin/python3 - "$tmp/venv.json" "$venv" <<'PY' || fail "the venv run's scorecard"
import json, sys
j = json.load(open(sys.argv[1]))
venv = sys.argv[2]
version = j["adapter"]["version"]
assert "hosted by %s/bin/python" % venv in version, version
assert "factory bufconf_venv_demo:objects" in version, version
interp = j.get("interpreter")
assert interp and interp["path"].startswith(venv), interp
assert j["objects"] == 2, j["objects"]
rules = {r["rule"]: r for r in j["results"]}
assert rules["REQ-CONTENTS"]["status"] == "pass", rules["REQ-CONTENTS"]
assert rules["REQ-CONTENTS"]["cases"] >= 2, rules["REQ-CONTENTS"]
print("venv run: %s; REQ-CONTENTS judged on %d cases" % (version, rules["REQ-CONTENTS"]["cases"]))
PY

# Without --python: Debian's embedded interpreter, outside the venv, cannot import the package.
"$bufconf" run --factory bufconf_venv_demo:objects --quiet >"$tmp/embedded.out" 2>&1
rc=$?
[ "$rc" = 2 ] || fail "without --python the factory should not import (exit 2), got $rc"
grep -q "No module named 'bufconf_venv_demo'" "$tmp/embedded.out" ||
  fail "without --python: no 'No module named' message: $(cat "$tmp/embedded.out")"

if [ "$failures" -gt 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "PASS"
