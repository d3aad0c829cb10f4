// The values graph/ reads and writes: node and edge records, node references and write
// requests. Plain data, used by graph/, query/ and api/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "ontology/status.h"
#include "storage/key_codec.h"

namespace expgraph {

// A node's stable external id, written "Type/key".
struct NodeRef {
  std::string type;
  std::string key;

  std::string to_string() const { return type + "/" + key; }
  bool operator==(const NodeRef&) const = default;
  auto operator<=>(const NodeRef&) const = default;
};

// Parses "Type/key" (the key is everything after the first '/').
Result<NodeRef> parse_node_ref(std::string_view text);
// Keys are 1..512 bytes of valid UTF-8 without control characters or '/'.
Status validate_external_key(std::string_view key);
// True when `text` is well-formed UTF-8.
bool is_valid_utf8(std::string_view text);

struct NodeRecord {
  NodeId id = 0;
  std::string type;
  std::string key;
  nlohmann::json properties = nlohmann::json::object();
  uint64_t version = 0;
  int64_t created_at_ms = 0;  // Unix epoch milliseconds
  int64_t updated_at_ms = 0;

  NodeRef ref() const { return NodeRef{type, key}; }
  // {type, key, properties, version, created_at, updated_at} with RFC 3339 timestamps.
  nlohmann::json to_json() const&;
  // The same, with the properties moved into it rather than copied.
  nlohmann::json to_json() &&;
};

struct EdgeRecord {
  std::string type;
  NodeRef from;
  NodeRef to;
  NodeId from_id = 0;
  NodeId to_id = 0;
  nlohmann::json properties = nlohmann::json::object();

  nlohmann::json to_json() const;  // {type, from: "T/k", to: "T/k", properties}
};

struct NodeWrite {
  std::string type;
  std::string key;
  nlohmann::json properties = nlohmann::json::object();
  // For deployments whose clients embed text themselves (the `client` embedder).
  std::optional<std::vector<float>> embedding;
};

struct EdgeWrite {
  std::string type;
  NodeRef from;
  NodeRef to;
  nlohmann::json properties = nlohmann::json::object();
};

// One logical write: everything in it commits in one RocksDB WriteBatch or nothing does.
// Edges may reference nodes written in the same request.
struct WriteRequest {
  std::vector<NodeWrite> nodes;
  std::vector<EdgeWrite> edges;
  std::vector<NodeRef> node_deletes;  // a deleted node takes its edges with it
  std::vector<EdgeWrite> edge_deletes;
  std::string actor = "anonymous";  // who asked, recorded in the change log
  // A node write naming a node stored before this request leaves it as stored (outcome
  // kKept) instead of replacing its properties. Decided while the write is planned, under the
  // store's write lock, so no concurrent write can slip between "is it stored?" and the write
  // (the import's overwrite=false). A node created earlier in the same request is written.
  bool keep_existing = false;
};

// kKept: a node write left out because the node was stored (WriteRequest::keep_existing).
enum class WriteOutcome { kCreated, kUpdated, kUnchanged, kDeleted, kKept };
std::string_view write_outcome_name(WriteOutcome outcome);

struct WriteSummary {
  std::vector<WriteOutcome> nodes;  // parallel to WriteRequest::nodes
  std::vector<WriteOutcome> edges;  // parallel to WriteRequest::edges
  // Parallel to WriteRequest::nodes: each node as this write left it (as stored, when
  // unchanged; empty when the request also deletes it). A response describes the write from
  // these, never from a read after it: a concurrent write may change or delete the node as
  // soon as this one commits.
  std::vector<NodeRecord> node_records;
  // Parallel to WriteRequest::nodes: for each node this write updated (kUpdated), its
  // properties as stored before the request, read under the write lock like the rest of the
  // plan (so the change a report lists is the change this write made); nullopt otherwise.
  std::vector<std::optional<nlohmann::json>> previous_properties;
  size_t nodes_deleted = 0;
  size_t edges_deleted = 0;  // including the edges of deleted nodes
  uint64_t last_sequence = 0;  // change-log sequence of the last record written (0: none)
};

enum class Direction { kOut, kIn, kBoth };
std::optional<Direction> parse_direction(std::string_view text);

// Milliseconds since the Unix epoch <-> "2024-05-01T10:00:00.123Z".
std::string format_timestamp(int64_t epoch_ms);
int64_t now_epoch_ms();

}  // namespace expgraph
