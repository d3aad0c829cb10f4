// GraphStore::apply_replicated: a read replica applies the primary's write batches as they are
// (they already hold the node records, key map, adjacency, index entries, change log and the
// observers' vectors), then derives from the batch's operations what the primary's write plan
// knew: which nodes were created, changed or deleted and which edges came or went, and feeds
// the same mirror, key index, counters and observers with it.
#include <map>

#include "graph/graph_store.h"
#include "graph/value_codec.h"

namespace expgraph {

namespace {

// A node touched by the batch: its record before (read before the write) and after.
struct TouchedNode {
  std::optional<NodeRecord> before;
  std::optional<NodeRecord> after;
};

struct KeyChange {
  SymbolId type = 0;
  std::string key;
  NodeId id = 0;
};

}  // namespace

Result<GraphStore::ReplicatedApply> GraphStore::apply_replicated(const ReplicatedBatch& batch) {
  auto decoded = store_->decode_batch(batch.data);
  if (!decoded.ok()) return decoded.status();
  const std::vector<KvOperation>& operations = *decoded;

  std::lock_guard lock(write_mutex_);
  ReplicatedApply report;
  std::map<NodeId, TouchedNode> nodes;
  std::vector<KeyChange> keys_added, keys_removed;
  std::vector<keys::AdjacencyKey> edges_put, edges_removed;
  std::optional<uint64_t> next_node_id, next_sequence;
  // Everything read here is read before the write, so `before` is the replica's state at the
  // previous batch, as the primary's plan saw it.
  for (const KvOperation& operation : operations) {
    switch (operation.column) {
      case Column::kNodes: {
        NodeId id = keys::node_id_from_key(operation.key);
        auto [entry, inserted] = nodes.try_emplace(id);
        if (inserted) {
          auto stored = store_->get(Column::kNodes, operation.key);
          if (!stored.ok()) return stored.status();
          if (stored->has_value()) {
            auto record = decode_node_record(id, **stored);
            if (!record.ok()) return record.status();
            entry->second.before = std::move(record).value();
          }
        }
        if (operation.is_put) {
          auto record = decode_node_record(id, operation.value);
          if (!record.ok()) return record.status();
          entry->second.after = std::move(record).value();
        } else {
          entry->second.after.reset();
        }
        break;
      }
      case Column::kKeys: {
        KeyChange change{keys::read_u32(operation.key, 0),
                         std::string(keys::external_key_suffix(operation.key)), 0};
        if (operation.is_put) {
          change.id = keys::read_u64(operation.value, 0);
          keys_added.push_back(std::move(change));
        } else {
          auto stored = store_->get(Column::kKeys, operation.key);
          if (!stored.ok()) return stored.status();
          if (!stored->has_value()) break;  // already gone
          change.id = keys::read_u64(**stored, 0);
          keys_removed.push_back(std::move(change));
        }
        break;
      }
      case Column::kOut:
        (operation.is_put ? edges_put : edges_removed)
            .push_back(keys::decode_adjacency_key(operation.key));
        break;
      case Column::kMeta:
        if (operation.key == kNextNodeIdKey && operation.value.size() == 8) {
          next_node_id = keys::read_u64(operation.value, 0);
        } else if (operation.key == kNextSequenceKey && operation.value.size() == 8) {
          next_sequence = keys::read_u64(operation.value, 0);
        } else if (operation.key.starts_with("auth/")) {
          report.keys_changed = true;
        } else if (operation.key == kOntologyKey) {
          report.ontology_changed = true;
        }
        break;
      default:
        break;  // index, log, history, vectors: read from storage, or by the observers
    }
  }

  EXPGRAPH_RETURN_IF_ERROR(store_->apply_replicated(batch));

  // As the primary's write plan does: the mirror takes the batch in one step (nodes created,
  // edges, then nodes deleted, which takes their remaining edges), and only then does the key
  // index learn the new nodes, so that a reader never sees a node with some of its batch's edges.
  // The edges are filtered here, under write_mutex_ (no other writer), against the mirror as it
  // stands: a put on an existing edge changes its properties, not the topology.
  TopologyMirror::Changes shape;
  for (const KeyChange& added : keys_added) {
    if (!mirror_.has_node(added.id)) shape.nodes_added.emplace_back(added.id, added.type);
  }
  for (const keys::AdjacencyKey& edge : edges_put) {
    if (!mirror_.has_edge(edge.first, edge.edge_type, edge.second)) {
      shape.edges_added.push_back({edge.first, edge.edge_type, edge.second});
    }
  }
  for (const keys::AdjacencyKey& edge : edges_removed) {
    if (mirror_.has_edge(edge.first, edge.edge_type, edge.second)) {
      shape.edges_removed.push_back({edge.first, edge.edge_type, edge.second});
    }
  }
  for (const KeyChange& removed : keys_removed) shape.nodes_removed.push_back(removed.id);
  mirror_.apply(shape);
  for (const KeyChange& added : keys_added) key_index_.insert(added.type, added.key, added.id);
  for (const KeyChange& removed : keys_removed) {
    key_index_.erase(removed.type, removed.key, removed.id);
  }
  if (next_node_id) next_node_id_ = *next_node_id;
  if (next_sequence) next_sequence_ = *next_sequence;

  std::vector<NodeChange> changes;
  for (const auto& [id, node] : nodes) {
    const NodeRecord* any = node.after ? &*node.after : node.before ? &*node.before : nullptr;
    if (any == nullptr) continue;  // a delete of a node the replica never had
    changes.push_back(NodeChange{id, ontology_->node_type(any->type),
                                 node.before ? &*node.before : nullptr,
                                 node.after ? &*node.after : nullptr, nullptr});
  }
  report.node_changes = changes.size();
  for (WriteObserver* observer : observers_) observer->replicated(changes, operations);
  return report;
}

}  // namespace expgraph
