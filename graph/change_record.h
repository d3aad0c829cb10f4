// The change-log record: its layout, its encoding (by the write plan, once per node or edge
// changed) and its decoding (by change_log.h's readers and the history backfill), side by side.
//
// Layout: the `log` column family maps a sequence number (storage/key_codec.h's log_key) to a
// MessagePack map of six entries, written in this order:
//   "after":   the state after the change, null when deleted
//   "at":      when, Unix epoch milliseconds (int)
//   "actor":   who asked (string)
//   "before":  the state before the change, null when created
//   "op":      "put_node", "delete_node", "put_edge" or "delete_edge"
//   "subject": {"node": "Type/key"} or {"edge": type, "from": "Type/key", "to": "Type/key"}
// A node's state is the map of NodeRecord::to_json() (created_at, key, properties, type,
// updated_at, version; timestamps as RFC 3339 strings), an edge's its properties map.
// Readers look entries up by name and tolerate missing ones; the order is the writer's.
// Stateless functions, thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "graph/records.h"

namespace expgraph {

// One change-log record: who changed what, when, and the state before and after.
struct ChangeRecord {
  uint64_t sequence = 0;
  int64_t at_ms = 0;
  std::string actor;
  std::string op;          // put_node, delete_node, put_edge, delete_edge
  nlohmann::json subject;  // {"node": "T/k"} or {"edge": T, "from": "T/k", "to": "T/k"}
  nlohmann::json before;   // null when created
  nlohmann::json after;    // null when deleted

  // {sequence, at (RFC 3339), actor, op, subject, before, after}
  nlohmann::json to_json() const;
};

// What every record of one write shares.
struct ChangeContext {
  int64_t at_ms = 0;
  std::string_view actor;
};

// A node's state in a record: the node and its properties already in MessagePack
// (value_codec.h's encode_properties), or no record at all (created, deleted).
struct NodeState {
  const NodeRecord* record = nullptr;
  std::string_view encoded_properties;
};

// Replaces `out` with the record of a node change (`before` empty when the node is created,
// `after` when it is deleted), in a buffer sized once.
void encode_node_change(std::string& out, const ChangeContext& context, std::string_view op,
                        const NodeState& before, const NodeState& after);
// Replaces `out` with the record of an edge change; `before` / `after` (property maps) null
// when the edge is created / deleted.
void encode_edge_change(std::string& out, const ChangeContext& context, std::string_view op,
                        std::string_view type, const NodeRef& from, const NodeRef& to,
                        const nlohmann::json* before, const nlohmann::json* after);

// Decodes a `log` value; internal when the bytes are not a change record.
Result<ChangeRecord> decode_change_record(uint64_t sequence, std::string_view bytes);

}  // namespace expgraph
