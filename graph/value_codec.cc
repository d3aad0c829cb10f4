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

namespace {

// Passes the events of the record's "p" map on to the visitor, and its "k" string as the key;
// the other entries (type, version, timestamps) are skipped.
class NodeRecordEvents : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit NodeRecordEvents(NodeRecordVisitor& visitor) : visitor_(visitor) {}

  bool null() override { return forwarding() ? visitor_.null() : true; }
  bool boolean(bool value) override { return forwarding() ? visitor_.boolean(value) : true; }
  bool number_integer(number_integer_t value) override {
    return forwarding() ? visitor_.number_integer(value) : true;
  }
  bool number_unsigned(number_unsigned_t value) override {
    return forwarding() ? visitor_.number_unsigned(value) : true;
  }
  bool number_float(number_float_t value, const string_t& text) override {
    return forwarding() ? visitor_.number_float(value, text) : true;
  }
  bool string(string_t& value) override {
    if (forwarding()) return visitor_.string(value);
    if (depth_ == 1 && entry_ == "k") visitor_.node_key(value);
    if (depth_ == 1 && entry_ == "t") visitor_.node_type(value);
    return true;
  }
  bool binary(binary_t& value) override { return forwarding() ? visitor_.binary(value) : true; }
  bool start_object(std::size_t size) override {
    if (depth_ == 0) saw_record_ = true;
    if (!forwarding() && depth_ == 1 && entry_ == "p") properties_depth_ = depth_ + 1;
    ++depth_;
    return forwarding() ? visitor_.start_object(size) : true;
  }
  bool key(string_t& name) override {
    if (forwarding()) return visitor_.key(name);
    if (depth_ == 1) entry_ = name;
    return true;
  }
  bool end_object() override {
    bool ok = forwarding() ? visitor_.end_object() : true;
    if (depth_ == properties_depth_) properties_depth_ = 0;
    --depth_;
    return ok;
  }
  bool start_array(std::size_t size) override {
    ++depth_;
    return forwarding() ? visitor_.start_array(size) : true;
  }
  bool end_array() override {
    bool ok = forwarding() ? visitor_.end_array() : true;
    --depth_;
    return ok;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

  bool saw_record() const { return saw_record_; }

 private:
  bool forwarding() const { return properties_depth_ != 0 && depth_ >= properties_depth_; }

  NodeRecordVisitor& visitor_;
  int depth_ = 0;
  int properties_depth_ = 0;  // the depth inside the "p" map, 0 when not in it
  std::string entry_;         // the record entry being read
  bool saw_record_ = false;
};

}  // namespace

Status visit_node_record(NodeId id, std::string_view bytes, NodeRecordVisitor& visitor) {
  NodeRecordEvents events(visitor);
  const bool parsed = nlohmann::json::sax_parse(bytes.begin(), bytes.end(), &events,
                                                nlohmann::json::input_format_t::msgpack);
  if (!parsed || !events.saw_record()) {
    return Status::internal("corrupt node record " + std::to_string(id));
  }
  return Status();
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
