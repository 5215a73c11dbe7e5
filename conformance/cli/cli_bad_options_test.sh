#!/usr/bin/env bash
# `bufconf run` and `bufconf zoo` are strict about numeric options and honest about their outputs:
# a bad value or an output that cannot be written exits 2 with a message naming the option or the
# path ("stdout"), and an unwritable report path or failures directory is found before the run
# (nothing printed). Good options still work. Every subcommand exits 2 when stdout cannot be
# written. (Tests may run as root: unwritable paths are under a regular file, /dev/null/x, or in
# /proc, and /dev/full.)
set -uo pipefail
bufconf="$1"
case "$bufconf" in /*) ;; *) bufconf="$(pwd)/$bufconf" ;; esac
work="${TEST_TMPDIR:-$(mktemp -d)}/cli_bad_options"
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# Fast runs: the oracle on one rule, few cases; the zoo on one entry that is caught at once.
run_base=(run --adapter reference --filter CONTIG-C --quiet)
zoo_base=(zoo --only fill-strides-a-as-f --quiet)
run=("${run_base[@]}" --examples 5)
zoo=("${zoo_base[@]}" --examples 5)

# expect STATUS FRAGMENT [--no-stdout] -- ARGS...: bufconf ARGS exits STATUS and its stderr holds
# FRAGMENT; with --no-stdout, it printed nothing (it stopped before the run).
expect() {
  local status="$1" fragment="$2" no_stdout=0
  shift 2
  if [ "$1" = --no-stdout ]; then
    no_stdout=1
    shift
  fi
  shift  # --
  "$bufconf" "$@" > out.txt 2> err.txt
  local rc=$?
  if [ "$rc" != "$status" ]; then
    fail "bufconf $*: exit $rc, expected $status"
    head -5 err.txt
  elif ! grep -qF -- "$fragment" err.txt; then
    fail "bufconf $*: stderr lacks '$fragment':"
    head -5 err.txt
  elif [ "$no_stdout" = 1 ] && [ -s out.txt ]; then
    fail "bufconf $*: printed a scorecard before failing (the check must come before the run)"
  fi
}

# --- Numeric options: exit 2 naming the option and the range. ---
for cmd in run zoo; do
  if [ "$cmd" = run ]; then base=("${run[@]}"); else base=("${zoo[@]}"); fi
  if [ "$cmd" = run ]; then no_examples=("${run_base[@]}"); else no_examples=("${zoo_base[@]}"); fi
  for bad in 0 -5 4294967296 10000001 2147483648 abc 1.5; do
    expect 2 "--examples: must be a whole number of cases per rule from 1 to 10000000" \
      -- "${no_examples[@]}" --examples "$bad"
  done
  for bad in 0 -1 nan inf 86401 1e999 abc; do
    expect 2 "--timeout: must be a number of seconds from 0.001 to 86400" \
      -- "${base[@]}" --timeout "$bad"
  done
  for bad in -1 abc 1.5 18446744073709551616; do
    expect 2 "--seed: must be a whole number from 0 to 18446744073709551615" \
      -- "${base[@]}" --seed "$bad"
  done
done
for bad in 0 1001; do
  expect 2 "--seeds" -- "${zoo[@]}" --seeds "$bad"
done
expect 2 "the last seed would pass 18446744073709551615" \
  -- "${zoo[@]}" --seed 18446744073709551615 --seeds 2
expect 2 "no entry matches 'no-such-entry'" --no-stdout \
  -- zoo --only no-such-entry --json unmatched.json
[ ! -e unmatched.json ] || fail "zoo --only no-such-entry created its --json file"

# An unknown subcommand is named (CLI11 alone says only "A subcommand is required").
expect 2 "bufconf: unknown subcommand 'frobnicate' (one of format, check, explain, rules, run" \
  -- frobnicate
expect 2 "A subcommand is required" -- --quiet

# --- Outputs that cannot be opened: exit 2 before the run, naming the option and the path. ---
mkdir -p a-directory
for option in --json --junit --html; do
  expect 2 "$option: cannot write a-directory" --no-stdout -- "${run[@]}" "$option" a-directory
  expect 2 "$option: cannot write /dev/null/x" --no-stdout -- "${run[@]}" "$option" /dev/null/x
  expect 2 "$option: cannot write /proc/no-such-dir/x" --no-stdout \
    -- "${run[@]}" "$option" /proc/no-such-dir/x
done
expect 2 "--json: cannot write a-directory" --no-stdout -- "${zoo[@]}" --json a-directory
expect 2 "--json: cannot write /dev/null/x" --no-stdout -- "${zoo[@]}" --json /dev/null/x
for dir in /dev/null/x /dev/null /proc/bufconf-failures; do
  expect 2 "--failures-dir: cannot write files in $dir" --no-stdout \
    -- "${run[@]}" --failures-dir "$dir"
  expect 2 "--failures-dir: cannot write files in $dir" --no-stdout \
    -- "${zoo[@]}" --failures-dir "$dir"
done

# --- Writes that fail (/dev/full opens, then every write fails): exit 2 naming the path. ---
for option in --json --junit --html; do
  expect 2 "$option: cannot write /dev/full" -- "${run[@]}" "$option" /dev/full
done
expect 2 "--json: cannot write /dev/full" -- "${zoo[@]}" --json /dev/full

# --- stdout that cannot be written: exit 2 naming stdout, for every subcommand. ---
stdout_full() {  # ARGS...: bufconf ARGS > /dev/full exits 2 naming stdout
  "$bufconf" "$@" > /dev/full 2> err.txt
  local rc=$?
  if [ "$rc" != 2 ] || ! grep -qF "cannot write stdout" err.txt; then
    fail "bufconf $* > /dev/full: exit $rc, expected 2 and 'cannot write stdout'"
    head -5 err.txt
  fi
}
stdout_full "${run[@]}"
stdout_full "${zoo[@]}"
stdout_full rules
stdout_full rules --json
stdout_full format i
printf '{"buf": "0x1000", "len": 4, "itemsize": 1, "readonly": 1, "ndim": 1, "format": "B", "shape": [4], "strides": [1], "suboffsets": null}\n' > view.json
stdout_full check view.json
stdout_full explain view.json
# A closed pipe with SIGPIPE ignored (as under some CI runners): EPIPE, exit 2.
for args in "run --adapter reference --filter CONTIG-C --examples 5 --quiet" "rules"; do
  /usr/bin/python3 - "$bufconf" $args <<'EOF' > epipe.txt 2>&1 || fail "EPIPE: bufconf $args: $(cat epipe.txt)"
import os, signal, subprocess, sys
signal.signal(signal.SIGPIPE, signal.SIG_IGN)
r, w = os.pipe()
os.close(r)  # no reader: every write to stdout fails with EPIPE
p = subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.PIPE, restore_signals=False)
err = p.stderr.decode()
assert p.returncode == 2 and "cannot write stdout" in err, (p.returncode, err)
EOF
done

# --- run --env NAME: replay's rule for a name (not empty, no '='; no control character), exit 2. ---
for bad in A=B '' $'A\nB'; do
  expect 2 "--env: not an environment variable's name" --no-stdout -- "${run[@]}" --env "$bad"
done

# --- Closed standard descriptors (>&- 2>&- <&-): no hang (a pipe of the runner landed on fd 1),
# and a closed stdout is an output that cannot be written: exit 2 naming stdout. ---
closed_stdout() {  # ARGS...: bufconf ARGS >&- <&- exits 2 naming stdout, within 60 s
  timeout 60 "$bufconf" "$@" >&- <&- 2> err.txt
  local rc=$?
  if [ "$rc" != 2 ] || ! grep -qF "cannot write stdout: Bad file descriptor" err.txt; then
    fail "bufconf $* >&- <&-: exit $rc, expected 2 and 'cannot write stdout: Bad file descriptor'"
    head -5 err.txt
  fi
}
closed_stdout run --adapter reference --filter REQ-GRANT --examples 1
closed_stdout "${zoo[@]}"
closed_stdout rules
timeout 60 "$bufconf" run --adapter reference --filter REQ-GRANT --examples 1 --json closed.json \
  >&- 2>&- <&-
rc=$?
[ "$rc" = 2 ] || fail "bufconf run >&- 2>&- <&-: exit $rc, expected 2 (124: it hung)"
/usr/bin/python3 -c "import json; json.load(open('closed.json'))" \
  || fail "bufconf run >&- 2>&- <&-: --json not written"

# --- Good options still work. ---
echo "not json: a previous report, longer than the one that replaces it ${RANDOM}$(printf '%*s' 200000 '')" > score.json
if "$bufconf" "${run[@]}" --seed 18446744073709551615 --timeout 86400 --env BUFCONF_TEST_ENV \
  --json score.json --junit junit.xml --html score.html --failures-dir new/failures \
  > out.txt 2> err.txt; then
  grep -q "1 pass, 0 fail" out.txt || fail "good run: no '1 pass, 0 fail' in $(cat out.txt)"
  /usr/bin/python3 -c "import json; d = json.load(open('score.json')); assert d['totals']['pass'] == 1, d['totals']" \
    || fail "good run: score.json is not the new scorecard"
  /usr/bin/python3 -c "import xml.dom.minidom; xml.dom.minidom.parse('junit.xml')" \
    || fail "good run: junit.xml"
  grep -q "</html>" score.html || fail "good run: score.html"
  [ ! -e new ] || fail "good run: a run without failures created --failures-dir"
else
  fail "good run: exit $?"
  cat err.txt
fi
if "$bufconf" "${zoo[@]}" --seed 7 --seeds 2 --timeout 5 --json zoo.json \
  --failures-dir zoo-failures > out.txt 2> err.txt; then
  /usr/bin/python3 -c "import json; d = json.load(open('zoo.json')); assert d['caught_all'] == 1 and d['exit_status'] == 0, d" \
    || fail "good zoo: zoo.json"
else
  fail "good zoo: exit $?"
  cat err.txt
fi
# The write checks leave nothing behind.
if ls -A . zoo-failures | grep -q bufconf-write-check; then
  fail "a write check left a file behind"
fi

if [ "$failures" != 0 ]; then
  echo "$failures failures"
  exit 1
fi
echo "bad options and outputs: exit 2 with the option or path named; good ones work"
