#!/usr/bin/env bash
# `bufconf replay FILE --adapter reference` on every bad replay file of
# conformance/testdata/bad_replay/: exit status 2 and the error fragment expected_errors.txt lists
# for the file, never "reproduced" or "not reproduced". Then a valid file: "not reproduced", 0.
set -u
bufconf="$(pwd)/$1"
dir="$(pwd)/$2"
cd "${TEST_TMPDIR:-/tmp}"
failed=0
checked=0
while IFS=$'\t' read -r file fragment; do
  case "$file" in "#"* | "") continue ;; esac
  out="$("$bufconf" replay "$dir/$file" --adapter reference 2>&1)"
  rc=$?
  checked=$((checked + 1))
  if [ "$rc" != 2 ] || ! grep -qF -- "$fragment" <<<"$out" || grep -q "reproduced" <<<"$out"; then
    echo "FAIL: $file: exit $rc, expected 2 with '$fragment'; output:"
    echo "$out"
    failed=1
  fi
done <"$dir/expected_errors.txt"
[ "$checked" -gt 40 ] || { echo "FAIL: only $checked files checked"; failed=1; }

cat >good.json <<'JSON'
{"bufconf_replay": 1, "rule": "REQ-GRANT", "adapter": "reference", "seed": 1,
 "timeout_seconds": 20, "message": "m", "expect": "finding",
 "case": {"kind": "exporter", "flags": 284, "spec": {"format": "<h", "itemsize": 2, "shape": [2],
 "items": "01020304", "fortran": false, "readonly": false, "steps": null, "indirect": null}}}
JSON
out="$("$bufconf" replay good.json 2>&1)"
rc=$?
if [ "$rc" != 0 ] || ! grep -q "^not reproduced$" <<<"$out"; then
  echo "FAIL: a valid file: exit $rc, expected 0 and 'not reproduced'; output:"
  echo "$out"
  failed=1
fi
[ "$failed" = 0 ] && echo "$checked bad replay files: exit 2 with the expected error"
exit "$failed"
