// The one key codec of expgraph's RocksDB layout. Ids are fixed-width big-endian so that
// lexicographic key order is numeric order and a prefix scan is an adjacency or index scan.
// Used by storage/ and graph/; pure functions, thread-safe.
//
// Column family layouts (see DESIGN.md "Storage"):
//   nodes    node_id(8)                                  -> NodeRecord (MessagePack)
//   keys     type_id(4) external_key                     -> node_id(8)
//   out      src(8) edge_type_id(4) dst(8)               -> edge properties (MessagePack)
//   in       dst(8) edge_type_id(4) src(8)               -> empty (the properties live in `out`)
//   index    type_id(4) property_id(4) value dst node(8) -> empty
//   log      sequence(8)                                 -> change record (MessagePack)
//   vectors  node_id(8)                                  -> embedding
//   meta     name                                        -> counters, symbols, ontology, API keys
//   history  type_id(4) external_key 0x00 sequence(8)      -> empty (log records of one node)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace expgraph {

using NodeId = uint64_t;
using SymbolId = uint32_t;  // a node type, edge type or property name, see SymbolTable

namespace keys {

void append_u32(std::string& out, uint32_t value);
void append_u64(std::string& out, uint64_t value);
uint32_t read_u32(std::string_view bytes, size_t offset);
uint64_t read_u64(std::string_view bytes, size_t offset);

std::string node_key(NodeId id);
NodeId node_id_from_key(std::string_view key);

std::string external_key(SymbolId type, std::string_view key);
std::string external_key_prefix(SymbolId type);
// The external key part of a `keys` column family key.
std::string_view external_key_suffix(std::string_view key);

// Adjacency keys serve both `out` (first = src) and `in` (first = dst).
struct AdjacencyKey {
  NodeId first = 0;
  SymbolId edge_type = 0;
  NodeId second = 0;
};
std::string adjacency_key(NodeId first, SymbolId edge_type, NodeId second);
// The same key appended to `out` (for callers that reuse a buffer).
void append_adjacency_key(std::string& out, NodeId first, SymbolId edge_type, NodeId second);
std::string adjacency_prefix(NodeId first);
std::string adjacency_prefix(NodeId first, SymbolId edge_type);
AdjacencyKey decode_adjacency_key(std::string_view key);

// Order-preserving encoding of an indexable scalar (bool, number, string). Integers and
// floats encode differently, so callers convert a value to the property's declared type first.
// Returns nullopt for values that are not indexed (null, arrays, objects).
std::optional<std::string> encode_index_value(const nlohmann::json& value);
std::string index_prefix(SymbolId type, SymbolId property, std::string_view encoded_value);
std::string index_key(SymbolId type, SymbolId property, std::string_view encoded_value,
                      NodeId node);
// The node id at the end of an index key.
NodeId index_key_node(std::string_view key);

std::string log_key(uint64_t sequence);
// The `log` sequence of a log key.
uint64_t log_key_sequence(std::string_view key);

// `history` keys list the change-log sequences of one node (by type and external key, so a
// deleted and re-created node keeps one history). External keys never hold 0x00, so the
// separator ends the key unambiguously and one node's entries are contiguous, oldest first.
std::string history_prefix(SymbolId type, std::string_view key);
std::string history_key(SymbolId type, std::string_view key, uint64_t sequence);
// The sequence at the end of a history key.
uint64_t history_key_sequence(std::string_view key);

// The smallest key greater than every key starting with `prefix` (for iterate_upper_bound);
// empty when no such key exists (prefix of all 0xff).
std::string prefix_successor(std::string_view prefix);

}  // namespace keys
}  // namespace expgraph
