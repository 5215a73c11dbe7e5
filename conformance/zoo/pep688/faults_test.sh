#!/usr/bin/env bash
# faults_test.py (the PEP 688 zoo factories, asked through PyObject_GetBuffer) under every
# CPython 3.12+ found in pyenv's versions directories (/root/.pyenv and $HOME/.pyenv), or the
# interpreters BUFCONF_TEST_PYTHONS names (colon-separated), and under /usr/bin/python3 (3.11 on
# Debian 12: the factories must say that they need 3.12). Prints which interpreters it ran.
#   faults_test.sh FAULTS_TEST_PY
set -uo pipefail
test_py="$1"

finder="$PWD/conformance/testing/find_pythons.py"  # (in the runfiles: data of this test)
mapfile -t pythons < <(/usr/bin/python3 "$finder" --debian --min 3.12 --max 3.13)

failed=()
ran=()
for python in "${pythons[@]}"; do
  echo "==== $python"
  if "$python" "$test_py"; then
    ran+=("$python: ok")
  else
    ran+=("$python: FAILED")
    failed+=("$python")
  fi
done
echo
echo "faults_test ran under ${#pythons[@]} interpreter(s):"
((${#ran[@]} == 0)) || printf '  %s\n' "${ran[@]}"
if ! printf '%s\n' "${pythons[@]}" | grep -q 'python3\.1[2-9]$'; then
  echo "  (no CPython 3.12+ found: the PEP 688 exporters themselves were not run)"
fi
((${#failed[@]} == 0)) || { echo "failed under: ${failed[*]}" >&2; exit 1; }
