#include "graph/graph_export.h"

#include <cstdio>

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

namespace {

constexpr size_t kEndpointCacheSlots = size_t{1} << 16;

// Appends `text` as a JSON string, escaped as nlohmann's dump does. Only for node references
// and type names, which are valid UTF-8 (checked on write), so no byte needs replacing.
void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

}  // namespace

bool GraphExporter::node_selected(const NodeRecord& node) const {
  return node.updated_at_ms >= options_.since_ms;
}

Result<const GraphExporter::Endpoint*> GraphExporter::endpoint(NodeId id) {
  if (endpoint_cache_.empty()) endpoint_cache_.resize(kEndpointCacheSlots);
  Endpoint& slot = endpoint_cache_[id % kEndpointCacheSlots];
  if (slot.id == id) return &slot;
  auto node = graph_.get_node(id);
  if (!node.ok()) return node.status();
  slot.id = id;
  slot.ref = node->ref().to_string();
  slot.selected = node_selected(*node);
  return &slot;
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
    auto from = endpoint(edge.first);
    if (!from.ok()) return from.status();
    auto to = endpoint(edge.second);
    if (!to.ok()) return to.status();
    if (!(*from)->selected && !(*to)->selected) continue;
    nlohmann::json properties = nlohmann::json::object();
    if (!iterator_->value().empty()) {
      properties = nlohmann::json::from_msgpack(iterator_->value(), true, false);
      if (properties.is_discarded()) return Status::internal("corrupt edge properties");
    }
    // The same bytes as dumping {"edge": {...}} (keys in nlohmann's sorted order), written
    // piece by piece: building the object cost more than the rest of the line.
    out += "{\"edge\":{\"from\":";
    append_json_string(out, (*from)->ref);
    out += ",\"properties\":";
    out += properties.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    out += ",\"to\":";
    append_json_string(out, (*to)->ref);
    out += ",\"type\":";
    append_json_string(out, graph_.symbols().name(SymbolKind::kEdgeType, edge.edge_type));
    out += "}}\n";
    iterator_->next();
    return true;
  }
  EXPGRAPH_RETURN_IF_ERROR(iterator_->status());
  return false;
}

}  // namespace expgraph
