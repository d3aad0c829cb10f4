#include "query/cypher/graph_access.h"

#include "query/cypher/node_record_values.h"
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

Result<Value> GraphAccess::cell_value(const PropertyColumns::Cell& cell,
                                      std::optional<PropertyType> declared) {
  switch (cell.index()) {
    case 0:
      return Value::null();
    case 1:
      return Value::boolean(std::get<bool>(cell));
    case 2:
      return Value::integer(std::get<int64_t>(cell));
    case 3:
      return Value::floating(std::get<double>(cell));
    case 4: {
      const auto& text = std::get<std::shared_ptr<const std::string>>(cell);
      // As read_temporal_properties: a string that does not parse stays a string.
      if (declared == PropertyType::kDate) {
        auto date = parse_date(*text);
        if (date.ok()) return Value::date(*date);
      } else if (declared == PropertyType::kDateTime) {
        auto datetime = parse_datetime(*text);
        if (datetime.ok()) return Value::datetime(*datetime);
      }
      return Value::shared_string(text);  // no copy of the string
    }
    default:
      return from_json(*std::get<std::shared_ptr<const nlohmann::json>>(cell));
  }
}

Result<Value> GraphAccess::read_cell(const ColumnRead& read, const PropertyColumns::Chunk& chunk,
                                     NodeId id) {
  if (read.column == kKeyColumn) {
    return Value::shared_string(PropertyColumns::Table::key(chunk, id));
  }
  return cell_value(PropertyColumns::Table::value(chunk, id, read.column), read.declared);
}

const GraphAccess::TypeTable& GraphAccess::type_table(const std::string& type_name) const {
  auto it = tables_.find(type_name);
  if (it != tables_.end()) return it->second;
  TypeTable entry;
  entry.definition = graph_.ontology().node_type(type_name);
  if (auto type = graph_.symbols().find(SymbolKind::kNodeType, type_name)) {
    entry.table = graph_.columns().table(*type);
  }
  return tables_.emplace(type_name, std::move(entry)).first->second;
}

const GraphAccess::ColumnRead& GraphAccess::column_read(const std::string& type_name,
                                                        std::string_view property) const {
  for (const auto& read : column_reads_) {
    if (read->property == property && read->type == type_name) return *read;
  }
  const TypeTable& entry = type_table(type_name);
  auto read = std::make_unique<ColumnRead>();
  read->type = type_name;
  read->property = std::string(property);
  read->table = entry.table.get();
  if (read->table != nullptr) {
    read->column = property == "key" ? kKeyColumn : read->table->column(property);
  }
  if (entry.definition != nullptr) {
    if (const PropertyDef* def = entry.definition->property(property)) read->declared = def->type;
  }
  column_reads_.push_back(std::move(read));
  return *column_reads_.back();
}

Result<std::shared_ptr<const PropertyColumns::Table>> GraphAccess::scan_table(
    SymbolId type, const PropertyColumns::BuildCheck& check) {
  const std::string& type_name = graph_.symbols().name(SymbolKind::kNodeType, type);
  auto it = tables_.find(type_name);
  if (it != tables_.end()) return it->second.table;
  auto table = graph_.columns().table_or_build(type, check);
  if (!table.ok()) return table.status();
  TypeTable entry{*table, graph_.ontology().node_type(type_name)};
  return tables_.emplace(type_name, std::move(entry)).first->second.table;
}

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
  if (auto type = graph_.topology().node_type(id)) {
    const TypeTable& entry = type_table(graph_.symbols().name(SymbolKind::kNodeType, *type));
    const PropertyColumns::Chunk* chunk = entry.table ? entry.table->chunk_of(id) : nullptr;
    if (chunk != nullptr) {
      auto data = std::make_unique<NodeData>();
      data->key = *PropertyColumns::Table::key(*chunk, id);
      const std::vector<std::string>& names = entry.table->column_names();
      for (size_t column = 0; column < names.size(); ++column) {
        const PropertyColumns::Cell& cell =
            PropertyColumns::Table::value(*chunk, id, static_cast<int>(column));
        if (cell.index() == 0) continue;
        std::optional<PropertyType> declared;
        if (entry.definition != nullptr) {
          if (const PropertyDef* def = entry.definition->property(names[column])) {
            declared = def->type;
          }
        }
        auto value = cell_value(cell, declared);
        if (!value.ok()) return value.status();
        data->properties.emplace(names[column], std::move(value).value());
      }
      return nodes_.emplace(id, std::move(data)).first->second.get();
    }
  }
  auto bytes = graph_.storage().get(Column::kNodes, keys::node_key(id));
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) {
    // Deleted while the query ran: it reads as a node without properties.
    auto empty = std::make_unique<NodeData>();
    return nodes_.emplace(id, std::move(empty)).first->second.get();
  }
  // Straight from MessagePack into values: no JSON document in between.
  auto record = read_node_record(id, **bytes);
  if (!record.ok()) return record.status();
  read_temporal_properties(graph_.ontology().node_type(record->type), record->properties);
  auto data = std::make_unique<NodeData>(NodeData{std::move(record->key),
                                                  std::move(record->properties)});
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
    // The columns first: one cell, no record decoded.
    const NodeRef& node = entity.as_node();
    const ColumnRead& read = column_read(node.type, name);
    if (read.table != nullptr) {
      const size_t index = node.id >> PropertyColumns::kChunkShift;
      if (index != read.chunk_index) {
        read.chunk = read.table->chunk_at(index);
        read.chunk_index = index;
      }
      if (read.chunk != nullptr && read.chunk->has(node.id)) {
        return read_cell(read, *read.chunk, node.id);
      }
    }
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
