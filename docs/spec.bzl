"""spec_sources: the files docs/spec.md scans for rule IDs, and which tests may count.

For every test target in `tests`, an aspect collects the test's own source files (srcs) and the
source files of its data (corpora, scripts, test data), and decides whether the test exercises a
judging component: whether it depends, through deps or data, on one of JUDGES (the reference
model or the conformance suite's checks). The rule writes a manifest, one line per file:

    <test label> TAB <1 if the test exercises a judging component, else 0> TAB <path>

with paths relative to the workspace (and to the runfiles directory of the tools that read it),
and makes every listed file a runfile. Sorted; no absolute paths.
"""

# The components that decide whether a rule is broken: the format model, the layout model (the
# request oracle, contiguity, addressing, mirroring), the checker and the suite's checks. A test
# that depends on none of them (e.g. a test of the report or the catalogue) only uses rule IDs as
# data, so its mentions do not count.
JUDGES = [
    "//reference/format:format",
    "//reference/layout:layout",
    "//reference/layout:checker",
    "//conformance/suite:checks",
]

SpecTestInfo = provider(
    doc = "Per target: whether it is or depends on a judge; for tests, the files to scan.",
    fields = {
        "judges": "bool: the target is one of JUDGES or depends on one through deps or data",
        "files": "list of source Files to scan (test targets only)",
    },
)

def _label_text(label):
    return "//" + label.package + ":" + label.name

def _as_list(value):
    if value == None:
        return []
    if type(value) == "list":
        return value
    return [value]

def _spec_aspect_impl(target, ctx):
    judges = target.label.workspace_name == "" and _label_text(target.label) in JUDGES
    for attr in ["deps", "data"]:
        for dep in _as_list(getattr(ctx.rule.attr, attr, None)):
            if type(dep) == "Target" and SpecTestInfo in dep and dep[SpecTestInfo].judges:
                judges = True
    files = []
    if ctx.rule.kind.endswith("_test"):
        candidates = list(getattr(ctx.rule.files, "srcs", []))
        for dep in _as_list(getattr(ctx.rule.attr, "data", None)):
            if type(dep) == "Target":
                candidates.extend(dep[DefaultInfo].files.to_list())
        for f in candidates:
            if f.is_source and f.owner.workspace_name == "":
                files.append(f)
    return [SpecTestInfo(judges = judges, files = files)]

_spec_aspect = aspect(
    implementation = _spec_aspect_impl,
    attr_aspects = ["deps", "data"],
)

def _spec_sources_impl(ctx):
    lines = []
    files = []
    for test in ctx.attr.tests:
        info = test[SpecTestInfo]
        label = _label_text(test.label)
        for f in info.files:
            lines.append("%s\t%s\t%s" % (label, "1" if info.judges else "0", f.short_path))
            files.append(f)
        if not info.files:
            lines.append("%s\t%s\t" % (label, "1" if info.judges else "0"))
    manifest = ctx.actions.declare_file(ctx.label.name + ".txt")
    ctx.actions.write(manifest, "\n".join(sorted(lines)) + "\n")
    return [DefaultInfo(
        files = depset([manifest]),
        runfiles = ctx.runfiles(files = [manifest] + files),
    )]

spec_sources = rule(
    implementation = _spec_sources_impl,
    doc = "Writes <name>.txt, the manifest of the files of `tests` (see the file's doc).",
    attrs = {
        "tests": attr.label_list(aspects = [_spec_aspect]),
    },
)
