// GraphStore::WritePlan, committing: the validated plan becomes one WriteBatch (node records,
// key map, adjacency, index entries, history and change-log records), is written, and the
// mirror and observers follow (write_plan.h).
#include "graph/change_record.h"
#include "graph/value_codec.h"
#include "graph/write_plan.h"

namespace expgraph {

// Turns the validated plan into one WriteBatch, commits it and updates the mirror.
Result<WriteSummary> GraphStore::WritePlan::commit() {
  KvWriteBatch batch;
  for (const PlannedNode* node : touched_) add_node_operations(batch, *node);
  for (auto& [identity, edge] : edges_) add_edge_operations(batch, identity, edge);
  if (batch.operation_count() == 0) return hand_over_records();
  std::vector<NodeChange> changes = node_changes();
  for (WriteObserver* observer : store_.observers_) {
    Status prepared = observer->prepare(changes, batch);
    if (!prepared.ok()) {
      restore_counters();
      return prepared;
    }
  }

  std::string encoded;
  keys::append_u64(encoded, store_.next_node_id_);
  batch.put(Column::kMeta, kNextNodeIdKey, encoded);
  encoded.clear();
  keys::append_u64(encoded, store_.next_sequence_);
  batch.put(Column::kMeta, kNextSequenceKey, encoded);
  Status status = store_.store_->write(batch);
  if (!status.ok()) {
    // Nothing was written: give back the ids and sequence numbers taken by this plan.
    restore_counters();
    return status;
  }
  summary_.last_sequence = store_.next_sequence_ - 1;
  apply_to_mirror();
  for (WriteObserver* observer : store_.observers_) observer->committed(changes);
  return hand_over_records();
}

// The summary, with the final record of each node written moved into it (the plan ends
// with the write, and the observers have seen the records by then), and the stored properties
// of each node it updated, moved too: a copy would hold a large document's old value twice.
WriteSummary GraphStore::WritePlan::hand_over_records() {
  std::vector<NodeRecord>& records = summary_.node_records;
  records.reserve(written_.size());
  summary_.previous_properties.resize(written_.size());
  for (size_t i = 0; i < written_.size(); ++i) {
    PlannedNode& node = *written_[i];
    if (summary_.nodes[i] == WriteOutcome::kUpdated && node.before) {
      if (node.previous_handed_over) {
        summary_.previous_properties[i] = summary_.previous_properties[*node.previous_handed_over];
      } else {
        summary_.previous_properties[i] = std::move(node.before->properties);
        node.previous_handed_over = i;
      }
    }
    if (node.handed_over) {
      records.push_back(records[*node.handed_over]);
    } else if (node.after) {
      records.push_back(std::move(*node.after));
      node.handed_over = i;
    } else {
      records.emplace_back();
    }
  }
  return std::move(summary_);
}

void GraphStore::WritePlan::index_entries(const PlannedNode& node, const NodeRecord& record,
                                          std::set<std::string>& out) const {
  for (const PropertyDef& def : node.type->properties) {
    if (!def.indexed) continue;
    auto value = record.properties.find(def.name);
    if (value == record.properties.end()) continue;
    SymbolId property_id = *store_.symbols_.find(SymbolKind::kProperty, def.name);
    auto add = [&](const nlohmann::json& element) {
      if (auto encoded = keys::encode_index_value(element)) {
        out.insert(keys::index_key(node.type_id, property_id, *encoded, node.id));
      }
    };
    if (value->is_array()) {
      for (const auto& element : *value) add(element);
    } else {
      add(*value);
    }
  }
}

void GraphStore::WritePlan::add_node_operations(KvWriteBatch& batch, const PlannedNode& node) {
  std::set<std::string> old_index, new_index;
  if (node.before) index_entries(node, *node.before, old_index);
  if (node.after) index_entries(node, *node.after, new_index);
  for (const std::string& key : old_index) {
    if (!new_index.contains(key)) batch.erase(Column::kIndex, key);
  }
  for (const std::string& key : new_index) {
    if (!old_index.contains(key)) batch.put(Column::kIndex, key, "");
  }
  const NodeRecord& any = node.after ? *node.after : *node.before;
  std::string external = keys::external_key(node.type_id, any.key);
  // Each state's properties are encoded once, for the node record and the change-log record.
  std::string before_properties, after_properties;
  if (node.before) before_properties = encode_properties(node.before->properties);
  if (node.after) after_properties = encode_properties(node.after->properties);
  NodeState before{node.before ? &*node.before : nullptr, before_properties};
  NodeState after{node.after ? &*node.after : nullptr, after_properties};
  ChangeContext context{now_, request_.actor};
  if (node.after) {
    batch.put_owned(Column::kNodes, keys::node_key(node.id),
                    encode_node_record(*node.after, after_properties));
    if (!node.before) {
      std::string id;
      keys::append_u64(id, node.id);
      batch.put(Column::kKeys, external, id);
    }
    encode_node_change(log_buffer_, context, "put_node", before, after);
  } else if (node.before) {
    batch.erase(Column::kNodes, keys::node_key(node.id));
    batch.erase(Column::kKeys, external);
    encode_node_change(log_buffer_, context, "delete_node", before, after);
  } else {
    return;
  }
  uint64_t sequence = take_sequence();
  put_log_record(batch, sequence);
  batch.put(Column::kHistory, keys::history_key(node.type_id, any.key, sequence), "");
}

void GraphStore::WritePlan::add_edge_operations(KvWriteBatch& batch, const EdgeIdentity& identity,
                                                const PlannedEdge& edge) {
  if (edge.before == edge.after) return;
  // The key goes to a reused buffer: the batch copies it.
  std::string& out_key = out_key_buffer_;
  out_key.clear();
  keys::append_adjacency_key(out_key, identity.from, identity.type, identity.to);
  const nlohmann::json* before = edge.before ? &*edge.before : nullptr;
  const nlohmann::json* after = edge.after ? &*edge.after : nullptr;
  ChangeContext context{now_, request_.actor};
  if (after != nullptr) {
    batch.put(Column::kOut, out_key, encode_edge_properties(*after));
    encode_edge_change(log_buffer_, context, "put_edge", *edge.type, *edge.from, *edge.to, before,
                       after);
  } else {
    batch.erase(Column::kOut, out_key);
    encode_edge_change(log_buffer_, context, "delete_edge", *edge.type, *edge.from, *edge.to,
                       before, after);
  }
  put_log_record(batch, take_sequence());
}

void GraphStore::WritePlan::put_log_record(KvWriteBatch& batch, uint64_t sequence) {
  if (log_buffer_.size() < kReusedLogBufferBytes) {
    batch.put(Column::kLog, keys::log_key(sequence), log_buffer_);
  } else {
    // A large record is handed to the batch rather than copied; the next one starts afresh.
    batch.put_owned(Column::kLog, keys::log_key(sequence), std::move(log_buffer_));
    log_buffer_ = std::string();
  }
}

std::vector<NodeChange> GraphStore::WritePlan::node_changes() const {
  std::vector<NodeChange> changes;
  for (const PlannedNode* node_pointer : touched_) {
    const PlannedNode& node = *node_pointer;
    changes.push_back(NodeChange{node.id, node.type, node.before ? &*node.before : nullptr,
                                 node.after ? &*node.after : nullptr,
                                 node.embedding ? &*node.embedding : nullptr});
  }
  return changes;
}

void GraphStore::WritePlan::apply_to_mirror() {
  // The mirror takes the whole request in one step, and the key index learns the new nodes only
  // after it: a reader that finds a node by its key, or by walking the mirror, sees every edge
  // the request wrote with it, never some of them.
  TopologyMirror::Changes changes;
  for (const PlannedNode* node : touched_) {
    if (node->after && !node->before) changes.nodes_added.emplace_back(node->id, node->type_id);
    if (!node->after && node->before) changes.nodes_removed.push_back(node->id);
  }
  for (const auto& [identity, edge] : edges_) {
    TopologyMirror::Edge shape{identity.from, identity.type, identity.to};
    if (edge.after && !edge.before) changes.edges_added.push_back(shape);
    if (!edge.after && edge.before) changes.edges_removed.push_back(shape);
  }
  store_.mirror_.apply(changes);
  for (const PlannedNode* node : touched_) {
    if (node->after && !node->before) {
      store_.key_index_.insert(node->type_id, node->ref->key, node->id);
    }
    if (!node->after && node->before) {
      store_.key_index_.erase(node->type_id, node->ref->key, node->id);
    }
  }
}

}  // namespace expgraph
