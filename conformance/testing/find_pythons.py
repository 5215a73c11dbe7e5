#!/usr/bin/env python3
"""The Python interpreters a test runs under, one path per line, oldest first, one per binary:
the CPython builds found in pyenv's versions directories (/root/.pyenv/versions and
$HOME/.pyenv/versions: Bazel's HOME may not be the user's), within a version range.

  find_pythons.py [--debian] [--min 3.8] [--max 3.13] [--unsupported]

--debian      Debian's /usr/bin/python3 first, whatever the range (the default interpreter, on
              every machine; a fresh Debian 12 has only it).
--min, --max  the versions wanted (major.minor, inclusive).
--unsupported instead, the interpreters found that bufconf refuses (outside 3.8 to 3.13).

BUFCONF_TEST_PYTHONS, when set (even empty), replaces the search: exactly the interpreters it
names, separated by colons or whitespace, still within the range. Each interpreter is asked its
own version; one that does not answer is left out. Shared by every test that runs under several
interpreters, so that they all find, order and override the same way.
"""
import argparse
import glob
import os
import re
import subprocess
import sys

SUPPORTED = ((3, 8), (3, 13))


def version_of(python):
    try:
        out = subprocess.run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.fullmatch(r"(\d+)\.(\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else None


def candidates():
    if "BUFCONF_TEST_PYTHONS" in os.environ:
        return [p for p in re.split(r"[:\s]+", os.environ["BUFCONF_TEST_PYTHONS"]) if p]
    found = []
    for root in ["/root/.pyenv/versions",
                 os.path.join(os.environ.get("HOME", "/nonexistent"), ".pyenv/versions")]:
        for p in glob.glob(root + "/*/bin/python[23].*"):
            # python3.N only: not python3.N-config, python3.N-gdb.py or 3.6's python3.6m.
            if re.fullmatch(r"python[23]\.\d+", os.path.basename(p)) and os.access(p, os.X_OK):
                found.append(p)
    return found


def parse_version(text):
    m = re.fullmatch(r"(\d+)\.(\d+)", text)
    if not m:
        raise argparse.ArgumentTypeError("expected MAJOR.MINOR, got %r" % text)
    return (int(m.group(1)), int(m.group(2)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--debian", action="store_true")
    parser.add_argument("--min", type=parse_version, default=(0, 0))
    parser.add_argument("--max", type=parse_version, default=(99, 99))
    parser.add_argument("--unsupported", action="store_true")
    args = parser.parse_args()
    seen = set()
    out = []
    if args.debian and not args.unsupported and os.access("/usr/bin/python3", os.X_OK):
        out.append("/usr/bin/python3")
        seen.add(os.path.realpath("/usr/bin/python3"))
    found = []
    for p in candidates():
        real = os.path.realpath(p)
        if real in seen:
            continue
        seen.add(real)
        version = version_of(p)
        if version is None:
            continue
        supported = SUPPORTED[0] <= version <= SUPPORTED[1]
        if args.unsupported != (not supported):
            continue
        if not args.unsupported and not args.min <= version <= args.max:
            continue
        found.append((version, p))
    out += [p for _, p in sorted(found)]
    for p in out:
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
