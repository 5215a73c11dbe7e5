#!/usr/bin/python3
"""Runs the command blocks of README.md and docs/guide/*.md, doctest style (//docs:doctest).

House rule: figures in docs come from commands that a test runs, or they do not appear.

A fenced block is run or checked only when an HTML comment (invisible on GitHub) marks it, on the
line just before its opening fence:

  <!-- doctest: run -->              run this ```sh block with bash; it must exit 0
  <!-- doctest: run exit=1 -->       ... it must exit 1
  <!-- doctest: run setup="CMD" -->  ... with CMD run first: a precondition the prose states
                                     (e.g. a file the reader has copied)
  <!-- doctest: output -->           this block is the expected stdout of the last `run` block
  <!-- doctest: file=PATH -->        write this block to PATH (relative to the session's
                                     directory): a file the next blocks use (add `mode=755`)
  <!-- doctest: skip: REASON -->     a command block deliberately not run, with the reason

A block marker anywhere else (after a blank line, say) marks nothing, and is an error.

Expected output is matched line by line, trailing blanks ignored: a line `...` matches any number
of lines (none included), `...` inside a line any text. Anything else is literal.

A figure quoted in prose is checked with, in the same paragraph (the same run of non-blank lines):

  <!-- doctest: figure "TEXT" from: CMD -->

TEXT must occur in the paragraph (blanks and line breaks count as one space), and in the stdout of
CMD, run in the checkout.

Every figure of the kinds the docs quote from real output (`N pass`, `N fail`, `N skip`,
`N blocked`, `N xfail`, `N xpass`, `ABI version N`) must be in a checked output block or in a
paragraph with a figure marker: anywhere else is an error.

Each file is one session, in the order of its blocks: a fresh scratch directory as the working
directory (kept from block to block, so a block may `cd`), HOME a scratch home in which
`~/bufconf` is a bufconf checkout, `bufconf` on PATH. README.md starts in the checkout itself
(its commands say `tools/bufconf`). The checkout holds the files the docs use (the adapter
header, the example exporter and adapter) and two stand-ins, said in the log: `tools/bufconf`
runs the //:bufconf under test (not a `bazel build -c opt`), `tools/setup.sh` does nothing (the
test machine has the packages). In a block, `<bufconf>` (the docs' name for the checkout) is the
checkout's path. Nothing else is rewritten.

Output: one line per block (RUN, CHECKED, FILE, SKIP with its reason, a failure for an unmarked
command block), and the differences of each failure. Exit status 1 on any failure.

    /usr/bin/python3 docs/doctest.py BUFCONF_BINARY [--root DIR] FILE.md...
"""
import argparse
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import time

COMMAND_LANGS = {"sh", "bash", "shell", "console"}
MARKER = re.compile(r"<!--\s*doctest:\s*(.*?)\s*-->", re.S)
FIGURES = re.compile(r"\b\d[\d,]*\s+(?:pass|fail|skip|blocked|xfail|xpass)\b|\bABI\s+version\s+\d+")
# Files of the checkout the docs' commands use, relative to the root.
CHECKOUT_FILES = [
    "conformance/adapter/bufconf_adapter.h",
    "conformance/adapter/examples/minimal_adapter.c",
    "examples/exporter/bufconf_example.c",
    "examples/exporter/factory.py",
]
BLOCK_TIMEOUT = 300


class Block:
    def __init__(self, path, line, lang, body, marker):
        self.path, self.line, self.lang, self.body, self.marker = path, line, lang, body, marker

    def where(self):
        return "%s:%d" % (self.path, self.line)


def parse(path, text):
    """The fenced blocks of a markdown file, each with the marker just before it (or None), and
    the markers and figures of the prose, by paragraph."""
    lines = text.split("\n")
    blocks, prose = [], []  # prose: (line number, paragraph text)
    i, para, para_start = 0, [], 0
    while i < len(lines):
        m = re.match(r"^(\s*)(```+|~~~+)\s*([\w+-]*)", lines[i])
        if m:
            if para:
                prose.append((para_start, "\n".join(para)))
                para = []
            fence, lang, start = m.group(2), m.group(3), i
            marker = None
            j = i - 1
            if j >= 0 and MARKER.search(lines[j]) and lines[j].strip().startswith("<!--"):
                marker = MARKER.search(lines[j]).group(1)
            body = []
            i += 1
            while i < len(lines) and not lines[i].strip().startswith(fence):
                body.append(lines[i][len(m.group(1)):] if lines[i].startswith(m.group(1)) else lines[i])
                i += 1
            blocks.append(Block(path, start + 1, lang, "\n".join(body) + "\n", marker))
            i += 1
            continue
        if lines[i].strip():
            if not para:
                para_start = i + 1
            para.append(lines[i])
        elif para:
            prose.append((para_start, "\n".join(para)))
            para = []
        i += 1
    if para:
        prose.append((para_start, "\n".join(para)))
    return blocks, prose


def match(expected, actual):
    """Whether actual matches the expected text (`...` wildcards); the regex used."""
    parts = []
    for line in expected.rstrip("\n").split("\n"):
        line = line.rstrip()
        if line.strip() == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*".join(re.escape(p) for p in line.split("...")) + r"[ \t]*\n")
    actual = "\n".join(l.rstrip() for l in actual.rstrip("\n").split("\n")) + "\n"
    return re.fullmatch("".join(parts), actual) is not None


def first_difference(expected, actual):
    """A readable hint: the first expected line (not `...`) missing from the output."""
    out = [l.rstrip() for l in actual.split("\n")]
    for line in expected.rstrip("\n").split("\n"):
        line = line.rstrip()
        if line.strip() == "...":
            continue
        rx = re.compile("^" + ".*".join(re.escape(p) for p in line.split("...")) + "$")
        if not any(rx.match(l) for l in out):
            return "expected line not in the output: %r" % line
    return "every expected line occurs, but not in this order or with other lines between"


class Session:
    """One markdown file's run: scratch directories, environment, working directory."""

    def __init__(self, base, checkout, bindir, start_in_checkout):
        self.home = tempfile.mkdtemp(prefix="home-", dir=base)
        os.symlink(checkout, os.path.join(self.home, "bufconf"))
        self.tmp = tempfile.mkdtemp(prefix="tmp-", dir=base)
        self.cwd = checkout if start_in_checkout else tempfile.mkdtemp(prefix="work-", dir=base)
        self.checkout = checkout
        self.env = {
            "HOME": self.home,
            "TMPDIR": self.tmp,
            "PATH": bindir + ":/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "BUFCONF_DOCTEST": "1",
        }
        self.last_stdout = None

    def run(self, script, cwd=None):
        """Runs script with bash in the session (in its working directory, or cwd: then the
        session's stays as it was); returns (status, stdout, stderr, seconds)."""
        script = script.replace("<bufconf>", self.checkout)
        state = os.path.join(self.tmp, ".doctest-cwd")
        wrapped = "trap 'pwd > %s' EXIT\n%s" % (shlex.quote(state), script)
        t = time.monotonic()
        try:
            p = subprocess.run(["/bin/bash", "-c", wrapped], cwd=cwd or self.cwd, env=self.env,
                               stdin=subprocess.DEVNULL, capture_output=True, timeout=BLOCK_TIMEOUT)
            status, out, err = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            status, out, err = "timeout", e.stdout or b"", (e.stderr or b"") + b"\n[timed out]"
        seconds = time.monotonic() - t
        keep = cwd is not None
        if os.path.exists(state):
            with open(state) as f:
                cwd = f.read().strip()
            if os.path.isdir(cwd) and not keep:
                self.cwd = cwd
            os.unlink(state)
        return status, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), seconds


def make_checkout(base, root, bufconf):
    """A bufconf checkout for the docs' commands: the files they use, and the two stand-ins."""
    checkout = os.path.join(base, "bufconf")
    for rel in CHECKOUT_FILES:
        os.makedirs(os.path.dirname(os.path.join(checkout, rel)), exist_ok=True)
        shutil.copy(os.path.join(root, rel), os.path.join(checkout, rel))
    os.makedirs(os.path.join(checkout, "tools"))
    scripts = {
        "tools/bufconf": "#!/bin/sh\n# doctest stand-in: the //:bufconf under test\nexec %s \"$@\"\n"
                         % shlex.quote(bufconf),
        "tools/setup.sh": "#!/bin/sh\n# doctest stand-in: the packages are installed\nexit 0\n",
    }
    for rel, text in scripts.items():
        path = os.path.join(checkout, rel)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o755)
    bindir = os.path.join(base, "bin")
    os.makedirs(bindir)
    os.symlink(bufconf, os.path.join(bindir, "bufconf"))
    return checkout, bindir


def marker_words(marker):
    """`run exit=1` -> ('run', {'exit': '1'}); `skip: WHY` -> ('skip', {'arg': WHY})."""
    m = re.match(r"^([\w-]+)\s*:\s*(.*)$", marker, re.S)
    if m and m.group(1) == "skip":
        return m.group(1), {"arg": m.group(2).strip()}
    words = shlex.split(marker)
    kind, opts = (words[0] if words else ""), {}
    if "=" in kind:
        kind, words = "file", words
    else:
        words = words[1:]
    for w in words:
        k, _, v = w.partition("=")
        opts[k] = v
    return kind, opts


def check_file(path, text, checkout, bindir, base, failures):
    rel = os.path.relpath(path)
    blocks, prose = parse(rel, text)
    session = Session(base, checkout, bindir, os.path.basename(path) == "README.md"
                      and os.path.basename(os.path.dirname(os.path.abspath(path))) != "guide")
    checked_figure_lines = set()

    def fail(block_or_where, message, detail=""):
        where = block_or_where if isinstance(block_or_where, str) else block_or_where.where()
        failures.append(where)
        print("FAIL %s: %s" % (where, message))
        if detail:
            print("\n".join("    " + l for l in detail.rstrip("\n").split("\n")))

    def check_output(block, status_out, label):
        out = status_out
        if out is None:
            fail(block, "an output block with no `run` block before it")
            return
        if match(block.body, out):
            print("CHECKED %s: %s" % (block.where(), label))
        else:
            fail(block, "the output does not match (%s): %s" % (label, first_difference(block.body, out)),
                 "--- expected\n" + block.body + "--- actual (stdout)\n" + out)

    for block in blocks:
        if block.marker is None:
            if block.lang in COMMAND_LANGS:
                # A command block must say whether it runs: run, or skip with the reason.
                fail(block, "an unmarked ```%s block (mark it run, or skip: REASON): %s"
                     % (block.lang, block.body.strip().split("\n")[0][:80]))
            figures = FIGURES.findall(block.body)
            if figures:
                fail(block, "figures in a block nothing checks: %s" % ", ".join(figures))
            continue
        kind, opts = marker_words(block.marker)
        if kind == "run":
            if "setup" in opts:
                status, out, err, _ = session.run(opts["setup"])
                if status != 0:
                    fail(block, "its setup `%s` exited %s" % (opts["setup"], status), "--- stderr\n" + err)
                    continue
                print("SETUP %s: %s" % (block.where(), opts["setup"]))
            status, out, err, seconds = session.run(block.body)
            want = int(opts.get("exit", "0"))
            session.last_stdout = out
            first = block.body.strip().split("\n")[0][:70]
            if status != want:
                fail(block, "exit status %s, expected %d (%s)" % (status, want, first),
                     "--- stdout\n" + out + "--- stderr\n" + err)
            else:
                print("RUN %s: exit %d, %.1f s: %s" % (block.where(), want, seconds, first))
        elif kind == "output":
            check_output(block, session.last_stdout, "output of the run block before it")
        elif kind == "file":
            target = os.path.join(session.cwd, opts["file"])
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "w") as f:
                f.write(block.body)
            if "mode" in opts:
                os.chmod(target, int(opts["mode"], 8))
            print("FILE %s: written to %s" % (block.where(), opts["file"]))
        elif kind == "skip":
            if not opts["arg"]:
                fail(block, "a skip marker without a reason")
            else:
                print("SKIP %s: %s" % (block.where(), opts["arg"]))
            figures = FIGURES.findall(block.body)
            if figures:
                fail(block, "figures in a block nothing checks: %s" % ", ".join(figures))
        else:
            fail(block, "unknown doctest marker %r" % block.marker)

    # A block marker must be on the line just before a fence, or it marks nothing.
    lines = text.split("\n")
    for i, line in enumerate(lines):
        for m in MARKER.findall(line):
            if not m.startswith("figure") and not (
                    line.strip().startswith("<!--") and i + 1 < len(lines)
                    and re.match(r"^\s*(```|~~~)", lines[i + 1])):
                fail("%s:%d" % (rel, i + 1), "doctest marker %r is not on the line before a fenced "
                     "block: it marks nothing" % m)

    # Figures in prose: each needs a figure marker in its paragraph.
    for line, para in prose:
        fig_markers = []
        for m in MARKER.findall(para):
            fm = re.match(r'^figure\s+"([^"]+)"\s+from:\s*(.+)$', m, re.S)
            if fm:
                fig_markers.append((fm.group(1), fm.group(2).strip()))
            elif m.split()[0] not in ("run", "output", "skip:") and not m.startswith("file="):
                fail("%s:%d" % (rel, line), "unknown doctest marker %r" % m)
        visible = re.sub(r"\s+", " ", MARKER.sub("", para))  # a figure may wrap
        checked = set()
        for text_, cmd in fig_markers:
            where = "%s:%d" % (rel, line)
            if text_ not in visible:
                fail(where, 'figure "%s": not in its paragraph' % text_)
                continue
            status, out, err, _ = session.run(cmd, cwd=checkout)
            if text_ in out:
                print('CHECKED %s: figure "%s" in the output of `%s`' % (where, text_, cmd))
                checked.add(text_)
            else:
                fail(where, 'figure "%s" is not in the output of `%s` (exit %s)' % (text_, cmd, status),
                     "--- stdout\n" + out + "--- stderr\n" + err)
        for fig in FIGURES.findall(visible):
            if not any(fig in t for t in checked) and not any(fig in t for t, _ in fig_markers):
                fail("%s:%d" % (rel, line), 'figure "%s" quoted in prose, checked by nothing '
                     '(a figure marker, or drop it)' % fig)


SELF_TESTS = [
    # (markdown, expected to fail): the checks must catch a wrong figure, whatever its place.
    ('<!-- doctest: run -->\n```sh\necho "3 pass, 1 skip"\n```\n\n<!-- doctest: output -->\n```\n'
     '3 pass, 1 skip\n```\n', False),
    ('<!-- doctest: run -->\n```sh\necho "3 pass, 1 skip"\n```\n\n<!-- doctest: output -->\n```\n'
     '4 pass, 1 skip\n```\n', True),
    ('<!-- doctest: run exit=1 -->\n```sh\necho a\nfalse\n```\n\n<!-- doctest: output -->\n```\n...\n```\n', False),
    ('<!-- doctest: run -->\n```sh\nfalse\n```\n', True),
    ('It prints 3 pass.\n', True),
    ('```\n3 pass, 0 fail\n```\n', True),
    ('It prints 3 pass <!-- doctest: figure "3 pass" from: echo 3 pass -->.\n', False),
    ('It prints 4 pass <!-- doctest: figure "4 pass" from: echo 3 pass -->.\n', True),
    ('It prints 4 pass <!-- doctest: figure "3 pass" from: echo 3 pass -->.\n', True),
    ('ABI\nversion 1 (the header).\n', True),
    ('<!-- doctest: run -->\n\n```sh\ntrue\n```\n', True),
    ('```sh\ntrue\n```\n', True),
]


def self_test(checkout, bindir, base):
    """The checks on small documents: each must pass or fail as listed."""
    import contextlib
    import io
    bad = 0
    for i, (text, should_fail) in enumerate(SELF_TESTS):
        failures = []
        with contextlib.redirect_stdout(io.StringIO()) as log:
            check_file("self-test-%d.md" % i, text, checkout, bindir, base, failures)
        if bool(failures) != should_fail:
            bad += 1
            print("SELF-TEST FAILED: this document should %s:\n%s--- its log\n%s"
                  % ("fail" if should_fail else "pass", text, log.getvalue()))
    print("doctest: self-test, %d documents, the %d bad ones (wrong figures, a failing run, a stray marker) caught" %
          (len(SELF_TESTS), sum(1 for _, f in SELF_TESTS if f)) if not bad else
          "doctest: self-test failed")
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("bufconf", help="the bufconf binary under test")
    ap.add_argument("--root", default=".", help="the bufconf source tree (runfiles under Bazel)")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    bufconf = os.path.abspath(args.bufconf)
    root = os.path.abspath(args.root)
    base = tempfile.mkdtemp(prefix="doctest-", dir=os.environ.get("TEST_TMPDIR"))
    checkout, bindir = make_checkout(base, root, bufconf)
    print("doctest: checkout %s (tools/bufconf runs %s; tools/setup.sh does nothing)" % (checkout, bufconf))
    failures = []
    if self_test(checkout, bindir, base):
        failures.append("self-test")
    t = time.monotonic()
    for path in args.files:
        print("== %s" % path)
        with open(os.path.join(root, path) if not os.path.isabs(path) else path) as f:
            check_file(path, f.read(), checkout, bindir, base, failures)
    print("doctest: %d failure(s), %.0f s" % (len(failures), time.monotonic() - t))
    if failures:
        print("failed: " + ", ".join(failures))
        return 1
    if not os.environ.get("TEST_TMPDIR"):
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
