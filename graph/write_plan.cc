// The write path of GraphStore: a WriteRequest is resolved against storage and validated
// against the ontology into a WritePlan (the before and after state of every node and edge it
// touches), which becomes one WriteBatch. Nothing is written until the whole plan is valid.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "graph/governance.h"
#include "graph/graph_store.h"

namespace expgraph {

namespace {

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

std::string to_msgpack(const nlohmann::json& value) {
  std::string bytes;
  nlohmann::json::to_msgpack(value, bytes);
  return bytes;
}

// A few MessagePack writers for the change-log record, which is written once per imported item:
// encoding it directly spares building an nlohmann object (a dozen allocations) for each. The
// bytes decode to the same JSON as nlohmann's encoding of the record would.
void msgpack_map_header(std::string& out, size_t entries) {
  out.push_back(static_cast<char>(0x80 | entries));  // fixmap: every map here has < 16 entries
}

void msgpack_string(std::string& out, std::string_view text) {
  size_t size = text.size();
  if (size < 32) {
    out.push_back(static_cast<char>(0xa0 | size));
  } else if (size <= 0xff) {
    out.push_back(static_cast<char>(0xd9));
    out.push_back(static_cast<char>(size));
  } else if (size <= 0xffff) {
    out.push_back(static_cast<char>(0xda));
    for (int shift : {8, 0}) out.push_back(static_cast<char>(size >> shift));
  } else {
    out.push_back(static_cast<char>(0xdb));
    for (int shift : {24, 16, 8, 0}) out.push_back(static_cast<char>(size >> shift));
  }
  out.append(text);
}

void msgpack_int(std::string& out, int64_t value) {
  if (value >= 0 && value < 128) {
    out.push_back(static_cast<char>(value));
    return;
  }
  out.push_back(static_cast<char>(value >= 0 ? 0xcf : 0xd3));  // uint64 / int64
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(value >> shift));
}

// Null and {} (an edge without properties) are written directly: nlohmann's writer allocates
// an output adapter per call, and an edge import logs both for every edge.
void msgpack_json(std::string& out, const nlohmann::json& value) {
  if (value.is_null()) {
    out.push_back(static_cast<char>(0xc0));
  } else if (value.is_object() && value.empty()) {
    out.push_back(static_cast<char>(0x80));
  } else {
    nlohmann::json::to_msgpack(value, out);
  }
}

// Null means "absent", and floats are stored as floats even when written as integers, so that
// equal values have equal index keys. In place, on the caller's copy: a large value is not
// copied again.
nlohmann::json normalize_properties(const NodeType& type, nlohmann::json properties) {
  for (auto it = properties.begin(); it != properties.end();) {
    if (it->is_null()) {
      it = properties.erase(it);
      continue;
    }
    const PropertyDef* def = type.property(it.key());
    if (def != nullptr && def->type == PropertyType::kFloat && it->is_number_integer()) {
      *it = it->get<double>();
    }
    ++it;
  }
  return properties;
}

std::string item_label(std::string_view list, size_t index, const std::string& what) {
  return std::string(list) + "[" + std::to_string(index) + "] (" + what + ")";
}

std::string edge_label(const EdgeWrite& edge) {
  return edge.type + " " + edge.from.to_string() + " -> " + edge.to.to_string();
}

}  // namespace

class GraphStore::WritePlan {
 public:
  WritePlan(GraphStore& store, const WriteRequest& request)
      : store_(store), request_(request), now_(now_epoch_ms()) {
    nodes_.reserve(request.nodes.size() + request.node_deletes.size() + 2 * request.edges.size());
  }

  Status plan() {
    summary_.nodes.assign(request_.nodes.size(), WriteOutcome::kUnchanged);
    summary_.edges.assign(request_.edges.size(), WriteOutcome::kUnchanged);
    written_.assign(request_.nodes.size(), nullptr);
    for (size_t i = 0; i < request_.nodes.size(); ++i) {
      Status status = plan_node(request_.nodes[i], i);
      if (!status.ok()) return status.prepend(item_label("nodes", i, node_label(i)));
    }
    for (size_t i = 0; i < request_.node_deletes.size(); ++i) {
      Status status = plan_node_delete(request_.node_deletes[i]);
      if (!status.ok()) {
        return status.prepend(item_label("node_deletes", i, request_.node_deletes[i].to_string()));
      }
    }
    for (size_t i = 0; i < request_.edge_deletes.size(); ++i) {
      Status status = plan_edge(request_.edge_deletes[i], /*remove=*/true, i);
      if (!status.ok()) {
        return status.prepend(item_label("edge_deletes", i, edge_label(request_.edge_deletes[i])));
      }
    }
    for (size_t i = 0; i < request_.edges.size(); ++i) {
      Status status = plan_edge(request_.edges[i], /*remove=*/false, i);
      if (!status.ok())
        return status.prepend(item_label("edges", i, edge_label(request_.edges[i])));
    }
    EXPGRAPH_RETURN_IF_ERROR(check_cardinalities());
    collect_touched();
    return check_conclusions();
  }

  // Turns the validated plan into one WriteBatch, commits it and updates the mirror.
  Result<WriteSummary> commit() {
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

 private:
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

  std::string node_label(size_t index) const {
    return request_.nodes[index].type + "/" + request_.nodes[index].key;
  }

  // The plan's entry for a node, loaded from storage on first use. A node that does not exist
  // (neither in storage nor earlier in this request) has neither `before` nor `after`.
  // Edge endpoints pass need_record = false: they only need the node's id and existence, so a
  // stored node gets a stub record (id, type, key) instead of a read and decode of its
  // properties. Stubs are never written: edges do not touch their endpoints, and every node
  // write or delete of a request is planned before its edges (see plan()).
  Result<PlannedNode*> resolve(const NodeRef& ref, bool need_record = true) {
    auto found = nodes_.find(ref);
    if (found != nodes_.end()) {
      PlannedNode& node = found->second;
      if (need_record && !node.record_loaded) EXPGRAPH_RETURN_IF_ERROR(load_record(node));
      return &node;
    }
    const NodeType* type = store_.ontology_->node_type(ref.type);
    if (type == nullptr) {
      return Status::ontology_violation("unknown node type \"" + ref.type + "\"");
    }
    EXPGRAPH_RETURN_IF_ERROR(validate_external_key(ref.key));
    PlannedNode node;
    node.type = type;
    node.type_id = *store_.symbols_.find(SymbolKind::kNodeType, type->name);
    auto id = store_.stored_node_id(node.type_id, ref.key);
    if (!id.ok()) return id.status();
    if (id->has_value()) {
      node.id = **id;
      NodeRecord stub;
      stub.id = node.id;
      stub.type = ref.type;
      stub.key = ref.key;
      node.before = stub;
      node.after = std::move(stub);
      node.record_loaded = false;
      if (need_record) EXPGRAPH_RETURN_IF_ERROR(load_record(node));
    }
    auto [it, inserted] = nodes_.emplace(ref, std::move(node));
    it->second.ref = &it->first;
    return &it->second;
  }

  // Replaces a stored node's stub record by the record itself.
  Status load_record(PlannedNode& node) {
    if (!node.before) {
      node.record_loaded = true;
      return Status();
    }
    auto record = store_.get_node(node.id);
    if (!record.ok()) return record.status();
    node.before = *record;
    node.after = std::move(record).value();
    node.record_loaded = true;
    return Status();
  }

  Status plan_node(const NodeWrite& write, size_t index) {
    if (!write.properties.is_object()) {
      return Status::invalid_argument("properties must be a JSON object");
    }
    auto resolved = resolve(NodeRef{write.type, write.key});
    if (!resolved.ok()) return resolved.status();
    PlannedNode& node = **resolved;
    if (node.touched && !node.after) {
      return Status::conflict("the node is deleted earlier in the same request");
    }
    nlohmann::json properties;
    if (store_.enrichers_.empty()) {
      properties = normalize_properties(*node.type, write.properties);
    } else {
      nlohmann::json enriched = write.properties;
      for (const NodeEnricher* enricher : store_.enrichers_) {
        EXPGRAPH_RETURN_IF_ERROR(enricher->enrich(*node.type, enriched));
      }
      properties = normalize_properties(*node.type, std::move(enriched));
    }
    const nlohmann::json* previous = node.after ? &node.after->properties : nullptr;
    governance::stamp_approval(*node.type, previous, properties, request_.actor, now_);
    Status valid = store_.ontology_->validate_node(*node.type, properties, previous);
    if (!valid.ok()) return valid;

    WriteOutcome outcome;
    if (!node.after) {
      node.id = store_.next_node_id_++;
      NodeRecord record;
      record.id = node.id;
      record.type = write.type;
      record.key = write.key;
      record.created_at_ms = now_;
      node.after = std::move(record);
      outcome = WriteOutcome::kCreated;
    } else if (node.after->properties == properties) {
      outcome = WriteOutcome::kUnchanged;
    } else {
      outcome = node.before ? WriteOutcome::kUpdated : WriteOutcome::kCreated;
    }
    if (write.embedding) {
      node.embedding = write.embedding;
      node.touched = true;  // a new embedding alone is a change for the observers
    }
    if (outcome != WriteOutcome::kUnchanged) {
      node.after->properties = std::move(properties);
      node.after->version = (node.before ? node.before->version : 0) + 1;
      node.after->updated_at_ms = now_;
      node.touched = true;
    }
    summary_.nodes[index] = outcome;
    written_[index] = &node;
    return Status();
  }

  // The summary, with the final record of each node written moved into it (the plan ends
  // with the write, and the observers have seen the records by then).
  WriteSummary hand_over_records() {
    std::vector<NodeRecord>& records = summary_.node_records;
    records.reserve(written_.size());
    for (size_t i = 0; i < written_.size(); ++i) {
      PlannedNode& node = *written_[i];
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

  Status plan_node_delete(const NodeRef& ref) {
    auto resolved = resolve(ref);
    if (!resolved.ok()) return resolved.status();
    PlannedNode& node = **resolved;
    if (!node.after) return Status::not_found("node " + ref.to_string() + " does not exist");
    if (!node.before) {
      return Status::conflict("the node is created earlier in the same request");
    }
    node.after.reset();
    node.touched = true;
    ++summary_.nodes_deleted;
    // Its stored edges go with it, in both directions. Out-edges are read from storage; there is
    // no reverse index on disk, so in-edges come from the mirror, which holds exactly the
    // committed edges while a write is planned (writes are serialised, and each applies its
    // edges to the mirror before the next one starts).
    KvIterator it = store_.store_->scan(Column::kOut, keys::adjacency_prefix(node.id));
    for (; it.valid(); it.next()) {
      keys::AdjacencyKey key = keys::decode_adjacency_key(it.key());
      EXPGRAPH_RETURN_IF_ERROR(
          plan_stored_edge_removal(EdgeIdentity{key.first, key.edge_type, key.second}));
    }
    // Stopping early on a read error would commit the delete and leave dangling edges.
    EXPGRAPH_RETURN_IF_ERROR(it.status());
    for (const TopologyMirror::Neighbor& in : store_.mirror_.neighbors(node.id, Direction::kIn)) {
      EXPGRAPH_RETURN_IF_ERROR(
          plan_stored_edge_removal(EdgeIdentity{in.node, in.edge_type, node.id}));
    }
    return Status();
  }

  Status plan_stored_edge_removal(const EdgeIdentity& identity) {
    auto [it, inserted] = edges_.try_emplace(identity);
    PlannedEdge& edge = it->second;
    if (inserted) {
      auto stored = store_.store_->get(
          Column::kOut, keys::adjacency_key(identity.from, identity.type, identity.to));
      if (!stored.ok()) return stored.status();
      edge.before = decode_properties(stored->value_or(std::string()));
      edge.after = edge.before;
      edge.stored = std::make_unique<EdgeRecord>();
      EdgeRecord& record = *edge.stored;
      record.type = store_.symbols_.name(SymbolKind::kEdgeType, identity.type);
      record.from_id = identity.from;
      record.to_id = identity.to;
      EXPGRAPH_RETURN_IF_ERROR(fill_refs(record));
      edge.type = &record.type;
      edge.from = &record.from;
      edge.to = &record.to;
    }
    if (edge.after) {
      edge.after.reset();
      ++summary_.edges_deleted;
      adjust_degrees(identity, -1);
    }
    return Status();
  }

  // Fills an edge record's endpoint references from the plan or from storage.
  Status fill_refs(EdgeRecord& record) {
    for (auto [id, ref] :
         {std::pair{record.from_id, &record.from}, std::pair{record.to_id, &record.to}}) {
      auto stored = store_.get_node(id);
      if (!stored.ok()) return stored.status();
      *ref = stored->ref();
    }
    return Status();
  }

  static nlohmann::json decode_properties(std::string_view bytes) {
    if (bytes.empty()) return nlohmann::json::object();
    nlohmann::json value = nlohmann::json::from_msgpack(bytes, true, false);
    return value.is_discarded() ? nlohmann::json::object() : value;
  }

  Status plan_edge(const EdgeWrite& write, bool remove, size_t index) {
    const EdgeType* type = store_.ontology_->edge_type(write.type);
    if (type == nullptr) {
      return Status::ontology_violation("unknown edge type \"" + write.type + "\"");
    }
    if (!write.properties.is_object()) {
      return Status::invalid_argument("properties must be a JSON object");
    }
    PlannedNode* endpoints[2] = {nullptr, nullptr};
    const NodeRef* refs[2] = {&write.from, &write.to};
    for (int side = 0; side < 2; ++side) {
      auto resolved = resolve(*refs[side], /*need_record=*/false);
      if (!resolved.ok()) return resolved.status();
      if (!(*resolved)->after) {
        return Status::not_found(
            "node " + refs[side]->to_string() +
            ((*resolved)->before ? " is deleted in the same request" : " does not exist"));
      }
      endpoints[side] = *resolved;
    }
    SymbolId type_id = *store_.symbols_.find(SymbolKind::kEdgeType, type->name);
    EdgeIdentity identity{endpoints[0]->id, type_id, endpoints[1]->id};

    if (remove) {
      auto found = edges_.find(identity);
      bool exists =
          found != edges_.end() ? found->second.after.has_value() : stored_edge_exists(identity);
      if (!exists) return Status::not_found("edge does not exist");
      return plan_stored_edge_removal(identity);
    }

    if (!type->allows_source(write.from.type)) {
      return Status::ontology_violation("edge type " + type->name + " cannot start at a " +
                                        write.from.type + " (domain: " + join(type->domain) + ")");
    }
    if (!type->allows_target(write.to.type)) {
      return Status::ontology_violation("edge type " + type->name + " cannot end at a " +
                                        write.to.type + " (range: " + join(type->range) + ")");
    }
    EXPGRAPH_RETURN_IF_ERROR(store_.ontology_->validate_edge_properties(*type, write.properties));
    nlohmann::json properties = nlohmann::json::object();
    for (const auto& [name, value] : write.properties.items()) {
      if (!value.is_null()) properties[name] = value;
    }

    auto [it, inserted] = edges_.try_emplace(identity);
    PlannedEdge& edge = it->second;
    // The mirror holds every stored edge: only an edge that exists costs a read (its
    // properties decide between unchanged and updated).
    if (inserted && endpoints[0]->before && endpoints[1]->before &&
        store_.mirror_.has_edge(identity.from, identity.type, identity.to)) {
      auto stored = store_.store_->get(
          Column::kOut, keys::adjacency_key(identity.from, identity.type, identity.to));
      if (!stored.ok()) return stored.status();
      if (stored->has_value()) {
        edge.before = decode_properties(**stored);
        edge.after = edge.before;
      }
    }
    edge.type = &type->name;
    edge.from = endpoints[0]->ref;
    edge.to = endpoints[1]->ref;
    WriteOutcome outcome;
    if (!edge.after) {
      outcome = WriteOutcome::kCreated;
      adjust_degrees(identity, +1);
    } else if (*edge.after == properties) {
      outcome = WriteOutcome::kUnchanged;
    } else {
      outcome = WriteOutcome::kUpdated;
    }
    edge.after = std::move(properties);
    summary_.edges[index] = outcome;
    return Status();
  }

  bool stored_edge_exists(const EdgeIdentity& identity) const {
    auto stored = store_.store_->get(
        Column::kOut, keys::adjacency_key(identity.from, identity.type, identity.to));
    return stored.ok() && stored->has_value();
  }

  static std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
    return out;
  }

  // Only "one" cardinalities are checked, so only their ends are counted: most edge types are
  // many-to-many, and two map updates per imported edge showed up in the import profile. The
  // Results of an Experiment are counted too: check_conclusions needs them.
  void adjust_degrees(const EdgeIdentity& identity, int delta) {
    const std::string& name = store_.symbols_.name(SymbolKind::kEdgeType, identity.type);
    const EdgeType* type = store_.ontology_->edge_type(name);
    if (type == nullptr || type->per_source != Cardinality::kMany ||
        name == governance::kResultEdge) {
      degree_delta_[{identity.from, identity.type, true}] += delta;
    }
    if (type == nullptr || type->per_target != Cardinality::kMany) {
      degree_delta_[{identity.to, identity.type, false}] += delta;
    }
  }

  // "one" cardinalities, checked on the final state so that a request may replace an edge.
  Status check_cardinalities() {
    for (const auto& [slot, delta] : degree_delta_) {
      const auto& [node_id, type_id, outgoing] = slot;
      if (delta <= 0) continue;
      const EdgeType* type =
          store_.ontology_->edge_type(store_.symbols_.name(SymbolKind::kEdgeType, type_id));
      Cardinality limit = outgoing ? type->per_source : type->per_target;
      if (limit == Cardinality::kMany) continue;
      long stored = static_cast<long>(
          store_.mirror_.degree(node_id, outgoing ? Direction::kOut : Direction::kIn, type_id));
      if (stored + delta > 1) {
        return Status::ontology_violation(
            "cardinality of " + type->name + " broken: a " + (outgoing ? "source" : "target") +
            " node may have at most one such edge, and " + node_ref_of(node_id) + " would have " +
            std::to_string(stored + delta));
      }
    }
    return Status();
  }

  // The lifecycle gates that need the request's final state (the Results attached).
  Status check_conclusions() {
    std::optional<SymbolId> result_edge =
        store_.symbols_.find(SymbolKind::kEdgeType, governance::kResultEdge);
    for (const PlannedNode* node_pointer : touched_) {
      const PlannedNode& node = *node_pointer;
      if (!node.after) continue;
      size_t results = 0;
      if (result_edge) {
        long delta = 0;
        auto found = degree_delta_.find({node.id, *result_edge, true});
        if (found != degree_delta_.end()) delta = found->second;
        results = static_cast<size_t>(std::max<long>(
            0, static_cast<long>(store_.mirror_.degree(node.id, Direction::kOut, *result_edge)) +
                   delta));
      }
      Status status =
          governance::check_conclusion(*node.type, node.before ? &node.before->properties : nullptr,
                                       node.after->properties, results);
      if (!status.ok()) return status.prepend(node.ref->to_string());
    }
    return Status();
  }

  void collect_touched() {
    touched_.clear();
    for (auto& [ref, node] : nodes_) {
      if (node.touched) touched_.push_back(&node);
    }
    std::sort(touched_.begin(), touched_.end(),
              [](const PlannedNode* a, const PlannedNode* b) { return *a->ref < *b->ref; });
  }

  std::string node_ref_of(NodeId id) const {
    for (const auto& [ref, node] : nodes_) {
      if (node.id == id) return ref.to_string();
    }
    return "node " + std::to_string(id);
  }

  uint64_t take_sequence() { return store_.next_sequence_++; }

  // Writes the change record {at, actor, op, subject, before, after}; `subject` is the
  // MessagePack of the subject object (see node_subject / edge_subject). Returns the record's
  // sequence.
  uint64_t log_change(KvWriteBatch& batch, std::string_view operation, std::string_view subject,
                      const nlohmann::json& before, const nlohmann::json& after) {
    std::string& record = log_buffer_;
    record.clear();
    msgpack_map_header(record, 6);
    msgpack_string(record, "after");
    msgpack_json(record, after);
    msgpack_string(record, "at");
    msgpack_int(record, now_);
    msgpack_string(record, "actor");
    msgpack_string(record, request_.actor);
    msgpack_string(record, "before");
    msgpack_json(record, before);
    msgpack_string(record, "op");
    msgpack_string(record, operation);
    msgpack_string(record, "subject");
    record.append(subject);
    uint64_t sequence = take_sequence();
    batch.put(Column::kLog, keys::log_key(sequence), record);
    return sequence;
  }

  // {"node": "Type/key"}
  static std::string node_subject(const NodeRecord& node) {
    std::string out;
    msgpack_map_header(out, 1);
    msgpack_string(out, "node");
    msgpack_string(out, node.type + "/" + node.key);
    return out;
  }

  // {"edge": type, "from": "Type/key", "to": "Type/key"}, into a reused buffer.
  const std::string& edge_subject(const PlannedEdge& edge) {
    std::string& out = subject_buffer_;
    out.clear();
    msgpack_map_header(out, 3);
    msgpack_string(out, "edge");
    msgpack_string(out, *edge.type);
    for (auto [name, ref] : {std::pair{"from", edge.from}, std::pair{"to", edge.to}}) {
      msgpack_string(out, name);
      ref_buffer_.assign(ref->type);
      ref_buffer_.push_back('/');
      ref_buffer_.append(ref->key);
      msgpack_string(out, ref_buffer_);
    }
    return out;
  }

  void index_entries(const PlannedNode& node, const NodeRecord& record,
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

  void add_node_operations(KvWriteBatch& batch, const PlannedNode& node) {
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
    std::string subject = node_subject(any);
    if (node.after) {
      batch.put(Column::kNodes, keys::node_key(node.id), encode_node_record(*node.after));
      if (!node.before) {
        std::string id;
        keys::append_u64(id, node.id);
        batch.put(Column::kKeys, external, id);
      }
      uint64_t sequence = log_change(batch, "put_node", subject,
                                     node.before ? node.before->to_json() : nlohmann::json(),
                                     node.after->to_json());
      batch.put(Column::kHistory, keys::history_key(node.type_id, any.key, sequence), "");
    } else if (node.before) {
      batch.erase(Column::kNodes, keys::node_key(node.id));
      batch.erase(Column::kKeys, external);
      uint64_t sequence =
          log_change(batch, "delete_node", subject, node.before->to_json(), nlohmann::json());
      batch.put(Column::kHistory, keys::history_key(node.type_id, any.key, sequence), "");
    }
  }

  void add_edge_operations(KvWriteBatch& batch, const EdgeIdentity& identity,
                           const PlannedEdge& edge) {
    if (edge.before == edge.after) return;
    // Keys and subject go to reused buffers: the batch copies them.
    std::string& out_key = out_key_buffer_;
    out_key.clear();
    keys::append_adjacency_key(out_key, identity.from, identity.type, identity.to);
    const std::string& subject = edge_subject(edge);
    if (edge.after) {
      batch.put(Column::kOut, out_key, edge.after->empty() ? "" : to_msgpack(*edge.after));
      log_change(batch, "put_edge", subject, edge.before ? *edge.before : null_, *edge.after);
    } else if (edge.before) {
      batch.erase(Column::kOut, out_key);
      log_change(batch, "delete_edge", subject, *edge.before, null_);
    }
  }

  std::vector<NodeChange> node_changes() const {
    std::vector<NodeChange> changes;
    for (const PlannedNode* node_pointer : touched_) {
      const PlannedNode& node = *node_pointer;
      changes.push_back(NodeChange{node.id, node.type, node.before ? &*node.before : nullptr,
                                   node.after ? &*node.after : nullptr,
                                   node.embedding ? &*node.embedding : nullptr});
    }
    return changes;
  }

  void apply_to_mirror() {
    TopologyMirror& mirror = store_.mirror_;
    for (const PlannedNode* node : touched_) {
      if (node->after && !node->before) {
        mirror.add_node(node->id, node->type_id);
        store_.key_index_.insert(node->type_id, node->ref->key, node->id);
      }
    }
    for (const auto& [identity, edge] : edges_) {
      if (edge.after && !edge.before) mirror.add_edge(identity.from, identity.type, identity.to);
      if (!edge.after && edge.before) {
        mirror.remove_edge(identity.from, identity.type, identity.to);
      }
    }
    for (const PlannedNode* node : touched_) {
      if (!node->after && node->before) {
        mirror.remove_node(node->id);
        store_.key_index_.erase(node->type_id, node->ref->key, node->id);
      }
    }
  }

 public:
  void remember_counters() {
    first_node_id_ = store_.next_node_id_;
    first_sequence_ = store_.next_sequence_;
  }
  void restore_counters() {
    store_.next_node_id_ = first_node_id_;
    store_.next_sequence_ = first_sequence_;
  }

 private:
  GraphStore& store_;
  const WriteRequest& request_;
  int64_t now_;
  // Every node the request names, endpoints included (most of them, in an edge import, only
  // looked up): a hash table, since a sorted map cost a dozen string comparisons per edge end.
  // Element pointers are stable, which touched_ relies on.
  std::unordered_map<NodeRef, PlannedNode, NodeRefHash> nodes_;
  // The nodes written or deleted, in NodeRef order (collect_touched): the order their
  // operations and change-log records are written in, independent of the hash table.
  std::vector<PlannedNode*> touched_;
  std::vector<PlannedNode*> written_;  // parallel to the request's nodes
  std::map<EdgeIdentity, PlannedEdge> edges_;
  std::map<std::tuple<NodeId, SymbolId, bool>, long> degree_delta_;
  std::string log_buffer_;  // reused by log_change
  // Reused by add_edge_operations and edge_subject.
  std::string out_key_buffer_, subject_buffer_, ref_buffer_;
  const nlohmann::json null_;
  WriteSummary summary_;
  NodeId first_node_id_ = 0;
  uint64_t first_sequence_ = 0;
};

Result<WriteSummary> GraphStore::write(const WriteRequest& request) {
  size_t items = request.nodes.size() + request.edges.size() + request.node_deletes.size() +
                 request.edge_deletes.size();
  if (items > options_.max_request_items) {
    return Status::too_large("a write may hold at most " +
                             std::to_string(options_.max_request_items) + " items, this one has " +
                             std::to_string(items));
  }
  std::lock_guard lock(write_mutex_);
  WritePlan plan(*this, request);
  plan.remember_counters();
  Status planned = plan.plan();
  if (!planned.ok()) {
    plan.restore_counters();
    return planned;
  }
  return plan.commit();
}

}  // namespace expgraph
