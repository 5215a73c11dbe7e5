#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script: compiles bufconf's fuzz targets with the
# infrastructure's $CXX/$CXXFLAGS/$LIB_FUZZING_ENGINE (no Bazel needed there) and ships each
# target's seed corpus, regressions, dictionary and .options file. Used from a project Dockerfile
# (.clusterfuzzlite/Dockerfile) that installs nlohmann-json3-dev and RapidCheck (the suite's case
# codec links it) and copies this repository to $SRC/bufconf (docs/fuzzing.md).
# tools/oss-fuzz-check runs it here in an emulated OSS-Fuzz environment (clang, libFuzzer, ASan)
# and runs every target it builds over its seed corpus.
cd "$SRC/bufconf"
common=(reference/format/codes.cc reference/format/layout.cc reference/format/parser.cc
        reference/format/printer.cc reference/format/value.cc reference/format/format_json.cc
        reference/layout/addressing.cc reference/layout/contiguity.cc reference/layout/descriptor.cc
        reference/layout/mirror.cc reference/layout/request.cc reference/layout/checker.cc
        reference/layout/descriptor_json.cc reference/layout/descriptor_codec.cc
        reference/layout/fill_info.cc reference/layout/values_json.cc
        reference/rules/catalogue.cc fuzz/fuzz_checks.cc fuzz/recipe.cc)
# The shared input codec: the suite's cases (and the generators they link) and real layouts.
cases=(fuzz/fuzz_input.cc conformance/suite/cases.cc conformance/adapter/real_layout.cc
       conformance/generators/format_gen.cc conformance/generators/layout_gen.cc)
# An adapter's algorithm side against the oracle: the reference adapter (BUFCONF_FUZZ_ADAPTER
# may name a .so at run time). The sources of each target are those of its Bazel target; list
# them again after a change with
#   bazel query 'kind("source file", deps(//fuzz:differential_fuzzer))' | grep '\.cc$'
differential=(conformance/suite/checks.cc conformance/suite/session.cc conformance/suite/report.cc
              conformance/suite/algorithm_checks.cc conformance/adapter/loader.cc
              conformance/adapter/reference_adapter.cc conformance/adapter/reference_consumers.cc
              conformance/suite/consumer_checks.cc conformance/suite/consumer_rules.cc
              conformance/suite/isolation.cc)
rapidcheck=${RAPIDCHECK_LIB:-/usr/local/lib/librapidcheck.a}
targets=(format_fuzzer descriptor_fuzzer model_fuzzer differential_fuzzer mirror_fuzzer)

# Every source is compiled once (the targets share most of them), in parallel, into $WORK.
objdir="${WORK:-/tmp}/bufconf-obj"
mkdir -p "$objdir"
object() { echo "$objdir/$(echo "${1%.cc}" | tr / _).o"; }
compile() {  # source: only descriptor_fuzzer.cc takes the custom mutator (as in fuzz/BUILD)
  local extra=()
  [[ $1 == fuzz/descriptor_fuzzer.cc ]] && extra=(-DBUFCONF_CUSTOM_MUTATOR)
  $CXX $CXXFLAGS -std=c++17 -I. -I/usr/local/include "${extra[@]}" -c "$1" -o "$(object "$1")"
}
export -f compile object
export objdir CXX CXXFLAGS
sources=("${common[@]}" "${cases[@]}" "${differential[@]}" mirror/mirror.cc)
for target in "${targets[@]}"; do sources+=("fuzz/$target.cc"); done
printf '%s\n' "${sources[@]}" | sort -u |
  xargs -P "${BUFCONF_BUILD_JOBS:-$(nproc)}" -I{} bash -euc 'compile "$1"' _ {}

link() {  # target, sources... (and libraries)
  local target=$1 objects=() arg
  shift
  for arg in "$@"; do
    if [[ $arg == *.cc ]]; then objects+=("$(object "$arg")"); else objects+=("$arg"); fi
  done
  $CXX $CXXFLAGS "${objects[@]}" $LIB_FUZZING_ENGINE -o "$OUT/$target"
  # Seeds, regressions and rejected inputs: every file of corpus/<target>/.
  (cd "corpus/$target" && zip -q -r "$OUT/${target}_seed_corpus.zip" .)
}
link format_fuzzer "${common[@]}" fuzz/format_fuzzer.cc
link descriptor_fuzzer "${common[@]}" "${cases[@]}" fuzz/descriptor_fuzzer.cc "$rapidcheck"
link model_fuzzer "${common[@]}" "${cases[@]}" fuzz/model_fuzzer.cc "$rapidcheck"
link differential_fuzzer "${common[@]}" "${cases[@]}" "${differential[@]}" \
  fuzz/differential_fuzzer.cc "$rapidcheck" -ldl
# The fast mirroring library against the oracle (mirror/, its own sources and real memory).
link mirror_fuzzer "${common[@]}" "${cases[@]}" mirror/mirror.cc fuzz/mirror_fuzzer.cc \
  "$rapidcheck"
for target in "${targets[@]}"; do
  cp "fuzz/$target.options" "$OUT/$target.options"
done
cp fuzz/format.dict "$OUT/format_fuzzer.dict"
for target in descriptor_fuzzer model_fuzzer differential_fuzzer mirror_fuzzer; do
  cp fuzz/descriptor.dict "$OUT/$target.dict"
done
