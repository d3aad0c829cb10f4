// GraphStore::WritePlan, the write path of GraphStore::write: a WriteRequest is resolved
// against storage and validated against the ontology into a plan (the before and after state
// of every node and edge it touches), which then becomes one WriteBatch: node records and key
// map (value_codec.h), adjacency, index entries, history and change-log records
// (change_record.h). Nothing is written until the whole plan is valid.
// Not thread-safe: GraphStore::write builds one plan at a time, under its write mutex.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "graph/graph_store.h"

namespace expgraph {

namespace write_plan_internal {

// An edge as the plan keys it: (from, type, to), the `out` key's order.
struct EdgeIdentity {
  NodeId from = 0;
  SymbolId type = 0;
  NodeId to = 0;
  auto operator<=>(const EdgeIdentity&) const = default;
};

// Hash of a node reference for the plan's node table.
struct NodeRefHash {
  size_t operator()(const NodeRef& ref) const {
    std::hash<std::string_view> hash;
    return hash(ref.type) * 31 + hash(ref.key);
  }
};

}  // namespace write_plan_internal

class GraphStore::WritePlan {
 public:
  // `movable`, when given, is `request` itself, which the plan may move property values out of
  // (GraphStore::write of an rvalue): a large value is then never copied.
  WritePlan(GraphStore& store, const WriteRequest& request, WriteRequest* movable);

  // Resolves and validates the whole request; an error leaves the store as it was.
  Status plan();
  // Turns the validated plan into one WriteBatch, commits it and updates the mirror.
  Result<WriteSummary> commit();

  // The store's id and sequence counters before the plan took any (restore_counters gives
  // them back when the plan is not committed).
  void remember_counters();
  void restore_counters();

 private:
  using EdgeIdentity = write_plan_internal::EdgeIdentity;

  struct PlannedNode {
    NodeId id = 0;
    SymbolId type_id = 0;
    const NodeType* type = nullptr;
    std::optional<std::vector<float>> embedding;  // sent with the write, if any
    std::optional<NodeRecord> before;             // as stored
    std::optional<NodeRecord> after;              // nullopt: deleted (or never existed)
    bool touched = false;                         // written or deleted by this request
    bool record_loaded = true;     // false: before/after are stubs without properties
    const NodeRef* ref = nullptr;  // its key in nodes_
    // Where hand_over_records moved `after` to, for a node the request writes twice.
    std::optional<size_t> handed_over;
    // Where hand_over_records moved `before`'s properties to, likewise.
    std::optional<size_t> previous_handed_over;
  };
  struct PlannedEdge {
    // The names the change log needs: the type's name and the endpoints' references point into
    // the ontology and the plan's node table (an imported edge copies no strings), or into
    // `stored` for an edge found in storage by a node delete.
    const std::string* type = nullptr;
    const NodeRef* from = nullptr;
    const NodeRef* to = nullptr;
    std::unique_ptr<EdgeRecord> stored;
    std::optional<nlohmann::json> before;  // stored properties
    std::optional<nlohmann::json> after;   // nullopt: deleted
  };

  // Planning (write_plan.cc).
  std::string node_label(size_t index) const;
  Result<PlannedNode*> resolve(const NodeRef& ref, bool need_record = true);
  Status load_record(PlannedNode& node);
  Status plan_node(const NodeWrite& write, size_t index);
  Status plan_node_delete(const NodeRef& ref);
  Status plan_stored_edge_removal(const EdgeIdentity& identity);
  Status fill_refs(EdgeRecord& record);
  Status plan_edge(const EdgeWrite& write, bool remove, size_t index);
  bool stored_edge_exists(const EdgeIdentity& identity) const;
  void adjust_degrees(const EdgeIdentity& identity, int delta);
  Status check_cardinalities();
  Status check_conclusions();
  void collect_touched();
  std::string node_ref_of(NodeId id) const;

  // Committing (write_plan_commit.cc).
  WriteSummary hand_over_records();
  void index_entries(const PlannedNode& node, const NodeRecord& record,
                     std::set<std::string>& out) const;
  void add_node_operations(KvWriteBatch& batch, const PlannedNode& node);
  void add_edge_operations(KvWriteBatch& batch, const EdgeIdentity& identity,
                           const PlannedEdge& edge);
  // Adds the record in log_buffer_ to the batch under `sequence`.
  void put_log_record(KvWriteBatch& batch, uint64_t sequence);
  std::vector<NodeChange> node_changes() const;
  void apply_to_mirror();
  uint64_t take_sequence() { return store_.next_sequence_++; }

  GraphStore& store_;
  const WriteRequest& request_;
  WriteRequest* const movable_;
  int64_t now_;
  // Every node the request names, endpoints included (most of them, in an edge import, only
  // looked up): a hash table, since a sorted map cost a dozen string comparisons per edge end.
  // Element pointers are stable, which touched_ relies on.
  std::unordered_map<NodeRef, PlannedNode, write_plan_internal::NodeRefHash> nodes_;
  // The nodes written or deleted, in NodeRef order (collect_touched): the order their
  // operations and change-log records are written in, independent of the hash table.
  std::vector<PlannedNode*> touched_;
  std::vector<PlannedNode*> written_;  // parallel to the request's nodes
  std::map<EdgeIdentity, PlannedEdge> edges_;
  std::map<std::tuple<NodeId, SymbolId, bool>, long> degree_delta_;
  // Reused for each change-log record, up to this size (a larger one is moved to the batch).
  static constexpr size_t kReusedLogBufferBytes = 64 * 1024;
  std::string log_buffer_;
  std::string out_key_buffer_;  // reused for each edge's key
  WriteSummary summary_;
  NodeId first_node_id_ = 0;
  uint64_t first_sequence_ = 0;
};

}  // namespace expgraph
