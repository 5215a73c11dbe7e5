#!/usr/bin/env bash
# docs/findings.md's rows and their version column, measured: tools/findings_repro.py runs under
# Debian's /usr/bin/python3 (always; on a fresh Debian 12 the only interpreter) and every CPython
# 3.8-3.13 found under /root/.pyenv/versions or $HOME/.pyenv/versions (BUFCONF_TEST_PYTHONS, a
# space-separated list, overrides the search; set and empty: Debian's only). Under each, every row
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

pythons=(/usr/bin/python3)
if [ -n "${BUFCONF_TEST_PYTHONS+set}" ]; then
  read -r -a candidates <<<"$BUFCONF_TEST_PYTHONS"
else
  candidates=()
  for root in /root/.pyenv/versions "${HOME:-/nonexistent}/.pyenv/versions"; do
    for python in "$root"/*/bin/python3.*; do
      case "$python" in *-config | *m) continue ;; esac
      [ -x "$python" ] && candidates+=("$python")
    done
  done
fi
declare -A seen=([$(readlink -f /usr/bin/python3)]=1)
# Oldest first, as the version column reads.
mapfile -t candidates < <(for python in "${candidates[@]}"; do
  echo "$(basename "$python") $python"
done | sort -V | cut -d' ' -f2-)
for python in "${candidates[@]}"; do
  real="$(readlink -f "$python")"
  [ -n "${seen[$real]:-}" ] && continue
  seen[$real]=1
  version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" || continue
  case "$version" in
    3.8 | 3.9 | 3.10 | 3.11 | 3.12 | 3.13) pythons+=("$python") ;;
    *) echo "not run: $python is CPython $version (the findings cover 3.8 to 3.13)" ;;
  esac
done

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
