// `bufconf run`'s share of the rules when a run is split across shards: `--shard INDEX/COUNT`,
// or, when --shard is not given, Bazel's test sharding protocol (TEST_TOTAL_SHARDS,
// TEST_SHARD_INDEX; TEST_SHARD_STATUS_FILE is touched to say bufconf shards), so that a
// `bazel test` target with shard_count shards with no glue.
//
// The rules the filter selects are taken in catalogue order; the one at position i (0-based)
// belongs to shard i % COUNT. Every rule is in exactly one shard, the shards differ in size by at
// most one rule, and the split depends only on the catalogue, the filter and COUNT (never on the
// seed, the adapter or the run).
#ifndef BUFCONF_CONFORMANCE_CLI_SHARD_H_
#define BUFCONF_CONFORMANCE_CLI_SHARD_H_

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "conformance/suite/report.h"

namespace bufconf::cli {

// The most shards (COUNT of --shard, TEST_TOTAL_SHARDS).
constexpr int64_t kMaxShards = 1'000'000;

struct ShardSpec {
  int64_t index = 0;  // 0-based
  int64_t count = 1;
};

// "INDEX/COUNT": whole numbers (digits only) with 0 <= INDEX < COUNT <= kMaxShards. nullopt when
// not, with the reason in *error (without the option's name).
std::optional<ShardSpec> ParseShard(const std::string& text, std::string* error);

// run --shard: ParseShard.
CLI::Validator ShardValidator();

// Bazel's TEST_TOTAL_SHARDS and TEST_SHARD_INDEX, as `getenv` gives them: nullopt (and *error
// empty) when TEST_TOTAL_SHARDS is unset or empty (not sharded); nullopt with *error naming the
// variables when they are set but wrong (an index missing, not a number, out of range).
std::optional<ShardSpec> ShardFromEnvironment(const char* total_shards, const char* shard_index,
                                              std::string* error);

// Touches `path` (Bazel's TEST_SHARD_STATUS_FILE): creates it, or updates its time. false with
// *error when it cannot.
bool TouchShardStatusFile(const std::string& path, std::string* error);

// The rules of shard `spec`: those of `rules` (in order) at positions i with i % count == index.
std::vector<std::string> ShardRules(const std::vector<std::string>& rules, const ShardSpec& spec);

// This run's shard: from `shard_option` (--shard's text, "" when not given), else from the
// environment (then TEST_SHARD_STATUS_FILE, when set, is touched). `filtered` are the rules the
// filter selects, in catalogue order. Returns false with *error (the whole message, naming the
// option or the variables) when the shard is wrong or the status file cannot be touched. When the
// run is not sharded, info->count is 0 and *rules is left empty.
bool SelectShard(const std::string& shard_option, const std::vector<std::string>& filtered,
                 suite::ShardInfo* info, std::vector<std::string>* rules, std::string* error);

}  // namespace bufconf::cli

#endif  // BUFCONF_CONFORMANCE_CLI_SHARD_H_
