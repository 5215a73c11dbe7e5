#!/usr/bin/env bash
# Builds the survey's pybind11 extension, bufconf_pb11, into OUTDIR with Debian's
# pybind11-dev headers and g++, for /usr/bin/python3 (CPython 3.11). No numpy.
# Usage: bash build.sh OUTDIR
set -euo pipefail
out="${1:?usage: bash build.sh OUTDIR}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v g++ >/dev/null 2>&1 || { echo "build.sh: g++ not found (install g++)" >&2; exit 1; }
[ -x /usr/bin/python3-config ] ||
  { echo "build.sh: /usr/bin/python3-config not found (install python3-dev)" >&2; exit 1; }
[ -f /usr/include/pybind11/pybind11.h ] ||
  { echo "build.sh: /usr/include/pybind11/pybind11.h not found (install pybind11-dev)" >&2; exit 1; }
includes="$(/usr/bin/python3-config --includes)"
inc_dir="$(/usr/bin/python3 -c 'import sysconfig; print(sysconfig.get_paths()["include"])')"
[ -f "$inc_dir/Python.h" ] || { echo "build.sh: $inc_dir/Python.h missing (install python3-dev)" >&2; exit 1; }
mkdir -p "$out"
g++ -std=c++17 -O1 -shared -fPIC -fvisibility=hidden $includes -I/usr/include \
  "$here/bufconf_pb11.cpp" -o "$out/bufconf_pb11$(/usr/bin/python3-config --extension-suffix)"
