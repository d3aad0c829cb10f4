#include "query/cypher/graph_access.h"

#include "query/cypher/value_ops.h"

namespace expgraph::cypher {

namespace {

Result<Value::Map> json_to_map(const nlohmann::json& properties) {
  auto value = from_json(properties);
  if (!value.ok()) return value.status();
  if (!value->is_map()) return Value::Map();
  return value->as_map();
}

// Properties the ontology declares `date` or `datetime` are stored as ISO-8601 strings and read
// as temporal values, so that comparisons, arithmetic and components work on them. A stored
// string that does not parse (written before the type was declared) stays a string.
template <typename Type>
void read_temporal_properties(const Type* type, Value::Map& properties) {
  if (type == nullptr) return;
  for (auto& [name, value] : properties) {
    if (!value.is_string()) continue;
    const PropertyDef* def = type->property(name);
    if (def == nullptr) continue;
    if (def->type == PropertyType::kDate) {
      auto date = parse_date(value.as_string());
      if (date.ok()) value = Value::date(*date);
    } else if (def->type == PropertyType::kDateTime) {
      auto datetime = parse_datetime(value.as_string());
      if (datetime.ok()) value = Value::datetime(*datetime);
    }
  }
}

}  // namespace

Value GraphAccess::node_value(NodeId id, SymbolId type) const {
  return Value::node(id, graph_.symbols().name(SymbolKind::kNodeType, type));
}

Value GraphAccess::node_by_id(uint64_t id) const {
  auto type = graph_.topology().node_type(id);
  return type ? node_value(id, *type) : Value::null();
}

Result<const GraphAccess::NodeData*> GraphAccess::node_data(uint64_t id) const {
  auto it = nodes_.find(id);
  if (it != nodes_.end()) return it->second.get();
  auto record = graph_.get_node(id);
  if (!record.ok()) {
    if (record.status().code() != StatusCode::kNotFound) return record.status();
    // Deleted while the query ran: it reads as a node without properties.
    auto empty = std::make_unique<NodeData>();
    return nodes_.emplace(id, std::move(empty)).first->second.get();
  }
  auto properties = json_to_map(record->properties);
  if (!properties.ok()) return properties.status();
  read_temporal_properties(graph_.ontology().node_type(record->type), *properties);
  auto data = std::make_unique<NodeData>(NodeData{record->key, std::move(properties).value()});
  return nodes_.emplace(id, std::move(data)).first->second.get();
}

Result<const Value::Map*> GraphAccess::relationship_properties(const RelationshipRef& rel) const {
  RelationshipKey key{rel.src, rel.type, rel.dst};
  auto it = relationships_.find(key);
  if (it != relationships_.end()) return it->second.get();
  auto type = graph_.symbols().find(SymbolKind::kEdgeType, rel.type);
  auto map = std::make_unique<Value::Map>();
  if (type) {
    auto document = graph_.edge_properties(rel.src, *type, rel.dst);
    if (!document.ok()) return document.status();
    if (document->has_value() && !(*document)->empty()) {
      auto properties = json_to_map(**document);
      if (!properties.ok()) return properties.status();
      read_temporal_properties(graph_.ontology().edge_type(rel.type), *properties);
      *map = std::move(properties).value();
    }
  }
  return relationships_.emplace(key, std::move(map)).first->second.get();
}

Result<std::string> GraphAccess::node_key(uint64_t id) {
  auto data = node_data(id);
  if (!data.ok()) return data.status();
  return (*data)->key;
}

Result<Value> GraphAccess::property(const Value& entity, std::string_view name) {
  const Value::Map* properties = nullptr;
  if (entity.is_node()) {
    auto data = node_data(entity.as_node().id);
    if (!data.ok()) return data.status();
    if (name == "key") return Value::string((*data)->key);
    properties = &(*data)->properties;
  } else if (entity.is_relationship()) {
    auto map = relationship_properties(entity.as_relationship());
    if (!map.ok()) return map.status();
    properties = *map;
  } else {
    return map_property(entity, name);
  }
  auto it = properties->find(name);
  return it == properties->end() ? Value::null() : it->second;
}

Result<Value::Map> GraphAccess::load_properties(const Value& entity) const {
  if (entity.is_node()) {
    auto data = node_data(entity.as_node().id);
    if (!data.ok()) return data.status();
    return (*data)->properties;
  }
  if (entity.is_relationship()) {
    auto map = relationship_properties(entity.as_relationship());
    if (!map.ok()) return map.status();
    return **map;
  }
  return type_error("expected a node or a relationship");
}

nlohmann::json GraphAccess::render(const Value& entity) {
  auto renderer = [this](const Value& value) { return render(value); };
  if (entity.is_node()) {
    const NodeRef& node = entity.as_node();
    auto data = node_data(node.id);
    if (!data.ok()) return {{"type", node.type}, {"id", node.id}};
    return {{"type", node.type},
            {"key", (*data)->key},
            {"properties", to_json(Value::map((*data)->properties), renderer)}};
  }
  if (entity.is_relationship()) {
    const RelationshipRef& rel = entity.as_relationship();
    auto endpoint = [this](uint64_t id) -> std::string {
      auto type = graph_.topology().node_type(id);
      auto data = node_data(id);
      std::string type_name =
          type ? graph_.symbols().name(SymbolKind::kNodeType, *type) : std::string();
      return type_name + "/" + (data.ok() ? (*data)->key : std::string());
    };
    auto properties = relationship_properties(rel);
    return {{"type", rel.type},
            {"from", endpoint(rel.src)},
            {"to", endpoint(rel.dst)},
            {"properties", properties.ok() ? to_json(Value::map(**properties), renderer)
                                           : nlohmann::json::object()}};
  }
  if (entity.is_path()) {
    nlohmann::json nodes = nlohmann::json::array();
    nlohmann::json relationships = nlohmann::json::array();
    for (const NodeRef& node : entity.as_path().nodes) {
      nodes.push_back(render(Value::node(node.id, node.type)));
    }
    for (const RelationshipRef& rel : entity.as_path().relationships) {
      relationships.push_back(render(Value::relationship(rel.src, rel.dst, rel.type)));
    }
    return {{"nodes", std::move(nodes)}, {"relationships", std::move(relationships)}};
  }
  return to_json(entity, renderer);
}

}  // namespace expgraph::cypher
