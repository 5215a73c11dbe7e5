#!/usr/bin/env bash
# //bench:mirror works and prints its ratio table, and docs/performance.md shows that table as
# the binary prints it. A short run (well under a minute) on two small filters' layouts:
#   - the binary exits 0;
#   - stderr has the table's header line and a row for each filtered layout, with ok / MISS
#     words in its targets column (and the targets that layout has), and no "error:" line;
#   - docs/performance.md has the exact header line the binary printed, inside a fenced block.
# Usage: bazel test -c opt //bench:mirror_benchmark_test
#   or, outside Bazel: bench/mirror_benchmark_test.sh [BINARY [DOC]]
#   (defaults: bazel-bin/bench/mirror and docs/performance.md of the work tree).
# MIRROR_BENCHMARK_DOC=path overrides the doc checked (to see the test fail on a doc without the
# header, or pass on one with it).
set -euo pipefail

if [[ -n "${TEST_SRCDIR:-}" ]]; then
  root="$TEST_SRCDIR/${TEST_WORKSPACE:-bufconf}"
  binary="$root/bench/mirror"
  doc="$root/docs/performance.md"
else
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  binary="${1:-$root/bazel-bin/bench/mirror}"
  doc="${2:-$root/docs/performance.md}"
fi
doc="${MIRROR_BENCHMARK_DOC:-$doc}"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

[[ -x "$binary" ]] || fail "no benchmark binary at $binary"
[[ -r "$doc" ]] || fail "no document at $doc"

# One layout with long runs (its threads variants too) and the tiny one; no oracle (seconds per
# 64 MiB view).
layouts=(rows_every_other_f32 tiny_f64_transposed)
filter="^(bufconf|cpython|numpy|memcpy)/(rows_every_other_f32|tiny_f64_transposed)"
status=0
"$binary" --benchmark_filter="$filter" --benchmark_min_time=0.01 \
  >"$tmp/stdout" 2>"$tmp/stderr" || status=$?
if [[ "$status" != 0 ]]; then
  cat "$tmp/stderr" >&2
  fail "$binary exited $status"
fi

header="$(grep -m1 '^layout ' "$tmp/stderr" || true)"
if [[ -z "$header" ]]; then
  cat "$tmp/stderr" >&2
  fail "no ratio table on stderr (no line starting with 'layout ')"
fi
for word in bufconf GB/s numpy np-ascontig cpython memcpy oracle plan stream "2 thr" targets; do
  [[ "$header" == *"$word"* ]] || fail "the table header has no column '$word': $header"
done

if grep -n '^error:' "$tmp/stderr" >&2; then
  fail "the benchmark reported errors (above)"
fi

for layout in "${layouts[@]}"; do
  row="$(grep -m1 "^$layout " "$tmp/stderr" || true)"
  [[ -n "$row" ]] || fail "no table row for $layout"
  # The targets each layout has: cpython and numpy everywhere numpy can express the view,
  # memcpy where the runs are long.
  wanted=(cpython numpy)
  [[ "$layout" == rows_every_other_f32 ]] && wanted+=(memcpy)
  for target in "${wanted[@]}"; do
    if ! [[ "$row" =~ (^|[ ,])$target\ (ok|MISS)(,|$) ]]; then
      fail "the row of $layout has no '$target ok' or '$target MISS' target: $row"
    fi
  done
done
# The threads column of a non-tiny layout is a ratio.
row="$(grep -m1 '^rows_every_other_f32 ' "$tmp/stderr")"
[[ "$row" =~ \ [0-9]+\.[0-9]+x\ +cpython\ (ok|MISS) ]] ||
  fail "the row of rows_every_other_f32 has no '2 thr' ratio before its targets: $row"

# The doc's table is what the binary prints: its header line inside a fenced block.
if ! awk -v header="$header" '
  /^```/ { fenced = !fenced; next }
  fenced && $0 == header { found = 1 }
  END { exit found ? 0 : 1 }
' "$doc"; then
  echo "the header line the binary prints:" >&2
  echo "$header" >&2
  fail "$doc has no fenced block with the table header the binary prints (above)"
fi

echo "PASS: ${#layouts[@]} layouts in the table, targets checked; $doc shows the table header"
