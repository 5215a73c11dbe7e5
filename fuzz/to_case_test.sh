#!/bin/bash
# to_case turns a fuzz input into a bufconf case file that `bufconf replay` runs.
set -u
to_case="$1"
bufconf="$2"
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp="${TEST_TMPDIR:-$(mktemp -d)}"

# A differential recipe input (order byte, recipe with two indirect dimensions, format text).
printf '\x01\x02\x03\x02\x03\x02\x00\x01\x00\x00\x01\x00\x01\x05\x03\x01\x02i' > "$tmp/recipe"
"$to_case" --target differential_fuzzer --rule ALGO-GET-POINTER "$tmp/recipe" "$tmp/case.json" ||
  fail "to_case failed"
grep -q '"bufconf_replay": 1' "$tmp/case.json" || fail "not a replay file"
grep -q '"kind": "algorithm"' "$tmp/case.json" || fail "not an algorithm case"
grep -q '"suboffsets"' "$tmp/case.json" || fail "the case lost its suboffsets"
"$to_case" --target differential_fuzzer --rule ALGO-TO-CONTIGUOUS "$tmp/recipe" "$tmp/rule.json" ||
  fail "to_case --rule failed"
grep -q '"rule": "ALGO-TO-CONTIGUOUS"' "$tmp/rule.json" || fail "--rule not recorded"
"$bufconf" replay "$tmp/rule.json" --adapter reference > "$tmp/replay.out" 2>&1 ||
  { cat "$tmp/replay.out"; fail "bufconf replay did not pass the case"; }

# A case file is itself an input of every case target: to_case writes it back unchanged.
"$to_case" --target model_fuzzer --rule ALGO-GET-POINTER "$tmp/case.json" "$tmp/again.json" ||
  fail "case file refused"
sed -i 's|"message": .*|"message": "",|' "$tmp/case.json" "$tmp/again.json"
cmp -s "$tmp/case.json" "$tmp/again.json" || fail "a case file did not round-trip"

# Errors: an input that is no case (exit 1), a target whose inputs are not cases (exit 2).
printf '{"kind": "algorithm"}' > "$tmp/bad.json"
"$to_case" --target model_fuzzer --rule CONTIG-C "$tmp/bad.json" > /dev/null 2>&1
[ $? -eq 1 ] || fail "an undecodable input should exit 1"
"$to_case" --target format_fuzzer --rule CONTIG-C "$tmp/recipe" > /dev/null 2>&1
[ $? -eq 2 ] || fail "format_fuzzer should be refused with exit 2"

# Every file written replays: without --rule there is no file (a replay file names its rule; an
# empty one is refused by replay), and the rule must be one of the catalogue. Exit 2, no output.
# expect_error ARGS... FRAGMENT: to_case ARGS exits 2, stderr holds FRAGMENT, nothing written.
expect_error() {
  local fragment="${*: -1}"
  rm -f "$tmp/none.json"
  "$to_case" "${@:1:$#-1}" > "$tmp/out.txt" 2> "$tmp/err.txt"
  local rc=$?
  [ "$rc" -eq 2 ] || fail "to_case ${*:1:$#-1}: exit $rc, expected 2"
  grep -qF -- "$fragment" "$tmp/err.txt" ||
    fail "to_case ${*:1:$#-1}: stderr lacks '$fragment': $(cat "$tmp/err.txt")"
  [ ! -s "$tmp/out.txt" ] && [ ! -e "$tmp/none.json" ] || fail "to_case ${*:1:$#-1} wrote a file"
}
expect_error --target differential_fuzzer "$tmp/recipe" "$tmp/none.json" "--rule RULE is required"
expect_error --target differential_fuzzer "$tmp/recipe" "--rule RULE is required"
expect_error --target differential_fuzzer --rule NO-SUCH-RULE "$tmp/recipe" "$tmp/none.json" \
  "--rule: 'NO-SUCH-RULE' is not a rule of the catalogue"
# Inputs that cannot be read name the path and why; /dev/zero stops at the limit (memory bounded:
# ulimit -v), never the end of memory.
expect_error --target model_fuzzer --rule CONTIG-C "$tmp" "$tmp/none.json" "cannot read $tmp: Is a directory"
expect_error --target model_fuzzer --rule CONTIG-C "$tmp/missing" \
  "cannot read $tmp/missing: No such file or directory"
(
  # ASan reserves terabytes of address space: an address-space limit cannot apply to its build.
  grep -q __asan_init "$to_case" || ulimit -v 2000000
  expect_error --target model_fuzzer --rule CONTIG-C /dev/zero "$tmp/none.json" \
    "/dev/zero is larger than the 268435456-byte (256 MiB) limit for replay files"
) || exit 1
echo PASS
