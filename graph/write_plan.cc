// GraphStore::WritePlan, planning: resolving the request's nodes and edges against storage and
// the mirror, and validating them against the ontology (write_plan.h). Committing the plan is
// write_plan_commit.cc.
#include "graph/write_plan.h"

#include <algorithm>

#include "graph/governance.h"
#include "graph/value_codec.h"

namespace expgraph {

namespace {

// Null means "absent", and floats are stored as floats even when written as integers, so that
// equal values have equal index keys. In place: a large value is not copied again.
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

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

// An edge's stored properties; a corrupt value reads as none.
nlohmann::json stored_edge_properties(std::string_view bytes) {
  auto properties = decode_edge_properties(bytes);
  return properties.ok() ? std::move(properties).value() : nlohmann::json::object();
}

}  // namespace

GraphStore::WritePlan::WritePlan(GraphStore& store, const WriteRequest& request,
                                 WriteRequest* movable)
    : store_(store), request_(request), movable_(movable), now_(now_epoch_ms()) {
  nodes_.reserve(request.nodes.size() + request.node_deletes.size() + 2 * request.edges.size());
}

void GraphStore::WritePlan::remember_counters() {
  first_node_id_ = store_.next_node_id_;
  first_sequence_ = store_.next_sequence_;
}

void GraphStore::WritePlan::restore_counters() {
  store_.next_node_id_ = first_node_id_;
  store_.next_sequence_ = first_sequence_;
}

Status GraphStore::WritePlan::plan() {
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
    if (!status.ok()) return status.prepend(item_label("edges", i, edge_label(request_.edges[i])));
  }
  EXPGRAPH_RETURN_IF_ERROR(check_cardinalities());
  collect_touched();
  return check_conclusions();
}

std::string GraphStore::WritePlan::node_label(size_t index) const {
  return request_.nodes[index].type + "/" + request_.nodes[index].key;
}

// The plan's entry for a node, loaded from storage on first use. A node that does not exist
// (neither in storage nor earlier in this request) has neither `before` nor `after`.
// Edge endpoints pass need_record = false: they only need the node's id and existence, so a
// stored node gets a stub record (id, type, key) instead of a read and decode of its
// properties. Stubs are never written: edges do not touch their endpoints, and every node
// write or delete of a request is planned before its edges (see plan()).
Result<GraphStore::WritePlan::PlannedNode*> GraphStore::WritePlan::resolve(const NodeRef& ref,
                                                                           bool need_record) {
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
Status GraphStore::WritePlan::load_record(PlannedNode& node) {
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

Status GraphStore::WritePlan::plan_node(const NodeWrite& write, size_t index) {
  if (!write.properties.is_object()) {
    return Status::invalid_argument("properties must be a JSON object");
  }
  auto resolved = resolve(NodeRef{write.type, write.key});
  if (!resolved.ok()) return resolved.status();
  PlannedNode& node = **resolved;
  if (node.touched && !node.after) {
    return Status::conflict("the node is deleted earlier in the same request");
  }
  if (request_.keep_existing && node.before) {
    // Stored before this request: left as it is (its record is still handed back, as stored,
    // or as an earlier line of this request left it).
    summary_.nodes[index] = WriteOutcome::kKept;
    written_[index] = &node;
    return Status();
  }
  // The plan keeps its own properties: moved out of a request its caller gave up, else copied.
  nlohmann::json properties =
      movable_ != nullptr ? std::move(movable_->nodes[index].properties) : write.properties;
  for (const NodeEnricher* enricher : store_.enrichers_) {
    EXPGRAPH_RETURN_IF_ERROR(enricher->enrich(*node.type, properties));
  }
  properties = normalize_properties(*node.type, std::move(properties));
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

Status GraphStore::WritePlan::plan_node_delete(const NodeRef& ref) {
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

Status GraphStore::WritePlan::plan_stored_edge_removal(const EdgeIdentity& identity) {
  auto [it, inserted] = edges_.try_emplace(identity);
  PlannedEdge& edge = it->second;
  if (inserted) {
    auto stored = store_.store_->get(
        Column::kOut, keys::adjacency_key(identity.from, identity.type, identity.to));
    if (!stored.ok()) return stored.status();
    edge.before = stored_edge_properties(stored->value_or(std::string()));
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
Status GraphStore::WritePlan::fill_refs(EdgeRecord& record) {
  for (auto [id, ref] :
       {std::pair{record.from_id, &record.from}, std::pair{record.to_id, &record.to}}) {
    auto stored = store_.get_node(id);
    if (!stored.ok()) return stored.status();
    *ref = stored->ref();
  }
  return Status();
}

Status GraphStore::WritePlan::plan_edge(const EdgeWrite& write, bool remove, size_t index) {
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
      edge.before = stored_edge_properties(**stored);
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

bool GraphStore::WritePlan::stored_edge_exists(const EdgeIdentity& identity) const {
  auto stored = store_.store_->get(Column::kOut,
                                   keys::adjacency_key(identity.from, identity.type, identity.to));
  return stored.ok() && stored->has_value();
}

// Only "one" cardinalities are checked, so only their ends are counted: most edge types are
// many-to-many, and two map updates per imported edge showed up in the import profile. The
// Results of an Experiment are counted too: check_conclusions needs them.
void GraphStore::WritePlan::adjust_degrees(const EdgeIdentity& identity, int delta) {
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
Status GraphStore::WritePlan::check_cardinalities() {
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
Status GraphStore::WritePlan::check_conclusions() {
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

void GraphStore::WritePlan::collect_touched() {
  touched_.clear();
  for (auto& [ref, node] : nodes_) {
    if (node.touched) touched_.push_back(&node);
  }
  std::sort(touched_.begin(), touched_.end(),
            [](const PlannedNode* a, const PlannedNode* b) { return *a->ref < *b->ref; });
}

std::string GraphStore::WritePlan::node_ref_of(NodeId id) const {
  for (const auto& [ref, node] : nodes_) {
    if (node.id == id) return ref.to_string();
  }
  return "node " + std::to_string(id);
}

}  // namespace expgraph
