// GraphStore: the graph model over storage. Every write is validated against the ontology,
// planned in full, then committed as one RocksDB WriteBatch (nodes, key map, adjacency both
// ways, index entries, change log) and only then applied to the topology mirror.
// Thread-safe: writes are serialised by `write_mutex_`; reads run concurrently with them.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "graph/node_enricher.h"
#include "graph/node_key_index.h"
#include "graph/records.h"
#include "graph/topology_mirror.h"
#include "graph/write_observer.h"
#include "ontology/ontology.h"
#include "storage/kv_store.h"
#include "storage/symbol_table.h"

namespace expgraph {

class PropertyColumns;  // graph/property_columns.h

struct GraphStoreOptions {
  KvStoreOptions storage;
  size_t max_request_items = 200000;  // nodes + edges + deletes in one WriteRequest
  // Memory for the columnar copy of node properties that whole-type scans read
  // (graph/property_columns.h); a node type that does not fit is read from storage instead.
  // 0 turns the copy off.
  size_t column_cache_bytes = size_t{512} << 20;
};

// One `prop:value` condition of a node listing; the value is converted to the property's type.
struct PropertyFilter {
  std::string property;
  std::string value;
};

struct NodePage {
  std::vector<NodeRecord> nodes;
  std::string next_cursor;  // empty on the last page
};

class GraphStore {
 public:
  // Opens the database in `directory`, registers the ontology's names and rebuilds the mirror.
  static Result<std::unique_ptr<GraphStore>> open(const std::string& directory,
                                                  std::shared_ptr<const Ontology> ontology,
                                                  const GraphStoreOptions& options = {});
  ~GraphStore();

  const Ontology& ontology() const { return *ontology_; }
  const TopologyMirror& topology() const { return mirror_; }
  const SymbolTable& symbols() const { return symbols_; }
  KvStore& storage() { return *store_; }
  const KvStore& storage() const { return *store_; }
  // The in-memory columns of node properties, kept in step with every write like the mirror.
  const PropertyColumns& columns() const { return *columns_; }

  // Validates and commits a whole request atomically: all of it or, on any error, none of it.
  Result<WriteSummary> write(const WriteRequest& request);
  // The same for a request the caller gives up: its property values are moved into the write
  // instead of copied (a large value costs one copy less). `request` is unspecified afterwards.
  Result<WriteSummary> write(WriteRequest&& request);

  Result<NodeRecord> get_node(const NodeRef& ref) const;
  Result<NodeRecord> get_node(NodeId id) const;
  // The internal id of a node, nullopt when it does not exist. Answered from memory (the key
  // index), so it costs no storage read.
  Result<std::optional<NodeId>> find_node_id(const NodeRef& ref) const;
  // A node's edges (properties included), at most `limit` of them.
  Result<std::vector<EdgeRecord>> edges_of(const NodeRef& ref, Direction direction,
                                           const std::optional<std::string>& edge_type,
                                           size_t limit) const;
  // The properties of the edge from -[type]-> to ({} when it has none), nullopt when there is
  // no such edge. One storage read; the bytes are decoded by value_codec, their one home.
  Result<std::optional<nlohmann::json>> edge_properties(NodeId from, SymbolId type,
                                                        NodeId to) const;
  // Nodes of a type, in key order or (with an indexed filter) index order, one page at a time.
  Result<NodePage> list_nodes(std::string_view type, const std::vector<PropertyFilter>& filters,
                              size_t limit, std::string_view cursor) const;

  // Registers derived state to keep in step with every write; the observer must outlive the
  // store. Register before serving: registration is not synchronised with writes.
  void add_observer(WriteObserver* observer) { observers_.push_back(observer); }
  // Registers a hook that may add derived properties to each node written, before validation;
  // same lifetime and registration rules as observers. Enrichers run in registration order.
  void add_enricher(const NodeEnricher* enricher) { enrichers_.push_back(enricher); }

  size_t node_count() const { return mirror_.node_count(); }
  size_t edge_count() const { return mirror_.edge_count(); }
  // The sequence number of the last change-log record committed.
  uint64_t last_sequence() const;

  // On a read replica (options.storage.replica): applies one batch of the primary's write
  // stream atomically with the applied sequence, then brings the mirror, the key index, the
  // counters and the observers in step from its operations (graph/replicated_apply.cc).
  // invalid_argument when the batch does not decode; storage errors. What it touched outside
  // the graph is reported so that the caller can refresh its own copies.
  struct ReplicatedApply {
    size_t node_changes = 0;
    bool keys_changed = false;      // `meta` auth/key/...: API keys
    bool ontology_changed = false;  // `meta` ontology/current: restart to take it
  };
  Result<ReplicatedApply> apply_replicated(const ReplicatedBatch& batch);
  // The ontology document stored in `store` (`meta` ontology/current), nullopt when none: a
  // replica runs the primary's ontology, read from its copy of the data.
  static Result<std::optional<std::string>> stored_ontology(const KvStore& store);

 private:
  class WritePlan;
  // Both write()s: `movable` is `request` when its values may be moved out, else null.
  Result<WriteSummary> write(const WriteRequest& request, WriteRequest* movable);

  // `meta` keys of the counters that open() reads and every WritePlan writes.
  static constexpr std::string_view kNextNodeIdKey = "counter/next_node_id";
  static constexpr std::string_view kNextSequenceKey = "counter/next_sequence";
  // The ontology in force (store_ontology), read by replicas (stored_ontology).
  static constexpr std::string_view kOntologyKey = "ontology/current";

  GraphStore() = default;
  Status load_counters();
  Status store_ontology();
  Status rebuild_mirror();
  // A stored node's id by (type, key): the key index, or the `keys` column family when the
  // index is unsure.
  Result<std::optional<NodeId>> stored_node_id(SymbolId type, std::string_view key) const;

  std::shared_ptr<const Ontology> ontology_;
  GraphStoreOptions options_;
  std::unique_ptr<KvStore> store_;
  SymbolTable symbols_;
  TopologyMirror mirror_;
  NodeKeyIndex key_index_;  // kept in step with the `keys` column family, like the mirror
  std::unique_ptr<PropertyColumns> columns_;  // the first of observers_
  std::vector<WriteObserver*> observers_;
  std::vector<const NodeEnricher*> enrichers_;

  mutable std::mutex write_mutex_;  // serialises write(); guards the two counters below
  NodeId next_node_id_ = 1;
  uint64_t next_sequence_ = 1;
};

}  // namespace expgraph
