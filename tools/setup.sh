#!/usr/bin/env bash
# Installs the Debian 12 packages bufconf needs to build and test. Idempotent and silent when
# everything is already installed; otherwise runs apt-get (needs root, or sudo).
set -euo pipefail

PACKAGES=(
  bazel-bootstrap         # Bazel 4.2.3 (/usr/bin/bazel), used offline with WORKSPACE
  default-jdk-headless    # JDK for Bazel's server (also a dependency of bazel-bootstrap)
  g++                     # default C++ compiler (gcc 12)
  clang                   # clang 14, for --config=fuzz
  libclang-rt-14-dev      # libFuzzer and the clang sanitizer runtimes
  libgtest-dev            # @system_gtest
  libgmock-dev            # @system_gtest//:gmock
  librapidcheck-dev       # @system_rapidcheck
  nlohmann-json3-dev      # @system_json
  libcli11-dev            # @system_cli11
  libbenchmark-dev        # @system_benchmark
  python3                 # /usr/bin/python3 (3.11)
  python3-dev             # @system_python (headers, libpython3.11)
  python3-numpy           # @system_numpy
  python3-venv            # python_venv_test: bufconf run --python VENV/bin/python
  cython3                 # examples/cython: a Cython-generated exporter judged under the factory
  # The ecosystem survey's libraries (docs/ecosystem.md; //conformance/adapters/python/ecosystem:
  # survey_test judges those installed). tools/survey also installs the ones it only checks.
  python3-pygame          # pygame: Surface views (BufferProxy), Mask, Sound
  pybind11-dev            # pybind11: py::buffer_protocol classes, compiled by the survey
  python3-pyqt5           # PyQt5 / sip: QByteArray, sip.voidptr
  python3-cffi            # cffi: ffi.buffer
  python3-bitarray        # bitarray
  python3-zmq             # pyzmq: zmq.Frame
  python3-cairo           # pycairo: ImageSurface data
  python3-zstandard       # zstandard: BufferWithSegments, BufferSegment(s)
  libpython3.11-testsuite # CPython's _testbuffer module
  chromium                # headless browser for the HTML scorecard / SVG rendering test
  fonts-dejavu-core       # a font for that browser to render text with
  zip                     # fuzz/oss-fuzz/build.sh packs seed corpora (tools/oss-fuzz-check)
)

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "installed" ]]; then
    missing+=("$pkg")
  fi
done

if (( ${#missing[@]} == 0 )); then
  exit 0
fi

echo "setup.sh: installing missing packages: ${missing[*]}" >&2
SUDO=()
if (( EUID != 0 )); then
  SUDO=(sudo)
fi
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
