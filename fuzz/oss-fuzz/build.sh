#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script: compiles bufconf's fuzz targets with the
# infrastructure's $CXX/$CXXFLAGS/$LIB_FUZZING_ENGINE (no Bazel needed there) and ships each
# target's seed corpus, regressions and dictionary. Used from a project Dockerfile that installs
# nlohmann-json3-dev and copies this repository to $SRC/bufconf (docs/fuzzing.md).
cd "$SRC/bufconf"
common=(reference/format/codes.cc reference/format/layout.cc reference/format/parser.cc
        reference/format/printer.cc reference/format/value.cc reference/format/format_json.cc
        reference/layout/addressing.cc reference/layout/contiguity.cc reference/layout/descriptor.cc
        reference/layout/mirror.cc reference/layout/request.cc reference/layout/checker.cc
        reference/layout/descriptor_json.cc reference/layout/descriptor_codec.cc
        reference/rules/catalogue.cc fuzz/fuzz_checks.cc fuzz/recipe.cc)
for target in format_fuzzer descriptor_fuzzer model_fuzzer; do
  extra=()
  [ "$target" = descriptor_fuzzer ] && extra=(-DBUFCONF_CUSTOM_MUTATOR)
  $CXX $CXXFLAGS -std=c++17 -I. "${extra[@]}" "${common[@]}" "fuzz/$target.cc" \
    $LIB_FUZZING_ENGINE -o "$OUT/$target"
  (cd "corpus/$target" && zip -q -r "$OUT/${target}_seed_corpus.zip" .)
done
# The fast mirroring library against the oracle (mirror/, its own sources and real memory).
$CXX $CXXFLAGS -std=c++17 -I. "${common[@]}" conformance/adapter/real_layout.cc mirror/mirror.cc \
  fuzz/mirror_fuzzer.cc $LIB_FUZZING_ENGINE -o "$OUT/mirror_fuzzer"
(cd corpus/mirror_fuzzer && zip -q -r "$OUT/mirror_fuzzer_seed_corpus.zip" .)
cp fuzz/format.dict "$OUT/format_fuzzer.dict"
cp fuzz/descriptor.dict "$OUT/descriptor_fuzzer.dict"
