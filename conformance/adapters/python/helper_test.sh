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

pythons=()
if [[ -n "${BUFCONF_TEST_PYTHONS:-}" ]]; then
  IFS=: read -r -a pythons <<<"$BUFCONF_TEST_PYTHONS"
else
  [[ -x /usr/bin/python3 ]] && pythons+=(/usr/bin/python3)
  seen=" "
  for dir in /root/.pyenv/versions "${HOME:-/nonexistent}/.pyenv/versions"; do
    for p in "$dir"/*/bin/python3.*; do
      # python3.N only (not python3.N-config, -gdb.py, or 3.6's python3.6m), N from 8 to 13
      [[ "$(basename "$p")" =~ ^python3\.([0-9]+)$ ]] || continue
      minor="${BASH_REMATCH[1]}"
      ((minor >= 8 && minor <= 13)) || continue
      [[ -x "$p" ]] || continue
      real="$(readlink -f "$p")"
      [[ "$seen" == *" $real "* ]] && continue
      seen+="$real "
      pythons+=("$p")
    done
  done
fi
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
