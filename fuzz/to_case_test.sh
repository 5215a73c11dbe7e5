#!/bin/bash
# to_case turns a fuzz input into a bufconf case file that `bufconf replay` runs.
set -u
to_case="$1"
bufconf="$2"
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp="${TEST_TMPDIR:-$(mktemp -d)}"

# A differential recipe input (order byte, recipe with two indirect dimensions, format text).
printf '\x01\x02\x03\x02\x03\x02\x00\x01\x00\x00\x01\x00\x01\x05\x03\x01\x02i' > "$tmp/recipe"
"$to_case" --target differential_fuzzer "$tmp/recipe" "$tmp/case.json" || fail "to_case failed"
grep -q '"bufconf_replay": 1' "$tmp/case.json" || fail "not a replay file"
grep -q '"kind": "algorithm"' "$tmp/case.json" || fail "not an algorithm case"
grep -q '"suboffsets"' "$tmp/case.json" || fail "the case lost its suboffsets"
"$to_case" --target differential_fuzzer --rule ALGO-TO-CONTIGUOUS "$tmp/recipe" "$tmp/rule.json" ||
  fail "to_case --rule failed"
grep -q '"rule": "ALGO-TO-CONTIGUOUS"' "$tmp/rule.json" || fail "--rule not recorded"
"$bufconf" replay "$tmp/rule.json" --adapter reference > "$tmp/replay.out" 2>&1 ||
  { cat "$tmp/replay.out"; fail "bufconf replay did not pass the case"; }

# A case file is itself an input of every case target: to_case writes it back unchanged.
"$to_case" --target model_fuzzer "$tmp/case.json" "$tmp/again.json" || fail "case file refused"
sed -i 's|"message": .*|"message": "",|' "$tmp/case.json" "$tmp/again.json"
cmp -s "$tmp/case.json" "$tmp/again.json" || fail "a case file did not round-trip"

# Errors: an input that is no case (exit 1), a target whose inputs are not cases (exit 2).
printf '{"kind": "algorithm"}' > "$tmp/bad.json"
"$to_case" --target model_fuzzer "$tmp/bad.json" > /dev/null 2>&1
[ $? -eq 1 ] || fail "an undecodable input should exit 1"
"$to_case" --target format_fuzzer "$tmp/recipe" > /dev/null 2>&1
[ $? -eq 2 ] || fail "format_fuzzer should be refused with exit 2"
echo PASS
