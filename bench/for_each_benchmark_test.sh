#!/usr/bin/env bash
# //bench:for_each works and prints its ratio table, and docs/performance.md has that table's
# columns: a short run (two layouts, --benchmark_min_time=0.01, a few seconds) must exit 0, print
# the table's header and a row for each layout run, and no "error:" line (an implementation whose
# result differs from the reference walk is one); the header line the binary prints must appear
# as is in docs/performance.md (the documented table is a run of this binary).
# Usage: bazel test //bench:for_each_benchmark_test (or run it from the workspace root after
# bazel build -c opt //bench:for_each).
set -uo pipefail
if [[ -n "${TEST_SRCDIR:-}" ]]; then
  root="$TEST_SRCDIR/${TEST_WORKSPACE:-bufconf}"
else
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fi
binary="$root/bench/for_each"
[[ -x "$binary" ]] || binary="$root/bazel-bin/bench/for_each"
doc="$root/docs/performance.md"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
layouts=(c_contiguous_f32 tiny_f64_transposed)

status=0
fail() {
  echo "for_each_benchmark_test: $*" >&2
  status=1
}

filter="/($(
  IFS='|'
  echo "${layouts[*]}"
))(/|\$)"
"$binary" --benchmark_filter="$filter" --benchmark_min_time=0.01 >"$tmp/stdout" 2>"$tmp/stderr"
rc=$?
cat "$tmp/stdout" "$tmp/stderr"
[[ "$rc" == 0 ]] || fail "the benchmark exited with $rc"

header="$(grep -m1 '^layout ' "$tmp/stderr")"
if [[ -z "$header" ]]; then
  fail "no ratio table header (a line starting with 'layout') on stderr"
else
  for layout in "${layouts[@]}"; do
    # A row has the time per element and the time per call (a number and a unit).
    grep -Eq "^$layout +[0-9.]+ +[0-9.]+ (ns|ms) " "$tmp/stderr" ||
      fail "no table row for $layout"
  done
  if ! grep -Fxq -- "$header" "$doc"; then
    fail "docs/performance.md does not have the table header the binary prints:"
    echo "$header" >&2
  fi
fi
if grep -q '^error:' "$tmp/stderr"; then
  fail "the run reported errors (above)"
fi
exit "$status"
