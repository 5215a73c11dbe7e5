#include "conformance/cli/shard.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <set>
#include <string>
#include <vector>

namespace bufconf::cli {
namespace {

TEST(ParseShard, AcceptsIndexBelowCount) {
  std::string error;
  const std::optional<ShardSpec> s = ParseShard("2/3", &error);
  ASSERT_TRUE(s.has_value()) << error;
  EXPECT_EQ(s->index, 2);
  EXPECT_EQ(s->count, 3);
  ASSERT_TRUE(ParseShard("0/1", &error).has_value());
  ASSERT_TRUE(ParseShard("999999/1000000", &error).has_value());
}

TEST(ParseShard, RejectsWhatIsNoShard) {
  for (const std::string bad :
       {"", "3", "3/3", "4/3", "0/0", "-1/3", "1/-3", "+1/3", " 1/3", "1/3 ", "1/3/5", "a/b",
        "1.0/3", "0/1000001", "0/99999999999999999999", "/3", "1/", "0x1/3"}) {
    std::string error;
    EXPECT_FALSE(ParseShard(bad, &error).has_value()) << bad;
    EXPECT_NE(error.find("INDEX/COUNT"), std::string::npos) << error;
    EXPECT_NE(error.find("got '" + bad + "'"), std::string::npos) << error;
  }
}

TEST(ShardFromEnvironment, UnsetOrEmptyIsNotSharded) {
  std::string error = "stale";
  EXPECT_FALSE(ShardFromEnvironment(nullptr, nullptr, &error).has_value());
  EXPECT_EQ(error, "");
  EXPECT_FALSE(ShardFromEnvironment("", "1", &error).has_value());
  EXPECT_EQ(error, "");
}

TEST(ShardFromEnvironment, ReadsBazelsVariables) {
  std::string error;
  const std::optional<ShardSpec> s = ShardFromEnvironment("3", "1", &error);
  ASSERT_TRUE(s.has_value()) << error;
  EXPECT_EQ(s->index, 1);
  EXPECT_EQ(s->count, 3);
}

TEST(ShardFromEnvironment, BadValuesNameTheVariables) {
  const char* bad[][2] = {{"3", nullptr}, {"3", "3"},  {"0", "0"},
                          {"x", "0"},     {"3", "-1"}, {"3", ""}};
  for (const auto& [total, index] : bad) {
    std::string error;
    EXPECT_FALSE(ShardFromEnvironment(total, index, &error).has_value()) << total;
    EXPECT_NE(error.find("TEST_TOTAL_SHARDS"), std::string::npos) << error;
    EXPECT_NE(error.find("TEST_SHARD_INDEX"), std::string::npos) << error;
  }
}

TEST(ShardRules, EveryRuleInExactlyOneShard) {
  std::vector<std::string> rules;
  for (int i = 0; i < 82; ++i) rules.push_back("RULE-" + std::to_string(i));
  for (int64_t count : {1, 2, 3, 7, 82, 100}) {
    std::multiset<std::string> seen;
    size_t smallest = rules.size(), largest = 0;
    for (int64_t index = 0; index < count; ++index) {
      const std::vector<std::string> shard = ShardRules(rules, {index, count});
      seen.insert(shard.begin(), shard.end());
      smallest = std::min(smallest, shard.size());
      largest = std::max(largest, shard.size());
    }
    EXPECT_EQ(seen, std::multiset<std::string>(rules.begin(), rules.end())) << count;
    EXPECT_LE(largest - smallest, 1u) << count;
  }
  // Catalogue order, position modulo COUNT.
  EXPECT_EQ(ShardRules({"A", "B", "C", "D", "E"}, {1, 2}), (std::vector<std::string>{"B", "D"}));
  EXPECT_EQ(ShardRules({"A"}, {1, 3}), std::vector<std::string>{});
}

TEST(SelectShard, OptionWinsOverTheEnvironment) {
  setenv("TEST_TOTAL_SHARDS", "not a number", 1);
  suite::ShardInfo info;
  std::vector<std::string> rules;
  std::string error;
  ASSERT_TRUE(SelectShard("1/2", {"A", "B", "C"}, &info, &rules, &error)) << error;
  EXPECT_EQ(info.index, 1);
  EXPECT_EQ(info.count, 2);
  EXPECT_EQ(info.rules, 1);
  EXPECT_EQ(info.of, 3);
  EXPECT_EQ(info.source, "--shard");
  EXPECT_EQ(rules, std::vector<std::string>{"B"});
  EXPECT_FALSE(SelectShard("2/2", {"A"}, &info, &rules, &error));
  EXPECT_EQ(error.rfind("--shard: ", 0), 0u) << error;
  unsetenv("TEST_TOTAL_SHARDS");
}

TEST(SelectShard, BazelsProtocolTouchesTheStatusFile) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string status = std::string(tmp != nullptr ? tmp : "/tmp") + "/shard_status_test";
  ::unlink(status.c_str());
  setenv("TEST_TOTAL_SHARDS", "3", 1);
  setenv("TEST_SHARD_INDEX", "2", 1);
  setenv("TEST_SHARD_STATUS_FILE", status.c_str(), 1);
  suite::ShardInfo info;
  std::vector<std::string> rules;
  std::string error;
  ASSERT_TRUE(SelectShard("", {"A", "B", "C", "D", "E", "F"}, &info, &rules, &error)) << error;
  EXPECT_EQ(info.source, "TEST_TOTAL_SHARDS/TEST_SHARD_INDEX");
  EXPECT_EQ(rules, (std::vector<std::string>{"C", "F"}));
  struct stat st;
  EXPECT_EQ(::stat(status.c_str(), &st), 0) << "TEST_SHARD_STATUS_FILE not touched";
  // A status file that cannot be written is an error naming it.
  setenv("TEST_SHARD_STATUS_FILE", "/nonexistent-dir/status", 1);
  EXPECT_FALSE(SelectShard("", {"A"}, &info, &rules, &error));
  EXPECT_NE(error.find("TEST_SHARD_STATUS_FILE"), std::string::npos) << error;
  // Bad variables: an error naming them.
  setenv("TEST_SHARD_INDEX", "3", 1);
  EXPECT_FALSE(SelectShard("", {"A"}, &info, &rules, &error));
  EXPECT_NE(error.find("TEST_SHARD_INDEX='3'"), std::string::npos) << error;
  unsetenv("TEST_TOTAL_SHARDS");
  unsetenv("TEST_SHARD_INDEX");
  unsetenv("TEST_SHARD_STATUS_FILE");
  // Not sharded.
  ASSERT_TRUE(SelectShard("", {"A"}, &info, &rules, &error)) << error;
  EXPECT_EQ(info.count, 0);
  EXPECT_TRUE(rules.empty());
}

TEST(ShardNote, SaysWhyAShardHasNoRule) {
  suite::ShardInfo info;
  info.index = 2;
  info.count = 3;
  info.of = 2;
  EXPECT_NE(suite::ShardNote(info).find("no rule"), std::string::npos);
  info.rules = 1;
  EXPECT_EQ(suite::ShardNote(info), "");
}

}  // namespace
}  // namespace bufconf::cli
