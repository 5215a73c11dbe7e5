#!/usr/bin/env bash
# docs/spec.md is what docs/spec_gen renders now, and every rule can be violated by something.
#   spec_test.sh SPEC_GEN MANIFEST SPEC_MD
set -uo pipefail
gen="$1" manifest="$2" spec="$3"
out="${TEST_TMPDIR:-/tmp}/spec.md"
status=0
if ! "$gen" --sources "$manifest" --out "$out" --check; then
  echo "spec_test: the rules above have nothing that can violate them (or are stale known gaps):" \
    "add a test that breaks each, or fix kKnownGaps in docs/spec_gen.cc" >&2
  status=1
fi
if [[ -f "$out" ]] && ! diff -u "$spec" "$out" >&2; then
  echo "spec_test: docs/spec.md is stale; run tools/gen-spec" >&2
  status=1
fi
exit "$status"
