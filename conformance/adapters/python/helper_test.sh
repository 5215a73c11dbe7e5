#!/usr/bin/env bash
# helper_test.py (helper.py on its own) under Debian's /usr/bin/python3 and under every CPython
# 3.8 to 3.13 found in pyenv's versions directories (/root/.pyenv and $HOME/.pyenv: Bazel's HOME
# may not be the user's), or under exactly the interpreters BUFCONF_TEST_PYTHONS names
# (colon-separated paths). Prints which interpreters it ran; fails if any run fails.
#   helper_test.sh HELPER_TEST_PY HELPER_PY FACTORIES_PY
set -uo pipefail
test_py="$1"
helper_py="$2"
factories_py="$3"

finder="$PWD/conformance/testing/find_pythons.py"  # (in the runfiles: data of this test)
mapfile -t pythons < <(/usr/bin/python3 "$finder" --debian --min 3.8 --max 3.13)
if ((${#pythons[@]} == 0)); then
  echo "helper_test: no interpreter to run (BUFCONF_TEST_PYTHONS='${BUFCONF_TEST_PYTHONS:-}')" >&2
  exit 1
fi

failed=()
ran=()
for python in "${pythons[@]}"; do
  version="$("$python" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>&1)" || {
    echo "helper_test: $python does not run: $version" >&2
    failed+=("$python")
    continue
  }
  echo "==== $python (CPython $version)"
  # -W error::DeprecationWarning: what a newer interpreter deprecates shows up here first
  if "$python" -W error::DeprecationWarning "$test_py" --helper "$helper_py" \
      --factories "$factories_py"; then
    ran+=("$python ($version): ok")
  else
    ran+=("$python ($version): FAILED")
    failed+=("$python")
  fi
done
echo
echo "helper_test ran under ${#pythons[@]} interpreter(s):"
printf '  %s\n' "${ran[@]}"
((${#failed[@]} == 0)) || { echo "failed under: ${failed[*]}" >&2; exit 1; }
