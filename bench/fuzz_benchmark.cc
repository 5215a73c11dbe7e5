// Executions per second of a fuzz target over its corpus (seeds and regressions), next to a
// baseline that only copies the same inputs, in one run:
//   bazel run -c opt //bench:format_fuzzer_benchmark
// (items_per_second is exec/s without libFuzzer's instrumentation and sanitizers.)
#include <benchmark/benchmark.h>
#include <dirent.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);
extern "C" __attribute__((weak)) size_t LLVMFuzzerMutate(uint8_t*, size_t size, size_t) {
  return size;
}

namespace {

std::vector<std::vector<uint8_t>> g_inputs;

void Load(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    const std::string path = dir + "/" + e->d_name;
    std::ifstream in(path, std::ios::binary);
    g_inputs.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  closedir(d);
}

void BM_Target(benchmark::State& state) {
  for (auto _ : state) {
    for (const auto& input : g_inputs) LLVMFuzzerTestOneInput(input.data(), input.size());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(g_inputs.size()));
}

void BM_CopyInputsBaseline(benchmark::State& state) {
  for (auto _ : state) {
    for (const auto& input : g_inputs) {
      std::vector<uint8_t> copy(input);
      benchmark::DoNotOptimize(copy.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(g_inputs.size()));
}

BENCHMARK(BM_CopyInputsBaseline);
BENCHMARK(BM_Target);

}  // namespace

int main(int argc, char** argv) {
  const char* root = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  const std::string base = std::string(root != nullptr ? root : ".") + "/corpus/" + BUFCONF_TARGET;
  Load(base + "/seeds");
  Load(base + "/regressions");
  if (g_inputs.empty()) {
    std::fprintf(stderr, "no inputs under %s\n", base.c_str());
    return 1;
  }
  // As libFuzzer does (the differential target loads its adapter there); the walk budget of
  // fuzz_checks.h applies, as while fuzzing.
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
