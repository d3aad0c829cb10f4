// The stored formats against bytes written by the code before they got their own files
// (captured from a database that expgraphd at commit b248699 wrote: a node created, updated,
// edges created, updated and deleted, a node deleted): today's decoders read them, and today's
// encoders, given the same values, write exactly the same bytes.
#include <gtest/gtest.h>

#include <ctime>

#include "graph/change_record.h"
#include "graph/msgpack_writer.h"
#include "graph/value_codec.h"

namespace expgraph::testing {
namespace {

using nlohmann::json;

constexpr std::string_view kPutNodeCreated =
    "86a5616674657286aa637265617465645f6174b8323032362d31322d30365430313a35353a31342e3230375a"
    "a36b6579a3736d62aa70726f7065727469657382a8637269746572696182a26f6bc3a473697a659301ca4020"
    "0000a178a46e616d65ae536d616c6c20627573696e657373a474797065a75365676d656e74aa757064617465"
    "645f6174b8323032362d31322d30365430313a35353a31342e3230375aa776657273696f6e01a26174cf0000"
    "01a2490ffc9fa56163746f72a9616e6f6e796d6f7573a66265666f7265c0a26f70a87075745f6e6f6465a773"
    "75626a65637481a46e6f6465ab5365676d656e742f736d62";
constexpr std::string_view kPutNodeUpdated =
    "86a5616674657286aa637265617465645f6174b8323032362d31322d30365430313a35353a31342e3230375a"
    "a36b6579a3736d62aa70726f7065727469657382a8637269746572696182a26f6bc3a473697a659301ca4020"
    "0000a178a46e616d65b0536d616c6c20627573696e6573736573a474797065a75365676d656e74aa75706461"
    "7465645f6174b8323032362d31322d30365430313a35353a31352e3032335aa776657273696f6e02a26174cf"
    "000001a2490fffcfa56163746f72a9616e6f6e796d6f7573a66265666f726586aa637265617465645f6174b8"
    "323032362d31322d30365430313a35353a31342e3230375aa36b6579a3736d62aa70726f7065727469657382"
    "a8637269746572696182a26f6bc3a473697a659301ca40200000a178a46e616d65ae536d616c6c2062757369"
    "6e657373a474797065a75365676d656e74aa757064617465645f6174b8323032362d31322d30365430313a35"
    "353a31342e3230375aa776657273696f6e01a26f70a87075745f6e6f6465a77375626a65637481a46e6f6465"
    "ab5365676d656e742f736d62";
constexpr std::string_view kPutEdgeWithoutProperties =
    "86a5616674657280a26174cf000001a2491001e4a56163746f72a9616e6f6e796d6f7573a66265666f7265c0"
    "a26f70a87075745f65646765a77375626a65637483a465646765ad5355425345474d454e545f4f46a466726f"
    "6dab5365676d656e742f736d62a2746fab5365676d656e742f616c6c";
constexpr std::string_view kPutEdgeUpdated =
    "86a5616674657281a66368616e6765ae7265776f72646564207477696365a26174cf000001a249103e4fa561"
    "63746f72a9616e6f6e796d6f7573a66265666f726581a66368616e6765a87265776f72646564a26f70a87075"
    "745f65646765a77375626a65637483a465646765ac444552495645445f46524f4da466726f6da84173736574"
    "2f6132a2746fa841737365742f6131";
constexpr std::string_view kDeleteEdge =
    "86a56166746572c0a26174cf000001a249103f33a56163746f72a9616e6f6e796d6f7573a66265666f726580"
    "a26f70ab64656c6574655f65646765a77375626a65637483a465646765ad5355425345474d454e545f4f46a4"
    "66726f6dab5365676d656e742f736d62a2746fab5365676d656e742f616c6c";
constexpr std::string_view kDeleteNode =
    "86a56166746572c0a26174cf000001a24910407ba56163746f72a9616e6f6e796d6f7573a66265666f726586"
    "aa637265617465645f6174b8323032362d31322d30365430313a35353a32392e3838355aa36b6579a26131aa"
    "70726f7065727469657382a46e616d65a541206f6e65a474657874a568656c6c6fa474797065a54173736574"
    "aa757064617465645f6174b8323032362d31322d30365430313a35353a32392e3838355aa776657273696f6e"
    "01a26f70ab64656c6574655f6e6f6465a77375626a65637481a46e6f6465a841737365742f6131";
constexpr std::string_view kNodeRecord =
    "86a163cf000001a2490ffc9fa16ba3736d62a17082a8637269746572696182a26f6bc3a473697a659301ca40"
    "200000a178a46e616d65b0536d616c6c20627573696e6573736573a174a75365676d656e74a175cf000001a2"
    "490fffcfa17602";

std::string from_hex(std::string_view hex) {
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return bytes;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) {
    hex.push_back(kDigits[c >> 4]);
    hex.push_back(kDigits[c & 15]);
  }
  return hex;
}

// "2026-12-06T01:55:14.207Z" -> epoch milliseconds.
int64_t parse_timestamp(const std::string& text) {
  std::tm utc{};
  strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &utc);
  return static_cast<int64_t>(timegm(&utc)) * 1000 + std::stoi(text.substr(20, 3));
}

// The node a change record's state describes, as the write plan held it.
NodeRecord node_from_state(const json& state) {
  NodeRecord node;
  node.type = state.at("type").get<std::string>();
  node.key = state.at("key").get<std::string>();
  node.properties = state.at("properties");
  node.version = state.at("version").get<uint64_t>();
  node.created_at_ms = parse_timestamp(state.at("created_at").get<std::string>());
  node.updated_at_ms = parse_timestamp(state.at("updated_at").get<std::string>());
  return node;
}

ChangeRecord decode(std::string_view hex) {
  auto record = decode_change_record(7, from_hex(hex));
  EXPECT_TRUE(record.ok()) << record.status().to_string();
  return record.ok() ? std::move(record).value() : ChangeRecord{};
}

// Encodes a decoded node change again, from node records, as the write plan does.
std::string reencode_node_change(const ChangeRecord& record) {
  std::optional<NodeRecord> before, after;
  if (!record.before.is_null()) before = node_from_state(record.before);
  if (!record.after.is_null()) after = node_from_state(record.after);
  std::string before_properties = before ? encode_properties(before->properties) : "";
  std::string after_properties = after ? encode_properties(after->properties) : "";
  std::string out = "stale bytes the encoder must replace";
  encode_node_change(out, ChangeContext{record.at_ms, record.actor}, record.op,
                     NodeState{before ? &*before : nullptr, before_properties},
                     NodeState{after ? &*after : nullptr, after_properties});
  return out;
}

std::string reencode_edge_change(const ChangeRecord& record) {
  auto from = parse_node_ref(record.subject.at("from").get<std::string>());
  auto to = parse_node_ref(record.subject.at("to").get<std::string>());
  EXPECT_TRUE(from.ok() && to.ok());
  std::string out;
  encode_edge_change(out, ChangeContext{record.at_ms, record.actor}, record.op,
                     record.subject.at("edge").get<std::string>(), *from, *to,
                     record.before.is_null() ? nullptr : &record.before,
                     record.after.is_null() ? nullptr : &record.after);
  return out;
}

TEST(StoredFormatsTest, ReadsANodeCreationWrittenBeforeAndWritesItTheSame) {
  ChangeRecord record = decode(kPutNodeCreated);
  EXPECT_EQ(record.sequence, 7u);
  EXPECT_EQ(record.op, "put_node");
  EXPECT_EQ(record.actor, "anonymous");
  EXPECT_EQ(record.at_ms, parse_timestamp("2026-12-06T01:55:14.207Z"));
  EXPECT_EQ(record.subject, json({{"node", "Segment/smb"}}));
  EXPECT_TRUE(record.before.is_null());
  EXPECT_EQ(record.after["properties"],
            json({{"name", "Small business"},
                  {"criteria", {{"ok", true}, {"size", json::array({1, 2.5, "x"})}}}}));
  EXPECT_EQ(record.after["version"], 1);
  EXPECT_EQ(to_hex(reencode_node_change(record)), kPutNodeCreated);
}

TEST(StoredFormatsTest, ReadsANodeUpdateWrittenBeforeAndWritesItTheSame) {
  ChangeRecord record = decode(kPutNodeUpdated);
  EXPECT_EQ(record.op, "put_node");
  EXPECT_EQ(record.before["properties"]["name"], "Small business");
  EXPECT_EQ(record.after["properties"]["name"], "Small businesses");
  EXPECT_EQ(record.before["version"], 1);
  EXPECT_EQ(record.after["version"], 2);
  EXPECT_EQ(to_hex(reencode_node_change(record)), kPutNodeUpdated);
}

TEST(StoredFormatsTest, ReadsANodeDeletionWrittenBeforeAndWritesItTheSame) {
  ChangeRecord record = decode(kDeleteNode);
  EXPECT_EQ(record.op, "delete_node");
  EXPECT_EQ(record.subject, json({{"node", "Asset/a1"}}));
  EXPECT_EQ(record.before["properties"], json({{"name", "A one"}, {"text", "hello"}}));
  EXPECT_TRUE(record.after.is_null());
  EXPECT_EQ(to_hex(reencode_node_change(record)), kDeleteNode);
}

TEST(StoredFormatsTest, ReadsEdgeChangesWrittenBeforeAndWritesThemTheSame) {
  ChangeRecord created = decode(kPutEdgeWithoutProperties);
  EXPECT_EQ(created.op, "put_edge");
  EXPECT_EQ(created.subject,
            json({{"edge", "SUBSEGMENT_OF"}, {"from", "Segment/smb"}, {"to", "Segment/all"}}));
  EXPECT_TRUE(created.before.is_null());
  EXPECT_EQ(created.after, json::object());
  EXPECT_EQ(to_hex(reencode_edge_change(created)), kPutEdgeWithoutProperties);

  ChangeRecord updated = decode(kPutEdgeUpdated);
  EXPECT_EQ(updated.before, json({{"change", "reworded"}}));
  EXPECT_EQ(updated.after, json({{"change", "reworded twice"}}));
  EXPECT_EQ(to_hex(reencode_edge_change(updated)), kPutEdgeUpdated);

  ChangeRecord deleted = decode(kDeleteEdge);
  EXPECT_EQ(deleted.op, "delete_edge");
  EXPECT_EQ(deleted.before, json::object());
  EXPECT_TRUE(deleted.after.is_null());
  EXPECT_EQ(to_hex(reencode_edge_change(deleted)), kDeleteEdge);
}

TEST(StoredFormatsTest, ReadsANodeRecordWrittenBeforeAndWritesItTheSame) {
  auto node = decode_node_record(1, from_hex(kNodeRecord));
  ASSERT_TRUE(node.ok()) << node.status().to_string();
  EXPECT_EQ(node->id, 1u);
  EXPECT_EQ(node->type, "Segment");
  EXPECT_EQ(node->key, "smb");
  EXPECT_EQ(node->version, 2u);
  EXPECT_EQ(node->properties["name"], "Small businesses");
  EXPECT_EQ(node->created_at_ms, parse_timestamp("2026-12-06T01:55:14.207Z"));
  EXPECT_EQ(node->updated_at_ms, parse_timestamp("2026-12-06T01:55:15.023Z"));
  EXPECT_EQ(to_hex(encode_node_record(*node)), kNodeRecord);
}

TEST(StoredFormatsTest, EdgePropertiesAreNoBytesWhenEmptyAndAMapOtherwise) {
  EXPECT_EQ(encode_edge_properties(json::object()), "");
  EXPECT_EQ(*decode_edge_properties(""), json::object());
  json properties = {{"change", "reworded"}};
  EXPECT_EQ(*decode_edge_properties(encode_edge_properties(properties)), properties);
  EXPECT_FALSE(decode_edge_properties("\xc1").ok());
}

TEST(StoredFormatsTest, CorruptRecordsAreInternalErrors) {
  EXPECT_EQ(decode_change_record(3, "\x86\xa5").status().code(), StatusCode::kInternal);
  EXPECT_EQ(decode_node_record(3, "\x01").status().code(), StatusCode::kInternal);
}

// The writer's framing agrees with nlohmann's encoding of the same values at every width.
TEST(StoredFormatsTest, WriterFramingMatchesNlohmannAtEveryWidth) {
  for (int64_t value :
       {int64_t{0}, int64_t{127}, int64_t{128}, int64_t{255}, int64_t{256}, int64_t{65535},
        int64_t{65536}, int64_t{4294967295}, int64_t{4294967296}, int64_t{-1}, int64_t{-32},
        int64_t{-33}, int64_t{-128}, int64_t{-129}, int64_t{-32768}, int64_t{-32769},
        int64_t{-2147483648LL}, int64_t{-2147483649LL}}) {
    std::string ours;
    msgpack::append_int(ours, value);
    EXPECT_EQ(msgpack::parse(ours), json(value));
    std::string theirs;
    json::to_msgpack(json(value), theirs);
    EXPECT_EQ(to_hex(ours), to_hex(theirs)) << value;
  }
  for (size_t size : {size_t{0}, size_t{31}, size_t{32}, size_t{255}, size_t{256}, size_t{65535},
                      size_t{65536}}) {
    std::string text(size, 'x');
    std::string ours;
    msgpack::append_string(ours, text);
    EXPECT_EQ(ours.size(), msgpack::string_size(text));
    std::string theirs;
    json::to_msgpack(json(text), theirs);
    EXPECT_EQ(ours, theirs) << size;
  }
  for (size_t entries : {size_t{0}, size_t{15}, size_t{16}, size_t{65536}}) {
    json object = json::object();
    for (size_t i = 0; i < entries; ++i) object[std::to_string(i)] = 0;
    std::string ours;
    msgpack::append_map_header(ours, entries);
    std::string theirs;
    json::to_msgpack(object, theirs);
    EXPECT_EQ(to_hex(ours), to_hex(theirs.substr(0, ours.size()))) << entries;
  }
}

}  // namespace
}  // namespace expgraph::testing
