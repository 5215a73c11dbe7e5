#!/usr/bin/python3
"""The bad-input corpus (conformance/testdata/bad_input/README.md): every <class>/<name>.case runs
one command under a time and memory limit and must exit with exactly its `exit:` status, with
every `message:` fragment in its stdout+stderr: never a crash, hang, signal or other status.

Usage: bad_input_test.py --bufconf PATH [--to-case PATH] --corpus DIR [--case CLASS/NAME]...
--hostile SO... (with --case, only those cases run). One line per case and a summary; exit 0 when
every case passes or is pending, 1 otherwise (also when a class directory has no case, a required
class is missing, or a case file does not parse).
Honours Bazel's TEST_SHARD_INDEX/TEST_TOTAL_SHARDS.
"""

import argparse
import concurrent.futures
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time

# Every class of bad input of issue 15 has a directory; a missing or empty one fails the test.
REQUIRED_CLASSES = [
    "adapters",
    "replay",
    "options",
    "outputs",
    "input_size",
    "disagreement",
    "fuzz_regressions",
    "json",
    "interpreters",  # issue 16: --python naming no usable interpreter
]
DEFAULT_TIMEOUT_S = 120
DEFAULT_MEMORY_MIB = 4096
# RLIMIT_FSIZE: a runaway writer dies (SIGXFSZ) instead of filling the disk.
MAX_FILE_BYTES = 2 << 30
OUTPUT_READ_LIMIT = 4 << 20  # bytes of each of stdout and stderr the runner reads back
KEYS = {"run", "stdin", "stdout", "env", "exit", "message", "program", "make", "memory", "timeout",
        "pending"}
REPEATABLE = {"env", "message", "make"}
VARIABLE = re.compile(r"\$(\{[A-Za-z_][A-Za-z0-9_]*\}|[A-Za-z_][A-Za-z0-9_]*)")


class CaseError(Exception):
    """The case file itself is wrong (a bug in the corpus, not in bufconf)."""


class Case:
    def __init__(self, cls, name, path):
        self.cls, self.name, self.path = cls, name, path
        self.dir = os.path.dirname(path)
        self.title = ""
        self.fields = {}  # key -> list of values, in order
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                line = line.rstrip("\n")
                stripped = line.strip()
                if not stripped:
                    continue
                if stripped.startswith("#"):
                    if not self.title:
                        self.title = stripped.lstrip("#").strip()
                    continue
                key, sep, value = line.partition(":")
                key = key.strip()
                if not sep or key not in KEYS:
                    raise CaseError(f"line {number}: expected 'KEY: VALUE' with KEY one of "
                                    f"{', '.join(sorted(KEYS))}, found {line[:80]!r}")
                if key in self.fields and key not in REPEATABLE:
                    raise CaseError(f"line {number}: '{key}:' given twice")
                self.fields.setdefault(key, []).append(value.strip())
        if not self.title:
            raise CaseError("no comment line saying what is bad and what must happen")
        for key in ("run", "exit"):
            if key not in self.fields:
                raise CaseError(f"no '{key}:' line")
        self.exit = self._int("exit", 0, 255)
        self.memory_mib = self._int("memory", 1, 1 << 20, DEFAULT_MEMORY_MIB)
        self.timeout_s = self._int("timeout", 1, 3600, DEFAULT_TIMEOUT_S)
        self.program = self.one("program", "bufconf")
        if self.program not in ("bufconf", "to_case"):
            raise CaseError(f"program: '{self.program}' is not bufconf or to_case")
        self.pending = self.one("pending")
        if self.pending is not None and not self.pending:
            raise CaseError("pending: give the reason")

    def one(self, key, default=None):
        return self.fields.get(key, [default])[0]

    def _int(self, key, low, high, default=None):
        text = self.one(key)
        if text is None:
            return default
        if not re.fullmatch(r"[0-9]+", text) or not low <= int(text) <= high:
            raise CaseError(f"{key}: '{text}' is not a whole number from {low} to {high}")
        return int(text)

    @property
    def id(self):
        return f"{self.cls}/{self.name}"


def substitute(text, variables):
    def replace(match):
        name = match.group(1).strip("{}")
        if name not in variables:
            raise CaseError(f"unknown variable ${name} in {text!r} (known: "
                            f"{', '.join('$' + v for v in sorted(variables))})")
        return variables[name]

    return VARIABLE.sub(replace, text)


def is_sanitized(path, cache={}):
    """ASan reserves terabytes of address space: RLIMIT_AS cannot apply to such a binary."""
    if path not in cache:
        with open(path, "rb") as f:
            cache[path] = b"__asan_init" in f.read()
    return cache[path]


def limits(memory_mib):
    def apply():
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_FILE_BYTES, MAX_FILE_BYTES))
        if memory_mib is not None:
            size = memory_mib << 20
            resource.setrlimit(resource.RLIMIT_AS, (size, size))

    return apply


def signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def read_head(path):
    try:
        with open(path, "rb") as f:
            return f.read(OUTPUT_READ_LIMIT).decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


def run_limited(argv, cwd, env, stdin, stdout, stderr, timeout_s, memory_mib):
    """Returns (status, problem): problem is None, or why the command did not exit normally."""
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=stdin, stdout=stdout, stderr=stderr,
                               start_new_session=True, preexec_fn=limits(memory_mib))
    try:
        status = process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return None, f"did not finish within {timeout_s} s (killed: a hang is never allowed)"
    try:  # nothing it started may outlive it
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if status < 0:
        return None, f"died on {signal_name(-status)} (a crash is never allowed)"
    return status, None


def run_case(case, programs, hostile_dir, tmp_root):
    """Returns (verdict, detail): verdict ok, FAIL, pending or fixed (pending but passes)."""
    tmp = os.path.join(tmp_root, case.cls, case.name)
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    variables = {"CASE_DIR": case.dir, "TMP": tmp, "HOSTILE": hostile_dir}
    program = programs.get(case.program)
    if program is None:
        raise CaseError(f"program: {case.program} was not given to the runner")
    argv = [program] + [substitute(word, variables) for word in case.one("run").split()]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    for assignment in case.fields.get("env", []):
        name, sep, value = assignment.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise CaseError(f"env: expected NAME=VALUE, found {assignment!r}")
        env[name] = substitute(value, variables)

    def path_of(value):
        value = substitute(value, variables)
        return value if os.path.isabs(value) else os.path.join(case.dir, value)

    # Generate big inputs: each make: line through /bin/sh in $TMP, variables in its environment.
    make_env = dict(os.environ, **variables)
    for command in case.fields.get("make", []):
        with open(os.path.join(tmp, "make.log"), "wb") as log:
            status, problem = run_limited(["/bin/sh", "-c", command], tmp, make_env,
                                          subprocess.DEVNULL, log, log, case.timeout_s, None)
        if problem or status != 0:
            raise CaseError(f"make: {command!r}: {problem or f'exit {status}'}: "
                            f"{read_head(os.path.join(tmp, 'make.log'))[:500]}")

    stdout_path = os.path.join(tmp_root, case.cls, case.name + ".stdout")
    stderr_path = os.path.join(tmp_root, case.cls, case.name + ".stderr")
    stdin_value = case.one("stdin", "/dev/null")
    stdout_value = case.one("stdout")
    memory = None if is_sanitized(program) else case.memory_mib
    start = time.monotonic()
    with open(path_of(stdin_value), "rb") as stdin, \
            open(stdout_path if stdout_value is None else path_of(stdout_value), "wb") as stdout, \
            open(stderr_path, "wb") as stderr:
        status, problem = run_limited(argv, tmp, env, stdin, stdout, stderr, case.timeout_s,
                                      memory)
    seconds = time.monotonic() - start
    err = read_head(stderr_path)
    out = read_head(stdout_path) if stdout_value is None else ""
    output = err + ("\n" if err and not err.endswith("\n") else "") + out
    # The line shown: the first holding the first expected fragment, else the first of the output.
    fragments = [substitute(f, variables) for f in case.fields.get("message", [])]
    lines = [line for line in output.splitlines() if line.strip()]
    first = next((line for line in lines if fragments and fragments[0] in line),
                 lines[0] if lines else "(no output)")

    def shorten(text):  # the variables' values shown as their names: readable log lines
        for name, value in sorted(variables.items(), key=lambda item: -len(item[1])):
            text = text.replace(value, "$" + name)
        return text

    first = shorten(first)
    first = first[:200] + ("..." if len(first) > 200 else "")

    failures = []
    if problem:
        failures.append(problem)
    elif status != case.exit:
        failures.append(f"exit {status}, expected {case.exit}")
    for fragment in fragments:
        if fragment not in output:
            failures.append(f"the output lacks {fragment!r}")
    command = shorten(" ".join([case.program] + argv[1:]))
    if failures:
        shown = "\n".join("      " + line for line in shorten(output[:1500]).splitlines())
        detail = (f"{'; '.join(failures)}\n    command: {command}\n    output (first 1500 "
                  f"bytes):\n" + (shown or "      (no output)"))
        return ("pending" if case.pending else "FAIL"), detail, seconds
    shutil.rmtree(tmp, ignore_errors=True)  # generated inputs can be large; kept when a case fails
    return ("fixed" if case.pending else "ok"), f"exit {status}: {first}", seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bufconf", required=True)
    parser.add_argument("--to-case")
    parser.add_argument("--hostile", nargs="+", required=True, help="the hostile adapter .so files")
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--jobs", type=int, default=max(4, 2 * (os.cpu_count() or 1)))
    parser.add_argument("--case", dest="only", action="append", default=[],
                        help="CLASS/NAME: run only this case (repeatable)")
    args = parser.parse_args()

    programs = {"bufconf": os.path.abspath(args.bufconf)}
    if args.to_case:
        programs["to_case"] = os.path.abspath(args.to_case)
    hostile_dir = os.path.dirname(os.path.abspath(args.hostile[0]))
    corpus = os.path.abspath(args.corpus)
    tmp_root = os.path.join(os.environ.get("TEST_TMPDIR") or "/tmp", "bad_input")
    os.makedirs(tmp_root, exist_ok=True)

    problems = []  # corpus-level failures
    cases = []
    classes = sorted(d for d in os.listdir(corpus) if os.path.isdir(os.path.join(corpus, d)))
    for cls in REQUIRED_CLASSES:
        if cls not in classes:
            problems.append(f"class {cls}/: missing (every class of bad input has a directory)")
    for cls in classes:
        names = sorted(f[:-5] for f in os.listdir(os.path.join(corpus, cls)) if f.endswith(".case"))
        if not names:
            problems.append(f"class {cls}/: no .case file (an empty class fails)")
        for name in names:
            cases.append((cls, name))
    if args.only:
        cases = [c for c in cases if f"{c[0]}/{c[1]}" in args.only]
        problems = []
    shards = int(os.environ.get("TEST_TOTAL_SHARDS", "1"))
    shard = int(os.environ.get("TEST_SHARD_INDEX", "0"))
    if os.environ.get("TEST_SHARD_STATUS_FILE"):
        open(os.environ["TEST_SHARD_STATUS_FILE"], "w").close()
    if shard != 0:
        problems = []  # reported once, by shard 0
    cases = [c for i, c in enumerate(cases) if i % shards == shard]

    def one(cls_name):
        cls, name = cls_name
        try:
            case = Case(cls, name, os.path.join(corpus, cls, name + ".case"))
        except (CaseError, OSError, UnicodeDecodeError) as e:
            return None, "FAIL", f"bad case file: {e}", 0.0
        try:
            return (case,) + run_case(case, programs, hostile_dir, tmp_root)
        except (CaseError, OSError) as e:
            return case, "FAIL", f"bad case: {e}", 0.0

    start = time.monotonic()
    counts = {"ok": 0, "FAIL": 0, "pending": 0, "fixed": 0}
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(one, cases))
    for (cls, name), (case, verdict, detail, seconds) in zip(cases, results):
        counts[verdict] += 1
        title = f"\n    ({case.title})" if case and verdict != "ok" else ""
        if verdict == "pending":
            title += f"\n    pending: {case.pending}"
        if verdict == "fixed":
            detail += (f"\n    NOW PASSES but is marked 'pending: {case.pending}': remove the "
                       "pending line")
        print(f"{verdict} {cls}/{name}: {detail}{title}")
    for problem in problems:
        print(f"FAIL {problem}")
    elapsed = time.monotonic() - start
    print(f"\n{len(cases)} cases in {len({c for c, _ in cases})} classes, {elapsed:.1f} s: "
          f"{counts['ok']} ok, {counts['FAIL'] + len(problems)} FAILED, {counts['pending']} "
          f"pending, {counts['fixed']} pending but now passing")
    if counts["pending"]:
        pending = [f"{c}/{n}" for (c, n), r in zip(cases, results) if r[1] == "pending"]
        print(f"*** {counts['pending']} PENDING case(s): known bad-input bugs, not yet fixed "
              f"(see the 'pending' lines above): {', '.join(pending)} ***")
    if counts["fixed"]:
        print(f"*** {counts['fixed']} case(s) marked pending now pass: remove their 'pending:' "
              "lines ***")
    # A stale 'pending:' marker would hide the case's next regression: it fails the test.
    return 1 if counts["FAIL"] or problems or counts["fixed"] else 0


if __name__ == "__main__":
    sys.exit(main())
