#!/usr/bin/env bash
# Every reader of bufconf is bounded and every bad input is a clear error (issue 15): a file or
# line over its byte limit, /dev/zero, a directory, a missing file exit 2 with a message naming
# the input (and the limit), in bounded memory (each command runs under ulimit -v 2000000) and
# time; `check -` and `format -` name the line, answer the lines before it and never stop
# silently; a closed stdout pipe (SIGPIPE at its default, as in a shell) is exit 2 naming stdout,
# once, and ends the reading of stdin, never death by SIGPIPE (141).
set -uo pipefail
bufconf="$1"
case "$bufconf" in /*) ;; *) bufconf="$(pwd)/$bufconf" ;; esac
work="${TEST_TMPDIR:-$(mktemp -d)}/cli_bad_input"
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# expect STATUS FRAGMENT STDIN -- ARGS...: bufconf ARGS < STDIN, in at most 2 GB of address space
# and 60 s, exits STATUS with FRAGMENT in its stderr.
expect() {
  local status="$1" fragment="$2" input="$3"
  shift 4
  (
    ulimit -v 2000000
    timeout 60 "$bufconf" "$@" < "$input" > out.txt 2> err.txt
  )
  local rc=$?
  if [ "$rc" != "$status" ]; then
    fail "bufconf $* < $input: exit $rc, expected $status"
    head -c 600 err.txt
  elif [ -n "$fragment" ] && ! grep -qF -- "$fragment" err.txt; then
    fail "bufconf $* < $input: stderr lacks '$fragment':"
    head -c 600 err.txt
  fi
}

descriptor_limit="is larger than the 268435456-byte (256 MiB) limit for descriptors"
format_limit="is larger than the 262144-byte (256 KiB) limit for format lines"
mkdir -p a-directory
view='{"buf": "0x1000", "len": 4, "itemsize": 1, "ndim": 1, "format": "B", "shape": [4], "strides": [1]}'
printf '%s\n' "$view" > view.json

# --- /dev/zero: read up to the limit, then exit 2 naming it (was: bad_alloc and exit 3, or a
# silent exit 0 for `-`, or reading for minutes). ---
expect 2 "bufconf check: /dev/zero $descriptor_limit" /dev/null -- check /dev/zero
expect 2 "bufconf explain: /dev/zero $descriptor_limit" /dev/null -- explain /dev/zero
expect 2 "bufconf explain: stdin $descriptor_limit" /dev/zero -- explain -
expect 2 "bufconf check: stdin line 1 $descriptor_limit; the lines after it are not read" \
  /dev/zero -- check -
grep -qF "{\"input_error\":\"stdin line 1 $descriptor_limit\"}" out.txt ||
  fail "check - < /dev/zero: no input_error line: $(head -c 300 out.txt)"
expect 2 "bufconf format: stdin line 1 $format_limit; the lines after it are not read" \
  /dev/zero -- format -
grep -qF "{\"line\":1,\"input_error\":\"stdin line 1 $format_limit\"}" out.txt ||
  fail "format - < /dev/zero: no input_error line: $(head -c 300 out.txt)"

# --- No input at all (an empty stdin; a closed one is reopened on /dev/null) and a read error:
# exit 2 naming stdin (was: exit 0 and no output, a broken producer looked green). ---
expect 2 "bufconf check: stdin: no input" /dev/null -- check -
grep -qF '{"input_error":"stdin: no input"}' out.txt || fail "check - < /dev/null: $(cat out.txt)"
expect 2 "bufconf format: stdin: no input" /dev/null -- format -
grep -qF '{"input_error":"stdin: no input"}' out.txt || fail "format - < /dev/null: $(cat out.txt)"
for command in check format; do
  rc=0
  "$bufconf" "$command" - 0> write-only.txt > out.txt 2> err.txt || rc=$?
  [ "$rc" = 2 ] && grep -qF "bufconf $command: cannot read stdin: Bad file descriptor" err.txt ||
    fail "$command - on a write-only stdin: exit $rc, $(head -c 300 err.txt)"
done

# --- Not JSON: the reason and where, its bytes outside printable ASCII as \xNN (nlohmann quotes
# what it read, which may be no UTF-8: the input_error line must still be JSON, not exit 3). ---
printf '{"buf":"\xff\xfe"}\n' > bad-utf8.jsonl
expect 2 "(byte 8), in field buf" bad-utf8.jsonl -- check -
grep -qF "last read: '\\\"\\\\xff' (byte 8)" out.txt || fail "check - bad UTF-8: $(cat out.txt)"
printf '"\xff"\n' > bad-utf8-format.jsonl
expect 2 "line is not valid JSON: parse error" bad-utf8-format.jsonl -- format -
grep -qF '"input_error":"line is not valid JSON' out.txt || fail "format - bad UTF-8: $(cat out.txt)"

# --- Directories and missing files: exit 2 naming the path and why. ---
expect 2 "bufconf check: cannot read a-directory: Is a directory" /dev/null -- check a-directory
expect 2 "bufconf explain: cannot read a-directory: Is a directory" /dev/null -- explain a-directory
expect 2 "bufconf check: cannot read stdin: Is a directory" a-directory -- check -
expect 2 "bufconf format: cannot read stdin: Is a directory" a-directory -- format -
expect 2 "bufconf explain: cannot read stdin: Is a directory" a-directory -- explain -
expect 2 "bufconf check: cannot read missing.json: No such file or directory" /dev/null \
  -- check missing.json

# --- A line over the limit among good lines: the lines before it are answered, the line is named
# (stderr and an input_error line), the reading stops there, exit 2. ---
/usr/bin/python3 - <<'EOF'
import json
view = '{"buf": "0x1000", "len": 4, "itemsize": 1, "ndim": 1, "format": "B", "shape": [4], "strides": [1]}'
with open("formats.txt", "w") as f:
    f.write('"i"\n\n"' + "x" * (1 << 18) + '"\n"h"\n')
with open("formats-at-limit.txt", "w") as f:  # a line and its newline of exactly 256 KiB
    f.write('"i"\n"T{i:' + "a" * ((1 << 18) - 9) + ':}"\n"h"')
EOF
expect 2 "bufconf format: stdin line 3 $format_limit; the lines after it are not read" \
  formats.txt -- format -
[ "$(wc -l < out.txt)" = 2 ] && head -1 out.txt | grep -q '"canonical":"i"' &&
  tail -1 out.txt | grep -qF "{\"line\":3,\"input_error\":\"stdin line 3 $format_limit\"}" ||
  fail "format - with a line over the limit: $(cut -c1-200 out.txt)"
# A line of exactly the limit is read (the last line needs no newline).
expect 0 "" formats-at-limit.txt -- format -
[ "$(wc -l < out.txt)" = 3 ] && tail -1 out.txt | grep -q '"canonical":"h"' ||
  fail "format - with a line of the limit: $(cut -c1-200 out.txt)"
# (Streamed, not a file of 256 MiB.)
expect 2 "bufconf check: stdin line 2 $descriptor_limit" \
  <(/usr/bin/python3 -c '
import sys
view = sys.argv[1] + "\n"
sys.stdout.write(view)
for _ in range(1 << 10):
    sys.stdout.write(" " * (1 << 18))
sys.stdout.write(view + view)' "$view") -- check -
[ "$(wc -l < out.txt)" = 2 ] && head -1 out.txt | grep -q '"valid":true' ||
  fail "check - with a line over the limit: $(cut -c1-200 out.txt)"

# --- A file over the limit (a regular file: measured, not read). ---
truncate -s $(((1 << 28) + 1)) big.json
expect 2 "bufconf check: big.json $descriptor_limit" /dev/null -- check big.json
expect 2 "bufconf explain: big.json $descriptor_limit" /dev/null -- explain big.json
rm -f big.json

# --- Expectations files: missing, a directory, /dev/zero, over 16 MiB: exit 2 naming the path,
# before the run (was: a directory silently meant no expectations; /dev/zero std::bad_alloc). ---
run=(run --adapter reference --filter CONTIG-C --examples 5 --quiet)
expect 2 "bufconf run: missing.txt: cannot read the expectations file: No such file or directory" \
  /dev/null -- "${run[@]}" --expectations missing.txt
expect 2 "bufconf run: a-directory: cannot read the expectations file: Is a directory" \
  /dev/null -- "${run[@]}" --expectations a-directory
expect 2 "bufconf run: /dev/zero: the expectations file is larger than the 16777216-byte (16 MiB) limit for expectations files" \
  /dev/null -- "${run[@]}" --expectations /dev/zero
truncate -s $(((1 << 24) + 1)) big-expectations.txt
expect 2 "bufconf run: big-expectations.txt: the expectations file is larger than the 16777216-byte" \
  /dev/null -- "${run[@]}" --expectations big-expectations.txt
rm -f big-expectations.txt
grep -q "CONTIG-C" out.txt && fail "run with a bad --expectations printed a scorecard"
printf 'CONTIG-C  a reason\n' > expectations.txt
expect 1 "" /dev/null -- "${run[@]}" --expectations expectations.txt
grep -q "1 xpass" out.txt || fail "a good --expectations: no xpass: $(cat out.txt)"

# --- A reader that stops reading (| head): exit 2 with one 'cannot write stdout: Broken pipe',
# and the endless input is not read to its end (timeout); never SIGPIPE (141). ---
sigpipe() {  # NAME LINE ARGS...: yes LINE | bufconf ARGS | head -1
  local name="$1" line="$2"
  shift 2
  yes "$line" | timeout 60 "$bufconf" "$@" 2> err.txt | head -1 > out.txt
  local statuses=("${PIPESTATUS[@]}")
  if [ "${statuses[1]}" != 2 ] || [ "$(grep -c . err.txt)" != 1 ] ||
    ! grep -qx "bufconf: cannot write stdout: Broken pipe" err.txt; then
    fail "$name | head -1: exit ${statuses[1]} (expected 2), stderr: $(head -c 300 err.txt)"
  fi
  [ -s out.txt ] || fail "$name | head -1: head got nothing"
}
sigpipe "format -" '"i"' format -
sigpipe "check -" "$view" check -
# Whatever the timing, `rules | head -1` exits 0 (all written before head closed) or 2 naming
# stdout, never 141.
for i in 1 2 3 4 5; do
  "$bufconf" rules 2> err.txt | head -1 > /dev/null
  rc="${PIPESTATUS[0]}"
  if [ "$rc" != 0 ] && { [ "$rc" != 2 ] || ! grep -qF "cannot write stdout" err.txt; }; then
    fail "rules | head -1: exit $rc: $(cat err.txt)"
  fi
done
# A run whose stdout pipe is closed still finishes and writes its report files, then exits 2.
/usr/bin/python3 - "$bufconf" <<'EOF' || fail "run with a closed stdout pipe"
import json, os, signal, subprocess, sys
signal.signal(signal.SIGPIPE, signal.SIG_DFL)
r, w = os.pipe()
os.close(r)
p = subprocess.run([sys.argv[1], "run", "--adapter", "reference", "--filter", "CONTIG-C",
                    "--examples", "5", "--json", "score.json"], stdout=w, stderr=subprocess.PIPE)
err = p.stderr.decode()
assert p.returncode == 2, (p.returncode, err)
assert err.count("cannot write stdout: Broken pipe") == 1, err
assert json.load(open("score.json"))["totals"]["pass"] == 1
EOF

# --- Streams answer each line as it comes (a coprocess reads the answer before it writes the
# next line), not when the buffer fills. ---
/usr/bin/python3 - "$bufconf" "$view" <<'EOF' || fail "check - / format - do not answer line by line"
import select, subprocess, sys
for args, line in ((["check", "-"], sys.argv[2]), (["format", "-"], '"i"')):
    p = subprocess.Popen([sys.argv[1]] + args, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    for _ in range(2):
        p.stdin.write(line.encode() + b"\n")
        p.stdin.flush()
        ready, _, _ = select.select([p.stdout], [], [], 30)
        assert ready, f"{args}: no answer to a line within 30 s"
        assert p.stdout.readline().startswith(b"{"), args
    p.stdin.close()
    assert p.wait(30) == 0, args
EOF

if [ "$failures" != 0 ]; then
  echo "$failures failures"
  exit 1
fi
echo "bad input: exit 2 naming the input and the limit, in bounded memory; | head: exit 2 once"
