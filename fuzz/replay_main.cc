// Replays a fuzz target over its corpus as an ordinary test (gcc, no libFuzzer): every file
// under the directories given as arguments is one input. A regression input that fails again
// aborts the test with the check's message. Checks run exhaustively (no walk budget,
// fuzz_checks.h SetExhaustive), and the target's LLVMFuzzerInitialize, if it has one, runs first
// as libFuzzer would run it.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" __attribute__((weak)) int LLVMFuzzerInitialize(int* argc, char*** argv);

// Targets with a custom mutator refer to libFuzzer's mutator; replay never mutates (the mutator
// is exercised by //fuzz:descriptor_mutator_test).
extern "C" __attribute__((weak)) size_t LLVMFuzzerMutate(uint8_t*, size_t size, size_t) {
  return size;
}

namespace {

int Replay(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return -1;
  }
  if (S_ISDIR(st.st_mode)) {
    int n = 0;
    DIR* dir = opendir(path.c_str());
    if (dir == nullptr) return -1;
    std::vector<std::string> names;
    while (dirent* e = readdir(dir)) {
      if (e->d_name[0] != '.') names.push_back(e->d_name);
    }
    closedir(dir);
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      const int r = Replay(path + "/" + name);
      if (r < 0) return r;
      n += r;
    }
    return n;
  }
  std::ifstream in(path, std::ios::binary);
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  std::fprintf(stderr, "replaying %s (%zu bytes)\n", path.c_str(), bytes.size());
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  bufconf::fuzz::SetExhaustive(true);
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  int total = 0;
  for (int i = 1; i < argc; ++i) {
    const int n = Replay(argv[i]);
    if (n < 0) return 2;
    total += n;
  }
  std::fprintf(stderr, "replayed %d inputs\n", total);
  if (total == 0) {
    std::fprintf(stderr, "no inputs: the corpus is missing\n");
    return 1;
  }
  return 0;
}
