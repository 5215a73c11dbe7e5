#!/usr/bin/env bash
# The test that bufconf_conformance_test (conformance/bazel/defs.bzl) makes: `bufconf run` under
# `bazel test`.
#
#   conformance_test.sh BUFCONF [--python-path FILE...] -- [bufconf run options...]
#
# The files after --python-path (a factory's .py files, extension modules: the macro's `data`,
# given with a factory) put their directories on BUFCONF_PYTHON_PATH, in front of any it has
# already. The JUnit XML goes to $XML_OUTPUT_FILE (Bazel's test.xml: one test case per rule); the
# JSON and HTML scorecards (bufconf.json, bufconf.html) and the counterexample files
# (bufconf-failures/) go to $TEST_UNDECLARED_OUTPUTS_DIR when it is set (Bazel keeps them in
# bazel-testlogs/PACKAGE/NAME/test.outputs/), else to $TEST_TMPDIR. Sharding needs nothing here:
# bufconf run reads TEST_TOTAL_SHARDS/TEST_SHARD_INDEX itself (each shard judges its share of the
# rules) and touches TEST_SHARD_STATUS_FILE. Exit status: bufconf run's.
set -euo pipefail

if (($# < 2)); then
  echo "usage: conformance_test.sh BUFCONF [--python-path FILE...] -- [bufconf run options...]" >&2
  exit 2
fi
bufconf="$1"
shift
python_path=""
if [ "$1" = --python-path ]; then
  shift
  while (($#)) && [ "$1" != -- ]; do
    dir="$(dirname "$1")"
    case ":$python_path:" in
      *":$dir:"*) ;;
      *) python_path="${python_path:+$python_path:}$dir" ;;
    esac
    shift
  done
fi
if (($# == 0)) || [ "$1" != -- ]; then
  echo "conformance_test.sh: expected -- before the bufconf run options, got '${1:-}'" >&2
  exit 2
fi
shift
if [ -n "$python_path" ]; then
  export BUFCONF_PYTHON_PATH="$python_path${BUFCONF_PYTHON_PATH:+:$BUFCONF_PYTHON_PATH}"
fi

reports=()
if [ -n "${XML_OUTPUT_FILE:-}" ]; then
  reports+=(--junit "$XML_OUTPUT_FILE")
fi
if [ -n "${TEST_UNDECLARED_OUTPUTS_DIR:-}" ]; then
  mkdir -p "$TEST_UNDECLARED_OUTPUTS_DIR"
  reports+=(--json "$TEST_UNDECLARED_OUTPUTS_DIR/bufconf.json"
    --html "$TEST_UNDECLARED_OUTPUTS_DIR/bufconf.html"
    --failures-dir "$TEST_UNDECLARED_OUTPUTS_DIR/bufconf-failures")
else
  tmp="${TEST_TMPDIR:-$(mktemp -d)}"
  reports+=(--failures-dir "$tmp/bufconf-failures")
fi

exec "$bufconf" run "${reports[@]}" "$@"
