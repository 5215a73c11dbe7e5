"""Renders the ecosystem survey's data (docs/ecosystem.json) as docs/ecosystem.md.

The page is a function of the data and of the reproducer files it quotes: survey.py --check
fails when the committed page is not what this renders.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
JUDGED = ("pass", "fail", "xfail", "xpass", "error")
STATUSES = {"p": "pass", "s": "skip", "f": "fail", "x": "xfail", "X": "xpass", "b": "blocked",
            "e": "error"}


def _status(record, obj, rule):
    """An object's status on a rule under profile deep (the page's), or None."""
    rules = record["rules"]
    if rule not in rules or not obj["codes"].get("deep"):
        return None
    return STATUSES.get(obj["codes"]["deep"][rules.index(rule)])


def _versions(record):
    parts = ["%s %s" % (p, v or "(not installed)") for p, v in sorted(record["packages"].items())]
    return ", ".join(parts)


def _cell(record, rule):
    """One library's verdict on one rule, over its objects."""
    statuses = [_status(record, o, rule) for o in record["objects"]]
    fails = [o for o in record["objects"] if _status(record, o, rule) == "fail"]
    untriaged = [o for o in fails if "deviation" not in o["results"][rule]]
    if untriaged:
        return "**untriaged** (%d)" % len(untriaged)
    if fails:
        kinds = {record["deviations"][o["results"][rule]["deviation"]]["triage"] for o in fails}
        word = "deviation" if "deviation" in kinds else "cannot express"
        return "**%s** (%d of %d)" % (word, len(fails), len(record["objects"]))
    if "xpass" in statuses or "error" in statuses:
        return "**%s**" % ("xpass" if "xpass" in statuses else "error")
    if "xfail" in statuses:
        return "interpreter"
    if "pass" in statuses:
        return "pass"
    return "–"


def _rules_in_order(records):
    order = []
    for record in records:
        for rule in record["rules"]:
            if rule not in order:
                order.append(rule)
    return order


def _table(records, rules, out):
    out.append("| rule | " + " | ".join(r["name"] for r in records) + " |")
    out.append("| --- |" + " --- |" * len(records))
    for rule in rules:
        out.append("| [%s](spec.md#%s) | " % (rule, rule.lower()) +
                   " | ".join(_cell(r, rule) for r in records) + " |")
    out.append("")


def _matrix(records, out):
    rules = _rules_in_order(records)
    judged = [r for r in rules
              if any(_status(rec, o, r) in JUDGED for rec in records for o in rec["objects"])]
    parties = {}
    for rec in records:
        for rule, party in rec.get("parties", {}).items():
            parties.setdefault(rule, party)
    mine = [r for r in judged if parties.get(r, "exporter") == "exporter"]
    theirs = [r for r in judged if r not in mine]
    out.append("The libraries' own rules (party: the exporter):")
    out.append("")
    _table(records, mine, out)
    out.append("`pass`: every object that a case could test passed; `–`: no case applied to the "
               "library's objects (e.g. MEMORY-WRITABLE where no object declares read-only "
               "memory); **deviation** (k of n): k of the library's n objects break "
               "the rule, triaged below; **cannot express** (k of n): failures the factory "
               "cannot give as the library's objects are used (the entry says why).")
    out.append("")
    out.append("Rules of the interpreter (CPython 3.11: `PyObject_GetBuffer` and the `PyBuffer_*` "
               "functions reading each library's views, judged on them): `interpreter` is "
               "CPython 3.11's own deviation (`PyObject_GetBuffer` passes `PyBUF_READ`/"
               "`PyBUF_WRITE` on, gh-114685), filed on the interpreter, not on the library.")
    out.append("")
    _table(records, theirs, out)
    unjudged = [r for r in rules if r not in judged]
    out.append("Not judged through the factory plug-in (%d rules: consumer rules, the "
               "interpreter's PyBuffer_FillInfo, and rules no object can exercise; each run "
               "reports the reason): %s." % (len(unjudged),
                                             ", ".join("`%s`" % r for r in unjudged)))
    out.append("")


def _affected(record, index):
    return [o for o in record["objects"]
            if any(v.get("deviation") == index and v["status"] == "fail"
                   for v in o["results"].values())]


def _deviations(record, out, root):
    for i, dev in enumerate(record["deviations"]):
        affected = _affected(record, i)
        rep = record["reproducers"][i]
        out.append("### %s: %s" % (record["name"], dev["rule"]))
        out.append("")
        out.append(dev["summary"])
        out.append("")
        out.append("- **Triage:** %s." % ("a deviation of the library" if dev["triage"] ==
                                          "deviation" else "the factory cannot express it"))
        out.append("- **Upstream** (%s): %s" % (dev.get("upstream_state", "known"),
                                                 dev["upstream"]))
        names = ", ".join("`%s`" % o["description"] for o in affected)
        out.append("- **Objects** (%d of %d): %s" % (len(affected), len(record["objects"]),
                                                     names))
        if affected:
            msg = affected[0]["results"][dev["rule"]].get("message", "")
            out.append("- **bufconf says:** %s" % msg.replace("|", "\\|"))
        where = "conformance/adapters/python/ecosystem/%s" % record["id"]
        if record.get("build"):
            command = ("cd %s && bash build.sh /tmp/out && PYTHONPATH=/tmp/out python3 %s" %
                       (where, dev["reproducer"]))
        else:
            command = "python3 %s/%s" % (where, dev["reproducer"])
        outcome = rep["outcome"]
        if dev["triage"] != "deviation" and outcome == "reproduced":
            outcome = "shows the behaviour"
        out.append("- **Reproducer** (no bufconf: `%s`): %s — `%s`" %
                   (command, outcome, rep["last_line"]))
        out.append("")
        path = os.path.join(root, record["id"], dev["reproducer"])
        with open(path) as f:
            source = f.read().rstrip("\n")
        out.append("<details><summary>%s</summary>" % dev["reproducer"])
        out.append("")
        out.append("```python")
        out.append(source)
        out.append("```")
        out.append("")
        out.append("</details>")
        out.append("")


def _untriaged(records, out):
    lines = []
    for record in records:
        for obj in record["objects"]:
            for rule, v in obj["results"].items():
                if v["status"] in ("fail", "error", "xpass") and "deviation" not in v:
                    lines.append("- %s, `%s`, %s: %s" % (record["name"], obj["description"],
                                                         rule, v.get("message", v["status"])))
    if lines:
        out.append("## Untriaged failures")
        out.append("")
        out.append("Not yet triaged: the survey exits 1 until each has a deviation entry.")
        out.append("")
        out.extend(lines)
        out.append("")


def render(data, root=HERE):
    """The page; `root` holds the library directories (their reproducers are quoted)."""
    installed = [r for r in data["libraries"] if r.get("installed")]
    missing = [r for r in data["libraries"] if not r.get("installed")]
    out = ["# The ecosystem survey", "",
           "<!-- Written by tools/survey (conformance/adapters/python/ecosystem): do not edit. -->",
           "",
           "bufconf judges the buffer exporters of Debian 12's Python libraries through the "
           "python adapter's factory plug-in (docs/python-factory.md): each library's factory "
           "(conformance/adapters/python/ecosystem/LIBRARY/factory.py) returns its objects, "
           "and every object is judged on its own, with every request flags value, against the "
           "reference model. Every failure is triaged: a deviation of the library, with a "
           "reproducer that needs no bufconf and its upstream status, or something the factory "
           "cannot express. One command runs it all on a fresh Debian 12 (as root):", "",
           "```sh", "tools/survey", "```", "",
           "It installs the libraries (apt), builds the Cython and pybind11 test extensions, "
           "writes docs/ecosystem.json and this page, and exits 1 on an untriaged failure. "
           "The verdicts below are profile deep's (every flags value 0..0x3ff), each object "
           "judged in a run of its own. The survey also judges each library in one run under "
           "profile quick (32 flags values per object) and records each rule's status and the "
           "objects that fail it; the test `//conformance/adapters/python/ecosystem:survey_test` "
           "(in `tools/test`, so in CI) repeats those runs for the libraries that are installed "
           "and fails when anything of them, the number of objects or a reproducer's outcome "
           "differs from docs/ecosystem.json, on a failure no triage entry matches, and when "
           "this page is not the data's rendering.", "",
           "**This run:** %s; CPython %s; %s." % (data.get("bufconf", "bufconf"), data["python"],
                                                  data["settings"]), "",
           "## Libraries", "",
           "| library | what exports buffers | Debian package | module version | objects "
           "| deviations |",
           "| --- | --- | --- | --- | --- | --- |"]
    for r in installed:
        n = sum(1 for d in r["deviations"] if d["triage"] == "deviation")
        out.append("| %s | %s | %s | %s | %d | %s |" % (
            r["name"], r["summary"], _versions(r), r.get("module_version") or "–",
            len(r["objects"]), n or "none"))
    for r in missing:
        out.append("| %s | %s | %s | not installed | – | not run |" % (
            r["name"], r["summary"], _versions(r)))
    out.append("")
    out.append("## Library × rule")
    out.append("")
    _matrix(installed, out)
    _untriaged(installed, out)
    out.append("## Deviations")
    out.append("")
    for r in installed:
        _deviations(r, out, root)
    notes = [(r["name"], n) for r in installed for n in r["notes"]]
    if notes:
        out.append("## What the factories do not cover")
        out.append("")
        for name, note in notes:
            out.append("- **%s:** %s" % (name, note))
        out.append("")
    if data.get("others"):
        out.append("## Checked: no exporter of their own")
        out.append("")
        for o in data["others"]:
            out.append("- **%s** (%s): %s" % (o["name"], _versions(o), o["checked"]))
        out.append("")
    out.append("## Objects judged")
    out.append("")
    for r in installed:
        out.append("<details><summary>%s: %d objects</summary>" % (r["name"], len(r["objects"])))
        out.append("")
        for o in r["objects"]:
            unfinished = "".join(" (not run: %s)" % u for u in o.get("unfinished", []))
            out.append("- `%s`%s" % (o["description"], unfinished))
        out.append("")
        out.append("</details>")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


FINDINGS_BEGIN = "<!-- ecosystem survey: begin (written by tools/survey, do not edit) -->"
FINDINGS_END = "<!-- ecosystem survey: end -->"


def findings_section(data):
    """docs/findings.md's section on third-party libraries: the survey's deviations that are new
    upstream (no issue found), with their reproducers; between the two marker lines."""
    out = [FINDINGS_BEGIN, "", "## Third-party libraries: new upstream", "",
           "The ecosystem survey ([ecosystem.md](ecosystem.md), `tools/survey`) judges the buffer "
           "exporters of Debian 12's Python libraries. These of its deviations have no upstream "
           "issue that we found (the search is on each entry of the page). Each reproducer runs "
           "without bufconf (`python3 FILE`; for Cython and pybind11 with the test extension "
           "its `build.sh` builds on `PYTHONPATH`) and ends with `REPRODUCED: ...`, or dies of "
           "the crash it shows; `survey_test` runs every one whose library is installed.", ""]
    for record in data["libraries"]:
        if not record.get("installed"):
            continue
        version = ", ".join("%s %s" % kv for kv in sorted(record["packages"].items()))
        for dev in record["deviations"]:
            if dev["triage"] != "deviation" or dev.get("upstream_state") != "new":
                continue
            path = "../conformance/adapters/python/ecosystem/%s/%s" % (record["id"],
                                                                      dev["reproducer"])
            out.append("- **%s** (%s), %s: %s [%s](%s)" % (
                record["name"], version, dev["rule"], dev["summary"], dev["reproducer"], path))
    out += ["", FINDINGS_END]
    return "\n".join(out) + "\n"


def replace_findings_section(text, data):
    """`text` (docs/findings.md) with its survey section replaced (or appended)."""
    section = findings_section(data)
    if FINDINGS_BEGIN in text and FINDINGS_END in text:
        head = text[:text.index(FINDINGS_BEGIN)]
        tail = text[text.index(FINDINGS_END) + len(FINDINGS_END):].lstrip("\n")
        return head + section + ("\n" + tail if tail else "")
    return text.rstrip("\n") + "\n\n" + section
