"""bufconf_fuzz_target: a libFuzzer binary (--config=fuzz) and a replay test over its corpus."""

load("//third_party:copts.bzl", "BUFCONF_COPTS")

def bufconf_fuzz_target(name, srcs, deps = [], copts = []):
    # The libFuzzer binary: bazel build --config=fuzz //fuzz:<name>
    native.cc_binary(
        name = name,
        srcs = srcs,
        copts = BUFCONF_COPTS + copts,
        linkopts = ["-fsanitize=fuzzer"],
        deps = deps,
        tags = ["manual"],
    )

    # The same target replayed over corpus/<name>/ (seeds and regressions) in every bazel test.
    native.cc_test(
        name = name + "_replay",
        size = "small",
        srcs = srcs + ["replay_main.cc"],
        copts = BUFCONF_COPTS + copts,
        args = ["corpus/" + name],
        data = ["//corpus:" + name],
        deps = deps,
    )
