#include "graph/value_codec.h"

#include "graph/msgpack_writer.h"

namespace expgraph {

namespace {

// Encodings from this size on are trimmed to their size (encode_properties).
constexpr size_t kShrinkBytes = 1 << 20;

}  // namespace

std::string encode_properties(const nlohmann::json& properties) {
  std::string bytes;
  msgpack::append_json(bytes, properties);
  // The encoder's buffer doubles as it grows: a large value may leave it nearly twice its size
  // for as long as the write holds it. One copy now returns the slack.
  if (bytes.size() >= kShrinkBytes && bytes.capacity() > bytes.size() + bytes.size() / 4) {
    bytes.shrink_to_fit();
  }
  return bytes;
}

std::string encode_node_record(const NodeRecord& record, std::string_view encoded_properties) {
  std::string bytes;
  // The map header, six one-letter keys, three integers of at most nine bytes and two strings.
  bytes.reserve(1 + 6 * 2 + 3 * 9 + msgpack::string_size(record.key) +
                msgpack::string_size(record.type) + encoded_properties.size());
  msgpack::append_map_header(bytes, 6);
  msgpack::append_string(bytes, "c");
  msgpack::append_int(bytes, record.created_at_ms);
  msgpack::append_string(bytes, "k");
  msgpack::append_string(bytes, record.key);
  msgpack::append_string(bytes, "p");
  bytes.append(encoded_properties);
  msgpack::append_string(bytes, "t");
  msgpack::append_string(bytes, record.type);
  msgpack::append_string(bytes, "u");
  msgpack::append_int(bytes, record.updated_at_ms);
  msgpack::append_string(bytes, "v");
  msgpack::append_uint(bytes, record.version);
  return bytes;
}

std::string encode_node_record(const NodeRecord& record) {
  return encode_node_record(record, encode_properties(record.properties));
}

Result<NodeRecord> decode_node_record(NodeId id, std::string_view bytes) {
  nlohmann::json document = msgpack::parse(bytes);
  if (document.is_discarded() || !document.is_object()) {
    return Status::internal("corrupt node record " + std::to_string(id));
  }
  NodeRecord record;
  record.id = id;
  record.type = document.value("t", "");
  record.key = document.value("k", "");
  auto properties = document.find("p");
  if (properties != document.end()) record.properties = std::move(*properties);
  record.version = document.value("v", uint64_t{0});
  record.created_at_ms = document.value("c", int64_t{0});
  record.updated_at_ms = document.value("u", int64_t{0});
  return record;
}

std::string encode_edge_properties(const nlohmann::json& properties) {
  std::string bytes;
  if (properties.empty()) return bytes;
  msgpack::append_json(bytes, properties);
  return bytes;
}

Result<nlohmann::json> decode_edge_properties(std::string_view bytes) {
  if (bytes.empty()) return nlohmann::json::object();
  nlohmann::json properties = msgpack::parse(bytes);
  if (properties.is_discarded()) return Status::internal("corrupt edge properties");
  return properties;
}

}  // namespace expgraph
