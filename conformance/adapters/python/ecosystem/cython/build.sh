#!/usr/bin/env bash
# Builds the survey's Cython extensions into OUTDIR: bufconf_cy (cython.view.array and typed
# memoryviews, C) and bufconf_cy_docs (the docs' buffer-protocol Matrix, C++), with Debian's
# cython3 and the system compilers, for /usr/bin/python3 (CPython 3.11).
# Usage: bash build.sh OUTDIR
set -euo pipefail
out="${1:?usage: bash build.sh OUTDIR}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
need() {
  command -v "$1" >/dev/null 2>&1 || { echo "build.sh: $1 not found (install $2)" >&2; exit 1; }
}
need cython3 "Debian's cython3"
need cc "gcc"
need g++ "g++"
need /usr/bin/python3-config "python3-dev"
includes="$(/usr/bin/python3-config --includes)"
suffix="$(/usr/bin/python3-config --extension-suffix)"
inc_dir="$(/usr/bin/python3 -c 'import sysconfig; print(sysconfig.get_paths()["include"])')"
[ -f "$inc_dir/Python.h" ] || { echo "build.sh: $inc_dir/Python.h missing (install python3-dev)" >&2; exit 1; }
mkdir -p "$out"
fail() { echo "build.sh: $1 failed" >&2; exit 1; }
PYTHONWARNINGS=ignore cython3 -3 -o "$out/bufconf_cy.c" "$here/bufconf_cy.pyx" || fail "cython3 bufconf_cy.pyx"
PYTHONWARNINGS=ignore cython3 -3 --cplus -o "$out/bufconf_cy_docs.cpp" "$here/bufconf_cy_docs.pyx" ||
  fail "cython3 --cplus bufconf_cy_docs.pyx"
# Cython's generated code is compiled as a user would (-w: its warnings are not ours).
cc -O1 -w -shared -fPIC $includes "$out/bufconf_cy.c" -o "$out/bufconf_cy$suffix" &
pid=$!
g++ -O1 -w -shared -fPIC $includes "$out/bufconf_cy_docs.cpp" \
  -o "$out/bufconf_cy_docs$suffix" || fail "g++ bufconf_cy_docs.cpp"
wait "$pid" || fail "cc bufconf_cy.c"
