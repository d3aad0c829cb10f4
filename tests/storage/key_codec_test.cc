// The key codec: fixed-width big-endian ids sort numerically, index values sort in value order
// (ints, floats, strings with NUL bytes), encoded strings are prefix-free, and the node id is
// recovered from the end of an index key.
#include "storage/key_codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace expgraph::keys {
namespace {

using nlohmann::json;

// For failure messages: strings in these tests are not always valid UTF-8.
std::string show(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string encoded(const json& value) {
  auto bytes = encode_index_value(value);
  EXPECT_TRUE(bytes.has_value()) << show(value);
  return bytes.value_or("");
}

// Every value encodes to a key strictly greater than the one before it.
void expect_strictly_increasing(const std::vector<json>& values) {
  for (size_t i = 1; i < values.size(); ++i) {
    EXPECT_LT(encoded(values[i - 1]), encoded(values[i]))
        << show(values[i - 1]) << " should sort before " << show(values[i]);
  }
}

TEST(KeyCodecTest, FixedWidthIntegersRoundTrip) {
  std::string bytes;
  append_u32(bytes, 0x01020304u);
  append_u64(bytes, 0x1122334455667788ull);
  ASSERT_EQ(bytes.size(), 12u);
  EXPECT_EQ(bytes[0], '\x01');  // big-endian: most significant byte first
  EXPECT_EQ(read_u32(bytes, 0), 0x01020304u);
  EXPECT_EQ(read_u64(bytes, 4), 0x1122334455667788ull);
  EXPECT_EQ(node_id_from_key(node_key(0xfedcba9876543210ull)), 0xfedcba9876543210ull);
}

TEST(KeyCodecTest, NodeKeyOrderIsNumericOrder) {
  const std::vector<NodeId> ids = {0,
                                   1,
                                   2,
                                   255,
                                   256,
                                   257,
                                   65535,
                                   65536,
                                   1ull << 32,
                                   (1ull << 56) + 1,
                                   std::numeric_limits<uint64_t>::max()};
  for (size_t i = 1; i < ids.size(); ++i) {
    EXPECT_LT(node_key(ids[i - 1]), node_key(ids[i])) << ids[i - 1] << " vs " << ids[i];
    EXPECT_EQ(node_key(ids[i]).size(), 8u);
  }
}

TEST(KeyCodecTest, AdjacencyKeyRoundTripsAndGroupsByNodeThenType) {
  std::string key = adjacency_key(300, 7, 9);
  ASSERT_EQ(key.size(), 20u);
  AdjacencyKey decoded = decode_adjacency_key(key);
  EXPECT_EQ(decoded.first, 300u);
  EXPECT_EQ(decoded.edge_type, 7u);
  EXPECT_EQ(decoded.second, 9u);
  EXPECT_EQ(key.substr(0, 8), adjacency_prefix(300));
  EXPECT_EQ(key.substr(0, 12), adjacency_prefix(300, 7));
  // All edges of node 300 sort before any edge of node 301, whatever their type and target.
  EXPECT_LT(adjacency_key(300, 0xffffffffu, ~0ull), adjacency_key(301, 0, 0));
  EXPECT_LT(adjacency_key(300, 7, ~0ull), adjacency_key(300, 8, 0));
}

TEST(KeyCodecTest, ExternalKeyHasTypePrefixAndSuffix) {
  std::string key = external_key(5, "EXP-1");
  EXPECT_EQ(key.substr(0, 4), external_key_prefix(5));
  EXPECT_EQ(external_key_suffix(key), "EXP-1");
  EXPECT_LT(external_key(5, "zzz"), external_key(6, ""));
}

TEST(KeyCodecTest, IntegersSortNumericallyIncludingNegatives) {
  expect_strictly_increasing({json(std::numeric_limits<int64_t>::min()), json(-1000000), json(-256),
                              json(-255), json(-2), json(-1), json(0), json(1), json(255),
                              json(256), json(1000000), json(std::numeric_limits<int64_t>::max())});
}

TEST(KeyCodecTest, UnsignedAndSignedJsonIntegersEncodeAlike) {
  // nlohmann parses "5" as unsigned; a filter builds it as int64: both must hit the same key.
  EXPECT_EQ(encoded(json(uint64_t{5})), encoded(json(int64_t{5})));
  EXPECT_EQ(encoded(json::parse("42")), encoded(json(int64_t{42})));
}

TEST(KeyCodecTest, FloatsSortNumericallyIncludingNegatives) {
  const double inf = std::numeric_limits<double>::infinity();
  expect_strictly_increasing({json(-inf), json(-1e300), json(-2.5), json(-1.0), json(-0.5),
                              json(-std::numeric_limits<double>::denorm_min()), json(0.0),
                              json(std::numeric_limits<double>::denorm_min()), json(1e-300),
                              json(0.5), json(1.0), json(2.5), json(1e300), json(inf)});
}

TEST(KeyCodecTest, NegativeZeroEncodesAsZero) {
  EXPECT_EQ(encoded(json(-0.0)), encoded(json(0.0)));
  EXPECT_LT(encoded(json(-1e-10)), encoded(json(-0.0)));
  EXPECT_LT(encoded(json(-0.0)), encoded(json(1e-10)));
}

TEST(KeyCodecTest, StringsSortBytewiseIncludingEmbeddedNul) {
  using namespace std::string_literals;
  expect_strictly_increasing({json(""s), json("\0"s), json("\0\0"s), json("\0a"s), json("a"s),
                              json("ab"s), json("ab\0"s), json("ab\0\0"s), json("ab\0z"s),
                              json("ab\x01"s), json("abc"s), json("b"s), json("\xff"s)});
}

TEST(KeyCodecTest, NoEncodedStringIsAPrefixOfAnother) {
  using namespace std::string_literals;
  const std::vector<std::string> values = {""s,    "\0"s,   "\0\0"s,  "\0\xff"s,
                                           "a"s,   "ab"s,   "ab\0"s,  "ab\0\xff"s,
                                           "abc"s, "\xff"s, "\xff\0"s};
  for (const std::string& a : values) {
    for (const std::string& b : values) {
      if (a == b) continue;
      std::string ea = encoded(json(a));
      std::string eb = encoded(json(b));
      EXPECT_FALSE(eb.compare(0, ea.size(), ea) == 0)
          << show(json(a)) << " encodes to a prefix of " << show(json(b));
    }
  }
}

TEST(KeyCodecTest, IndexKeysOfOneValueGroupTogetherAndCarryTheNodeId) {
  using namespace std::string_literals;
  // With a prefix-free value encoding, "ab" with a large node id still sorts before "ab\0".
  std::string ab_high = index_key(1, 2, encoded(json("ab"s)), ~0ull);
  std::string ab_nul_low = index_key(1, 2, encoded(json("ab\0"s)), 0);
  EXPECT_LT(ab_high, ab_nul_low);
  std::string prefix = index_prefix(1, 2, encoded(json("ab"s)));
  EXPECT_EQ(ab_high.compare(0, prefix.size(), prefix), 0);
  EXPECT_NE(ab_nul_low.compare(0, prefix.size(), prefix), 0);

  for (NodeId id : {NodeId{0}, NodeId{1}, NodeId{0x0102030405060708ull}, ~NodeId{0}}) {
    EXPECT_EQ(index_key_node(index_key(3, 4, encoded(json("x\0y"s)), id)), id);
    EXPECT_EQ(index_key_node(index_key(3, 4, encoded(json(-7)), id)), id);
    EXPECT_EQ(index_key_node(index_key(3, 4, encoded(json(-0.25)), id)), id);
    EXPECT_EQ(index_key_node(index_key(3, 4, encoded(json(true)), id)), id);
  }
}

TEST(KeyCodecTest, KindsAreDistinctAndNonScalarsAreNotIndexed) {
  EXPECT_LT(encoded(json(false)), encoded(json(true)));
  EXPECT_NE(encoded(json(1)), encoded(json(1.0)));
  EXPECT_NE(encoded(json(true)), encoded(json(1)));
  EXPECT_FALSE(encode_index_value(json(nullptr)).has_value());
  EXPECT_FALSE(encode_index_value(json::array({1, 2})).has_value());
  EXPECT_FALSE(encode_index_value(json::object()).has_value());
}

TEST(KeyCodecTest, PrefixSuccessor) {
  using namespace std::string_literals;
  EXPECT_EQ(prefix_successor("abc"), "abd");
  EXPECT_EQ(prefix_successor("a\xff"s), "b");
  EXPECT_EQ(prefix_successor("a\xff\xff"s), "b");
  EXPECT_EQ(prefix_successor("\x01\xfe"s), "\x01\xff"s);
  EXPECT_EQ(prefix_successor("\0"s), "\x01"s);
  EXPECT_EQ(prefix_successor("\xff\xff"s), "");
  EXPECT_EQ(prefix_successor(""), "");
  // Every key with the prefix sorts below the successor, and the successor does not have it.
  std::string prefix = adjacency_prefix(7);
  std::string successor = prefix_successor(prefix);
  EXPECT_LT(adjacency_key(7, 0xffffffffu, ~0ull), successor);
  EXPECT_GE(successor, adjacency_prefix(8));
}

TEST(KeyCodecTest, LogKeysSortBySequence) {
  EXPECT_LT(log_key(9), log_key(10));
  EXPECT_LT(log_key(255), log_key(256));
}

}  // namespace
}  // namespace expgraph::keys
