// The bytes of the values graph/ keeps in the `nodes` and `out` column families (the keys are
// storage/key_codec.h's). Written by the write plan, read by GraphStore, the export and the
// change-log backfill; the change-log records have their own home, change_record.h.
//
// Node record (`nodes`, key: node id), a MessagePack map of six entries in this order:
//   "c": created_at (Unix epoch ms, int)   "k": external key (string)
//   "p": properties (map)                  "t": node type name (string)
//   "u": updated_at (Unix epoch ms, int)   "v": version (uint, 1 on creation)
// Edge properties (`out`, key: from, edge type, to): the properties as a MessagePack map, or
// no bytes at all when there are none (most edges).
// Readers look entries up by name, so the order is a convention, not part of the format; it is
// the order nlohmann writes a JSON object in, which is how databases before this file wrote
// node records. Stateless functions, thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "graph/records.h"

namespace expgraph {

// A property map as MessagePack: encoded once per node written and then copied into both its
// record and its change-log state, so a large value is encoded once and no buffer doubles.
std::string encode_properties(const nlohmann::json& properties);
// The node record's bytes, with `encoded_properties` (encode_properties of record.properties).
std::string encode_node_record(const NodeRecord& record, std::string_view encoded_properties);
std::string encode_node_record(const NodeRecord& record);
// internal when `bytes` are not a node record.
Result<NodeRecord> decode_node_record(NodeId id, std::string_view bytes);

// Receives a node record's type, external key and properties, the properties as nlohmann's
// SAX events (the property map's start_object to its end_object), so that a reader with
// values of its own (the Cypher engine) converts them without a JSON document in between.
class NodeRecordVisitor : public nlohmann::json_sax<nlohmann::json> {
 public:
  virtual void node_type(std::string_view type) = 0;
  virtual void node_key(std::string_view key) = 0;
};
// Streams the type, key and properties of node record `bytes` to `visitor` (no property
// events for a record without properties). internal when `bytes` are not a node record or the
// visitor stops.
Status visit_node_record(NodeId id, std::string_view bytes, NodeRecordVisitor& visitor);

// An edge's properties (null entries already removed by the caller): no bytes for {}.
std::string encode_edge_properties(const nlohmann::json& properties);
// {} for no bytes; internal when `bytes` are not a MessagePack map.
Result<nlohmann::json> decode_edge_properties(std::string_view bytes);

}  // namespace expgraph
