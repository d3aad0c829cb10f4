#include "graph/graph_export.h"

namespace expgraph {

Result<std::unique_ptr<GraphExporter>> GraphExporter::create(const GraphStore& graph,
                                                            ExportOptions options) {
  std::unique_ptr<GraphExporter> exporter(new GraphExporter(graph, std::move(options)));
  for (const std::string& type : exporter->options_.types) {
    if (graph.ontology().node_type(type) == nullptr) {
      return Status::invalid_argument("unknown node type \"" + type + "\" in types");
    }
    exporter->type_ids_.insert(*graph.symbols().find(SymbolKind::kNodeType, type));
  }
  return exporter;
}

GraphExporter::GraphExporter(const GraphStore& graph, ExportOptions options)
    : graph_(graph), options_(std::move(options)) {}

bool GraphExporter::node_selected(const NodeRecord& node) const {
  return node.updated_at_ms >= options_.since_ms;
}

Result<bool> GraphExporter::next_line(std::string& out) {
  const KvStore& store = graph_.storage();
  if (!in_edges_phase_) {
    if (!iterator_) iterator_.emplace(store.scan(Column::kNodes, ""));
    for (; iterator_->valid(); iterator_->next()) {
      auto node = decode_node_record(keys::node_id_from_key(iterator_->key()), iterator_->value());
      if (!node.ok()) return node.status();
      auto type = graph_.symbols().find(SymbolKind::kNodeType, node->type);
      if (!type_ids_.empty() && (!type || !type_ids_.contains(*type))) continue;
      if (!node_selected(*node)) continue;
      nlohmann::json line{
          {"node", {{"type", node->type}, {"key", node->key}, {"properties", node->properties}}}};
      out += line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      out += '\n';
      iterator_->next();
      return true;
    }
    EXPGRAPH_RETURN_IF_ERROR(iterator_->status());
    in_edges_phase_ = true;
    iterator_.emplace(store.scan(Column::kOut, ""));
  }
  for (; iterator_->valid(); iterator_->next()) {
    keys::AdjacencyKey edge = keys::decode_adjacency_key(iterator_->key());
    const TopologyMirror& mirror = graph_.topology();
    auto from_type = mirror.node_type(edge.first);
    auto to_type = mirror.node_type(edge.second);
    if (!from_type || !to_type) continue;  // an endpoint deleted after this scan began
    if (!type_ids_.empty() && (!type_ids_.contains(*from_type) || !type_ids_.contains(*to_type))) {
      continue;
    }
    auto from = graph_.get_node(edge.first);
    if (!from.ok()) return from.status();
    auto to = graph_.get_node(edge.second);
    if (!to.ok()) return to.status();
    if (!node_selected(*from) && !node_selected(*to)) continue;
    nlohmann::json properties = nlohmann::json::object();
    if (!iterator_->value().empty()) {
      properties = nlohmann::json::from_msgpack(iterator_->value(), true, false);
      if (properties.is_discarded()) return Status::internal("corrupt edge properties");
    }
    nlohmann::json line{{"edge",
                         {{"type", graph_.symbols().name(SymbolKind::kEdgeType, edge.edge_type)},
                          {"from", from->ref().to_string()},
                          {"to", to->ref().to_string()},
                          {"properties", std::move(properties)}}}};
    out += line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += '\n';
    iterator_->next();
    return true;
  }
  EXPGRAPH_RETURN_IF_ERROR(iterator_->status());
  return false;
}

}  // namespace expgraph
