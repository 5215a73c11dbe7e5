"""The ecosystem survey: judges the buffer exporters of Debian 12's Python libraries.

Each directory beside this file with a library.json is one library (README.md here). For each,
the survey checks that its modules import, builds its test extension (build.sh), lists its
factory's objects and runs `bufconf run --factory survey_select:make` once per object (so every
object's verdict on every rule is known), then matches every failure with the library's triaged
deviations and runs their reproducers.

  survey.py --bufconf BIN --data docs/ecosystem.json --write docs/ecosystem.md
      runs every library and writes the data and the page (tools/survey does this)
  survey.py --bufconf BIN --check docs/ecosystem.json --page docs/ecosystem.md
      runs the libraries that are installed and fails when a verdict differs from the data
      (the CI test), and when the page is not the data's rendering

Exit status: 0 done (or no difference), 1 an untriaged failure, a stale deviation entry, a
reproducer that no longer reproduces, or a difference from the data; 2 usage or setup errors
(a library.json that does not parse, a build that fails, a factory that does not load).
"""
import argparse
import concurrent.futures
import fnmatch
import json
import os
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = "/usr/bin/python3"
sys.path.insert(0, HERE)
import survey_page  # noqa: E402  (beside this file)

LIBRARY_KEYS = {"name", "summary", "packages", "import", "version_module", "factory", "build",
                "env", "deviations", "notes"}
DEVIATION_KEYS = {"rule", "objects", "triage", "summary", "reproducer", "upstream"}
TRIAGES = {"deviation", "cannot-express"}
# Optional: where upstream stands. Default: "new" when the upstream text starts "none found",
# else "known". docs/findings.md lists the "new" deviations.
UPSTREAM_STATES = {"new", "known", "fixed", "by-design"}
# The survey's settings: one seed. The page shows profile deep (every flags value 0..0x3ff),
# each object judged in a run of its own. The survey also judges each library in one run under
# profile quick (32 flags values per object): each rule's status and every object that fails it
# (a run lists every failing place). The CI test (survey_test) repeats that run only: it costs
# one run per library, not one per object.
RUN_ARGS = ["--seed", "1", "--quiet"]
# A rule's status in one letter: an object's verdicts are one letter per rule of the catalogue,
# in the data's "rules" order (docs/ecosystem.json stays small).
CODES = {"pass": "p", "skip": "s", "fail": "f", "xfail": "x", "xpass": "X", "blocked": "b",
         "error": "e"}
DETAILED = ("fail", "xfail", "xpass", "blocked", "error")


class SetupError(Exception):
    pass


def load_library(directory):
    path = os.path.join(directory, "library.json")
    try:
        with open(path) as f:
            lib = json.load(f)
    except (OSError, ValueError) as e:
        raise SetupError("%s: %s" % (path, e))
    unknown = set(lib) - LIBRARY_KEYS
    missing = {"name", "summary", "packages", "import", "factory"} - set(lib)
    if unknown or missing:
        raise SetupError("%s: unknown keys %s, missing keys %s" %
                         (path, sorted(unknown), sorted(missing)))
    for dev in lib.get("deviations", []):
        if (set(dev) - {"upstream_state"} != DEVIATION_KEYS or dev["triage"] not in TRIAGES or
                dev.get("upstream_state", "new") not in UPSTREAM_STATES):
            raise SetupError("%s: a deviation needs exactly the keys %s (and optionally "
                             "upstream_state, one of %s), triage one of %s: %r" %
                             (path, sorted(DEVIATION_KEYS), sorted(UPSTREAM_STATES),
                              sorted(TRIAGES), dev))
        dev.setdefault("upstream_state",
                       "new" if dev["upstream"].startswith("none found") else "known")
        if not os.path.isfile(os.path.join(directory, dev["reproducer"])):
            raise SetupError("%s: reproducer %s does not exist" % (path, dev["reproducer"]))
    lib["directory"] = directory
    lib["id"] = os.path.basename(directory)
    return lib


def libraries(root, only):
    out = []
    for name in sorted(os.listdir(root)):
        directory = os.path.join(root, name)
        if os.path.isfile(os.path.join(directory, "library.json")):
            if not only or name in only:
                out.append(load_library(directory))
    return out


def package_version(package):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", package], capture_output=True,
                       text=True)
    return r.stdout.strip() if r.returncode == 0 and r.stdout.strip() else None


def python_env(lib, outdir, extra):
    env = dict(os.environ)
    env["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
    env.update(lib.get("env", {}))
    env.update(extra)
    env["PYTHONPATH"] = ":".join([HERE, lib["directory"], outdir])
    return env


def importable(lib, outdir):
    code = "import importlib, sys\nfor m in sys.argv[1:]: importlib.import_module(m)"
    r = subprocess.run([PYTHON, "-c", code] + lib["import"], env=python_env(lib, outdir, {}),
                       capture_output=True, text=True, timeout=120)
    return r.returncode == 0, r.stderr.strip().splitlines()[-1:] if r.returncode else []


def module_version(lib, outdir):
    name = lib.get("version_module")
    if not name:
        return None
    code = ("import importlib, sys\nm = importlib.import_module(sys.argv[1])\n"
            "v = getattr(m, '__version__', None) or getattr(getattr(m, 'version', None), 'ver', "
            "None) or getattr(m, 'PYQT_VERSION_STR', None)\nprint(v or '')")
    r = subprocess.run([PYTHON, "-c", code, name], env=python_env(lib, outdir, {}),
                       capture_output=True, text=True, timeout=120)
    lines = r.stdout.strip().splitlines()  # the last line: a library may print on import
    return lines[-1].strip() if lines else None


def build(lib, outdir):
    script = lib.get("build")
    if not script:
        return
    r = subprocess.run(["bash", os.path.join(lib["directory"], script), outdir],
                       cwd=lib["directory"], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise SetupError("%s: %s failed (exit %d):\n%s%s" % (lib["id"], script, r.returncode,
                                                          r.stdout, r.stderr))


def describe(lib, outdir):
    env = python_env(lib, outdir, {"BUFCONF_SURVEY_FACTORY": lib["factory"]})
    listing = os.path.join(outdir, "..", "objects.json")
    r = subprocess.run([PYTHON, os.path.join(HERE, "survey_select.py"), "describe", listing],
                       env=env, capture_output=True, text=True, timeout=300,
                       cwd=lib["directory"])
    if r.returncode != 0:
        raise SetupError("%s: the factory %s does not load:\n%s" %
                         (lib["id"], lib["factory"], r.stderr))
    with open(listing) as f:
        names = json.load(f)
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        raise SetupError("%s: object descriptions must be unique: %s" % (lib["id"], dups))
    return names


def judge_object(bufconf, lib, outdir, index, workdir, profile):
    """Runs bufconf on one object (index None: on all of the library's objects at once);
    returns its per-rule results."""
    objdir = os.path.join(workdir, "object%s-%s" % ("s" if index is None else index, profile))
    os.makedirs(objdir, exist_ok=True)
    score = os.path.join(objdir, "score.json")
    env = python_env(lib, outdir, {
        "BUFCONF_SURVEY_FACTORY": lib["factory"],
        "BUFCONF_SURVEY_INDEX": str(index),
        "BUFCONF_PYTHON_PATH": ":".join([HERE, lib["directory"], outdir]),
    })
    factory = "survey_select:make" if index is not None else lib["factory"]
    cmd = [bufconf, "run", "--adapter", "python", "--factory", factory,
           "--json", score, "--failures-dir", os.path.join(objdir, "failures"),
           "--profile", profile] + RUN_ARGS
    r = subprocess.run(cmd, env=env, cwd=objdir, capture_output=True, text=True, timeout=900)
    try:
        with open(score) as f:
            s = json.load(f)
    except (OSError, ValueError):
        return {"exit": r.returncode, "error": (r.stdout + r.stderr).strip()[-2000:],
                "results": {}}
    results = {}
    for res in s["results"]:
        entry = {"status": res["status"], "party": res["party"]}
        if res["status"] in ("fail", "error", "blocked", "xfail", "xpass"):
            entry["message"] = res.get("reason", "")
            entry["places"] = sorted({f.get("where", "") for f in res.get("failures", [])})
        results[res["rule"]] = entry
    out = {"exit": r.returncode, "results": results, "suite_version": s.get("suite_version")}
    problems = s.get("errors", []) + s.get("adapter_errors", [])
    if s.get("skipped_objects"):
        problems += ["skipped: %s" % x for x in s["skipped_objects"]]
    # Cases not run (e.g. the flags values after an exporter crashed, which bufconf stops
    # asking) are shown with the object; they are bufconf's problem only when nothing failed.
    if s.get("unfinished"):
        out["unfinished"] = [str(u) for u in s["unfinished"]]
        if r.returncode != 1:
            problems += out["unfinished"]
    if problems:
        out["error"] = "; ".join(str(p) for p in problems)[:2000]
    return out


def run_reproducer(lib, outdir, dev):
    path = os.path.join(lib["directory"], dev["reproducer"])
    with tempfile.TemporaryDirectory() as cwd:
        try:
            r = subprocess.run([PYTHON, path], env=python_env(lib, outdir, {}), cwd=cwd,
                               capture_output=True, text=True, timeout=120)
        except subprocess.TimeoutExpired:
            return {"outcome": "timeout", "last_line": "(did not finish in 120 s)"}
    lines = [l for l in r.stdout.splitlines() if l.strip()]
    last = lines[-1] if lines else ""
    if r.returncode < 0:
        name = signal.Signals(-r.returncode).name
        return {"outcome": "reproduced", "last_line": "killed by %s" % name}
    if last.startswith("REPRODUCED:"):
        return {"outcome": "reproduced", "last_line": last}
    if last.startswith("NOT REPRODUCED:"):
        return {"outcome": "not reproduced", "last_line": last}
    tail = (r.stderr.strip().splitlines() or [""])[-1]
    return {"outcome": "broken", "last_line": "exit %d: %s" % (r.returncode, last or tail)}


def triage(lib, objects, stale_check=True):
    """Matches every failure with a deviation entry (marking it); returns the failures that
    match none (untriaged) and, with `stale_check`, the entries that match no failure (stale)."""
    deviations = lib.get("deviations", [])
    used = [False] * len(deviations)
    untriaged = []
    for name, obj in objects.items():
        for rule, res in obj["results"].items():
            if res["status"] not in ("fail", "error", "xpass"):
                continue
            matches = [i for i, d in enumerate(deviations)
                       if d["rule"] == rule and fnmatch.fnmatchcase(name, d["objects"])]
            if matches and res["status"] == "fail":
                res["deviation"] = matches[0]
                used[matches[0]] = True
            else:
                untriaged.append("%s: %s on %r: %s" % (lib["id"], rule, name,
                                                       res.get("message", res["status"])))
    stale = ["%s: deviation entry %s / %s matches no failure" % (lib["id"], d["rule"],
                                                                  d["objects"])
             for i, d in enumerate(deviations) if not used[i] and stale_check]
    return untriaged, stale


def triage_places(lib, run):
    """The library-wide run's failing places that match no deviation entry."""
    deviations = lib.get("deviations", [])
    out = []
    for rule, res in run["results"].items():
        if res["status"] not in ("fail", "error", "xpass"):
            continue
        for place in res.get("places") or [""]:
            if res["status"] != "fail" or not any(
                    d["rule"] == rule and fnmatch.fnmatchcase(place, d["objects"])
                    for d in deviations):
                out.append("%s: %s on %r (one run, profile quick): %s" %
                           (lib["id"], rule, place, res.get("message", res["status"])))
    return out


def fingerprint(run):
    """What survey_test compares of the library-wide quick run: each rule's status, and the
    places (objects) of a failing or expected one."""
    return {rule: ([res["status"]] + res.get("places", [])) for rule, res in
            run["results"].items()}


def survey_library(bufconf, lib, jobs, workroot, per_object):
    record = {"id": lib["id"], "name": lib["name"], "summary": lib["summary"],
              "packages": {p: package_version(p) for p in lib["packages"]},
              "notes": lib.get("notes", []), "deviations": lib.get("deviations", []),
              "build": bool(lib.get("build"))}
    workdir = os.path.join(workroot, lib["id"])
    outdir = os.path.join(workdir, "build")
    os.makedirs(outdir, exist_ok=True)
    ok, why = importable(lib, outdir)
    if not ok:
        record["installed"] = False
        record["why_not"] = " ".join(why)
        return record, []
    record["installed"] = True
    record["module_version"] = module_version(lib, outdir)
    build(lib, outdir)
    names = describe(lib, outdir)
    problems = []
    # The library in one run, profile quick (what the CI test repeats).
    whole = judge_object(bufconf, lib, outdir, None, workdir, "quick")
    if "error" in whole:
        problems.append("%s: the library-wide run (profile quick): bufconf could not judge "
                        "it (exit %d): %s" % (lib["id"], whole["exit"], whole["error"]))
    record["quick"] = fingerprint(whole)
    record["objects_count"] = len(names)
    untriaged = triage_places(lib, whole)
    stale = []
    record["objects"] = []
    if per_object:
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(judge_object, bufconf, lib, outdir, i, workdir, "deep")
                       for i in range(len(names))]
            runs = {n: f.result() for n, f in zip(names, futures)}
        problems += ["%s: %r (profile deep): bufconf could not judge it (exit %d): %s" %
                     (lib["id"], n, o["exit"], o["error"]) for n, o in runs.items()
                     if "error" in o]
        u, stale = triage(lib, runs)
        untriaged += ["%s (profile deep)" % x for x in u]
        rules = None
        for n in names:
            results = runs[n]["results"]
            if results and rules is None:
                rules = list(results)
            if results and list(results) != rules:
                raise SetupError("%s: %r: the runs list the rules in another order" %
                                 (lib["id"], n))
            record["objects"].append({
                "description": n, "exit": runs[n]["exit"],
                "unfinished": runs[n].get("unfinished", []),
                "results": {r: {k: v[k] for k in ("status", "message", "deviation") if k in v}
                            for r, v in results.items() if v["status"] in DETAILED},
                "codes": {"deep": "".join(CODES.get(v["status"], "?")
                                          for v in results.values())}})
        record["rules"] = rules or []
        # Whose rule each is (the catalogue's party): the page tells the library's rules from
        # the interpreter's (CPython's algorithms reading the library's views).
        record["parties"] = {}
        for n in names:
            for rule, v in runs[n]["results"].items():
                record["parties"].setdefault(rule, v["party"])
        versions = {o.get("suite_version") for o in runs.values()} - {None}
        record["suite_version"] = ", ".join(sorted(versions))
    record["reproducers"] = [run_reproducer(lib, outdir, d) for d in record["deviations"]]
    for dev, rep in zip(record["deviations"], record["reproducers"]):
        if rep["outcome"] != "reproduced":
            problems.append("%s: reproducer %s: %s (%s)" % (lib["id"], dev["reproducer"],
                                                           rep["outcome"], rep["last_line"]))
    return record, problems + untriaged + stale


def run_survey(args, only):
    libs = libraries(args.root, only)
    records, problems = [], []
    with tempfile.TemporaryDirectory(prefix="bufconf-survey-") as workroot:
        for lib in libs:
            print("survey: %s ..." % lib["id"], file=sys.stderr, flush=True)
            record, probs = survey_library(args.bufconf, lib, args.jobs, workroot,
                                           per_object=not args.check)
            records.append(record)
            problems += probs
            if record["installed"]:
                print("survey: %s: %d objects, %d problems" %
                      (lib["id"], record["objects_count"], len(probs)), file=sys.stderr)
            else:
                print("survey: %s: not installed (%s)" % (lib["id"], record["why_not"]),
                      file=sys.stderr)
    others = []
    others_path = os.path.join(args.root, "others.json")
    if os.path.isfile(others_path) and not only:
        with open(others_path) as f:
            for o in json.load(f):
                others.append({"name": o["name"], "checked": o["checked"],
                               "packages": {p: package_version(p) for p in o["packages"]}})
    data = {"others": others, "settings": "bufconf run --adapter python --profile deep " +
                                          " ".join(RUN_ARGS) + ", one object per run",
            "python": sys_python_version(), "libraries": records,
            "bufconf": ", ".join(sorted({r["suite_version"] for r in records
                                         if r.get("suite_version")}))}
    return data, problems


def sys_python_version():
    r = subprocess.run([PYTHON, "-c", "import platform; print(platform.python_version())"],
                       capture_output=True, text=True)
    return r.stdout.strip()


def verdicts(record):
    """What the check compares: the library-wide quick run's fingerprint, the number of objects
    and the reproducers' outcomes."""
    if not record.get("installed"):
        return None
    return {"quick": record["quick"], "objects": record["objects_count"],
            "reproducers": [r["outcome"] for r in record["reproducers"]]}


def check(args, data, problems):
    with open(args.check) as f:
        committed = json.load(f)
    by_id = {r["id"]: r for r in committed["libraries"]}
    differences = []
    for record in data["libraries"]:
        if not record["installed"]:
            print("survey check: %s not installed here (%s): not checked" %
                  (record["id"], record["why_not"]))
            continue
        old = by_id.get(record["id"])
        if old is None:
            differences.append("%s: not in %s (run tools/survey)" % (record["id"], args.check))
            continue
        new_v, old_v = verdicts(record), verdicts(old)
        if new_v == old_v:
            print("survey check: %s: %d objects, verdicts (one run, profile quick) as in %s" %
                  (record["id"], record["objects_count"], args.check))
            continue
        if old_v is None:
            differences.append("%s: not installed when %s was written" % (record["id"],
                                                                          args.check))
            continue
        for key in ("objects", "reproducers"):
            if new_v[key] != old_v[key]:
                differences.append("%s: %s %s, %s in %s" % (record["id"], key, new_v[key],
                                                            old_v[key], args.check))
        for rule in sorted(set(new_v["quick"]) | set(old_v["quick"])):
            a, b = old_v["quick"].get(rule), new_v["quick"].get(rule)
            if a != b:
                differences.append("%s: %s: %s in %s, %s now" % (record["id"], rule, a,
                                                                 args.check, b))
    if args.page:
        with open(args.page) as f:
            if f.read() != survey_page.render(committed, args.root):
                differences.append("%s is not the rendering of %s (run tools/survey)" %
                                   (args.page, args.check))
    if args.findings:
        with open(args.findings) as f:
            text = f.read()
        if text != survey_page.replace_findings_section(text, committed):
            differences.append("%s's section on third-party libraries is not the one %s gives "
                               "(run tools/survey)" % (args.findings, args.check))
    for p in problems + differences:
        print("survey check: FAIL: " + p)
    return 1 if problems or differences else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bufconf", required=True, help="the bufconf binary")
    parser.add_argument("--data", help="write the survey's data (JSON) to this file")
    parser.add_argument("--write", help="write the page (markdown) to this file")
    parser.add_argument("--check", help="compare with this data file instead of writing")
    parser.add_argument("--page", help="with --check: the page that must render the data")
    parser.add_argument("--findings", help="docs/findings.md: write (or with --check, compare) "
                        "its section on the survey's deviations that are new upstream")
    parser.add_argument("--jobs", type=int, default=2, help="objects judged at once")
    parser.add_argument("--root", default=HERE, help="the directory of the library "
                        "directories (default: the one of this file)")
    parser.add_argument("libraries", nargs="*", help="only these library directories")
    args = parser.parse_args()
    try:
        data, problems = run_survey(args, set(args.libraries))
    except SetupError as e:
        print("survey: %s" % e, file=sys.stderr)
        return 2
    if args.check:
        return check(args, data, problems)
    if args.data:
        with open(args.data, "w") as f:
            json.dump(data, f, indent=1, sort_keys=True)
            f.write("\n")
    if args.write:
        with open(args.write, "w") as f:
            f.write(survey_page.render(data, args.root))
    if args.findings:
        with open(args.findings) as f:
            text = f.read()
        with open(args.findings, "w") as f:
            f.write(survey_page.replace_findings_section(text, data))
    for p in problems:
        print("survey: PROBLEM: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
