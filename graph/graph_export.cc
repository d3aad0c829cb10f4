#include "graph/graph_export.h"

#include <algorithm>
#include <bit>
#include <cstdio>

#include "graph/value_codec.h"

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
  if (const auto& table = exporter->options_.csv_table) {
    exporter->type_ids_.clear();
    // A type no write has used has no symbol yet: its table is the header alone.
    exporter->table_type_id_ = graph.symbols().find(
        table->is_edge ? SymbolKind::kEdgeType : SymbolKind::kNodeType, table->type);
  }
  return exporter;
}

GraphExporter::GraphExporter(const GraphStore& graph, ExportOptions options)
    : graph_(graph), options_(std::move(options)) {}

namespace {

// The endpoint cache has a slot per node up to 1M nodes (48-byte slots: 48 MiB), so that a
// graph of that size is exported with one record read per node; larger graphs share slots.
constexpr size_t kMinEndpointCacheSlots = size_t{1} << 16;
constexpr size_t kMaxEndpointCacheSlots = size_t{1} << 20;

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
  if (endpoint_cache_.empty()) {
    size_t slots = options_.endpoint_cache_slots;
    if (slots == 0) {
      slots =
          std::min(std::max(graph_.node_count(), kMinEndpointCacheSlots), kMaxEndpointCacheSlots);
    }
    endpoint_cache_.resize(std::bit_ceil(slots));
  }
  // Ids are dense (one counter), so id modulo a power of two spreads them evenly.
  Endpoint& slot = endpoint_cache_[id & (endpoint_cache_.size() - 1)];
  if (slot.id == id) return &slot;
  auto node = graph_.get_node(id);
  if (!node.ok()) return node.status();
  slot.id = id;
  slot.ref = node->ref().to_string();
  slot.selected = node_selected(*node);
  return &slot;
}

void GraphExporter::append_node_row(std::string& out, const NodeRecord& node) const {
  append_csv_row(out, *options_.csv_table, {node.key}, node.properties);
}

Status GraphExporter::append_edge_row(std::string& out, const std::string& to_ref) {
  // References are "Type/key"; neither a type nor a key holds a '/'.
  const std::string_view from(from_ref_), to(to_ref);
  const size_t from_slash = from.find('/'), to_slash = to.find('/');
  nlohmann::json properties = nlohmann::json::object();
  if (!iterator_->value().empty()) {
    auto decoded = decode_edge_properties(iterator_->value());
    if (!decoded.ok()) return decoded.status();
    properties = std::move(decoded).value();
  }
  append_csv_row(out, *options_.csv_table,
                 {from.substr(0, from_slash), from.substr(from_slash + 1), to.substr(0, to_slash),
                  to.substr(to_slash + 1)},
                 properties);
  return Status();
}

Result<bool> GraphExporter::next_line(std::string& out) {
  const KvStore& store = graph_.storage();
  const bool csv = options_.csv_table.has_value();
  if (finished_) return false;
  if (csv && !header_written_) {
    append_csv_header(out, *options_.csv_table);
    header_written_ = true;
    // A type never written has no rows; an edge table skips the node phase.
    if (!table_type_id_) {
      finished_ = true;
    } else if (options_.csv_table->is_edge) {
      in_edges_phase_ = true;
      iterator_.emplace(store.scan(Column::kOut, ""));
    }
    return true;
  }
  if (!in_edges_phase_) {
    if (!iterator_) iterator_.emplace(store.scan(Column::kNodes, ""));
    for (; iterator_->valid(); iterator_->next()) {
      const NodeId id = keys::node_id_from_key(iterator_->key());
      if (csv) {
        // One type of many: the mirror's type spares decoding the other types' records.
        if (graph_.topology().node_type(id) != table_type_id_) continue;
        auto node = decode_node_record(id, iterator_->value());
        if (!node.ok()) return node.status();
        if (node->type != options_.csv_table->type || !node_selected(*node)) continue;
        append_node_row(out, *node);
        iterator_->next();
        return true;
      }
      auto node = decode_node_record(id, iterator_->value());
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
    if (csv) return false;  // a node table has no edge phase
    in_edges_phase_ = true;
    iterator_.emplace(store.scan(Column::kOut, ""));
  }
  for (; iterator_->valid(); iterator_->next()) {
    keys::AdjacencyKey edge = keys::decode_adjacency_key(iterator_->key());
    if (csv && edge.edge_type != *table_type_id_) continue;
    const TopologyMirror& mirror = graph_.topology();
    auto from_type = mirror.node_type(edge.first);
    auto to_type = mirror.node_type(edge.second);
    if (!from_type || !to_type) continue;  // an endpoint deleted after this scan began
    if (!type_ids_.empty() && (!type_ids_.contains(*from_type) || !type_ids_.contains(*to_type))) {
      continue;
    }
    auto from = endpoint(edge.first);
    if (!from.ok()) return from.status();
    // Copied before the target is looked up: both ids may share a cache slot, and the lookup of
    // the target would then overwrite the source's entry.
    from_ref_ = (*from)->ref;
    bool from_selected = (*from)->selected;
    auto to = endpoint(edge.second);
    if (!to.ok()) return to.status();
    if (!from_selected && !(*to)->selected) continue;
    if (csv) {
      EXPGRAPH_RETURN_IF_ERROR(append_edge_row(out, (*to)->ref));
      iterator_->next();
      return true;
    }
    // The same bytes as dumping {"edge": {...}} (keys in nlohmann's sorted order), written
    // piece by piece: building the object cost more than the rest of the line.
    out += "{\"edge\":{\"from\":";
    append_json_string(out, from_ref_);
    out += ",\"properties\":";
    if (iterator_->value().empty()) {
      out += "{}";  // most edges have no properties: no object built and dumped
    } else {
      auto properties = decode_edge_properties(iterator_->value());
      if (!properties.ok()) return properties.status();
      out += properties->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
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
