// read_node_record (query/cypher/node_record_values.h) turns a stored node record into the same
// values as the JSON route it replaces (decode_node_record, then from_json), nested lists and
// maps included, and refuses corrupt records and integers beyond int64 as that route does.
#include <gtest/gtest.h>

#include <limits>

#include "graph/value_codec.h"
#include "query/cypher/node_record_values.h"

namespace expgraph::cypher {
namespace {

NodeRecord record_with(nlohmann::json properties) {
  NodeRecord record;
  record.id = 7;
  record.type = "Experiment";
  record.key = "EXP-1";
  record.properties = std::move(properties);
  record.version = 3;
  record.created_at_ms = 1700000000000;
  record.updated_at_ms = 1700000000001;
  return record;
}

TEST(CypherNodeRecordValues, SameValuesAsTheJsonRoute) {
  const nlohmann::json properties = {
      {"name", "checkout test"},  {"users", 1200},          {"negative", -5},
      {"lift", 0.125},            {"is_control", false},    {"tags", {"a", "b"}},
      {"config", {{"arms", {1, 2.5, "x", nullptr, {{"deep", true}}}}, {"empty", nlohmann::json::object()}}},
      {"empty_list", nlohmann::json::array()}};
  const std::string bytes = encode_node_record(record_with(properties));
  auto read = read_node_record(7, bytes);
  ASSERT_TRUE(read.ok()) << read.status().to_string();
  EXPECT_EQ(read->type, "Experiment");
  EXPECT_EQ(read->key, "EXP-1");
  auto expected = from_json(properties);
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(Value::map(read->properties).debug_string(), expected->debug_string());
}

TEST(CypherNodeRecordValues, NoPropertiesReadsAsAnEmptyMap) {
  auto read = read_node_record(7, encode_node_record(record_with(nlohmann::json::object())));
  ASSERT_TRUE(read.ok());
  EXPECT_TRUE(read->properties.empty());
  EXPECT_EQ(read->key, "EXP-1");
}

TEST(CypherNodeRecordValues, CorruptRecordsAndOversizedIntegersAreErrors) {
  std::string bytes = encode_node_record(record_with({{"name", "x"}}));
  auto truncated = read_node_record(7, bytes.substr(0, bytes.size() - 3));
  EXPECT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.status().code(), StatusCode::kInternal);
  EXPECT_FALSE(read_node_record(7, "\x93\x01\x02\x03").ok());  // an array, not a record

  auto huge = read_node_record(
      7, encode_node_record(record_with({{"n", std::numeric_limits<uint64_t>::max()}})));
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace expgraph::cypher
