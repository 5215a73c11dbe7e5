#!/usr/bin/env python3
"""Fails when a C/C++ target of the project is built without BUFCONF_COPTS.

Warnings are errors for project code through BUFCONF_COPTS (third_party/copts.bzl) rather than
a global --copt in .bazelrc, which would also reach the Debian sources Bazel compiles; so every
cc_library / cc_binary / cc_test with sources must pass copts built from BUFCONF_COPTS. Run by
tools/test before the tests: python3 tools/check_copts.py [ROOT]
"""
import ast
import pathlib
import sys


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    missing = []
    for build in sorted(root.rglob("BUILD")):
        rel = build.relative_to(root)
        if rel.parts[0].startswith("bazel-") or rel.parts[:2] == ("third_party", "bazel_shims"):
            continue
        for node in ast.walk(ast.parse(build.read_text(), str(rel))):
            if not (isinstance(node, ast.Call) and
                    getattr(node.func, "id", "") in ("cc_library", "cc_binary", "cc_test")):
                continue
            kw = {k.arg: k.value for k in node.keywords}
            if "srcs" not in kw:
                continue
            name = kw["name"].value if isinstance(kw.get("name"), ast.Constant) else "?"
            if "copts" not in kw or "COPTS" not in ast.unparse(kw["copts"]):
                missing.append(f"//{rel.parent}:{name}")
    for target in missing:
        print(f"check_copts: {target} has no copts = BUFCONF_COPTS (warnings would not be errors)",
              file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
