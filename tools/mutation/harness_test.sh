#!/usr/bin/env bash
# The mutation harness can fail (docs/mutation.md), cheaply: tools/mutation/run builds the
# unmutated adapter copy and two mutants with g++ from the sources in the runfiles, proves the
# baseline (the copy gets the same verdicts as --adapter reference) on the CONTIG-* rules at
# seed 1, and then must report
#   - contig-a-needs-both (from mutants.json: is_contiguous(view, 'A') answers C-and-F) killed,
#     with CONTIG-A among its failing rules: a mutant in the adapter's copy of the model is seen
#     by the suite, so the copy does not share the oracle's code;
#   - a whitespace-only change "unchanged" (the object did not change): never run, never counted.
# Usage (Bazel passes it): harness_test.sh BUFCONF
set -euo pipefail
bufconf="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
# Under Bazel the test runs as tools/mutation_harness_test: find tools/mutation in the runfiles.
if [[ -n "${TEST_SRCDIR:-}" ]]; then
  here="$TEST_SRCDIR/${TEST_WORKSPACE:-bufconf}/tools/mutation"
else
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fi
tmp="${TEST_TMPDIR:-$(mktemp -d)}"

/usr/bin/python3 - "$here/mutants.json" "$tmp/mutants.json" <<'EOF'
import json, sys
mutants = {m["id"]: m for m in json.load(open(sys.argv[1]))}
noop = {"id": "whitespace-only", "file": "reference/layout/contiguity.cc",
        "find": "return IsC(view) || IsF(view);", "replace": "return IsC(view)  ||  IsF(view);",
        "kind": "constant", "why": "test: a change the compiler cannot see"}
json.dump([mutants["contig-a-needs-both"], noop], open(sys.argv[2], "w"))
EOF

status=0
/usr/bin/python3 "$here/run" --bufconf "$bufconf" --mutants-file "$tmp/mutants.json" --seeds 1 \
  --filter 'CONTIG-*' --opt=-O1 --jobs 2 --work "$tmp/work" --json "$tmp/result.json" || status=$?
# Exit 1: a mutant was unchanged (the whitespace one); 2 would be a void harness.
if [[ "$status" != 1 ]]; then
  echo "FAIL: tools/mutation/run exited $status, expected 1 (one unchanged mutant)" >&2
  exit 1
fi

/usr/bin/python3 - "$tmp/result.json" <<'EOF'
import json, sys
result = json.load(open(sys.argv[1]))
by_id = {m["id"]: m for m in result["mutants"]}
errors = []
a = by_id["contig-a-needs-both"]
run = a["seeds"].get("1", {})
if a["status"] != "ok" or run.get("outcome") != "killed" or "CONTIG-A" not in run.get("rules", {}):
    errors.append("contig-a-needs-both was not killed by CONTIG-A: %s" % json.dumps(a)[:800])
w = by_id["whitespace-only"]
if w["status"] != "unchanged" or w["seeds"]:
    errors.append("the whitespace-only mutant was not reported unchanged: %s" % json.dumps(w)[:800])
if not result["summary"].startswith("killed 1 of 1 mutants at every seed"):
    errors.append("summary: " + result["summary"])
for e in errors:
    print("FAIL: " + e, file=sys.stderr)
if errors:
    sys.exit(1)
print("PASS: " + result["summary"])
EOF
