"""Compiler options for bufconf's own code (not for third-party code).

Usage in a BUILD file:
    load("//third_party:copts.bzl", "BUFCONF_COPTS")
    cc_library(name = "...", srcs = [...], copts = BUFCONF_COPTS)

Works with gcc 12 (default) and clang 14 (--config=fuzz). System libraries are exposed via
`includes`, which Bazel passes as -isystem, so their headers do not trip these warnings.
"""

BUFCONF_COPTS = [
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wshadow",
    "-Wnon-virtual-dtor",
    "-Woverloaded-virtual",
    "-Wpointer-arith",
    "-Wformat=2",
    "-Wimplicit-fallthrough",
    "-Wvla",
]
