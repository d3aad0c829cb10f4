#include "graph/change_record.h"

#include "graph/msgpack_writer.h"

namespace expgraph {

namespace {

// Writes "Type/key" without building the string.
void append_ref(std::string& out, std::string_view type, std::string_view key) {
  msgpack::append_string_header(out, type.size() + 1 + key.size());
  out.append(type);
  out.push_back('/');
  out.append(key);
}

size_t node_state_size(const NodeState& state) {
  if (state.record == nullptr) return 1;
  // The map header, six keys of at most eleven bytes, two timestamps of 24 bytes, the version.
  return 1 + 6 * 12 + 2 * 26 + 9 + msgpack::string_size(state.record->key) +
         msgpack::string_size(state.record->type) + state.encoded_properties.size();
}

// NodeRecord::to_json(), encoded as nlohmann encodes that document (keys in its sorted order).
void append_node_state(std::string& out, const NodeState& state) {
  const NodeRecord* node = state.record;
  if (node == nullptr) {
    msgpack::append_nil(out);
    return;
  }
  msgpack::append_map_header(out, 6);
  msgpack::append_string(out, "created_at");
  msgpack::append_string(out, format_timestamp(node->created_at_ms));
  msgpack::append_string(out, "key");
  msgpack::append_string(out, node->key);
  msgpack::append_string(out, "properties");
  out.append(state.encoded_properties);
  msgpack::append_string(out, "type");
  msgpack::append_string(out, node->type);
  msgpack::append_string(out, "updated_at");
  msgpack::append_string(out, format_timestamp(node->updated_at_ms));
  msgpack::append_string(out, "version");
  msgpack::append_uint(out, node->version);
}

// The entries "after" to "op", whose states the callables append; the subject's map follows.
template <typename AppendBefore, typename AppendAfter>
void append_record_head(std::string& out, const ChangeContext& context, std::string_view op,
                        AppendBefore append_before, AppendAfter append_after) {
  msgpack::append_map_header(out, 6);
  msgpack::append_string(out, "after");
  append_after(out);
  msgpack::append_string(out, "at");
  msgpack::append_int(out, context.at_ms);
  msgpack::append_string(out, "actor");
  msgpack::append_string(out, context.actor);
  msgpack::append_string(out, "before");
  append_before(out);
  msgpack::append_string(out, "op");
  msgpack::append_string(out, op);
  msgpack::append_string(out, "subject");
}

void append_properties(std::string& out, const nlohmann::json* properties) {
  if (properties == nullptr) {
    msgpack::append_nil(out);
  } else {
    msgpack::append_json(out, *properties);
  }
}

}  // namespace

void encode_node_change(std::string& out, const ChangeContext& context, std::string_view op,
                        const NodeState& before, const NodeState& after) {
  out.clear();
  // The header entries, the actor, the states and a subject of at most a type and a key.
  out.reserve(64 + context.actor.size() + node_state_size(before) + node_state_size(after) + 600);
  append_record_head(
      out, context, op, [&before](std::string& o) { append_node_state(o, before); },
      [&after](std::string& o) { append_node_state(o, after); });
  const NodeRecord& subject = after.record != nullptr ? *after.record : *before.record;
  msgpack::append_map_header(out, 1);
  msgpack::append_string(out, "node");
  append_ref(out, subject.type, subject.key);
}

void encode_edge_change(std::string& out, const ChangeContext& context, std::string_view op,
                        std::string_view type, const NodeRef& from, const NodeRef& to,
                        const nlohmann::json* before, const nlohmann::json* after) {
  out.clear();
  append_record_head(
      out, context, op, [before](std::string& o) { append_properties(o, before); },
      [after](std::string& o) { append_properties(o, after); });
  msgpack::append_map_header(out, 3);
  msgpack::append_string(out, "edge");
  msgpack::append_string(out, type);
  msgpack::append_string(out, "from");
  append_ref(out, from.type, from.key);
  msgpack::append_string(out, "to");
  append_ref(out, to.type, to.key);
}

nlohmann::json ChangeRecord::to_json() const {
  return nlohmann::json{{"sequence", sequence}, {"at", format_timestamp(at_ms)},
                        {"actor", actor},       {"op", op},
                        {"subject", subject},   {"before", before},
                        {"after", after}};
}

Result<ChangeRecord> decode_change_record(uint64_t sequence, std::string_view bytes) {
  nlohmann::json document = msgpack::parse(bytes);
  if (document.is_discarded() || !document.is_object()) {
    return Status::internal("change-log record " + std::to_string(sequence) + " is corrupt");
  }
  ChangeRecord record;
  record.sequence = sequence;
  auto at = document.find("at");
  if (at != document.end() && at->is_number_integer()) record.at_ms = at->get<int64_t>();
  auto text = [&](const char* name) {
    auto found = document.find(name);
    return found != document.end() && found->is_string() ? found->get<std::string>()
                                                         : std::string();
  };
  record.actor = text("actor");
  record.op = text("op");
  // Moved out of the decoded document, which is not needed after: a large state is not copied.
  auto member = [&](const char* name, nlohmann::json fallback) {
    auto found = document.find(name);
    return found != document.end() ? std::move(*found) : fallback;
  };
  record.subject = member("subject", nlohmann::json::object());
  if (!record.subject.is_object()) record.subject = nlohmann::json::object();
  record.before = member("before", nlohmann::json());
  record.after = member("after", nlohmann::json());
  return record;
}

}  // namespace expgraph
