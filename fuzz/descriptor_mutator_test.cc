// The descriptor target's custom mutator, which the replay tests never run (libFuzzer calls it
// only while fuzzing): over every corpus input and a few extreme ones, with many seeds, each
// output fed back in for more rounds and replayed through the target. Fails on a crash, an output
// larger than max_size, or (under --config=asan) any sanitizer report such as the signed
// overflow the campaign once found in it; and unless every kind of structural mutation happened
// (format, number of dimensions, request flags, structural output at all).
#include <dirent.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <vector>

#include "fuzz/fuzz_input.h"
#include "reference/layout/descriptor_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed);

namespace {

unsigned byte_mutations = 0;

}  // namespace

// libFuzzer's byte mutator, stood in for by a deterministic one: one byte changed, or the input
// cut by one byte.
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size) {
  ++byte_mutations;
  if (size == 0) return max_size > 0 ? (data[0] = 'x', 1) : 0;
  const size_t at = (byte_mutations * 2654435761u) % size;
  if (byte_mutations % 5 == 0) return size - 1;
  data[at] = static_cast<uint8_t>(data[at] + 1 + byte_mutations % 7);
  return size;
}

namespace {

std::vector<std::vector<uint8_t>> Inputs(const std::string& dir) {
  std::vector<std::vector<uint8_t>> out;
  for (const char* sub : {"/seeds", "/regressions"}) {
    DIR* d = opendir((dir + sub).c_str());
    if (d == nullptr) continue;
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] == '.') continue;
      std::ifstream in(dir + sub + "/" + e->d_name, std::ios::binary);
      out.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    closedir(d);
  }
  return out;
}

// Descriptors at the edges of int64: every arithmetic mutation of them would overflow.
std::vector<std::vector<uint8_t>> Extremes() {
  std::vector<std::vector<uint8_t>> out;
  const int64_t kMax = std::numeric_limits<int64_t>::max();
  const int64_t kMin = std::numeric_limits<int64_t>::min();
  for (int64_t x : {kMax, kMin, kMax - 1, kMin + 1}) {
    bufconf::layout::Descriptor v;
    v.buf = static_cast<uint64_t>(x);
    v.len = x;
    v.itemsize = x;
    v.ndim = 2;
    v.format = "T{(2,3)i:a:}";
    v.shape = std::vector<int64_t>{x, x};
    // -x - 1 (-x for kMin), computed without overflow (UBSan): modulo 2^64, as the codec sees it.
    const uint64_t negated = uint64_t{0} - static_cast<uint64_t>(x) - (x == kMin ? 0u : 1u);
    v.strides = std::vector<int64_t>{x, static_cast<int64_t>(negated)};
    v.suboffsets = std::vector<int64_t>{x, -1};
    bufconf::layout::Memory m;
    m.AddRegion({0x1000, std::vector<uint8_t>(16, 0xab), "data"});
    out.push_back(bufconf::layout::EncodeDescriptor(v, m));
    const std::string json = "{\"buf\": \"0x10\", \"len\": " + std::to_string(x) +
                             ", \"itemsize\": " + std::to_string(x) +
                             ", \"ndim\": 1, \"format\": \"i\", \"shape\": [" + std::to_string(x) +
                             "], \"strides\": [" + std::to_string(x) + "]}";
    out.emplace_back(json.begin(), json.end());
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: descriptor_mutator_test CORPUS_DIR\n");
    return 2;
  }
  std::vector<std::vector<uint8_t>> inputs = Inputs(argv[1]);
  if (inputs.empty()) {
    std::fprintf(stderr, "no corpus in %s\n", argv[1]);
    return 1;
  }
  for (auto& e : Extremes()) inputs.push_back(std::move(e));
  constexpr unsigned kSeeds = 160;
  constexpr int kRounds = 4;
  unsigned calls = 0, structural = 0, format_changed = 0, ndim_changed = 0, flags_changed = 0;
  for (const std::vector<uint8_t>& input : inputs) {
    for (unsigned seed = 0; seed < kSeeds; ++seed) {
      const size_t max_size = input.size() + 4096;
      std::vector<uint8_t> buf(input);
      buf.resize(max_size);
      size_t size = input.size();
      for (int round = 0; round < kRounds; ++round) {
        bufconf::fuzz::FuzzCase before, after;
        const bool decoded_before = bufconf::fuzz::DecodeDescriptorInput(buf.data(), size, &before);
        const unsigned bytes_before = byte_mutations;
        size = LLVMFuzzerCustomMutator(buf.data(), size, max_size, seed * 7919u + round * 31u);
        ++calls;
        if (size > max_size) {
          std::fprintf(stderr, "FAIL: the mutator returned %zu bytes, more than max_size %zu\n",
                       size, max_size);
          return 1;
        }
        LLVMFuzzerTestOneInput(buf.data(), size);
        if (!decoded_before || byte_mutations != bytes_before) continue;
        ++structural;
        if (!bufconf::fuzz::DecodeDescriptorInput(buf.data(), size, &after)) continue;
        if (after.c.view.format != before.c.view.format) ++format_changed;
        if (after.c.view.ndim != before.c.view.ndim) ++ndim_changed;
        if (after.flags != before.flags) ++flags_changed;
      }
    }
  }
  std::fprintf(stderr,
               "%zu inputs, %u mutations: %u structural, %u changed the format, %u the number of "
               "dimensions, %u the request flags; %u byte mutations\n",
               inputs.size(), calls, structural, format_changed, ndim_changed, flags_changed,
               byte_mutations);
  if (structural < calls / 2 || format_changed == 0 || ndim_changed == 0 || flags_changed == 0) {
    std::fprintf(stderr, "FAIL: the mutator does not make every kind of structural mutation\n");
    return 1;
  }
  return 0;
}
