"""The survey's factory: one object of a library's factory (conformance/adapters/python/ecosystem).

`tools/survey` judges a library's objects one at a time, so that every object's verdict on every
rule is known (a run reports only the first object that breaks a rule). It runs
`bufconf run --factory survey_select:make` with

  BUFCONF_SURVEY_FACTORY  the library's factory, `module:callable` (docs/python-factory.md)
  BUFCONF_SURVEY_INDEX    which entry of what it returns to give

and `python3 survey_select.py describe FILE` writes the descriptions of all its entries to FILE
as JSON (a library may print on import), the way the python adapter names them
(docs/python-factory.md, "What it returns").
"""
import importlib
import json
import os
import sys


def _entries():
    spec = os.environ["BUFCONF_SURVEY_FACTORY"]
    module_name, _, attribute = spec.partition(":")
    target = importlib.import_module(module_name)
    for part in attribute.split("."):
        target = getattr(target, part)
    return spec, list(target())


def _description(spec, index, entry):
    if isinstance(entry, dict):
        description = entry.get("description")
        obj = entry.get("object")
    elif isinstance(entry, tuple) and len(entry) in (2, 3):
        description, obj = entry[0], entry[1]
    else:
        description, obj = None, entry
    if isinstance(description, str):
        return description
    return "%s[%d] %s" % (spec, index, type(obj).__name__)


def make():
    _, entries = _entries()
    return [entries[int(os.environ["BUFCONF_SURVEY_INDEX"])]]


def describe():
    spec, entries = _entries()
    return [_description(spec, i, entry) for i, entry in enumerate(entries)]


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "describe":
        sys.exit("usage: BUFCONF_SURVEY_FACTORY=module:callable survey_select.py describe FILE")
    names = describe()
    with open(sys.argv[2], "w") as f:
        json.dump(names, f)
