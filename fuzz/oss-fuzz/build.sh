#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script: compiles bufconf's fuzz targets with the
# infrastructure's $CXX/$CXXFLAGS/$LIB_FUZZING_ENGINE (no Bazel needed there) and ships each
# target's seed corpus, regressions, dictionary and .options file. Used from a project Dockerfile
# (.clusterfuzzlite/Dockerfile) that installs nlohmann-json3-dev and RapidCheck (the suite's case
# codec links it) and copies this repository to $SRC/bufconf (docs/fuzzing.md).
# Not run on this machine (no OSS-Fuzz base image here): see docs/fuzzing.md.
cd "$SRC/bufconf"
common=(reference/format/codes.cc reference/format/layout.cc reference/format/parser.cc
        reference/format/printer.cc reference/format/value.cc reference/format/format_json.cc
        reference/layout/addressing.cc reference/layout/contiguity.cc reference/layout/descriptor.cc
        reference/layout/mirror.cc reference/layout/request.cc reference/layout/checker.cc
        reference/layout/descriptor_json.cc reference/layout/descriptor_codec.cc
        reference/rules/catalogue.cc fuzz/fuzz_checks.cc fuzz/recipe.cc)
# The shared input codec: the suite's cases (and the generators they link) and real layouts.
cases=(fuzz/fuzz_input.cc conformance/suite/cases.cc conformance/adapter/real_layout.cc
       $(ls conformance/generators/*.cc | grep -v _test))
rapidcheck=${RAPIDCHECK_LIB:-/usr/local/lib/librapidcheck.a}
build() {  # target, sources...
  local target=$1
  shift
  $CXX $CXXFLAGS -std=c++17 -I. -I/usr/local/include "$@" $LIB_FUZZING_ENGINE -o "$OUT/$target"
  (cd "corpus/${CORPUS:-$target}" && zip -q -r "$OUT/${target}_seed_corpus.zip" .)
}
build format_fuzzer "${common[@]}" fuzz/format_fuzzer.cc
build descriptor_fuzzer -DBUFCONF_CUSTOM_MUTATOR "${common[@]}" "${cases[@]}" \
  fuzz/descriptor_fuzzer.cc "$rapidcheck"
build model_fuzzer "${common[@]}" "${cases[@]}" fuzz/model_fuzzer.cc "$rapidcheck"
# An adapter's algorithm side against the oracle: the reference adapter (BUFCONF_FUZZ_ADAPTER
# may name a .so at run time).
# Its sources are those of //fuzz:differential_fuzzer; list them again after a change with
#   bazel query 'kind("source file", deps(//fuzz:differential_fuzzer))' | grep '\.cc$'
build differential_fuzzer "${common[@]}" "${cases[@]}" conformance/suite/checks.cc \
  conformance/suite/session.cc conformance/suite/algorithm_checks.cc conformance/adapter/loader.cc \
  conformance/adapter/reference_adapter.cc fuzz/differential_fuzzer.cc "$rapidcheck" -ldl
# The fast mirroring library against the oracle (mirror/, its own sources and real memory).
build mirror_fuzzer "${common[@]}" "${cases[@]}" mirror/mirror.cc fuzz/mirror_fuzzer.cc \
  "$rapidcheck"
for target in format_fuzzer descriptor_fuzzer model_fuzzer differential_fuzzer mirror_fuzzer; do
  cp "fuzz/$target.options" "$OUT/$target.options"
done
cp fuzz/format.dict "$OUT/format_fuzzer.dict"
for target in descriptor_fuzzer model_fuzzer differential_fuzzer mirror_fuzzer; do
  cp fuzz/descriptor.dict "$OUT/$target.dict"
done
