#!/usr/bin/env bash
# The survey's fast part (docs/ecosystem.md): judges every library of the survey that is
# installed here, all its objects in one run (profile quick), and fails when a rule's status or
# the objects that fail it, the number of objects or a reproducer's outcome differ from
# docs/ecosystem.json, on a failure no triage entry matches, and
# when docs/ecosystem.md (or docs/findings.md's section on third-party libraries) is not what
# docs/ecosystem.json gives. (The page's per-object verdicts, profile deep, are tools/survey's:
# about 8 minutes.) Libraries not installed are named and not checked
# (tools/setup.sh installs them all).
# Arguments: the bufconf binary, docs/ecosystem.json, docs/ecosystem.md, docs/findings.md
# (runfiles paths).
set -uo pipefail
here="$(dirname "$0")"
exec /usr/bin/python3 "$here/survey.py" --bufconf "$PWD/$1" --check "$PWD/$2" --page "$PWD/$3" \
  --findings "$PWD/$4"
