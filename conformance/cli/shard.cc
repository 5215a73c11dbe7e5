#include "conformance/cli/shard.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace bufconf::cli {
namespace {

// A whole number 0..kMaxShards written in digits only ("+1", " 1", "1e3" and "" are not).
std::optional<int64_t> ParseCount(const std::string& text) {
  if (text.empty() || text.size() > 7) return std::nullopt;
  int64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value > kMaxShards) return std::nullopt;
  return value;
}

const std::string kShardForm =
    "INDEX/COUNT, whole numbers with 0 <= INDEX < COUNT <= " + std::to_string(kMaxShards) +
    " (e.g. 0/3: the first of 3 shards)";

std::string CheckShard(const std::string& text) {
  std::string error;
  return ParseShard(text, &error) ? "" : error;
}

}  // namespace

std::optional<ShardSpec> ParseShard(const std::string& text, std::string* error) {
  const size_t slash = text.find('/');
  std::optional<int64_t> index, count;
  if (slash != std::string::npos) {
    index = ParseCount(text.substr(0, slash));
    count = ParseCount(text.substr(slash + 1));
  }
  if (!index || !count || *count < 1 || *index >= *count) {
    *error = "must be " + kShardForm + ", got '" + text + "'";
    return std::nullopt;
  }
  return ShardSpec{*index, *count};
}

CLI::Validator ShardValidator() { return CLI::Validator(CheckShard, "INDEX/COUNT", "shard"); }

std::optional<ShardSpec> ShardFromEnvironment(const char* total_shards, const char* shard_index,
                                              std::string* error) {
  error->clear();
  if (total_shards == nullptr || *total_shards == '\0') return std::nullopt;
  const std::string total = total_shards;
  const std::string index = shard_index != nullptr ? shard_index : "";
  const std::optional<int64_t> count = ParseCount(total);
  const std::optional<int64_t> i = ParseCount(index);
  if (!count || !i || *count < 1 || *i >= *count) {
    *error = "TEST_TOTAL_SHARDS='" + total + "' and TEST_SHARD_INDEX=" +
             (shard_index != nullptr ? "'" + index + "'" : std::string("(unset)")) +
             " (Bazel's test sharding) are not a shard: they must be whole numbers with 0 <= "
             "TEST_SHARD_INDEX < TEST_TOTAL_SHARDS <= " +
             std::to_string(kMaxShards) + " (--shard INDEX/COUNT overrides them)";
    return std::nullopt;
  }
  return ShardSpec{*i, *count};
}

bool TouchShardStatusFile(const std::string& path, std::string* error) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0 || ::futimens(fd, nullptr) != 0) {
    *error = "TEST_SHARD_STATUS_FILE: cannot write '" + path + "': " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return false;
  }
  ::close(fd);
  return true;
}

std::vector<std::string> ShardRules(const std::vector<std::string>& rules, const ShardSpec& spec) {
  std::vector<std::string> out;
  for (size_t i = 0; i < rules.size(); ++i) {
    if (static_cast<int64_t>(i % static_cast<size_t>(spec.count)) == spec.index) {
      out.push_back(rules[i]);
    }
  }
  return out;
}

bool SelectShard(const std::string& shard_option, const std::vector<std::string>& filtered,
                 suite::ShardInfo* info, std::vector<std::string>* rules, std::string* error) {
  *info = suite::ShardInfo{};
  rules->clear();
  std::optional<ShardSpec> spec;
  if (!shard_option.empty()) {
    spec = ParseShard(shard_option, error);
    if (!spec) {
      *error = "--shard: " + *error;
      return false;
    }
    info->source = "--shard";
  } else {
    spec = ShardFromEnvironment(std::getenv("TEST_TOTAL_SHARDS"), std::getenv("TEST_SHARD_INDEX"),
                                error);
    if (!error->empty()) return false;
    if (!spec) return true;  // not sharded
    info->source = "TEST_TOTAL_SHARDS/TEST_SHARD_INDEX";
    // Bazel's protocol: the test says it shards by touching the file.
    const char* status = std::getenv("TEST_SHARD_STATUS_FILE");
    if (status != nullptr && *status != '\0' && !TouchShardStatusFile(status, error)) return false;
  }
  *rules = ShardRules(filtered, *spec);
  info->index = spec->index;
  info->count = spec->count;
  info->rules = static_cast<int64_t>(rules->size());
  info->of = static_cast<int64_t>(filtered.size());
  return true;
}

}  // namespace bufconf::cli
