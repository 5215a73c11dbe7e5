"""bufconf_fuzz_target: a libFuzzer binary (--config=fuzz) and a replay test over its corpus."""

load("//third_party:copts.bzl", "BUFCONF_COPTS")

def bufconf_fuzz_target(
        name,
        srcs,
        deps = [],
        copts = [],
        corpus = None,
        replay_size = "small",
        lsan_suppressions = None):
    """A fuzz target `name` and its replay test `name`_replay.

    Args:
      name: the target (and, unless `corpus` is given, its corpus: //corpus:<name>).
      srcs: sources defining LLVMFuzzerTestOneInput (and optionally LLVMFuzzerInitialize).
      deps: libraries.
      copts: extra compiler options.
      corpus: the corpus directory under corpus/ (default: `name`).
      replay_size: the replay test's size.
      lsan_suppressions: a LeakSanitizer suppressions file the replay test runs with (leaks of
        system libraries it loads, seen under --config=asan), or None.
    """
    corpus = corpus or name

    # The libFuzzer binary: bazel build --config=fuzz //fuzz:<name>
    native.cc_binary(
        name = name,
        srcs = srcs,
        copts = BUFCONF_COPTS + copts,
        linkopts = ["-fsanitize=fuzzer"],
        deps = deps,
        tags = ["manual"],
    )

    # The same target replayed over corpus/<corpus>/ (seeds and regressions) in every bazel test.
    native.cc_test(
        name = name + "_replay",
        size = replay_size,
        srcs = srcs + ["replay_main.cc"],
        copts = BUFCONF_COPTS + copts,
        args = ["corpus/" + corpus],
        data = ["//corpus:" + corpus] + ([lsan_suppressions] if lsan_suppressions else []),
        env = {
            "LSAN_OPTIONS": "suppressions=$(rootpath %s)" % lsan_suppressions,
        } if lsan_suppressions else {},
        deps = deps,  # fuzz_checks among them: replay_main.cc calls SetExhaustive
    )
