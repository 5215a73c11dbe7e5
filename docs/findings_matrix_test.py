#!/usr/bin/python3
"""docs/findings.md's interpreter matrix, measured: runs the section's `bufconf matrix
--no-expectations` over Debian's /usr/bin/python3 and every CPython 3.8-3.13 found
(conformance/testing/find_pythons.py: pyenv's builds; BUFCONF_TEST_PYTHONS overrides the search,
set and empty: Debian's only), and checks every cell of the section's table for the
columns that ran:

- a rule's row (`| REQ-X | FAIL | pass | skip | ...`) against the rule's status in that column;
- an exporter's row (`| RULE: `name`, `name` | FAIL | — | ...`) against that column's failure
  messages for the rule (JSON rules[].cells[].messages, `where: message`): FAIL when a message's
  `where` starts with each name, pass or — when none does. `bufconf matrix --json`'s `changes`
  compare statuses only, so a rule failing on other exporters in two columns is found here;
- completeness: every rule whose status differs between the columns that ran has a rule row, and
  every exporter whose failing differs between them (for a rule with one status) an exporter row;
- when all the table's columns ran: the totals row, the count of the other rules, and that
  `bufconf matrix`'s own `changes` (kind "status" or "exporters") name the table's rules.
Columns whose interpreter did not run here (another version, or none found) are skipped, and the
test says which. Arguments: the bufconf binary, docs/findings.md.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

SECTION = "## The interpreter matrix: CPython 3.8 to 3.13"
failures = []


def fail(message):
    failures.append(message)
    print("FAIL: " + message, flush=True)


def interpreters():
    """Debian's python3 first, then the CPython 3.8-3.13 found, oldest first, one per binary
    (conformance/testing/find_pythons.py, shared by every multi-interpreter test)."""
    # In the runfiles (data of this test), beside docs/.
    finder = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir,
                          "conformance", "testing", "find_pythons.py")

    def find(*args):
        out = subprocess.run(["/usr/bin/python3", finder, *args], capture_output=True, text=True,
                             check=True).stdout
        return [line for line in out.splitlines() if line]

    for p in find("--unsupported"):
        print(f"not run: {p} (the matrix covers CPython 3.8 to 3.13)")
    return find("--debian", "--min", "3.8", "--max", "3.13")


def parse_table(path):
    """The section's table: (column versions, rows as (label, cells)), and its 'other rules' line."""
    text = open(path, encoding="utf-8").read()
    if SECTION not in text:
        fail(f"{path} has no section {SECTION!r}")
        return [], [], None
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    lines = [l for l in section.splitlines() if l.startswith("| ")]
    header = [c.strip() for c in lines[0].strip().strip("|").split(" | ")]
    versions = [h.split()[0] for h in header[1:]]
    rows = []
    for line in lines[2:]:
        cells = [c.strip().replace("\\|", "|") for c in line.strip()[2:-2].split(" | ")]
        if len(cells) != len(header):
            fail(f"a row with {len(cells)} cells, the header has {len(header)}: {line[:80]}")
            continue
        rows.append((cells[0], cells[1:]))
    other = re.search(r"The other (\d+) rules have one verdict.*?: (\d+) pass, (\d+) skip, "
                      r"(\d+) fail \(([^)]*)\)", section, re.S)
    return versions, rows, other


def where(message):
    return message.split(": ", 1)[0]


def main():
    bufconf, doc = os.path.abspath(sys.argv[1]), sys.argv[2]
    versions, rows, other = parse_table(doc)
    pythons = interpreters()
    tmp = os.environ.get("TEST_TMPDIR") or tempfile.mkdtemp()
    out = os.path.join(tmp, "matrix.json")
    command = [bufconf, "matrix", "--no-expectations", "--quiet", "--json", out,
               "--failures-dir", os.path.join(tmp, "failures")]
    for p in pythons:
        command += ["--python", p]
    print("running: " + " ".join(command), flush=True)
    r = subprocess.run(command, cwd=tmp, capture_output=True, text=True)
    print(r.stdout[-6000:])
    if r.returncode != 1:  # every column has failures: the findings
        fail(f"bufconf matrix exited {r.returncode}, expected 1; stderr: {r.stderr[-2000:]}")
    m = json.load(open(out))["matrix"]
    columns = m["interpreters"]
    for c in columns:
        if not c["ran"]:
            fail(f"{c['given']} did not run: {c['not_run']}")
    # The doc's columns that ran here, by version: doc column index -> JSON column index.
    ran = {}
    for i, v in enumerate(versions):
        js = [j for j, c in enumerate(columns) if c["ran"] and c["version"] == v]
        if js:
            ran[i] = js[0]
    print("checked columns: " + (", ".join(f"{versions[i]} ({columns[j]['path']})"
                                           for i, j in ran.items()) or "none"))
    skipped = [v for i, v in enumerate(versions) if i not in ran]
    print("skipped columns (no such interpreter here): " + (", ".join(skipped) or "none"))
    extra = [c["version"] for j, c in enumerate(columns) if j not in ran.values()]
    if extra:
        print("interpreters run but not in the table (not checked): " + ", ".join(extra))
    by_id = {rule["id"]: rule for rule in m["rules"]}
    js = list(ran.values())

    covered_rules, covered_exporters = set(), set()
    for label, cells in rows:
        if label.startswith("totals"):
            if len(ran) == len(versions):
                for i, j in ran.items():
                    t = columns[j]["totals"]
                    want = f"{t['pass']} / {t['fail']} / {t['skip']}"
                    if cells[i] != want:
                        fail(f"totals, {versions[i]}: the doc says {cells[i]!r}, measured {want!r}")
            continue
        rule_id = label.split(":")[0].strip()
        rule = by_id.get(rule_id)
        if rule is None:
            fail(f"row {label[:60]!r}: no rule {rule_id!r} in the matrix")
            continue
        names = re.findall(r"`([^`]+)`", label) if ":" in label else []
        if not names:
            covered_rules.add(rule_id)
        for i, j in ran.items():
            cell = rule["cells"][j]
            if not names:
                measured = "FAIL" if cell["status"] == "fail" else cell["status"]
                if cells[i] != measured:
                    fail(f"{rule_id}, {versions[i]}: the doc says {cells[i]}, measured {measured}")
                continue
            wheres = [where(msg) for msg in cell.get("messages") or []] \
                if cell["status"] == "fail" else []
            for name in names:
                covered_exporters.add((rule_id, name))
                failed = any(w.startswith(name) for w in wheres)
                if failed != (cells[i] == "FAIL") or cells[i] not in ("FAIL", "pass", "—"):
                    fail(f"{rule_id} on {name!r}, {versions[i]}: the doc says {cells[i]}, measured "
                         f"{'a failure' if failed else 'no failure'}")
        print(f"checked: {label[:90]}")

    # Nothing that differs between the columns that ran is missing from the table.
    same_everywhere = {"pass": 0, "skip": 0, "fail": []}
    for rule in m["rules"]:
        statuses = {rule["cells"][j]["status"] for j in js}
        if len(statuses) > 1:
            if rule["id"] not in covered_rules:
                fail(f"{rule['id']} differs between the columns ({sorted(map(str, statuses))}) "
                     f"and the table has no row for it")
            continue
        sets = []
        for j in js:
            cell = rule["cells"][j]
            ws = {where(msg) for msg in cell.get("messages") or []} if cell["status"] == "fail" else set()
            sets.append({"interpreter" if w.startswith("interpreter ") else w for w in ws})
        differing = set().union(*sets) - set.intersection(*sets) if sets else set()
        for w in sorted(differing):
            if not any(r == rule["id"] and w.startswith(n) for r, n in covered_exporters):
                fail(f"{rule['id']}: {w!r} fails in some columns only and has no exporter row")
        if not differing and rule["id"] not in covered_rules and \
                not any(r == rule["id"] for r, _ in covered_exporters):
            status = statuses.pop()
            if status == "fail":
                same_everywhere["fail"].append(rule["id"])
            elif status in same_everywhere:
                same_everywhere[status] += 1
    if len(ran) == len(versions):
        if other is None:
            fail("no line 'The other N rules have one verdict ...: P pass, S skip, F fail (...)'")
        else:
            n, p, s, f, names = other.groups()
            want = (len(m["rules"]) - len(covered_rules) - len({r for r, _ in covered_exporters}),
                    same_everywhere["pass"], same_everywhere["skip"], len(same_everywhere["fail"]),
                    ", ".join(same_everywhere["fail"]))
            got = (int(n), int(p), int(s), int(f), names)
            if got != want:
                fail(f"the other rules: the doc says {got}, measured {want}")
            else:
                print(f"checked: the other {n} rules")
        # bufconf matrix's own list of changes (statuses, and since 7d81319 exporters) must name
        # the same rules as the table; this test's comparison above does not rely on it.
        table_rules = covered_rules | {r for r, _ in covered_exporters}
        changes = {c["id"]: c.get("kind", "status") for c in m.get("changes", [])}
        if not extra and set(changes) != table_rules:
            fail(f"bufconf matrix's changes {sorted(changes)} are not the table's rules "
                 f"{sorted(table_rules)}")
        elif not extra:
            print("checked: bufconf matrix's changes name the table's rules: " +
                  ", ".join(f"{k} ({v})" for k, v in changes.items()))
    else:
        print("not checked (not every column ran): the totals row, the count of the other rules "
              "and bufconf matrix's changes")

    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
