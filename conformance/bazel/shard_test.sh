#!/usr/bin/env bash
# bufconf run --shard INDEX/COUNT, and Bazel's TEST_TOTAL_SHARDS/TEST_SHARD_INDEX (conformance/
# cli/shard.h): the shards of a run partition its rules, each shard's reports list only its own
# and say so, a shard with no rule passes with a note, bad values are usage errors naming them.
#   shard_test.sh BUFCONF
set -uo pipefail

bufconf="$(realpath "$1")"
# This test is not sharded itself; nothing of Bazel's may shard the runs below unless asked.
unset TEST_TOTAL_SHARDS TEST_SHARD_INDEX TEST_SHARD_STATUS_FILE
work="$(mktemp -d "${TEST_TMPDIR:-/tmp}/shard_test.XXXXXX")"
cd "$work"
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# run NAME [options...]: a quick run of the reference adapter; NAME.json, NAME.xml, NAME.out.
run() {
  local name="$1"
  shift
  "$bufconf" run --adapter reference --examples 3 --quiet --failures-dir "failures-$name" \
    --json "$name.json" --junit "$name.xml" "$@" >"$name.out" 2>"$name.err"
}

run full
status=$?
[ "$status" = 0 ] || fail "the full run exits $status: $(cat full.err)"
for i in 0 1 2; do
  run "shard$i" --shard "$i/3"
  status=$?
  [ "$status" = 0 ] || fail "--shard $i/3 exits $status: $(cat "shard$i.err")"
done
# The same through Bazel's variables (and the status file touched), and --shard winning over them.
TEST_TOTAL_SHARDS=3 TEST_SHARD_INDEX=1 TEST_SHARD_STATUS_FILE="$work/status" run env1
status=$?
[ "$status" = 0 ] || fail "TEST_SHARD_INDEX=1 TEST_TOTAL_SHARDS=3 exits $status: $(cat env1.err)"
[ -e "$work/status" ] || fail "TEST_SHARD_STATUS_FILE was not touched"
TEST_TOTAL_SHARDS=3 TEST_SHARD_INDEX=1 run override --shard 2/3
status=$?
[ "$status" = 0 ] || fail "--shard 2/3 under TEST_SHARD_INDEX=1 exits $status"

/usr/bin/python3 - <<'PY' || failures=$((failures + 1))
import json, re, sys
import xml.etree.ElementTree as ET

problems = []
def load(name):
    j = json.load(open(name + ".json"))
    rules = [r["rule"] for r in j["results"]]
    cases = [c.get("name") for c in ET.parse(name + ".xml").getroot().iter("testcase")]
    if cases != rules:
        problems.append(f"{name}: the JUnit test cases {len(cases)} are not the JSON's rules {len(rules)}")
    return j, rules, {r["rule"]: r["status"] for r in j["results"]}

full, full_rules, full_status = load("full")
if "shard" in full:
    problems.append("an unsharded run has a 'shard' object")
if len(full_rules) < 30:
    problems.append(f"the full run lists only {len(full_rules)} rules")
seen = []
for i in range(3):
    j, rules, status = load(f"shard{i}")
    seen += rules
    shard = j.get("shard")
    want = {"index": i, "count": 3, "rules": len(rules), "of": len(full_rules), "source": "--shard"}
    if shard != want:
        problems.append(f"shard {i}: 'shard' is {shard}, expected {want}")
    if len(rules) not in (len(full_rules) // 3, (len(full_rules) + 2) // 3):
        problems.append(f"shard {i}: {len(rules)} rules of {len(full_rules)}: not a third")
    # The shard's rules are those at positions i, i+3, ... of the filter's rules in catalogue order.
    banner = open(f"shard{i}.out").read()
    line = f"shard {i}/3: {len(rules)} of {len(full_rules)} rules"
    if line not in banner:
        problems.append(f"shard {i}: the banner lacks {line!r}")
    for rule in rules:
        if status[rule] != full_status.get(rule):
            problems.append(f"shard {i}: {rule} is {status[rule]}, {full_status.get(rule)} in the full run")
    # No rule of another shard is printed, as pass, skip or anything else.
    table = [l.split()[0] for l in banner.splitlines() if re.match(r"[A-Z]+-[A-Z0-9-]+ ", l)]
    others = sorted(set(table) - set(rules))
    if others:
        problems.append(f"shard {i}: the table prints rules of other shards: {others[:5]}")
    t = j["totals"]
    if sum(t.values()) != len(rules):
        problems.append(f"shard {i}: totals {t} do not count its {len(rules)} rules")
if sorted(seen) != sorted(full_rules):
    missing = sorted(set(full_rules) - set(seen))
    twice = sorted({r for r in seen if seen.count(r) > 1})
    problems.append(f"the shards do not partition the rules: missing {missing}, twice {twice}")

j, rules, _ = load("env1")
_, rules1, _ = load("shard1")
if rules != rules1:
    problems.append("TEST_SHARD_INDEX=1 TEST_TOTAL_SHARDS=3 judges other rules than --shard 1/3")
if j.get("shard", {}).get("source") != "TEST_TOTAL_SHARDS/TEST_SHARD_INDEX":
    problems.append(f"the environment's shard says {j.get('shard')}")
if "shard 1/3:" not in open("env1.out").read() or "TEST_TOTAL_SHARDS" not in open("env1.out").read():
    problems.append("the banner of the environment's shard does not say it")
j, rules, _ = load("override")
_, rules2, _ = load("shard2")
if rules != rules2 or j["shard"]["source"] != "--shard":
    problems.append("--shard 2/3 does not win over TEST_SHARD_INDEX=1")
for p in problems:
    print("FAIL:", p)
print(f"{len(full_rules)} rules in 3 shards of {[len(load(f'shard{i}')[1]) for i in range(3)]}")
sys.exit(1 if problems else 0)
PY

# An expectation is applied by the shard that judges its rule; the other shards do not call it
# stale ("the rule is not in this run").
skipped="$(/usr/bin/python3 -c 'import json; print(next(r["rule"] for r in json.load(open("full.json"))["results"] if r["status"] == "skip"))')"
for i in 0 1 2; do
  grep -q "\"$skipped\"" "shard$i.json" && mine=$i
done
echo "$skipped  expected to fail (this test)" >expect
other=$(((mine + 1) % 3))
run expect-mine --shard "$mine/3" --expectations expect
run expect-other --shard "$other/3" --expectations expect
grep -q "expectation for $skipped not checked" expect-mine.json ||
  fail "shard $mine (which judges $skipped) does not warn that its expectation was not checked"
if grep -q "$skipped" expect-other.json expect-other.err; then
  fail "shard $other names $skipped, another shard's rule: $(grep -h "$skipped" expect-other.err)"
fi

# A shard with no rule (one rule, two shards): exit 0, the banner and the JSON say why.
run empty --filter 'CONTIG-C' --shard 1/2
status=$?
[ "$status" = 0 ] || fail "an empty shard exits $status: $(cat empty.err)"
grep -q "shard 1/2: 0 of 1 rules" empty.out || fail "the empty shard's banner: $(head -8 empty.out)"
grep -q "this shard has no rule" empty.out || fail "the empty shard's banner has no note"
grep -q '"note": "this shard has no rule' empty.json || fail "the empty shard's JSON has no note"
run nonempty --filter 'CONTIG-C' --shard 0/2
status=$?
[ "$status" = 0 ] || fail "the one-rule shard exits $status"
grep -q "shard 0/2: 1 of 1 rules" nonempty.out || fail "the one-rule shard's banner"

# Bad values: exit 2, naming the option (or the variables), before any work.
for bad in 3/3 0/0 -1/3 1 a/b 1/3/3 0/1000001 ' 1/3' 1.0/3; do
  out="$("$bufconf" run --adapter reference --shard "$bad" 2>&1)"
  status=$?
  [ "$status" = 2 ] || fail "--shard '$bad' exits $status, not 2"
  case "$out" in
    *"--shard: must be INDEX/COUNT"*"got '$bad'"*) ;;
    *) fail "--shard '$bad' says: $out" ;;
  esac
done
for bad in "TEST_TOTAL_SHARDS=0 TEST_SHARD_INDEX=0" "TEST_TOTAL_SHARDS=3 TEST_SHARD_INDEX=3" \
  "TEST_TOTAL_SHARDS=x TEST_SHARD_INDEX=0" "TEST_TOTAL_SHARDS=3"; do
  out="$(env $bad "$bufconf" run --adapter reference 2>&1)"
  status=$?
  [ "$status" = 2 ] || fail "$bad exits $status, not 2"
  case "$out" in
    *TEST_TOTAL_SHARDS*TEST_SHARD_INDEX*"are not a shard"*) ;;
    *) fail "$bad says: $out" ;;
  esac
done
out="$(TEST_TOTAL_SHARDS=2 TEST_SHARD_INDEX=0 TEST_SHARD_STATUS_FILE=/nonexistent/status \
  "$bufconf" run --adapter reference 2>&1)"
status=$?
[ "$status" = 2 ] || fail "an unwritable TEST_SHARD_STATUS_FILE exits $status, not 2"
case "$out" in
  *"TEST_SHARD_STATUS_FILE: cannot write '/nonexistent/status'"*) ;;
  *) fail "an unwritable TEST_SHARD_STATUS_FILE says: $out" ;;
esac

if ((failures)); then
  echo "$failures failure(s)"
  exit 1
fi
echo "PASS"
