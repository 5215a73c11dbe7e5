"""bufconf_conformance_test: the bufconf conformance suite (`bufconf run`) as a `bazel test` target.

    load("//conformance/bazel:defs.bzl", "bufconf_conformance_test")

    bufconf_conformance_test(
        name = "conformance_test",
        factory = "factory:correct",               # judge these Python objects ...
        data = [":factory.py", ":my_extension.so"],
        expectations = "bufconf.expect",           # known failures (xfail)
        shard_count = 3,                           # three shards, each a third of the rules
    )

The test exits as `bufconf run` does (0 every rule passes or fails as expected, 1 a rule failed,
2 a usage or adapter error, 3 bufconf could not judge everything). Its JUnit XML is Bazel's
test.xml (one test case per rule); the JSON and HTML scorecards (bufconf.json, bufconf.html) and
the counterexample files (bufconf-failures/) are undeclared test outputs
(bazel-testlogs/PACKAGE/NAME/test.outputs/). With shard_count, each shard judges its share of the
rules (bufconf run reads Bazel's TEST_TOTAL_SHARDS/TEST_SHARD_INDEX: the rule at position i of
the catalogue is in shard i % shard_count), and its reports list only those.
"""

_BUILT_IN_ADAPTERS = ["python", "reference", "mirror"]

def _is_label(value):
    return value.startswith("//") or value.startswith(":") or value.startswith("@")

def bufconf_conformance_test(
        name,
        adapter = None,
        factory = None,
        python = None,
        profile = "quick",
        expectations = None,
        shard_count = None,
        seed = None,
        args = [],
        data = [],
        **kwargs):
    """A test that runs the bufconf conformance suite against an implementation.

    Args:
      name: the test's name.
      adapter: a built-in adapter ("python", "reference", "mirror"), or the label of a
        shared-library adapter (the output of bufconf_adapter_shared_library). Default: bufconf
        run's, "python" (embedded CPython, with a `factory` the objects it returns).
      factory: "module:callable" returning the Python objects to judge
        (docs/python-factory.md); the module's .py files, and the extension modules it imports,
        go in `data`: their directories are put on BUFCONF_PYTHON_PATH.
      python: the interpreter to run the python adapter in (`bufconf run --python VALUE`): a
        path or command name, or the label of an interpreter in `data`'s sense (added to it).
      profile: "quick" (100 cases per rule) or "deep" (1000, every flags value).
      expectations: the label of an expectations file (known failures: `RULE-ID reason` lines).
      shard_count: split the rules across this many shards (Bazel's test sharding).
      seed: the seed (a whole number); default bufconf run's, 1.
      args: more `bufconf run` options (e.g. ["--filter", "REQ-*"], ["--examples", "20"]).
      data: files the test needs: the factory's modules, extension modules, ...
      **kwargs: passed to the sh_test (size, timeout, tags, visibility, ...).
    """
    test_data = [Label("//:bufconf")] + list(data)
    run_args = []
    if adapter != None:
        if adapter in _BUILT_IN_ADAPTERS:
            run_args += ["--adapter", adapter]
        else:
            run_args += ["--adapter", "$(rootpath %s)" % adapter]
            test_data.append(adapter)
    if factory != None:
        run_args += ["--factory", factory]
    if python != None:
        if _is_label(python):
            run_args += ["--python", "$(rootpath %s)" % python]
            test_data.append(python)
        else:
            run_args += ["--python", python]
    if profile != None:
        run_args += ["--profile", profile]
    if expectations != None:
        run_args += ["--expectations", "$(rootpath %s)" % expectations]
        test_data.append(expectations)
    if seed != None:
        run_args += ["--seed", str(seed)]

    # With a factory, the directories of the data files go on BUFCONF_PYTHON_PATH.
    python_path = []
    if factory != None and data:
        python_path = ["--python-path"] + ["$(rootpaths %s)" % d for d in data]

    native.sh_test(
        name = name,
        srcs = [Label("//conformance/bazel:conformance_test.sh")],
        args = ["$(rootpath %s)" % Label("//:bufconf")] + python_path + ["--"] + run_args +
               list(args),
        data = test_data,
        shard_count = shard_count,
        **kwargs
    )
